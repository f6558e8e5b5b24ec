// Package ledger is an agreement's Merkle log over a store: it checks and
// sequences statements with group commit, applies them to the projected
// state in the same transaction, keeps the tree as C2SP tlog-tiles, signs
// checkpoints, pushes them to witnesses and answers proofs.
//
// Hashing, compact ranges and proofs come from transparency-dev/merkle; the
// ledger only stores and finds the hashes they need.
package ledger

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/statement"
	"github.com/surety/surety/internal/store"
)

// MaxEntry is the tlog-tiles limit on an entry's size.
const MaxEntry = 65535

// Options configure a Log.
type Options struct {
	// Store holds the log.
	Store store.Store
	// Log is the agreement id, which names the log in the store.
	Log string
	// Now is the operator's clock; the log's entry times come from it.
	// Nil means time.Now.
	Now func() time.Time
	// MaxBatch bounds the statements one transaction sequences; zero
	// means 1024.
	MaxBatch int
	// Logger receives the log's events; nil means slog.Default().
	Logger *slog.Logger
	// CommitTimeout bounds the commit of one batch; zero means 30 s. A
	// batch whose commit takes longer fails: its statements get
	// ErrUnavailable, and the log goes on with the next batch.
	CommitTimeout time.Duration
	// Rebuild makes Open recompute the projected state from the entries
	// (see Log.Rebuild) rather than refuse a state that does not match
	// its digest.
	Rebuild bool
}

// Result is where an appended statement landed.
type Result struct {
	Index    uint64   `json:"index"`
	LeafHash [32]byte `json:"-"`
	// Time is the entry's log time.
	Time time.Time `json:"-"`
	// Existing is set when identical bytes were appended before: the result
	// is the original entry's.
	Existing bool `json:"-"`
	// Batch is the batch the entry was committed in, when this append
	// committed it; its note signs the receipt.
	Batch *Batch `json:"-"`
}

// Receipt returns the receipt of the result's entry, signed by s for the
// log origin: its batch's, or, for an entry appended before, a batch of
// that entry alone.
func (r Result) Receipt(s note.Signer, origin, agreement string) ([]byte, error) {
	b := r.Batch
	if b == nil {
		b = &Batch{First: r.Index, Leaves: [][32]byte{r.LeafHash}, Time: r.Time}
	}
	return b.Receipt(s, origin, agreement, r.Index)
}

// Log is one agreement's log.
type Log struct {
	opts  Options
	proj  *state.Projector
	tiles *tileCache
	cores chan struct{}  // a token per core, held by checks
	sigs  chan *sigCheck // to the verifiers (see sigs.go)
	crowd int64          // so many Appends under way batch their signatures

	// Appends apply their statements into the open batch; the committer
	// takes it when it is free (see pipeline.go).
	inbox      sync.Mutex // guards in
	in         []*pending // statements checked, for the Append adding to add
	adding     sync.Mutex // held by the Append adding what the inbox holds
	seq        sync.Mutex // guards open and committing
	taken      sync.Cond  // signalled when the committer takes the open batch
	open       *batch     // the batch statements are applied into
	committing *batch     // the batch the committer took, until it is settled
	wake       chan struct{}
	inflight   atomic.Int64 // Appends under way
	peak       atomic.Int64 // the most Appends under way lately: the clients the log serves
	busy       int64        // so many Appends outside a batch keep the cores busy (see take)
	wary       int          // commits left that look up what they gather; the committer's own

	damaged atomic.Pointer[error] // why the log stopped, once Verify found the store damaged
	// stateChecked is when Verify last checked the state's digest, which
	// took stateCheck; Publisher.Publish calls Verify one at a time.
	stateChecked time.Time
	stateCheck   time.Duration

	mu     sync.Mutex // guards what follows; taken after seq, never before
	head   tip        // the committed head, as far as this process knows
	direct bool       // another process appends: apply batches in the transaction
	keys   map[string]*state.Principal

	closing sync.RWMutex // held by Appends adding to a batch, and by Close to stop them
	closed  bool
	quit    chan struct{}
	done    chan struct{}
}

// pending is a statement on its way into the log and, once done is
// closed, its answer.
type pending struct {
	st *statement.Statement
	// checked are the checks state.Prepare made before sequencing.
	checked state.Checked
	res     Result
	err     error
	done    chan struct{}
}

