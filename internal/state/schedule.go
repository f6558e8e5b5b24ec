package state

import (
	"fmt"
	"strings"
	"time"
)

// Things that must happen at a time wait in one index ordered by that
// time: "<time>/<rank>/<what>/<id>". Before every statement, what is due
// by the statement's log time runs, earliest first.
//
// What falls due at the same instant runs in the order of this table,
// which is part of the rules: first what time establishes (a milestone
// reached, relief taking effect, a delivery schedule starting), then the
// deadlines that make facts (a commitment not revealed, a challenge not answered, a licence not decided, a dispute step
// run out, a payment not made, an installment short, an undertaking not
// done, a seal or camera not restored), then the ends of
// breaches (a cure period or a suspension running out), then the close of
// a period, which judges those facts, and last the tranches falling due,
// which read the verdicts of the periods just closed.
var dueOrder = [...]string{
	"milestone", "relief", "delivery",
	"reveal", "challenge", "licence", "dispute", "question", "payment", "installment", "undertaking", "continuity",
	"breach",
	"period",
	"tranche",
}

// dues are the steps that run what falls due, by the names in dueOrder.
var dues = map[string]func(c *Context, at time.Time, id string) error{
	"milestone":   milestoneReached,
	"relief":      reliefAt,
	"delivery":    deliveryStart,
	"reveal":      revealDue,
	"challenge":   expireChallenge,
	"licence":     licenceTimeout,
	"dispute":     disputeDeadline,
	"question":    questionDue,
	"payment":     paymentDeadline,
	"installment": installmentEnd,
	"undertaking": undertakingDue,
	"continuity":  continuityDue,
	"breach":      breachExpired,
	"period":      closePeriod,
	"tranche":     trancheDue,
}

// rank returns the position of a kind of scheduled entry in dueOrder.
func rank(what string) int {
	for i, w := range dueOrder {
		if w == what {
			return i
		}
	}
	panic("state: nothing is scheduled as " + what)
}

func dueKey(at time.Time, what, id string) string {
	return fmt.Sprintf("%s/%02d/%s/%s", depKey(at), rank(what), what, id)
}

// schedule makes what happen at the given time.
func (c *Context) schedule(at time.Time, what, id string) error {
	return c.KV.Put(kindDeadline, dueKey(at, what, id), []byte(id))
}

// unschedule cancels a scheduled entry.
func (c *Context) unschedule(at time.Time, what, id string) error {
	return c.KV.Delete(kindDeadline, dueKey(at, what, id))
}

// scheduleOnce schedules what once; a later call for the same item does
// nothing, even after it ran.
func (c *Context) scheduleOnce(at time.Time, what, id string) error {
	key := what + "/" + id
	if _, err := c.KV.Get(kindScheduled, key); err == nil {
		return nil
	}
	if err := c.KV.Put(kindScheduled, key, []byte(depKey(at))); err != nil {
		return err
	}
	return c.schedule(at, what, id)
}

// runDue runs every scheduled entry due by now, earliest first; an entry a
// step schedules at or before now runs in the same pass. Each runs with
// the context's Now at its own time.
func (c *Context) runDue(now time.Time) error {
	for {
		var next string
		err := c.KV.Scan(kindDeadline, "", depKey(now)+keyEnd, 1, func(k string, _ []byte) error {
			next = k
			return nil
		})
		if err != nil || next == "" {
			return err
		}
		at, r, id, err := parseDue(next)
		if err != nil {
			return err
		}
		if at.After(now) {
			return nil
		}
		if err := c.KV.Delete(kindDeadline, next); err != nil {
			return err
		}
		// A scheduled step acts at its own time, and so do the
		// consequences it sets off: not at the entry that ran it.
		entry := c.Now
		c.Now = at
		err = dues[dueOrder[r]](c, at, id)
		c.Now = entry
		if err != nil {
			return err
		}
	}
}

func parseDue(key string) (at time.Time, r int, id string, err error) {
	parts := strings.SplitN(key, "/", 4)
	if len(parts) != 4 {
		return at, 0, "", fmt.Errorf("state: scheduled key %q", key)
	}
	at, err = time.Parse(depLayout, parts[0])
	if err != nil {
		return at, 0, "", fmt.Errorf("state: scheduled key %q: %w", key, err)
	}
	if _, err := fmt.Sscanf(parts[1], "%d", &r); err != nil || r < 0 || r >= len(dueOrder) || dueOrder[r] != parts[2] {
		return at, 0, "", fmt.Errorf("state: scheduled key %q names no known step", key)
	}
	return at, r, parts[3], nil
}

// NextDue returns the earliest time for which something of a kind is
// scheduled: "period" gives the next period's close. found is false when
// nothing of the kind is scheduled.
func NextDue(kv KV, what string) (at time.Time, found bool, err error) {
	err = kv.Scan(kindDeadline, "", "", 0, func(k string, _ []byte) error {
		if found {
			return nil
		}
		t, r, _, err := parseDue(k)
		if err != nil {
			return err
		}
		if dueOrder[r] == what {
			at, found = t, true
		}
		return nil
	})
	return at, found, err
}

// depLayout is a time as fixed-width text, so that keys sort in time order.
const depLayout = "2006-01-02T15:04:05.000000000Z"

// depKey is a time as fixed-width text.
func depKey(t time.Time) string { return t.UTC().Format(depLayout) }
