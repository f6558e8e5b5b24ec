package state

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/surety/surety/internal/agreement"
)

// Event kinds: facts that bear on a verdict.
const (
	EventProhibited        = "prohibited"
	EventDiscrepancy       = "discrepancy"
	EventAccessDenied      = "access_denied"
	EventChallengeRefused  = "challenge_refused"
	EventUndeclared        = "undeclared_departure"
	EventLate              = "late_declaration"
	EventWithdrawn         = "withdrawn_after_selection"
	EventUnlicensed        = "unlicensed_transfer"
	EventNotPerformed      = "not_performed"
	EventMissedPayment     = "missed_payment"
	EventMissedDelivery    = "missed_delivery"
	EventCured             = "cured"
	EventMilestone         = "milestone"
	EventTranche           = "tranche"
	EventRelief            = "relief"
	EventSnapback          = "snapback"
	EventLicenceTimeout    = "licence_timeout"
	EventDisputeStep       = "dispute_step"
	EventDeliverySuspended = "deliveries_suspended"
	EventAccessGiven       = "access_given"
	EventInspected         = "inspected"
	// EventRecord is the action of a record consequence; it is kept among
	// the period's actions, not as an event.
	EventRecord = "record"
)

const (
	kindEvent   = "event"
	kindPeriod  = "period"
	kindVerdict = "verdict"
)

// Event is a fact with its time, the party it concerns, and the statement
// behind it.
type Event struct {
	Kind  string    `json:"kind"`
	Time  time.Time `json:"time"`
	Party string    `json:"party,omitempty"`
	// Ref names what the event is about: a declaration, challenge, tranche…
	Ref  string `json:"ref,omitempty"`
	Site string `json:"site,omitempty"`
	// Statement and Index name the statement behind the event; a deadline
	// passing has none.
	Statement string `json:"statement,omitempty"`
	Index     uint64 `json:"index,omitempty"`
	Text      string `json:"text"`
}

// event records a fact. Events are keyed by time and then by order of
// recording, so a period reads them in order.
func (c *Context) event(at time.Time, e Event) error {
	e.Time = at
	var n uint64
	if _, err := getJSON(c.KV, kindEvent+"-count", "n", &n); err != nil {
		return err
	}
	if err := putJSON(c.KV, kindEvent+"-count", "n", n+1); err != nil {
		return err
	}
	return putJSON(c.KV, kindEvent, fmt.Sprintf("%s/%012d", depKey(at), n), e)
}

// stmtEvent records a fact established by the entry's statement.
func (c *Context) stmtEvent(e Entry, ev Event) error {
	ev.Statement, ev.Index = e.Statement.ID, e.Index
	return c.event(e.Time, ev)
}

// Events returns the events in [from, to).
func Events(kv KV, from, to time.Time) ([]Event, error) {
	var out []Event
	err := kv.Scan(kindEvent, depKey(from), depKey(to), 0, func(_ string, v []byte) error {
		var e Event
		if err := json.Unmarshal(v, &e); err != nil {
			return err
		}
		out = append(out, e)
		return nil
	})
	return out, err
}

func partyOfSite(spec *agreement.Spec, site string) string {
	if s := siteOf(spec, site); s != nil {
		return s.Party
	}
	return ""
}

// Verdicts.
const (
	Compliant    = "compliant"
	NonCompliant = "non_compliant"
	Inconclusive = "inconclusive"
)

// Verdict is a party's verdict for a period, with every reason and the
// statements behind them.
type Verdict struct {
	Period  int       `json:"period"`
	Party   string    `json:"party"`
	Role    string    `json:"role"`
	Verdict string    `json:"verdict"`
	Reasons []Event   `json:"reasons"`
	Closed  time.Time `json:"closed"`
}

// Period is a closed period.
type Period struct {
	N         int        `json:"period"`
	From      time.Time  `json:"from"`
	To        time.Time  `json:"to"`
	Closed    time.Time  `json:"closed"`
	Verdicts  []Verdict  `json:"verdicts"`
	Assurance *Assurance `json:"assurance"`
	// Actions are what the verdicts did to the incentives.
	Actions []Event `json:"actions"`
}

func init() { OnDue("period", closePeriod) }

