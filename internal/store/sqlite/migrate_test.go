package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"io"
	"io/fs"
	"path/filepath"
	"testing"
	"time"

	"github.com/pressly/goose/v3"
)

// TestBlobsMigrate: a blob stored whole, before blobs were kept in parts,
// reads back the same after the migration, and is kept by a sweep.
func TestBlobsMigrate(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	write, _ := dsns(path)
	db, err := sql.Open("sqlite", write)
	if err != nil {
		t.Fatal(err)
	}
	fsys, _ := fs.Sub(migrations, "migrations")
	p, err := goose.NewProvider(goose.DialectSQLite3, db, fsys)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 3); err != nil {
		t.Fatal(err)
	}
	data := []byte("an edition stored whole")
	sum := sha256.Sum256(data)
	if _, err := db.Exec("INSERT INTO blobs (sum, data) VALUES (?, ?)", sum[:], data); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	n, err := s.SweepBlobs(ctx, "il-kp-1993", time.Now().Add(time.Hour), func([32]byte) (bool, error) { return false, nil })
	if err != nil || n != 0 {
		t.Errorf("a sweep after the migration: %d deleted, %v", n, err)
	}
	r, err := s.OpenBlob(ctx, sum)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	if err != nil || string(got) != string(data) || r.Size() != int64(len(data)) {
		t.Errorf("the migrated blob reads %q, %v (size %d)", got, err, r.Size())
	}
}
