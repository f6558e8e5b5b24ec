package postgres_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"testing"

	"github.com/surety/surety/internal/store"
	"github.com/surety/surety/internal/store/postgres"
	"github.com/surety/surety/internal/store/storetest"
	"github.com/surety/surety/internal/testenv"
)

func open(tb testing.TB, url string) *store.DB {
	tb.Helper()
	db, err := postgres.Open(context.Background(), url)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Error(err)
		}
	})
	return db
}

func openSchema(tb testing.TB) store.Store {
	return open(tb, testenv.PostgresURL(tb))
}

func TestStore(t *testing.T) {
	testenv.PostgresURL(t) // skips without the server
	storetest.Run(t, openSchema)
}

// TestReplicas runs two stores on one database, as two surety serve
// processes would.
func TestReplicas(t *testing.T) {
	u := testenv.PostgresURL(t)
	storetest.Replicas(t, open(t, u), open(t, u))
}

func BenchmarkStore(b *testing.B) {
	storetest.Benchmark(b, openSchema)
}

func TestDialect(t *testing.T) {
	if got := openSchema(t).Dialect(); got != "postgres" {
		t.Errorf("Dialect() = %q, want postgres", got)
	}
}

// TestMigrateTogether opens stores on a new schema at once: one migrates,
// the others wait for it and find nothing to do.
func TestMigrateTogether(t *testing.T) {
	u := testenv.PostgresURL(t)
	errs := make(chan error)
	for range 4 {
		go func() {
			db, err := postgres.Open(context.Background(), u)
			if err == nil {
				err = db.Close()
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestOpenBadSchema(t *testing.T) {
	u, err := url.Parse(testenv.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", "surety_test_missing")
	u.RawQuery = q.Encode()
	if db, err := postgres.Open(context.Background(), u.String()); err == nil {
		db.Close()
		t.Error("Open with a missing schema succeeded")
	}
}

// walLSN reads a WAL position of the server: "insert" or "flush".
func walLSN(t *testing.T, admin *sql.DB, which string) int64 {
	t.Helper()
	var n int64
	if err := admin.QueryRow("SELECT pg_current_wal_" + which + "_lsn() - '0/0'::pg_lsn").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestUpdateDurable checks that an Update returns only once the WAL is
// flushed past its commit: its records come after the insert position read
// before it, so the flush position must have passed that. Other sessions
// can only move the flush position on, never back. (An Update committed
// with synchronous_commit off, and a transaction that only takes an id
// after it, which commits without a flush since it wrote no WAL, both fail
// it.)
func TestUpdateDurable(t *testing.T) {
	u := testenv.PostgresURL(t)
	db := open(t, u)
	admin, err := sql.Open("pgx", u)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	ctx := context.Background()
	for i := range 20 {
		before := walLSN(t, admin, "insert")
		err := db.Update(ctx, "l", func(tx store.Tx) error { return tx.Put("l", "k", fmt.Sprint(i), []byte("v")) })
		if err != nil {
			t.Fatal(err)
		}
		if after := walLSN(t, admin, "flush"); after <= before {
			t.Fatalf("Update %d returned with the WAL flushed to %d, not past %d where its records begin", i, after, before)
		}
	}
}
