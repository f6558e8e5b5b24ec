// Package storetest is the test suite and the benchmarks every store.Store
// must pass, run by the sqlite and postgres packages against real
// databases. It speaks only through the store.Store interface.
package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/surety/surety/internal/store"
)

// Open returns a new, empty store, which it closes when the test ends.
type Open func(testing.TB) store.Store

// Run runs the suite, opening a new store for each test.
func Run(t *testing.T, open Open) {
	for _, tc := range []struct {
		name string
		run  func(*testing.T, store.Store)
	}{
		{"NewLog", testNewLog},
		{"Append", testAppend},
		{"AppendWrongIndex", testAppendWrongIndex},
		{"DuplicateID", testDuplicateID},
		{"Statements", testStatements},
		{"Rollback", testRollback},
		{"OtherLog", testOtherLog},
		{"Tiles", testTiles},
		{"State", testState},
		{"Scan", testScan},
		{"ScanPages", testScanPages},
		{"Dump", testDump},
		{"DropState", testDropState},
		{"Blobs", testBlobs},
		{"SweepBlobs", testSweepBlobs},
		{"Sealed", testSealed},
		{"Checkpoints", testCheckpoints},
		{"Snapshot", testSnapshot},
		{"Latest", testLatest},
		{"Concurrent", testConcurrent},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, open(t)) })
	}
}

// Replicas checks that Updates of one log through two stores open on the
// same database, as two surety serve processes would hold, are serialised.
func Replicas(t *testing.T, a, b store.Store) {
	appendConcurrently(t, log, 4, 25, a, b)
	checkContiguous(t, a, log, 200)
	checkContiguous(t, b, log, 200)
	catchUp(t, a, b)
	stateAhead(t, a, b)
	scanAhead(t, a, b)
}

