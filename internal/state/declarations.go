package state

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/inspection"
	"github.com/surety/surety/internal/screening"
	"github.com/surety/surety/internal/screening/lists"
	"github.com/surety/surety/internal/statement"
	"github.com/surety/surety/internal/store"
)

// The statement types of declarations.
const (
	TypeDeclare  = "declaration.submit"
	TypeAmend    = "declaration.amend"
	TypeWithdraw = "declaration.withdraw"
)

const (
	kindList        = "list"
	kindRelief      = "relief"
	kindDeclaration = "declaration"
	kindByDeparture = "declaration-by-departure"
	kindBySite      = "declaration-by-site"
	kindUnselected  = "declaration-unselected"
)

// Declaration statuses.
const (
	Declared  = "declared"
	Amended   = "amended"
	Withdrawn = "withdrawn"
)

// Declaration flags beyond the screening's signals.
const (
	FlagLate                    = "late"
	FlagAfterDeparture          = "after_departure"
	FlagAmendedAfterSelection   = "amended_after_selection"
	FlagWithdrawnAfterSelection = "withdrawn_after_selection"
	FlagWithdrawn               = "withdrawn"
)

// Declaration is a declared consignment as the state knows it: what was
// declared, when, how it screened, its selection probability, and what
// happened to it since.
type Declaration struct {
	ID       string    `json:"id"`
	Author   string    `json:"author"`
	Party    string    `json:"party"`
	Index    uint64    `json:"index"`
	LeafHash string    `json:"leaf_hash"`
	Time     time.Time `json:"time"`
	Status   string    `json:"status"`
	// Body is the declaration as last amended.
	Body screening.Declaration `json:"declaration"`
	// Lists are the editions it was screened against, e.g. "un 2026-02-27".
	Lists     []string         `json:"lists"`
	Screening screening.Result `json:"screening"`
	// P is the selection probability under the sampling policy.
	P float64 `json:"p"`
	// Flags are the screening's signals and the declaration's own flags,
	// sorted.
	Flags      []string `json:"flags"`
	Late       bool     `json:"late,omitempty"`
	Amendments []Change `json:"amendments,omitempty"`
	Withdrawal *Change  `json:"withdrawal,omitempty"`
	// Selected is set once the selection is decided (selection.decide).
	Selected *bool `json:"selected,omitempty"`
}

// Change is an amendment or withdrawal of a declaration.
type Change struct {
	ID     string    `json:"id"`
	Index  uint64    `json:"index"`
	Time   time.Time `json:"time"`
	Reason string    `json:"reason,omitempty"`
}

// AmendBody is the body of declaration.amend: the declaration in full, as
// it now stands.
type AmendBody struct {
	Declaration string                `json:"declaration"`
	Reason      string                `json:"reason,omitempty"`
	New         screening.Declaration `json:"new"`
}

// WithdrawBody is the body of declaration.withdraw.
type WithdrawBody struct {
	Declaration string `json:"declaration"`
	Reason      string `json:"reason,omitempty"`
}

// List is an adopted list edition.
type List struct {
	ListAdoptBody
	Index uint64    `json:"index"`
	Time  time.Time `json:"time"`
}

func init() {
	declarant := []agreement.Duty{agreement.Declarant}
	Register(TypeListAdopt, Handler{Duties: []agreement.Duty{agreement.Coordinator, agreement.LogKey}, Apply: applyListAdopt, Blobs: listBlobs})
	Register(TypeDeclare, Handler{Duties: declarant, Apply: applyDeclare})
	Register(TypeAmend, Handler{Duties: declarant, Apply: applyAmend})
	Register(TypeWithdraw, Handler{Duties: declarant, Apply: applyWithdraw})
}

