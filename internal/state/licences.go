package state

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/compliance"
	"github.com/surety/surety/internal/statement"
)

// LicenceStatus is where a licence request stands.
type LicenceStatus string

// The licence statuses.
const (
	LicencePending  LicenceStatus = "pending"
	LicenceApproved LicenceStatus = "approved"
	LicenceDenied   LicenceStatus = "denied"
)

// Licence is a licence request as the state knows it.
type Licence struct {
	statement.LicenceBody
	ID       string        `json:"id"`
	Index    uint64        `json:"index"`
	Time     time.Time     `json:"time"`
	Deadline time.Time     `json:"deadline"`
	Status   LicenceStatus `json:"status"`
	Decided  time.Time     `json:"decided,omitzero"`
	Cause    string        `json:"cause,omitempty"`
	Extended bool          `json:"extended,omitempty"`
	// Question is the open or last question put to the body that decides
	// the request, when a body decides: licence:<request>, or
	// licence:<request>/referred once the members disagreed.
	Question string `json:"question,omitempty"`
}

// referral is the suffix of the question a request is put again with,
// after the body's members disagreed.
const referral = "/referred"

// Referred reports whether the body's members disagreed on the request
// and it was put to the body again, to the disagreement limit.
func (l *Licence) Referred() bool { return strings.HasSuffix(l.Question, referral) }

func licenceBlobs(st *statement.Statement) ([][32]byte, error) {
	var b statement.LicenceBody
	if err := st.Decode(&b); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	s, err := decodeSum(b.Certificate)
	return [][32]byte{s}, err
}

