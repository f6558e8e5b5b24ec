package ledger_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/merkle/testonly"
	"golang.org/x/mod/sumdb/note"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/ledger"
	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/statement"
	"github.com/surety/surety/internal/store"
	"github.com/surety/surety/internal/store/postgres"
	"github.com/surety/surety/internal/store/sqlite"
	"github.com/surety/surety/internal/testenv"
)

// twoStores opens two stores on one database, as two surety serve
// processes would hold.
func twoStores(t *testing.T, backend string) (store.Store, store.Store) {
	t.Helper()
	open := func() store.Store { return nil }
	switch backend {
	case "sqlite":
		path := filepath.Join(t.TempDir(), "shared.db")
		open = func() store.Store {
			db, err := sqlite.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		}
	case "postgres":
		url := testenv.PostgresURL(t)
		open = func() store.Store {
			db, err := postgres.Open(context.Background(), url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		}
	}
	return open(), open()
}

// openOn starts a log on st, which may already hold the adopted
// agreement.
func openOn(t *testing.T, st store.Store, f *fixture) *ledger.Log {
	t.Helper()
	l, err := ledger.Open(context.Background(), ledger.Options{Store: st, Log: f.spec.ID, Now: func() time.Time { return f.now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	return l
}

// reference reads the log's head and entries and checks that the
// entries hash to the head's root with transparency-dev/merkle's reference
// tree, which it returns.
func reference(t *testing.T, l *ledger.Log) (store.Head, [][]byte, *testonly.Tree) {
	t.Helper()
	ctx := context.Background()
	h, err := l.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	es, err := l.Entries(ctx, 0, h.Size)
	if err != nil {
		t.Fatal(err)
	}
	ref := testonly.New(rfc6962.DefaultHasher)
	ref.AppendData(es...)
	if !bytes.Equal(ref.Hash(), h.Root) {
		t.Fatalf("root %x, reference %x", h.Root, ref.Hash())
	}
	return h, es, ref
}

// checkLog checks that the log's entries hash to its root, that every
// acknowledged index holds its leaf, and that rebuilding the state from
// the entries gives the rows the appends wrote.
func checkLog(t *testing.T, l *ledger.Log, st store.Store, acked map[uint64][32]byte) {
	t.Helper()
	ctx := context.Background()
	h, es, _ := reference(t, l)
	ids := map[string]uint64{}
	for i, data := range es {
		e, err := ledger.ParseEntry(data)
		if err != nil {
			t.Fatal(err)
		}
		if j, dup := ids[e.Statement.ID]; dup {
			t.Errorf("statement %s is at %d and at %d", e.Statement.ID, j, i)
		}
		ids[e.Statement.ID] = uint64(i)
	}
	for i, leaf := range acked {
		if i >= h.Size || ledger.LeafHash(es[i]) != leaf {
			t.Errorf("acknowledged index %d does not hold its leaf", i)
		}
	}
	before := dump(t, st, l.ID())
	if err := l.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	if after := dump(t, st, l.ID()); fmt.Sprint(before) != fmt.Sprint(after) {
		t.Errorf("the state written as the log grew differs from its rebuild:\nwritten %v\nrebuilt %v", before, after)
	}
}

// TestReplicas appends to one log through two Logs on two stores of one
// database, as two surety serve processes sharing it would, with the same
// statements sent to both: every statement lands once, each sender gets
// its index, and the state is what the log makes it.
func TestReplicas(t *testing.T) {
	both(t, func(t *testing.T, b testenv.Backend) {
		f, _, la, lc, _, _ := sharedLogs(t, b)
		logs := []*ledger.Log{la, lc}
		ctx := context.Background()
		const workers, each = 16, 40
		envs := make([][]byte, workers*each)
		for i := range envs {
			envs[i] = f.tick(t, fmt.Sprint("r-", i))
		}
		var (
			mu     sync.Mutex
			acked  = map[uint64][32]byte{}
			index  = map[int]uint64{}
			fresh  = map[int]int{}
			shared int
		)
		vkey, err := note.NewVerifier(f.op.VKey())
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for k := range each {
					// Each statement goes to one log, and again, a little
					// later, to the other.
					for _, send := range [][2]int{{w*each + k, w % 2}, {w*each + (k+each-1)%each, (w + 1) % 2}} {
						res, err := logs[send[1]].Append(ctx, envs[send[0]])
						if err != nil {
							t.Error(err)
							return
						}
						// Its receipt, signed once for its whole batch,
						// promises this entry.
						rc, err := res.Receipt(f.op.Note(), f.spec.Origin(), f.spec.ID)
						if err != nil {
							t.Error(err)
							return
						}
						if r, err := ledger.OpenReceipt(rc, vkey); err != nil || r.Index != res.Index || r.LeafHash != res.LeafHash || !r.Time.Equal(res.Time) {
							t.Errorf("the receipt of entry %d opened as %+v, %v", res.Index, r, err)
						}
						mu.Lock()
						if res.Batch != nil && len(res.Batch.Leaves) > 1 {
							shared++
						}
						if i, ok := index[send[0]]; ok && i != res.Index {
							t.Errorf("statement %d answered at %d and at %d", send[0], i, res.Index)
						}
						index[send[0]], acked[res.Index] = res.Index, res.LeafHash
						if !res.Existing {
							fresh[send[0]]++
						}
						mu.Unlock()
					}
				}
			})
		}
		wg.Wait()
		t.Logf("%d of %d statements were answered with a receipt shared with others of their batch", shared, len(envs))
		for i := range envs {
			if fresh[i] != 1 {
				t.Errorf("statement %d was answered as new %d times", i, fresh[i])
			}
		}
		// The same id with other content is a conflict, through either log.
		for _, l := range logs {
			f.now = f.now.Add(time.Second)
			if _, err := l.Append(ctx, f.tick(t, "r-0")); !errors.Is(err, state.ErrConflict) {
				t.Errorf("an id in use with other content: %v; want a conflict", err)
			}
		}
		h, _ := logs[1].Head(ctx)
		if h.Size != uint64(len(envs))+1 {
			t.Errorf("the log has %d entries; want %d", h.Size, len(envs)+1)
		}
		checkLog(t, logs[0], f.st, acked)
	})
}

// gate is a store whose Updates wait, once armed, until the test opens
// it: as a process waits for the lock on a log another process holds.
type gate struct {
	store.Store
	armed      atomic.Bool
	held, open chan struct{}
	refused    atomic.Int32 // Updates that appended an id the log held
}

// arm makes the gate hold the next Update until open is closed.
func (g *gate) arm() {
	g.held, g.open = make(chan struct{}), make(chan struct{})
	g.armed.Store(true)
}

// sharedLogs opens two logs of the 1993 agreement on two stores of one
// database, as two surety serve processes would, the first through a gate,
// and adopts the agreement through the first, whose envelope and result it
// returns.
func sharedLogs(t *testing.T, b testenv.Backend) (f *fixture, g *gate, la, lc *ledger.Log, adopt []byte, adopted ledger.Result) {
	t.Helper()
	a, c := twoStores(t, b.Name)
	g = &gate{Store: a}
	f = &fixture{st: a, now: time.Date(1993, 8, 1, 0, 0, 0, 0, time.UTC)}
	doc, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	if f.spec, err = agreement.Parse(example, doc); err != nil {
		t.Fatal(err)
	}
	f.op = key(t, f.spec.Origin())
	la, lc = openOn(t, g, f), openOn(t, c, f)
	body, _ := json.Marshal(statement.AdoptBody{Document: string(doc)})
	adopt = f.sign(t, f.op, "operator", statement.TypeAdopt, "adopt", string(body))
	if adopted, err = la.Append(context.Background(), adopt); err != nil {
		t.Fatal(err)
	}
	return f, g, la, lc, adopt, adopted
}

func (g *gate) Update(ctx context.Context, log string, fn func(store.Tx) error) error {
	if g.armed.CompareAndSwap(true, false) {
		close(g.held)
		<-g.open
	}
	err := g.Store.Update(ctx, log, fn)
	if errors.Is(err, store.ErrIDTaken) {
		g.refused.Add(1)
	}
	return err
}

// TestGather has another process append while a log waits for its turn
// with a batch of one: the statements that reach the log meanwhile are
// committed in the same turn, under one batch note, rather than each turn
// carrying what was taken before the wait.
func TestGather(t *testing.T) {
	both(t, func(t *testing.T, b testenv.Backend) {
		f, g, la, lc, _, _ := sharedLogs(t, b)
		ctx := context.Background()
		g.arm()
		const n = 5
		res := make([]ledger.Result, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		wg.Go(func() { res[0], errs[0] = la.Append(ctx, f.tick(t, "g-0")) })
		<-g.held
		// Another process appends while this one waits for its turn.
		if _, err := lc.Append(ctx, f.tick(t, "other")); err != nil {
			t.Fatal(err)
		}
		for i := 1; i < n; i++ {
			wg.Go(func() { res[i], errs[i] = la.Append(ctx, f.tick(t, fmt.Sprint("g-", i))) })
		}
		for deadline := time.Now().Add(10 * time.Second); ledger.Waiting(la) < n-1; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%d statements wait in the open batch; want %d", ledger.Waiting(la), n-1)
			}
		}
		close(g.open)
		wg.Wait()
		for i := range n {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			bt := res[i].Batch
			if bt == nil {
				t.Fatalf("statement %d has no batch", i)
			}
			if len(bt.Leaves) != n || bt.First != res[0].Batch.First {
				t.Errorf("statement %d was committed in a batch of %d from %d; want all %d in the batch of the first", i, len(bt.Leaves), bt.First, n)
			}
		}
		h, _ := la.Head(ctx)
		if h.Size != n+2 {
			t.Errorf("the log has %d entries; want %d", h.Size, n+2)
		}
	})
}

