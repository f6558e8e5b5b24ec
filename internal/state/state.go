// Package state is Surety's projector: it turns each log entry into the
// projected state (principals and keys, declarations, selections, verdicts,
// tranches…) with one deterministic apply step per statement type. The steps
// run inside the append transaction, and again, identically, when the state
// is rebuilt or an auditor replays the log.
//
// The rules of compliance (what is a breach, the verdicts, what the
// consequences do) are package compliance's: state gathers the facts from
// the log, asks compliance, and applies the actions it returns.
//
// Apply steps see the state only through KV and the entry; they never read
// the clock, the network or random numbers.
package state

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/screening/items"
	"github.com/surety/surety/internal/screening/lists"
	"github.com/surety/surety/internal/screening/names"
	"github.com/surety/surety/internal/statement"
	"github.com/surety/surety/internal/store"
)

// Rejections: a statement is refused for one of these reasons, which the
// server maps to HTTP statuses in one table.
var (
	// ErrForbidden: the author may not make this statement.
	ErrForbidden = errors.New("forbidden")
	// ErrConflict: the statement contradicts the state (a duplicate id, a
	// second selection, …).
	ErrConflict = errors.New("conflict")
	// ErrInvalid: the body is wrong, or refers to what does not exist.
	ErrInvalid = errors.New("invalid")
	// ErrUnknownType: no apply step handles the statement type.
	ErrUnknownType = statement.ErrUnknownType
)

// Entry is a statement as sequenced in the log.
type Entry struct {
	Index     uint64
	Time      time.Time
	LeafHash  [32]byte
	Statement *statement.Statement
	// Checked are the statement's costly checks already passed (see
	// Prepare); nil on a replay, which makes them all.
	Checked Checked
}

// Context is what an apply step works with.
type Context struct {
	KV KV
	// Spec is the adopted agreement; nil before agreement.adopt.
	Spec *agreement.Spec
	// Author is the signing principal, as the state knows it.
	Author *Principal
	// Now is the log time of the entry being applied; the steps that time
	// decides record the changes they make at it.
	Now time.Time

	proj *Projector
}

// Handler is the apply step of one statement type.
type Handler struct {
	// Duties lists the duties, any one of which lets a principal of one
	// of Roles make the statement. Empty Duties means the handler
	// authorizes by itself.
	Duties []agreement.Duty
	Roles  []agreement.Role
	// Apply checks the statement against the state and updates it. It
	// returns an error wrapping one of the rejections to refuse it.
	Apply func(c *Context, e Entry) error
	// Blobs, if set, lists the blobs the statement refers to, which are part
	// of the record: auditors fetch them before replaying it.
	Blobs func(st *statement.Statement) ([][32]byte, error)
}

// BlobsOf lists the blobs a statement refers to.
func BlobsOf(st *statement.Statement) ([][32]byte, error) {
	h, ok := handlers[st.Type]
	if !ok || h.Blobs == nil {
		return nil, nil
	}
	return h.Blobs(st)
}

// Permit says which principals may make a statement type: any holding one
// of Duties in a party of one of Roles. Empty Duties means the apply step
// decides (agreement.adopt: the log key; key.add and key.revoke: the
// principal itself or an envoy or coordinator of its party;
// decision.vote and decision.move: a member of the body;
// license.decision: an approver of the procurement channel's party, or a
// member of the channel's body taking the extended limit).
type Permit struct {
	Type   string
	Duties []agreement.Duty
	Roles  []agreement.Role
}

// Permits returns the authorization matrix, by type.
func Permits() []Permit {
	var out []Permit
	for _, t := range Types() {
		out = append(out, Permit{Type: t, Duties: handlers[t].Duties, Roles: handlers[t].Roles})
	}
	return out
}

// Allowed reports whether a principal holding duty in a party of role may
// make statements of the type, by the matrix alone.
func (p Permit) Allowed(role agreement.Role, duty agreement.Duty) bool {
	return slices.Contains(p.Duties, duty) && slices.Contains(p.Roles, role) && slices.Contains(agreement.Duties[role], duty)
}

// Types lists the statement types the projector applies.
func Types() []string {
	ts := make([]string, 0, len(handlers))
	for t := range handlers {
		ts = append(ts, t)
	}
	slices.Sort(ts)
	return ts
}

// Projector applies entries to the state. It caches what never changes
// once in the log: the adopted agreement and the decoded list editions,
// with the name index of the editions in force. Reset forgets the
// agreement, for a rebuild.
type Projector struct {
	mu       sync.Mutex
	spec     *agreement.Spec
	editions map[[32]byte]lists.Edition
	index    *names.Index
	items    *items.Rules // compiled from itemsOf
	itemsOf  *agreement.Spec
	indexKey string
	authors  map[string]decoded // see author
}

// NewProjector returns a projector with nothing cached.
func NewProjector() *Projector { return &Projector{} }

// Reset forgets the cached agreement.
func (p *Projector) Reset() {
	p.mu.Lock()
	p.spec = nil
	p.mu.Unlock()
}

