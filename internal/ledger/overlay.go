package ledger

import (
	"sort"

	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/store"
)

// overlay buffers the writes of a batch of statements over a transaction.
// Each statement's writes are kept apart until it is accepted, so that a
// rejected statement leaves no trace; Flush writes the accepted ones.
type overlay struct {
	log  string
	tx   store.Tx
	done writes // accepted writes of the batch
	cur  writes // writes of the statement being applied
}

// writes are buffered values by kind and key; a nil value is a deletion.
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

var _ state.KV = (*overlay)(nil)

// newOverlay returns an overlay over the transaction's state of log.
func newOverlay(tx store.Tx, log string) *overlay {
	return &overlay{log: log, tx: tx, done: writes{}, cur: writes{}}
}

// Get reads through the statement's writes, then the batch's, then the
// transaction.
func (o *overlay) Get(kind, key string) ([]byte, error) {
	for _, w := range []writes{o.cur, o.done} {
		if v, ok := w.get(kind, key); ok {
			if v == nil {
				return nil, store.ErrNotFound
			}
			return v, nil
		}
	}
	return o.tx.Get(o.log, kind, key)
}

// Blob reads a blob in the transaction.
func (o *overlay) Blob(sum [32]byte) ([]byte, error) { return o.tx.Blob(sum) }

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

// Scan merges the buffered writes into the transaction's rows.
func (o *overlay) Scan(kind, from, to string, limit int, fn func(key string, value []byte) error) error {
	in := func(k string) bool { return k >= from && (to == "" || k < to) }
	pending := map[string][]byte{}
	for _, w := range []writes{o.done, o.cur} {
		for k, v := range w[kind] {
			if in(k) {
				pending[k] = v
			}
		}
	}
	// With writes buffered in the range, read the transaction's rows
	// without a limit, since they may delete some.
	txLimit := limit
	if len(pending) > 0 {
		txLimit = 0
	}
	merged := map[string][]byte{}
	var order []string
	err := o.tx.Scan(o.log, kind, from, to, txLimit, func(k string, v []byte) error {
		merged[k] = v
		order = append(order, k)
		return nil
	})
	if err != nil {
		return err
	}
	for k, v := range pending {
		if _, ok := merged[k]; !ok {
			order = append(order, k)
		}
		merged[k] = v
	}
	if len(pending) > 0 {
		sort.Strings(order)
	}
	n := 0
	for _, k := range order {
		v := merged[k]
		if v == nil {
			continue
		}
		if limit > 0 && n == limit {
			break
		}
		n++
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return nil
}

// Accept keeps the current statement's writes.
func (o *overlay) Accept() {
	for kind, m := range o.cur {
		for k, v := range m {
			o.done.set(kind, k, v)
		}
	}
	clear(o.cur)
}

// Reject drops the current statement's writes.
func (o *overlay) Reject() { clear(o.cur) }

// Flush writes the accepted writes to the transaction, in kind and key
// order so that the writes are the same on every run.
func (o *overlay) Flush() error {
	o.Reject()
	kinds := make([]string, 0, len(o.done))
	for kind := range o.done {
		kinds = append(kinds, kind)
	}
	sort.Strings(kinds)
	for _, kind := range kinds {
		m := o.done[kind]
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			var err error
			if v := m[k]; v == nil {
				err = o.tx.Delete(o.log, kind, k)
			} else {
				err = o.tx.Put(o.log, kind, k, v)
			}
			if err != nil {
				return err
			}
		}
	}
	clear(o.done)
	return nil
}
