package sqlite_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/surety/surety/internal/store"
	"github.com/surety/surety/internal/store/sqlite"
	"github.com/surety/surety/internal/store/storetest"
)

var ctx = context.Background()

func open(tb testing.TB, path string) *store.DB {
	tb.Helper()
	db, err := sqlite.Open(path)
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

func openTemp(tb testing.TB) store.Store {
	return open(tb, filepath.Join(tb.TempDir(), "surety.db"))
}

func TestStore(t *testing.T) {
	storetest.Run(t, openTemp)
}

// TestReplicas runs two stores on one file, as two processes would.
func TestReplicas(t *testing.T) {
	path := filepath.Join(t.TempDir(), "surety.db")
	storetest.Replicas(t, open(t, path), open(t, path))
}

func BenchmarkStore(b *testing.B) {
	storetest.Benchmark(b, openTemp)
}

func TestDialect(t *testing.T) {
	if got := openTemp(t).Dialect(); got != "sqlite" {
		t.Errorf("Dialect() = %q, want sqlite", got)
	}
}

// entry is an entry whose statement is named id.
func entry(id string) store.Entry {
	return store.Entry{Data: []byte("entry " + id), ID: id, Author: "kp-export-authority", Type: "declaration.submit", Sum: sha256.Sum256([]byte(id))}
}

// write appends an entry, a state row and a blob.
func write(t testing.TB, db store.Store) {
	t.Helper()
	err := db.Update(ctx, "il-kp-1993", func(tx store.Tx) error {
		if err := tx.Append("il-kp-1993", 0, []store.Entry{entry("s-0")}); err != nil {
			return err
		}
		if err := tx.Put("il-kp-1993", "declaration", "s-0", []byte("declared")); err != nil {
			return err
		}
		return tx.SetHead("il-kp-1993", store.Head{Size: 1, Root: []byte("root"), Time: time.Unix(0, 1)})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.PutBlob(ctx, db, "il-kp-1993", sha256.Sum256([]byte("blob")), []byte("blob")); err != nil {
		t.Fatal(err)
	}
}

// check reads back what write wrote.
func check(t testing.TB, db store.Store) {
	t.Helper()
	err := db.View(ctx, func(tx store.ReadTx) error {
		h, err := tx.Head("il-kp-1993")
		if err != nil {
			return err
		}
		if h.Size != 1 || string(h.Root) != "root" || !h.Time.Equal(time.Unix(0, 1)) {
			t.Errorf("Head = %+v", h)
		}
		es, err := tx.Entries("il-kp-1993", 0, 1)
		if err != nil {
			return err
		}
		if !bytes.Equal(es[0], entry("s-0").Data) {
			t.Errorf("entry 0 = %q", es[0])
		}
		v, err := tx.Get("il-kp-1993", "declaration", "s-0")
		if err != nil {
			return err
		}
		if string(v) != "declared" {
			t.Errorf("Get = %q", v)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.View(ctx, func(tx store.ReadTx) error {
		if b, err := tx.Blob(sha256.Sum256([]byte("blob"))); err != nil || string(b) != "blob" {
			t.Errorf("Blob = %q, %v", b, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "surety.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	write(t, db)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	check(t, open(t, path))
}

// TestKill kills a process right after its Update returned, and finds the
// update in the file.
func TestKill(t *testing.T) {
	if path := os.Getenv("SURETY_TEST_KILL"); path != "" {
		db, err := sqlite.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		write(t, db)
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {}
	}
	path := filepath.Join(t.TempDir(), "surety.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestKill$")
	cmd.Env = append(os.Environ(), "SURETY_TEST_KILL="+path)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("the writer was not killed: %v\n%s", err, out)
	}
	check(t, open(t, path))
}

func TestMemory(t *testing.T) {
	for _, path := range []string{"", ":memory:"} {
		a, b := open(t, path), open(t, path)
		write(t, a)
		check(t, a)
		err := b.View(ctx, func(tx store.ReadTx) error {
			h, err := tx.Head("il-kp-1993")
			if h.Size != 0 {
				t.Errorf("Open(%q) twice shares one database", path)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestFilesOwnerOnly: the database and its journal files are created
// readable by their owner only, whatever the umask lets through.
func TestFilesOwnerOnly(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "surety.db")
	db := open(t, path)
	if err := store.PutBlob(ctx, db, "log", sha256.Sum256([]byte("x")), []byte("x")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if m := fi.Mode().Perm(); m != 0o600 {
			t.Errorf("%s has mode %04o, want 0600", filepath.Base(p), m)
		}
	}
}
