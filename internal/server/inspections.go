package server

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/surety/surety/internal/api"
	"github.com/surety/surety/internal/ledger"
	"github.com/surety/surety/internal/state"
)

func (s *Server) getSelection(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	var out api.SelectionResponse
	err := s.Log.View(r.Context(), func(kv state.KV) error {
		sel, found, err := state.LoadSelection(kv, id)
		if err != nil || !found {
			return errors.Join(err, fmt.Errorf("%w: declaration %q has no selection", ledger.ErrNotFound, id))
		}
		out.Selection = &sel
		in, found, err := state.LoadInspection(kv, id)
		if found {
			out.Inspection = &in
		}
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) getAssurance(w http.ResponseWriter, r *http.Request) error {
	n, err := strconv.Atoi(r.PathValue("period"))
	if err != nil || n < 1 {
		return badRequest("period %q is not a period number (1, 2, …)", r.PathValue("period"))
	}
	var a *state.Assurance
	err = s.Log.View(r.Context(), func(kv state.KV) error {
		spec, err := s.spec(kv)
		if err != nil {
			return err
		}
		a, err = state.PeriodAssurance(kv, spec, n)
		return err
	})
	if errors.Is(err, state.ErrInvalid) {
		return fmt.Errorf("%w: %v", ledger.ErrNotFound, err)
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, a)
}

func (s *Server) getPendingSelections(w http.ResponseWriter, r *http.Request) error {
	limit, err := limitParam(r, 1000)
	if err != nil {
		return err
	}
	out := []state.Pending{}
	err = s.Log.View(r.Context(), func(kv state.KV) error {
		ds, err := state.Unselected(kv, limit)
		out = append(out, ds...)
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}
