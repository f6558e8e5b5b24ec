package state

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/inspection"
	"github.com/surety/surety/internal/statement"
	"github.com/surety/surety/internal/store"
)

// The statement types of inspection.
const (
	TypeSelect     = "selection.decide"
	TypeReport     = "inspection.report"
	TypeAllegation = "allegation.file"
	TypeChallenge  = "challenge.request"
	TypeResponse   = "challenge.response"
)

const (
	kindInspection = "inspection"
	kindQueue      = "queue"
	kindDeadline   = "deadline"
	kindAllegation = "allegation"
	kindChallenge  = "challenge"
)

// The outcomes of an inspection.
const (
	Cleared      = "cleared"
	Discrepancy  = "discrepancy"
	Prohibited   = "prohibited"
	AccessDenied = "access_denied"
	NotPerformed = "not_performed"
)

var outcomes = []string{Cleared, Discrepancy, Prohibited, AccessDenied, NotPerformed}

// SelectBody is the body of selection.decide: the VRF proof over the
// declaration's agreement and leaf hash, the projected p, u from the VRF
// output, and the decision u < p.
type SelectBody struct {
	Declaration string  `json:"declaration"`
	Proof       string  `json:"proof"`
	P           float64 `json:"p"`
	U           float64 `json:"u"`
	Selected    bool    `json:"selected"`
}

// Selection is a decided selection as the state knows it.
type Selection struct {
	SelectBody
	ID       string    `json:"id"`
	Index    uint64    `json:"index"`
	Time     time.Time `json:"time"`
	Site     string    `json:"site"`
	Deadline time.Time `json:"deadline"`
}

// Finding is what an inspector found about one item.
type Finding struct {
	Item     int    `json:"item"`
	Finding  string `json:"finding"`
	Category string `json:"category,omitempty"`
}

// Evidence is a photo or document, stored as a blob.
type Evidence struct {
	SHA256 string `json:"sha256"`
	Kind   string `json:"kind"`
	Name   string `json:"name,omitempty"`
}

// ReportBody is the body of inspection.report.
type ReportBody struct {
	// Declaration is the inspected declaration, or Challenge the challenge
	// inspection; exactly one is set.
	Declaration string     `json:"declaration,omitempty"`
	Challenge   string     `json:"challenge,omitempty"`
	Site        string     `json:"site"`
	Outcome     string     `json:"outcome"`
	Reason      string     `json:"reason,omitempty"`
	Findings    []Finding  `json:"findings,omitempty"`
	Seals       []string   `json:"seals,omitempty"`
	Start       time.Time  `json:"start"`
	End         time.Time  `json:"end"`
	Evidence    []Evidence `json:"evidence,omitempty"`
}

// Inspection is an inspection as the state knows it: a report, or a
// selection whose deadline passed without one.
type Inspection struct {
	ReportBody
	ID     string    `json:"id"`
	Author string    `json:"author,omitempty"`
	Index  uint64    `json:"index"`
	Time   time.Time `json:"time"`
	// Cause says why an inspection was not performed when no report came.
	Cause string `json:"cause,omitempty"`
}

func init() {
	Register(TypeSelect, Handler{Duties: []agreement.Duty{agreement.Selector}, Apply: applySelect})
	Register(TypeReport, Handler{Duties: []agreement.Duty{agreement.Inspector}, Apply: applyReport, Blobs: reportBlobs})
}

// selectorKey returns the VRF public key of a selector principal.
func selectorKey(spec *agreement.Spec, id string) ([]byte, error) {
	for _, p := range spec.Parties {
		for _, pr := range p.Principals {
			if pr.ID == id && pr.VRF != "" {
				return base64.StdEncoding.DecodeString(pr.VRF)
			}
		}
	}
	return nil, fmt.Errorf("%w: %s has no VRF key in the agreement", ErrForbidden, id)
}

