package state

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/surety/surety/internal/store"
)

// memKV is the state in memory, for the tests of this package's parts.
type memKV map[string]map[string][]byte

func (m memKV) Get(kind, key string) ([]byte, error) {
	if v, ok := m[kind][key]; ok {
		return v, nil
	}
	return nil, store.ErrNotFound
}

func (m memKV) Put(kind, key string, v []byte) error {
	if m[kind] == nil {
		m[kind] = map[string][]byte{}
	}
	m[kind][key] = v
	return nil
}

func (m memKV) Delete(kind, key string) error { delete(m[kind], key); return nil }

func (m memKV) Scan(kind, from, to string, limit int, fn func(string, []byte) error) error {
	keys := slices.Sorted(maps.Keys(m[kind]))
	n := 0
	for _, k := range keys {
		if k < from || to != "" && k >= to || limit > 0 && n == limit {
			continue
		}
		n++
		if err := fn(k, m[kind][k]); err != nil {
			return err
		}
	}
	return nil
}

func (m memKV) Blob([32]byte) ([]byte, error) { return nil, store.ErrNotFound }

// TestSameInstant: what falls due at one instant runs in the order the
// rules write down (dueOrder), whatever order it was scheduled in and
// however its names sort.
func TestSameInstant(t *testing.T) {
	if len(dues) != len(dueOrder) {
		t.Fatalf("%d steps for %d names in dueOrder", len(dues), len(dueOrder))
	}
	at := time.Date(1993, 10, 31, 0, 0, 0, 0, time.UTC)
	c := &Context{KV: memKV{}, Now: at}
	var ran []string
	saved := maps.Clone(dues)
	t.Cleanup(func() { dues = saved })
	for _, w := range dueOrder {
		dues[w] = func(_ *Context, _ time.Time, id string) error {
			ran = append(ran, w)
			return nil
		}
	}
	scheduled := slices.Clone(dueOrder[:])
	slices.Reverse(scheduled)
	for _, w := range scheduled {
		if err := c.schedule(at, w, "x"); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.runDue(at); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ran, dueOrder[:]) {
		t.Errorf("ran %v; want %v", ran, dueOrder)
	}
	if alphabetical := slices.Sorted(slices.Values(dueOrder[:])); slices.Equal(alphabetical, dueOrder[:]) {
		t.Errorf("dueOrder %v is alphabetical; the test cannot tell the orders apart", dueOrder)
	}
	// The period closes before the tranches fall due, so that a tranche
	// due at a close reads that close's verdicts.
	if strings.Index(strings.Join(ran, " "), "period") > strings.Index(strings.Join(ran, " "), "tranche") {
		t.Errorf("a tranche fell due before the period closed: %v", ran)
	}
}
