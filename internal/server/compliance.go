package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/api"
	"github.com/surety/surety/internal/ledger"
	"github.com/surety/surety/internal/state"
)

func (s *Server) getVerdicts(w http.ResponseWriter, r *http.Request) error {
	n, err := strconv.Atoi(r.PathValue("period"))
	if err != nil || n < 1 {
		return badRequest("period %q is not a period number (1, 2, …)", r.PathValue("period"))
	}
	var out api.VerdictsResponse
	err = s.Log.View(r.Context(), func(kv state.KV) error {
		p, found, err := state.LoadPeriod(kv, n)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("%w: period %d has not closed; a period closes at the first entry past its end and grace", ledger.ErrNotFound, n)
		}
		out.Period = p
		ps, err := state.Periods(kv)
		for _, p := range ps {
			for _, v := range p.Verdicts {
				out.History = append(out.History, api.VerdictLine{Period: p.N, Party: v.Party, Verdict: v.Verdict})
			}
		}
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) getIncentives(w http.ResponseWriter, r *http.Request) error {
	if err := s.agreementParam(r); err != nil {
		return err
	}
	var out *state.Incentives
	err := s.Log.View(r.Context(), func(kv state.KV) error {
		var err error
		out, err = state.LoadIncentives(kv)
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

// getRecord serves one record by its id: a declaration, challenge,
// licence request or dispute; a missing one is not found.
func (s *Server) getRecord(load func(kv state.KV, id string) (any, error)) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		var v any
		err := s.Log.View(r.Context(), func(kv state.KV) error {
			var err error
			v, err = load(kv, r.PathValue("id"))
			return err
		})
		if errors.Is(err, state.ErrInvalid) {
			return fmt.Errorf("%w: %v", ledger.ErrNotFound, err)
		}
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, v)
	}
}

func (s *Server) getMilestones(w http.ResponseWriter, r *http.Request) error {
	var out json.RawMessage
	err := s.Log.View(r.Context(), func(kv state.KV) error {
		spec, err := s.spec(kv)
		if err != nil {
			return err
		}
		reached, err := state.Milestones(kv)
		if err != nil {
			return err
		}
		verified, err := state.VerifiedSteps(kv)
		if err != nil {
			return err
		}
		view := spec.Show(state.Met(kv))
		out, err = json.Marshal(map[string]any{"reached": reached, "verified": verified, "timeline": view.Milestones, "obligations": view.Obligations})
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

// spec returns the adopted agreement; before the adoption there is none to
// answer about.
// getAgreement names the agreement whose log the server holds.
func (s *Server) getAgreement(w http.ResponseWriter, r *http.Request) error {
	var out api.Agreement
	err := s.Log.View(r.Context(), func(kv state.KV) error {
		spec, err := s.spec(kv)
		if err == nil {
			out = api.Agreement{ID: spec.ID, Title: spec.Title, Origin: spec.Origin(), Time: s.Log.Now()}
		}
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) spec(kv state.KV) (*agreement.Spec, error) {
	spec, err := s.Log.Projector().Spec(kv)
	if err == nil && spec == nil {
		err = fmt.Errorf("%w: no agreement adopted", ledger.ErrNotFound)
	}
	return spec, err
}
