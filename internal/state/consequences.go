package state

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/surety/surety/internal/agreement"
)

// breachKinds maps each breach a consequence can name to the events that
// establish it.
var breachKinds = map[agreement.Breach][]string{
	agreement.Violation:        {EventProhibited, EventUndeclared, EventUnlicensed},
	agreement.AccessDenied:     {EventAccessDenied},
	agreement.ChallengeRefused: {EventChallengeRefused},
	agreement.MissedPayment:    {EventMissedPayment},
	agreement.MissedDelivery:   {EventMissedDelivery},
}

// Breach is a breach that holds a tranche back until it is cured.
type Breach struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"`
	Party     string    `json:"party"`
	Site      string    `json:"site,omitempty"`
	Incentive string    `json:"incentive"`
	At        time.Time `json:"at"`
	CureBy    time.Time `json:"cure_by,omitzero"`
	Status    string    `json:"status"`
	Tranches  []string  `json:"tranches"`
	Cause     string    `json:"cause"`
}

// Breach statuses.
const (
	Open  = "open"
	Cured = "cured"
	Final = "final"
)

// consequences applies the agreement's consequences to a closed period's
// non-compliant verdicts and returns what they did.
func (c *Context) consequences(p Period, at time.Time) ([]Event, error) {
	var actions []Event
	for _, v := range p.Verdicts {
		if v.Verdict != NonCompliant {
			continue
		}
		for _, q := range c.Spec.Consequences {
			if q.Party != v.Party {
				continue
			}
			var why []Event
			for _, r := range v.Reasons {
				if q.On == agreement.NonCompliant || slices.Contains(breachKinds[q.On], r.Kind) {
					why = append(why, r)
				}
			}
			if len(why) == 0 {
				continue
			}
			cause := fmt.Sprintf("%s by %s in period %d: %s", q.On, q.Party, p.N, why[0].Text)
			acts, err := c.effect(q, at, cause, why[0])
			if err != nil {
				return nil, err
			}
			actions = append(actions, acts...)
		}
	}
	for i := range actions {
		actions[i].Time = at
		if actions[i].Kind == EventRecord {
			continue // recorded among the period's actions only: it changes nothing
		}
		if err := c.event(at, actions[i]); err != nil {
			return nil, err
		}
	}
	return actions, nil
}

