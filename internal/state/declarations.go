package state

import (
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/compliance"
	"github.com/surety/surety/internal/inspection"
	"github.com/surety/surety/internal/screening"
	"github.com/surety/surety/internal/statement"
	"github.com/surety/surety/internal/store"
)

// DeclarationStatus is where a declaration stands.
type DeclarationStatus string

// The declaration statuses.
const (
	Declared  DeclarationStatus = "declared"
	Amended   DeclarationStatus = "amended"
	Withdrawn DeclarationStatus = "withdrawn"
)

// Declaration flags beyond the screening's signals.
const (
	FlagLate                     = "late"
	FlagAfterDeparture           = "after_departure"
	FlagAmendedAfterCommitment   = "amended_after_commitment"
	FlagWithdrawnAfterCommitment = "withdrawn_after_commitment"
	FlagWithdrawn                = "withdrawn"
)

// Declaration is a declared consignment as the state knows it: what was
// declared, when, how it screened, its selection probability, and what
// happened to it since.
type Declaration struct {
	ID       string            `json:"id"`
	Author   string            `json:"author"`
	Party    string            `json:"party"`
	Index    uint64            `json:"index"`
	LeafHash string            `json:"leaf_hash"`
	Time     time.Time         `json:"time"`
	Status   DeclarationStatus `json:"status"`
	// Body is the declaration as last amended.
	Body screening.Declaration `json:"declaration"`
	// Lists are the editions it was screened against, e.g. "un 2026-02-27".
	Lists     []string         `json:"lists"`
	Screening screening.Result `json:"screening"`
	// P is the selection probability under the sampling policy.
	P float64 `json:"p"`
	// Flags are the screening's signals and the declaration's own flags,
	// sorted.
	Flags      []string            `json:"flags"`
	Late       bool                `json:"late,omitempty"`
	Amendments []compliance.Change `json:"amendments,omitempty"`
	Withdrawal *compliance.Change  `json:"withdrawal,omitempty"`
}

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

