package state

import (
	"fmt"
	"slices"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/compliance"
)

// Relief is a relief incentive's state.
type Relief = compliance.Relief

// initRelief creates a relief incentive's state at the adoption.
func (c *Context) initRelief(in agreement.Incentive) error {
	r := Relief{ID: in.ID, At: in.At, Status: compliance.ReliefPending, Measures: in.Measures, History: []compliance.Change{}}
	for _, e := range in.Entries {
		r.Entries = append(r.Entries, e.Ref)
	}
	return putJSON(c.KV, kindReliefState, in.ID, r)
}

// LoadRelief returns a relief incentive's state.
func LoadRelief(kv KV, id string) (*Relief, error) {
	return load[Relief](kv, kindReliefState, id, "relief incentive")
}

// reliefAt lifts a relief's measures and list entries at its milestone:
// from then on screening does not hit the lifted entries.
func reliefAt(c *Context, at time.Time, id string) error {
	r, err := LoadRelief(c.KV, id)
	if err != nil || r.Status != compliance.ReliefPending {
		return err
	}
	r.Status = compliance.ReliefInEffect
	r.History = append(r.History, compliance.Change{Time: at, Reason: fmt.Sprintf("in effect at %s: %d measures and %d list entries lifted", r.At, len(r.Measures), len(r.Entries))})
	if err := putJSON(c.KV, kindReliefState, id, r); err != nil {
		return err
	}
	if err := c.setLifted(r.Entries, true); err != nil {
		return err
	}
	return c.event(at, Event{Kind: compliance.ReliefChange, Ref: id, Text: fmt.Sprintf("relief %s took effect at milestone %s; lifted entries: %v", id, r.At, r.Entries)})
}

// restoreRelief restores what a relief lifted; restored is false when it
// was restored already.
func (c *Context) restoreRelief(at time.Time, id, cause string) (restored bool, err error) {
	r, err := LoadRelief(c.KV, id)
	if err != nil || r.Status == compliance.ReliefRestored {
		return false, err
	}
	r.Status = compliance.ReliefRestored
	r.History = append(r.History, compliance.Change{Time: at, Reason: "restored: " + cause})
	if err := putJSON(c.KV, kindReliefState, id, r); err != nil {
		return false, err
	}
	return true, c.setLifted(r.Entries, false)
}

// setLifted adds refs to, or removes them from, the lifted list entries.
func (c *Context) setLifted(refs []string, lift bool) error {
	var cur []string
	if _, err := getJSON(c.KV, kindLifted, "entries", &cur); err != nil {
		return err
	}
	for _, r := range refs {
		i := slices.Index(cur, r)
		switch {
		case lift && i < 0:
			cur = append(cur, r)
		case !lift && i >= 0:
			cur = slices.Delete(cur, i, i+1)
		}
	}
	slices.Sort(cur)
	return putJSON(c.KV, kindLifted, "entries", cur)
}

// lifted returns the list references that sanctions relief has lifted.
func lifted(kv KV) (map[string]bool, error) {
	var refs []string
	if _, err := getJSON(kv, kindLifted, "entries", &refs); err != nil {
		return nil, err
	}
	m := make(map[string]bool, len(refs))
	for _, r := range refs {
		m[r] = true
	}
	return m, nil
}
