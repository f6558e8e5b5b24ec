package ledger

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/store"
	"github.com/surety/surety/internal/testenv"
)

func scan(t *testing.T, kv state.KV, limit int) string {
	var keys []string
	err := kv.Scan("k", "", "", limit, func(k string, v []byte) error {
		keys = append(keys, k+"="+string(v))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(keys, ",")
}

// TestOverlay: a statement's writes are seen by later reads, dropped on
// Reject, kept on Accept, and written by Flush in one transaction.
func TestOverlay(t *testing.T) {
	for _, b := range testenv.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			ctx := context.Background()
			err := st.Update(ctx, "l", func(tx store.Tx) error {
				o := newOverlay(tx, "l")
				_ = o.Put("k", "a", []byte("1"))
				_ = o.Put("k", "b", []byte("2"))
				o.Accept()
				if err := o.Flush(); err != nil {
					return err
				}
				_ = o.Delete("k", "a")
				_ = o.Put("k", "c", []byte("3"))
				if got := scan(t, o, 0); got != "b=2,c=3" {
					t.Errorf("inside a statement: %s", got)
				}
				if got := scan(t, o, 1); got != "b=2" {
					t.Errorf("limit 1: %s", got)
				}
				o.Reject()
				if got := scan(t, o, 0); got != "a=1,b=2" {
					t.Errorf("after Reject: %s", got)
				}
				_ = o.Put("k", "b", []byte("9"))
				o.Accept()
				_ = o.Put("k", "z", []byte("never"))
				if _, err := o.Get("k", "z"); err != nil {
					t.Errorf("own write unseen: %v", err)
				}
				return o.Flush() // drops the unaccepted z
			})
			if err != nil {
				t.Fatal(err)
			}
			err = st.View(ctx, func(tx store.ReadTx) error {
				v, err := tx.Get("l", "k", "b")
				if string(v) != "9" || err != nil {
					t.Errorf("b = %q, %v", v, err)
				}
				if _, err := tx.Get("l", "k", "z"); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("an unaccepted write was flushed: %v", err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}
