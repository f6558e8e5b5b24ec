package ledger

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/statement"
	"github.com/surety/surety/internal/store"
)

// The append pipeline overlaps three stages:
//
//  1. Append parses a statement and checks its signature in the caller's
//     goroutine, on every core; while the log is crowded it hands the
//     signature to a verifier instead, to be checked in a batch with those
//     of the statements that arrived with it (see sigs.go).
//  2. Append then leaves the statement in the inbox, and one Append at a
//     time applies all the inbox holds to the projected state, in the open
//     batch, under the batch's lock: over the writes of the batch being
//     committed and the store's state, on the head that batch leads to.
//     The batch grows while the committer is busy.
//  3. The committer takes the open batch when it is free, writes it in one
//     transaction, commits it durably, and only then answers its
//     statements.
//
// So batch n+1 is applied while the committer waits for batch n's commit.
// What Append applies is a forecast: the committer checks, under the
// store's lock on the log, that the head is the one the batch was applied
// on and that none of its statements was in the store already. When not
// (another process appended, a statement was sent again, or the batch
// under it failed), it applies the batch again inside the transaction,
// where nothing can move, and the open batch is applied again on the new
// head. State is a function of the log, so a batch applied on the same
// head makes the same writes. While another process appends to the same
// log, Appends only gather statements and the committer applies each
// batch in its transaction, with the statements that arrived while it
// waited for the store's lock.
//
// A batch's statements are answered together after its commit, with one
// Batch whose note, signed once, is the receipt of all of them.

// tip is a head of the log in memory: its tree's right edge, the log
// time of its last entry and the digest of the state it leads to.
type tip struct {
	tree  *tree
	time  time.Time
	state digest
}

// is reports whether the store's head h is this one.
func (t tip) is(h store.Head) bool {
	if h.Size != t.tree.size {
		return false
	}
	return h.Size == 0 || bytes.Equal(h.Root, t.tree.root())
}

// same reports whether u is the same head as t.
func (t tip) same(u tip) bool {
	return t.tree == u.tree || t.tree.size == u.tree.size && bytes.Equal(t.tree.root(), u.tree.root())
}

// batch is a group of statements on its way through the pipeline.
type batch struct {
	reqs []*pending
	// applied says the statements were applied on base as they were
	// added; otherwise the committer applies them in its transaction.
	applied bool
	kv      *overlay // the state they were applied on, while the batch is open
	below   *batch   // the batch being committed when this one opened

	// What applying it made: each statement's outcome, in the order of
	// reqs, and what the accepted ones write. A batch applied again is a
	// new batch, since the one it replaces may still be read.
	out        []outcome
	base, next tip
	now        time.Time // the log time of its entries
	entries    []store.Entry
	leaves     [][32]byte
	tiles      []tile
	state      writes         // the accepted statements' state writes
	ids        map[string]int // the accepted statements' ids, to their place in reqs
	keys       bool           // whether it adds or revokes keys
}

// outcome is what became of one statement of a batch: its result, its
// rejection, or the place in the batch of the same statement sent twice.
type outcome struct {
	res   Result
	err   error
	dupOf int
}

// newBatch returns an empty batch to apply on at, over the writes of
// below, if any.
func (l *Log) newBatch(at tip, below *batch, applied bool) *batch {
	now := l.opts.Now().UTC()
	if now.Before(at.time) {
		now = at.time
	}
	b := &batch{applied: applied, below: below, base: at, next: at, now: now, ids: map[string]int{}}
	if applied {
		var layers []writes
		if below != nil {
			layers = []writes{below.state}
		}
		b.kv = newOverlay(l.opts.Store.Latest(), l.opts.Log, layers)
	}
	return b
}

// append adds an accepted entry to the batch.
func (b *batch) append(st *statement.Statement, data []byte, leaf [32]byte) {
	b.entries = append(b.entries, store.Entry{Data: data, ID: st.ID, Author: st.Author, Type: st.Type, Sum: st.Sum})
	b.leaves = append(b.leaves, leaf)
	switch st.Type {
	case statement.TypeAdopt, statement.TypeKeyAdd, statement.TypeKeyRevoke:
		b.keys = true
	}
}

