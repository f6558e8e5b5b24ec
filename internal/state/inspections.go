package state

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/compliance"
	"github.com/surety/surety/internal/statement"
	"github.com/surety/surety/internal/store"
)

// Fault is who caused an inspection not to happen.
type Fault string

// The faults.
const (
	// FaultInspectorate: no inspector came, or the report came late.
	FaultInspectorate Fault = "inspectorate"
	// FaultSiteParty: the site's party turned the inspectors away.
	FaultSiteParty Fault = "site_party"
	// FaultNone: force majeure, as both the inspectorate and the site's
	// party state.
	FaultNone Fault = "none"
)

// Inspection is an inspection as the state knows it: a report, or a
// selection whose deadline passed without one.
type Inspection struct {
	statement.ReportBody
	ID     string    `json:"id"`
	Author string    `json:"author,omitempty"`
	Index  uint64    `json:"index"`
	Time   time.Time `json:"time"`
	// Cause says why an inspection was not performed when no report came.
	Cause string `json:"cause,omitempty"`
	// Fault says who caused a denial or an inspection not performed.
	Fault Fault `json:"fault,omitempty"`
	// Denials are the earlier reports on the same consignment whose
	// inspectors were turned away; this report may have cured them.
	Denials []Inspection `json:"denials,omitempty"`
}

// LoadInspection returns the inspection of a declaration.
func LoadInspection(kv KV, decl string) (in Inspection, found bool, err error) {
	found, err = getJSON(kv, kindInspection, decl, &in)
	return in, found, err
}

func reportBlobs(st *statement.Statement) ([][32]byte, error) {
	var b statement.ReportBody
	if err := st.Decode(&b); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	return evidenceSums(b.Evidence)
}

// checkEvidence requires every evidence blob to be stored already.
func checkEvidence(kv KV, evs []statement.Evidence) error {
	for i, ev := range evs {
		sum, err := decodeSum(ev.SHA256)
		if err != nil {
			return fmt.Errorf("%w: evidence[%d]: %v", ErrInvalid, i, err)
		}
		if _, err := kv.Blob(sum); errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("%w: evidence[%d]: no blob %s; upload it with POST /v1/blobs first", ErrInvalid, i, ev.SHA256)
		} else if err != nil {
			return err
		}
	}
	return nil
}

func evidenceSums(evs []statement.Evidence) ([][32]byte, error) {
	var sums [][32]byte
	for _, ev := range evs {
		s, err := decodeSum(ev.SHA256)
		if err != nil {
			return nil, err
		}
		sums = append(sums, s)
	}
	return sums, nil
}

// faultOf is who caused an inspection with the outcome not to happen.
func faultOf(o statement.Outcome) Fault {
	switch o {
	case statement.AccessDenied:
		return FaultSiteParty
	case statement.NotPerformed:
		return FaultInspectorate
	}
	return ""
}

func applyReport(c *Context, e Entry) error {
	var b statement.ReportBody
	if err := decode(e, &b); err != nil {
		return err
	}
	if !slices.Contains(statement.Outcomes, b.Outcome) {
		return fmt.Errorf("%w: outcome %q is not one of %v", ErrInvalid, b.Outcome, statement.Outcomes)
	}
	if (b.Outcome == statement.NotPerformed || b.Outcome == statement.AccessDenied) && b.Reason == "" {
		return fmt.Errorf("%w: a %s report gives its reason", ErrInvalid, b.Outcome)
	}
	if b.ForceMajeure && b.Outcome != statement.NotPerformed {
		return fmt.Errorf("%w: only a not_performed inspection can be claimed as force majeure", ErrInvalid)
	}
	if !slices.Contains(c.Author.Sites, b.Site) {
		return fmt.Errorf("%w: %s inspects at %v, not at %s", ErrForbidden, c.Author.ID, c.Author.Sites, b.Site)
	}
	if b.End.Before(b.Start) || b.Start.IsZero() {
		return fmt.Errorf("%w: the inspection needs a start, and an end not before it", ErrInvalid)
	}
	if err := checkEvidence(c.KV, b.Evidence); err != nil {
		return err
	}
	in := Inspection{ReportBody: b, ID: e.Statement.ID, Author: e.Statement.Author, Index: e.Index, Time: e.Time, Fault: faultOf(b.Outcome)}
	if (b.Declaration == "") == (b.Challenge == "") {
		return fmt.Errorf("%w: a report names either its declaration or its challenge", ErrInvalid)
	}
	if b.Declaration != "" {
		return c.reportDeclaration(e, in)
	}
	return c.reportChallenge(e, in)
}

