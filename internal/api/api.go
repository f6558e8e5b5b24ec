// Package api holds the HTTP API's request and response types, shared by
// the server that answers and the clients that ask. docs/api.md and
// docs/openapi.yaml describe them.
package api

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/surety/surety/internal/compliance"
	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/statement"
)

// Agreement names the agreement whose log a server holds, with the log's
// clock when it answered.
type Agreement struct {
	ID     string    `json:"id"`
	Title  string    `json:"title"`
	Origin string    `json:"origin"`
	Time   time.Time `json:"time"`
}

// VerdictsResponse is a closed period's verdicts with the history of every
// period's verdicts before and after it.
type VerdictsResponse struct {
	state.Period
	History []VerdictLine `json:"history"`
}

// VerdictLine is one party's verdict in one period.
type VerdictLine struct {
	Period  int                  `json:"period"`
	Party   string               `json:"party"`
	Verdict compliance.Judgement `json:"verdict"`
}

// DeclarationSummary is a declaration in a listing.
type DeclarationSummary struct {
	ID          string                  `json:"id"`
	Index       uint64                  `json:"index"`
	Site        string                  `json:"site"`
	Departure   time.Time               `json:"departure"`
	Destination string                  `json:"destination"`
	Status      state.DeclarationStatus `json:"status"`
	Risk        float64                 `json:"risk"`
	P           float64                 `json:"p"`
	Flags       []string                `json:"flags"`
	Selected    *bool                   `json:"selected,omitempty"`
}

// SelectionResponse is a declaration's selection (its commitment, and the
// decision once revealed) and inspection. Before the reveal it tells a
// selected consignment from no other.
type SelectionResponse struct {
	Selection  *state.Selection  `json:"selection,omitempty"`
	Inspection *state.Inspection `json:"inspection,omitempty"`
}

// SealedAnswer says which of a batch of decisions the server stored
// sealed, and why it refused the others.
type SealedAnswer struct {
	Stored  []string  `json:"stored"`
	Refused []Refusal `json:"refused"`
}

// Refusal is a decision the server did not store, with the problem.
type Refusal struct {
	Declaration string `json:"declaration"`
	Status      int    `json:"status"`
	Detail      string `json:"detail"`
}

// QueueItem is a consignment in a site's sealed queue: selected, and not
// yet inspected.
type QueueItem struct {
	Declaration string `json:"declaration"`
	Site        string `json:"site"`
	// Deadline is the consignment's departure: the inspection is due
	// before it.
	Deadline time.Time `json:"deadline"`
	// Reveal is the decision the inspection report reveals; it is absent
	// once revealed (by the report of inspectors turned away).
	Reveal *statement.Decision `json:"reveal,omitempty"`
	// Denied says an earlier report was turned away: the inspection may
	// still cure it before the deadline.
	Denied bool `json:"denied,omitempty"`
}

// MaxSealedBatch is the most decisions one POST /v1/sealed/selections
// stores.
const MaxSealedBatch = 1000

// Problem is an RFC 9457 problem details object.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
}

// AppendResponse is the answer to POST /v1/statements.
type AppendResponse struct {
	Index    uint64    `json:"index"`
	LeafHash string    `json:"leaf_hash"`
	Time     time.Time `json:"time"`
	// Receipt is the log key's signed promise that the entry at Index,
	// with LeafHash and Time, is in the log: a C2SP signed note (see
	// docs/api.md, "Receipts").
	Receipt string `json:"receipt,omitempty"`
}

// EntryResponse is the answer to GET /v1/statements/{index}.
type EntryResponse struct {
	Index     uint64            `json:"index"`
	LeafHash  string            `json:"leaf_hash"`
	Time      time.Time         `json:"time"`
	Statement json.RawMessage   `json:"statement"`
	Payload   statement.Payload `json:"payload"`
}

// ProofResponse is the answer to the proof endpoints.
type ProofResponse struct {
	Index *uint64  `json:"index,omitempty"`
	Size  uint64   `json:"size"`
	Old   *uint64  `json:"old,omitempty"`
	Proof [][]byte `json:"proof"`
}

// BlobResponse is the answer to POST /v1/blobs.
type BlobResponse struct {
	SHA256 string `json:"sha256"`
	Size   int    `json:"size"`
}

// ProblemBase prefixes problem type names.
const ProblemBase = "https://surety.local/problems/"

func (p *Problem) Error() string {
	return fmt.Sprintf("%d %s: %s", p.Status, p.Title, p.Detail)
}
