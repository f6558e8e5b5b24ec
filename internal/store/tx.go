package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"
)

// tx is the Tx of an Update, and the ReadTx of a View or, with no sql
// transaction, of Latest.
type tx struct {
	ctx  context.Context
	sql  *sql.Tx
	pool *pool
	// log is the log an Update may write; it is empty in a View.
	log string
	// head is the log's head as the Update locked it and then set it.
	head Head
	// next is the index the next Append must start at: the locked head's
	// size, then past what Append appended.
	next int64
	// err is the first write that failed: Update then commits nothing,
	// even if fn goes on, as PostgreSQL would refuse to.
	err error
	// stmts are the pool's statements bound to this transaction, as used.
	stmts [nQuery]*sql.Stmt
	// With send, an Update runs on conn without sql: its statements wait
	// in ops, from BEGIN on, until a read needs its rows, and go out
	// together; sent says BEGIN went.
	send func(ctx context.Context, conn *sql.Conn, ops []Op) error
	conn *sql.Conn
	ops  []Op
	sent bool
	// locked says the lock has read the log's head.
	locked bool
	// since are the entries from index from that another process appended
	// after this handle's last commit, read with the lock.
	since [][]byte
	from  int64
	// got are the state rows the Update has read by key; rows are the
	// rows its handle's last Update read, as read again with the lock,
	// once that read has come back (ahead holds them until then).
	got         []stateKey
	rows, ahead map[stateKey]row
	// scans, scanned and scansAhead are the same for the short scans the
	// Update makes (scanKey): the first rows from a key, read with the
	// lock without an upper bound.
	scans               []scanKey
	scanned, scansAhead map[scanKey][]state
	// wrote says the Update wrote state before the rows read ahead came
	// back, which may be older than its writes: they are not used.
	wrote bool
}

// scanKey names a short scan of the Update's log: its kind, first key and
// limit.
type scanKey struct {
	kind, from string
	limit      int
}

// aheadScan is the most rows a scan may ask for and be read ahead: a
// question such as "the first deadline" rather than a listing.
const aheadScan = 16

// stateKey names a state row of the Update's log.
type stateKey struct{ kind, key string }

// row is a state row's value as read ahead, or its absence.
type row struct {
	value []byte
	found bool
}

// aheadKeys is the most state rows an Update reads ahead: those its log's
// last Update on this handle read by key.
const aheadKeys = 64

// last is what a store handle remembers of its last Update of a log: the
// size it committed, and the state rows it read by key and in short scans.
type last struct {
	size  int64
	got   []stateKey
	scans []scanKey
}

// aheadRows is the most entries an Update reads with the lock: as many as
// the ledger reads to catch up entry by entry (four tiles of 256), beyond
// which it reads the tiles instead.
const aheadRows = 4 * 256

// readAhead reads, with the lock, what a log that shares its store will
// read next under the lock, so that it does not make round trips for it:
// the entries another process may have appended since this handle last
// committed the log (alone, there are none), and the state rows the last
// Update read by key and in short scans (a batch applied under the lock
// reads about the same rows each time).
func (t *tx) readAhead(l last) {
	t.from = l.size
	t.ops = append(t.ops, Op{Query: t.pool.text[qEntries], Args: []any{t.log, l.size, l.size + aheadRows}, Row: func(scan func(dest ...any) error) error {
		var data []byte
		err := scan(&data)
		t.since = append(t.since, data)
		return err
	}})
	if len(l.scans) > 0 {
		scans := make(map[scanKey][]state, len(l.scans))
		for _, k := range l.scans {
			scans[k] = []state{}
			t.ops = append(t.ops, Op{Query: t.pool.text[qScan], Args: []any{t.log, k.kind, k.from, k.limit}, Row: func(scan func(dest ...any) error) error {
				var r state
				err := scan(&r.kind, &r.key, &r.value)
				scans[k] = append(scans[k], r)
				return err
			}})
		}
		t.scansAhead = scans
	}
	if len(l.got) == 0 {
		return
	}
	ahead := make(map[stateKey]row, len(l.got))
	for _, k := range l.got {
		ahead[k] = row{}
		t.ops = append(t.ops, Op{Query: t.pool.text[qGet], Args: []any{t.log, k.kind, k.key}, Row: func(scan func(dest ...any) error) error {
			var v []byte
			err := scan(&v)
			ahead[k] = row{v, true}
			return err
		}})
	}
	t.ahead = ahead
}

