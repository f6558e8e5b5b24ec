package web

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/state"
)

// workPage is a principal's page: the sign-in, or, signed in, who the
// principal is, what it may state, and the form that signs a statement in
// the browser.
type workPage struct {
	page
	SignedIn  bool
	Principal string
	Party     agreement.Party
	Duties    []agreement.Duty
	Types     []string
}

func (d *Dashboard) work(w http.ResponseWriter, r *http.Request) error {
	_, ss, signedIn := d.sessions.of(r, time.Now())
	p := workPage{SignedIn: signedIn}
	err := d.log.View(r.Context(), func(kv state.KV) error {
		spec, err := d.spec(kv)
		if err != nil {
			return err
		}
		p.Agreement, p.Title = spec, "Your work"
		vkeys := map[string]string{}
		for _, party := range spec.Parties {
			for _, pr := range party.Principals {
				vkeys[pr.ID] = strings.TrimSpace(pr.Key)
				if signedIn && pr.ID == ss.Principal {
					p.Principal, p.Party, p.Duties = pr.ID, party, pr.Duties
				}
			}
		}
		for _, pm := range state.Permits() {
			if slices.ContainsFunc(p.Duties, func(dt agreement.Duty) bool { return pm.Allowed(p.Party.Role, dt) }) {
				p.Types = append(p.Types, pm.Type)
			}
		}
		extra := map[string]any{"principals": vkeys, "origin": spec.Origin()}
		if signedIn {
			extra["csrf"], extra["principal"] = ss.CSRF, ss.Principal
		}
		p.Verify, err = d.verifyData(spec, extra)
		return err
	})
	if err != nil {
		return err
	}
	return d.render(w, "work", p)
}
