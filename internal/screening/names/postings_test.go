package names

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestPostings packs a map of keys to ids, some keys sharing their home
// slot, and finds each key's ids in the order filed, and no ids for keys
// never filed.
func TestPostings(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	m := map[uint64][]int32{}
	for i := range 5000 {
		k := rng.Uint64()
		if i%10 == 0 {
			k = 0 // zero is a key like any other
		}
		m[k] = append(m[k], int32(i), int32(i+1))
	}
	p := newPostings(m)
	if len(p.slots) < 2*len(m) {
		t.Fatalf("%d slots for %d keys: the table must stay at most half full", len(p.slots), len(m))
	}
	homes := map[uint64]int{}
	for k, want := range m {
		homes[p.home(k)]++
		if got := p.get(k); !slices.Equal(got, want) {
			t.Fatalf("get(%#x) = %v, want %v", k, got, want)
		}
	}
	shared := 0
	for _, n := range homes {
		if n > 1 {
			shared++
		}
	}
	if shared == 0 {
		t.Fatal("no two keys share a home slot: the probing is not exercised")
	}
	for range 5000 {
		k := rng.Uint64()
		if _, ok := m[k]; !ok && p.get(k) != nil {
			t.Fatalf("get(%#x) found ids for a key never filed", k)
		}
	}
	if got := (&postings{}).get(1); got != nil {
		t.Fatalf("an empty table found %v", got)
	}
}