// Apply authorizes the entry's statement against the state and applies it.
// The signature must already have been verified with the key the state
// holds for the author under the statement's key id (see Lookup). Before
// the statement, everything the passing of time decided up to the entry's
// log time runs (see schedule.go).
func (p *Projector) Apply(kv KV, e Entry) error {
	st := e.Statement
	h, ok := handlers[st.Type]
	if !ok {
		return fmt.Errorf("%w %q; known types: %v", ErrUnknownType, st.Type, Types())
	}
	spec, err := p.Spec(kv)
	if err != nil {
		return err
	}
	if err := skewed(spec, e); err != nil {
		return err
	}
	c := &Context{KV: kv, Spec: spec, Now: e.Time, proj: p}
	if st.Type != statement.TypeAdopt {
		if spec == nil {
			return fmt.Errorf("%w: the log has adopted no agreement yet; agreement.adopt comes first", ErrConflict)
		}
		if st.Agreement != spec.ID {
			return fmt.Errorf("%w: statement is for agreement %q, this log is %q", ErrInvalid, st.Agreement, spec.ID)
		}
		if err := c.runDue(e.Time); err != nil {
			return err
		}
		pr, err := p.author(kv, st.Author)
		if err != nil {
			return err
		}
		if !pr.current(st.KeyID) {
			return fmt.Errorf("%w: key %s is not a current key of %s", ErrForbidden, st.KeyID, st.Author)
		}
		if len(h.Duties) > 0 && (!pr.holds(h.Duties...) || !slices.Contains(h.Roles, pr.Role)) {
			return fmt.Errorf("%w: %s (%s of %s, the %s) may not make %s; it takes a principal with duty %v of the %v", ErrForbidden,
				st.Author, dutyNames(pr.Duties), pr.Party, pr.Role, st.Type, h.Duties, h.Roles)
		}
		c.Author = pr
	}
	if err := h.Apply(c, e); err != nil {
		return err
	}
	return cite(kv, h, e)
}

// cite records the blobs an accepted statement refers to, each under the
// index of the first statement to cite it, so that the server may sweep
// the blobs that no statement cites (see Cited).
func cite(kv KV, h Handler, e Entry) error {
	if h.Blobs == nil {
		return nil
	}
	sums, err := h.Blobs(e.Statement)
	if err != nil {
		return err
	}
	for _, sum := range sums {
		key := hex.EncodeToString(sum[:])
		_, err := kv.Get(kindCited, key)
		if errors.Is(err, store.ErrNotFound) {
			err = kv.Put(kindCited, key, []byte(strconv.FormatUint(e.Index, 10)))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// Cited reports whether a statement in the log cites the blob.
func Cited(kv KV, sum [32]byte) (bool, error) {
	_, err := kv.Get(kindCited, hex.EncodeToString(sum[:]))
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// Spec returns the adopted agreement, or nil before the adoption.
func (p *Projector) Spec(kv KV) (*agreement.Spec, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.spec != nil {
		return p.spec, nil
	}
	doc, err := kv.Get(kindAgreement, "document")
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	s, err := agreement.Parse("agreement", doc)
	if err != nil {
		return nil, fmt.Errorf("state: the adopted agreement does not parse: %w", err)
	}
	p.spec = s
	return s, nil
}

// skewed refuses a statement whose author time lies farther from its log
// time than the agreement's log.max_skew (the default before the adoption).
func skewed(spec *agreement.Spec, e Entry) error {
	skew := agreement.DefaultMaxSkew
	if spec != nil {
		skew = spec.Log.Skew()
	}
	at := e.Statement.Time
	if at.Before(skew.SubFrom(e.Time)) || at.After(skew.AddTo(e.Time)) {
		return fmt.Errorf("%w: %s was signed at %s, but the log time is %s: more than log.max_skew %s apart; sign with a clock that is right, at the time of sending", ErrInvalid,
			e.Statement.ID, at.UTC().Format(time.RFC3339), e.Time.UTC().Format(time.RFC3339), skew)
	}
	return nil
}

func dutyNames(ds []agreement.Duty) string {
	b, _ := json.Marshal(ds)
	return string(b)
}

// decode decodes a statement's body; a body that does not decode is
// invalid.
func decode(e Entry, v any) error {
	if err := e.Statement.Decode(v); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	return nil
}

// getJSON reads a JSON value; found is false for a missing row.
func getJSON(kv KV, kind, key string, v any) (found bool, err error) {
	b, err := kv.Get(kind, key)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return false, fmt.Errorf("state: %s %s: %w", kind, key, err)
	}
	return true, nil
}

// load reads the record of kind with the id; its absence is an error
// wrapping ErrInvalid, naming what was looked for.
func load[T any](kv KV, kind, id, what string) (*T, error) {
	var v T
	found, err := getJSON(kv, kind, id, &v)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("%w: no %s %q", ErrInvalid, what, id)
	}
	return &v, nil
}

// scanJSON decodes every record of a kind with keys in [from, to), in key
// order.
func scanJSON[T any](kv KV, kind, from, to string) ([]T, error) {
	return scanRange[T](kv, kind, from, to, 0)
}

// scanJSONLimit decodes the first limit rows of a kind (all when limit is
// zero).
func scanJSONLimit[T any](kv KV, kind string, limit int) ([]T, error) {
	return scanRange[T](kv, kind, "", "", limit)
}

func scanRange[T any](kv KV, kind, from, to string, limit int) ([]T, error) {
	var out []T
	err := kv.Scan(kind, from, to, limit, func(_ string, v []byte) error {
		var x T
		if err := json.Unmarshal(v, &x); err != nil {
			return fmt.Errorf("state: %s: %w", kind, err)
		}
		out = append(out, x)
		return nil
	})
	return out, err
}

// putJSON writes a JSON value.
func putJSON(kv KV, kind, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("state: %s %s: %w", kind, key, err)
	}
	return kv.Put(kind, key, b)
}