// Open opens the log in the store and starts its committer. Close stops
// it.
func Open(ctx context.Context, opts Options) (*Log, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 1024
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.CommitTimeout <= 0 {
		opts.CommitTimeout = 30 * time.Second
	}
	l := &Log{
		opts:  opts,
		proj:  state.NewProjector(),
		tiles: newTileCache(4096),
		cores: make(chan struct{}, runtime.GOMAXPROCS(0)),
		sigs:  make(chan *sigCheck),
		crowd: crowdPerCore * int64(runtime.GOMAXPROCS(0)),
		busy:  4 * int64(runtime.GOMAXPROCS(0)),
		wake:  make(chan struct{}, 1),
		keys:  map[string]*state.Principal{},
		quit:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	l.taken.L = &l.seq
	// Check the tree and the state before anything is appended on them.
	var unrecorded bool
	err := opts.Store.View(ctx, func(tx store.ReadTx) error {
		h, err := tx.Head(opts.Log)
		if err != nil {
			return err
		}
		read := func(level uint8, index uint64) ([]byte, error) { return tx.Tile(opts.Log, level, index) }
		if opts.Rebuild {
			h.State = nil // the state is recomputed below
		}
		l.head, err = verify(tx, opts.Log, read, h, true)
		unrecorded = h.Size > 0 && h.State == nil
		return err
	})
	switch {
	case err == nil && opts.Rebuild:
		err = l.Rebuild(ctx)
	case err == nil && unrecorded:
		err = l.record(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("ledger: open %s: %w", opts.Log, err)
	}
	l.verifiers()
	go l.committer()
	return l, nil
}

// record stores the state digest of a head written before the ledger kept
// one, as Open computed it from the rows.
func (l *Log) record(ctx context.Context) error {
	return l.opts.Store.Update(ctx, l.opts.Log, func(tx store.Tx) error {
		h, err := tx.Head(l.opts.Log)
		if err != nil {
			return err
		}
		if !l.head.is(h) || h.State != nil {
			return errors.New("the log changed while it was opened; open it again")
		}
		h.State = l.head.state[:]
		l.opts.Logger.Info("ledger: recorded the state digest", "log", l.opts.Log, "size", h.Size)
		return tx.SetHead(l.opts.Log, h)
	})
}

// Close commits the statements already added to a batch and stops the
// committer; later Appends get ErrClosed. Closing again does nothing.
func (l *Log) Close() {
	l.closing.Lock()
	if !l.closed {
		l.closed = true
		close(l.quit)
	}
	l.closing.Unlock()
	<-l.done
}

// Now returns the log's clock: the time an entry appended now would get.
func (l *Log) Now() time.Time { return l.opts.Now().UTC() }

// ID returns the log's name, the agreement id.
func (l *Log) ID() string { return l.opts.Log }

// Store returns the log's store.
func (l *Log) Store() store.Store { return l.opts.Store }

// Projector returns the log's projector.
func (l *Log) Projector() *state.Projector { return l.proj }

// ErrClosed is returned by Append after Close.
var ErrClosed = errors.New("ledger: log closed")

// ErrUnavailable is wrapped by the error of a statement whose batch the
// store did not commit within Options.CommitTimeout. The statement may be
// sent again: if the commit went through after all, the log answers with
// the entry it is.
var ErrUnavailable = errors.New("ledger: the store did not commit in time")

// Append checks, sequences and applies one statement, and returns once it
// is durably committed. A rejected statement leaves no trace; the error
// wraps a statement or state rejection. Appending identical bytes again
// returns the original result with Existing set.
func (l *Log) Append(ctx context.Context, envelope []byte) (Result, error) {
	in := l.inflight.Add(1)
	defer l.inflight.Add(-1)
	for peak := l.peak.Load(); in > peak && !l.peak.CompareAndSwap(peak, in); peak = l.peak.Load() {
	}
	if err := l.damage(); err != nil {
		return Result{}, err
	}
	st, checked, err := l.check(ctx, envelope)
	if err != nil {
		return Result{}, err
	}
	p := &pending{st: st, checked: checked, done: make(chan struct{})}
	l.closing.RLock()
	if l.closed {
		l.closing.RUnlock()
		return Result{}, ErrClosed
	}
	l.add(p)
	l.closing.RUnlock()
	// Once added, the statement is committed or refused; wait for the
	// answer even if the caller gives up, so the answer is never lost.
	<-p.done
	return p.res, p.err
}

// check parses and verifies a statement, and makes the checks
// state.Prepare makes before sequencing. At most one check runs per core
// at a time: the others wait off the run queue, so that the sequencer and
// the committer, one goroutine each, are not starved of the cores by as
// many verifying goroutines as there are clients. A check waiting for its
// signature's batch (see sigs.go) holds no core.
func (l *Log) check(ctx context.Context, envelope []byte) (*statement.Statement, state.Checked, error) {
	st, pub, err := l.read(ctx, envelope)
	if err != nil {
		return nil, nil, err
	}
	if err := l.verifySig(ctx, st, pub); err != nil {
		return nil, nil, err
	}
	if !state.Prepares(st.Type) {
		return st, nil, nil
	}
	if err := l.core(ctx); err != nil {
		return nil, nil, err
	}
	defer func() { <-l.cores }()
	var checked state.Checked
	err = l.opts.Store.View(ctx, func(tx store.ReadTx) error {
		checked = l.proj.Prepare(readKV{tx, l.opts.Log}, st)
		return nil
	})
	return st, checked, err
}

// core waits for a core's token; the caller gives it back.
func (l *Log) core(ctx context.Context) error {
	select {
	case l.cores <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// read parses a statement for this log and finds its author's key.
func (l *Log) read(ctx context.Context, envelope []byte) (*statement.Statement, ed25519.PublicKey, error) {
	if err := l.core(ctx); err != nil {
		return nil, nil, err
	}
	defer func() { <-l.cores }()
	st, err := statement.Parse(envelope)
	if err != nil {
		return nil, nil, err
	}
	if st.Agreement != l.opts.Log {
		return nil, nil, fmt.Errorf("%w: statement is for agreement %q, this log is %q", state.ErrInvalid, st.Agreement, l.opts.Log)
	}
	pub, err := l.key(ctx, st)
	return st, pub, err
}

// key returns the key the statement's author signs with, from the cache
// of keys or, failing that, the store. The sequencer checks again, as it
// applies the statement, that the key is still current.
func (l *Log) key(ctx context.Context, st *statement.Statement) (ed25519.PublicKey, error) {
	if st.Type == statement.TypeAdopt {
		return state.Lookup(nil, st)
	}
	l.mu.Lock()
	pr := l.keys[st.Author]
	l.mu.Unlock()
	if pr == nil || pr.Public(st.KeyID) == nil {
		err := l.opts.Store.View(ctx, func(tx store.ReadTx) error {
			var err error
			pr, err = state.LoadPrincipal(readKV{tx, l.opts.Log}, st.Author)
			return err
		})
		if err != nil {
			return nil, err
		}
		l.mu.Lock()
		l.keys[st.Author] = pr
		l.mu.Unlock()
	}
	pub := pr.Public(st.KeyID)
	if pub == nil {
		return nil, fmt.Errorf("%w: %s has no current key %s", state.ErrForbidden, st.Author, st.KeyID)
	}
	return pub, nil
}

// isRejection reports whether err refuses one statement, rather than
// failing the whole transaction.
func isRejection(err error) bool {
	for _, r := range []error{state.ErrForbidden, state.ErrConflict, state.ErrInvalid, state.ErrUnknownType,
		statement.ErrMalformed, statement.ErrTooLarge, statement.ErrSignature} {
		if errors.Is(err, r) {
			return true
		}
	}
	return false
}

// Replay appends entries copied from another copy of the log, at the next
// indexes, as they are: with their own times. Each statement's signature
// is verified against the keys in force at its index, and each must apply:
// a refusal means the other copy holds what this log would not have
// accepted, and Replay returns it with the index.
func (l *Log) Replay(ctx context.Context, entries [][]byte) error {
	var next tip
	err := l.opts.Store.Update(ctx, l.opts.Log, func(tx store.Tx) error {
		h, err := tx.Head(l.opts.Log)
		if err != nil {
			return err
		}
		t, err := loadTree(h.Size, func(level uint8, index uint64) ([]byte, error) { return tx.Tile(l.opts.Log, level, index) })
		if err != nil {
			return err
		}
		at := tip{tree: t, time: h.Time}
		copy(at.state[:], h.State)
		b := l.newBatch(at, nil, false)
		kv := newOverlay(tx, l.opts.Log, nil)
		last := h.Time
		for i, data := range entries {
			e, leaf, err := l.replay(kv, h.Size+uint64(i), data, last)
			if err != nil {
				return err
			}
			last = e.Time
			b.append(e.Statement, data, leaf)
		}
		if err := b.seal(kv, last); err != nil {
			return err
		}
		next = b.next
		return l.write(tx, b)
	})
	if err != nil {
		return err
	}
	l.seq.Lock()
	l.mu.Lock()
	l.head = next
	clear(l.keys)
	l.mu.Unlock()
	l.unapply()
	l.seq.Unlock()
	return nil
}

// replay checks an entry read from a copy of the log, or from the store,
// as Append would have checked its statement: well formed, for this log,
// not before the entry before it (at last), signed with a key its author
// held at index; and applies it on kv.
func (l *Log) replay(kv *overlay, index uint64, data []byte, last time.Time) (*Entry, [32]byte, error) {
	e, err := ParseEntry(data)
	if err != nil {
		return nil, [32]byte{}, fmt.Errorf("entry %d: %w", index, err)
	}
	if e.Time.Before(last) {
		return nil, [32]byte{}, fmt.Errorf("entry %d: time %s goes back before %s", index, e.Time.Format(time.RFC3339Nano), last.Format(time.RFC3339Nano))
	}
	st := e.Statement
	if st.Agreement != l.opts.Log {
		return nil, [32]byte{}, fmt.Errorf("entry %d: statement for agreement %q in the log of %q", index, st.Agreement, l.opts.Log)
	}
	pub, err := state.Lookup(kv, st)
	if err == nil {
		err = st.Verify(pub)
	}
	if err != nil {
		return nil, [32]byte{}, fmt.Errorf("entry %d (%s %s by %s): %w", index, st.Type, st.ID, st.Author, err)
	}
	leaf := LeafHash(data)
	if err := l.proj.Apply(kv, state.Entry{Index: index, Time: e.Time, LeafHash: leaf, Statement: st}); err != nil {
		kv.reject()
		return nil, [32]byte{}, fmt.Errorf("entry %d (%s %s by %s) does not apply: %w", index, st.Type, st.ID, st.Author, err)
	}
	kv.accept()
	return e, leaf, nil
}

// Rebuild drops the projected state and applies every entry again,
// verifying each statement's signature against the keys in force at its
// index, and records the new state's digest.
func (l *Log) Rebuild(ctx context.Context) error {
	const chunk = 4096
	var state digest
	err := l.opts.Store.Update(ctx, l.opts.Log, func(tx store.Tx) error {
		h, err := tx.Head(l.opts.Log)
		if err != nil {
			return err
		}
		if err := tx.DropState(l.opts.Log); err != nil {
			return err
		}
		l.proj.Reset()
		var last time.Time
		for from := uint64(0); from < h.Size; from += chunk {
			to := min(from+chunk, h.Size)
			es, err := tx.Entries(l.opts.Log, from, to)
			if err != nil {
				return err
			}
			kv := newOverlay(tx, l.opts.Log, nil)
			for i, data := range es {
				e, _, err := l.replay(kv, from+uint64(i), data, last)
				if err != nil {
					return err
				}
				last = e.Time
			}
			if err := kv.done.flush(tx, l.opts.Log); err != nil {
				return err
			}
		}
		d, err := stateDigest(tx, l.opts.Log)
		if err != nil {
			return err
		}
		h.State, state = d[:], d
		return tx.SetHead(l.opts.Log, h)
	})
	if err == nil {
		l.mu.Lock()
		l.head.state = state
		l.mu.Unlock()
	}
	l.seq.Lock()
	l.unapply()
	l.seq.Unlock()
	return err
}

// entryBytes is a log entry: the operator's time and the statement.
func entryBytes(t time.Time, envelope []byte) []byte {
	b := make([]byte, 0, len(envelope)+64)
	b = append(b, `{"time":"`...)
	b = t.UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","statement":`...)
	b = append(b, envelope...)
	return append(b, '}')
}

// entryTime reads an entry's log time.
func entryTime(b []byte) (time.Time, error) {
	var e struct {
		Time time.Time `json:"time"`
	}
	err := json.Unmarshal(b, &e)
	return e.Time, err
}

// Head returns the log's current head.
func (l *Log) Head(ctx context.Context) (store.Head, error) {
	var h store.Head
	err := l.opts.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		h, err = tx.Head(l.opts.Log)
		return err
	})
	if h.Size == 0 {
		h.Root = EmptyRoot[:]
	}
	return h, err
}

// readKV is the state of a read-only transaction, for lookups outside the
// sequencer.
type readKV struct {
	tx  store.ReadTx
	log string
}

func (r readKV) Get(kind, key string) ([]byte, error) { return r.tx.Get(r.log, kind, key) }
func (r readKV) Blob(sum [32]byte) ([]byte, error)    { return r.tx.Blob(sum) }
func (r readKV) Put(string, string, []byte) error     { return errors.New("ledger: read-only state") }
func (r readKV) Delete(string, string) error          { return errors.New("ledger: read-only state") }
func (r readKV) Scan(kind, from, to string, limit int, fn func(string, []byte) error) error {
	return r.tx.Scan(r.log, kind, from, to, limit, fn)
}

// Entry is a parsed log entry.
type Entry struct {
	Time      time.Time
	Envelope  json.RawMessage
	Statement *statement.Statement
}

// ParseEntry parses a log entry and the statement it carries.
func ParseEntry(b []byte) (*Entry, error) {
	var e struct {
		Time      time.Time       `json:"time"`
		Statement json.RawMessage `json:"statement"`
	}
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, fmt.Errorf("ledger: entry: %w", err)
	}
	st, err := statement.Parse(e.Statement)
	if err != nil {
		return nil, fmt.Errorf("ledger: entry: %w", err)
	}
	if !bytes.Equal(st.Envelope, e.Statement) || !bytes.Equal(entryBytes(e.Time, st.Envelope), b) {
		return nil, errors.New("ledger: entry is not in canonical form")
	}
	return &Entry{Time: e.Time, Envelope: e.Statement, Statement: st}, nil
}