// addWorkingDays moves t forward by n working days, Monday to Friday.
func addWorkingDays(t time.Time, n int) time.Time {
	for n > 0 {
		t = t.AddDate(0, 0, 1)
		if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return t
}

func applyLicenceRequest(c *Context, e Entry) error {
	var b statement.LicenceBody
	if err := decode(e, &b); err != nil {
		return err
	}
	p := c.Spec.Procurement
	if p == nil {
		return fmt.Errorf("%w: agreement %s has no procurement channel", ErrInvalid, c.Spec.ID)
	}
	if b.Exporter == "" || b.Importer == "" || b.EndUse == "" || b.EndUseLocation == "" || b.Description == "" {
		return fmt.Errorf("%w: a licence request names the description, exporter, importer, end use and end-use location", ErrInvalid)
	}
	if err := checkEvidence(c.KV, []statement.Evidence{{SHA256: b.Certificate}}); err != nil {
		return fmt.Errorf("end-user certificate: %w", err)
	}
	o := needsLicence(Timeline(c.KV, c.Spec).InForce(e.Time), b.Item, b.Destination)
	if o == nil {
		return fmt.Errorf("%w: no licensed-transfer obligation in force covers %s to %s", ErrInvalid, b.Item, b.Destination)
	}
	if asks := c.requester(o); c.Author.Party != asks {
		return fmt.Errorf("%w: licences under obligation %s are asked for by party %s, not %s", ErrForbidden, o.ID, asks, c.Author.Party)
	}
	l := Licence{LicenceBody: b, ID: e.Statement.ID, Index: e.Index, Time: e.Time, Status: LicencePending,
		Deadline: addWorkingDays(e.Time, p.WorkingDays)}
	if err := c.schedule(l.Deadline, "licence", l.ID); err != nil {
		return err
	}
	if body := cmp.Or(o.ApprovedBy, p.Body); body != "" {
		l.Question = "licence:" + l.ID
		text := fmt.Sprintf("approve licence request %s, for obligation %s: %s to %s", l.ID, o.ID, b.Description, b.Destination)
		if err := c.ask(l.Question, body, text, e.Time, l.Deadline); err != nil {
			return err
		}
	}
	return putJSON(c.KV, kindLicence, l.ID, l)
}

// requester is the party that asks for the licences an obligation needs:
// its own requester, the procurement channel's, or else the undertaker.
func (c *Context) requester(o *agreement.Obligation) string {
	if r := cmp.Or(o.RequestedBy, c.Spec.Procurement.Requester); r != "" {
		return r
	}
	for _, p := range c.Spec.Parties {
		if p.Role == agreement.Undertaker {
			return p.ID
		}
	}
	return ""
}

// needsLicence returns the licensed-transfer obligation in force that
// covers the item category to the destination, if any.
func needsLicence(inForce []agreement.Obligation, item, dest string) *agreement.Obligation {
	for i, o := range inForce {
		if o.Kind == agreement.LicensedTransfer && slices.Contains(o.Items, item) && o.Covers(dest) {
			return &inForce[i]
		}
	}
	return nil
}

// LoadLicence returns a licence request.
func LoadLicence(kv KV, id string) (*Licence, error) {
	return load[Licence](kv, kindLicence, id, "licence request")
}

// applyLicenceDecision decides a request, or takes the extended limit. An
// approver of the channel's party decides where no body does. Where the
// channel's body decides, its members vote, and any one of them may ask
// for the extended limit (extend); the Security Council or another body
// an obligation names has no extended limit.
func applyLicenceDecision(c *Context, e Entry) error {
	var b statement.DecisionBody
	if err := decode(e, &b); err != nil {
		return err
	}
	p := c.Spec.Procurement
	if p == nil {
		return fmt.Errorf("%w: agreement %s has no procurement channel", ErrInvalid, c.Spec.ID)
	}
	l, err := LoadLicence(c.KV, b.Request)
	if err != nil {
		return err
	}
	var q *Question
	if l.Question != "" {
		if q, err = LoadQuestion(c.KV, l.Question); err != nil {
			return err
		}
		body := c.Spec.Body(q.Body)
		if !b.Extend || q.Body != p.Body {
			return fmt.Errorf("%w: licence request %s is decided by body %s: its members vote on question %s with %s", ErrForbidden, l.ID, q.Body, q.ID, statement.TypeVote)
		}
		if !body.Member(c.Author.ID) {
			return fmt.Errorf("%w: %s is not a member of body %s, which decides licence request %s; only its members ask for the extended limit", ErrForbidden, c.Author.ID, body.ID, l.ID)
		}
	} else if c.Author.Party != p.Approver || !c.Author.holds(agreement.Approver) {
		return fmt.Errorf("%w: licences are decided by an approver of the procurement channel's party %s", ErrForbidden, cmp.Or(p.Approver, "(none: bodies decide)"))
	}
	if l.Status != LicencePending {
		return fmt.Errorf("%w: licence request %s is %s already (%s)", ErrConflict, l.ID, l.Status, l.Cause)
	}
	if b.Extend {
		if l.Extended || l.Referred() || p.ExtendedWorkingDays == 0 {
			return fmt.Errorf("%w: licence request %s cannot be extended further: its limit is %s", ErrConflict, l.ID, Day(l.Deadline))
		}
		l.Extended = true
		return c.moveDeadline(l, q, addWorkingDays(l.Time, p.ExtendedWorkingDays))
	}
	if err := c.unschedule(l.Deadline, "licence", l.ID); err != nil {
		return err
	}
	l.Status, l.Decided, l.Cause = LicenceDenied, e.Time, "denied by "+e.Statement.ID+": "+b.Reason
	if b.Approved {
		l.Status, l.Cause = LicenceApproved, "approved by "+e.Statement.ID
	}
	return putJSON(c.KV, kindLicence, l.ID, l)
}

// moveDeadline gives a pending request, and the body's question on it if
// one is open, a new limit.
func (c *Context) moveDeadline(l *Licence, q *Question, deadline time.Time) error {
	if err := c.unschedule(l.Deadline, "licence", l.ID); err != nil {
		return err
	}
	l.Deadline = deadline
	if err := c.schedule(l.Deadline, "licence", l.ID); err != nil {
		return err
	}
	if q != nil {
		q.Deadline = deadline
		if err := putJSON(c.KV, kindQuestion, q.ID, q); err != nil {
			return err
		}
	}
	return putJSON(c.KV, kindLicence, l.ID, l)
}

// licenceTimeout decides an unanswered request by the agreement's rule.
func licenceTimeout(c *Context, at time.Time, id string) error {
	l, err := LoadLicence(c.KV, id)
	if err != nil || l.Status != LicencePending {
		return err
	}
	if l.Question != "" {
		if err := c.expire(l.Question, at); err != nil {
			return err
		}
		if l, err = LoadLicence(c.KV, id); err != nil {
			return err
		}
		return c.event(at, Event{Kind: compliance.LicenceTimeout, Ref: id, Text: "licence request " + id + ": " + l.Cause})
	}
	rule := c.Spec.Procurement.OnTimeout
	l.Status, l.Decided = LicenceDenied, at
	if rule == "approve" {
		l.Status = LicenceApproved
	}
	l.Cause = fmt.Sprintf("no decision by %s; the agreement's rule makes it %s", at.Format(time.DateOnly), l.Status)
	if err := putJSON(c.KV, kindLicence, id, l); err != nil {
		return err
	}
	return c.event(at, Event{Kind: compliance.LicenceTimeout, Ref: id, Text: "licence request " + id + ": " + l.Cause})
}

// licenceDecided carries out a body's decision on a licence request. A
// request the channel's body turns down by a member's no before the limit
// is a disagreement: where the agreement sets a disagreement limit, the
// request is put to the body once more, open until that limit, counted
// from the request; the second question's outcome is final.
func licenceDecided(c *Context, q *Question, ref string, at time.Time) error {
	id, _, _ := strings.Cut(ref, "/")
	l, err := LoadLicence(c.KV, id)
	if err != nil {
		return err
	}
	p := c.Spec.Procurement
	no := slices.ContainsFunc(q.Votes, func(v Vote) bool { return v.Ballot == agreement.No })
	if q.Outcome != agreement.Approved && no && at.Before(l.Deadline) && q.Body == p.Body && p.DisagreementWorkingDays > 0 && !l.Referred() {
		l.Question = "licence:" + l.ID + referral
		l.Cause = "referred on disagreement: " + q.Cause
		text := fmt.Sprintf("approve licence request %s, referred after the members disagreed: %s to %s", l.ID, l.Description, l.Destination)
		deadline := addWorkingDays(l.Time, p.DisagreementWorkingDays)
		if err := c.ask(l.Question, q.Body, text, at, deadline); err != nil {
			return err
		}
		return c.moveDeadline(l, nil, deadline)
	}
	if err := c.unschedule(l.Deadline, "licence", l.ID); err != nil {
		return err
	}
	l.Status, l.Decided, l.Cause = LicenceDenied, at, q.Cause
	if q.Outcome == agreement.Approved {
		l.Status = LicenceApproved
	}
	return putJSON(c.KV, kindLicence, l.ID, l)
}

// checkLicence records an unlicensed transfer: a declared item in a
// category that needs approval, to a destination the obligation covers,
// without an approved licence for that category and destination.
func (c *Context) checkLicence(e Entry, d *Declaration) error {
	inForce := Timeline(c.KV, c.Spec).InForce(e.Time)
	for _, it := range d.Screening.Items {
		for _, m := range it.Matches {
			o := needsLicence(inForce, m.Category, d.Body.Destination)
			if o == nil {
				continue
			}
			if d.Body.Licence != "" {
				l, err := LoadLicence(c.KV, d.Body.Licence)
				if err != nil {
					return err
				}
				if l.Status == LicenceApproved && l.Item == m.Category && l.Destination == d.Body.Destination {
					continue
				}
			}
			if !slices.Contains(d.Flags, "unlicensed") {
				d.Flags = append(d.Flags, "unlicensed")
				slices.Sort(d.Flags)
			}
			return c.stmtEvent(e, Event{Kind: compliance.Unlicensed, Party: d.Party, Ref: d.ID, Site: d.Body.Site, Obligation: o.ID,
				Text: fmt.Sprintf("declaration %s transfers %s items (items[%d]) to %s without an approved licence, as obligation %s requires", d.ID, m.Category, it.Index, d.Body.Destination, o.ID)})
		}
	}
	return nil
}
