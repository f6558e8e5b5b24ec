// Package report builds and verifies compliance reports. A report covers
// one period of an agreement: the verdicts with their reasons, the
// assurance figures, the inspections, the violations, what the verdicts did
// to the incentives, the incentive changes and the milestones reached. Every
// statement it cites travels with it as its log entry and an inclusion
// proof against a signed checkpoint, so that anyone holding the log key can
// check the report offline, with no access to the server.
//
// The JSON form is the canonical one. The Markdown and HTML forms render it
// for people and embed it, so Verify reads all three.
//
// What Verify proves is that the cited statements are in the log, signed by
// the agreement's principals, and that every fact the report rests on cites
// one of them. The judgement itself (which facts make a verdict, the
// assurance arithmetic) is the projection's; surety audit --replay
// recomputes it from the whole log.
package report

import (
	"context"
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/surety/surety/internal/client"
	"github.com/surety/surety/internal/ledger"
	"github.com/surety/surety/internal/state"
)

// Version is the version of the report format.
const Version = 1

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
	Checkpoint string           `json:"checkpoint"`
	Verdicts   []state.Verdict  `json:"verdicts"`
	Assurance  *state.Assurance `json:"assurance"`
	// Inspections are the inspections reported in the period, and the
	// selections whose deadline passed in it without a report.
	Inspections []Inspection `json:"inspections"`
	// Violations are the breaches in the period.
	Violations []state.Event `json:"violations"`
	// Actions are what the period's verdicts did to the incentives when it
	// closed.
	Actions []state.Event `json:"actions"`
	// Changes are the changes of tranches, deliveries and relief in the
	// period: due, paid, delivered, acknowledged, suspended, lifted…
	Changes    []state.Event `json:"changes"`
	Milestones []state.Event `json:"milestones"`
	// Statements are the cited log entries with their proofs, by index;
	// entry 0, the adoption of the agreement, is always among them.
	Statements []Statement `json:"statements"`
}

