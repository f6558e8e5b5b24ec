package state

import (
	"fmt"
	"slices"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/compliance"
)

// Event is a fact of the log, as package compliance reads it.
type Event = compliance.Event

// event records a fact at a time. Facts are keyed by time and then by
// order of recording, so that a period reads them in order. A finding (a
// fact that is a breach the moment it is logged) puts the incentives its
// consequences would touch on hold at once.
func (c *Context) event(at time.Time, e Event) error {
	e.Time = at
	var n uint64
	if _, err := getJSON(c.KV, kindEventCount, "n", &n); err != nil {
		return err
	}
	if err := putJSON(c.KV, kindEventCount, "n", n+1); err != nil {
		return err
	}
	if err := putJSON(c.KV, kindEvent, fmt.Sprintf("%s/%012d", depKey(at), n), e); err != nil {
		return err
	}
	if !e.Kind.Finding() {
		return nil
	}
	in, err := LoadIncentives(c.KV)
	if err != nil {
		return err
	}
	return c.act(compliance.Holds(c.Spec, e, *in))
}

// stmtEvent records a fact established by the entry's statement.
func (c *Context) stmtEvent(e Entry, ev Event) error {
	ev.Statement, ev.Index = e.Statement.ID, e.Index
	return c.event(e.Time, ev)
}

// Events returns the facts in [from, to).
func Events(kv KV, from, to time.Time) ([]Event, error) {
	return scanJSON[Event](kv, kindEvent, depKey(from), depKey(to))
}

// obligation returns the id of the first obligation of a kind in force at
// a time that binds the party (any party when empty) and, for the kinds
// scoped by sites, covers the site; "" when none does.
func (c *Context) obligation(kind agreement.ObligationKind, party, site string, at time.Time) string {
	for _, o := range Timeline(c.KV, c.Spec).InForce(at) {
		if o.Kind == kind && (party == "" || o.Party == party) && (site == "" || len(o.Sites) == 0 || slices.Contains(o.Sites, site)) {
			return o.ID
		}
	}
	return ""
}

// incentiveObligation returns the payment or delivery obligation of an
// incentive.
func (c *Context) incentiveObligation(incentive string) *agreement.Obligation {
	for i, o := range c.Spec.Obligations {
		if (o.Kind == agreement.Pay || o.Kind == agreement.Deliver) && o.Incentive == incentive {
			return &c.Spec.Obligations[i]
		}
	}
	return nil
}

func siteOf(spec *agreement.Spec, id string) *agreement.Site {
	for i := range spec.Sites {
		if spec.Sites[i].ID == id {
			return &spec.Sites[i]
		}
	}
	return nil
}

func partyOfSite(spec *agreement.Spec, site string) string {
	if s := siteOf(spec, site); s != nil {
		return s.Party
	}
	return ""
}

// inspectorate returns the inspectorate party: the party of the principals
// holding the inspector duty at the site (any site when empty).
func inspectorate(spec *agreement.Spec, site string) string {
	for _, p := range spec.Parties {
		if p.Role != agreement.Inspectorate {
			continue
		}
		for _, pr := range p.Principals {
			if site == "" || slices.Contains(pr.Sites, site) {
				return p.ID
			}
		}
	}
	for _, p := range spec.Parties {
		if p.Role == agreement.Inspectorate {
			return p.ID
		}
	}
	return ""
}