func decodeDeclaration(e Entry, v any, spec *agreement.Spec, d *screening.Declaration) error {
	if err := decode(e, v); err != nil {
		return err
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
	if err := decodeDeclaration(e, &d.Body, c.Spec, &d.Body); err != nil {
		return err
	}
	tl := Timeline(c.KV, c.Spec)
	if lead, ok := leadTime(tl, d.Body.Site, e.Time); e.Time.After(d.Body.Departure) || ok && e.Time.After(lead.SubFrom(d.Body.Departure)) {
		d.Late = true
	}
	if err := c.screen(d, tl, e.Time, false); err != nil {
		return err
	}
	if err := putPending(c.KV, d); err != nil {
		return err
	}
	if d.Late {
		if err := c.stmtEvent(e, Event{Kind: compliance.Late, Party: d.Party, Ref: d.ID, Site: d.Body.Site,
			Obligation: c.obligation(agreement.Declare, d.Party, d.Body.Site, e.Time),
			Text:       fmt.Sprintf("declaration %s was made late: at %s for a departure at %s", d.ID, e.Time.Format(time.RFC3339), d.Body.Departure.Format(time.RFC3339))}); err != nil {
			return err
		}
	}
	if err := c.checkLicence(e, d); err != nil {
		return err
	}
	return putDeclaration(c.KV, d, nil)
}

// Pending is a declaration awaiting its selection commitment: what the
// selector needs to decide it.
type Pending struct {
	ID        string    `json:"id"`
	Index     uint64    `json:"index"`
	LeafHash  string    `json:"leaf_hash"`
	Site      string    `json:"site"`
	Departure time.Time `json:"departure"`
	P         float64   `json:"p"`
}

// unselectedKey orders declarations awaiting selection by log index.
func unselectedKey(index uint64, id string) string { return fmt.Sprintf("%020d/%s", index, id) }

// putPending lists the declaration as awaiting its selection, as it now
// stands.
func putPending(kv KV, d *Declaration) error {
	key := unselectedKey(d.Index, d.ID)
	if err := kv.Put(kindPendingID, d.ID, []byte(key)); err != nil {
		return err
	}
	return putJSON(kv, kindUnselected, key, Pending{ID: d.ID, Index: d.Index, LeafHash: d.LeafHash, Site: d.Body.Site, Departure: d.Body.Departure, P: d.P})
}

// deletePending takes a declaration off the list awaiting selection.
func deletePending(kv KV, p Pending) error {
	if err := kv.Delete(kindPendingID, p.ID); err != nil {
		return err
	}
	return kv.Delete(kindUnselected, unselectedKey(p.Index, p.ID))
}

// LoadPending returns a declaration awaiting its selection; found is false
// when it is not awaiting one.
func LoadPending(kv KV, id string) (p Pending, found bool, err error) {
	key, err := kv.Get(kindPendingID, id)
	if errors.Is(err, store.ErrNotFound) {
		return p, false, nil
	}
	if err != nil {
		return p, false, err
	}
	found, err = getJSON(kv, kindUnselected, string(key), &p)
	return p, found, err
}

// Unselected lists declarations awaiting their selection, in log order,
// at most limit.
func Unselected(kv KV, limit int) ([]Pending, error) {
	return scanJSONLimit[Pending](kv, kindUnselected, limit)
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
func (c *Context) screen(d *Declaration, tl *agreement.Timeline, t time.Time, committed bool) error {
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
	if !committed {
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
		if f == FlagAmendedAfterCommitment || f == FlagWithdrawnAfterCommitment || f == FlagWithdrawn {
			flags = append(flags, f)
		}
	}
	slices.Sort(flags)
	d.Flags = slices.Compact(flags)
	return nil
}

func (c *Context) change(id string) (*Declaration, error) {
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
	var b statement.AmendBody
	if err := decodeDeclaration(e, &b, c.Spec, &b.New); err != nil {
		return err
	}
	d, err := c.change(b.Declaration)
	if err != nil {
		return err
	}
	_, committed, err := LoadSelection(c.KV, d.ID)
	if err != nil {
		return err
	}
	old := *d
	d.Body = b.New
	d.Status = Amended
	d.Amendments = append(d.Amendments, compliance.Change{ID: e.Statement.ID, Index: e.Index, Time: e.Time, Reason: b.Reason})
	if committed {
		d.Flags = append(d.Flags, FlagAmendedAfterCommitment)
		if err := c.moveReveal(d); err != nil {
			return err
		}
	}
	if err := c.screen(d, Timeline(c.KV, c.Spec), e.Time, committed); err != nil {
		return err
	}
	if err := c.checkLicence(e, d); err != nil {
		return err
	}
	if !committed {
		if err := putPending(c.KV, d); err != nil {
			return err
		}
	}
	return putDeclaration(c.KV, d, &old)
}

func applyWithdraw(c *Context, e Entry) error {
	var b statement.WithdrawBody
	if err := decode(e, &b); err != nil {
		return err
	}
	d, err := c.change(b.Declaration)
	if err != nil {
		return err
	}
	if err := deletePending(c.KV, Pending{ID: d.ID, Index: d.Index}); err != nil {
		return err
	}
	d.Status = Withdrawn
	d.Withdrawal = &compliance.Change{ID: e.Statement.ID, Index: e.Index, Time: e.Time, Reason: b.Reason}
	d.Flags = append(d.Flags, FlagWithdrawn)
	// Withdrawn after its commitment, a consignment is a violation if it
	// turns out to have been selected, where the declaration obligation
	// says so: its reveal decides; the undertaker could not know.
	sel, committed, err := LoadSelection(c.KV, d.ID)
	if err != nil {
		return err
	}
	if committed {
		d.Flags = append(d.Flags, FlagWithdrawnAfterCommitment)
		if err := c.revealOnWithdrawal(&sel, e.Time); err != nil {
			return err
		}
	}
	if sel.Selected() {
		if o := c.obligationByID(c.obligation(agreement.Declare, d.Party, d.Body.Site, e.Time)); o != nil && o.WithdrawalIsViolation {
			if err := c.stmtEvent(e, Event{Kind: compliance.Withdrawn, Party: d.Party, Ref: d.ID, Site: d.Body.Site, Obligation: o.ID,
				Text: fmt.Sprintf("declaration %s was withdrawn after its selection; obligation %s makes that a violation", d.ID, o.ID)}); err != nil {
				return err
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