// seal takes the accepted writes of kv and computes the tree, tiles,
// state digest and head the entries lead to, at log time last.
func (b *batch) seal(kv *overlay, last time.Time) error {
	kv.reject()
	b.state, b.kv = kv.done, nil
	if len(b.entries) == 0 {
		b.next = b.base
		return nil
	}
	d := b.base.state
	for kind, m := range kv.done {
		for key, v := range m {
			old, err := kv.before(kind, key)
			if err != nil {
				return err
			}
			if old != nil {
				d.sub(rowSum(kind, key, old))
			}
			if v != nil {
				d.add(rowSum(kind, key, v))
			}
		}
	}
	t := b.base.tree.clone()
	tiles, err := t.append(b.leaves)
	if err != nil {
		return err
	}
	b.tiles, b.next = tiles, tip{t, last, d}
	return nil
}

// write stores a sealed batch in the transaction: state, entries, tiles
// and head.
func (l *Log) write(tx store.Tx, b *batch) error {
	if len(b.entries) == 0 {
		return nil
	}
	if err := tx.Append(l.opts.Log, b.base.tree.size, b.entries); err != nil {
		return err
	}
	if err := b.state.flush(tx, l.opts.Log); err != nil {
		return err
	}
	for _, t := range b.tiles {
		if err := tx.PutTile(l.opts.Log, t.level, t.index, t.data); err != nil {
			return err
		}
	}
	return tx.SetHead(l.opts.Log, store.Head{Size: b.next.tree.size, Root: b.next.tree.root(), Time: b.next.time, State: b.next.state[:]})
}

// lookup finds the statements of reqs the store already holds, by id.
func (l *Log) lookup(r reader, reqs []*pending) (map[string]store.Ref, error) {
	ids := make([]string, len(reqs))
	for i, p := range reqs {
		ids[i] = p.st.ID
	}
	refs, err := r.Statements(l.opts.Log, ids)
	if err != nil {
		return nil, err
	}
	stored := make(map[string]store.Ref, len(refs))
	for _, r := range refs {
		stored[r.ID] = r
	}
	return stored, nil
}

// apply appends reqs to the batch and applies them on kv, over the writes
// of b.below. stored holds the statements of the batch already in the
// store, or is nil when the committer looks for them. apply records each
// statement's result or rejection, and returns an error that fails the
// batch.
func (l *Log) apply(b *batch, kv *overlay, reqs []*pending, stored map[string]store.Ref) error {
	first := len(b.reqs)
	b.reqs = append(b.reqs, reqs...)
	for k, p := range reqs {
		i := first + k
		st := p.st
		b.out = append(b.out, outcome{dupOf: -1})
		o := &b.out[i]
		if j, ok := b.ids[st.ID]; ok {
			if b.reqs[j].st.Sum == st.Sum {
				o.dupOf = j
			} else {
				o.err = fmt.Errorf("%w: statement id %q is already taken by another statement; choose a new id", state.ErrConflict, st.ID)
			}
			continue
		}
		if prev, res, ok := b.below.accepted(st.ID); ok {
			if prev.Sum == st.Sum {
				o.res = res
				o.res.Existing = true
			} else {
				o.err = fmt.Errorf("%w: statement id %q is already in the log at index %d with other content; choose a new id", state.ErrConflict, st.ID, res.Index)
			}
			continue
		}
		if ref, ok := stored[st.ID]; ok {
			if ref.Sum != st.Sum {
				o.err = fmt.Errorf("%w: statement id %q is already in the log at index %d with other content; choose a new id", state.ErrConflict, st.ID, ref.Index)
				continue
			}
			data, err := kv.base.Entries(l.opts.Log, ref.Index, ref.Index+1)
			if err != nil {
				return err
			}
			t, err := entryTime(data[0])
			if err != nil {
				return fmt.Errorf("ledger: entry %d: %w", ref.Index, err)
			}
			o.res = Result{Index: ref.Index, LeafHash: LeafHash(data[0]), Time: t, Existing: true}
			continue
		}
		data := entryBytes(b.now, st.Envelope)
		if len(data) > MaxEntry {
			o.err = fmt.Errorf("%w: the log entry would be %d bytes; the limit is %d; put large content in a blob", statement.ErrTooLarge, len(data), MaxEntry)
			continue
		}
		index := b.base.tree.size + uint64(len(b.entries))
		leaf := LeafHash(data)
		if err := l.proj.Apply(kv, state.Entry{Index: index, Time: b.now, LeafHash: leaf, Statement: st, Checked: p.checked}); err != nil {
			kv.reject()
			if !isRejection(err) {
				return err
			}
			o.err = err
			continue
		}
		kv.accept()
		b.ids[st.ID] = i
		b.append(st, data, leaf)
		o.res = Result{Index: index, LeafHash: leaf, Time: b.now}
	}
	return nil
}