// scanAhead has a make short scans in an Update, b change the rows they
// cover, and checks that a's next Update's scans, with other upper bounds,
// see b's rows, and its own writes.
func scanAhead(t *testing.T, a, b store.Store) {
	const kind = "ahead-scan"
	keys := func(tx store.Tx, to string, limit int) string {
		var ks []string
		err := tx.Scan(log, kind, "", to, limit, func(key string, _ []byte) error {
			ks = append(ks, key)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(ks, ",")
	}
	change := func(s store.Store, put, del string) {
		update(t, s, log, func(tx store.Tx) error {
			for _, k := range strings.Fields(put) {
				if err := tx.Put(log, kind, k, []byte(k)); err != nil {
					return err
				}
			}
			for _, k := range strings.Fields(del) {
				if err := tx.Delete(log, kind, k); err != nil {
					return err
				}
			}
			return nil
		})
	}
	change(b, "c k", "")
	for round, c := range []struct {
		put, del string
		want     map[string]string // to/limit → keys
	}{
		{"", "", map[string]string{"h/1": "c", "h/2": "c", "/2": "c,k"}},
		{"a", "c", map[string]string{"h/1": "a", "a/1": "", "h/2": "a", "/2": "a,k", "z/1": "a"}},
		{"", "a", map[string]string{"h/1": "", "h/2": "", "/2": "k", "l/1": "k"}},
	} {
		if round > 0 {
			change(b, c.put, c.del)
		}
		update(t, a, log, func(tx store.Tx) error {
			for _, q := range []string{"h/1", "a/1", "h/2", "/2", "z/1", "l/1"} {
				want, ok := c.want[q]
				if !ok {
					continue
				}
				to, n, _ := strings.Cut(q, "/")
				limit := int(n[0] - '0')
				if got := keys(tx, to, limit); got != want {
					t.Errorf("round %d: a scanned [\"\", %q) limit %d as %q; want %q, as b left it", round, to, limit, got, want)
				}
			}
			if round == 2 {
				if err := tx.Put(log, kind, "b", nil); err != nil {
					return err
				}
				if got := keys(tx, "h", 1); got != "b" {
					t.Errorf("after writing b, a scanned %q; want b", got)
				}
			}
			return nil
		})
	}
}

// stateAhead has a read state rows by key in an Update, b change them, and
// checks that a's next Update reads b's values, the rows b deleted as
// absent, and its own writes over what it read.
func stateAhead(t *testing.T, a, b store.Store) {
	get := func(tx store.Tx, key string) string {
		v, err := tx.Get(log, "ahead", key)
		if errors.Is(err, store.ErrNotFound) {
			return "absent"
		}
		if err != nil {
			t.Fatal(err)
		}
		return string(v)
	}
	put := func(s store.Store, kv ...string) {
		update(t, s, log, func(tx store.Tx) error {
			for i := 0; i < len(kv); i += 2 {
				var err error
				if kv[i+1] == "absent" {
					err = tx.Delete(log, "ahead", kv[i])
				} else {
					err = tx.Put(log, "ahead", kv[i], []byte(kv[i+1]))
				}
				if err != nil {
					return err
				}
			}
			return nil
		})
	}
	put(b, "k1", "b1", "k2", "b2")
	for round, want := range []map[string]string{
		{"k1": "b1", "k2": "b2", "k3": "absent"},
		{"k1": "b1'", "k2": "absent", "k3": "b3"},
		{"k1": "b1'", "k2": "absent", "k3": "b3"},
	} {
		switch round {
		case 1:
			put(b, "k1", "b1'", "k2", "absent", "k3", "b3")
		}
		update(t, a, log, func(tx store.Tx) error {
			for _, k := range []string{"k1", "k2", "k3"} {
				if got := get(tx, k); got != want[k] {
					t.Errorf("round %d: a read %s as %q; want %q, as b left it", round, k, got, want[k])
				}
			}
			if round == 2 {
				if err := tx.Put(log, "ahead", "k1", []byte("a1")); err != nil {
					return err
				}
				if err := tx.Delete(log, "ahead", "k3"); err != nil {
					return err
				}
				if got, got3 := get(tx, "k1"), get(tx, "k3"); got != "a1" || got3 != "absent" {
					t.Errorf("after its own writes a read k1 as %q and k3 as %q; want a1 and absent", got, got3)
				}
			}
			return nil
		})
	}
	// Writes made before the rows read ahead come back win over them.
	update(t, a, log, func(tx store.Tx) error {
		if err := tx.Put(log, "ahead", "k2", []byte("a2")); err != nil {
			return err
		}
		for range 2 {
			if got := get(tx, "k2"); got != "a2" {
				t.Errorf("a wrote k2 first and read it as %q; want a2", got)
			}
		}
		return nil
	})
}

// catchUp has b append after a's last commit, by a few entries and then by
// more than a store reads ahead with its lock, and checks that a's next
// Update reads b's entries as b wrote them, in any range, and its own
// appends after them.
func catchUp(t *testing.T, a, b store.Store) {
	for _, n := range []int{3, 1500} {
		var size uint64
		update(t, a, log, func(tx store.Tx) error {
			h, err := tx.Head(log)
			size = h.Size
			return err
		})
		es := entries(int(size)+1000000, int(size)+1000000+n)
		grow(t, b, log, es)
		mine := entries(int(size)+2000000, int(size)+2000001)
		update(t, a, log, func(tx store.Tx) error {
			h, err := tx.Head(log)
			if err != nil {
				return err
			}
			if h.Size != size+uint64(n) {
				t.Errorf("after b appended %d, a's Update sees size %d; want %d", n, h.Size, size+uint64(n))
			}
			for _, r := range [][2]int{{0, n}, {1, n}, {0, 1}, {n - 1, n}} {
				got, err := tx.Entries(log, size+uint64(r[0]), size+uint64(r[1]))
				if err != nil {
					return err
				}
				for i, data := range got {
					if want := es[r[0]+i].Data; !bytes.Equal(data, want) {
						t.Errorf("b's entry %d read in a's Update as %q; want %q", r[0]+i, data, want)
					}
				}
			}
			if err := tx.Append(log, h.Size, mine); err != nil {
				return err
			}
			got, err := tx.Entries(log, h.Size-1, h.Size+1)
			if err != nil {
				return err
			}
			if !bytes.Equal(got[0], es[n-1].Data) || !bytes.Equal(got[1], mine[0].Data) {
				t.Errorf("the last of b's entries and a's own read as %q; want %q and %q", got, es[n-1].Data, mine[0].Data)
			}
			_, err = tx.Entries(log, h.Size, h.Size+2)
			wantNotFound(t, "Entries beyond what a appended", err)
			return tx.SetHead(log, head(h.Size+1))
		})
	}
}

const log = "il-kp-1993"

var ctx = context.Background()

func update(t testing.TB, s store.Store, log string, fn func(store.Tx) error) {
	t.Helper()
	if err := s.Update(ctx, log, fn); err != nil {
		t.Fatalf("Update(%s): %v", log, err)
	}
}

func view(t testing.TB, s store.Store, fn func(store.ReadTx) error) {
	t.Helper()
	if err := s.View(ctx, fn); err != nil {
		t.Fatalf("View: %v", err)
	}
}

// entry returns a test entry carrying the statement id.
func entry(id string) store.Entry {
	data := []byte(fmt.Sprintf(`{"time":"1993-06-12T09:30:00Z","statement":{"id":%q}}`, id))
	return store.Entry{Data: data, ID: id, Author: "kp-export-authority", Type: "declaration.submit", Sum: sha256.Sum256(data)}
}

// entries returns entries for statements s-from … s-(to-1).
func entries(from, to int) []store.Entry {
	var es []store.Entry
	for i := from; i < to; i++ {
		es = append(es, entry(fmt.Sprintf("s-%d", i)))
	}
	return es
}

func ref(e store.Entry, index uint64) store.Ref {
	return store.Ref{Index: index, ID: e.ID, Author: e.Author, Type: e.Type, Sum: e.Sum}
}

// grow appends es to the log and sets its head.
func grow(t testing.TB, s store.Store, log string, es []store.Entry) {
	t.Helper()
	update(t, s, log, func(tx store.Tx) error {
		h, err := tx.Head(log)
		if err != nil {
			return err
		}
		if err := tx.Append(log, h.Size, es); err != nil {
			return err
		}
		return tx.SetHead(log, head(h.Size+uint64(len(es))))
	})
}

// head is a test log's head at size.
func head(size uint64) store.Head {
	root := sha256.Sum256([]byte(fmt.Sprint(size)))
	return store.Head{Size: size, Root: root[:], Time: time.Date(1993, 6, 12, 9, 30, 0, int(size), time.UTC)}
}

func wantNotFound(t testing.TB, what string, err error) {
	t.Helper()
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("%s: got error %v, want ErrNotFound", what, err)
	}
}

func wantHead(t testing.TB, s store.Store, log string, want store.Head) {
	t.Helper()
	view(t, s, func(tx store.ReadTx) error {
		got, err := tx.Head(log)
		if err != nil {
			return err
		}
		if got.Size != want.Size || !bytes.Equal(got.Root, want.Root) || !got.Time.Equal(want.Time) {
			t.Errorf("Head(%s) = %+v, want %+v", log, got, want)
		}
		return nil
	})
}

// checkEntries checks that the log holds exactly es.
func checkEntries(t testing.TB, s store.Store, log string, es []store.Entry) {
	t.Helper()
	view(t, s, func(tx store.ReadTx) error {
		got, err := tx.Entries(log, 0, uint64(len(es)))
		if err != nil {
			return err
		}
		for i, e := range es {
			if !bytes.Equal(got[i], e.Data) {
				t.Errorf("entry %d = %q, want %q", i, got[i], e.Data)
			}
		}
		_, err = tx.Entries(log, 0, uint64(len(es))+1)
		wantNotFound(t, "Entries beyond the size", err)
		return nil
	})
}

func testNewLog(t *testing.T, s store.Store) {
	check := func(tx store.ReadTx) error {
		h, err := tx.Head(log)
		if err != nil {
			t.Fatalf("Head: %v", err)
		}
		if h.Size != 0 || h.Root != nil || !h.Time.IsZero() {
			t.Errorf("Head = %+v, want the zero Head", h)
		}
		es, err := tx.Entries(log, 0, 0)
		if err != nil || len(es) != 0 {
			t.Errorf("Entries(0, 0) = %q, %v; want none", es, err)
		}
		_, err = tx.Entries(log, 0, 1)
		wantNotFound(t, "Entries(0, 1)", err)
		_, err = tx.Tile(log, 0, 0)
		wantNotFound(t, "Tile", err)
		_, err = tx.Statement(log, "s-0")
		wantNotFound(t, "Statement", err)
		_, err = tx.Checkpoint(log)
		wantNotFound(t, "Checkpoint", err)
		_, err = tx.Get(log, "declaration", "d-1")
		wantNotFound(t, "Get", err)
		err = tx.Scan(log, "declaration", "", "", 0, func(key string, _ []byte) error {
			return fmt.Errorf("Scan found %q", key)
		})
		if err != nil {
			t.Error(err)
		}
		err = tx.Dump(log, func(kind, key string, _ []byte) error {
			return fmt.Errorf("Dump found %s %q", kind, key)
		})
		if err != nil {
			t.Error(err)
		}
		return nil
	}
	view(t, s, check)
	update(t, s, log, func(tx store.Tx) error { return check(tx) })
	view(t, s, check)
}

func testAppend(t *testing.T, s store.Store) {
	es := entries(0, 3)
	at := time.Date(1993, 6, 12, 18, 30, 15, 123456789, time.FixedZone("KST", 9*60*60))
	root := sha256.Sum256([]byte("root"))
	update(t, s, log, func(tx store.Tx) error {
		if err := tx.Append(log, 0, es); err != nil {
			return err
		}
		// The transaction reads its own writes.
		got, err := tx.Entries(log, 0, 3)
		if err != nil {
			return err
		}
		if len(got) != 3 {
			t.Errorf("Entries in the transaction = %q", got)
		}
		return tx.SetHead(log, store.Head{Size: 3, Root: root[:], Time: at})
	})
	view(t, s, func(tx store.ReadTx) error {
		h, err := tx.Head(log)
		if err != nil {
			return err
		}
		if h.Size != 3 || !bytes.Equal(h.Root, root[:]) || !h.Time.Equal(at) || h.Time.Location() != time.UTC {
			t.Errorf("Head = %+v, want size 3, root %x, time %v in UTC", h, root, at)
		}
		got, err := tx.Entries(log, 1, 3)
		if err != nil {
			return err
		}
		if diff := cmp.Diff([][]byte{es[1].Data, es[2].Data}, got); diff != "" {
			t.Errorf("Entries(1, 3) (-want +got):\n%s", diff)
		}
		if got, err := tx.Entries(log, 3, 3); err != nil || len(got) != 0 {
			t.Errorf("Entries(3, 3) = %q, %v; want none", got, err)
		}
		if _, err := tx.Entries(log, 2, 1); err == nil {
			t.Error("Entries(2, 1) succeeded")
		}
		for i, e := range es {
			r, err := tx.Statement(log, e.ID)
			if err != nil {
				return err
			}
			if r != ref(e, uint64(i)) {
				t.Errorf("Statement(%s) = %+v, want %+v", e.ID, r, ref(e, uint64(i)))
			}
		}
		_, err = tx.Statement("jcpoa-2015", es[0].ID)
		wantNotFound(t, "Statement of another log", err)
		return nil
	})

	// Large batches are split into several statements; several Appends
	// may follow each other in one transaction.
	es = append(es, entries(3, 303+45)...)
	update(t, s, log, func(tx store.Tx) error {
		if err := tx.Append(log, 3, es[3:303]); err != nil {
			return err
		}
		if err := tx.Append(log, 303, es[303:304]); err != nil {
			return err
		}
		if err := tx.Append(log, 304, es[304:]); err != nil {
			return err
		}
		return tx.SetHead(log, head(uint64(len(es))))
	})
	wantHead(t, s, log, head(uint64(len(es))))
	checkEntries(t, s, log, es)
	view(t, s, func(tx store.ReadTx) error {
		for i := 300; i < len(es); i++ {
			r, err := tx.Statement(log, es[i].ID)
			if err != nil {
				return err
			}
			if r != ref(es[i], uint64(i)) {
				t.Errorf("Statement(%s) = %+v, want %+v", es[i].ID, r, ref(es[i], uint64(i)))
			}
		}
		return nil
	})
}

func testAppendWrongIndex(t *testing.T, s store.Store) {
	for _, first := range []uint64{1, 2} {
		err := s.Update(ctx, log, func(tx store.Tx) error { return tx.Append(log, first, entries(0, 1)) })
		if err == nil {
			t.Errorf("Append at %d to an empty log succeeded", first)
		}
	}
	grow(t, s, log, entries(0, 2))
	for _, first := range []uint64{0, 1, 3} {
		err := s.Update(ctx, log, func(tx store.Tx) error { return tx.Append(log, first, entries(2, 3)) })
		if err == nil {
			t.Errorf("Append at %d to a log of 2 succeeded", first)
		}
	}
	// Append knows the size before SetHead records it.
	err := s.Update(ctx, log, func(tx store.Tx) error {
		if err := tx.Append(log, 2, entries(2, 4)); err != nil {
			return err
		}
		return tx.Append(log, 3, entries(4, 5))
	})
	if err == nil {
		t.Error("second Append overlapping the first succeeded")
	}
	wantHead(t, s, log, head(2))
	checkEntries(t, s, log, entries(0, 2))
}

func testDuplicateID(t *testing.T, s store.Store) {
	grow(t, s, log, entries(0, 3))
	dup := entries(1, 2)[0]
	dup.Data = []byte("other bytes under an id in use")
	dup.Sum = sha256.Sum256(dup.Data)
	for name, batch := range map[string][]store.Entry{
		"an earlier entry's id":    {entry("s-3"), dup},
		"an id twice in one batch": {entry("s-3"), entry("s-3")},
	} {
		err := s.Update(ctx, log, func(tx store.Tx) error {
			if err := tx.Put(log, "declaration", "s-3", []byte("{}")); err != nil {
				return err
			}
			if err := tx.Append(log, 3, batch); err != nil {
				return err
			}
			return tx.SetHead(log, head(5))
		})
		if !errors.Is(err, store.ErrIDTaken) {
			t.Errorf("Append with %s: %v; want ErrIDTaken", name, err)
		}
	}
	// Even if fn ignores the failed write, Update keeps nothing. (The
	// write may fail at once or, held back, at the commit.)
	err := s.Update(ctx, log, func(tx store.Tx) error {
		if err := tx.Put(log, "declaration", "s-3", []byte("{}")); err != nil {
			return err
		}
		_ = tx.Append(log, 3, []store.Entry{dup})
		return tx.SetHead(log, head(4))
	})
	if err == nil {
		t.Error("Update whose Append failed succeeded")
	}
	wantHead(t, s, log, head(3))
	checkEntries(t, s, log, entries(0, 3))
	view(t, s, func(tx store.ReadTx) error {
		_, err := tx.Get(log, "declaration", "s-3")
		wantNotFound(t, "Get of a rolled back Put", err)
		r, err := tx.Statement(log, dup.ID)
		if err != nil {
			return err
		}
		if want := ref(entries(1, 2)[0], 1); r != want {
			t.Errorf("Statement(%s) = %+v, want the first entry's %+v", dup.ID, r, want)
		}
		return nil
	})
	// Ids are unique per log only.
	grow(t, s, "jcpoa-2015", entries(0, 3))
	checkEntries(t, s, "jcpoa-2015", entries(0, 3))
}

// testStatements looks up statements by id in one call: those the log
// holds come back, in any order, the others do not, also past 256 ids
// and with an id asked twice.
func testStatements(t *testing.T, s store.Store) {
	es := entries(0, 300)
	grow(t, s, log, es)
	grow(t, s, "jcpoa-2015", entries(300, 301))
	check := func(tx store.ReadTx, ids []string, want []store.Ref) {
		t.Helper()
		got, err := tx.Statements(log, ids)
		if err != nil {
			t.Fatal(err)
		}
		slices.SortFunc(got, func(a, b store.Ref) int { return int(a.Index) - int(b.Index) })
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Statements(%d ids) (-want +got):\n%s", len(ids), diff)
		}
	}
	var ids []string
	var want []store.Ref
	for i := 0; i < 300; i += 2 {
		ids = append(ids, es[i].ID, fmt.Sprintf("missing-%d", i))
		want = append(want, ref(es[i], uint64(i)))
	}
	ids = append(ids, "s-300", es[4].ID) // another log's id; one asked twice
	view(t, s, func(tx store.ReadTx) error {
		check(tx, ids, want)
		check(tx, ids[:3], want[:2])
		check(tx, []string{"missing"}, nil)
		check(tx, nil, nil)
		return nil
	})
	// An Update reads its own appends.
	update(t, s, log, func(tx store.Tx) error {
		e := entry("s-new")
		if err := tx.Append(log, 300, []store.Entry{e}); err != nil {
			return err
		}
		check(tx, []string{"s-new", "s-0"}, []store.Ref{ref(es[0], 0), ref(e, 300)})
		return tx.SetHead(log, head(301))
	})
}