// Inspection is an inspection in the period: a report by an inspector, or
// a selection whose deadline passed without one.
type Inspection struct {
	// Time is the report's log time, or the deadline.
	Time        time.Time       `json:"time"`
	Site        string          `json:"site,omitempty"`
	Declaration string          `json:"declaration,omitempty"`
	Challenge   string          `json:"challenge,omitempty"`
	Outcome     string          `json:"outcome"`
	Reason      string          `json:"reason,omitempty"`
	Findings    []state.Finding `json:"findings,omitempty"`
	Author      string          `json:"author,omitempty"`
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

// The kinds of changes that are not events of the state.
const (
	kindDelivery = "delivery"
	kindReceipt  = "receipt"
)

// breaches are the event kinds a verdict counts against a party; late
// declarations count only beyond the tolerance, as the verdicts say.
var breaches = []string{state.EventProhibited, state.EventUndeclared, state.EventUnlicensed, state.EventAccessDenied,
	state.EventChallengeRefused, state.EventWithdrawn, state.EventMissedPayment, state.EventMissedDelivery}

// reported are the event kinds an inspection report establishes.
var reported = []string{state.EventAccessGiven, state.EventInspected, state.EventAccessDenied, state.EventNotPerformed,
	state.EventProhibited, state.EventDiscrepancy, state.EventUndeclared}

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
	q := url.Values{"agreement": {agr}, "from": {p.From.Format(time.RFC3339Nano)}, "to": {p.To.Format(time.RFC3339Nano)}}
	var events []state.Event
	if err := c.Get(ctx, "/v1/events?"+q.Encode(), &events); err != nil {
		return nil, err
	}
	var inc state.Incentives
	if err := c.Get(ctx, "/v1/incentives?agreement="+url.QueryEscape(agr), &inc); err != nil {
		return nil, err
	}
	r := &Report{Version: Version, Agreement: spec.ID, Title: spec.Title, Period: p.N, From: p.From, To: p.To, Closed: p.Closed,
		Checkpoint: string(l.Checkpoint), Verdicts: p.Verdicts, Assurance: p.Assurance, Inspections: []Inspection{},
		Violations: []state.Event{}, Actions: nonNil(p.Actions), Changes: changes(&inc, p.From, p.To), Milestones: []state.Event{}}

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
	counted := map[uint64]bool{}
	for _, v := range p.Verdicts {
		for _, e := range v.Reasons {
			if e.Kind == state.EventLate {
				counted[e.Index] = true
			}
		}
	}
	seen := map[uint64]bool{}
	for _, e := range events {
		switch {
		case e.Kind == state.EventMilestone:
			r.Milestones = append(r.Milestones, e)
		case slices.Contains(breaches, e.Kind), e.Kind == state.EventLate && counted[e.Index]:
			r.Violations = append(r.Violations, e)
		}
		switch {
		case e.Kind == state.EventNotPerformed && e.Statement == "":
			r.Inspections = append(r.Inspections, Inspection{Time: e.Time, Site: e.Site, Declaration: e.Ref, Outcome: state.NotPerformed, Reason: e.Text})
		case e.Statement != "" && slices.Contains(reported, e.Kind) && !seen[e.Index]:
			seen[e.Index] = true
			pr, err := entry(e.Index)
			if err != nil {
				return nil, err
			}
			if pr.Entry.Statement.Type != state.TypeReport {
				continue // access given by a challenge response
			}
			in, err := inspection(pr.Index, pr.Entry)
			if err != nil {
				return nil, fmt.Errorf("entry %d: %w", e.Index, err)
			}
			r.Inspections = append(r.Inspections, in)
		}
	}

	cited := []uint64{0}
	cite := func(es []state.Event) {
		for _, e := range es {
			if e.Statement != "" || e.Index != 0 {
				cited = append(cited, e.Index)
			}
		}
	}
	for _, v := range r.Verdicts {
		cite(v.Reasons)
	}
	cite(r.Violations)
	cite(r.Actions)
	cite(r.Changes)
	cite(r.Milestones)
	for _, in := range r.Inspections {
		if in.Statement != "" {
			cited = append(cited, in.Index)
		}
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

// inspection makes the record of an inspection from its report, entry i.
func inspection(i uint64, e *ledger.Entry) (Inspection, error) {
	var b state.ReportBody
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
func changes(inc *state.Incentives, from, to time.Time) []state.Event {
	out := []state.Event{}
	add := func(e state.Event) {
		if !e.Time.Before(from) && e.Time.Before(to) {
			out = append(out, e)
		}
	}
	receipt := func(ref, party, what string, r *state.Receipt) {
		text := fmt.Sprintf("%s acknowledged the receipt of %s", party, what)
		if r.Disputed {
			text = fmt.Sprintf("%s disputed the receipt of %s: %s", party, what, r.Reason)
		}
		add(state.Event{Kind: kindReceipt, Time: r.Time, Party: party, Ref: ref, Statement: r.Statement, Index: r.Index, Text: text})
	}
	for _, t := range inc.Tranches {
		for _, ch := range t.History {
			add(state.Event{Kind: state.EventTranche, Time: ch.Time, Party: t.From, Ref: t.ID, Statement: ch.ID, Index: ch.Index,
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
			add(state.Event{Kind: kindDelivery, Time: rec.Time, Party: d.From, Ref: d.ID, Statement: rec.Statement, Index: rec.Index, Text: text})
		}
		for _, rc := range d.Receipts {
			receipt(d.ID, d.To, "a delivery of "+d.ID, &rc)
		}
	}
	for _, rl := range inc.Relief {
		for _, ch := range rl.History {
			add(state.Event{Kind: state.EventRelief, Time: ch.Time, Ref: rl.ID, Statement: ch.ID, Index: ch.Index,
				Text: fmt.Sprintf("relief %s %s", rl.ID, ch.Reason)})
		}
	}
	slices.SortStableFunc(out, func(a, b state.Event) int { return a.Time.Compare(b.Time) })
	return out
}

func nonNil(es []state.Event) []state.Event {
	if es == nil {
		return []state.Event{}
	}
	return es
}
