package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// Dialect describes the little that differs between the SQL databases DB
// runs on. The tables themselves are created by each backend's migrations.
type Dialect struct {
	// Name is the backend's name, as Store.Dialect returns it.
	Name string
	// Numbered says placeholders are written $1, $2, … rather than ?.
	Numbered bool
	// Lock is the clause that locks a log's head row when Update reads it,
	// such as "FOR UPDATE". It is empty where beginning a read-write
	// transaction already takes the database's write lock, as SQLite's
	// BEGIN IMMEDIATE does.
	Lock string
	// Statements, if set, reads the statements of a log ($1) whose ids
	// are in an array ($2) with one query, which must look each id up in
	// the primary key, whatever the table's statistics say; otherwise
	// they are read with IN lists of up to 256 ids.
	Statements string
	// Send, if set, runs ops in one round trip on conn, in order, calling
	// the Row of each read with each of its rows, and returns the first
	// error. An Update then runs without a database/sql transaction: it
	// sends BEGIN, its statements and COMMIT itself, holding each back
	// until a read needs its rows or the commit, so that a commit of many
	// rows costs a few round trips. Without Send, each statement runs when
	// it is made.
	Send func(ctx context.Context, conn *sql.Conn, ops []Op) error
	// Taken reports whether err is the statements table's primary key
	// refusing an id the log holds already.
	Taken func(err error) bool
}

// Op is a statement an Update held back: a query of the dialect, with
// numbered placeholders if the dialect numbers them, and its arguments.
// A read has a Row function, which scans a row with scan.
type Op struct {
	Query string
	Args  []any
	Row   func(scan func(dest ...any) error) error
}

// DB is the Store over database/sql that the sqlite and postgres packages
// open.
type DB struct {
	dialect Dialect
	// write runs Update and the blobs' writes; read runs View and the
	// blobs' reads. They are the
	// same pool where the database has no single writer.
	write, read *pool
	// logs are the logs known to have their row, which Updates with Send
	// lock with their first read, each with what this handle's last
	// Update of it committed and read (last).
	logs sync.Map
	// parts admits the writes of blob parts, a few at a time, so that
	// uploads never queue more than a few writes ahead of an Update for
	// the write pool.
	parts chan struct{}
}

var _ Store = (*DB)(nil)

// pool is a database handle with its prepared statements.
type pool struct {
	db    *sql.DB
	text  [nQuery]string
	stmts [nQuery]*sql.Stmt
	array bool             // Statements takes an array of ids
	taken func(error) bool // the dialect's Taken
}

// New returns the Store over write, which runs Update and writes blobs, and
// read, which runs View and reads blobs; they may be the same handle. Both must reach a
// database migrated by the backend of dialect d. New prepares its statements
// on them; Close closes them both.
func New(ctx context.Context, d Dialect, write, read *sql.DB) (*DB, error) {
	text := d.queries()
	db := &DB{dialect: d, write: &pool{db: write, array: d.Statements != "", taken: d.Taken}, parts: make(chan struct{}, 2)}
	if err := db.write.prepare(ctx, text[:]); err != nil {
		return nil, err
	}
	db.read = db.write
	if read != write {
		db.read = &pool{db: read, array: d.Statements != "", taken: d.Taken}
		if err := db.read.prepare(ctx, text[:qCreate]); err != nil {
			return nil, err
		}
	}
	return db, nil
}

func (p *pool) prepare(ctx context.Context, text []string) error {
	copy(p.text[:], text)
	for q, s := range text {
		if s == "" {
			continue
		}
		stmt, err := p.db.PrepareContext(ctx, s)
		if err != nil {
			return fmt.Errorf("store: prepare %q: %w", s, err)
		}
		p.stmts[q] = stmt
	}
	return nil
}

// Update implements Store.
func (db *DB) Update(ctx context.Context, log string, fn func(Tx) error) error {
	t := &tx{ctx: ctx, pool: db.write, log: log, send: db.dialect.Send}
	if t.send != nil {
		return db.send(ctx, t, fn)
	}
	var err error
	if t.sql, err = db.write.db.BeginTx(ctx, nil); err != nil {
		return fmt.Errorf("store: begin update of log %s: %w", log, err)
	}
	defer t.sql.Rollback()
	if err := t.lock(true); err != nil {
		return fmt.Errorf("store: lock log %s: %w", log, err)
	}
	if err := fn(t); err != nil {
		return err
	}
	if t.err != nil {
		return fmt.Errorf("store: update of log %s: a write failed: %w", log, t.err)
	}
	if err := t.sql.Commit(); err != nil {
		return fmt.Errorf("store: commit update of log %s: %w", log, err)
	}
	return nil
}

