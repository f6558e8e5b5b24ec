package state

import (
	"fmt"
	"testing"
)

// TestLastPeriods: a tranche's condition reads how many periods have
// closed and the last k of them, in order, not the first k, whatever k is
// beside the number closed.
func TestLastPeriods(t *testing.T) {
	kv := memKV{}
	for n := 1; n <= 7; n++ {
		if err := putJSON(kv, kindPeriod, fmt.Sprintf("%06d", n), Period{N: n}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct{ k, first, got int }{{0, 0, 0}, {1, 7, 1}, {3, 5, 3}, {7, 1, 7}, {9, 1, 7}} {
		n, ps, err := lastPeriods(kv, c.k)
		if err != nil || n != 7 || len(ps) != c.got {
			t.Fatalf("last %d: %d closed, %d periods, %v; want 7 closed and %d periods", c.k, n, len(ps), err, c.got)
		}
		for i, p := range ps {
			if p.N != c.first+i {
				t.Errorf("last %d: period %d at %d; want %d", c.k, p.N, i, c.first+i)
			}
		}
	}
}