// effect applies one consequence.
func (c *Context) effect(q agreement.Consequence, at time.Time, cause string, why Event) ([]Event, error) {
	act := func(ref, text string) Event {
		return Event{Kind: EventTranche, Party: q.Party, Ref: ref, Text: text}
	}
	var out []Event
	switch q.Effect {
	case agreement.Record:
		out = append(out, Event{Kind: EventRecord, Party: q.Party, Text: "recorded: " + cause})
	case agreement.SuspendTranches:
		err := c.eachTranche(func(t *Tranche) error {
			if t.Incentive != q.Incentive || !slices.Contains([]string{Scheduled, Due, Withheld}, t.Status) {
				return nil
			}
			out = append(out, act(t.ID, fmt.Sprintf("tranche %s suspended: %s", t.ID, cause)))
			return c.setStatus(t, at, Suspended, cause, nil)
		})
		if err != nil {
			return nil, err
		}
	case agreement.ForfeitTranche:
		var next *Tranche
		err := c.eachTranche(func(t *Tranche) error {
			if t.Incentive == q.Incentive && next == nil && slices.Contains([]string{Scheduled, Due, Withheld}, t.Status) {
				next = t
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if next != nil {
			out = append(out, act(next.ID, fmt.Sprintf("tranche %s forfeited: %s", next.ID, cause)))
			if err := c.setStatus(next, at, Forfeited, cause, nil); err != nil {
				return nil, err
			}
		}
	case agreement.WithholdTranches:
		given, err := c.accessGivenSince(q.Party, why.Site, why.Time)
		if err != nil {
			return nil, err
		}
		if given != nil {
			out = append(out, Event{Kind: EventCured, Party: q.Party, Ref: why.Ref, Site: why.Site,
				Text: fmt.Sprintf("%s; cured before the period closed: %s", cause, given.Text)})
			break
		}
		b := Breach{ID: fmt.Sprintf("%s/%s/%s", q.On, why.Ref, depKey(at)), Kind: string(q.On), Party: q.Party, Incentive: q.Incentive,
			At: at, Status: Open, Cause: cause, Site: why.Site}
		if q.Cure != nil {
			b.CureBy = q.Cure.AddTo(why.Time)
		}
		err = c.eachTranche(func(t *Tranche) error {
			// Every pending tranche: scheduled, due, or withheld for its
			// conditions or by another breach, which keeps it.
			if t.Incentive != q.Incentive || !slices.Contains([]string{Scheduled, Due, Withheld}, t.Status) {
				return nil
			}
			b.Tranches = append(b.Tranches, t.ID)
			if t.Breach != "" {
				return nil
			}
			t.Breach = b.ID
			out = append(out, act(t.ID, fmt.Sprintf("tranche %s withheld until the breach is cured: %s", t.ID, cause)))
			return c.setStatus(t, at, Withheld, "until cured: "+cause, nil)
		})
		if err != nil {
			return nil, err
		}
		if err := putJSON(c.KV, kindBreach, b.ID, b); err != nil {
			return nil, err
		}
		if q.Cure != nil {
			if err := c.schedule(maxTime(b.CureBy, at), "cure", b.ID); err != nil {
				return nil, err
			}
		}
	case agreement.SuspendDeliveries:
		d, err := LoadDelivery(c.KV, q.Incentive)
		if err != nil {
			return nil, err
		}
		if d.Status != Suspended {
			if err := d.set(c.KV, at, Suspended, cause); err != nil {
				return nil, err
			}
			out = append(out, Event{Kind: EventDeliverySuspended, Party: q.Party, Ref: d.ID, Text: fmt.Sprintf("deliveries of %s suspended: %s", d.ID, cause)})
		}
	case agreement.RestoreRelief:
		restored, err := c.restoreRelief(at, q.Incentive, cause)
		if err != nil {
			return nil, err
		}
		if restored {
			out = append(out, Event{Kind: EventRelief, Party: q.Party, Ref: q.Incentive, Text: fmt.Sprintf("relief %s restored: %s", q.Incentive, cause)})
		}
	}
	return out, nil
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// cure cures a party's open breaches of the given kinds at a site: access
// was given after all. Each tranche they held stays withheld if another
// open breach holds it too, and otherwise goes back to what its due date
// and conditions make it.
func (c *Context) cure(e Entry, party, site string, kinds ...string) error {
	var open, cured []Breach
	err := c.KV.Scan(kindBreach, "", "", 0, func(_ string, v []byte) error {
		var b Breach
		if err := json.Unmarshal(v, &b); err != nil {
			return err
		}
		switch {
		case b.Status != Open:
		case b.Party == party && (b.Site == "" || b.Site == site) && slices.Contains(kinds, b.Kind):
			cured = append(cured, b)
		default:
			open = append(open, b)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, b := range cured {
		b.Status = Cured
		if err := putJSON(c.KV, kindBreach, b.ID, b); err != nil {
			return err
		}
		if !b.CureBy.IsZero() {
			if err := c.unschedule(maxTime(b.CureBy, b.At), "cure", b.ID); err != nil {
				return err
			}
		}
		for _, id := range b.Tranches {
			t, err := LoadTranche(c.KV, id)
			if err != nil {
				return err
			}
			if t.Status != Withheld || t.Breach != b.ID {
				continue
			}
			cause := "breach cured by " + e.Statement.ID
			if i := slices.IndexFunc(open, func(o Breach) bool { return slices.Contains(o.Tranches, t.ID) }); i >= 0 {
				o := open[i]
				t.Breach = o.ID
				if err := c.setStatus(t, e.Time, Withheld, cause+"; still until cured: "+o.Cause, &e); err != nil {
					return err
				}
				continue
			}
			if err := c.reinstate(t, e.Time, cause, &e); err != nil {
				return err
			}
		}
		if err := c.stmtEvent(e, Event{Kind: EventCured, Party: party, Ref: b.ID, Site: site,
			Text: fmt.Sprintf("the %s at %s was cured: %s", strings.ReplaceAll(b.Kind, "_", " "), orAll(site), e.Statement.ID)}); err != nil {
			return err
		}
	}
	return nil
}

// reinstate returns a tranche a breach no longer holds to what its due date
// and conditions make it: scheduled before its due date; after it, due if
// its conditions hold, else withheld for them.
func (c *Context) reinstate(t *Tranche, at time.Time, cause string, e *Entry) error {
	t.Breach = ""
	if t.Due == nil {
		return c.setStatus(t, at, Scheduled, cause+"; awaiting its due date", e)
	}
	ok, why, err := c.conditionsHold(t.ID)
	if err != nil {
		return err
	}
	if !ok {
		return c.setStatus(t, at, Withheld, cause+"; conditions not met: "+why, e)
	}
	return c.release(t, at, cause, e)
}

func orAll(site string) string {
	if site == "" {
		return "all sites"
	}
	return site
}

// cureExpired makes a breach final when its cure period ends uncured: the
// tranches it holds, still withheld, are forfeited.
func cureExpired(c *Context, at time.Time, id string) error {
	var b Breach
	if found, err := getJSON(c.KV, kindBreach, id, &b); err != nil || !found || b.Status != Open {
		return err
	}
	b.Status = Final
	if err := putJSON(c.KV, kindBreach, id, b); err != nil {
		return err
	}
	for _, tid := range b.Tranches {
		t, err := LoadTranche(c.KV, tid)
		if err != nil {
			return err
		}
		if t.Status == Withheld { // by this breach, or by another it also holds
			if err := c.setStatus(t, at, Forfeited, "not cured by "+b.CureBy.Format(time.DateOnly)+": "+b.Cause, nil); err != nil {
				return err
			}
		}
	}
	return c.event(at, Event{Kind: EventTranche, Party: b.Party, Ref: b.ID, Text: fmt.Sprintf("breach %s was not cured in time; its tranches %v are forfeited", b.ID, b.Tranches)})
}

// accessGivenSince returns the first event since t that gave inspectors
// access at the site (any site when site is empty), if any.
func (c *Context) accessGivenSince(party, site string, t time.Time) (*Event, error) {
	var found *Event
	err := c.KV.Scan(kindEvent, depKey(t), "", 0, func(_ string, v []byte) error {
		var e Event
		if err := json.Unmarshal(v, &e); err != nil {
			return err
		}
		if found == nil && e.Kind == EventAccessGiven && e.Party == party && (site == "" || e.Site == site) {
			found = &e
		}
		return nil
	})
	return found, err
}
