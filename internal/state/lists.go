package state

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/surety/surety/internal/screening/lists"
	"github.com/surety/surety/internal/statement"
	"github.com/surety/surety/internal/store"
)

// List is an adopted list edition.
type List struct {
	statement.ListAdoptBody
	Index uint64    `json:"index"`
	Time  time.Time `json:"time"`
}

func listBody(st *statement.Statement) (statement.ListAdoptBody, [32]byte, error) {
	var b statement.ListAdoptBody
	if err := st.Decode(&b); err != nil {
		return b, [32]byte{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	sum, err := decodeSum(b.SHA256)
	return b, sum, err
}

// decodeSum parses a hex SHA-256.
func decodeSum(h string) ([32]byte, error) {
	var sum [32]byte
	raw, err := hex.DecodeString(h)
	if err != nil || len(raw) != 32 {
		return sum, fmt.Errorf("%w: %q is not a hex SHA-256", ErrInvalid, h)
	}
	copy(sum[:], raw)
	return sum, nil
}

func listBlobs(st *statement.Statement) ([][32]byte, error) {
	_, sum, err := listBody(st)
	return [][32]byte{sum}, err
}

func applyListAdopt(c *Context, e Entry) error {
	b, sum, err := listBody(e.Statement)
	if err != nil {
		return err
	}
	if b.Source != lists.SourceUN && b.Source != lists.SourceOFAC {
		return fmt.Errorf("%w: source %q is not known; use un or ofac", ErrInvalid, b.Source)
	}
	data, err := c.KV.Blob(sum)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%w: no blob %s; upload the edition with POST /v1/blobs first", ErrInvalid, b.SHA256)
	}
	if err != nil {
		return err
	}
	if sha256.Sum256(data) != sum {
		return fmt.Errorf("state: blob %s does not hash to its name", b.SHA256)
	}
	ed, err := c.proj.edition(sum, data)
	if err != nil {
		return fmt.Errorf("%w: blob %s is not a canonical list edition: %v", ErrInvalid, b.SHA256, err)
	}
	if ed.Source != b.Source || ed.Date != b.Date || len(ed.Entries) != b.Entries {
		return fmt.Errorf("%w: the edition is %s of %s with %d entries, but the statement says %s of %s with %d", ErrInvalid,
			ed.Source, ed.Date, len(ed.Entries), b.Source, b.Date, b.Entries)
	}
	return putJSON(c.KV, kindList, b.Source, List{ListAdoptBody: b, Index: e.Index, Time: e.Time})
}

// Lists returns the adopted list editions in force.
func Lists(kv KV) ([]List, error) { return scanJSON[List](kv, kindList, "", "") }