// reportDeclaration records the inspection of a selected consignment. Its
// first report reveals the selection, as the inspectors present
// themselves, and must come before the consignment leaves; a report after
// departure is late, and the missed inspection the inspectorate's failure.
// A consignment whose inspectors were turned away may be inspected again
// until it leaves: that cures the denial.
func (c *Context) reportDeclaration(e Entry, in Inspection) error {
	b := in.ReportBody
	d, err := LoadDeclaration(c.KV, b.Declaration)
	if err != nil {
		return err
	}
	if d.Body.Site != b.Site {
		return fmt.Errorf("%w: declaration %s leaves from %s, not %s", ErrInvalid, d.ID, d.Body.Site, b.Site)
	}
	sel, found, err := LoadSelection(c.KV, d.ID)
	if err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("%w: declaration %s has no selection commitment; nothing was selected for inspection", ErrConflict, d.ID)
	}
	switch {
	case sel.Reveal == nil && b.Reveal == nil:
		return fmt.Errorf("%w: the selection of %s is sealed: the report reveals it (reveal, as the inspectorate's queue gives it)", ErrInvalid, d.ID)
	case sel.Reveal == nil && !b.Reveal.Selected:
		return fmt.Errorf("%w: the decision revealed says declaration %s was not selected for inspection", ErrConflict, d.ID)
	case sel.Reveal != nil && b.Reveal != nil:
		return fmt.Errorf("%w: the selection of %s was revealed already, at index %d; leave reveal out", ErrConflict, d.ID, sel.Reveal.Index)
	case sel.Reveal != nil && !sel.Selected():
		return fmt.Errorf("%w: declaration %s was not selected for inspection", ErrConflict, d.ID)
	}
	if !e.Time.Before(d.Body.Departure) && sel.Reveal == nil {
		return fmt.Errorf("%w: declaration %s left at %s; a report after departure is late: reveal the selection with selection.reveal, and its missed inspection is the inspectorate's failure",
			ErrConflict, d.ID, d.Body.Departure.Format(time.RFC3339))
	}
	if b.Reveal != nil {
		if err := c.reveal(e, &sel, *b.Reveal); err != nil {
			return err
		}
	}
	prev, found, err := LoadInspection(c.KV, d.ID)
	if err != nil {
		return err
	}
	cure := ""
	switch {
	case found && prev.Outcome != statement.AccessDenied:
		return fmt.Errorf("%w: declaration %s already has an inspection", ErrConflict, d.ID)
	case found && !e.Time.Before(d.Body.Departure):
		return fmt.Errorf("%w: declaration %s left at %s; its denial can no longer be cured by an inspection", ErrConflict, d.ID, d.Body.Departure.Format(time.RFC3339))
	case found:
		in.Denials = append(prev.Denials, prev)
		in.Denials[len(in.Denials)-1].Denials = nil
		cure = d.ID
	case !e.Time.Before(d.Body.Departure):
		return fmt.Errorf("%w: declaration %s left at %s; its inspection was due before", ErrConflict, d.ID, d.Body.Departure.Format(time.RFC3339))
	}
	if err := putJSON(c.KV, kindInspection, d.ID, in); err != nil {
		return err
	}
	return c.reportEvents(e, b, findingContext{party: d.Party, subject: "declaration " + d.ID, ref: d.ID, cure: cure,
		cureBy: d.Body.Departure, destination: d.Body.Destination, seals: d.Body.Seals, declared: true})
}

// reportChallenge records a challenge inspection. Inspecting a challenge
// that repeats a refused or denied one cures that refusal, if it comes
// within the agreement's cure period.
func (c *Context) reportChallenge(e Entry, in Inspection) error {
	b := in.ReportBody
	ch, err := LoadChallenge(c.KV, b.Challenge)
	if err != nil {
		return err
	}
	if ch.Status != ChallengeGranted {
		return fmt.Errorf("%w: challenge %s is %s, not granted", ErrConflict, ch.ID, ch.Status)
	}
	if ch.Inspection != nil {
		return fmt.Errorf("%w: challenge %s already has an inspection report", ErrConflict, ch.ID)
	}
	if b.Site != ch.Site {
		return fmt.Errorf("%w: challenge %s is at %s, not %s", ErrInvalid, ch.ID, ch.Site, b.Site)
	}
	ch.Inspection = &in
	if err := putJSON(c.KV, kindChallenge, ch.ID, ch); err != nil {
		return err
	}
	f := findingContext{party: partyOfSite(c.Spec, b.Site), subject: "challenge " + ch.ID, ref: ch.ID}
	if ch.Allegation != "" {
		var a Allegation
		if _, err := getJSON(c.KV, kindAllegation, ch.Allegation, &a); err != nil {
			return err
		}
		f.undeclared = a.Undeclared
	}
	if ch.Repeats != "" {
		r, err := LoadChallenge(c.KV, ch.Repeats)
		if err != nil {
			return err
		}
		class, at := r.breach()
		if until, limited := c.cureWindow(class, f.party, at); !limited || !e.Time.After(until) {
			f.cure = r.ID
		}
	}
	return c.reportEvents(e, b, f)
}