// accepted finds an accepted statement of the batch by id, with its
// result; b may be nil.
func (b *batch) accepted(id string) (*statement.Statement, Result, bool) {
	if b == nil {
		return nil, Result{}, false
	}
	j, ok := b.ids[id]
	if !ok {
		return nil, Result{}, false
	}
	return b.reqs[j].st, b.out[j].res, true
}

// add adds a statement to the open batch. It leaves it in the inbox, and
// one Append at a time, the one holding adding, adds all the inbox holds:
// under seq, adding is one statement at a time anyway, and an Append that
// waited for seq for each statement would have to be woken and given a
// core to take it, one after another, while the cores have other work.
// Adding is taken with TryLock and held only by add; seq, which the
// committer holds too, could not be: a statement left in the inbox while
// the committer held it would wait for the next Append.
func (l *Log) add(p *pending) {
	l.inbox.Lock()
	l.in = append(l.in, p)
	l.inbox.Unlock()
	// Whoever adds looks at the inbox again after it stops, so a
	// statement left there meanwhile is never stranded.
	for l.adding.TryLock() {
		l.seq.Lock()
		for {
			l.inbox.Lock()
			ps := l.in
			l.in = nil
			l.inbox.Unlock()
			if len(ps) == 0 {
				break
			}
			for _, p := range ps {
				n := l.addOne(p)
				if n == 1 || n == enough || l.peak.Load()-int64(n) == l.busy-1 {
					select {
					case l.wake <- struct{}{}:
					default:
					}
				}
			}
		}
		l.seq.Unlock()
		l.adding.Unlock()
		l.inbox.Lock()
		empty := len(l.in) == 0
		l.inbox.Unlock()
		if empty {
			return
		}
	}
}

// addOne adds a statement to the open batch and, when the batch is
// applied as it grows, applies it; it returns the batch's size. A full
// batch waits for the committer to take it. The caller holds seq.
func (l *Log) addOne(p *pending) int {
	for l.open != nil && len(l.open.reqs) >= l.opts.MaxBatch {
		l.taken.Wait()
	}
	b := l.open
	if b == nil {
		l.mu.Lock()
		head, direct := l.head, l.direct
		l.mu.Unlock()
		switch c := l.committing; {
		case direct:
			b = l.newBatch(head, nil, false)
		case c == nil:
			b = l.newBatch(head, nil, true)
		case c.applied:
			b = l.newBatch(c.next, c, true)
		default:
			// The head the batch being committed leads to is unknown
			// until it is settled, which applies this one.
			b = l.newBatch(head, nil, false)
		}
		l.open = b
	}
	if !b.applied {
		b.reqs = append(b.reqs, p)
		return len(b.reqs)
	}
	if err := l.apply(b, b.kv, []*pending{p}, nil); err != nil {
		l.opts.Logger.Debug("ledger: applying ahead failed; the commit will apply the batch", "log", l.opts.Log, "err", err)
		b.applied, b.kv = false, nil
	}
	return len(b.reqs)
}

