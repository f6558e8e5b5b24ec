package audit

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	flog "github.com/transparency-dev/formats/log"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"

	"github.com/surety/surety/internal/ledger"
)

// ReceiptCheck says which receipt to check, against which log.
type ReceiptCheck struct {
	// Server is the log server's base URL.
	Server string
	// LogKey is the log's verifier key.
	LogKey string
	// Receipt is the signed receipt, as the log gave it.
	Receipt []byte
	// Checkpoint, if set, is the checkpoint to check against; otherwise
	// the server's latest.
	Checkpoint []byte
	// Client is the HTTP client; nil means one with the auditor's limits.
	Client *http.Client
}

// ReceiptReport says what a receipt check verified.
type ReceiptReport struct {
	Receipt ledger.Receipt `json:"receipt"`
	Size    uint64         `json:"checkpoint_size"`
	Root    []byte         `json:"checkpoint_root"`
}

// VerifyReceipt proves that the entry a receipt promised is included in a
// checkpoint signed by the same log key: the given one, or the server's
// latest. A checkpoint too small to hold the entry, or one whose tree has
// another leaf at its index, is evidence that the log was rolled back
// after it acknowledged the statement; that is reported as a Failure,
// which quotes both signed notes.
func VerifyReceipt(ctx context.Context, c ReceiptCheck) (*ReceiptReport, error) {
	v, err := note.NewVerifier(strings.TrimSpace(c.LogKey))
	if err != nil {
		return nil, fmt.Errorf("receipt: log key: %w", err)
	}
	r, err := ledger.OpenReceipt(c.Receipt, v)
	if err != nil {
		return nil, fmt.Errorf("receipt: %w", err)
	}
	if c.Client == nil {
		c.Client = newClient(30 * time.Second)
	}
	a := &auditor{cfg: Config{Server: c.Server, Agreement: r.Agreement, Client: c.Client, Timeout: 30 * time.Second}, base: strings.TrimSuffix(c.Server, "/")}
	raw := c.Checkpoint
	if raw == nil {
		if raw, err = a.get(ctx, "/log/"+r.Agreement+"/checkpoint", maxNote); err != nil {
			return nil, err
		}
	}
	cp, _, _, err := flog.ParseCheckpoint(raw, v.Name(), v)
	if err != nil {
		return nil, fmt.Errorf("receipt: the checkpoint does not verify with the log key %s: %w", v.Name(), err)
	}
	rep := &ReceiptReport{Receipt: r, Size: cp.Size, Root: cp.Hash}
	evidence := func(why string) error {
		return fail("rollback: the log key %s promised entry %d (leaf %x, logged %s) and now signs a checkpoint of size %d that %s.\n"+
			"Keep both signed notes: together they prove that the log dropped an acknowledged statement.\n\nreceipt:\n%s\ncheckpoint:\n%s",
			v.Name(), r.Index, r.LeafHash, r.Time.Format("2006-01-02T15:04:05Z07:00"), cp.Size, why, c.Receipt, raw)
	}
	if cp.Size <= r.Index {
		return rep, evidence("cannot hold it")
	}
	q := url.Values{"agreement": {r.Agreement}, "index": {strconv.FormatUint(r.Index, 10)}, "size": {strconv.FormatUint(cp.Size, 10)}}
	b, err := a.get(ctx, "/v1/proof/inclusion?"+q.Encode(), maxProof)
	if err != nil {
		return nil, err
	}
	var pr struct {
		Proof [][]byte `json:"proof"`
	}
	if err := json.Unmarshal(b, &pr); err != nil {
		return nil, fmt.Errorf("receipt: inclusion proof: %w", err)
	}
	if proof.VerifyInclusion(rfc6962.DefaultHasher, r.Index, cp.Size, r.LeafHash[:], pr.Proof, cp.Hash) == nil {
		return rep, nil
	}
	// The proof does not include the promised leaf: find what the tree
	// holds at that index instead.
	b, err = a.get(ctx, "/v1/statements/"+strconv.FormatUint(r.Index, 10), maxEntry)
	if err != nil {
		return nil, err
	}
	var e struct {
		LeafHash string `json:"leaf_hash"`
	}
	other, herr := []byte(nil), json.Unmarshal(b, &e)
	if herr == nil {
		other, herr = hex.DecodeString(e.LeafHash)
	}
	if herr == nil && proof.VerifyInclusion(rfc6962.DefaultHasher, r.Index, cp.Size, other, pr.Proof, cp.Hash) == nil {
		return rep, evidence(fmt.Sprintf("holds another entry at that index (leaf %x)", other))
	}
	return rep, fail("the log's inclusion proof for entry %d does not verify against its own checkpoint of size %d, for the promised leaf or the one it serves", r.Index, cp.Size)
}
