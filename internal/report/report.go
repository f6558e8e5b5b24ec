// Package report builds and verifies compliance reports. A report covers
// one period of an agreement: the verdicts with their reasons and notes,
// the assurance figures and whether they deter, the facts the verdicts are
// judged from, the inspections, what the consequences did at the close,
// the incentive changes and the milestones reached. Every statement it
// cites travels with it as its log entry and an inclusion proof against a
// signed checkpoint, so that anyone holding the log key can check the
// report offline, with no access to the server.
//
// The JSON form is the canonical one. The Markdown and HTML forms render it
// for people and embed it, so Verify reads all three.
//
// Verify proves that the cited statements are in the log, signed by the
// agreement's principals; that each fact says what its statement says;
// and that the verdicts and the consequences are what package compliance
// makes of the facts. What it cannot prove offline is that no fact of the
// period was left out of the report: surety audit --replay recomputes the
// whole state from the whole log.
package report

import (
	"context"
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/surety/surety/internal/client"
	"github.com/surety/surety/internal/compliance"
	"github.com/surety/surety/internal/ledger"
	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/statement"
)

// Version is the version of the report format.
const Version = 2

// Report is a compliance report in its canonical form.
type Report struct {
	Version   int       `json:"version"`
	Agreement string    `json:"agreement"`
	Title     string    `json:"title"`
	Period    int       `json:"period"`
	From      time.Time `json:"from"`
	To        time.Time `json:"to"`
	Closed    time.Time `json:"closed"`
	// Checkpoint is the log's signed checkpoint note: every proof is in the
	// tree it commits to.
	Checkpoint string                  `json:"checkpoint"`
	Verdicts   []compliance.Verdict    `json:"verdicts"`
	Assurance  *compliance.Assurance   `json:"assurance"`
	Suspended  []compliance.Suspension `json:"suspended"`
	// Facts are the period's facts that bear on verdicts, in log order:
	// what the verdicts are judged from.
	Facts []compliance.Event `json:"facts"`
	// Later are the cures, remedies and confirmations of force majeure
	// logged after the period's end and before its close.
	Later []compliance.Event `json:"later"`
	// Conditions are the steps reported verified by the close, which fix
	// the timeline: the obligations in force.
	Conditions []state.VerifiedStep `json:"conditions"`
	// Inspections are the inspections reported in the period, and the
	// selections whose deadline passed in it without a report.
	Inspections []Inspection `json:"inspections"`
	// Actions are what the agreement's consequences did when the period
	// closed.
	Actions []compliance.Action `json:"actions"`
	// Changes are the changes of tranches, deliveries and relief in the
	// period: due, held, paid, delivered, acknowledged, suspended, lifted…
	Changes    []compliance.Event `json:"changes"`
	Milestones []compliance.Event `json:"milestones"`
	// Statements are the cited log entries with their proofs, by index;
	// entry 0, the adoption of the agreement, is always among them.
	Statements []Statement `json:"statements"`
}

// Inspection is an inspection in the period: a report by an inspector, or
// a selection whose deadline passed without one.
type Inspection struct {
	// Time is the report's log time, or the deadline.
	Time        time.Time           `json:"time"`
	Site        string              `json:"site,omitempty"`
	Declaration string              `json:"declaration,omitempty"`
	Challenge   string              `json:"challenge,omitempty"`
	Outcome     statement.Outcome   `json:"outcome"`
	Reason      string              `json:"reason,omitempty"`
	Findings    []statement.Finding `json:"findings,omitempty"`
	Author      string              `json:"author,omitempty"`
	// Statement and Index name the inspection.report; a deadline that
	// passed has none.
	Statement string `json:"statement,omitempty"`
	Index     uint64 `json:"index,omitempty"`
}

// Statement is a cited log entry with its inclusion proof. Type, ID,
// Author and Time repeat what the entry says, for readers.
type Statement struct {
	Index  uint64    `json:"index"`
	Type   string    `json:"type"`
	ID     string    `json:"id"`
	Author string    `json:"author"`
	Time   time.Time `json:"time"`
	// Entry is the log entry's bytes: {"time", "statement": <envelope>}.
	Entry []byte `json:"entry"`
	// LeafHash is the entry's RFC 6962 leaf hash, in hex.
	LeafHash string `json:"leaf_hash"`
	// Proof is the inclusion proof in the checkpoint's tree.
	Proof [][]byte `json:"proof"`
}

// The kinds of changes that are not facts of the state.
const (
	kindDelivery compliance.Kind = "delivery"
	kindReceipt  compliance.Kind = "receipt"
)

// reported are the kinds of fact an inspection report establishes.
var reported = []compliance.Kind{compliance.AccessGiven, compliance.AccessDenied, compliance.NotPerformed,
	compliance.Prohibited, compliance.Discrepancy, compliance.Undeclared}

