package server

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/surety/surety/internal/ledger"
	"github.com/surety/surety/internal/state"
)

func (s *Server) getQueue(w http.ResponseWriter, r *http.Request) error {
	site := r.PathValue("id")
	var q []state.Selection
	err := s.Log.View(r.Context(), func(kv state.KV) error {
		spec, err := s.spec(kv)
		if err != nil {
			return err
		}
		if !hasSite(spec.Sites, site) {
			return fmt.Errorf("%w: no site %q", ledger.ErrNotFound, site)
		}
		q, err = state.Queue(kv, site)
		return err
	})
	if err != nil {
		return err
	}
	if q == nil {
		q = []state.Selection{}
	}
	return writeJSON(w, http.StatusOK, q)
}

// SelectionResponse is a declaration's selection and inspection.
type SelectionResponse struct {
	Selection  *state.Selection  `json:"selection,omitempty"`
	Inspection *state.Inspection `json:"inspection,omitempty"`
}

func (s *Server) getSelection(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	var out SelectionResponse
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

// PendingSelection is a declaration awaiting its selection: what the
// selector needs to decide it.
type PendingSelection struct {
	ID       string  `json:"id"`
	Index    uint64  `json:"index"`
	LeafHash string  `json:"leaf_hash"`
	Site     string  `json:"site"`
	P        float64 `json:"p"`
}

func (s *Server) getPendingSelections(w http.ResponseWriter, r *http.Request) error {
	limit := 1000
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			return badRequest("limit=%q must be a whole number from 1 to 10,000", v)
		}
		limit = n
	}
	out := []PendingSelection{}
	err := s.Log.View(r.Context(), func(kv state.KV) error {
		ds, err := state.Unselected(kv, limit)
		for _, d := range ds {
			out = append(out, PendingSelection{ID: d.ID, Index: d.Index, LeafHash: d.LeafHash, Site: d.Body.Site, P: d.P})
		}
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}