func testRollback(t *testing.T, s store.Store) {
	grow(t, s, log, entries(0, 2))
	update(t, s, log, func(tx store.Tx) error {
		if err := tx.PutTile(log, 0, 0, bytes.Repeat([]byte{1}, 64)); err != nil {
			return err
		}
		if err := tx.PutCheckpoint(log, []byte("checkpoint 2")); err != nil {
			return err
		}
		return tx.Put(log, "declaration", "s-1", []byte("kept"))
	})
	errStop := errors.New("the statement does not apply")
	err := s.Update(ctx, log, func(tx store.Tx) error {
		for _, err := range []error{
			tx.Append(log, 2, entries(2, 5)),
			tx.PutTile(log, 0, 0, bytes.Repeat([]byte{1}, 5*32)),
			tx.SetHead(log, head(5)),
			tx.PutCheckpoint(log, []byte("checkpoint 5")),
			tx.Put(log, "declaration", "s-4", []byte("dropped")),
			tx.Delete(log, "declaration", "s-1"),
			tx.DropState(log),
		} {
			if err != nil {
				return err
			}
		}
		return errStop
	})
	if err != errStop {
		t.Fatalf("Update returned %v, want %v", err, errStop)
	}
	wantHead(t, s, log, head(2))
	checkEntries(t, s, log, entries(0, 2))
	view(t, s, func(tx store.ReadTx) error {
		_, err := tx.Statement(log, "s-2")
		wantNotFound(t, "Statement of a rolled back Append", err)
		if tile, err := tx.Tile(log, 0, 0); err != nil || len(tile) != 64 {
			t.Errorf("Tile = %d bytes, %v; want 64", len(tile), err)
		}
		if note, err := tx.Checkpoint(log); err != nil || string(note) != "checkpoint 2" {
			t.Errorf("Checkpoint = %q, %v; want checkpoint 2", note, err)
		}
		if v, err := tx.Get(log, "declaration", "s-1"); err != nil || string(v) != "kept" {
			t.Errorf("Get(s-1) = %q, %v; want kept", v, err)
		}
		_, err = tx.Get(log, "declaration", "s-4")
		wantNotFound(t, "Get of a rolled back Put", err)
		return nil
	})
}

