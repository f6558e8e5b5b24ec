package state

import (
	"fmt"
	"slices"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/compliance"
)

// Breach is a breach whose consequence holds incentives back.
type Breach = compliance.Breach

// act applies the actions package compliance decided, at the context's
// log time.
func (c *Context) act(actions []compliance.Action) error {
	for _, a := range actions {
		if err := c.apply(a); err != nil {
			return err
		}
	}
	return nil
}

func (c *Context) apply(a compliance.Action) error {
	switch a.Do {
	case compliance.DoHold:
		h := compliance.HoldRef{Kind: a.Why.Kind, Ref: a.Why.Ref, Time: a.Why.Time, Rule: a.Rule, Cause: a.Why.Text}
		return c.eachTarget(a, "", func(_ string, hs *[]compliance.HoldRef, _ *string) {
			*hs = append(*hs, h)
		})
	case compliance.DoLift:
		return c.eachTarget(a, "released from hold: "+a.Cause, func(_ string, hs *[]compliance.HoldRef, _ *string) {
			*hs = slices.DeleteFunc(*hs, func(h compliance.HoldRef) bool {
				if !a.Settles.IsZero() {
					return h.Time.Before(a.Settles)
				}
				return h.Ref == a.Why.Ref
			})
		})
	case compliance.DoWithhold, compliance.DoSuspend:
		b := a.Breach
		if err := putJSON(c.KV, kindBreach, b.ID, b); err != nil {
			return err
		}
		if b.Status == compliance.BreachOpen && !b.Until.IsZero() {
			if err := c.schedule(maxTime(b.Until, c.Now), "breach", b.ID); err != nil {
				return err
			}
		}
		return c.eachTarget(a, "", func(_ string, hs *[]compliance.HoldRef, breach *string) {
			c.settle(a, hs)
			if *breach == "" || a.Do == compliance.DoSuspend {
				*breach = b.ID // a suspension outranks a withholding
			}
		})
	case compliance.DoForfeit:
		if b := a.Breach; b != nil {
			b.Status = compliance.BreachFinal
			if err := putJSON(c.KV, kindBreach, b.ID, b); err != nil {
				return err
			}
		}
		for _, id := range a.Targets {
			t, err := LoadTranche(c.KV, id)
			if err != nil {
				return err
			}
			t.Holds, t.Breach = nil, ""
			if err := c.moveTranche(t, compliance.TrancheForfeited, a.Cause, Event{}); err != nil {
				return err
			}
		}
		if len(a.Targets) == 0 {
			return nil
		}
		return c.actionEvent(a, compliance.TrancheChange)
	case compliance.DoRestore:
		b := a.Breach
		b.Status = compliance.BreachCured
		if a.Why.Kind == compliance.Remedied {
			b.Status = compliance.BreachRemedied
		}
		if err := putJSON(c.KV, kindBreach, b.ID, b); err != nil {
			return err
		}
		if !b.Until.IsZero() {
			if err := c.unschedule(maxTime(b.Until, b.At), "breach", b.ID); err != nil {
				return err
			}
		}
		breaches, err := Breaches(c.KV)
		if err != nil {
			return err
		}
		return c.eachTarget(a, "breach cured by "+a.Why.Statement, func(id string, _ *[]compliance.HoldRef, breach *string) {
			if *breach == b.ID {
				*breach = compliance.Holder(id, b.ID, breaches)
			}
		})
	case compliance.DoRestoreRelief:
		restored, err := c.restoreRelief(c.Now, a.Targets[0], a.Cause)
		if err != nil || !restored {
			return err
		}
		return c.actionEvent(a, compliance.ReliefChange)
	case compliance.DoInterest:
		t, err := LoadTranche(c.KV, a.Targets[0])
		if err != nil {
			return err
		}
		t.Interest += a.Amount
		t.History = append(t.History, compliance.Change{Time: c.Now, Reason: a.Text})
		if err := putJSON(c.KV, kindTranche, t.ID, t); err != nil {
			return err
		}
		return c.actionEvent(a, compliance.Interest)
	case compliance.DoSuspendObligation:
		o := c.obligationByID(a.Targets[0])
		s := compliance.Suspension{Obligation: o.ID, Party: o.Party, From: c.Now, Why: a.Why}
		if err := putJSON(c.KV, kindSuspension, o.ID+"/"+depKey(c.Now)+"/"+a.Why.Ref, s); err != nil {
			return err
		}
		return c.event(c.Now, Event{Kind: compliance.ObligationSuspended, Party: o.Party, Ref: o.ID, Obligation: o.ID, Text: a.Text})
	case compliance.DoRecord:
		return nil
	}
	return fmt.Errorf("state: no way to apply action %q", a.Do)
}

// settle drops the holds an action of a period's close takes over.
func (c *Context) settle(a compliance.Action, hs *[]compliance.HoldRef) {
	if a.Settles.IsZero() {
		return
	}
	*hs = slices.DeleteFunc(*hs, func(h compliance.HoldRef) bool { return h.Time.Before(a.Settles) })
}

