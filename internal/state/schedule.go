package state

import (
	"fmt"
	"strings"
	"time"
)

// Things that must happen at a time wait in one index ordered by that
// time: "<time>/<what>/<id>". Before every statement the tick step runs,
// in time order, the handler of each entry now due.

var dueHandlers = map[string]func(c *Context, at time.Time, id string) error{}

// OnDue registers the handler of scheduled entries of one kind. It is
// called from init functions.
func OnDue(what string, fn func(c *Context, at time.Time, id string) error) {
	if _, dup := dueHandlers[what]; dup {
		panic("state: due handler registered twice: " + what)
	}
	dueHandlers[what] = fn
}

func dueKey(at time.Time, what, id string) string { return depKey(at) + "/" + what + "/" + id }

// schedule makes what happen at the given time.
func (c *Context) schedule(at time.Time, what, id string) error {
	return c.KV.Put(kindDeadline, dueKey(at, what, id), []byte(id))
}

// unschedule cancels a scheduled entry.
func (c *Context) unschedule(at time.Time, what, id string) error {
	return c.KV.Delete(kindDeadline, dueKey(at, what, id))
}

func init() { Tick(runDue) }

// runDue runs every scheduled entry due by now, earliest first; an entry a
// handler schedules at or before now runs in the same tick.
func runDue(c *Context, now time.Time) error {
	for {
		var next string
		err := c.KV.Scan(kindDeadline, "", depKey(now)+keyEnd, 1, func(k string, _ []byte) error {
			next = k
			return nil
		})
		if err != nil || next == "" {
			return err
		}
		parts := strings.SplitN(next, "/", 3)
		if len(parts) != 3 {
			return fmt.Errorf("state: scheduled key %q", next)
		}
		at, err := time.Parse("2006-01-02T15:04:05.000000000Z", parts[0])
		if err != nil || at.After(now) {
			return err
		}
		if err := c.KV.Delete(kindDeadline, next); err != nil {
			return err
		}
		h, ok := dueHandlers[parts[1]]
		if !ok {
			return fmt.Errorf("state: no handler for scheduled %q", parts[1])
		}
		if err := h(c, at, parts[2]); err != nil {
			return err
		}
	}
}

// NextDue returns the earliest time for which something of a kind is
// scheduled: "period" gives the next period's close. found is false when
// nothing of the kind is scheduled.
func NextDue(kv KV, what string) (at time.Time, found bool, err error) {
	err = kv.Scan(kindDeadline, "", "", 0, func(k string, _ []byte) error {
		parts := strings.SplitN(k, "/", 3)
		if found || len(parts) != 3 || parts[1] != what {
			return nil
		}
		t, err := time.Parse("2006-01-02T15:04:05.000000000Z", parts[0])
		at, found = t, err == nil
		return err
	})
	return at, found, err
}
