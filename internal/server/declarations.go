package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/surety/surety/internal/api"
	"github.com/surety/surety/internal/state"
)

// limitParam reads the limit query parameter: a whole number from 1 to
// 10,000, def when absent.
func limitParam(r *http.Request, def int) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 10000 {
		return 0, badRequest("limit=%q must be a whole number from 1 to 10,000", v)
	}
	return n, nil
}

func timeParam(r *http.Request, name string) (time.Time, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return t, badRequest("query parameter %s=%q is not an RFC 3339 time or a YYYY-MM-DD date", name, v)
	}
	return t, nil
}

func (s *Server) getDeclarations(w http.ResponseWriter, r *http.Request) error {
	if err := s.agreementParam(r); err != nil {
		return err
	}
	from, err := timeParam(r, "from")
	if err != nil {
		return err
	}
	to, err := timeParam(r, "to")
	if err != nil {
		return err
	}
	limit, err := limitParam(r, 100)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	out := []api.DeclarationSummary{}
	err = s.Log.View(r.Context(), func(kv state.KV) error {
		ds, err := state.Declarations(kv, q.Get("site"), from, to, q.Get("flag"), limit)
		if err != nil {
			return err
		}
		for _, d := range ds {
			v, err := state.ViewDeclaration(kv, d)
			if err != nil {
				return err
			}
			out = append(out, api.DeclarationSummary{ID: d.ID, Index: d.Index, Site: d.Body.Site, Departure: d.Body.Departure,
				Destination: d.Body.Destination, Status: d.Status, Risk: d.Screening.Risk, P: d.P, Flags: d.Flags, Selected: v.Selected})
		}
		return nil
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}