func testOtherLog(t *testing.T, s store.Store) {
	const other = "jcpoa-2015"
	for name, write := range map[string]func(store.Tx) error{
		"Append":        func(tx store.Tx) error { return tx.Append(other, 0, entries(0, 1)) },
		"PutTile":       func(tx store.Tx) error { return tx.PutTile(other, 0, 0, make([]byte, 32)) },
		"SetHead":       func(tx store.Tx) error { return tx.SetHead(other, head(1)) },
		"PutCheckpoint": func(tx store.Tx) error { return tx.PutCheckpoint(other, []byte("note")) },
		"Put":           func(tx store.Tx) error { return tx.Put(other, "declaration", "s-0", nil) },
		"Delete":        func(tx store.Tx) error { return tx.Delete(other, "declaration", "s-0") },
		"DropState":     func(tx store.Tx) error { return tx.DropState(other) },
	} {
		if err := s.Update(ctx, log, write); err == nil {
			t.Errorf("%s to %s in an Update of %s succeeded", name, other, log)
		}
	}
	wantHead(t, s, other, store.Head{})
}

func testTiles(t *testing.T, s store.Store) {
	hashes := func(n int) []byte { return bytes.Repeat([]byte{byte(n)}, n*32) }
	update(t, s, log, func(tx store.Tx) error { return tx.PutTile(log, 0, 7, hashes(1)) })
	update(t, s, log, func(tx store.Tx) error {
		for _, err := range []error{
			tx.PutTile(log, 0, 7, hashes(2)),
			tx.PutTile(log, 0, 8, hashes(256)),
			tx.PutTile(log, 1, 0, hashes(3)),
		} {
			if err != nil {
				return err
			}
		}
		return nil
	})
	update(t, s, "jcpoa-2015", func(tx store.Tx) error { return tx.PutTile("jcpoa-2015", 0, 7, hashes(9)) })
	view(t, s, func(tx store.ReadTx) error {
		for _, tc := range []struct {
			level uint8
			index uint64
			want  []byte
		}{
			{0, 7, hashes(2)},
			{0, 8, hashes(256)},
			{1, 0, hashes(3)},
		} {
			got, err := tx.Tile(log, tc.level, tc.index)
			if err != nil {
				return err
			}
			if !bytes.Equal(got, tc.want) {
				t.Errorf("Tile(%d, %d) = %d bytes, want %d", tc.level, tc.index, len(got), len(tc.want))
			}
		}
		_, err := tx.Tile(log, 0, 6)
		wantNotFound(t, "Tile(0, 6)", err)
		_, err = tx.Tile(log, 2, 0)
		wantNotFound(t, "Tile(2, 0)", err)
		return nil
	})
}