// send runs an Update with the dialect's Send, on a connection of its own.
func (db *DB) send(ctx context.Context, t *tx, fn func(Tx) error) (err error) {
	if t.conn, err = db.write.db.Conn(ctx); err != nil {
		return fmt.Errorf("store: begin update of log %s: %w", t.log, err)
	}
	defer t.conn.Close()
	defer func() {
		if err != nil && t.sent {
			// A failed statement has aborted the transaction; end it.
			_, _ = t.conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		}
	}()
	t.ops = []Op{{Query: "BEGIN"}}
	l, known := db.logs.Load(t.log)
	if err := t.lock(known); err != nil {
		return fmt.Errorf("store: lock log %s: %w", t.log, err)
	}
	if known {
		t.readAhead(l.(last))
	}
	if err := fn(t); err != nil {
		return err
	}
	if err := t.waitLock(); err != nil {
		db.logs.Delete(t.log)
		return fmt.Errorf("store: lock log %s: %w", t.log, err)
	}
	if t.err != nil {
		return fmt.Errorf("store: update of log %s: a write failed: %w", t.log, t.err)
	}
	t.ops = append(t.ops, Op{Query: "COMMIT"})
	if err := t.flush(); err != nil {
		return fmt.Errorf("store: commit update of log %s: %w", t.log, err)
	}
	db.logs.Store(t.log, last{int64(t.head.Size), t.got, t.scans})
	return nil
}

// View implements Store.
func (db *DB) View(ctx context.Context, fn func(ReadTx) error) error {
	stx, err := db.read.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return fmt.Errorf("store: begin view: %w", err)
	}
	defer stx.Rollback()
	return fn(&tx{ctx: ctx, sql: stx, pool: db.read})
}

// Latest implements Store.
func (db *DB) Latest() ReadTx { return &tx{ctx: context.Background(), pool: db.read} }

// Dialect implements Store.
func (db *DB) Dialect() string { return db.dialect.Name }

// Close implements Store.
func (db *DB) Close() error {
	err := db.write.db.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.db.Close())
	}
	return err
}