// eachTarget changes the holds and breach of each tranche or delivery the
// action targets, settles its status, and records the action as a fact.
func (c *Context) eachTarget(a compliance.Action, cause string, change func(id string, holds *[]compliance.HoldRef, breach *string)) error {
	kind := compliance.TrancheChange
	for _, id := range a.Targets {
		if d, err := LoadDelivery(c.KV, id); err == nil {
			kind = compliance.DeliveriesSuspended
			change(id, &d.Holds, &d.Breach)
			if err := c.settleDelivery(d, c.Now, cause); err != nil {
				return err
			}
			continue
		}
		t, err := LoadTranche(c.KV, id)
		if err != nil {
			return err
		}
		change(id, &t.Holds, &t.Breach)
		if err := c.settleTranche(t, c.Now, cause, a.Why); err != nil {
			return err
		}
	}
	if a.Do == compliance.DoHold || a.Do == compliance.DoLift {
		kind = compliance.Hold
	}
	return c.actionEvent(a, kind)
}

// actionEvent records an action as a fact of its party.
func (c *Context) actionEvent(a compliance.Action, kind compliance.Kind) error {
	ref := ""
	if len(a.Targets) == 1 {
		ref = a.Targets[0]
	}
	return c.event(c.Now, Event{Kind: kind, Party: a.Party, Ref: ref, Text: a.Text})
}

// cure records a fact that cures the breaches about ref (a denied
// consignment inspected before it left, a refused location opened in
// time, a missed payment made) and ends what they did: holds lifted,
// withheld and cure-restored tranches back to their schedule, suspended
// obligations resumed. It records nothing when a breach about ref is
// final already: too late to cure.
func (c *Context) cure(e *Entry, party, ref, site, text string) error {
	breaches, err := Breaches(c.KV)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(breaches, func(b Breach) bool { return b.Ref == ref && b.Status == compliance.BreachFinal && b.Kind.Cureable() }) {
		return nil
	}
	ev := Event{Kind: compliance.Cured, Party: party, Ref: ref, Site: site, Text: text}
	if e != nil {
		err = c.stmtEvent(*e, ev)
		ev.Statement, ev.Index = e.Statement.ID, e.Index
	} else {
		err = c.event(c.Now, ev)
	}
	if err != nil {
		return err
	}
	ev.Time = c.Now
	in, err := LoadIncentives(c.KV)
	if err != nil {
		return err
	}
	if err := c.act(compliance.Cure(ref, ev, *in, breaches)); err != nil {
		return err
	}
	return c.resume(ref)
}

// resume ends the suspensions of obligations that a breach about ref let
// the other party make.
func (c *Context) resume(ref string) error {
	ss, err := Suspensions(c.KV)
	if err != nil {
		return err
	}
	for _, s := range ss {
		if s.Why.Ref != ref || !s.Until.IsZero() {
			continue
		}
		key := s.Obligation + "/" + depKey(s.From) + "/" + s.Why.Ref
		s.Until = c.Now
		if err := putJSON(c.KV, kindSuspension, key, s); err != nil {
			return err
		}
		if err := c.event(c.Now, Event{Kind: compliance.ObligationResumed, Party: s.Party, Ref: s.Obligation, Obligation: s.Obligation,
			Text: fmt.Sprintf("obligation %s resumed: the breach that suspended it (%s) was cured", s.Obligation, s.Why.Ref)}); err != nil {
			return err
		}
	}
	return nil
}

// breachExpired makes an open breach final when its cure period or its
// suspension runs out: what it still holds back is forfeited.
func breachExpired(c *Context, _ time.Time, id string) error {
	b, err := LoadBreach(c.KV, id)
	if err != nil {
		return err
	}
	in, err := LoadIncentives(c.KV)
	if err != nil {
		return err
	}
	return c.act(compliance.Expire(*b, *in))
}

// cureWindow returns the latest time a breach of the class by the party,
// at a time, can be cured under the agreement's withhold consequences;
// ok is false when no consequence limits it.
func (c *Context) cureWindow(class agreement.Breach, party string, at time.Time) (until time.Time, ok bool) {
	for _, q := range c.Spec.Consequences {
		if q.Party == party && q.Covers(class) && q.Effect == agreement.WithholdTranches && q.Cure != nil {
			t := q.Cure.AddTo(at)
			if !ok || t.Before(until) {
				until, ok = t, true
			}
		}
	}
	return until, ok
}

func (c *Context) obligationByID(id string) *agreement.Obligation {
	for i := range c.Spec.Obligations {
		if c.Spec.Obligations[i].ID == id {
			return &c.Spec.Obligations[i]
		}
	}
	return nil
}

// LoadBreach returns a breach.
func LoadBreach(kv KV, id string) (*Breach, error) {
	return load[Breach](kv, kindBreach, id, "breach")
}

// Breaches returns every breach whose consequence held incentives back.
func Breaches(kv KV) ([]Breach, error) { return scanJSON[Breach](kv, kindBreach, "", "") }

// Suspensions returns the obligations parties suspended, and when.
func Suspensions(kv KV) ([]compliance.Suspension, error) {
	return scanJSON[compliance.Suspension](kv, kindSuspension, "", "")
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