// findingContext is what a report's facts are about.
type findingContext struct {
	party, subject, ref string
	// cure is the refused or denied subject this report's access cures.
	cure string
	// cureBy is when a denial of the subject can no longer be cured.
	cureBy      time.Time
	destination string
	undeclared  bool
	// seals are the seals declared on a declared consignment.
	seals    []string
	declared bool
}

// reportEvents records what an inspection report establishes: a denial,
// an inspection not performed, or access given (which cures what the
// report may cure) and a finding.
func (c *Context) reportEvents(e Entry, b statement.ReportBody, f findingContext) error {
	ev := Event{Party: f.party, Ref: f.ref, Site: b.Site}
	switch b.Outcome {
	case statement.AccessDenied:
		ev.Kind, ev.CureBy = compliance.AccessDenied, f.cureBy
		ev.Obligation = c.obligation(agreement.Access, f.party, b.Site, e.Time)
		ev.Text = fmt.Sprintf("inspectors were denied access to %s at %s (report %s): %s", f.subject, b.Site, e.Statement.ID, b.Reason)
		return c.stmtEvent(e, ev)
	case statement.NotPerformed:
		ev.Kind, ev.Party = compliance.NotPerformed, c.Author.Party
		ev.Obligation = c.obligation(agreement.Inspect, ev.Party, b.Site, e.Time)
		ev.Text = fmt.Sprintf("the inspection of %s was not performed: %s", f.subject, b.Reason)
		if b.ForceMajeure {
			ev.Text += fmt.Sprintf("; claimed as force majeure, which counts once %s confirms it", f.party)
		}
		return c.stmtEvent(e, ev)
	}
	given := ev
	given.Kind, given.Text = compliance.AccessGiven, fmt.Sprintf("inspectors inspected %s at %s (report %s)", f.subject, b.Site, e.Statement.ID)
	if err := c.stmtEvent(e, given); err != nil {
		return err
	}
	if f.cure != "" {
		if err := c.cure(&e, f.party, f.cure, b.Site, fmt.Sprintf("the access denied for %s was given: %s", f.cure, given.Text)); err != nil {
			return err
		}
	}
	if f.declared && b.Outcome != statement.AccessDenied && b.Outcome != statement.NotPerformed {
		if err := c.checkSeals(e, b, f); err != nil {
			return err
		}
	}
	switch {
	case b.Outcome == statement.Prohibited && f.undeclared:
		ev.Kind, ev.Text = compliance.Undeclared, fmt.Sprintf("an undeclared departure was confirmed: %s found prohibited items at %s (report %s)", f.subject, b.Site, e.Statement.ID)
	case b.Outcome == statement.Prohibited:
		ev.Kind, ev.Text = compliance.Prohibited, fmt.Sprintf("%s: prohibited items found at %s (report %s)", f.subject, b.Site, e.Statement.ID)
	case b.Outcome == statement.Discrepancy:
		ev.Kind, ev.Text = compliance.Discrepancy, fmt.Sprintf("%s: a discrepancy found at %s (report %s)", f.subject, b.Site, e.Statement.ID)
		ev.Obligation = c.obligation(agreement.Declare, f.party, b.Site, e.Time)
		return c.stmtEvent(e, ev)
	default:
		return nil
	}
	ev.Obligation = c.transferObligation(f.party, b.Findings, f.destination, e.Time)
	return c.stmtEvent(e, ev)
}

// transferObligation returns the no-transfer obligation in force that a
// prohibited finding breaches: one covering a found item's category and
// the destination, where the report and declaration say them; else the
// party's first.
func (c *Context) transferObligation(party string, fs []statement.Finding, dest string, at time.Time) string {
	first := ""
	for _, o := range Timeline(c.KV, c.Spec).InForce(at) {
		if o.Kind != agreement.NoTransfer || o.Party != party {
			continue
		}
		if first == "" {
			first = o.ID
		}
		for _, f := range fs {
			if slices.Contains(o.Items, f.Category) && (dest == "" || o.Covers(dest)) {
				return o.ID
			}
		}
	}
	return first
}