// keys are state keys in ascending byte order: upper case before lower
// case, and multi-byte UTF-8 after ASCII.
var keys = []string{"0", "A", "B", "Z", "a", "ab", "a\u00e9", "b", "z", "~", "\u00c9", "\u00e9", "\u00ff", "\u4e2d"}

func testState(t *testing.T, s store.Store) {
	update(t, s, log, func(tx store.Tx) error {
		for _, k := range keys {
			if err := tx.Put(log, "declaration", k, []byte("old "+k)); err != nil {
				return err
			}
		}
		return nil
	})
	update(t, s, log, func(tx store.Tx) error {
		for _, k := range keys {
			if err := tx.Put(log, "declaration", k, []byte("new "+k)); err != nil {
				return err
			}
		}
		for _, err := range []error{
			tx.Put(log, "declaration", "empty", []byte{}),
			tx.Put(log, "declaration", "nil", nil),
			tx.Delete(log, "declaration", "Z"),
			tx.Delete(log, "declaration", "missing"),
			tx.Delete(log, "selection", "A"),
		} {
			if err != nil {
				return err
			}
		}
		// The transaction reads its own writes.
		if v, err := tx.Get(log, "declaration", "A"); err != nil || string(v) != "new A" {
			t.Errorf("Get(A) in the transaction = %q, %v; want new A", v, err)
		}
		return nil
	})
	view(t, s, func(tx store.ReadTx) error {
		for _, k := range keys {
			v, err := tx.Get(log, "declaration", k)
			if k == "Z" {
				wantNotFound(t, "Get of a deleted key", err)
				continue
			}
			if err != nil || string(v) != "new "+k {
				t.Errorf("Get(%q) = %q, %v; want %q", k, v, err, "new "+k)
			}
		}
		for _, k := range []string{"empty", "nil"} {
			if v, err := tx.Get(log, "declaration", k); err != nil || len(v) != 0 {
				t.Errorf("Get(%s) = %q, %v; want an empty value", k, v, err)
			}
		}
		for _, k := range []string{"a\u00e9x", "", "z "} {
			_, err := tx.Get(log, "declaration", k)
			wantNotFound(t, fmt.Sprintf("Get(%q)", k), err)
		}
		_, err := tx.Get(log, "selection", "A")
		wantNotFound(t, "Get of another kind", err)
		_, err = tx.Get("jcpoa-2015", "declaration", "A")
		wantNotFound(t, "Get of another log", err)
		return nil
	})
}

func scan(t testing.TB, tx store.ReadTx, log, kind, from, to string, limit int) []string {
	t.Helper()
	var got []string
	err := tx.Scan(log, kind, from, to, limit, func(key string, value []byte) error {
		if string(value) != key {
			t.Errorf("Scan: value of %q is %q", key, value)
		}
		got = append(got, key)
		return nil
	})
	if err != nil {
		t.Fatalf("Scan(%s, %q, %q, %d): %v", kind, from, to, limit, err)
	}
	return got
}

