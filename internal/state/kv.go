package state

import (
	"sort"
	"strings"

	"github.com/surety/surety/internal/store"
)

// KV is the projected state as apply functions see it: values by kind and
// key, scanned in byte order of key.
type KV interface {
	Get(kind, key string) ([]byte, error)
	Put(kind, key string, value []byte) error
	Delete(kind, key string) error
	Scan(kind, from, to string, limit int, fn func(key string, value []byte) error) error
}

// Overlay buffers the writes of a batch of statements over a transaction.
// Each statement's writes are kept apart until it is accepted, so that a
// rejected statement leaves no trace; Flush writes the accepted ones.
type Overlay struct {
	log  string
	tx   store.Tx
	done map[string]*cell // accepted writes of the batch
	cur  map[string]*cell // writes of the statement being applied
}

type cell struct {
	kind, key string
	value     []byte // nil means deleted
}

var _ KV = (*Overlay)(nil)

// NewOverlay returns an overlay over the transaction's state of log.
func NewOverlay(tx store.Tx, log string) *Overlay {
	return &Overlay{log: log, tx: tx, done: map[string]*cell{}, cur: map[string]*cell{}}
}

func ck(kind, key string) string { return kind + "\x00" + key }

// Get reads through the statement's writes, then the batch's, then the
// transaction.
func (o *Overlay) Get(kind, key string) ([]byte, error) {
	for _, m := range []map[string]*cell{o.cur, o.done} {
		if c, ok := m[ck(kind, key)]; ok {
			if c.value == nil {
				return nil, store.ErrNotFound
			}
			return c.value, nil
		}
	}
	return o.tx.Get(o.log, kind, key)
}

// Put buffers a write.
func (o *Overlay) Put(kind, key string, value []byte) error {
	if value == nil {
		value = []byte{}
	}
	o.cur[ck(kind, key)] = &cell{kind: kind, key: key, value: value}
	return nil
}

// Delete buffers a deletion.
func (o *Overlay) Delete(kind, key string) error {
	o.cur[ck(kind, key)] = &cell{kind: kind, key: key}
	return nil
}

// Scan merges the buffered writes into the transaction's rows.
func (o *Overlay) Scan(kind, from, to string, limit int, fn func(key string, value []byte) error) error {
	merged := map[string][]byte{}
	var order []string
	// Rows from the transaction, then buffered writes over them. The
	// transaction is scanned without a limit when writes are buffered in
	// the range, since they may delete rows.
	pending := o.buffered(kind, from, to)
	txLimit := limit
	if len(pending) > 0 {
		txLimit = 0
	}
	err := o.tx.Scan(o.log, kind, from, to, txLimit, func(k string, v []byte) error {
		merged[k] = v
		order = append(order, k)
		return nil
	})
	if err != nil {
		return err
	}
	for _, c := range pending {
		if _, ok := merged[c.key]; !ok {
			order = append(order, c.key)
		}
		merged[c.key] = c.value
	}
	sort.Strings(order)
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

// buffered returns the buffered cells of kind in [from, to), the
// statement's over the batch's.
func (o *Overlay) buffered(kind, from, to string) []*cell {
	seen := map[string]*cell{}
	for _, m := range []map[string]*cell{o.done, o.cur} {
		for _, c := range m {
			if c.kind == kind && c.key >= from && (to == "" || c.key < to) {
				seen[c.key] = c
			}
		}
	}
	out := make([]*cell, 0, len(seen))
	for _, c := range seen {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return strings.Compare(out[i].key, out[j].key) < 0 })
	return out
}

// Accept keeps the current statement's writes.
func (o *Overlay) Accept() {
	for k, c := range o.cur {
		o.done[k] = c
	}
	clear(o.cur)
}

// Reject drops the current statement's writes.
func (o *Overlay) Reject() { clear(o.cur) }

// Flush writes the accepted writes to the transaction, in key order so that
// the writes are the same on every run.
func (o *Overlay) Flush() error {
	o.Reject()
	keys := make([]string, 0, len(o.done))
	for k := range o.done {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		c := o.done[k]
		var err error
		if c.value == nil {
			err = o.tx.Delete(o.log, c.kind, c.key)
		} else {
			err = o.tx.Put(o.log, c.kind, c.key, c.value)
		}
		if err != nil {
			return err
		}
	}
	clear(o.done)
	return nil
}
