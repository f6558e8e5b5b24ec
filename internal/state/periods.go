package state

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/surety/surety/internal/compliance"
)

// Verdict is a party's verdict for a period.
type Verdict = compliance.Verdict

// Period is a closed period.
type Period = compliance.Period

// schedulePeriod schedules the close of period n: the end plus grace.
func (c *Context) schedulePeriod(n int) error {
	_, to, ok := Timeline(c.KV, c.Spec).Period(n)
	if !ok {
		return nil
	}
	at := to
	if g := c.Spec.Verification.Grace; !g.IsZero() {
		at = g.AddTo(to)
	}
	return c.schedule(at, "period", fmt.Sprintf("%06d", n))
}

// closePeriod closes a period: it gathers the period's facts, the cures
// logged since its end, its assurance and the obligations suspended in
// it; compliance judges each party and says what the consequences do,
// and the close applies that, states what the undertaker stood to lose,
// settles the tranches and schedules the next close.
func closePeriod(c *Context, at time.Time, id string) error {
	var n int
	if _, err := fmt.Sscanf(id, "%d", &n); err != nil {
		return fmt.Errorf("state: period %q: %w", id, err)
	}
	tl := Timeline(c.KV, c.Spec)
	from, to, _ := tl.Period(n)
	events, err := Events(c.KV, from, to)
	if err != nil {
		return err
	}
	later, err := Events(c.KV, to, at.Add(time.Nanosecond))
	if err != nil {
		return err
	}
	a, err := PeriodAssurance(c.KV, c.Spec, n)
	if err != nil {
		return err
	}
	ss, err := Suspensions(c.KV)
	if err != nil {
		return err
	}
	var during []compliance.Suspension
	for _, s := range ss {
		if s.From.Before(to) && (s.Until.IsZero() || s.Until.After(from)) {
			during = append(during, s)
		}
	}
	p := Period{N: n, From: from, To: to, Closed: c.Now, Assurance: a, Suspensions: during,
		Verdicts: compliance.Judge(c.Spec, tl, compliance.Facts{Period: n, From: from, To: to, Events: events, Later: later, Assurance: a, Suspensions: during})}
	for i := range p.Verdicts {
		p.Verdicts[i].Closed = c.Now
	}
	in, err := LoadIncentives(c.KV)
	if err != nil {
		return err
	}
	breaches, err := Breaches(c.KV)
	if err != nil {
		return err
	}
	if d, ok := a.Adaptive(1); ok {
		a.Deterrence = compliance.Deter(c.Spec, d, compliance.AtStake(c.Spec, tl, *in, breaches, at))
	}
	p.Actions = compliance.Consequences(c.Spec, p, *in, at)
	if err := c.act(p.Actions); err != nil {
		return err
	}
	if p.Actions == nil {
		p.Actions = []compliance.Action{}
	}
	if err := putJSON(c.KV, kindPeriod, fmt.Sprintf("%06d", n), p); err != nil {
		return err
	}
	if err := c.settleTranches(n, to); err != nil {
		return err
	}
	if err := c.settleUndertakings(n, to); err != nil {
		return err
	}
	if err := c.settleReliefs(n); err != nil {
		return err
	}
	return c.schedulePeriod(n + 1)
}

// LoadPeriod returns closed period n; found is false while it is open.
func LoadPeriod(kv KV, n int) (p Period, found bool, err error) {
	found, err = getJSON(kv, kindPeriod, fmt.Sprintf("%06d", n), &p)
	return p, found, err
}

// Periods returns every closed period, in order.
func Periods(kv KV) ([]Period, error) { return scanJSON[Period](kv, kindPeriod, "", "") }

// lastPeriods returns how many periods have closed and the last k of them,
// in order; it decodes only those k, since a tranche's condition reads the
// last few periods at every close.
func lastPeriods(kv KV, k int) (int, []Period, error) {
	k = max(k, 0)
	n, ring := 0, make([][]byte, k)
	err := kv.Scan(kindPeriod, "", "", 0, func(_ string, v []byte) error {
		if k > 0 {
			ring[n%k] = bytes.Clone(v)
		}
		n++
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	out := make([]Period, 0, k)
	for i := max(0, n-k); i < n; i++ {
		var p Period
		if err := json.Unmarshal(ring[i%k], &p); err != nil {
			return 0, nil, fmt.Errorf("state: %s: %w", kindPeriod, err)
		}
		out = append(out, p)
	}
	return n, out, nil
}
