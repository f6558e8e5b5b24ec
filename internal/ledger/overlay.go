package ledger

import (
	"errors"
	"slices"
	"strings"

	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/store"
)

// writes are buffered state values by kind and key; a nil value is a
// deletion.
type writes map[string]map[string][]byte

func (w writes) get(kind, key string) ([]byte, bool) {
	v, ok := w[kind][key]
	return v, ok
}

func (w writes) set(kind, key string, v []byte) {
	m := w[kind]
	if m == nil {
		m = map[string][]byte{}
		w[kind] = m
	}
	m[key] = v
}

// flush writes w to the transaction in kind and key order, so that the
// writes are the same on every run.
func (w writes) flush(tx store.Tx, log string) error {
	for _, kind := range slices.Sorted(mapKeys(w)) {
		m := w[kind]
		for _, k := range slices.Sorted(mapKeys(m)) {
			var err error
			if v := m[k]; v == nil {
				err = tx.Delete(log, kind, k)
			} else {
				err = tx.Put(log, kind, k, v)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

func mapKeys[V any](m map[string]V) func(yield func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// reader is what an overlay reads from the store: a transaction, or the
// store's latest commits (store.Store.Latest).
type reader interface {
	Get(log, kind, key string) ([]byte, error)
	Scan(log, kind, from, to string, limit int, fn func(key string, value []byte) error) error
	Blob(sum [32]byte) ([]byte, error)
	Entries(log string, from, to uint64) ([][]byte, error)
	Statements(log string, ids []string) ([]store.Ref, error)
}

var _ reader = store.ReadTx(nil)

// overlay is the projected state as the apply steps of one batch see it:
// the writes of the statement being applied, over those the batch has
// accepted, over those of earlier batches not yet committed (newest
// first), over the store. Each statement's writes are kept apart until it
// is accepted, so that a rejected statement leaves no trace.
//
// The store is read through base once per row or range and batch: what a
// batch reads of the store either stays as it was (a transaction the
// batch is written in) or changes only by the writes of the batches below,
// which the overlay reads first, or of another process, which the
// committer finds out.
type overlay struct {
	log   string
	base  reader
	below []writes
	done  writes
	cur   writes
	gets  map[[2]string][]byte // base rows read; nil for a missing row
	scans map[scanKey][]row    // base ranges read
}

type scanKey struct {
	kind, from, to string
	limit          int
}

type row struct {
	key   string
	value []byte
}

var _ state.KV = (*overlay)(nil)

func newOverlay(base reader, log string, below []writes) *overlay {
	return &overlay{log: log, base: base, below: below, done: writes{}, cur: writes{},
		gets: map[[2]string][]byte{}, scans: map[scanKey][]row{}}
}

// fresh returns the overlay without the batch's writes, keeping what it
// read of the store.
func (o *overlay) fresh() *overlay {
	return &overlay{log: o.log, base: o.base, below: o.below, done: writes{}, cur: writes{}, gets: o.gets, scans: o.scans}
}

// Get reads through the statement's writes, the batch's, the earlier
// batches' and then the store.
func (o *overlay) Get(kind, key string) ([]byte, error) {
	v, ok := o.buffered(kind, key)
	if !ok {
		k := [2]string{kind, key}
		if v, ok = o.gets[k]; !ok {
			var err error
			v, err = o.base.Get(o.log, kind, key)
			if errors.Is(err, store.ErrNotFound) {
				v, err = nil, nil
			} else if err == nil && v == nil {
				v = []byte{} // a row with an empty value
			}
			if err != nil {
				return nil, err
			}
			o.gets[k] = v
		}
	}
	if v == nil {
		return nil, store.ErrNotFound
	}
	return v, nil
}

// before returns the value of (kind, key) before the batch: the newest
// write of the batches below, or the store's; nil for a missing row.
func (o *overlay) before(kind, key string) ([]byte, error) {
	for _, w := range o.below {
		if v, ok := w.get(kind, key); ok {
			return v, nil
		}
	}
	k := [2]string{kind, key}
	if v, ok := o.gets[k]; ok {
		return v, nil
	}
	v, err := o.base.Get(o.log, kind, key)
	if errors.Is(err, store.ErrNotFound) {
		v, err = nil, nil
	} else if err == nil && v == nil {
		v = []byte{}
	}
	if err != nil {
		return nil, err
	}
	o.gets[k] = v
	return v, nil
}

// buffered returns the newest buffered write of (kind, key), if any.
func (o *overlay) buffered(kind, key string) ([]byte, bool) {
	if v, ok := o.cur.get(kind, key); ok {
		return v, true
	}
	if v, ok := o.done.get(kind, key); ok {
		return v, true
	}
	for _, w := range o.below {
		if v, ok := w.get(kind, key); ok {
			return v, true
		}
	}
	return nil, false
}

// layers are the buffered writes, newest first.
func (o *overlay) layers() []writes {
	return append([]writes{o.cur, o.done}, o.below...)
}

// Blob reads a blob from the store.
func (o *overlay) Blob(sum [32]byte) ([]byte, error) { return o.base.Blob(sum) }

// Put buffers a write.
func (o *overlay) Put(kind, key string, value []byte) error {
	if value == nil {
		value = []byte{}
	}
	o.cur.set(kind, key, value)
	return nil
}

// Delete buffers a deletion.
func (o *overlay) Delete(kind, key string) error {
	o.cur.set(kind, key, nil)
	return nil
}

// Scan merges the buffered writes into the store's rows.
func (o *overlay) Scan(kind, from, to string, limit int, fn func(key string, value []byte) error) error {
	in := func(k string) bool { return k >= from && (to == "" || k < to) }
	pending := map[string][]byte{}
	layers := o.layers()
	for i := len(layers) - 1; i >= 0; i-- { // oldest first, so that newer writes win
		for k, v := range layers[i][kind] {
			if in(k) {
				pending[k] = v
			}
		}
	}
	// With writes buffered in the range, read the store's rows without a
	// limit, since they may delete some.
	sk := scanKey{kind, from, to, limit}
	if len(pending) > 0 {
		sk.limit = 0
	}
	rows, ok := o.scans[sk]
	if !ok {
		err := o.base.Scan(o.log, kind, from, to, sk.limit, func(k string, v []byte) error {
			rows = append(rows, row{k, v})
			return nil
		})
		if err != nil {
			return err
		}
		o.scans[sk] = rows
	}
	if len(pending) > 0 {
		merged := make([]row, 0, len(rows)+len(pending))
		for _, r := range rows {
			if _, ok := pending[r.key]; !ok {
				merged = append(merged, r)
			}
		}
		for k, v := range pending {
			merged = append(merged, row{k, v})
		}
		slices.SortFunc(merged, func(a, b row) int { return strings.Compare(a.key, b.key) })
		rows = merged
	}
	n := 0
	for _, r := range rows {
		if r.value == nil {
			continue
		}
		if limit > 0 && n == limit {
			break
		}
		n++
		if err := fn(r.key, r.value); err != nil {
			return err
		}
	}
	return nil
}

// accept keeps the current statement's writes.
func (o *overlay) accept() {
	for kind, m := range o.cur {
		for k, v := range m {
			o.done.set(kind, k, v)
		}
	}
	clear(o.cur)
}

// reject drops the current statement's writes.
func (o *overlay) reject() { clear(o.cur) }
