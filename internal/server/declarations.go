package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/surety/surety/internal/state"
)

// DeclarationSummary is a declaration in a listing.
type DeclarationSummary struct {
	ID          string                  `json:"id"`
	Index       uint64                  `json:"index"`
	Site        string                  `json:"site"`
	Departure   time.Time               `json:"departure"`
	Destination string                  `json:"destination"`
	Status      state.DeclarationStatus `json:"status"`
	Risk        float64                 `json:"risk"`
	P           float64                 `json:"p"`
	Flags       []string                `json:"flags"`
	Selected    *bool                   `json:"selected,omitempty"`
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
	limit := 100
	if v := r.URL.Query().Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > 10000 {
			return badRequest("limit=%q must be a whole number from 1 to 10,000", v)
		}
	}
	q := r.URL.Query()
	out := []DeclarationSummary{}
	err = s.Log.View(r.Context(), func(kv state.KV) error {
		ds, err := state.Declarations(kv, q.Get("site"), from, to, q.Get("flag"), limit)
		for _, d := range ds {
			out = append(out, DeclarationSummary{ID: d.ID, Index: d.Index, Site: d.Body.Site, Departure: d.Body.Departure,
				Destination: d.Body.Destination, Status: d.Status, Risk: d.Screening.Risk, P: d.P, Flags: d.Flags, Selected: d.Selected})
		}
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}
