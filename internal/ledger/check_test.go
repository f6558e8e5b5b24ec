package ledger_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/merkle/testonly"
	_ "modernc.org/sqlite" // to change the store behind the ledger's back

	"github.com/surety/surety/internal/ledger"
	"github.com/surety/surety/internal/statement"
	"github.com/surety/surety/internal/store"
	"github.com/surety/surety/internal/store/postgres"
	"github.com/surety/surety/internal/store/sqlite"
	"github.com/surety/surety/internal/testenv"
)

// raw is a store with a handle on its database, to change it behind the
// ledger's back as a database writer could.
type raw struct {
	open func() store.Store
	db   *sql.DB
	ph   func(n int) string // the n-th placeholder
}

func rawStore(t *testing.T, backend string) *raw {
	t.Helper()
	var r raw
	switch backend {
	case "sqlite":
		path := filepath.Join(t.TempDir(), "surety.db")
		r.open = func() store.Store {
			s, err := sqlite.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
		r.open().Close()
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		r.db, r.ph = db, func(int) string { return "?" }
	case "postgres":
		url := testenv.PostgresURL(t)
		r.open = func() store.Store {
			s, err := postgres.Open(context.Background(), url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
		r.open().Close()
		db, err := sql.Open("pgx", url)
		if err != nil {
			t.Fatal(err)
		}
		r.db, r.ph = db, func(n int) string { return fmt.Sprintf("$%d", n) }
	}
	t.Cleanup(func() { r.db.Close() })
	return &r
}

// edit reads one blob column of one row, where # stands for each of
// args, lets change edit it and writes it back.
func (r *raw) edit(t *testing.T, table, column, where string, change func([]byte) []byte, args ...any) {
	t.Helper()
	sel, upd := where, where
	for i := range args {
		sel = strings.Replace(sel, "#", r.ph(i+1), 1)
		upd = strings.Replace(upd, "#", r.ph(i+2), 1)
	}
	var v []byte
	if err := r.db.QueryRow("SELECT "+column+" FROM "+table+" WHERE "+sel, args...).Scan(&v); err != nil {
		t.Fatalf("read %s.%s where %s: %v", table, column, where, err)
	}
	res, err := r.db.Exec("UPDATE "+table+" SET "+column+" = "+r.ph(1)+" WHERE "+upd, append([]any{change(bytes.Clone(v))}, args...)...)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("changed %d rows", n)
	}
}

func flip(b []byte) []byte { b[len(b)-1] ^= 1; return b }

// fill opens a log on st, adopts the agreement and appends n clock ticks,
// and closes it.
func fill(t *testing.T, st store.Store, n int) *fixture {
	t.Helper()
	f := open(t, testenv.Backend{Name: "given", Open: func(testing.TB) store.Store { return st }})
	for i := range n {
		if _, err := f.log.Append(context.Background(), f.tick(t, fmt.Sprintf("tick-%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func reopen(st store.Store, f *fixture) (*ledger.Log, error) {
	return ledger.Open(context.Background(), ledger.Options{Store: st, Log: f.spec.ID, Now: func() time.Time { return f.now }})
}

func wantDamaged(t *testing.T, err error, want string) {
	t.Helper()
	if !errors.Is(err, ledger.ErrDamaged) || !strings.Contains(err.Error(), want) {
		t.Fatalf("got %v; want the store found damaged, naming %q", err, want)
	}
}

// TestOpenChecksTheTree: a log does not open on a tree whose right edge
// is not the root of its entries, and says which tile is wrong.
func TestOpenChecksTheTree(t *testing.T) {
	both(t, func(t *testing.T, b testenv.Backend) {
		for _, c := range []struct {
			name, table, column, where, want string
			args                             []any
		}{
			// 301 entries: tile/0/001.p/45 and tile/1/000.p/1 are the edge.
			{"a bit of the level-0 edge tile", "tiles", "data", "level = 0 AND idx = #", "tile/0/001.p/45: hash 44 is not the leaf hash of entry 300", []any{1}},
			{"a bit of the level-1 edge tile", "tiles", "data", "level = 1 AND idx = #", "tile/1/000.p/1: hash 0 is not the root of tile tile/0/000 below it", []any{0}},
			{"a full tile below the edge", "tiles", "data", "level = 0 AND idx = #", "tile/1/000.p/1: hash 0 is not the root of tile tile/0/000 below it", []any{0}},
			{"the last entry", "entries", "data", "idx = #", "tile/0/001.p/45: hash 44 is not the leaf hash of entry 300", []any{300}},
			{"the head's root", "logs", "root", "size = #", "the head of size 301 has root", []any{301}},
		} {
			t.Run(c.name, func(t *testing.T) {
				r := rawStore(t, b.Name)
				st := r.open()
				f := fill(t, st, 300)
				f.log.Close()
				r.edit(t, c.table, c.column, c.where, flip, c.args...)
				_, err := reopen(st, f)
				wantDamaged(t, err, c.want)
			})
		}
	})
}

// TestNoSignatureOnDamage: a tile changed under a running log, or a state
// row, stops it: it signs no checkpoint and appends nothing more.
func TestNoSignatureOnDamage(t *testing.T) {
	both(t, func(t *testing.T, b testenv.Backend) {
		for _, c := range []struct {
			name, table, column, where, want string
			args                             []any
		}{
			{"tile", "tiles", "data", "level = 0 AND idx = #", "tile/0/000.p/11", []any{0}},
			{"state", "state", "value", "kind = # AND key = #", "the projected state does not hash to the digest committed with entry 11", []any{"agreement", "document"}},
		} {
			t.Run(c.name, func(t *testing.T) {
				r := rawStore(t, b.Name)
				f := fill(t, r.open(), 10)
				p := &ledger.Publisher{Log: f.log, Origin: f.spec.Origin(), Signer: f.op.Note()}
				if _, err := p.Publish(context.Background(), true); err != nil {
					t.Fatal(err)
				}
				r.edit(t, c.table, c.column, c.where, flip, c.args...)
				_, err := p.Publish(context.Background(), true)
				wantDamaged(t, err, c.want)
				_, err = f.log.Append(context.Background(), f.tick(t, "after"))
				wantDamaged(t, err, c.want)
			})
		}
	})
}

// TestOpenChecksTheState: one state row changed while the server was
// stopped (a tranche's amount, say) is found before anything is appended
// on it; a rebuild recomputes the state from the entries.
func TestOpenChecksTheState(t *testing.T) {
	both(t, func(t *testing.T, b testenv.Backend) {
		r := rawStore(t, b.Name)
		st := r.open()
		f := fill(t, st, 5)
		want := dump(t, st, f.spec.ID)
		f.log.Close()
		r.edit(t, "state", "value", "kind = # AND key = #", func(v []byte) []byte {
			return bytes.Replace(v, []byte("tranche"), []byte("trancHe"), 1)
		}, "agreement", "document")
		_, err := reopen(st, f)
		wantDamaged(t, err, "the projected state does not hash to the digest committed with entry 6")

		l, err := ledger.Open(context.Background(), ledger.Options{Store: st, Log: f.spec.ID, Rebuild: true})
		if err != nil {
			t.Fatal(err)
		}
		l.Close()
		if got := dump(t, st, f.spec.ID); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("the rebuild did not restore the state")
		}
		l, err = reopen(st, f)
		if err != nil {
			t.Fatalf("after the rebuild: %v", err)
		}
		l.Close()
	})
}

// TestRebuildVerifiesSignatures: a stored entry whose statement's
// signature was changed, with the tree rehashed to match, fails the
// rebuild with its index.
func TestRebuildVerifiesSignatures(t *testing.T) {
	both(t, func(t *testing.T, b testenv.Backend) {
		r := rawStore(t, b.Name)
		st := r.open()
		f := fill(t, st, 3)
		f.log.Close()
		// Put another key's signature of the same payload in entry 2's
		// envelope, and rehash the tree over it.
		var data []byte
		if err := r.db.QueryRow("SELECT data FROM entries WHERE idx = 2").Scan(&data); err != nil {
			t.Fatal(err)
		}
		forged, err := statement.Sign(key(t, "mallory"), statement.Payload{Type: statement.TypeClockTick, Agreement: f.spec.ID, ID: "tick-1", Author: "operator", Time: f.now, Body: []byte("{}")})
		if err != nil {
			t.Fatal(err)
		}
		bad := bytes.Replace(data, sig(t, f.tick(t, "tick-1")), sig(t, forged), 1)
		if bytes.Equal(bad, data) {
			t.Fatal("entry 2 is not tick-1 as signed")
		}
		r.edit(t, "entries", "data", "idx = #", func([]byte) []byte { return bad }, 2)
		rehash(t, r, st, f)
		_, err = ledger.Open(context.Background(), ledger.Options{Store: st, Log: f.spec.ID, Rebuild: true})
		if err == nil || !strings.Contains(err.Error(), "entry 2 (clock.tick tick-1 by operator)") || !errors.Is(err, statement.ErrSignature) {
			t.Fatalf("rebuild of a log with a forged entry: %v", err)
		}
	})
}

// rehash rewrites the tiles and head of the log from its entries, as a
// database writer covering a changed entry would.
func rehash(t *testing.T, r *raw, st store.Store, f *fixture) {
	t.Helper()
	var entries [][]byte
	err := st.View(context.Background(), func(tx store.ReadTx) error {
		h, err := tx.Head(f.spec.ID)
		if err != nil {
			return err
		}
		entries, err = tx.Entries(f.spec.ID, 0, h.Size)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var tile []byte
	for _, e := range entries {
		h := ledger.LeafHash(e)
		tile = append(tile, h[:]...)
	}
	r.edit(t, "tiles", "data", "level = 0 AND idx = #", func([]byte) []byte { return tile }, 0)
	ref := testonly.New(rfc6962.DefaultHasher)
	for _, e := range entries {
		ref.AppendData(e)
	}
	root := ref.Hash()
	r.edit(t, "logs", "root", "size = #", func([]byte) []byte { return root }, len(entries))
}

// sig returns the signature of an envelope.
func sig(t *testing.T, env []byte) []byte {
	t.Helper()
	var e struct {
		Signatures []struct {
			Sig string `json:"sig"`
		} `json:"signatures"`
	}
	if err := json.Unmarshal(env, &e); err != nil || len(e.Signatures) != 1 {
		t.Fatalf("envelope %s: %v", env, err)
	}
	return []byte(e.Signatures[0].Sig)
}

// TestCommitTimeout: while another connection holds a lock the commit
// needs, the batch fails within the commit timeout with ErrUnavailable,
// and the log commits the next batch once the lock is gone.
func TestCommitTimeout(t *testing.T) {
	r := rawStore(t, "postgres")
	st := r.open()
	f := fill(t, st, 1)
	f.log.Close()
	l, err := ledger.Open(context.Background(), ledger.Options{Store: st, Log: f.spec.ID, Now: func() time.Time { return f.now }, CommitTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	lock, err := r.db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lock.Exec("LOCK TABLE logs IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	_, err = l.Append(ctx, f.tick(t, "while-locked"))
	if !errors.Is(err, ledger.ErrUnavailable) || time.Since(start) > 5*time.Second {
		t.Fatalf("append while the log's table is locked: %v after %s; want ErrUnavailable within the timeout", err, time.Since(start))
	}
	if err := lock.Rollback(); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Append(ctx, f.tick(t, "after")); err != nil {
		t.Fatalf("append after the lock: %v", err)
	}
}

// TestOpenRecordsTheStateDigest: a log written before the ledger kept a
// state digest gets one on open, which then catches a changed row.
func TestOpenRecordsTheStateDigest(t *testing.T) {
	both(t, func(t *testing.T, b testenv.Backend) {
		r := rawStore(t, b.Name)
		st := r.open()
		f := fill(t, st, 3)
		f.log.Close()
		if _, err := r.db.Exec("UPDATE logs SET state_sum = NULL"); err != nil {
			t.Fatal(err)
		}
		l, err := reopen(st, f)
		if err != nil {
			t.Fatalf("open of a log without a state digest: %v", err)
		}
		l.Close()
		var sum []byte
		if err := r.db.QueryRow("SELECT state_sum FROM logs").Scan(&sum); err != nil || len(sum) != 32 {
			t.Fatalf("state digest after open: %x, %v", sum, err)
		}
		r.edit(t, "state", "value", "kind = # AND key = #", flip, "agreement", "document")
		_, err = reopen(st, f)
		wantDamaged(t, err, "the projected state does not hash")
	})
}