// VerifySelection checks a selection's proof against the selector's VRF
// key and the declaration's leaf hash, and that u and the decision follow
// from it. It does not check p, which comes from the projection.
func VerifySelection(spec *agreement.Spec, selector string, leafHash [32]byte, b SelectBody) error {
	pub, err := selectorKey(spec, selector)
	if err != nil {
		return err
	}
	proof, err := base64.StdEncoding.DecodeString(b.Proof)
	if err != nil {
		return fmt.Errorf("%w: proof is not base64", ErrInvalid)
	}
	out, err := inspection.Verify(pub, inspection.SelectionInput(spec.ID, leafHash), proof)
	if err != nil {
		return fmt.Errorf("%w: the VRF proof does not verify with %s's key: %v", ErrInvalid, selector, err)
	}
	if u := inspection.Uniform(out); u != b.U {
		return fmt.Errorf("%w: u is %v but the VRF output gives %v", ErrInvalid, b.U, u)
	}
	if inspection.Decide(b.U, b.P) != b.Selected {
		return fmt.Errorf("%w: selected is %v but u = %v and p = %v", ErrInvalid, b.Selected, b.U, b.P)
	}
	return nil
}

// DecideSelection is the selector's decision on a declaration: the VRF
// proof with the selector's key over the agreement id and the declaration's
// leaf hash, u from the proof's output, and the decision u < p. Anyone can
// check it with VerifySelection.
func DecideSelection(key *inspection.Key, agreement, declaration string, leafHash [32]byte, p float64) SelectBody {
	proof, out := inspection.Prove(key, inspection.SelectionInput(agreement, leafHash))
	u := inspection.Uniform(out)
	return SelectBody{Declaration: declaration, Proof: base64.StdEncoding.EncodeToString(proof), P: p, U: u, Selected: inspection.Decide(u, p)}
}

func applySelect(c *Context, e Entry) error {
	var b SelectBody
	if err := e.Statement.Decode(&b); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	d, err := LoadDeclaration(c.KV, b.Declaration)
	if err != nil {
		return err
	}
	if d.Selected != nil {
		return fmt.Errorf("%w: declaration %s already has a selection", ErrConflict, d.ID)
	}
	if d.Status == Withdrawn {
		return fmt.Errorf("%w: declaration %s was withdrawn", ErrConflict, d.ID)
	}
	if b.P != d.P {
		return fmt.Errorf("%w: p is %v, but the projected selection probability of %s is %v", ErrInvalid, b.P, d.ID, d.P)
	}
	leaf, err := hex.DecodeString(d.LeafHash)
	if err != nil || len(leaf) != 32 {
		return fmt.Errorf("state: declaration %s has leaf hash %q", d.ID, d.LeafHash)
	}
	if err := VerifySelection(c.Spec, e.Statement.Author, [32]byte(leaf), b); err != nil {
		return err
	}
	sel := Selection{SelectBody: b, ID: e.Statement.ID, Index: e.Index, Time: e.Time, Site: d.Body.Site}
	d.Selected = &b.Selected
	if err := c.KV.Delete(kindUnselected, unselectedKey(d)); err != nil {
		return err
	}
	if b.Selected {
		sel.Deadline = d.Body.Departure
		if m := c.Spec.Verification.Sampling.Margin; m != nil {
			sel.Deadline = m.SubFrom(d.Body.Departure)
		}
		if err := c.KV.Put(kindQueue, queueKey(sel.Site, sel.Deadline, d.ID), []byte(d.ID)); err != nil {
			return err
		}
		if err := c.schedule(sel.Deadline, "selection", d.ID); err != nil {
			return err
		}
	}
	if err := putJSON(c.KV, kindSelection, d.ID, sel); err != nil {
		return err
	}
	return putJSON(c.KV, kindDeclaration, d.ID, d)
}

const kindSelection = "selection"

