// Package testenv gives tests the real parts they need: a fresh SQLite file,
// a fresh schema on the machine's PostgreSQL, and the shared reference data.
// PostgreSQL tests skip with a message when the server is unreachable,
// unless SURETY_REQUIRE_POSTGRES=1; shared-data tests skip when the data is
// missing or unreadable, unless SURETY_REQUIRE_DATA=1. CI sets both, so
// that such a test fails there instead.
package testenv

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the PostgreSQL driver

	"github.com/surety/surety/internal/store"
	"github.com/surety/surety/internal/store/postgres"
	"github.com/surety/surety/internal/store/sqlite"
)

// DefaultPostgres is the machine's PostgreSQL test database.
const DefaultPostgres = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// Backend opens a fresh, empty store of one kind.
type Backend struct {
	Name string
	Open func(t testing.TB) store.Store
}

// Backends returns SQLite and PostgreSQL, for running a suite on both.
func Backends() []Backend {
	return []Backend{{"sqlite", SQLite}, {"postgres", Postgres}}
}

// SQLite opens a store on a new file in the test's temporary directory.
func SQLite(t testing.TB) store.Store {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "surety.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// PostgresURL returns a URL of a fresh schema on the test server, dropped
// when the test ends. It skips the test when the server is unreachable,
// unless SURETY_REQUIRE_POSTGRES=1.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("SURETY_TEST_POSTGRES")
	if base == "" {
		base = DefaultPostgres
	}
	admin, err := sql.Open("pgx", base)
	if err == nil {
		err = admin.PingContext(context.Background())
	}
	if err != nil {
		if os.Getenv("SURETY_REQUIRE_POSTGRES") == "1" {
			t.Fatalf("PostgreSQL at %s is required (SURETY_REQUIRE_POSTGRES=1) but unreachable: %v", base, err)
		}
		t.Skipf("skipping: no PostgreSQL at %s (%v); set SURETY_TEST_POSTGRES to run this test", base, err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Postgres opens a store on a fresh schema of the test server.
func Postgres(t testing.TB) store.Store {
	t.Helper()
	db, err := postgres.Open(context.Background(), PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// SharedData returns the path of a file or directory of the shared
// reference data (../shared/data beside the repository; "" for the
// directory itself). Every test that reads the real lists or nomenclature
// finds them here. Without them, or when they cannot be read, it skips the
// test, or fails it when SURETY_REQUIRE_DATA=1.
func SharedData(t testing.TB, rel string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", "data", rel)
	if err := readable(p); err != nil {
		if os.Getenv("SURETY_REQUIRE_DATA") == "1" {
			t.Fatalf("the shared reference data %s is required (SURETY_REQUIRE_DATA=1) but cannot be read: %v; see ../shared/data/SOURCES.md", p, err)
		}
		t.Skipf("skipping: the shared reference data %s cannot be read (%v); put it in ../shared/data to run this test", p, err)
	}
	return p
}

// readable reports why a file or directory cannot be read.
func readable(p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.IsDir() {
		_, err = f.ReadDir(1)
	} else if _, err = f.Read(make([]byte, 1)); errors.Is(err, io.EOF) {
		err = errors.New("the file is empty")
	}
	return err
}