// rebase applies the open batch again on the committed head, when it was
// applied on another head or not at all. The committer calls it, holding
// seq, once the batch under it is settled.
func (l *Log) rebase() {
	o := l.open
	if o == nil {
		return
	}
	l.mu.Lock()
	head, direct := l.head, l.direct
	l.mu.Unlock()
	if direct {
		o.applied, o.kv = false, nil
		return
	}
	if o.applied && o.base.same(head) {
		return
	}
	b := l.newBatch(head, nil, true)
	if err := l.apply(b, b.kv, o.reqs, nil); err != nil {
		l.opts.Logger.Debug("ledger: applying ahead failed; the commit will apply the batch", "log", l.opts.Log, "err", err)
		b = &batch{reqs: o.reqs}
	}
	l.open = b
}

// unapply leaves the open batch to the committer to apply, after the log
// changed under it; the caller holds seq.
func (l *Log) unapply() {
	if l.open != nil {
		l.open = &batch{reqs: l.open.reqs}
	}
}

// Group commit: a commit costs nearly the same for one statement as for
// many (the pages written, a sync), so while the cores have other work the
// committer lets the open batch grow: it starts a commit at most every
// period, or once the batch has enough statements. The cores have other
// work while the clients the log has served lately (the most Appends
// under way at once) less those waiting in the open batch are at least
// Log.busy; with fewer, as with a few clients that each wait for their
// answer, waiting would leave the cores idle, and the committer commits
// at once.
const (
	period = 2 * time.Millisecond
	enough = 256
)

// take takes the open batch for the committer and seals it. With last,
// the start of the previous commit, it may instead let the batch grow: it
// then returns nil and how long to wait.
func (l *Log) take(last *time.Time) (*batch, time.Duration) {
	l.seq.Lock()
	defer l.seq.Unlock()
	b := l.open
	if b == nil {
		return nil, 0
	}
	if last != nil {
		now := time.Now()
		if wait := last.Add(period).Sub(now); wait > 0 && len(b.reqs) < enough && l.peak.Load()-int64(len(b.reqs)) >= l.busy {
			return nil, wait
		}
		*last = now
		// Forget a peak of long ago, a sixteenth a commit.
		peak := l.peak.Load()
		l.peak.CompareAndSwap(peak, max(l.inflight.Load(), peak-(peak+15)/16))
	}
	l.open, l.committing = nil, b
	l.taken.Broadcast()
	if b.applied {
		if err := b.seal(b.kv, b.now); err != nil {
			l.opts.Logger.Debug("ledger: applying ahead failed; the commit will apply the batch", "log", l.opts.Log, "err", err)
			b.applied = false
		}
	}
	return b, 0
}

// committer commits the open batch whenever there is one, and answers
// its statements.
func (l *Log) committer() {
	defer close(l.done)
	var last time.Time
	timer := time.NewTimer(period)
	timer.Stop()
	for {
		b, wait := l.take(&last)
		if b != nil {
			l.settle(l.commit(b))
			continue
		}
		var expired <-chan time.Time
		if wait > 0 {
			timer.Reset(wait)
			expired = timer.C
		}
		select {
		case <-l.wake:
		case <-expired:
		case <-l.quit:
			if b, _ = l.take(nil); b == nil {
				return
			}
			l.settle(l.commit(b))
		}
		timer.Stop()
	}
}