// dequeue takes a selected declaration not yet inspected off its site's
// queue and cancels its deadline: it was withdrawn, and will not leave.
func (c *Context) dequeue(decl string) error {
	sel, found, err := LoadSelection(c.KV, decl)
	if err != nil || !found || !sel.Selected {
		return err
	}
	if _, inspected, err := LoadInspection(c.KV, decl); err != nil || inspected {
		return err
	}
	if err := c.KV.Delete(kindQueue, queueKey(sel.Site, sel.Deadline, decl)); err != nil {
		return err
	}
	return c.unschedule(sel.Deadline, "selection", decl)
}

func queueKey(site string, deadline time.Time, id string) string {
	return site + "/" + depKey(deadline) + "/" + id
}

// LoadSelection returns the selection of a declaration; found is false
// when none was decided.
func LoadSelection(kv KV, decl string) (sel Selection, found bool, err error) {
	found, err = getJSON(kv, kindSelection, decl, &sel)
	return sel, found, err
}

// LoadInspection returns the inspection of a declaration.
func LoadInspection(kv KV, decl string) (in Inspection, found bool, err error) {
	found, err = getJSON(kv, kindInspection, decl, &in)
	return in, found, err
}

func reportBlobs(st *statement.Statement) ([][32]byte, error) {
	var b ReportBody
	if err := st.Decode(&b); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	return evidenceSums(b.Evidence)
}

