package agreement

import (
	"fmt"
	"strings"
	"time"
)

// Origin returns the log's origin line: "<host>/<agreement id>".
func (s *Spec) Origin() string {
	host := s.Log.Host
	if host == "" {
		host = DefaultHost
	}
	return host + "/" + s.ID
}

// When is what is known of a trigger's time: the time itself, or a time it
// will come by at the latest, and what it still waits for.
type When struct {
	// At is the time, when known.
	At *time.Time `json:"at,omitempty"`
	// Latest is the time it comes by at the latest, when only that is known.
	Latest *time.Time `json:"latest,omitempty"`
	// Pending says what it waits for.
	Pending string `json:"pending,omitempty"`
}

// Known reports whether the time is known.
func (w When) Known() bool { return w.At != nil }

// Reached reports whether the time is known and not after t.
func (w When) Reached(t time.Time) bool { return w.At != nil && !w.At.After(t) }

func (w When) String() string {
	switch {
	case w.At != nil:
		return day(*w.At)
	case w.Latest != nil:
		return day(*w.Latest) + " at the latest; earlier " + w.Pending
	case w.Pending != "":
		return "pending: " + w.Pending
	}
	return "no end"
}

func day(t time.Time) string {
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format(time.DateOnly)
	}
	return t.Format(time.RFC3339)
}

// Met reports when a condition was met in the log, if it has been. A nil
// Met meets no condition: the timeline as the document alone fixes it.
type Met func(Condition) (time.Time, bool)

// Timeline resolves the agreement's triggers into times.
type Timeline struct {
	spec *Spec
	met  Met
	memo map[string]When
}

// Resolve returns the agreement's timeline, given which conditions the log
// has met.
func (s *Spec) Resolve(met Met) *Timeline {
	return &Timeline{spec: s, met: met, memo: map[string]When{}}
}

// Milestone returns when the milestone id happens.
func (t *Timeline) Milestone(id string) When {
	if w, ok := t.memo[id]; ok {
		return w
	}
	for _, m := range t.spec.Milestones {
		if m.ID == id {
			t.memo[id] = When{Pending: "milestone " + id + " depends on itself"} // guards a cycle
			w := t.eval(m.Trigger)
			t.memo[id] = w
			return w
		}
	}
	return When{Pending: "unknown milestone " + id}
}

// Eval returns when a trigger fires.
func (t *Timeline) Eval(tr Trigger) When { return t.eval(tr) }

func (t *Timeline) eval(tr Trigger) When {
	switch {
	case tr.Date != nil:
		at := tr.Date.Time
		return When{At: &at}
	case tr.Milestone != "":
		base := t.Milestone(tr.Milestone)
		shift := func(x *time.Time) *time.Time {
			if x == nil {
				return nil
			}
			y := *x
			if tr.Offset != nil {
				y = tr.Offset.AddTo(y)
			}
			return &y
		}
		w := When{At: shift(base.At), Latest: shift(base.Latest)}
		if w.At == nil {
			w.Pending = "on " + tr.Milestone
			if tr.Offset != nil {
				w.Pending = tr.Offset.String() + " after " + tr.Milestone
			}
			if base.Latest != nil {
				w.Pending = base.Pending
				if tr.Offset != nil {
					w.Pending += ", plus " + tr.Offset.String()
				}
			}
		}
		return w
	case tr.When != nil:
		if t.met != nil {
			if at, ok := t.met(*tr.When); ok {
				return When{At: &at}
			}
		}
		return When{Pending: tr.When.String()}
	case len(tr.Earliest) > 0:
		var w When
		var pending []string
		all := true
		for _, e := range tr.Earliest {
			x := t.eval(e)
			if x.At == nil {
				all = false
				pending = append(pending, x.Pending)
			}
			for _, c := range []*time.Time{x.At, x.Latest} {
				if c != nil && (w.Latest == nil || c.Before(*w.Latest)) {
					cc := *c
					w.Latest = &cc
				}
			}
		}
		if all {
			return When{At: w.Latest}
		}
		if w.Latest != nil {
			w.Pending = strings.Join(pending, " or ")
			return w
		}
		return When{Pending: "the first of: " + strings.Join(pending, "; ")}
	}
	return When{}
}