// schedulePeriod schedules the close of period n: the end plus grace.
func (c *Context) schedulePeriod(n int) error {
	_, to, ok := Timeline(c.KV, c.Spec).Period(n)
	if !ok {
		return nil
	}
	v := c.Spec.Verification
	at := to
	if !v.Grace.IsZero() {
		at = v.Grace.AddTo(to)
	}
	return c.schedule(at, "period", fmt.Sprintf("%06d", n))
}

// closePeriod closes a period: it judges each party with obligations from
// the period's events, states the assurance, and applies the
// consequences, then schedules the next close.
func closePeriod(c *Context, at time.Time, id string) error {
	var n int
	if _, err := fmt.Sscanf(id, "%d", &n); err != nil {
		return fmt.Errorf("state: period %q: %w", id, err)
	}
	tl := Timeline(c.KV, c.Spec)
	from, to, _ := tl.Period(n)
	events, err := Events(c.KV, from, to)
	if err != nil {
		return err
	}
	a, err := PeriodAssurance(c.KV, c.Spec, n)
	if err != nil {
		return err
	}
	p := Period{N: n, From: from, To: to, Closed: c.Now, Assurance: a}
	for _, party := range c.Spec.Parties {
		if !hasObligations(c.Spec, party.ID) {
			continue
		}
		v := Verdict{Period: n, Party: party.ID, Role: string(party.Role), Verdict: Compliant, Reasons: []Event{}, Closed: c.Now}
		judge(c.Spec, tl, party, events, a, &v)
		p.Verdicts = append(p.Verdicts, v)
		if err := putJSON(c.KV, kindVerdict, fmt.Sprintf("%06d/%s", n, party.ID), v); err != nil {
			return err
		}
	}
	actions, err := c.consequences(p, at)
	if err != nil {
		return err
	}
	p.Actions = actions
	if err := putJSON(c.KV, kindPeriod, fmt.Sprintf("%06d", n), p); err != nil {
		return err
	}
	if err := c.settleTranches(n, to, at); err != nil {
		return err
	}
	return c.schedulePeriod(n + 1)
}

func hasObligations(spec *agreement.Spec, party string) bool {
	return slices.ContainsFunc(spec.Obligations, func(o agreement.Obligation) bool { return o.Party == party })
}

// judge sets a party's verdict from the period's events.
func judge(spec *agreement.Spec, tl *agreement.Timeline, party agreement.Party, events []Event, a *Assurance, v *Verdict) {
	var breaches, doubts []Event
	late := 0
	for _, e := range events {
		if e.Party != party.ID {
			continue
		}
		switch e.Kind {
		case EventProhibited, EventAccessDenied, EventChallengeRefused, EventUndeclared, EventUnlicensed,
			EventWithdrawn, EventMissedPayment, EventMissedDelivery:
			breaches = append(breaches, e)
		case EventLate:
			late++
			if late > lateTolerance(spec, tl, party.ID, e.Time) {
				breaches = append(breaches, e)
			}
		case EventNotPerformed:
			doubts = append(doubts, e)
		}
	}
	switch {
	case len(breaches) > 0:
		v.Verdict, v.Reasons = NonCompliant, breaches
	case party.Role == agreement.Undertaker && (len(doubts) > 0 || a != nil && a.Declared > a.Withdrawn && !a.MeetsGoal):
		v.Verdict, v.Reasons = Inconclusive, doubts
		if a != nil && !a.MeetsGoal && a.Declared > a.Withdrawn {
			v.Reasons = append(v.Reasons, Event{Kind: "assurance", Party: party.ID,
				Text: fmt.Sprintf("the detection probability against %d violations is below the goal of %v", a.Goal.Violations, a.Goal.Probability)})
		}
	}
}

func lateTolerance(spec *agreement.Spec, tl *agreement.Timeline, party string, at time.Time) int {
	for _, o := range tl.InForce(at) {
		if o.Kind == agreement.Declare && o.Party == party {
			return o.LateTolerance
		}
	}
	return 0
}

// LoadPeriod returns closed period n; found is false while it is open.
func LoadPeriod(kv KV, n int) (p Period, found bool, err error) {
	found, err = getJSON(kv, kindPeriod, fmt.Sprintf("%06d", n), &p)
	return p, found, err
}

// Periods returns every closed period, in order.
func Periods(kv KV) ([]Period, error) {
	var out []Period
	err := kv.Scan(kindPeriod, "", "", 0, func(_ string, v []byte) error {
		var p Period
		if err := json.Unmarshal(v, &p); err != nil {
			return err
		}
		out = append(out, p)
		return nil
	})
	return out, err
}