func listBody(st *statement.Statement) (ListAdoptBody, [32]byte, error) {
	var b ListAdoptBody
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

// lifted returns the list references that sanctions relief has lifted.
func lifted(kv KV) (map[string]bool, error) {
	var refs []string
	if _, err := getJSON(kv, kindRelief, "lifted", &refs); err != nil {
		return nil, err
	}
	m := make(map[string]bool, len(refs))
	for _, r := range refs {
		m[r] = true
	}
	return m, nil
}

// depKey is a time as fixed-width text, so that keys sort in time order.
func depKey(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000Z") }

// DepartureKey is the prefix of the keys of declarations departing at t,
// for range queries.
func DepartureKey(t time.Time) string { return depKey(t) }

func (d *Declaration) indexKeys() (byDep, bySite string) {
	k := depKey(d.Body.Departure) + "/" + d.ID
	return k, d.Body.Site + "/" + k
}

func putDeclaration(kv KV, d *Declaration, old *Declaration) error {
	if old != nil {
		a, b := old.indexKeys()
		if err := kv.Delete(kindByDeparture, a); err != nil {
			return err
		}
		if err := kv.Delete(kindBySite, b); err != nil {
			return err
		}
	}
	a, b := d.indexKeys()
	if err := kv.Put(kindByDeparture, a, []byte(d.ID)); err != nil {
		return err
	}
	if err := kv.Put(kindBySite, b, []byte(d.ID)); err != nil {
		return err
	}
	return putJSON(kv, kindDeclaration, d.ID, d)
}

// LoadDeclaration returns the declaration with the statement id, or an
// error wrapping ErrInvalid when there is none.
func LoadDeclaration(kv KV, id string) (*Declaration, error) {
	return load[Declaration](kv, kindDeclaration, id, "declaration")
}

func decodeDeclaration(st *statement.Statement, v any, spec *agreement.Spec, d *screening.Declaration) error {
	if err := st.Decode(v); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if err := d.Validate(spec); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	return nil
}

func applyDeclare(c *Context, e Entry) error {
	st := e.Statement
	d := &Declaration{ID: st.ID, Author: st.Author, Party: c.Author.Party, Index: e.Index,
		LeafHash: hex.EncodeToString(e.LeafHash[:]), Time: e.Time, Status: Declared}
	if err := decodeDeclaration(st, &d.Body, c.Spec, &d.Body); err != nil {
		return err
	}
	tl := Timeline(c.KV, c.Spec)
	if lead, ok := leadTime(tl, d.Body.Site, e.Time); e.Time.After(d.Body.Departure) || ok && e.Time.After(lead.SubFrom(d.Body.Departure)) {
		d.Late = true
	}
	if err := c.screen(d, tl, e.Time); err != nil {
		return err
	}
	if err := c.KV.Put(kindUnselected, unselectedKey(d), []byte(d.ID)); err != nil {
		return err
	}
	if d.Late {
		if err := c.stmtEvent(e, Event{Kind: EventLate, Party: d.Party, Ref: d.ID, Site: d.Body.Site,
			Text: fmt.Sprintf("declaration %s was made late: at %s for a departure at %s", d.ID, e.Time.Format(time.RFC3339), d.Body.Departure.Format(time.RFC3339))}); err != nil {
			return err
		}
	}
	if err := c.checkLicence(e, d); err != nil {
		return err
	}
	return putDeclaration(c.KV, d, nil)
}

// unselectedKey orders declarations awaiting selection by log index.
func unselectedKey(d *Declaration) string { return fmt.Sprintf("%020d/%s", d.Index, d.ID) }

// Unselected lists declarations awaiting their selection, in log order,
// at most limit.
func Unselected(kv KV, limit int) ([]*Declaration, error) {
	var ids []string
	err := kv.Scan(kindUnselected, "", "", limit, func(_ string, v []byte) error {
		ids = append(ids, string(v))
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]*Declaration, 0, len(ids))
	for _, id := range ids {
		d, err := LoadDeclaration(kv, id)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// leadTime returns the lead time of the declaration obligation in force at
// the site.
func leadTime(tl *agreement.Timeline, site string, at time.Time) (agreement.Duration, bool) {
	for _, o := range tl.InForce(at) {
		if o.Kind == agreement.Declare && slices.Contains(o.Sites, site) && o.LeadTime != nil {
			return *o.LeadTime, true
		}
	}
	return agreement.Duration{}, false
}

// screen screens the declaration against the lists in force, the
// obligations in force at log time t and the sampling policy, and sets its
// result, p and flags.
func (c *Context) screen(d *Declaration, tl *agreement.Timeline, t time.Time) error {
	ix, lists, err := c.proj.names(c.KV)
	if err != nil {
		return err
	}
	lf, err := lifted(c.KV)
	if err != nil {
		return err
	}
	d.Lists = lists
	d.Screening = screening.Screen(d.Body, screening.Context{
		Spec: c.Spec, Rules: c.proj.rules(c.Spec), Index: ix, Lifted: lf, InForce: tl.InForce(t),
		Late: d.Late, Amendments: len(d.Amendments),
	})
	if d.Selected == nil {
		d.P = inspection.Probability(c.Spec.Verification.Sampling, d.Screening.Risk)
	}
	flags := slices.Clone(d.Screening.Flags)
	if d.Late && !slices.Contains(flags, FlagLate) {
		flags = append(flags, FlagLate)
	}
	if d.Body.Departure.Before(d.Time) {
		flags = append(flags, FlagAfterDeparture)
	}
	for _, f := range d.Flags {
		if f == FlagAmendedAfterSelection || f == FlagWithdrawnAfterSelection || f == FlagWithdrawn {
			flags = append(flags, f)
		}
	}
	slices.Sort(flags)
	d.Flags = slices.Compact(flags)
	return nil
}

func (c *Context) change(st *statement.Statement, id string) (*Declaration, error) {
	d, err := LoadDeclaration(c.KV, id)
	if err != nil {
		return nil, err
	}
	if d.Party != c.Author.Party {
		return nil, fmt.Errorf("%w: declaration %s was made by %s; only its party may change it", ErrForbidden, id, d.Party)
	}
	if d.Status == Withdrawn {
		return nil, fmt.Errorf("%w: declaration %s was withdrawn at index %d", ErrConflict, id, d.Withdrawal.Index)
	}
	return d, nil
}

func applyAmend(c *Context, e Entry) error {
	var b AmendBody
	if err := decodeDeclaration(e.Statement, &b, c.Spec, &b.New); err != nil {
		return err
	}
	d, err := c.change(e.Statement, b.Declaration)
	if err != nil {
		return err
	}
	old := *d
	d.Body = b.New
	d.Status = Amended
	d.Amendments = append(d.Amendments, Change{ID: e.Statement.ID, Index: e.Index, Time: e.Time, Reason: b.Reason})
	if d.Selected != nil {
		d.Flags = append(d.Flags, FlagAmendedAfterSelection)
	}
	if err := c.screen(d, Timeline(c.KV, c.Spec), e.Time); err != nil {
		return err
	}
	if err := c.checkLicence(e, d); err != nil {
		return err
	}
	return putDeclaration(c.KV, d, &old)
}

func applyWithdraw(c *Context, e Entry) error {
	var b WithdrawBody
	if err := e.Statement.Decode(&b); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	d, err := c.change(e.Statement, b.Declaration)
	if err != nil {
		return err
	}
	if err := c.KV.Delete(kindUnselected, unselectedKey(d)); err != nil {
		return err
	}
	d.Status = Withdrawn
	d.Withdrawal = &Change{ID: e.Statement.ID, Index: e.Index, Time: e.Time, Reason: b.Reason}
	d.Flags = append(d.Flags, FlagWithdrawn)
	if err := c.dequeue(d.ID); err != nil {
		return err
	}
	if d.Selected != nil {
		d.Flags = append(d.Flags, FlagWithdrawnAfterSelection)
		for _, o := range Timeline(c.KV, c.Spec).InForce(e.Time) {
			if o.Kind == agreement.Declare && o.WithdrawalIsViolation && slices.Contains(o.Sites, d.Body.Site) {
				if err := c.stmtEvent(e, Event{Kind: EventWithdrawn, Party: d.Party, Ref: d.ID, Site: d.Body.Site,
					Text: fmt.Sprintf("declaration %s was withdrawn after its selection; obligation %s makes that a violation", d.ID, o.ID)}); err != nil {
					return err
				}
				break
			}
		}
	}
	slices.Sort(d.Flags)
	d.Flags = slices.Compact(d.Flags)
	return putJSON(c.KV, kindDeclaration, d.ID, d)
}

// Declarations lists declarations departing in [from, to) (zero times mean
// unbounded), at site if not empty, carrying flag if not empty, in
// departure order, at most limit.
func Declarations(kv KV, site string, from, to time.Time, flag string, limit int) ([]*Declaration, error) {
	kind, prefix := kindByDeparture, ""
	if site != "" {
		kind, prefix = kindBySite, site+"/"
	}
	lo, hi := prefix, prefix+keyEnd
	if !from.IsZero() {
		lo = prefix + depKey(from)
	}
	if !to.IsZero() {
		hi = prefix + depKey(to)
	}
	var out []*Declaration
	var ids []string
	err := kv.Scan(kind, lo, hi, 0, func(_ string, v []byte) error {
		ids = append(ids, string(v))
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if limit > 0 && len(out) == limit {
			break
		}
		d, err := LoadDeclaration(kv, id)
		if err != nil {
			return nil, err
		}
		if flag == "" || slices.Contains(d.Flags, flag) {
			out = append(out, d)
		}
	}
	return out, nil
}

// Lists returns the adopted list editions in force.
func Lists(kv KV) ([]List, error) {
	var out []List
	err := kv.Scan(kindList, "", "", 0, func(_ string, v []byte) error {
		var l List
		if err := json.Unmarshal(v, &l); err != nil {
			return err
		}
		out = append(out, l)
		return nil
	})
	return out, err
}
