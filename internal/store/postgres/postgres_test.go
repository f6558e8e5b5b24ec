package postgres_test

import (
	"context"
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
