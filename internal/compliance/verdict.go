package compliance

import (
	"fmt"
	"slices"
	"time"

	"github.com/surety/surety/internal/agreement"
)

// Judgement is a party's verdict for a period.
type Judgement string

// The judgements.
const (
	Compliant    Judgement = "compliant"
	NonCompliant Judgement = "non_compliant"
	Inconclusive Judgement = "inconclusive"
)

// Verdict is a party's verdict for a period, with every reason and the
// statements behind them, and the notes that bear on it without deciding
// it (a cure, a payment during a hold, an assurance shortfall that was not
// the party's doing, a fact excused by a suspended obligation, a
// measurement within a facility's limits, a seal or camera restored within
// its allowance).
type Verdict struct {
	Period  int            `json:"period"`
	Party   string         `json:"party"`
	Role    agreement.Role `json:"role"`
	Verdict Judgement      `json:"verdict"`
	Reasons []Event        `json:"reasons"`
	Notes   []Event        `json:"notes,omitempty"`
	Closed  time.Time      `json:"closed"`
}

// Suspension is an obligation that a party suspended, as a consequence of
// the other party's breach lets it: facts under it are excused while it
// lasts.
type Suspension struct {
	Obligation string    `json:"obligation"`
	Party      string    `json:"party"`
	From       time.Time `json:"from"`
	// Until is when the obligation resumed; zero while it is suspended.
	Until time.Time `json:"until,omitzero"`
	// Why is the breach that let the party suspend it.
	Why Event `json:"why"`
}

// covers reports whether the suspension excuses a fact at t under the
// obligation.
func (s Suspension) covers(obligation string, t time.Time) bool {
	return s.Obligation == obligation && !t.Before(s.From) && (s.Until.IsZero() || t.Before(s.Until))
}

// Facts are what a period's verdicts are judged from: the period's events
// in log order, the cures and remedies logged after its end and before
// its close, its assurance statement, and the obligations suspended
// during it.
type Facts struct {
	Period      int
	From, To    time.Time
	Events      []Event
	Later       []Event
	Assurance   *Assurance
	Suspensions []Suspension
}

