package ledger

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/surety/surety/internal/store"
	"github.com/surety/surety/internal/store/sqlite"
)

// TestOverlayScan compares the overlay's range scans, over a SQLite store
// and the writes of a batch, with the same scans of one map holding both:
// limited scans from one start whose end moves (as the schedule's scan of
// what is due does from one log time to the next), after rows the batch
// wrote or deleted inside and outside the range.
func TestOverlayScan(t *testing.T) {
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "surety.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	want := map[string][]byte{}
	err = db.Update(context.Background(), "log", func(tx store.Tx) error {
		for i := 0; i < 40; i += 2 {
			k := fmt.Sprintf("t%02d", i)
			want[k] = []byte(k)
			if err := tx.Put("log", "due", k, want[k]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	o := newOverlay(db.Latest(), "log", nil)
	check := func(what string) {
		t.Helper()
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range want {
				if !yield(k) {
					return
				}
			}
		})
		for _, limit := range []int{1, 2, 5, 0} {
			for end := 0; end <= 42; end++ {
				to := fmt.Sprintf("t%02d", end)
				var got, exp []string
				if err := o.Scan("due", "", to, limit, func(k string, _ []byte) error {
					got = append(got, k)
					return nil
				}); err != nil {
					t.Fatal(err)
				}
				for _, k := range keys {
					if k < to && (limit == 0 || len(exp) < limit) {
						exp = append(exp, k)
					}
				}
				if !slices.Equal(got, exp) {
					t.Fatalf("%s: scan to %s, limit %d: %v, want %v", what, to, limit, got, exp)
				}
			}
		}
	}
	check("the store alone")
	// What the batch deletes and writes is read before the store, in the
	// range and beyond it.
	for _, k := range []string{"t00", "t02", "t10"} {
		if err := o.Delete("due", k); err != nil {
			t.Fatal(err)
		}
		delete(want, k)
	}
	for _, k := range []string{"t05", "t41"} {
		if err := o.Put("due", k, []byte(k)); err != nil {
			t.Fatal(err)
		}
		want[k] = []byte(k)
	}
	check("the batch's writes")
	o.accept()
	check("the writes accepted")
}
