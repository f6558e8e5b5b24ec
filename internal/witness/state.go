package witness

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// tree is a tree the witness cosigned. A nil Hash means it never cosigned
// one for the log.
type tree struct {
	Size uint64
	Hash []byte
}

func (t tree) equal(u tree) bool {
	return t.Size == u.Size && bytes.Equal(t.Hash, u.Hash)
}

// record is the content of a log's state file.
type record struct {
	Origin string `json:"origin"`
	Size   uint64 `json:"size"`
	Hash   []byte `json:"hash"`
}

// file returns the name of origin's state file in the state directory.
// Origins may hold any character, so the name is derived from a hash.
func file(origin string) string {
	sum := sha256.Sum256([]byte(origin))
	return hex.EncodeToString(sum[:]) + ".json"
}

// load reads the tree last cosigned for origin from dir. A missing file
// means none was; a damaged one is an error, never a fresh start.
func load(dir, origin string) (tree, error) {
	path := filepath.Join(dir, file(origin))
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return tree{}, nil
	}
	if err != nil {
		return tree{}, fmt.Errorf("reading state: %w", err)
	}
	var r record
	if err := json.Unmarshal(b, &r); err != nil {
		return tree{}, fmt.Errorf("state file %s: %w", path, err)
	}
	if r.Origin != origin || len(r.Hash) != sha256.Size {
		return tree{}, fmt.Errorf("state file %s: not a record of this log", path)
	}
	return tree{Size: r.Size, Hash: r.Hash}, nil
}

// store durably records t as the tree last cosigned for origin: it writes a
// temporary file, syncs it, renames it over the state file and syncs dir.
func store(dir, origin string, t tree) error {
	b, err := json.Marshal(record{Origin: origin, Size: t.Size, Hash: t.Hash})
	if err != nil {
		return fmt.Errorf("encoding state: %w", err)
	}
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("writing state: %w", err)
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), filepath.Join(dir, file(origin)))
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("writing state: %w", err)
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("syncing state directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("syncing state directory: %w", err)
	}
	return nil
}