// TestGatherSentAgain gathers, while a log waits for its turn, statements
// the log holds already, which are not looked up with the lock: sent again,
// each is answered as the entry it is, whether applied as new it is
// rejected (the agreement adopted again: looked up then) or accepted (a
// tick: the store's key refuses it at the commit, and the batch is
// committed again, looking every statement up); the same id with other
// bytes is a conflict; new statements land once each.
func TestGatherSentAgain(t *testing.T) {
	both(t, func(t *testing.T, b testenv.Backend) {
		f, g, la, lc, adopt, adopted := sharedLogs(t, b)
		ctx := context.Background()
		old := f.tick(t, "old")
		first, err := lc.Append(ctx, old)
		if err != nil {
			t.Fatal(err)
		}
		// round holds la's next commit at the gate while the other log
		// appends and sends reach la, then lets it commit.
		round := func(n int, sends ...[]byte) ([]ledger.Result, []error) {
			t.Helper()
			f.now = f.now.Add(time.Hour)
			g.arm()
			var wg sync.WaitGroup
			var e0 error
			wg.Go(func() { _, e0 = la.Append(ctx, f.tick(t, fmt.Sprint("trigger-", n))) })
			<-g.held
			if _, err := lc.Append(ctx, f.tick(t, fmt.Sprint("other-", n))); err != nil {
				t.Fatal(err)
			}
			res := make([]ledger.Result, len(sends))
			errs := make([]error, len(sends))
			for i, env := range sends {
				wg.Go(func() { res[i], errs[i] = la.Append(ctx, env) })
			}
			for deadline := time.Now().Add(10 * time.Second); ledger.Waiting(la) < len(sends); time.Sleep(time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("round %d: %d statements wait in the open batch; want %d", n, ledger.Waiting(la), len(sends))
				}
			}
			close(g.open)
			wg.Wait()
			if e0 != nil {
				t.Fatalf("round %d: %v", n, e0)
			}
			return res, errs
		}
		existing := func(what string, got ledger.Result, err error, want ledger.Result) {
			t.Helper()
			if err != nil || !got.Existing || got.Index != want.Index || got.LeafHash != want.LeafHash {
				t.Errorf("%s sent again: %+v, %v; want the entry at %d, existing", what, got, err, want.Index)
			}
		}
		fresh := func(what string, got ledger.Result, err error) {
			t.Helper()
			if err != nil || got.Existing {
				t.Errorf("%s: %+v, %v; want it appended", what, got, err)
			}
		}
		res, errs := round(1, adopt, f.tick(t, "new-1"))
		existing("the agreement, rejected as new,", res[0], errs[0], adopted)
		fresh("new-1", res[1], errs[1])
		if n := g.refused.Load(); n != 0 {
			t.Errorf("%d commits were refused; want none, since the statement sent again was rejected as new", n)
		}
		res, errs = round(2, old, f.tick(t, "new-2"))
		existing("a tick, accepted as new,", res[0], errs[0], first)
		fresh("new-2", res[1], errs[1])
		if n := g.refused.Load(); n != 1 {
			t.Errorf("%d commits were refused; want the one the tick sent again made", n)
		}
		// After a refusal the log looks up what it gathers: the same id
		// with other bytes is found before the commit.
		res, errs = round(3, f.tick(t, "old"), f.tick(t, "new-3"))
		if !errors.Is(errs[0], state.ErrConflict) {
			t.Errorf("an id in use with other bytes: %v; want a conflict", errs[0])
		}
		fresh("new-3", res[1], errs[1])
		if n := g.refused.Load(); n != 1 {
			t.Errorf("%d commits were refused; want still one, the log being wary", n)
		}
		// The agreement, old, and three rounds of a trigger, another
		// process's tick and a new tick.
		h, _ := la.Head(ctx)
		if h.Size != 2+3*3 {
			t.Errorf("the log has %d entries; want %d", h.Size, 2+3*3)
		}
		checkLog(t, la, f.st, nil)
	})
}