func (t *tx) stmt(q query) *sql.Stmt {
	if t.sql == nil {
		return t.pool.stmts[q]
	}
	s := t.stmts[q]
	if s == nil {
		s = t.sql.StmtContext(t.ctx, t.pool.stmts[q])
		t.stmts[q] = s
	}
	return s
}

// each runs the read q and calls fn with the scan of each of its rows.
func (t *tx) each(q query, args []any, fn func(scan func(dest ...any) error) error) error {
	if t.send != nil {
		t.ops = append(t.ops, Op{Query: t.pool.text[q], Args: args, Row: fn})
		return t.flush()
	}
	rows, err := t.stmt(q).QueryContext(t.ctx, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// one reads the row of q into dest, or returns sql.ErrNoRows.
func (t *tx) one(q query, args []any, dest ...any) error {
	found := false
	err := t.each(q, args, func(scan func(dest ...any) error) error {
		found = true
		return scan(dest...)
	})
	if err == nil && !found {
		err = sql.ErrNoRows
	}
	return err
}

func (t *tx) write(q query, args ...any) error {
	if t.err != nil {
		return t.err
	}
	if t.send != nil {
		t.ops = append(t.ops, Op{Query: t.pool.text[q], Args: args})
		return nil
	}
	_, err := t.stmt(q).ExecContext(t.ctx, args...)
	if err != nil {
		t.err = t.taken(err)
	}
	return t.err
}

// taken marks the error of a statement id the log holds already.
func (t *tx) taken(err error) error {
	if t.pool.taken != nil && t.pool.taken(err) {
		return fmt.Errorf("%w: %w", ErrIDTaken, err)
	}
	return err
}

// flush sends the statements waiting in ops.
func (t *tx) flush() error {
	if t.err != nil {
		return t.err
	}
	if len(t.ops) == 0 {
		return nil
	}
	ops := t.ops
	t.ops, t.sent = nil, true
	if err := t.send(t.ctx, t.conn, ops); err != nil {
		t.err = t.taken(err)
		return t.err
	}
	if !t.wrote {
		if t.ahead != nil {
			t.rows = t.ahead
		}
		if t.scansAhead != nil {
			t.scanned = t.scansAhead
		}
	}
	t.ahead, t.scansAhead = nil, nil
	return nil
}

// lock creates the Update's log if it is new, locks its head row where the
// dialect does, and reads the head. With send, a log known to exist is
// locked with the first read the Update makes, in one round trip.
func (t *tx) lock(known bool) error {
	read := func(scan func(dest ...any) error) error {
		var (
			size      int64
			root, sum []byte
			at        sql.NullString
		)
		if err := scan(&size, &root, &at, &sum); err != nil {
			return err
		}
		h, err := head(size, root, at, sum)
		t.head, t.next, t.locked = h, size, true
		return err
	}
	for range 2 {
		if t.send != nil {
			t.ops = append(t.ops, Op{Query: t.pool.text[qLock], Args: []any{t.log}, Row: read})
			if known {
				return nil
			}
			if err := t.flush(); err != nil {
				return err
			}
		} else if err := t.each(qLock, []any{t.log}, read); err != nil {
			return err
		}
		if t.locked {
			return nil
		}
		if err := t.write(qCreate, t.log); err != nil {
			return err
		}
	}
	return errors.New("the log's row is missing after its creation")
}

// waitLock sends the lock if it is waiting to go, and checks that it
// found the log's row.
func (t *tx) waitLock() error {
	if !t.locked {
		if err := t.flush(); err != nil {
			return err
		}
		if !t.locked {
			return fmt.Errorf("store: log %s has no row", t.log)
		}
	}
	return nil
}

// own checks that the transaction may write log: an Update writes only the
// log whose head row it locked.
func (t *tx) own(log string) error {
	if log != t.log {
		return fmt.Errorf("store: write to log %s outside an update of it", log)
	}
	return nil
}

// Head implements ReadTx.
func (t *tx) Head(log string) (Head, error) {
	if log == t.log && log != "" {
		return t.head, t.waitLock()
	}
	var (
		size      int64
		root, sum []byte
		at        sql.NullString
	)
	switch err := t.one(qHead, []any{log}, &size, &root, &at, &sum); {
	case errors.Is(err, sql.ErrNoRows):
		return Head{}, nil
	case err != nil:
		return Head{}, fmt.Errorf("store: read head of log %s: %w", log, err)
	}
	h, err := head(size, root, at, sum)
	if err != nil {
		return Head{}, fmt.Errorf("store: read head of log %s: %w", log, err)
	}
	return h, nil
}

// head is a head row's values as a Head.
func head(size int64, root []byte, at sql.NullString, sum []byte) (Head, error) {
	h := Head{Size: uint64(size), Root: root, State: sum}
	if at.Valid {
		var err error
		if h.Time, err = time.Parse(time.RFC3339Nano, at.String); err != nil {
			return Head{}, err
		}
	}
	return h, nil
}

// Entries implements ReadTx.
func (t *tx) Entries(log string, from, to uint64) ([][]byte, error) {
	if from > to {
		return nil, fmt.Errorf("store: read entries [%d, %d) of log %s: from is after to", from, to, log)
	}
	if log == t.log && int64(from) >= t.from && int64(to) <= t.from+int64(len(t.since)) {
		return slices.Clone(t.since[int64(from)-t.from : int64(to)-t.from]), nil
	}
	out := make([][]byte, 0, min(to-from, page))
	err := t.each(qEntries, []any{log, int64(from), int64(to)}, func(scan func(dest ...any) error) error {
		var data []byte
		err := scan(&data)
		out = append(out, data)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: read entries [%d, %d) of log %s: %w", from, to, log, err)
	}
	if uint64(len(out)) != to-from {
		return nil, fmt.Errorf("store: read entries [%d, %d) of log %s: %w", from, to, log, ErrNotFound)
	}
	return out, nil
}

// Tile implements ReadTx.
func (t *tx) Tile(log string, level uint8, index uint64) ([]byte, error) {
	var data []byte
	if err := t.one(qTile, []any{log, int64(level), int64(index)}, &data); err != nil {
		return nil, fmt.Errorf("store: read tile %d/%d of log %s: %w", level, index, log, one(err))
	}
	return data, nil
}

// Statement implements ReadTx.
func (t *tx) Statement(log, id string) (Ref, error) {
	r := Ref{ID: id}
	var (
		idx int64
		sum []byte
	)
	if err := t.one(qStatement, []any{log, id}, &idx, &r.Author, &r.Type, &sum); err != nil {
		return Ref{}, fmt.Errorf("store: read statement %q of log %s: %w", id, log, one(err))
	}
	r.Index = uint64(idx)
	copy(r.Sum[:], sum)
	return r, nil
}

// Statements implements ReadTx.
func (t *tx) Statements(log string, ids []string) ([]Ref, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	var out []Ref
	for len(ids) > 0 {
		n := min(len(ids), chunks[0])
		c := 0
		var args []any
		if t.pool.array {
			n, args = len(ids), []any{log, ids}
		} else {
			for c+1 < len(chunks) && chunks[c+1] >= n {
				c++
			}
			// Fill the chunk's list by repeating the last id.
			args = make([]any, 0, 1+chunks[c])
			args = append(args, log)
			for i := range chunks[c] {
				args = append(args, ids[min(i, n-1)])
			}
		}
		err := t.each(qStatements+query(c), args, func(scan func(dest ...any) error) error {
			var (
				r   Ref
				idx int64
				sum []byte
			)
			err := scan(&idx, &r.ID, &r.Author, &r.Type, &sum)
			r.Index = uint64(idx)
			copy(r.Sum[:], sum)
			out = append(out, r)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("store: read statements of log %s: %w", log, err)
		}
		ids = ids[n:]
	}
	return out, nil
}

// Checkpoint implements ReadTx.
func (t *tx) Checkpoint(log string) ([]byte, error) {
	var note []byte
	if err := t.one(qCheckpoint, []any{log}, &note); err != nil {
		return nil, fmt.Errorf("store: read checkpoint of log %s: %w", log, one(err))
	}
	return note, nil
}

// Get implements ReadTx.
func (t *tx) Get(log, kind, key string) ([]byte, error) {
	if log == t.log && log != "" {
		k := stateKey{kind, key}
		if len(t.got) < aheadKeys && !slices.Contains(t.got, k) {
			t.got = append(t.got, k)
		}
		if r, ok := t.rows[k]; ok {
			if !r.found {
				return nil, fmt.Errorf("store: get %s %q of log %s: %w", kind, key, log, ErrNotFound)
			}
			return r.value, nil
		}
	}
	var value []byte
	if err := t.one(qGet, []any{log, kind, key}, &value); err != nil {
		return nil, fmt.Errorf("store: get %s %q of log %s: %w", kind, key, log, one(err))
	}
	return value, nil
}

// Scan implements ReadTx.
func (t *tx) Scan(log, kind, from, to string, limit int, fn func(key string, value []byte) error) error {
	if log == t.log && log != "" && limit > 0 && limit <= aheadScan {
		k := scanKey{kind, from, limit}
		if len(t.scans) < aheadKeys && !slices.Contains(t.scans, k) {
			t.scans = append(t.scans, k)
		}
		// The first limit rows from the key, without an upper bound, are
		// all the rows of [from, to) the scan returns: those under to.
		if rows, ok := t.scanned[k]; ok {
			for _, r := range rows {
				if to != "" && r.key >= to {
					break
				}
				if err := fn(r.key, r.value); err != nil {
					return err
				}
			}
			return nil
		}
	}
	q, after := qScan, query(0)
	if to != "" {
		q = qScanTo
	}
	for {
		n := page
		if limit > 0 {
			n = min(n, limit)
		}
		args := []any{log, kind, from, n}
		if to != "" {
			args = []any{log, kind, from, to, n}
		}
		rows, err := t.page(q+after, args)
		if err != nil {
			return fmt.Errorf("store: scan %s of log %s: %w", kind, log, err)
		}
		for _, r := range rows {
			if err := fn(r.key, r.value); err != nil {
				return err
			}
		}
		if len(rows) < n {
			return nil
		}
		if limit > 0 {
			if limit -= n; limit == 0 {
				return nil
			}
		}
		from, after = rows[len(rows)-1].key, qScanAfter-qScan
	}
}

// Dump implements ReadTx.
func (t *tx) Dump(log string, fn func(kind, key string, value []byte) error) error {
	rows, err := t.page(qDump, []any{log, page})
	for {
		if err != nil {
			return fmt.Errorf("store: dump state of log %s: %w", log, err)
		}
		for _, r := range rows {
			if err := fn(r.kind, r.key, r.value); err != nil {
				return err
			}
		}
		if len(rows) < page {
			return nil
		}
		last := rows[len(rows)-1]
		rows, err = t.page(qDumpAfter, []any{log, last.kind, last.key, page})
	}
}

// state is a row of the state table.
type state struct {
	kind, key string
	value     []byte
}

// page reads the state rows a scan or dump query returns.
func (t *tx) page(q query, args []any) ([]state, error) {
	var out []state
	err := t.each(q, args, func(scan func(dest ...any) error) error {
		var s state
		err := scan(&s.kind, &s.key, &s.value)
		out = append(out, s)
		return err
	})
	return out, err
}

// Append implements Tx.
func (t *tx) Append(log string, first uint64, entries []Entry) error {
	if err := t.own(log); err != nil {
		return err
	}
	if err := t.waitLock(); err != nil {
		return err
	}
	if first != uint64(t.next) {
		return fmt.Errorf("store: append to log %s at %d: the log has %d entries", log, first, t.next)
	}
	for i := 0; i < len(entries); {
		c := 0
		for chunks[c] > len(entries)-i {
			c++
		}
		batch := entries[i : i+chunks[c]]
		data := make([]any, 0, 3*len(batch))
		index := make([]any, 0, 6*len(batch))
		for j := range batch {
			e := &batch[j]
			idx := t.next + int64(i+j)
			data = append(data, log, idx, nonNil(e.Data))
			index = append(index, log, idx, e.ID, e.Author, e.Type, e.Sum[:])
		}
		if err := t.write(qAppend+query(c), data...); err != nil {
			return fmt.Errorf("store: append to log %s at %d: %w", log, t.next+int64(i), err)
		}
		if err := t.write(qIndex+query(c), index...); err != nil {
			return fmt.Errorf("store: append to log %s at %d: index statements: %w", log, t.next+int64(i), err)
		}
		i += len(batch)
	}
	t.next += int64(len(entries))
	return nil
}

// PutTile implements Tx.
func (t *tx) PutTile(log string, level uint8, index uint64, hashes []byte) error {
	if err := t.own(log); err != nil {
		return err
	}
	if err := t.write(qPutTile, log, int64(level), int64(index), nonNil(hashes)); err != nil {
		return fmt.Errorf("store: put tile %d/%d of log %s: %w", level, index, log, err)
	}
	return nil
}

// SetHead implements Tx.
func (t *tx) SetHead(log string, h Head) error {
	if err := t.own(log); err != nil {
		return err
	}
	if y := h.Time.Year(); y < 0 || y > 9999 {
		return fmt.Errorf("store: set head of log %s: time %v is not in years 0 to 9999", log, h.Time)
	}
	at := h.Time.UTC().Format(time.RFC3339Nano)
	if err := t.write(qSetHead, int64(h.Size), h.Root, at, h.State, log); err != nil {
		return fmt.Errorf("store: set head of log %s: %w", log, err)
	}
	t.head = Head{Size: h.Size, Root: bytes.Clone(h.Root), Time: h.Time.UTC(), State: bytes.Clone(h.State)}
	return nil
}

// PutCheckpoint implements Tx.
func (t *tx) PutCheckpoint(log string, note []byte) error {
	if err := t.own(log); err != nil {
		return err
	}
	if err := t.write(qPutCheckpoint, log, nonNil(note)); err != nil {
		return fmt.Errorf("store: put checkpoint of log %s: %w", log, err)
	}
	return nil
}

// forget drops what was read ahead of a state row the Update writes, and
// of the short scans of its kind.
func (t *tx) forget(kind, key string) {
	t.wrote = true
	delete(t.rows, stateKey{kind, key})
	for k := range t.scanned {
		if k.kind == kind {
			delete(t.scanned, k)
		}
	}
}

// Put implements Tx.
func (t *tx) Put(log, kind, key string, value []byte) error {
	if err := t.own(log); err != nil {
		return err
	}
	t.forget(kind, key)
	if err := t.write(qPut, log, kind, key, nonNil(value)); err != nil {
		return fmt.Errorf("store: put %s %q of log %s: %w", kind, key, log, err)
	}
	return nil
}

// Delete implements Tx.
func (t *tx) Delete(log, kind, key string) error {
	if err := t.own(log); err != nil {
		return err
	}
	t.forget(kind, key)
	if err := t.write(qDelete, log, kind, key); err != nil {
		return fmt.Errorf("store: delete %s %q of log %s: %w", kind, key, log, err)
	}
	return nil
}

// DropState implements Tx.
func (t *tx) DropState(log string) error {
	if err := t.own(log); err != nil {
		return err
	}
	clear(t.rows)
	clear(t.scanned)
	t.wrote = true
	if err := t.write(qDropState, log); err != nil {
		return fmt.Errorf("store: drop state of log %s: %w", log, err)
	}
	return nil
}
