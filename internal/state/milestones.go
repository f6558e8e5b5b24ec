package state

import (
	"fmt"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/compliance"
	"github.com/surety/surety/internal/statement"
)

// Milestone is a reached milestone.
type Milestone struct {
	ID   string    `json:"id"`
	Time time.Time `json:"time"`
}

// initIncentives creates the incentives' states at the adoption.
func (c *Context) initIncentives(at time.Time) error {
	for _, in := range c.Spec.Incentives {
		var err error
		switch in.Kind {
		case agreement.Tranches:
			err = c.initTranches(in, at)
		case agreement.InKind:
			err = c.initDelivery(in, at)
		case agreement.Relief:
			err = c.initRelief(in)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// reschedule schedules everything whose time the timeline now fixes:
// periods, milestones, tranches, relief and deliveries. It runs at the
// adoption and whenever a condition is met.
func (c *Context) reschedule() error {
	tl := Timeline(c.KV, c.Spec)
	if _, to, ok := tl.Period(1); ok {
		if _, err := c.KV.Get(kindScheduled, "period/first"); err != nil {
			if err := c.KV.Put(kindScheduled, "period/first", []byte(depKey(to))); err != nil {
				return err
			}
			if err := c.schedulePeriod(1); err != nil {
				return err
			}
		}
	}
	for _, m := range c.Spec.Milestones {
		if w := tl.Milestone(m.ID); w.At != nil {
			if err := c.scheduleOnce(*w.At, "milestone", m.ID); err != nil {
				return err
			}
		}
	}
	if err := c.scheduleUndertakings(tl); err != nil {
		return err
	}
	for _, in := range c.Spec.Incentives {
		switch in.Kind {
		case agreement.Tranches:
			for _, t := range in.Tranches {
				if w := tl.Eval(t.Due); w.At != nil {
					if err := c.scheduleOnce(*w.At, "tranche", t.ID); err != nil {
						return err
					}
				}
			}
		case agreement.Relief:
			if w := tl.Milestone(in.At); w.At != nil {
				if err := c.scheduleOnce(*w.At, "relief", in.ID); err != nil {
					return err
				}
			}
		case agreement.InKind:
			if w := tl.Eval(*in.Start); w.At != nil {
				if err := c.scheduleInstallment(in.ID, 1, *w.At); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func applyVerified(c *Context, e Entry) error {
	var b statement.VerifiedBody
	if err := decode(e, &b); err != nil {
		return err
	}
	if len(b.Steps) == 0 {
		return fmt.Errorf("%w: a verification report names the steps it verifies", ErrInvalid)
	}
	known := map[string]bool{}
	for _, m := range c.Spec.Milestones {
		for _, t := range triggers(m.Trigger) {
			if t.When != nil && t.When.By == c.Author.Party {
				for _, s := range t.When.Steps {
					known[s] = true
				}
			}
		}
	}
	for _, s := range b.Steps {
		if !known[s] {
			return fmt.Errorf("%w: no milestone waits for %s to verify step %q", ErrInvalid, c.Author.Party, s)
		}
		key := c.Author.Party + "/" + s
		if _, err := c.KV.Get(kindVerified, key); err == nil {
			continue // verified before; the first report counts
		}
		v := VerifiedStep{Verified: agreement.Verified{Party: c.Author.Party, Step: s, Time: e.Time}, Statement: e.Statement.ID, Index: e.Index}
		if err := putJSON(c.KV, kindVerified, key, v); err != nil {
			return err
		}
	}
	return c.reschedule()
}

// triggers lists a trigger and the triggers nested in it.
func triggers(t agreement.Trigger) []agreement.Trigger {
	out := []agreement.Trigger{t}
	for _, e := range t.Earliest {
		out = append(out, triggers(e)...)
	}
	return out
}

func milestoneReached(c *Context, at time.Time, id string) error {
	if err := putJSON(c.KV, kindMilestone, id, Milestone{ID: id, Time: at}); err != nil {
		return err
	}
	if err := c.event(at, Event{Kind: compliance.Milestone, Ref: id, Text: fmt.Sprintf("milestone %s reached", id)}); err != nil {
		return err
	}
	return c.undertakingsDone(id, at)
}

// Milestones returns the reached milestones.
func Milestones(kv KV) ([]Milestone, error) { return scanJSON[Milestone](kv, kindMilestone, "", "") }
