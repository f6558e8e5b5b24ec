package client

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"

	flog "github.com/transparency-dev/formats/log"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/ledger"
	"github.com/surety/surety/internal/statement"
)

// Log reads one agreement's log through the server and proves every entry
// it returns against the log's signed checkpoint: what a party holding only
// the log key can trust.
type Log struct {
	c         *Client
	agreement string
	// Checkpoint is the signed note, verified with the log key.
	Checkpoint []byte
	// Size and Root are the checkpoint's tree size and root hash.
	Size uint64
	Root []byte

	bundles map[uint64][][]byte
}

// Log fetches the agreement's latest checkpoint and verifies it with
// logKey, a note verifier key named after the log's origin.
func (c *Client) Log(ctx context.Context, agr, logKey string) (*Log, error) {
	v, err := note.NewVerifier(logKey)
	if err != nil {
		return nil, fmt.Errorf("log key: %w", err)
	}
	var raw []byte
	if err := c.Get(ctx, "/log/"+url.PathEscape(agr)+"/checkpoint", &raw); err != nil {
		return nil, err
	}
	cp, _, _, err := flog.ParseCheckpoint(raw, v.Name(), v)
	if err != nil {
		return nil, fmt.Errorf("the checkpoint does not verify with the log key: %w", err)
	}
	return &Log{c: c, agreement: agr, Checkpoint: raw, Size: cp.Size, Root: cp.Hash, bundles: map[uint64][][]byte{}}, nil
}

// Proved is an entry proved included in the checkpoint's tree.
type Proved struct {
	Index uint64
	// Data is the entry's bytes, as its leaf hash covers them.
	Data     []byte
	LeafHash [32]byte
	// Proof is the inclusion proof in the tree of the checkpoint's size.
	Proof [][]byte
	Entry *ledger.Entry
}

// Entry fetches entry i from its entry bundle, proves its inclusion in the
// checkpoint's tree, and parses it.
func (l *Log) Entry(ctx context.Context, i uint64) (*Proved, error) {
	if i >= l.Size {
		return nil, fmt.Errorf("entry %d is beyond the checkpoint's tree size %d; wait for the next checkpoint", i, l.Size)
	}
	tile := i / ledger.TileWidth
	es, ok := l.bundles[tile]
	if !ok {
		p := ledger.TilePath{Entries: true, Index: tile}
		if end := min((tile+1)*ledger.TileWidth, l.Size); end%ledger.TileWidth != 0 {
			p.Width = int(end % ledger.TileWidth)
		}
		var b []byte
		if err := l.c.Get(ctx, "/log/"+url.PathEscape(l.agreement)+"/"+p.String(), &b); err != nil {
			return nil, err
		}
		var err error
		if es, err = ledger.ParseBundle(b); err != nil || uint64(len(es)) <= i-tile*ledger.TileWidth {
			return nil, fmt.Errorf("entry bundle %s is malformed", p)
		}
		l.bundles[tile] = es
	}
	pr := &Proved{Index: i, Data: es[i-tile*ledger.TileWidth]}
	pr.LeafHash = ledger.LeafHash(pr.Data)
	q := url.Values{"agreement": {l.agreement}, "index": {strconv.FormatUint(i, 10)}, "size": {strconv.FormatUint(l.Size, 10)}}
	var resp struct {
		Proof [][]byte `json:"proof"`
	}
	if err := l.c.Get(ctx, "/v1/proof/inclusion?"+q.Encode(), &resp); err != nil {
		return nil, err
	}
	pr.Proof = resp.Proof
	if err := proof.VerifyInclusion(rfc6962.DefaultHasher, i, l.Size, pr.LeafHash[:], pr.Proof, l.Root); err != nil {
		return nil, fmt.Errorf("entry %d is not in the log's signed tree: %w", i, err)
	}
	var err error
	pr.Entry, err = ledger.ParseEntry(pr.Data)
	return pr, err
}

// Adopted returns the agreement that a log's entry 0 adopts, once it has
// checked that the entry is agreement.adopt, signed by the log key's
// principal with the log key. It works offline.
func Adopted(e *ledger.Entry, logKey string) (*agreement.Spec, error) {
	if e.Statement.Type != statement.TypeAdopt {
		return nil, fmt.Errorf("entry 0 is %s, not %s", e.Statement.Type, statement.TypeAdopt)
	}
	var b statement.AdoptBody
	if err := e.Statement.Decode(&b); err != nil {
		return nil, fmt.Errorf("entry 0: %w", err)
	}
	spec, err := agreement.Parse("the adopted agreement", []byte(b.Document))
	if err != nil {
		return nil, err
	}
	_, want, err := keys.ParsePublic(logKey)
	if err != nil {
		return nil, fmt.Errorf("log key: %w", err)
	}
	pr := principal(spec, e.Statement.Author)
	if pr == nil || !slices.Contains(pr.Duties, agreement.LogKey) {
		return nil, fmt.Errorf("entry 0 is signed by %s, not by the log key's principal", e.Statement.Author)
	}
	if _, pub, err := keys.ParsePublic(pr.Key); err != nil || !pub.Equal(want) {
		return nil, fmt.Errorf("the adopted agreement gives its log principal %s a key other than the log key", pr.ID)
	}
	if err := e.Statement.Verify(want); err != nil {
		return nil, fmt.Errorf("entry 0: %w", err)
	}
	return spec, nil
}

// Signed checks a statement's signature with the key the agreement gives
// its author. Keys added later by key.add are not known to it.
func Signed(spec *agreement.Spec, st *statement.Statement) error {
	pr := principal(spec, st.Author)
	if pr == nil {
		return fmt.Errorf("%s is not a principal of the agreement", st.Author)
	}
	_, pub, err := keys.ParsePublic(pr.Key)
	if err != nil {
		return err
	}
	return st.Verify(pub)
}

func principal(spec *agreement.Spec, id string) *agreement.Principal {
	for _, p := range spec.Parties {
		for i, pr := range p.Principals {
			if pr.ID == id {
				return &p.Principals[i]
			}
		}
	}
	return nil
}