func testScan(t *testing.T, s store.Store) {
	if !slices.IsSorted(keys) {
		t.Fatal("the test's keys are not in byte order")
	}
	update(t, s, log, func(tx store.Tx) error {
		for _, k := range keys {
			for _, kind := range []string{"declaration", "declaratio", "selection"} {
				if err := tx.Put(log, kind, k, []byte(k)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	update(t, s, "jcpoa-2015", func(tx store.Tx) error { return tx.Put("jcpoa-2015", "declaration", "B", []byte("B")) })
	keysIn := func(from, to string) []string {
		var ks []string
		for _, k := range keys {
			if k >= from && (to == "" || k < to) {
				ks = append(ks, k)
			}
		}
		return ks
	}
	view(t, s, func(tx store.ReadTx) error {
		for _, tc := range []struct {
			from, to string
			limit    int
			want     []string
		}{
			{"", "", 0, keys},
			{"", "", -1, keys},
			{"", "", 3, keys[:3]},
			{"", "", 100, keys},
			{"B", "b", 0, keysIn("B", "b")},
			{"a", "a\u00e9", 0, []string{"a", "ab"}},
			{"a\u00e9", "", 0, keysIn("a\u00e9", "")},
			{"Z", "", 2, []string{"Z", "a"}},
			{"\u00c9", "\u00ff", 0, []string{"\u00c9", "\u00e9"}},
			{"~", "\u00c9", 0, []string{"~"}},
			{"b", "b", 0, nil},
			{"\u4e2e", "", 0, nil},
		} {
			got := scan(t, tx, log, "declaration", tc.from, tc.to, tc.limit)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Scan(%q, %q, %d) (-want +got):\n%s", tc.from, tc.to, tc.limit, diff)
			}
		}
		if got := scan(t, tx, "jcpoa-2015", "declaration", "", "", 0); !slices.Equal(got, []string{"B"}) {
			t.Errorf("Scan of another log = %q, want [B]", got)
		}
		errStop := errors.New("enough")
		n := 0
		err := tx.Scan(log, "declaration", "", "", 0, func(string, []byte) error {
			if n++; n == 2 {
				return errStop
			}
			return nil
		})
		if err != errStop || n != 2 {
			t.Errorf("Scan whose fn failed at the 2nd key returned %v after %d keys, want %v after 2", err, n, errStop)
		}
		return nil
	})
}

// testScanPages scans more keys than one page, and writes from the
// callback.
func testScanPages(t *testing.T, s store.Store) {
	const n = 1300
	var want []string
	update(t, s, log, func(tx store.Tx) error {
		for i := range n {
			k := fmt.Sprintf("d-%05d", i)
			want = append(want, k)
			if err := tx.Put(log, "pending", k, []byte(k)); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx store.ReadTx) error {
		for _, tc := range []struct {
			from, to string
			limit    int
			want     []string
		}{
			{"", "", 0, want},
			{"", "", 512, want[:512]},
			{"", "", 1024, want[:1024]},
			{"", "", 1100, want[:1100]},
			{"d-00100", "d-01200", 0, want[100:1200]},
			{"d-00100", "d-01200", 1000, want[100:1100]},
			{"d-00100", "", 0, want[100:]},
		} {
			got := scan(t, tx, log, "pending", tc.from, tc.to, tc.limit)
			if !slices.Equal(got, tc.want) {
				t.Errorf("Scan(%q, %q, %d) = %d keys from %q, want %d", tc.from, tc.to, tc.limit, len(got), got[:min(1, len(got))], len(tc.want))
			}
		}
		return nil
	})
	update(t, s, log, func(tx store.Tx) error {
		return tx.Scan(log, "pending", "", "", 0, func(key string, value []byte) error {
			if err := tx.Delete(log, "pending", key); err != nil {
				return err
			}
			return tx.Put(log, "done", key, value)
		})
	})
	view(t, s, func(tx store.ReadTx) error {
		if got := scan(t, tx, log, "pending", "", "", 0); len(got) != 0 {
			t.Errorf("%d keys still pending", len(got))
		}
		if got := scan(t, tx, log, "done", "", "", 0); !slices.Equal(got, want) {
			t.Errorf("done: %d keys, want %d", len(got), len(want))
		}
		return nil
	})
}

type row struct{ kind, key, value string }

func dump(t testing.TB, s store.Store, log string) []row {
	t.Helper()
	var rows []row
	view(t, s, func(tx store.ReadTx) error {
		return tx.Dump(log, func(kind, key string, value []byte) error {
			rows = append(rows, row{kind, key, string(value)})
			return nil
		})
	})
	return rows
}

func testDump(t *testing.T, s store.Store) {
	var want []row
	kinds := []string{"B", "a", "ab", "declaration", "\u00e9"}
	update(t, s, log, func(tx store.Tx) error {
		for _, kind := range slices.Backward(kinds) {
			n := len(keys)
			if kind == "declaration" {
				n = 1200 // more than a page
			}
			for i := range n {
				k := fmt.Sprintf("d-%05d", i)
				if kind != "declaration" {
					k = keys[len(keys)-1-i]
				}
				want = append(want, row{kind, k, kind + "/" + k})
				if err := tx.Put(log, kind, k, []byte(kind+"/"+k)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	slices.SortFunc(want, func(a, b row) int {
		return strings.Compare(a.kind+"\x00"+a.key, b.kind+"\x00"+b.key)
	})
	if diff := cmp.Diff(want, dump(t, s, log), cmp.AllowUnexported(row{})); diff != "" {
		t.Errorf("Dump (-want +got):\n%s", diff)
	}
	errStop := errors.New("enough")
	err := s.View(ctx, func(tx store.ReadTx) error {
		return tx.Dump(log, func(string, string, []byte) error { return errStop })
	})
	if err != errStop {
		t.Errorf("Dump whose fn failed returned %v, want %v", err, errStop)
	}
}

func testDropState(t *testing.T, s store.Store) {
	for _, l := range []string{log, "jcpoa-2015"} {
		grow(t, s, l, entries(0, 2))
		update(t, s, l, func(tx store.Tx) error {
			for _, kind := range []string{"declaration", "selection"} {
				if err := tx.Put(l, kind, "s-0", []byte(l)); err != nil {
					return err
				}
			}
			return tx.PutCheckpoint(l, []byte(l))
		})
	}
	update(t, s, log, func(tx store.Tx) error { return tx.DropState(log) })
	if rows := dump(t, s, log); len(rows) != 0 {
		t.Errorf("after DropState, Dump = %v", rows)
	}
	want := []row{{"declaration", "s-0", "jcpoa-2015"}, {"selection", "s-0", "jcpoa-2015"}}
	if diff := cmp.Diff(want, dump(t, s, "jcpoa-2015"), cmp.AllowUnexported(row{})); diff != "" {
		t.Errorf("another log's Dump (-want +got):\n%s", diff)
	}
	wantHead(t, s, log, head(2))
	checkEntries(t, s, log, entries(0, 2))
	view(t, s, func(tx store.ReadTx) error {
		if note, err := tx.Checkpoint(log); err != nil || string(note) != log {
			t.Errorf("Checkpoint = %q, %v; want %q", note, err, log)
		}
		return nil
	})
}

func readBlob(t testing.TB, s store.Store, sum [32]byte) ([]byte, error) {
	t.Helper()
	r, err := s.OpenBlob(ctx, sum)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err == nil && int64(len(b)) != r.Size() {
		t.Errorf("blob %x: read %d bytes, its size is %d", sum, len(b), r.Size())
	}
	return b, err
}

func testBlobs(t *testing.T, s store.Store) {
	// Sizes around the part boundary, and several parts.
	big := bytes.Repeat([]byte{0, 0xff, 7}, store.BlobPart)
	for _, data := range [][]byte{[]byte("UN 1718 committee list, 1993 edition"), {}, big[:store.BlobPart], big[:store.BlobPart+1], big} {
		sum := sha256.Sum256(data)
		for range 2 {
			w, err := s.CreateBlob(ctx, log)
			if err != nil {
				t.Fatal(err)
			}
			// Written in uneven pieces, as a network delivers them.
			for rest := data; len(rest) > 0; {
				n := min(len(rest), 1000+len(rest)/3)
				if _, err := w.Write(rest[:n]); err != nil {
					t.Fatal(err)
				}
				rest = rest[n:]
			}
			if err := w.Commit(sum); err != nil {
				t.Fatal(err)
			}
		}
		got, err := readBlob(t, s, sum)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, data) {
			t.Errorf("OpenBlob(%x) = %d bytes, want %d", sum, len(got), len(data))
		}
		// Inside a transaction too, as apply steps read them.
		update(t, s, log, func(tx store.Tx) error {
			got, err := tx.Blob(sum)
			if err != nil || !bytes.Equal(got, data) {
				t.Errorf("tx.Blob(%x) = %d bytes, %v; want %d", sum, len(got), err, len(data))
			}
			return nil
		})
	}
	_, err := s.OpenBlob(ctx, sha256.Sum256([]byte("missing")))
	wantNotFound(t, "OpenBlob", err)
	view(t, s, func(tx store.ReadTx) error {
		_, err := tx.Blob(sha256.Sum256([]byte("missing")))
		wantNotFound(t, "tx.Blob", err)
		return nil
	})
	// An aborted upload leaves nothing under its sum.
	w, err := s.CreateBlob(ctx, log)
	if err != nil {
		t.Fatal(err)
	}
	aborted := bytes.Repeat([]byte("x"), store.BlobPart+10)
	if _, err := w.Write(aborted); err != nil {
		t.Fatal(err)
	}
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	_, err = s.OpenBlob(ctx, sha256.Sum256(aborted))
	wantNotFound(t, "OpenBlob of an aborted upload", err)
}

// testSweepBlobs: a sweep deletes the blobs of its log uploaded before its
// time that are not cited, keeps those cited for good, and leaves other
// logs' blobs and newer ones alone.
func testSweepBlobs(t *testing.T, s store.Store) {
	put := func(l, content string) [32]byte {
		sum := sha256.Sum256([]byte(content))
		if err := store.PutBlob(ctx, s, l, sum, []byte(content)); err != nil {
			t.Fatal(err)
		}
		return sum
	}
	cited, uncited, other := put(log, "cited evidence"), put(log, "never cited"), put("jcpoa-2015", "another log's")
	asked := map[[32]byte]int{}
	sweep := func(before time.Time) int {
		n, err := s.SweepBlobs(ctx, log, before, func(sum [32]byte) (bool, error) {
			asked[sum]++
			return sum == cited, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := sweep(time.Now().Add(-time.Hour)); n != 0 || len(asked) != 0 {
		t.Errorf("a sweep of blobs older than an hour deleted %d, asked about %d", n, len(asked))
	}
	later := time.Now().Add(2 * time.Second)
	if n := sweep(later); n != 1 {
		t.Errorf("sweep deleted %d blobs, want 1", n)
	}
	for sum, want := range map[[32]byte]bool{cited: true, uncited: false, other: true} {
		_, err := readBlob(t, s, sum)
		if got := err == nil; got != want {
			t.Errorf("blob %x kept = %v (%v), want %v", sum[:4], got, err, want)
		}
	}
	if n := sweep(later); n != 0 || asked[cited] != 1 {
		t.Errorf("a second sweep deleted %d and asked about the cited blob %d times; want 0 and once", n, asked[cited])
	}
	// The parts of an upload never committed go too.
	w, err := s.CreateBlob(ctx, log)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(bytes.Repeat([]byte("y"), store.BlobPart)); err != nil {
		t.Fatal(err)
	}
	if n := sweep(time.Now().Add(2 * time.Second)); n != 0 {
		t.Errorf("sweep deleted %d", n)
	}
	if err := w.Commit(sha256.Sum256([]byte("y"))); err == nil {
		if _, err := readBlob(t, s, sha256.Sum256([]byte("y"))); err == nil {
			t.Error("an upload whose parts were swept reads whole")
		}
	}
}

func testCheckpoints(t *testing.T, s store.Store) {
	for _, note := range []string{"surety.example/il-kp-1993\n1\n", "surety.example/il-kp-1993\n2\n"} {
		update(t, s, log, func(tx store.Tx) error { return tx.PutCheckpoint(log, []byte(note)) })
		view(t, s, func(tx store.ReadTx) error {
			if got, err := tx.Checkpoint(log); err != nil || string(got) != note {
				t.Errorf("Checkpoint = %q, %v; want %q", got, err, note)
			}
			return nil
		})
	}
	view(t, s, func(tx store.ReadTx) error {
		_, err := tx.Checkpoint("jcpoa-2015")
		wantNotFound(t, "Checkpoint of another log", err)
		return nil
	})
}

func testSnapshot(t *testing.T, s store.Store) {
	grow(t, s, log, entries(0, 1))
	view(t, s, func(tx store.ReadTx) error {
		before, err := tx.Head(log)
		if err != nil {
			return err
		}
		grow(t, s, log, entries(1, 3))
		after, err := tx.Head(log)
		if err != nil {
			return err
		}
		if after.Size != before.Size {
			t.Errorf("the view's Head changed from %d to %d", before.Size, after.Size)
		}
		_, err = tx.Entries(log, 0, 2)
		wantNotFound(t, "Entries committed after the view began", err)
		return nil
	})
	wantHead(t, s, log, head(3))
}

// testLatest reads outside a transaction: each read sees the commits made
// before it, as a View's reads do not.
func testLatest(t *testing.T, s store.Store) {
	r := s.Latest()
	grow(t, s, log, entries(0, 1))
	if h, err := r.Head(log); err != nil || h.Size != 1 {
		t.Errorf("Head = %+v, %v; want size 1", h, err)
	}
	grow(t, s, log, entries(1, 3))
	update(t, s, log, func(tx store.Tx) error { return tx.Put(log, "declaration", "d-1", []byte("v")) })
	if h, err := r.Head(log); err != nil || h.Size != 3 {
		t.Errorf("Head after a commit = %+v, %v; want size 3", h, err)
	}
	if es, err := r.Entries(log, 0, 3); err != nil || len(es) != 3 {
		t.Errorf("Entries = %d, %v; want 3", len(es), err)
	}
	if refs, err := r.Statements(log, []string{"s-2", "s-9"}); err != nil || len(refs) != 1 || refs[0].Index != 2 {
		t.Errorf("Statements = %+v, %v; want s-2 at 2", refs, err)
	}
	if v, err := r.Get(log, "declaration", "d-1"); err != nil || string(v) != "v" {
		t.Errorf("Get = %q, %v; want v", v, err)
	}
	var keys []string
	err := r.Scan(log, "declaration", "", "", 0, func(k string, _ []byte) error {
		keys = append(keys, k)
		return nil
	})
	if err != nil || len(keys) != 1 {
		t.Errorf("Scan = %q, %v; want d-1", keys, err)
	}
	_, err = r.Get(log, "declaration", "d-2")
	wantNotFound(t, "Get of a missing row", err)
}

func testConcurrent(t *testing.T, s store.Store) {
	appendConcurrently(t, log, 8, 50, s)
	checkContiguous(t, s, log, 400)
}

// appendConcurrently runs n goroutines on each store, each appending m
// entries in Updates that read the head inside the transaction.
func appendConcurrently(t *testing.T, log string, n, m int, stores ...store.Store) {
	var wg sync.WaitGroup
	for si, s := range stores {
		for g := range n {
			wg.Go(func() {
				for i := range m {
					e := entry(fmt.Sprintf("g-%d-%d-%d", si, g, i))
					err := s.Update(ctx, log, func(tx store.Tx) error {
						h, err := tx.Head(log)
						if err != nil {
							return err
						}
						if err := tx.Append(log, h.Size, []store.Entry{e}); err != nil {
							return err
						}
						return tx.SetHead(log, head(h.Size+1))
					})
					if err != nil {
						t.Errorf("goroutine %d of store %d: %v", g, si, err)
						return
					}
				}
			})
		}
	}
	wg.Wait()
}

// checkContiguous checks that the log has n entries, each with its
// statement index row at its own index, and none twice.
func checkContiguous(t *testing.T, s store.Store, log string, n uint64) {
	t.Helper()
	wantHead(t, s, log, head(n))
	view(t, s, func(tx store.ReadTx) error {
		es, err := tx.Entries(log, 0, n)
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		for i, data := range es {
			if seen[string(data)] {
				t.Errorf("entry %d is a repeat: %s", i, data)
			}
			seen[string(data)] = true
			var e struct{ Statement struct{ ID string } }
			if err := json.Unmarshal(data, &e); err != nil {
				return err
			}
			r, err := tx.Statement(log, e.Statement.ID)
			if err != nil {
				return err
			}
			if r.Index != uint64(i) || r.Sum != sha256.Sum256(data) {
				t.Errorf("statement %s is indexed at %d with sum %x, its entry is at %d", r.ID, r.Index, r.Sum, i)
			}
		}
		return nil
	})
}

// testSealed: sealed values are kept per log, replaced by key, scanned by
// prefix in key order, and never appear in the state dump.
func testSealed(t *testing.T, s store.Store) {
	ctx := context.Background()
	update(t, s, "l", func(tx store.Tx) error { return tx.Put("l", "k", "a", []byte("1")) })
	for _, kv := range [][2]string{{"sel/b", "2"}, {"sel/a", "1"}, {"other", "x"}, {"sel/a", "1'"}} {
		if err := s.PutSealed(ctx, "l", []store.Sealed{{Key: kv[0], Value: []byte(kv[1])}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.PutSealed(ctx, "m", []store.Sealed{{Key: "sel/a", Value: []byte("m")}}); err != nil {
		t.Fatal(err)
	}
	v, err := s.Sealed(ctx, "l", "sel/a")
	if err != nil || string(v) != "1'" {
		t.Errorf("sealed sel/a: %q, %v; want the replacement", v, err)
	}
	_, err = s.Sealed(ctx, "l", "sel/c")
	wantNotFound(t, "a missing sealed value", err)
	var got []string
	err = s.ScanSealed(ctx, "l", "sel/", func(k string, v []byte) error {
		got = append(got, k+"="+string(v))
		return nil
	})
	if err != nil || strings.Join(got, " ") != "sel/a=1' sel/b=2" {
		t.Errorf("scan sel/: %v, %v", got, err)
	}
	for _, r := range dump(t, s, "l") {
		if r.kind != "k" {
			t.Errorf("the state dump shows %+v", r)
		}
	}
	if err := s.DeleteSealed(ctx, "l", []string{"sel/a", "sel/none"}); err != nil {
		t.Fatal(err)
	}
	_, err = s.Sealed(ctx, "l", "sel/a")
	wantNotFound(t, "a deleted sealed value", err)
	if v, err := s.Sealed(ctx, "m", "sel/a"); err != nil || string(v) != "m" {
		t.Errorf("deleting from l touched m: %q, %v", v, err)
	}
}