// Judge gives the verdict of every party with obligations for a period.
//
// A party is non-compliant when a fact of the period is a breach by it (see
// the table of kinds), unless the obligation the fact falls under was
// suspended at the time, or, for an inspection not performed, both parties
// state it was force majeure; a counted kind (late declarations,
// discrepancies) is a breach only beyond its obligation's tolerance. A
// cured breach stays a reason: the cure lifts its consequence, not the
// fact.
//
// A party that must declare consignments in the period and has no breach
// is inconclusive when the inspections cannot vouch for it: nothing was
// declared (the assurance is zero), or the detection goal was missed for
// causes of its own or of the sampling policy. A goal missed only through
// inspections that were not performed for other causes (the inspectorate's
// failures, force majeure) leaves it compliant, with the shortfall named:
// the inspectorate's failures never count against the undertaker.
func Judge(spec *agreement.Spec, tl *agreement.Timeline, f Facts) []Verdict {
	var out []Verdict
	forceMajeure := map[string]bool{}
	for _, e := range append(slices.Clip(f.Events), f.Later...) {
		if e.Kind == ForceMajeure {
			forceMajeure[e.Ref] = true
		}
	}
	for _, party := range spec.Parties {
		if !hasObligations(spec, party.ID) {
			continue
		}
		v := Verdict{Period: f.Period, Party: party.ID, Role: party.Role, Verdict: Compliant, Reasons: []Event{}}
		counts := map[string]int{}
		for _, e := range f.Events {
			if e.Party != party.ID {
				continue
			}
			r, breach := rules[e.Kind]
			switch {
			case noted(e.Kind):
				v.Notes = append(v.Notes, e)
			case !breach:
			case e.Kind == NotPerformed && forceMajeure[e.Ref]:
				n := e
				n.Kind, n.Text = Excused, "excused as force majeure, both parties stating it: "+e.Text
				v.Notes = append(v.Notes, n)
			case suspended(f.Suspensions, e):
				n := e
				n.Kind, n.Text = Excused, fmt.Sprintf("excused, its obligation %s being suspended: %s", e.Obligation, e.Text)
				v.Notes = append(v.Notes, n)
			case r.counted:
				key := string(r.class) + "/" + e.Obligation
				counts[key]++
				if counts[key] > tolerance(spec, e) {
					v.Reasons = append(v.Reasons, e)
				}
			default:
				v.Reasons = append(v.Reasons, e)
			}
		}
		for _, e := range f.Later {
			if e.Party == party.ID && (e.Kind == Cured || e.Kind == Remedied) && slices.ContainsFunc(v.Reasons, func(r Event) bool { return r.Ref == e.Ref }) {
				v.Notes = append(v.Notes, e)
			}
		}
		a := f.Assurance
		switch {
		case len(v.Reasons) > 0:
			v.Verdict = NonCompliant
		case a == nil || !declares(tl, party.ID, f.From, f.To):
		case a.Nothing():
			v.Verdict = Inconclusive
			v.Reasons = append(v.Reasons, Event{Kind: Empty, Party: party.ID,
				Text: fmt.Sprintf("nothing was declared and nothing inspected in period %d: the assurance is zero", f.Period)})
		case a.MeetsGoal:
		case a.MeetsGoalButFor:
			d, _ := a.Adaptive(a.Goal.Violations)
			v.Notes = append(v.Notes, Event{Kind: Shortfall, Party: party.ID,
				Text: fmt.Sprintf("the detection of %d violations was %.4f against the goal of %v only because %s not inspected for causes that were not %s's; had %s been, it would have been %.4f",
					a.Goal.Violations, d, a.Goal.Probability, consignments(a.NotPerformed), party.ID, pronoun(a.NotPerformed), a.ButFor)})
		default:
			v.Verdict = Inconclusive
			v.Reasons = append(v.Reasons, Event{Kind: BelowGoal, Party: party.ID,
				Text: fmt.Sprintf("the detection probability against %d violations is below the goal of %v", a.Goal.Violations, a.Goal.Probability)})
		}
		out = append(out, v)
	}
	return out
}

func hasObligations(spec *agreement.Spec, party string) bool {
	return slices.ContainsFunc(spec.Obligations, func(o agreement.Obligation) bool { return o.Party == party })
}

// declares reports whether the party must declare consignments at some
// time in [from, to).
func declares(tl *agreement.Timeline, party string, from, to time.Time) bool {
	for _, t := range []time.Time{from, to.Add(-time.Nanosecond)} {
		if slices.ContainsFunc(tl.InForce(t), func(o agreement.Obligation) bool { return o.Kind == agreement.Declare && o.Party == party }) {
			return true
		}
	}
	return false
}

func suspended(ss []Suspension, e Event) bool {
	return e.Obligation != "" && slices.ContainsFunc(ss, func(s Suspension) bool { return s.covers(e.Obligation, e.Time) })
}

// tolerance is how many facts of a counted kind the event's obligation
// lets a period have.
func tolerance(spec *agreement.Spec, e Event) int {
	for _, o := range spec.Obligations {
		if o.ID != e.Obligation {
			continue
		}
		switch e.Kind.Class() {
		case agreement.LateDeclarations:
			return o.LateTolerance
		case agreement.Discrepancies:
			return o.DiscrepancyTolerance
		}
	}
	return 0
}

// Period is a closed period: its verdicts, its assurance statement, the
// obligations suspended during it, and what the consequences did when it
// closed.
type Period struct {
	N           int          `json:"period"`
	From        time.Time    `json:"from"`
	To          time.Time    `json:"to"`
	Closed      time.Time    `json:"closed"`
	Verdicts    []Verdict    `json:"verdicts"`
	Assurance   *Assurance   `json:"assurance"`
	Suspensions []Suspension `json:"suspensions,omitempty"`
	Actions     []Action     `json:"actions"`
}

func consignments(n int) string {
	if n == 1 {
		return "1 selected consignment was"
	}
	return fmt.Sprintf("%d selected consignments were", n)
}

func pronoun(n int) string {
	if n == 1 {
		return "it"
	}
	return "they"
}
