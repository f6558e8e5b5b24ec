// Package store keeps Surety's logs durably: the entries, the Merkle tiles,
// the statement index, the checkpoints, the blobs and the projected state.
// Store is the one interface; the sqlite and postgres packages implement it
// over database/sql with their own embedded migrations.
//
// The store knows nothing of statements, hashing or the domain: it stores
// bytes under keys, in transactions.
package store

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned when a row asked for does not exist.
var ErrNotFound = errors.New("not found")

// ErrIDTaken is wrapped by the error of an Update that appended a
// statement whose id the log holds already: nothing of the Update is kept.
var ErrIDTaken = errors.New("a statement id is taken")

// Store holds the logs of one or more agreements.
type Store interface {
	// Update runs fn in one read-write transaction on the log and commits
	// it durably before it returns: once Update returns nil, the writes
	// survive a crash of the process or the machine. Updates of the same
	// log are serialised, also across processes sharing one database (the
	// log's head row is locked first). If fn returns an error, nothing fn
	// wrote is kept and Update returns that error.
	Update(ctx context.Context, log string, fn func(Tx) error) error

	// View runs fn in a read-only transaction over a consistent snapshot.
	View(ctx context.Context, fn func(ReadTx) error) error

	// Latest reads outside any transaction: each read sees what was
	// committed when it runs, and the pages of one Scan or Dump may see
	// different commits. It costs no round trips to begin and end a
	// transaction.
	Latest() ReadTx

	// CreateBlob starts an upload of a blob to the log. The writer stores
	// what is written to it in parts of BlobPart bytes, each as it fills,
	// so that no upload is held whole in memory; Commit names the blob.
	CreateBlob(ctx context.Context, log string) (BlobWriter, error)

	// OpenBlob returns a reader of the blob stored under sum, which reads
	// it a part at a time, or ErrNotFound.
	OpenBlob(ctx context.Context, sum [32]byte) (BlobReader, error)

	// SweepBlobs deletes the blobs uploaded to the log before the given
	// time that no statement has cited, and the parts of uploads begun
	// before then that were never committed. It asks cited about each
	// blob not known to be cited; one it says is cited is kept for good.
	// It returns how many blobs it deleted.
	SweepBlobs(ctx context.Context, log string, before time.Time, cited func(sum [32]byte) (bool, error)) (int, error)

	// PutSealed stores sealed values of the log, each under its key,
	// replacing any, in one transaction: kept beside the log, never in its
	// entries, tiles or state.
	PutSealed(ctx context.Context, log string, values []Sealed) error

	// Sealed returns the sealed value of the log under key, or ErrNotFound.
	Sealed(ctx context.Context, log, key string) ([]byte, error)

	// ScanSealed calls fn for each sealed value of the log whose key starts
	// with prefix, in ascending byte order of key, and stops when fn returns
	// an error, which it returns.
	ScanSealed(ctx context.Context, log, prefix string, fn func(key string, value []byte) error) error
	// DeleteSealed removes the sealed values of the log under keys, those
	// that are no longer secret; a missing key is no error.
	DeleteSealed(ctx context.Context, log string, keys []string) error

	// Dialect names the backend: "sqlite" or "postgres".
	Dialect() string

	// Close releases the database.
	Close() error
}

// Head is the state of a log's tree.
type Head struct {
	// Size is the number of entries.
	Size uint64
	// Root is the RFC 6962 root hash of the tree of Size entries.
	Root []byte
	// Time is the log time of the last entry.
	Time time.Time
	// State is the digest of the log's projected state as of Size, which
	// the ledger keeps to find state rows changed behind its back; nil
	// where none was recorded.
	State []byte
}

// Entry is one log entry to append with the index row of its statement.
type Entry struct {
	// Data is the entry's bytes: the leaf data of the tree.
	Data []byte
	// ID, Author and Type index the statement the entry carries.
	ID, Author, Type string
	// Sum is the SHA-256 of the statement's envelope bytes, for idempotent
	// resubmission.
	Sum [32]byte
}

// Ref locates a statement in its log.
type Ref struct {
	Index  uint64
	ID     string
	Author string
	Type   string
	Sum    [32]byte
}

// ReadTx reads one consistent snapshot.
type ReadTx interface {
	// Head returns the log's head; a log with no entries has size 0 and a
	// nil root, and no error.
	Head(log string) (Head, error)

	// Entries returns the data of entries [from, to); it returns
	// ErrNotFound if to is beyond the log's size.
	Entries(log string, from, to uint64) ([][]byte, error)

	// Tile returns the stored hashes of tile (level, index): 32 bytes per
	// hash, as many as the tile holds so far; ErrNotFound if none.
	Tile(log string, level uint8, index uint64) ([]byte, error)

	// Statement returns the statement with the given id, or ErrNotFound.
	Statement(log, id string) (Ref, error)

	// Statements returns the statements with the given ids that the log
	// holds, each once, in no particular order; ids it does not hold are
	// left out. It reads them in one query per 256 ids.
	Statements(log string, ids []string) ([]Ref, error)

	// Checkpoint returns the latest stored checkpoint note, or ErrNotFound.
	Checkpoint(log string) ([]byte, error)

	// Blob returns the whole content stored under sum, or ErrNotFound,
	// inside the transaction.
	Blob(sum [32]byte) ([]byte, error)

	// Get returns the state value of (kind, key), or ErrNotFound.
	Get(log, kind, key string) ([]byte, error)

	// Scan calls fn for each state row of kind with from <= key < to, in
	// ascending byte order of key (to == "" means no upper bound), and
	// stops after limit rows (limit <= 0 means no limit) or when fn
	// returns an error, which Scan returns.
	Scan(log, kind, from, to string, limit int, fn func(key string, value []byte) error) error

	// Dump calls fn for every state row of the log, ordered by kind and
	// then key, in ascending byte order.
	Dump(log string, fn func(kind, key string, value []byte) error) error
}

// Tx is a read-write transaction on one log. Its reads see its own writes.
//
// A backend may hold writes back and send them together, before the next
// read or at commit, to save round trips to the database: a write that
// returned nil may still fail, and then Update returns its error and
// keeps nothing.
type Tx interface {
	ReadTx

	// Append stores entries at indexes first, first+1, …, with their
	// statement index rows. first must equal the log's size as its head
	// recorded it when the Update began, plus the entries this Update
	// appended before.
	Append(log string, first uint64, entries []Entry) error

	// PutTile stores the hashes of tile (level, index), replacing any
	// narrower version of it.
	PutTile(log string, level uint8, index uint64, hashes []byte) error

	// SetHead records the log's new head.
	SetHead(log string, h Head) error

	// PutCheckpoint records the log's latest checkpoint note.
	PutCheckpoint(log string, note []byte) error

	// Put sets the state value of (kind, key).
	Put(log, kind, key string, value []byte) error

	// Delete removes the state row (kind, key); deleting a missing row is
	// not an error.
	Delete(log, kind, key string) error

	// DropState removes every state row of the log, for a rebuild.
	DropState(log string) error
}
