// Package sqlite keeps Surety's store in one SQLite file, the default
// embedded database, through the pure-Go modernc.org/sqlite driver.
//
// The file is in WAL mode with synchronous=FULL, so a commit that returned
// survives a crash of the process or the machine. Updates run on a single
// writer connection and begin IMMEDIATE, taking the database's write lock
// at once, which also serialises them across processes; views and blob
// reads run on a pool of read-only connections, each on its own snapshot.
// The schema is created and upgraded by the embedded migrations at Open.
package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"runtime"
	"strings"

	"github.com/pressly/goose/v3"
	"modernc.org/sqlite" // the "sqlite" database/sql driver
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/surety/surety/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

var dialect = store.Dialect{Name: "sqlite", Taken: taken}

// taken reports whether err is the statements table's primary key refusing
// a taken id.
func taken(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY && strings.Contains(se.Error(), "statements.")
}

// Open opens the store in the SQLite file at path, creating the file if it
// does not exist and migrating it to the current schema.
//
// An empty path or ":memory:" opens a new private store in memory, which
// lives until Close. It serves one process only, and has no WAL: a read
// waits for a running Update to commit, so an Update's fn must not View or
// read blobs.
//
// A new file is created with mode 0600, readable by its owner only; SQLite
// gives its journal files the mode of the database file.
func Open(path string) (*store.DB, error) {
	if path != "" && path != ":memory:" {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
		}
		f.Close()
	}
	write, read := dsns(path)
	ctx := context.Background()
	w, err := sql.Open("sqlite", write)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	if err := migrate(ctx, w); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", read)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	db, err := store.New(ctx, dialect, w, r)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("sqlite: open %s: %w", path, err), w.Close(), r.Close())
	}
	return db, nil
}

// dsns returns the data source names of the writer and of the readers of
// the database at path. Every connection waits up to 10 s for another's
// lock; the writer's transactions begin IMMEDIATE, and the readers cannot
// write.
func dsns(path string) (write, read string) {
	name := (&url.URL{Path: path}).EscapedPath()
	pragmas := []string{"busy_timeout(10000)", "foreign_keys(1)", "temp_store(memory)"}
	var vfs []string
	if path == "" || path == ":memory:" {
		// A memdb database whose name begins with "/" is shared by the
		// connections of the process that open it.
		name, vfs = "/surety-"+rand.Text(), []string{"memdb"}
	} else {
		// A checkpoint copies the pages the WAL holds into the file,
		// once each: letting the WAL grow to 10,000 pages (40 MB) before
		// one copies the pages every commit rewrites (the head, the
		// partial tiles, the ends of the indexes) far less often.
		pragmas = append(pragmas, "journal_mode(WAL)", "synchronous(FULL)", "wal_autocheckpoint(10000)")
	}
	w := url.Values{"_pragma": pragmas, "vfs": vfs, "_txlock": {"immediate"}}
	r := url.Values{"_pragma": pragmas, "vfs": vfs, "_query_only": {"1"}}
	return "file:" + name + "?" + w.Encode(), "file:" + name + "?" + r.Encode()
}

// migrate brings the database's schema up to date.
func migrate(ctx context.Context, db *sql.DB) error {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, fsys)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}