// commit commits one batch, applying it again in the transaction when the
// head is not the one it was applied on, or when the store holds one of
// its statements already and the batch did not answer it so. It returns
// the batch as committed, with the error that failed it.
func (l *Log) commit(b *batch) (*batch, error) {
	l.mu.Lock()
	known := l.head
	l.mu.Unlock()
	// A batch that appends nothing has nothing to write if its answers
	// stand.
	if b.applied && len(b.entries) == 0 && b.base.same(known) {
		stored, err := l.lookup(l.opts.Store.Latest(), b.reqs)
		if err == nil && b.answers(stored) {
			return b, nil
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), l.opts.CommitTimeout)
	defer cancel()
	mode := trusted
	if l.wary > 0 {
		mode, l.wary = lookedUp, l.wary-1
	}
	done, err := l.update(ctx, b, known, mode)
	if errors.Is(err, store.ErrIDTaken) && mode == trusted {
		// A statement taken as new was in the log already: commit again,
		// looking every statement up, with nothing the projector cached
		// from the batch that failed; and look every statement up for a
		// while, so that whoever sends statements of the log again makes
		// at most one commit in waryTurns fail.
		l.wary = waryTurns
		l.proj.Reset()
		done, err = l.update(ctx, &batch{reqs: done.reqs}, known, none)
	}
	if err != nil && ctx.Err() != nil {
		err = fmt.Errorf("%w within %s: %w", ErrUnavailable, l.opts.CommitTimeout, err)
	}
	if err != nil {
		l.opts.Logger.Error("ledger: commit failed", "log", l.opts.Log, "statements", len(b.reqs), "err", err)
	}
	return done, err
}

// gathering is how a batch applied in its transaction takes the
// statements that arrived while it waited for the lock (see update).
type gathering int

const (
	none     gathering = iota // it takes none
	lookedUp                  // it looks them up under the lock
	trusted                   // it takes them as new until the store says otherwise
)

// waryTurns is how many commits look the statements they gather up after
// the store refused one as in the log already.
const waryTurns = 64

// update commits b in one store transaction, on the head known before it.
// It returns the batch as committed, which is b when the head and the
// answers b was applied on stand, and otherwise a batch applied in the
// transaction, where nothing can move; unless mode is none, that batch
// takes with it what arrived while the lock was awaited, so that a log two
// processes append to commits about as many statements a turn as one
// process would.
//
// Trusted, the statements that were applied as new, in a batch applied
// ahead or gathered, are not looked up, which would cost a query, and on
// some stores a round trip, under the lock: one that the log holds already
// makes the commit fail with store.ErrIDTaken, as the statements table's
// key refuses it, and the caller commits again, looking every statement
// up; one the apply rejects is looked up, for a statement sent again must
// be answered as the entry it is.
func (l *Log) update(ctx context.Context, b *batch, known tip, mode gathering) (*batch, error) {
	done := b
	err := l.opts.Store.Update(ctx, l.opts.Log, func(tx store.Tx) error {
		// The lookup first: a store may send it with the lock. Trusted, a
		// batch applied ahead looks up only the statements it rejected.
		ask := b.reqs
		if mode == trusted && b.applied {
			ask = b.rejected()
		}
		stored, err := l.lookup(tx, ask)
		if err != nil {
			return err
		}
		looked := make(map[string]bool, len(ask)) // the statements looked up
		for _, p := range ask {
			looked[p.st.ID] = true
		}
		h, err := tx.Head(l.opts.Log)
		if err != nil {
			return err
		}
		l.mu.Lock()
		l.direct = !known.is(h) // another process appended
		l.mu.Unlock()
		if b.applied && b.base.is(h) && b.answers(stored) {
			return l.write(tx, b)
		}
		reqs := b.reqs
		if mode != none {
			if more := l.gather(len(reqs)); len(more) > 0 {
				reqs = append(slices.Clip(reqs), more...)
				done = &batch{reqs: reqs}
				if mode == lookedUp {
					also, err := l.lookup(tx, more)
					if err != nil {
						return err
					}
					maps.Copy(stored, also)
					for _, p := range more {
						looked[p.st.ID] = true
					}
				}
			}
		}
		at := known
		if !known.is(h) {
			if at, err = l.catchUp(tx, known, h); err != nil {
				return err
			}
		}
		for {
			done = l.newBatch(at, nil, false)
			kv := newOverlay(tx, l.opts.Log, nil)
			if err := l.apply(done, kv, reqs, stored); err != nil {
				return err
			}
			var unsure []*pending
			for i := range reqs {
				if id := reqs[i].st.ID; done.out[i].err != nil && !looked[id] {
					looked[id] = true
					unsure = append(unsure, reqs[i])
				}
			}
			var also map[string]store.Ref
			if len(unsure) > 0 {
				if also, err = l.lookup(tx, unsure); err != nil {
					return err
				}
			}
			if len(also) == 0 {
				// No statement rejected is in the log: the rejections
				// stand.
				if err := done.seal(kv, done.now); err != nil {
					return err
				}
				return l.write(tx, done)
			}
			maps.Copy(stored, also)
		}
	})
	return done, err
}

