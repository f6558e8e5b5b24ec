package state

import (
	"fmt"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/compliance"
)

// An undertaking is done when its milestone is reached. Its due time, once
// the timeline resolves it, is scheduled; if the milestone is not reached
// by then, the undertaking is overdue, a breach of the party that
// undertook it, found again at every period's close until the milestone
// is reached, which cures it.

// scheduleUndertakings schedules the due time of every undertaking that
// the timeline resolves.
func (c *Context) scheduleUndertakings(tl *agreement.Timeline) error {
	for _, o := range c.Spec.Obligations {
		if o.Kind != agreement.Undertake || o.Due == nil {
			continue
		}
		if w := tl.Eval(*o.Due); w.At != nil {
			if err := c.scheduleOnce(*w.At, "undertaking", o.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// undertakingDue finds an undertaking overdue unless its milestone has
// been reached.
func undertakingDue(c *Context, at time.Time, id string) error {
	o := c.undertaking(id)
	if o == nil || c.reached(o.Done) {
		return nil
	}
	return c.event(at, Event{Kind: compliance.Overdue, Party: o.Party, Ref: o.ID, Obligation: o.ID,
		Text: fmt.Sprintf("undertaking %s (%s) was due on %s and is not done: milestone %s has not been reached", o.ID, o.Name, at.Format(time.DateOnly), o.Done)})
}

// settleUndertakings runs at the close of period n, which ended at end:
// an undertaking overdue before then and still not done is overdue again,
// so that its party stays in breach until it is done.
func (c *Context) settleUndertakings(n int, end time.Time) error {
	tl := Timeline(c.KV, c.Spec)
	for _, o := range c.Spec.Obligations {
		if o.Kind != agreement.Undertake || o.Due == nil || c.reached(o.Done) {
			continue
		}
		w := tl.Eval(*o.Due)
		if w.At == nil || !w.At.Before(end) {
			continue
		}
		err := c.event(c.Now, Event{Kind: compliance.Overdue, Party: o.Party, Ref: o.ID, Obligation: o.ID,
			Text: fmt.Sprintf("still not done at the close of period %d: undertaking %s (%s), due %s", n, o.ID, o.Name, w.At.Format(time.DateOnly))})
		if err != nil {
			return err
		}
	}
	return nil
}

// undertakingsDone cures the undertakings that milestone m marks done, if
// they were overdue when it was reached.
func (c *Context) undertakingsDone(m string, at time.Time) error {
	tl := Timeline(c.KV, c.Spec)
	for _, o := range c.Spec.Obligations {
		if o.Kind != agreement.Undertake || o.Done != m || o.Due == nil {
			continue
		}
		if w := tl.Eval(*o.Due); w.At != nil && at.After(*w.At) {
			if err := c.cure(nil, o.Party, o.ID, "", fmt.Sprintf("undertaking %s is done, late: milestone %s reached on %s", o.ID, m, at.Format(time.DateOnly))); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *Context) undertaking(id string) *agreement.Obligation {
	for i, o := range c.Spec.Obligations {
		if o.Kind == agreement.Undertake && o.ID == id {
			return &c.Spec.Obligations[i]
		}
	}
	return nil
}

// reached reports whether milestone m has been reached.
func (c *Context) reached(m string) bool {
	_, err := c.KV.Get(kindMilestone, m)
	return err == nil
}