// applyForceMajeure records the site's party's confirmation that an
// inspection claimed as force majeure failed for a cause of neither party:
// it is then charged to no one.
func applyForceMajeure(c *Context, e Entry) error {
	var b statement.ForceMajeureBody
	if err := decode(e, &b); err != nil {
		return err
	}
	var in *Inspection
	var put func(*Inspection) error
	switch {
	case b.Declaration != "" && b.Challenge == "":
		x, found, err := LoadInspection(c.KV, b.Declaration)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("%w: declaration %s has no inspection report", ErrInvalid, b.Declaration)
		}
		in, put = &x, func(x *Inspection) error { return putJSON(c.KV, kindInspection, b.Declaration, x) }
	case b.Challenge != "" && b.Declaration == "":
		ch, err := LoadChallenge(c.KV, b.Challenge)
		if err != nil {
			return err
		}
		if ch.Inspection == nil {
			return fmt.Errorf("%w: challenge %s has no inspection report", ErrInvalid, b.Challenge)
		}
		in, put = ch.Inspection, func(*Inspection) error { return putJSON(c.KV, kindChallenge, ch.ID, ch) }
	default:
		return fmt.Errorf("%w: name either the declaration or the challenge whose inspection was force majeure", ErrInvalid)
	}
	if partyOfSite(c.Spec, in.Site) != c.Author.Party {
		return fmt.Errorf("%w: only the party holding %s confirms force majeure there", ErrForbidden, in.Site)
	}
	if in.Outcome != statement.NotPerformed || !in.ForceMajeure || in.Fault != FaultInspectorate {
		return fmt.Errorf("%w: the inspection %s is not a not_performed report claiming force majeure awaiting confirmation", ErrConflict, in.ID)
	}
	in.Fault = FaultNone
	if err := put(in); err != nil {
		return err
	}
	return c.stmtEvent(e, Event{Kind: compliance.ForceMajeure, Party: inspectorate(c.Spec, in.Site), Ref: in.Declaration + in.Challenge, Site: in.Site,
		Text: fmt.Sprintf("%s confirmed that the inspection %s was not performed for a cause of neither party: %s", c.Author.Party, in.ID, in.Reason)})
}

// missed records a selected consignment that left without a report as
// not performed, through the inspectorate's fault: the entry revealing
// its selection establishes it.
func (c *Context) missed(e Entry, sel Selection) error {
	id := sel.Declaration
	if _, inspected, err := LoadInspection(c.KV, id); err != nil || inspected {
		return err
	}
	dep := sel.Departure.Format(time.RFC3339)
	in := Inspection{ReportBody: statement.ReportBody{Declaration: id, Site: sel.Site, Outcome: statement.NotPerformed},
		ID: "deadline/" + id, Time: sel.Departure, Fault: FaultInspectorate,
		Cause: fmt.Sprintf("no inspection was reported before the consignment left, at %s", dep)}
	if err := putJSON(c.KV, kindInspection, id, in); err != nil {
		return err
	}
	party := inspectorate(c.Spec, sel.Site)
	return c.stmtEvent(e, Event{Kind: compliance.NotPerformed, Party: party, Ref: id, Site: sel.Site,
		Obligation: c.obligation(agreement.Inspect, party, sel.Site, e.Time),
		Text:       fmt.Sprintf("the selected consignment %s left at %s uninspected: no inspector reported before its departure (revealed by %s)", id, dep, e.Statement.ID)})
}

// checkSeals compares the seals inspectors found with those declared: a
// declared seal missing or broken, or a seal that is not a declared one,
// breaks the chain of custody. That is a finding of its own: a discrepancy,
// or a violation where the declaration obligation says so.
func (c *Context) checkSeals(e Entry, b statement.ReportBody, f findingContext) error {
	found := map[string]statement.SealState{}
	for _, s := range b.SealsFound {
		found[s.Seal] = s.State
	}
	var faults []string
	for _, s := range f.seals {
		switch st, ok := found[s]; {
		case !ok:
			faults = append(faults, "seal "+s+" missing")
		case st != statement.SealIntact:
			faults = append(faults, "seal "+s+" "+string(st))
		}
	}
	for _, s := range b.SealsFound {
		if !slices.Contains(f.seals, s.Seal) {
			faults = append(faults, "seal "+s.Seal+" is not a declared one")
		}
	}
	if len(faults) == 0 {
		return nil
	}
	id := c.obligation(agreement.Declare, f.party, b.Site, e.Time)
	kind := compliance.SealDiscrepancy
	if o := c.obligationByID(id); o != nil && o.BrokenSealIsViolation {
		kind = compliance.SealViolation
	}
	return c.stmtEvent(e, Event{Kind: kind, Party: f.party, Ref: f.ref, Site: b.Site, Obligation: id,
		Text: fmt.Sprintf("%s: the chain of custody is broken: %s (report %s)", f.subject, strings.Join(faults, "; "), e.Statement.ID)})
}
