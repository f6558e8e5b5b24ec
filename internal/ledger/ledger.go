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
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

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
}

// Result is where an appended statement landed.
type Result struct {
	Index    uint64   `json:"index"`
	LeafHash [32]byte `json:"-"`
	// Existing is set when identical bytes were appended before: the result
	// is the original entry's.
	Existing bool `json:"-"`
}

// Log is one agreement's log.
type Log struct {
	opts  Options
	proj  *state.Projector
	reqs  chan *pending
	tiles *tileCache

	mu   sync.Mutex // guards tree and keys
	tree *tree
	keys map[string]*state.Principal // authors' keys, for verification outside the transaction

	quit  chan struct{}
	done  chan struct{}
	close sync.Once
}

type pending struct {
	st      *statement.Statement
	checked state.Checked
	res     Result
	err     error
	dupOf   int
	done    chan struct{}
}

// Open opens the log in the store and starts its sequencer. Close stops it.
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
	l := &Log{
		opts:  opts,
		proj:  state.NewProjector(),
		reqs:  make(chan *pending, 4*opts.MaxBatch),
		tiles: newTileCache(4096),
		keys:  map[string]*state.Principal{},
		quit:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	err := opts.Store.View(ctx, func(tx store.ReadTx) error {
		h, err := tx.Head(opts.Log)
		if err != nil {
			return err
		}
		l.tree, err = loadTree(h.Size, func(level uint8, index uint64) ([]byte, error) { return tx.Tile(opts.Log, level, index) })
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("ledger: open %s: %w", opts.Log, err)
	}
	go l.run()
	return l, nil
}

// Close stops the sequencer after the batch in flight. Closing again does
// nothing.
func (l *Log) Close() {
	l.close.Do(func() { close(l.quit) })
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

// Append checks, sequences and applies one statement, and returns once it
// is durably committed. A rejected statement leaves no trace; the error
// wraps a statement or state rejection. Appending identical bytes again
// returns the original result with Existing set.
func (l *Log) Append(ctx context.Context, envelope []byte) (Result, error) {
	st, err := statement.Parse(envelope)
	if err != nil {
		return Result{}, err
	}
	if st.Agreement != l.opts.Log {
		return Result{}, fmt.Errorf("%w: statement is for agreement %q, this log is %q", state.ErrInvalid, st.Agreement, l.opts.Log)
	}
	if err := l.verify(ctx, st); err != nil {
		return Result{}, err
	}
	var checked state.Checked
	if state.Prepares(st.Type) {
		err := l.opts.Store.View(ctx, func(tx store.ReadTx) error {
			checked = l.proj.Prepare(readKV{tx, l.opts.Log}, st)
			return nil
		})
		if err != nil {
			return Result{}, err
		}
	}
	p := &pending{st: st, checked: checked, dupOf: -1, done: make(chan struct{})}
	select {
	case l.reqs <- p:
	case <-l.quit:
		return Result{}, ErrClosed
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
	// Once queued, the statement is sequenced or refused; wait for the
	// answer even if the caller gives up, so the answer is never lost.
	<-p.done
	return p.res, p.err
}

// verify checks the statement's signature against its author's key, from
// the cache of keys or, failing that, the store. The sequencer checks again,
// inside the transaction, that the key is still current.
func (l *Log) verify(ctx context.Context, st *statement.Statement) error {
	if st.Type == statement.TypeAdopt {
		pub, err := state.Lookup(nil, st)
		if err != nil {
			return err
		}
		return st.Verify(pub)
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
			return err
		}
		l.mu.Lock()
		l.keys[st.Author] = pr
		l.mu.Unlock()
	}
	pub := pr.Public(st.KeyID)
	if pub == nil {
		return fmt.Errorf("%w: %s has no current key %s", state.ErrForbidden, st.Author, st.KeyID)
	}
	return st.Verify(pub)
}

func (l *Log) run() {
	defer close(l.done)
	for {
		var first *pending
		select {
		case first = <-l.reqs:
		case <-l.quit:
			return
		}
		batch := []*pending{first}
	fill:
		for len(batch) < l.opts.MaxBatch {
			select {
			case p := <-l.reqs:
				batch = append(batch, p)
			default:
				break fill
			}
		}
		l.commit(batch)
		for _, p := range batch {
			close(p.done)
		}
	}
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

// commit sequences a batch in one transaction.
func (l *Log) commit(batch []*pending) {
	ctx := context.Background()
	var next *tree
	var keysChanged bool
	err := l.opts.Store.Update(ctx, l.opts.Log, func(tx store.Tx) error {
		keysChanged = false
		for _, p := range batch {
			p.res, p.err, p.dupOf = Result{}, nil, -1
		}
		h, t, err := l.edge(tx)
		if err != nil {
			return err
		}
		now := l.opts.Now().UTC()
		if now.Before(h.Time) {
			now = h.Time
		}
		kv := newOverlay(tx, l.opts.Log)
		var entries []store.Entry
		var leaves [][32]byte
		ids := map[string]int{}
		for i, p := range batch {
			st := p.st
			if j, ok := ids[st.ID]; ok {
				if batch[j].st.Sum == st.Sum {
					p.dupOf = j
				} else {
					p.err = fmt.Errorf("%w: statement id %q is already taken by another statement; choose a new id", state.ErrConflict, st.ID)
				}
				continue
			}
			ref, err := tx.Statement(l.opts.Log, st.ID)
			switch {
			case err == nil && ref.Sum == st.Sum:
				data, err := tx.Entries(l.opts.Log, ref.Index, ref.Index+1)
				if err != nil {
					return err
				}
				p.res = Result{Index: ref.Index, LeafHash: LeafHash(data[0]), Existing: true}
				continue
			case err == nil:
				p.err = fmt.Errorf("%w: statement id %q is already in the log at index %d with other content; choose a new id", state.ErrConflict, st.ID, ref.Index)
				continue
			case !errors.Is(err, store.ErrNotFound):
				return err
			}
			data := entryBytes(now, st.Envelope)
			if len(data) > MaxEntry {
				p.err = fmt.Errorf("%w: the log entry would be %d bytes; the limit is %d; put large content in a blob", statement.ErrTooLarge, len(data), MaxEntry)
				continue
			}
			index := h.Size + uint64(len(entries))
			leaf := LeafHash(data)
			err = l.proj.Apply(kv, state.Entry{Index: index, Time: now, LeafHash: leaf, Statement: st, Checked: p.checked})
			if err != nil {
				kv.Reject()
				if !isRejection(err) {
					return err
				}
				p.err = err
				continue
			}
			kv.Accept()
			ids[st.ID] = i
			entries = append(entries, store.Entry{Data: data, ID: st.ID, Author: st.Author, Type: st.Type, Sum: st.Sum})
			leaves = append(leaves, leaf)
			p.res = Result{Index: index, LeafHash: leaf}
			if st.Type == statement.TypeAdopt || st.Type == statement.TypeKeyAdd || st.Type == statement.TypeKeyRevoke {
				keysChanged = true
			}
		}
		if len(entries) == 0 {
			next = nil
			return nil
		}
		next = t
		return l.seal(tx, kv, t, h.Size, entries, leaves, now)
	})
	if err != nil {
		l.opts.Logger.Error("ledger: commit failed", "log", l.opts.Log, "statements", len(batch), "err", err)
		l.proj.Reset() // it may have cached what was not committed
		for _, p := range batch {
			p.res, p.err = Result{}, fmt.Errorf("ledger: commit: %w", err)
		}
		return
	}
	for _, p := range batch {
		if p.dupOf >= 0 {
			p.res, p.err = batch[p.dupOf].res, batch[p.dupOf].err
			p.res.Existing = true
		}
	}
	l.mu.Lock()
	if next != nil {
		l.tree = next
	}
	if keysChanged {
		clear(l.keys)
	}
	l.mu.Unlock()
}

// seal writes a batch's accepted state, entries, tiles and head.
func (l *Log) seal(tx store.Tx, kv *overlay, t *tree, first uint64, entries []store.Entry, leaves [][32]byte, last time.Time) error {
	if err := kv.Flush(); err != nil {
		return err
	}
	if err := tx.Append(l.opts.Log, first, entries); err != nil {
		return err
	}
	changed, err := t.append(leaves)
	if err != nil {
		return err
	}
	for _, tl := range changed {
		if err := tx.PutTile(l.opts.Log, tl.level, tl.index, tl.data); err != nil {
			return err
		}
	}
	return tx.SetHead(l.opts.Log, store.Head{Size: t.size, Root: t.root(), Time: last})
}

// edge returns the transaction's head and a copy of the tree's right edge
// at it: from memory if current, else from the tiles, since another process
// may have appended.
func (l *Log) edge(tx store.Tx) (store.Head, *tree, error) {
	h, err := tx.Head(l.opts.Log)
	if err != nil {
		return h, nil, err
	}
	l.mu.Lock()
	t := l.tree
	l.mu.Unlock()
	if t.size == h.Size {
		return h, t.clone(), nil
	}
	t, err = loadTree(h.Size, func(level uint8, index uint64) ([]byte, error) { return tx.Tile(l.opts.Log, level, index) })
	return h, t, err
}

// Replay appends entries copied from another copy of the log, at the next
// indexes, as they are: with their own times. Each statement's signature
// is verified against the keys in force at its index, and each must apply:
// a refusal means the other copy holds what this log would not have
// accepted, and Replay returns it with the index.
func (l *Log) Replay(ctx context.Context, entries [][]byte) error {
	var next *tree
	err := l.opts.Store.Update(ctx, l.opts.Log, func(tx store.Tx) error {
		h, t, err := l.edge(tx)
		if err != nil {
			return err
		}
		kv := newOverlay(tx, l.opts.Log)
		rows := make([]store.Entry, 0, len(entries))
		leaves := make([][32]byte, 0, len(entries))
		last := h.Time
		for i, data := range entries {
			index := h.Size + uint64(i)
			e, err := ParseEntry(data)
			if err != nil {
				return fmt.Errorf("entry %d: %w", index, err)
			}
			if e.Time.Before(last) {
				return fmt.Errorf("entry %d: time %s goes back before %s", index, e.Time.Format(time.RFC3339Nano), last.Format(time.RFC3339Nano))
			}
			last = e.Time
			st := e.Statement
			if st.Agreement != l.opts.Log {
				return fmt.Errorf("entry %d: statement for agreement %q in the log of %q", index, st.Agreement, l.opts.Log)
			}
			pub, err := state.Lookup(kv, st)
			if err == nil {
				err = st.Verify(pub)
			}
			if err != nil {
				return fmt.Errorf("entry %d (%s %s by %s): %w", index, st.Type, st.ID, st.Author, err)
			}
			leaf := LeafHash(data)
			if err := l.proj.Apply(kv, state.Entry{Index: index, Time: e.Time, LeafHash: leaf, Statement: st}); err != nil {
				return fmt.Errorf("entry %d (%s %s by %s) does not apply: %w", index, st.Type, st.ID, st.Author, err)
			}
			kv.Accept()
			rows = append(rows, store.Entry{Data: data, ID: st.ID, Author: st.Author, Type: st.Type, Sum: st.Sum})
			leaves = append(leaves, leaf)
		}
		if len(rows) == 0 {
			return nil
		}
		next = t
		return l.seal(tx, kv, t, h.Size, rows, leaves, last)
	})
	if err != nil {
		return err
	}
	l.mu.Lock()
	if next != nil {
		l.tree = next
	}
	clear(l.keys)
	l.mu.Unlock()
	return nil
}

// Rebuild drops the projected state and applies every entry again.
func (l *Log) Rebuild(ctx context.Context) error {
	const chunk = 4096
	return l.opts.Store.Update(ctx, l.opts.Log, func(tx store.Tx) error {
		h, err := tx.Head(l.opts.Log)
		if err != nil {
			return err
		}
		if err := tx.DropState(l.opts.Log); err != nil {
			return err
		}
		l.proj.Reset()
		for from := uint64(0); from < h.Size; from += chunk {
			to := min(from+chunk, h.Size)
			es, err := tx.Entries(l.opts.Log, from, to)
			if err != nil {
				return err
			}
			kv := newOverlay(tx, l.opts.Log)
			for i, data := range es {
				e, err := ParseEntry(data)
				if err != nil {
					return fmt.Errorf("entry %d: %w", from+uint64(i), err)
				}
				err = l.proj.Apply(kv, state.Entry{Index: from + uint64(i), Time: e.Time, LeafHash: LeafHash(data), Statement: e.Statement})
				if err != nil {
					return fmt.Errorf("entry %d does not apply: %w", from+uint64(i), err)
				}
				kv.Accept()
			}
			if err := kv.Flush(); err != nil {
				return err
			}
		}
		return nil
	})
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
