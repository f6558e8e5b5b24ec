package server

import (
	"net/http"

	"github.com/surety/surety/internal/state"
)

// getEvents serves the events in [from, to): the facts that bear on
// verdicts and incentives, each with the statement behind it, if any.
func (s *Server) getEvents(w http.ResponseWriter, r *http.Request) error {
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
	if from.IsZero() || !to.After(from) {
		return badRequest("give from and to, with from before to (RFC 3339 or YYYY-MM-DD)")
	}
	out := []state.Event{}
	err = s.Log.View(r.Context(), func(kv state.KV) error {
		es, err := state.Events(kv, from, to)
		out = append(out, es...)
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}