// Build gathers the report of a closed period from a server and proves
// every statement it cites against the log's latest checkpoint, verified
// with logKey. The checkpoint must cover the period's close.
func Build(ctx context.Context, c *client.Client, agr string, period int, logKey string) (*Report, error) {
	l, err := c.Log(ctx, agr, logKey)
	if err != nil {
		return nil, err
	}
	adopt, err := l.Entry(ctx, 0)
	if err != nil {
		return nil, err
	}
	spec, err := client.Adopted(adopt.Entry, logKey)
	if err != nil {
		return nil, err
	}
	var p state.Period
	if err := c.Get(ctx, fmt.Sprintf("/v1/periods/%d/verdicts", period), &p); err != nil {
		return nil, err
	}
	events, err := getEvents(ctx, c, agr, p.From, p.To)
	if err != nil {
		return nil, err
	}
	later, err := getEvents(ctx, c, agr, p.To, p.Closed.Add(time.Nanosecond))
	if err != nil {
		return nil, err
	}
	var inc state.Incentives
	if err := c.Get(ctx, "/v1/incentives?agreement="+url.QueryEscape(agr), &inc); err != nil {
		return nil, err
	}
	var ms struct {
		Verified []state.VerifiedStep `json:"verified"`
	}
	if err := c.Get(ctx, "/v1/milestones?agreement="+url.QueryEscape(agr), &ms); err != nil {
		return nil, err
	}
	r := &Report{Version: Version, Agreement: spec.ID, Title: spec.Title, Period: p.N, From: p.From, To: p.To, Closed: p.Closed,
		Checkpoint: string(l.Checkpoint), Verdicts: p.Verdicts, Assurance: p.Assurance, Suspended: nonNil(p.Suspensions),
		Facts: []compliance.Event{}, Later: []compliance.Event{}, Conditions: []state.VerifiedStep{}, Inspections: []Inspection{},
		Actions: nonNil(p.Actions), Changes: changes(&inc, p.From, p.To), Milestones: []compliance.Event{}}
	for _, v := range ms.Verified {
		if !v.Time.After(p.Closed) {
			r.Conditions = append(r.Conditions, v)
		}
	}
	for _, e := range later {
		if e.Kind == compliance.Cured || e.Kind == compliance.Remedied || e.Kind == compliance.ForceMajeure {
			r.Later = append(r.Later, e)
		}
	}

	proved := map[uint64]*client.Proved{0: adopt}
	entry := func(i uint64) (*client.Proved, error) {
		if pr, ok := proved[i]; ok {
			return pr, nil
		}
		pr, err := l.Entry(ctx, i)
		if err != nil {
			return nil, err
		}
		proved[i] = pr
		return pr, nil
	}
	seen := map[uint64]bool{}
	for _, e := range events {
		switch {
		case e.Kind == compliance.Milestone:
			r.Milestones = append(r.Milestones, e)
		case compliance.Bears(e.Kind):
			r.Facts = append(r.Facts, e)
		}
		switch {
		case e.Kind == compliance.NotPerformed && e.Statement == "":
			r.Inspections = append(r.Inspections, Inspection{Time: e.Time, Site: e.Site, Declaration: e.Ref, Outcome: statement.NotPerformed, Reason: e.Text})
		case e.Statement != "" && slices.Contains(reported, e.Kind) && !seen[e.Index]:
			seen[e.Index] = true
			pr, err := entry(e.Index)
			if err != nil {
				return nil, err
			}
			in, err := inspection(pr.Index, pr.Entry, e.Site, e.Ref)
			if err != nil {
				return nil, fmt.Errorf("entry %d: %w", e.Index, err)
			}
			r.Inspections = append(r.Inspections, in)
		}
	}

	cited := []uint64{0}
	cite := func(es []compliance.Event) {
		for _, e := range es {
			if e.Statement != "" || e.Index != 0 {
				cited = append(cited, e.Index)
			}
		}
	}
	for _, v := range r.Verdicts {
		cite(v.Reasons)
		cite(v.Notes)
	}
	cite(r.Facts)
	cite(r.Later)
	for _, a := range r.Actions {
		cite([]compliance.Event{a.Why})
	}
	for _, s := range r.Suspended {
		cite([]compliance.Event{s.Why})
	}
	cite(r.Changes)
	cite(r.Milestones)
	for _, in := range r.Inspections {
		if in.Statement != "" {
			cited = append(cited, in.Index)
		}
	}
	for _, v := range r.Conditions {
		cited = append(cited, v.Index)
	}
	slices.Sort(cited)
	for _, i := range slices.Compact(cited) {
		pr, err := entry(i)
		if err != nil {
			return nil, err
		}
		st := pr.Entry.Statement
		r.Statements = append(r.Statements, Statement{Index: i, Type: st.Type, ID: st.ID, Author: st.Author, Time: pr.Entry.Time,
			Entry: pr.Data, LeafHash: hex.EncodeToString(pr.LeafHash[:]), Proof: pr.Proof})
	}

	b, err := r.JSON()
	if err != nil {
		return nil, err
	}
	if _, err := Verify(b, logKey); err != nil {
		return nil, fmt.Errorf("the server's answers do not make a verifiable report: %w", err)
	}
	return r, nil
}