// checkEvidence requires every evidence blob to be stored already.
func checkEvidence(kv KV, evs []Evidence) error {
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

func evidenceSums(evs []Evidence) ([][32]byte, error) {
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

func applyReport(c *Context, e Entry) error {
	var b ReportBody
	if err := e.Statement.Decode(&b); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if !slices.Contains(outcomes, b.Outcome) {
		return fmt.Errorf("%w: outcome %q is not one of %v", ErrInvalid, b.Outcome, outcomes)
	}
	if b.Outcome == NotPerformed && b.Reason == "" {
		return fmt.Errorf("%w: a not_performed report gives its reason", ErrInvalid)
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
	in := Inspection{ReportBody: b, ID: e.Statement.ID, Author: e.Statement.Author, Index: e.Index, Time: e.Time}
	switch {
	case (b.Declaration == "") == (b.Challenge == ""):
		return fmt.Errorf("%w: a report names either its declaration or its challenge", ErrInvalid)
	case b.Declaration != "":
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
		if !found || !sel.Selected {
			return fmt.Errorf("%w: declaration %s was not selected for inspection", ErrConflict, d.ID)
		}
		if err := c.KV.Delete(kindQueue, queueKey(sel.Site, sel.Deadline, d.ID)); err != nil {
			return err
		}
		if err := c.unschedule(sel.Deadline, "selection", d.ID); err != nil {
			return err
		}
		if _, found, err := LoadInspection(c.KV, d.ID); err != nil {
			return err
		} else if found {
			return fmt.Errorf("%w: declaration %s already has an inspection", ErrConflict, d.ID)
		}
		if err := putJSON(c.KV, kindInspection, d.ID, in); err != nil {
			return err
		}
		return c.reportEvents(e, b, d.Party, "declaration "+d.ID, false)
	}
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
	undeclared := false
	if ch.Allegation != "" {
		var a Allegation
		if _, err := getJSON(c.KV, kindAllegation, ch.Allegation, &a); err != nil {
			return err
		}
		undeclared = a.Undeclared
	}
	return c.reportEvents(e, b, partyOfSite(c.Spec, b.Site), "challenge "+ch.ID, undeclared)
}

// reportEvents records what an inspection report establishes: a finding,
// a denial, an inspection performed (which also gives access, curing an
// earlier denial at the site), or one not performed.
func (c *Context) reportEvents(e Entry, b ReportBody, party, subject string, undeclared bool) error {
	ev := Event{Party: party, Ref: b.Declaration + b.Challenge, Site: b.Site}
	switch b.Outcome {
	case AccessDenied:
		ev.Kind, ev.Text = EventAccessDenied, fmt.Sprintf("inspectors were denied access to %s at %s (report %s)", subject, b.Site, e.Statement.ID)
		return c.stmtEvent(e, ev)
	case NotPerformed:
		ev.Kind, ev.Text = EventNotPerformed, fmt.Sprintf("the inspection of %s was not performed: %s", subject, b.Reason)
		return c.stmtEvent(e, ev)
	}
	given := ev
	given.Kind, given.Text = EventAccessGiven, fmt.Sprintf("inspectors inspected %s at %s (report %s)", subject, b.Site, e.Statement.ID)
	if err := c.stmtEvent(e, given); err != nil {
		return err
	}
	if err := c.cure(e, party, b.Site, string(agreement.AccessDenied), string(agreement.ChallengeRefused)); err != nil {
		return err
	}
	switch {
	case b.Outcome == Prohibited && undeclared:
		ev.Kind, ev.Text = EventUndeclared, fmt.Sprintf("an undeclared departure was confirmed: %s found prohibited items at %s (report %s)", subject, b.Site, e.Statement.ID)
	case b.Outcome == Prohibited:
		ev.Kind, ev.Text = EventProhibited, fmt.Sprintf("%s: prohibited items found at %s (report %s)", subject, b.Site, e.Statement.ID)
	case b.Outcome == Discrepancy:
		ev.Kind, ev.Text = EventDiscrepancy, fmt.Sprintf("%s: a discrepancy found at %s (report %s)", subject, b.Site, e.Statement.ID)
	default:
		return nil
	}
	return c.stmtEvent(e, ev)
}

// Queue lists the declarations selected at a site and not yet inspected,
// by deadline.
func Queue(kv KV, site string) ([]Selection, error) {
	var ids []string
	err := kv.Scan(kindQueue, site+"/", site+"/"+keyEnd, 0, func(_ string, v []byte) error {
		ids = append(ids, string(v))
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]Selection, 0, len(ids))
	for _, id := range ids {
		sel, _, err := LoadSelection(kv, id)
		if err != nil {
			return nil, err
		}
		out = append(out, sel)
	}
	return out, nil
}

func init() {
	OnDue("selection", expireSelection)
	OnDue("challenge", expireChallenge)
}

// expireSelection records a selection whose deadline passed without a
// report as not performed.
func expireSelection(c *Context, deadline time.Time, id string) error {
	sel, _, err := LoadSelection(c.KV, id)
	if err != nil {
		return err
	}
	if err := c.KV.Delete(kindQueue, queueKey(sel.Site, sel.Deadline, id)); err != nil {
		return err
	}
	in := Inspection{ReportBody: ReportBody{Declaration: id, Site: sel.Site, Outcome: NotPerformed},
		ID: "deadline/" + id, Time: deadline,
		Cause: fmt.Sprintf("no inspection was reported by the deadline %s (departure less the margin)", deadline.Format(time.RFC3339))}
	if err := putJSON(c.KV, kindInspection, id, in); err != nil {
		return err
	}
	return c.event(deadline, Event{Kind: EventNotPerformed, Party: partyOfSite(c.Spec, sel.Site), Ref: id, Site: sel.Site,
		Text: fmt.Sprintf("the selected consignment %s was not inspected by its deadline", id)})
}

// expireChallenge refuses a challenge left unanswered past its deadline.
func expireChallenge(c *Context, deadline time.Time, id string) error {
	ch, err := LoadChallenge(c.KV, id)
	if err != nil {
		return err
	}
	ch.Status = ChallengeRefused
	ch.Cause = fmt.Sprintf("no answer by the deadline %s: silence counts as refusal", deadline.Format(time.RFC3339))
	if err := putJSON(c.KV, kindChallenge, id, ch); err != nil {
		return err
	}
	return c.event(deadline, Event{Kind: EventChallengeRefused, Party: partyOfSite(c.Spec, ch.Site), Ref: id, Site: ch.Site, Index: ch.Index,
		Text: fmt.Sprintf("challenge %s at %s was left unanswered past its response time", id, ch.Site)})
}