// failing is a store whose next Update fails after its writes, as a
// commit refused by the database would: it says when the Update has
// written, and refuses it when the test releases it.
type failing struct {
	store.Store
	fail             atomic.Bool
	written, release chan struct{}
}

var errRefused = errors.New("the commit is refused")

func (s *failing) Update(ctx context.Context, log string, fn func(store.Tx) error) error {
	if !s.fail.CompareAndSwap(true, false) {
		return s.Store.Update(ctx, log, fn)
	}
	return s.Store.Update(ctx, log, func(tx store.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		close(s.written)
		<-s.release
		return errRefused
	})
}

// TestCommitFails refuses a commit while more statements come: the
// statements of the refused batch get the error and leave no trace, those
// applied on top of it land on the real head, and sent again the refused
// ones land.
func TestCommitFails(t *testing.T) {
	both(t, func(t *testing.T, b testenv.Backend) {
		f := open(t, b)
		f.log.Close()
		fs := &failing{Store: f.st, written: make(chan struct{}), release: make(chan struct{})}
		l := openOn(t, fs, f)
		ctx := context.Background()
		var mu sync.Mutex
		acked := map[uint64][32]byte{}
		var refused []string
		var wg sync.WaitGroup
		send := func(id string) {
			wg.Go(func() {
				res, err := l.Append(ctx, f.tick(t, id))
				mu.Lock()
				defer mu.Unlock()
				switch {
				case errors.Is(err, errRefused):
					refused = append(refused, id)
				case err != nil:
					t.Error(err)
				default:
					acked[res.Index] = res.LeafHash
				}
			})
		}
		fs.fail.Store(true)
		for i := range 100 {
			send(fmt.Sprint("f-", i))
		}
		<-fs.written
		// These are applied on top of the batch being refused.
		for i := 100; i < 300; i++ {
			send(fmt.Sprint("f-", i))
		}
		time.Sleep(50 * time.Millisecond)
		close(fs.release)
		wg.Wait()
		if len(refused) == 0 || len(acked) < 200 {
			t.Fatalf("%d statements were refused and %d acknowledged; want some refused and the 200 sent during the refused commit acknowledged", len(refused), len(acked))
		}
		err := f.st.View(ctx, func(tx store.ReadTx) error {
			for _, id := range refused {
				if _, err := tx.Statement(f.spec.ID, id); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("refused statement %s left a trace: %v", id, err)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range refused {
			res, err := l.Append(ctx, f.tick(t, id))
			if err != nil || res.Existing {
				t.Errorf("sending %s again: %+v, %v", id, res, err)
			}
			acked[res.Index] = res.LeafHash
		}
		h, _ := l.Head(ctx)
		if h.Size != 301 {
			t.Errorf("the log has %d entries; want 301", h.Size)
		}
		checkLog(t, l, f.st, acked)
	})
}

// BenchmarkAppend measures the append pipeline without HTTP: 64 goroutines
// append pre-signed clock ticks, each waiting for its durable commit.
// Signatures are verified, the statements applied and committed, as
// behind POST /v1/statements.
func BenchmarkAppend(b *testing.B) {
	for _, be := range testenv.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			doc, err := os.ReadFile(example)
			if err != nil {
				b.Fatal(err)
			}
			spec, err := agreement.Parse(example, doc)
			if err != nil {
				b.Fatal(err)
			}
			op := key(b, spec.Origin())
			st := be.Open(b)
			l, err := ledger.Open(context.Background(), ledger.Options{Store: st, Log: spec.ID})
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			sign := func(typ, id, body string) []byte {
				env, err := statement.Sign(op, statement.Payload{Type: typ, Agreement: spec.ID, ID: id, Author: "operator", Time: time.Now(), Body: json.RawMessage(body)})
				if err != nil {
					b.Fatal(err)
				}
				return env
			}
			adopt, _ := json.Marshal(statement.AdoptBody{Document: string(doc)})
			ctx := context.Background()
			if _, err := l.Append(ctx, sign(statement.TypeAdopt, "adopt", string(adopt))); err != nil {
				b.Fatal(err)
			}
			// The first tick closes the periods since 1993.
			if _, err := l.Append(ctx, sign(statement.TypeClockTick, "first", "{}")); err != nil {
				b.Fatal(err)
			}
			envs := make([][]byte, b.N)
			var wg sync.WaitGroup
			for w := range runtime.GOMAXPROCS(0) {
				wg.Go(func() {
					for i := w; i < b.N; i += runtime.GOMAXPROCS(0) {
						envs[i] = sign(statement.TypeClockTick, fmt.Sprintf("tick-%d-%d", b.N, i), "{}")
					}
				})
			}
			wg.Wait()
			var next atomic.Int64
			b.SetParallelism(64 / runtime.GOMAXPROCS(0))
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := l.Append(ctx, envs[next.Add(1)-1]); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "statements/s")
		})
	}
}