// one maps a missing row to ErrNotFound.
func one(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// nonNil returns b, or an empty slice for nil, which drivers would store as
// NULL.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// query names one of the SQL statements a DB prepares.
type query int

const (
	// Reads, prepared on both pools.
	qHead query = iota
	qEntries
	qTile
	qStatement
	qCheckpoint
	qGet
	// The four scans of a kind's keys: adding 1 makes the lower bound
	// exclusive, for the pages after the first; adding 2 adds an upper
	// bound.
	qScan
	qScanAfter
	qScanTo
	qScanAfterTo
	qDump
	qDumpAfter
	qBlob
	qBlobIndex
	qBlobPart
	// qStatements is the first of len(chunks) queries, the i-th reading
	// the statements of chunks[i] ids.
	qStatements
)

const (
	// Writes, prepared on the write pool only, and qLock, which reads the
	// head of an Update's log and, where the dialect says how, locks its
	// row.
	qCreate = qStatements + query(len(chunks)) + iota
	qLock
	qPutTile
	qSetHead
	qPutCheckpoint
	qPut
	qDelete
	qDropState
	qPutPart
	qIndexBlob
	qDropParts
	qStaleBlobs
	qKeepBlob
	qDeletePartsOf
	qDeleteBlob
	qDropOrphans
	// qAppend is the first of len(chunks) queries, the i-th inserting
	// chunks[i] entries.
	qAppend
)

const (
	// qIndex is the first of len(chunks) queries, the i-th inserting
	// chunks[i] statement index rows.
	qIndex = qAppend + query(len(chunks))
	nQuery = qIndex + query(len(chunks))
)

// chunks are the numbers of rows Append inserts with one statement, largest
// first, and of ids Statements looks up with one. Every batch is a sum of
// them, the statements stay well under SQLite's and PostgreSQL's limits on
// parameters, and there are few of them to prepare.
var chunks = [...]int{256, 64, 16, 4, 1}

// page is how many state rows Scan and Dump read at a time. Reading a page
// before calling back lets the callback use the transaction, which
// PostgreSQL's protocol does not allow while a query's rows are open.
const page = 512

func (d Dialect) queries() [nQuery]string {
	const (
		state = "SELECT kind, key, value FROM state WHERE log = ? AND kind = ? AND key "
		byKey = " ORDER BY key LIMIT ?"
	)
	q := [nQuery]string{
		qHead:        "SELECT size, root, log_time, state_sum FROM logs WHERE log = ?",
		qEntries:     "SELECT data FROM entries WHERE log = ? AND idx >= ? AND idx < ? ORDER BY idx",
		qTile:        "SELECT data FROM tiles WHERE log = ? AND level = ? AND idx = ?",
		qStatement:   "SELECT idx, author, type, sum FROM statements WHERE log = ? AND id = ?",
		qCheckpoint:  "SELECT note FROM checkpoints WHERE log = ?",
		qGet:         "SELECT value FROM state WHERE log = ? AND kind = ? AND key = ?",
		qScan:        state + ">= ?" + byKey,
		qScanAfter:   state + "> ?" + byKey,
		qScanTo:      state + ">= ? AND key < ?" + byKey,
		qScanAfterTo: state + "> ? AND key < ?" + byKey,
		qDump:        "SELECT kind, key, value FROM state WHERE log = ? ORDER BY kind, key LIMIT ?",
		qDumpAfter:   "SELECT kind, key, value FROM state WHERE log = ? AND (kind, key) > (?, ?) ORDER BY kind, key LIMIT ?",
		qBlob:        "SELECT b.size, p.data FROM blob_index b LEFT JOIN blob_parts p ON p.id = b.id WHERE b.sum = ? ORDER BY p.seq",
		qBlobIndex:   "SELECT id, size FROM blob_index WHERE sum = ?",
		qBlobPart:    "SELECT data FROM blob_parts WHERE id = ? AND seq = ?",

		qCreate:        "INSERT INTO logs (log) VALUES (?) ON CONFLICT (log) DO NOTHING",
		qLock:          "SELECT size, root, log_time, state_sum FROM logs WHERE log = ? " + d.Lock,
		qPutTile:       "INSERT INTO tiles (log, level, idx, data) VALUES (?, ?, ?, ?) ON CONFLICT (log, level, idx) DO UPDATE SET data = excluded.data",
		qSetHead:       "UPDATE logs SET size = ?, root = ?, log_time = ?, state_sum = ? WHERE log = ?",
		qPutCheckpoint: "INSERT INTO checkpoints (log, note) VALUES (?, ?) ON CONFLICT (log) DO UPDATE SET note = excluded.note",
		qPut:           "INSERT INTO state (log, kind, key, value) VALUES (?, ?, ?, ?) ON CONFLICT (log, kind, key) DO UPDATE SET value = excluded.value",
		qDelete:        "DELETE FROM state WHERE log = ? AND kind = ? AND key = ?",
		qDropState:     "DELETE FROM state WHERE log = ?",
		qPutPart:       "INSERT INTO blob_parts (id, seq, stored, data) VALUES (?, ?, ?, ?)",
		qIndexBlob:     "INSERT INTO blob_index (sum, id, size, log, stored, kept) VALUES (?, ?, ?, ?, ?, 0) ON CONFLICT (sum) DO UPDATE SET stored = excluded.stored RETURNING id",
		qDropParts:     "DELETE FROM blob_parts WHERE id = ?",
		qStaleBlobs:    "SELECT sum FROM blob_index WHERE log = ? AND kept = 0 AND stored < ? ORDER BY stored LIMIT 256",
		qKeepBlob:      "UPDATE blob_index SET kept = 1 WHERE sum = ?",
		qDeletePartsOf: "DELETE FROM blob_parts WHERE id = (SELECT id FROM blob_index WHERE sum = ? AND kept = 0 AND stored < ?)",
		qDeleteBlob:    "DELETE FROM blob_index WHERE sum = ? AND kept = 0 AND stored < ?",
		qDropOrphans:   "DELETE FROM blob_parts WHERE stored < ? AND NOT EXISTS (SELECT 1 FROM blob_index b WHERE b.id = blob_parts.id)",
	}
	for i, n := range chunks {
		q[qStatements+query(i)] = "SELECT idx, id, author, type, sum FROM statements WHERE log = ? AND id IN (" + rows("?", n) + ")"
		if d.Statements != "" {
			q[qStatements+query(i)] = ""
			if i == 0 {
				q[qStatements] = d.Statements
			}
		}
		q[qAppend+query(i)] = "INSERT INTO entries (log, idx, data) VALUES " + rows("(?, ?, ?)", n)
		q[qIndex+query(i)] = "INSERT INTO statements (log, idx, id, author, type, sum) VALUES " + rows("(?, ?, ?, ?, ?, ?)", n)
	}
	if d.Numbered {
		for i, s := range q {
			q[i] = number(s)
		}
	}
	return q
}

// rows repeats a VALUES row n times.
func rows(row string, n int) string {
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

// number rewrites the placeholders ? of s as $1, $2, ….
func number(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if r != '?' {
			b.WriteRune(r)
			continue
		}
		n++
		b.WriteString("$" + strconv.Itoa(n))
	}
	return b.String()
}