func (c Condition) String() string {
	return fmt.Sprintf("when %s reports verified: %s", c.By, strings.Join(c.Steps, ", "))
}

// String writes the trigger's rule, e.g. "unscr-2231 + 90d".
func (tr Trigger) String() string {
	switch {
	case tr.Date != nil:
		return tr.Date.String()
	case tr.Milestone != "" && tr.Offset != nil:
		return tr.Milestone + " + " + tr.Offset.String()
	case tr.Milestone != "":
		return tr.Milestone
	case tr.When != nil:
		return tr.When.String()
	case len(tr.Earliest) > 0:
		parts := make([]string, len(tr.Earliest))
		for i, e := range tr.Earliest {
			parts[i] = e.String()
		}
		return "whichever is earlier: " + strings.Join(parts, " | ")
	}
	return ""
}

// Active reports whether the obligation is in force at t: it has started
// (its From, or the verification start when it has none, is known and not
// after t) and its sunset has not come (Until is unknown or after t; a
// sunset known only as "at the latest" has come once that time passes).
func (t *Timeline) Active(o Obligation, at time.Time) bool {
	from := t.eval(t.spec.Verification.Start)
	if o.From != nil {
		from = t.eval(*o.From)
	}
	if !from.Reached(at) {
		return false
	}
	if o.Until == nil {
		return true
	}
	until := t.eval(*o.Until)
	switch {
	case until.At != nil:
		return at.Before(*until.At)
	case until.Latest != nil:
		return at.Before(*until.Latest)
	}
	return true
}

// InForce returns the obligations in force at t.
func (t *Timeline) InForce(at time.Time) []Obligation {
	var out []Obligation
	for _, o := range t.spec.Obligations {
		if t.Active(o, at) {
			out = append(out, o)
		}
	}
	return out
}

// Period returns the bounds [from, to) of verification period n, counted
// from 1, when the verification start is known.
func (t *Timeline) Period(n int) (from, to time.Time, ok bool) {
	start := t.eval(t.spec.Verification.Start)
	if start.At == nil || n < 1 {
		return from, to, false
	}
	p := t.spec.Verification.Period
	from = Duration{N: p.N * (n - 1), Unit: p.Unit}.AddTo(*start.At)
	to = Duration{N: p.N * n, Unit: p.Unit}.AddTo(*start.At)
	return from, to, true
}

// PeriodAt returns the number of the period that holds time at, or false
// before the first period or when the start is not known.
func (t *Timeline) PeriodAt(at time.Time) (int, bool) {
	start := t.eval(t.spec.Verification.Start)
	if start.At == nil || at.Before(*start.At) {
		return 0, false
	}
	// Estimate from the fixed length, then correct for calendar months.
	n := int(at.Sub(*start.At)/t.spec.Verification.Period.Approx()) + 1
	for {
		from, to, _ := t.Period(n)
		switch {
		case at.Before(from):
			n--
		case !at.Before(to):
			n++
		default:
			return n, true
		}
	}
}

// Verified is a step a party reported verified, and when: the fact that
// meets a Condition.
type Verified struct {
	Party string    `json:"party"`
	Step  string    `json:"step"`
	Time  time.Time `json:"time"`
}

// MetFrom returns when each condition was met, given the steps reported
// verified: when the last of its steps was first reported.
func MetFrom(vs []Verified) Met {
	first := map[string]time.Time{}
	for _, v := range vs {
		k := v.Party + "/" + v.Step
		if t, ok := first[k]; !ok || v.Time.Before(t) {
			first[k] = v.Time
		}
	}
	return func(c Condition) (time.Time, bool) {
		var last time.Time
		for _, step := range c.Steps {
			at, ok := first[c.By+"/"+step]
			if !ok {
				return time.Time{}, false
			}
			if at.After(last) {
				last = at
			}
		}
		return last, true
	}
}
