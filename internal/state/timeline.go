package state

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/screening/items"
	"github.com/surety/surety/internal/screening/lists"
	"github.com/surety/surety/internal/screening/names"
)

// Timeline resolves the agreement's milestones with the conditions the log
// has met: a condition is met when its party has reported every listed
// step verified, at the time of the last of those reports.
func Timeline(kv KV, spec *agreement.Spec) *agreement.Timeline {
	return spec.Resolve(Met(kv))
}

// Met reports when the log met a condition: when its party reported the
// last of its steps verified.
func Met(kv KV) agreement.Met {
	vs, err := VerifiedSteps(kv)
	if err != nil {
		return func(agreement.Condition) (time.Time, bool) { return time.Time{}, false }
	}
	steps := make([]agreement.Verified, len(vs))
	for i, v := range vs {
		steps[i] = v.Verified
	}
	return agreement.MetFrom(steps)
}

// VerifiedStep is a step a party reported verified, with the report.
type VerifiedStep struct {
	agreement.Verified
	Statement string `json:"statement"`
	Index     uint64 `json:"index"`
}

// VerifiedSteps returns every step reported verified, with its first
// report.
func VerifiedSteps(kv KV) ([]VerifiedStep, error) {
	return scanJSON[VerifiedStep](kv, kindVerified, "", "")
}

// edition decodes a list edition, once per blob.
func (p *Projector) edition(sum [32]byte, data []byte) (lists.Edition, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if ed, ok := p.editions[sum]; ok {
		return ed, nil
	}
	ed, err := lists.Decode(data)
	if err != nil {
		return ed, err
	}
	if p.editions == nil {
		p.editions = map[[32]byte]lists.Edition{}
	}
	p.editions[sum] = ed
	return ed, nil
}

// names returns the name index of the list editions in force, built once
// per set of editions, and their names. It is nil when no list is adopted.
func (p *Projector) names(kv KV) (*names.Index, []string, error) {
	adopted, err := Lists(kv)
	if err != nil {
		return nil, nil, err
	}
	if len(adopted) == 0 {
		return nil, nil, nil
	}
	var named, sums []string
	for _, l := range adopted {
		named = append(named, l.Source+" "+l.Date)
		sums = append(sums, l.SHA256)
	}
	slices.Sort(sums)
	key := strings.Join(sums, ",")
	p.mu.Lock()
	if p.indexKey == key {
		ix := p.index
		p.mu.Unlock()
		return ix, named, nil
	}
	p.mu.Unlock()
	var eds []lists.Edition
	for _, l := range adopted {
		raw, err := decodeSum(l.SHA256)
		if err != nil {
			return nil, nil, err
		}
		data, err := kv.Blob(raw)
		if err != nil {
			return nil, nil, fmt.Errorf("state: list edition %s: %w", l.SHA256, err)
		}
		ed, err := p.edition(raw, data)
		if err != nil {
			return nil, nil, err
		}
		eds = append(eds, ed)
	}
	ix := names.NewIndex(eds...)
	p.mu.Lock()
	p.index, p.indexKey = ix, key
	p.mu.Unlock()
	return ix, named, nil
}

// rules returns the compiled controlled-item rules of spec, compiled once
// per adopted agreement.
func (p *Projector) rules(spec *agreement.Spec) *items.Rules {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.itemsOf != spec {
		p.items, p.itemsOf = items.Compile(spec), spec
	}
	return p.items
}