// gather takes the open batch's statements for a batch of n being applied
// in its transaction, as many as MaxBatch allows, and leaves the rest open.
func (l *Log) gather(n int) []*pending {
	l.seq.Lock()
	defer l.seq.Unlock()
	o := l.open
	if o == nil {
		return nil
	}
	k := min(len(o.reqs), l.opts.MaxBatch-n)
	if k <= 0 {
		return nil
	}
	more := o.reqs[:k:k]
	if k == len(o.reqs) {
		l.open = nil
	} else {
		l.open = &batch{reqs: o.reqs[k:]}
	}
	l.taken.Broadcast()
	return more
}

// catchUp returns the store's head h, which another process reached from
// known, or not: it hashes the entries appended since known into known's
// tree, or, when there are many, reads the tree's edge from the tiles.
func (l *Log) catchUp(tx store.ReadTx, known tip, h store.Head) (tip, error) {
	if h.Size > known.tree.size && h.Size-known.tree.size <= 4*TileWidth {
		es, err := tx.Entries(l.opts.Log, known.tree.size, h.Size)
		if err != nil {
			return tip{}, err
		}
		t := known.tree.clone()
		leaves := make([][32]byte, len(es))
		for i, e := range es {
			leaves[i] = LeafHash(e)
		}
		if _, err := t.append(leaves); err != nil {
			return tip{}, err
		}
		at := tip{tree: t, time: h.Time}
		copy(at.state[:], h.State)
		if at.is(h) {
			return at, nil
		}
	}
	t, err := loadTree(h.Size, l.reader(tx))
	at := tip{tree: t, time: h.Time}
	copy(at.state[:], h.State)
	return at, err
}

// rejected returns the statements the batch rejected.
func (b *batch) rejected() []*pending {
	var out []*pending
	for i, p := range b.reqs {
		if b.out[i].err != nil {
			out = append(out, p)
		}
	}
	return out
}

// answers reports whether the batch answered every statement the store
// holds already as the entry it is.
func (b *batch) answers(stored map[string]store.Ref) bool {
	for i, p := range b.reqs {
		ref, ok := stored[p.st.ID]
		if !ok {
			continue
		}
		o := b.out[i]
		if o.dupOf >= 0 {
			o = b.out[o.dupOf]
		}
		if ref.Sum != p.st.Sum || o.err != nil || !o.res.Existing || o.res.Index != ref.Index {
			return false
		}
	}
	return true
}

// settle records a batch's outcome, the new head or the failure, answers
// its statements, and applies the open batch again if it stood on another
// head.
func (l *Log) settle(b *batch, err error) {
	l.mu.Lock()
	if err != nil {
		l.proj.Reset() // it may have cached what was not committed
	} else {
		l.head = b.next
		if b.keys {
			clear(l.keys)
		}
	}
	l.mu.Unlock()
	l.seq.Lock()
	l.committing = nil
	l.rebase()
	l.seq.Unlock()
	var signed *Batch
	if err == nil && len(b.leaves) > 0 {
		signed = &Batch{First: b.base.tree.size, Leaves: b.leaves, Time: b.now}
	}
	for i, p := range b.reqs {
		if err != nil {
			p.err = fmt.Errorf("ledger: commit: %w", err)
			close(p.done)
			continue
		}
		switch o := b.out[i]; {
		case o.dupOf >= 0:
			p.res, p.err = b.out[o.dupOf].res, b.out[o.dupOf].err
			p.res.Existing = true
		default:
			p.res, p.err = o.res, o.err
		}
		if p.err == nil && !p.res.Existing {
			p.res.Batch = signed
		}
		close(p.done)
	}
}