// TestEveryAppendAdded sends statements in waves of a few at once, so that
// a wave's last statement often reaches the inbox while the committer
// holds the batches' lock and no other Append comes after it to add it:
// each must still be added, committed and answered.
func TestEveryAppendAdded(t *testing.T) {
	f := open(t, testenv.Backend{Name: "sqlite", Open: testenv.SQLite})
	for w := range 300 {
		envs := make([][]byte, 4)
		for i := range envs {
			envs[i] = f.tick(t, fmt.Sprintf("w%d-%d", w, i))
		}
		answered := make(chan error, len(envs))
		for _, env := range envs {
			go func() {
				_, err := f.log.Append(context.Background(), env)
				answered <- err
			}()
		}
		for range envs {
			select {
			case err := <-answered:
				if err != nil {
					t.Fatalf("wave %d: %v", w, err)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("wave %d: an Append has not returned after 10 s: its statement was never added to a batch", w)
			}
		}
	}
}

// TestSentAgainAhead sends statements the log holds already to a log alone
// on its store, whose batches are applied ahead and not looked up before
// their commit: a tick applied as new makes its commit fail on the
// statements table's key, and the batch is committed again, looking every
// statement up; the agreement adopted again, rejected as new, is looked up
// at once. Each is answered as the entry it is, the new statements beside
// them land once, and for a while after the failed commit the log looks
// every statement up, so that sending old statements again costs at most
// one failed commit in many.
func TestSentAgainAhead(t *testing.T) {
	both(t, func(t *testing.T, b testenv.Backend) {
		g := &gate{}
		f := open(t, testenv.Backend{Name: b.Name, Open: func(t testing.TB) store.Store { g.Store = b.Open(t); return g }})
		ctx := context.Background()
		doc, err := os.ReadFile(example)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := json.Marshal(statement.AdoptBody{Document: string(doc)})
		adopt := f.sign(t, f.op, "operator", statement.TypeAdopt, "adopt", string(body))
		f.now = f.now.Add(time.Minute)
		old1, old2 := f.tick(t, "old-1"), f.tick(t, "old-2")
		r1, err := f.log.Append(ctx, old1)
		if err != nil {
			t.Fatal(err)
		}
		r2, err := f.log.Append(ctx, old2)
		if err != nil {
			t.Fatal(err)
		}
		burst := func(envs ...[]byte) ([]ledger.Result, []error) {
			res, errs := make([]ledger.Result, len(envs)), make([]error, len(envs))
			var wg sync.WaitGroup
			for i, env := range envs {
				wg.Go(func() { res[i], errs[i] = f.log.Append(ctx, env) })
			}
			wg.Wait()
			return res, errs
		}
		existing := func(what string, got ledger.Result, err error, index uint64) {
			t.Helper()
			if err != nil || !got.Existing || got.Index != index {
				t.Errorf("%s sent again: %+v, %v; want the entry at %d, existing", what, got, err, index)
			}
		}
		res, errs := burst(adopt, old1, f.tick(t, "new-1"), f.tick(t, "new-2"))
		existing("the agreement", res[0], errs[0], 0)
		existing("a tick", res[1], errs[1], r1.Index)
		for i := 2; i < 4; i++ {
			if errs[i] != nil || res[i].Existing {
				t.Errorf("new tick %d: %+v, %v; want it appended", i-1, res[i], errs[i])
			}
		}
		if n := g.refused.Load(); n != 1 {
			t.Errorf("%d commits were refused; want the one the tick sent again made", n)
		}
		res, errs = burst(old2, f.tick(t, "new-3"))
		existing("another tick", res[0], errs[0], r2.Index)
		if errs[1] != nil || res[1].Existing {
			t.Errorf("new-3: %+v, %v; want it appended", res[1], errs[1])
		}
		if n := g.refused.Load(); n != 1 {
			t.Errorf("%d commits were refused; want still one, the log being wary", n)
		}
		if h, _ := f.log.Head(ctx); h.Size != 6 {
			t.Errorf("the log has %d entries; want the agreement, two old ticks and three new", h.Size)
		}
		checkLog(t, f.log, f.st, nil)
	})
}
