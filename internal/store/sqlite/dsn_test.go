package sqlite

import (
	"database/sql"
	"path/filepath"
	"testing"
)

// TestPragmas checks the settings that make commits durable and waits
// bounded, on the writer and the readers.
func TestPragmas(t *testing.T) {
	for _, tc := range []struct {
		path, journal string
		checkpoint    int
	}{
		{filepath.Join(t.TempDir(), "a file?#%.db"), "wal", 10000},
		{":memory:", "memory", 1000},
	} {
		write, read := dsns(tc.path)
		for _, c := range []struct {
			dsn       string
			queryOnly int
		}{{write, 0}, {read, 1}} {
			db, err := sql.Open("sqlite", c.dsn)
			if err != nil {
				t.Fatal(err)
			}
			var journal string
			var sync, fk, busy, queryOnly, checkpoint int
			err = db.QueryRow("SELECT journal_mode, synchronous, foreign_keys, timeout, query_only FROM pragma_journal_mode, pragma_synchronous, pragma_foreign_keys, pragma_busy_timeout, pragma_query_only").
				Scan(&journal, &sync, &fk, &busy, &queryOnly)
			if err == nil {
				err = db.QueryRow("PRAGMA wal_autocheckpoint").Scan(&checkpoint)
			}
			db.Close()
			if err != nil {
				t.Fatal(err)
			}
			if journal != tc.journal || sync != 2 || fk != 1 || busy != 10000 || queryOnly != c.queryOnly || checkpoint != tc.checkpoint {
				t.Errorf("%s: journal_mode %s, synchronous %d, foreign_keys %d, busy_timeout %d, query_only %d, wal_autocheckpoint %d; want %s, 2 (FULL), 1, 10000, %d, %d",
					c.dsn, journal, sync, fk, busy, queryOnly, checkpoint, tc.journal, c.queryOnly, tc.checkpoint)
			}
		}
	}
}