// getEvents returns the facts logged in [from, to).
func getEvents(ctx context.Context, c *client.Client, agr string, from, to time.Time) ([]compliance.Event, error) {
	q := url.Values{"agreement": {agr}, "from": {from.Format(time.RFC3339Nano)}, "to": {to.Format(time.RFC3339Nano)}}
	var events []compliance.Event
	err := c.Get(ctx, "/v1/events?"+q.Encode(), &events)
	return events, err
}

// inspection makes the record of an inspection from its report, entry i,
// or of the inspection missed of declaration decl at site, from the
// reveal, entry i, that shows it was selected.
func inspection(i uint64, e *ledger.Entry, site, decl string) (Inspection, error) {
	if e.Statement.Type == statement.TypeReveal {
		var b statement.RevealBody
		if err := e.Statement.Decode(&b); err != nil {
			return Inspection{}, err
		}
		j := slices.IndexFunc(b.Decisions, func(d statement.Decision) bool { return d.Declaration == decl })
		if j < 0 || !b.Decisions[j].Selected {
			return Inspection{}, fmt.Errorf("the reveal does not show %s selected: no inspection was due", decl)
		}
		return Inspection{Time: e.Time, Site: site, Declaration: decl, Outcome: statement.NotPerformed,
			Reason: "selected, as revealed after departure, and not inspected before it left",
			Author: e.Statement.Author, Statement: e.Statement.ID, Index: i}, nil
	}
	var b statement.ReportBody
	if err := e.Statement.Decode(&b); err != nil {
		return Inspection{}, err
	}
	in := Inspection{Time: e.Time, Site: b.Site, Declaration: b.Declaration, Challenge: b.Challenge, Outcome: b.Outcome,
		Reason: b.Reason, Author: e.Statement.Author, Statement: e.Statement.ID, Index: i}
	if len(b.Findings) > 0 {
		in.Findings = b.Findings
	}
	return in, nil
}

// changes lists the changes of the incentives in [from, to), by time.
func changes(inc *state.Incentives, from, to time.Time) []compliance.Event {
	out := []compliance.Event{}
	add := func(e compliance.Event) {
		if !e.Time.Before(from) && e.Time.Before(to) {
			out = append(out, e)
		}
	}
	receipt := func(ref, party, what string, r *compliance.Receipt) {
		text := fmt.Sprintf("%s acknowledged the receipt of %s", party, what)
		if r.Disputed {
			text = fmt.Sprintf("%s disputed the receipt of %s: %s", party, what, r.Reason)
		}
		add(compliance.Event{Kind: kindReceipt, Time: r.Time, Party: party, Ref: ref, Statement: r.Statement, Index: r.Index, Text: text})
	}
	for _, t := range inc.Tranches {
		for _, ch := range t.History {
			add(compliance.Event{Kind: compliance.TrancheChange, Time: ch.Time, Party: t.From, Ref: t.ID, Statement: ch.ID, Index: ch.Index,
				Text: fmt.Sprintf("tranche %s: %s", t.ID, ch.Reason)})
		}
		if t.Receipt != nil {
			receipt(t.ID, t.To, "tranche "+t.ID, t.Receipt)
		}
	}
	for _, d := range inc.Deliveries {
		for _, rec := range d.Records {
			text := fmt.Sprintf("%v %s of %s delivered", rec.Amount, d.Unit, d.Commodity)
			if rec.Reference != "" {
				text += " (" + rec.Reference + ")"
			}
			add(compliance.Event{Kind: kindDelivery, Time: rec.Time, Party: d.From, Ref: d.ID, Statement: rec.Statement, Index: rec.Index, Text: text})
		}
		for _, rc := range d.Receipts {
			receipt(d.ID, d.To, "a delivery of "+d.ID, &rc)
		}
	}
	for _, rl := range inc.Relief {
		for _, ch := range rl.History {
			add(compliance.Event{Kind: compliance.ReliefChange, Time: ch.Time, Ref: rl.ID, Statement: ch.ID, Index: ch.Index,
				Text: fmt.Sprintf("relief %s %s", rl.ID, ch.Reason)})
		}
	}
	slices.SortStableFunc(out, func(a, b compliance.Event) int { return a.Time.Compare(b.Time) })
	return out
}

func nonNil[T any](es []T) []T {
	if es == nil {
		return []T{}
	}
	return es
}
