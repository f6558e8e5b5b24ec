package compliance_test

import (
	"os"
	"slices"
	"testing"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/compliance"
)

// spec1993 is the 1993 agreement, with its consequences replaced.
func spec1993(t *testing.T, qs ...agreement.Consequence) (*agreement.Spec, *agreement.Timeline) {
	t.Helper()
	doc, err := os.ReadFile("../../examples/israel-dprk-1993.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := agreement.Parse("israel-dprk-1993.yaml", doc)
	if err != nil {
		t.Fatal(err)
	}
	s.Consequences = qs
	return s, s.Resolve(nil)
}

var (
	from = time.Date(1993, 8, 31, 0, 0, 0, 0, time.UTC)
	to   = time.Date(1993, 9, 30, 0, 0, 0, 0, time.UTC)
	mid  = time.Date(1993, 9, 15, 12, 0, 0, 0, time.UTC)
)

// breaker is the party whose obligation each kind of breach breaks in the
// 1993 agreement, and the obligation.
func breaker(k compliance.Kind) (party, obligation string) {
	switch k {
	case compliance.NotPerformed, compliance.Unrevealed:
		return "il-inspectorate", "inspect-selected"
	case compliance.MissedPayment, compliance.LatePayment:
		return "israel", "pay-investment"
	case compliance.MissedDelivery, compliance.Overdue, compliance.Reimposed:
		return "israel", ""
	case compliance.Late, compliance.Discrepancy, compliance.SealDiscrepancy, compliance.Withdrawn:
		return "dprk", "declare-exports"
	case compliance.AccessDenied, compliance.ChallengeRefused:
		return "dprk", "inspector-access"
	}
	return "dprk", "no-missile-transfers"
}

func assured(t *testing.T, goal agreement.Goal) *compliance.Assurance {
	t.Helper()
	var ss []compliance.Sample
	for range 40 {
		ss = append(ss, compliance.Sample{P: 0.55, Selected: true, State: compliance.Inspected})
	}
	a, err := compliance.Assess(2, from, to, goal, ss)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestEveryBreachHasItsConsequence walks every kind of fact that is a
// breach through Judge and Consequences: the fact makes its party
// non-compliant, and a consequence on its breach class acts on it. With
// one table, a kind that counts against a verdict cannot go without the
// consequence its class names.
func TestEveryBreachHasItsConsequence(t *testing.T) {
	kinds := compliance.Breaches()
	want := []compliance.Kind{compliance.AccessDenied, compliance.ChallengeRefused, compliance.Discrepancy, compliance.Late,
		compliance.LatePayment, compliance.MissedDelivery, compliance.MissedPayment, compliance.NotPerformed, compliance.Prohibited,
		compliance.Found, compliance.Overdue, compliance.Reimposed, compliance.SealDiscrepancy, compliance.SealViolation, compliance.Undeclared, compliance.Unlicensed, compliance.Unrevealed, compliance.Withdrawn,
		compliance.LimitExceeded, compliance.ContinuityViolation, compliance.ContinuityDiscrepancy}
	slices.Sort(want)
	if !slices.Equal(kinds, want) {
		t.Fatalf("the kinds of breach are %v; want %v", kinds, want)
	}
	for _, k := range kinds {
		t.Run(string(k), func(t *testing.T) {
			party, obligation := breaker(k)
			class := k.Class()
			if class == "" {
				t.Fatalf("%s is a breach with no class", k)
			}
			spec, tl := spec1993(t, agreement.Consequence{On: class, Party: party, Effect: agreement.Record})
			e := compliance.Event{Kind: k, Time: mid, Party: party, Ref: "x-1", Obligation: obligation, Statement: "s-1", Index: 7, Text: "the fact"}
			// A counted kind breaches beyond its tolerance: send one more.
			events := []compliance.Event{e}
			for range tolerance(spec, obligation, k) {
				events = append([]compliance.Event{e}, events...)
			}
			vs := compliance.Judge(spec, tl, compliance.Facts{Period: 2, From: from, To: to, Events: events, Assurance: assured(t, spec.Verification.Goal)})
			var v *compliance.Verdict
			for i := range vs {
				if vs[i].Party == party {
					v = &vs[i]
				}
			}
			if v == nil || v.Verdict != compliance.NonCompliant || len(v.Reasons) == 0 || v.Reasons[len(v.Reasons)-1].Kind != k {
				t.Fatalf("verdict of %s on %s: %+v; want non_compliant for it", party, k, v)
			}
			acts := compliance.Consequences(spec, compliance.Period{N: 2, From: from, To: to, Verdicts: vs}, compliance.Incentives{}, to)
			if !slices.ContainsFunc(acts, func(a compliance.Action) bool { return a.Rule == 0 && a.Do == compliance.DoRecord && a.Why.Kind == k }) {
				t.Errorf("a consequence on %s did nothing for %s: %+v", class, k, acts)
			}
		})
	}
}

func tolerance(spec *agreement.Spec, obligation string, k compliance.Kind) int {
	for _, o := range spec.Obligations {
		if o.ID == obligation {
			switch k.Class() {
			case agreement.LateDeclarations:
				return o.LateTolerance
			case agreement.Discrepancies:
				return o.DiscrepancyTolerance
			}
		}
	}
	return 0
}

// TestNotesAreNoBreach: the kinds that records, remedies and notes carry
// are not breaches, and never make a verdict.
func TestNotesAreNoBreach(t *testing.T) {
	spec, tl := spec1993(t)
	for _, k := range []compliance.Kind{compliance.ForceMajeure, compliance.PaidDuringHold, compliance.AccessGiven, compliance.Cured,
		compliance.Remedied, compliance.Milestone, compliance.TrancheChange, compliance.Hold, compliance.Interest, compliance.ReliefChange,
		compliance.Snapback, compliance.LicenceTimeout, compliance.DisputeStep, compliance.DeliveriesSuspended, compliance.ObligationSuspended,
		compliance.ObligationResumed, compliance.Record, compliance.Measured, compliance.Restored} {
		if k.Class() != "" || slices.Contains(compliance.Breaches(), k) {
			t.Errorf("%s is a breach", k)
		}
		vs := compliance.Judge(spec, tl, compliance.Facts{Period: 2, From: from, To: to, Assurance: assured(t, spec.Verification.Goal),
			Events: []compliance.Event{{Kind: k, Time: mid, Party: "dprk", Ref: "x"}, {Kind: k, Time: mid, Party: "israel", Ref: "x"}}})
		for _, v := range vs {
			if v.Verdict != compliance.Compliant {
				t.Errorf("%s made %s %s", k, v.Party, v.Verdict)
			}
		}
	}
}

// TestInspectorateFailuresNeverCountAgainstTheUndertaker: selected
// consignments the inspectorate did not inspect make the inspectorate
// non-compliant and the period's detection fall, but the undertaker stays
// compliant, with the shortfall named, when that is the only reason the
// goal is missed. An empty period is inconclusive.
func TestInspectorateFailuresNeverCountAgainstTheUndertaker(t *testing.T) {
	spec, tl := spec1993(t)
	var ss []compliance.Sample
	for i := range 12 {
		s := compliance.Sample{P: 0.55, Selected: true, State: compliance.Inspected}
		if i < 10 {
			s.State = compliance.Missed
		}
		ss = append(ss, s)
	}
	a, err := compliance.Assess(2, from, to, spec.Verification.Goal, ss)
	if err != nil {
		t.Fatal(err)
	}
	if a.MeetsGoal || !a.MeetsGoalButFor {
		t.Fatalf("assurance %+v; want the goal missed only for the missed inspections", a)
	}
	facts := compliance.Facts{Period: 2, From: from, To: to, Assurance: a,
		Events: []compliance.Event{{Kind: compliance.NotPerformed, Time: mid, Party: "il-inspectorate", Ref: "d-1", Obligation: "inspect-selected", Text: "no inspector came"}}}
	vs := map[string]compliance.Verdict{}
	for _, v := range compliance.Judge(spec, tl, facts) {
		vs[v.Party] = v
	}
	if v := vs["dprk"]; v.Verdict != compliance.Compliant || len(v.Notes) != 1 || v.Notes[0].Kind != compliance.Shortfall {
		t.Errorf("dprk: %+v; want compliant with the shortfall named", v)
	}
	if v := vs["il-inspectorate"]; v.Verdict != compliance.NonCompliant {
		t.Errorf("il-inspectorate: %+v; want non_compliant", v)
	}

	empty, err := compliance.Assess(2, from, to, spec.Verification.Goal, nil)
	if err != nil {
		t.Fatal(err)
	}
	facts = compliance.Facts{Period: 2, From: from, To: to, Assurance: empty}
	for _, v := range compliance.Judge(spec, tl, facts) {
		if v.Party == "dprk" && (v.Verdict != compliance.Inconclusive || v.Reasons[0].Kind != compliance.Empty) {
			t.Errorf("an empty period: dprk %+v; want inconclusive, nothing declared", v)
		}
	}
}

// TestHoldThenConfirm: a finding holds the pending tranches at once; the
// close confirms the suspension for those, and lifts the holds of findings
// it does not confirm.
func TestHoldThenConfirm(t *testing.T) {
	spec, tl := spec1993(t, agreement.Consequence{On: agreement.Violation, Party: "dprk", Effect: agreement.SuspendTranches, Incentive: "investment"},
		agreement.Consequence{On: agreement.AccessDenied, Party: "dprk", Effect: agreement.WithholdTranches, Incentive: "investment", Cure: &agreement.Duration{N: 30, Unit: "d"}})
	in := compliance.Incentives{Tranches: []compliance.Tranche{
		{ID: "t1", Incentive: "investment", Status: compliance.TranchePaid},
		{ID: "t2", Incentive: "investment", Status: compliance.TrancheDue},
		{ID: "t3", Incentive: "investment", Status: compliance.TrancheScheduled},
	}}
	found := compliance.Event{Kind: compliance.Prohibited, Time: mid, Party: "dprk", Ref: "d-9", Statement: "r-9", Index: 9, Text: "Rodong parts"}
	holds := compliance.Holds(spec, found, in)
	if len(holds) != 1 || !slices.Equal(holds[0].Targets, []string{"t2", "t3"}) {
		t.Fatalf("holds %+v; want t2 and t3 held", holds)
	}
	for i := range in.Tranches[1:] {
		in.Tranches[i+1].Status = compliance.TrancheHeld
		in.Tranches[i+1].Holds = []compliance.HoldRef{{Kind: found.Kind, Ref: found.Ref, Time: found.Time, Rule: 0}}
	}
	vs := compliance.Judge(spec, tl, compliance.Facts{Period: 2, From: from, To: to, Events: []compliance.Event{found}, Assurance: assured(t, spec.Verification.Goal)})
	acts := compliance.Consequences(spec, compliance.Period{N: 2, From: from, To: to, Verdicts: vs}, in, to.AddDate(0, 0, 7))
	if len(acts) != 1 || acts[0].Do != compliance.DoSuspend || acts[0].Breach == nil || acts[0].Breach.Status != compliance.BreachFinal {
		t.Fatalf("actions %+v; want one final suspension (the agreement names no end)", acts)
	}

	// A denial that was cured before the close confirms nothing: its holds
	// are lifted.
	denied := compliance.Event{Kind: compliance.AccessDenied, Time: mid, Party: "dprk", Ref: "d-5", Text: "kept out"}
	cured := compliance.Event{Kind: compliance.Cured, Time: mid.Add(time.Hour), Party: "dprk", Ref: "d-5", Text: "inspected before it left"}
	for i := range in.Tranches[1:] {
		in.Tranches[i+1].Holds = []compliance.HoldRef{{Kind: denied.Kind, Ref: denied.Ref, Time: denied.Time, Rule: 1}}
	}
	vs = compliance.Judge(spec, tl, compliance.Facts{Period: 2, From: from, To: to, Events: []compliance.Event{denied, cured}, Assurance: assured(t, spec.Verification.Goal)})
	acts = compliance.Consequences(spec, compliance.Period{N: 2, From: from, To: to, Verdicts: vs}, in, to.AddDate(0, 0, 7))
	for _, a := range acts {
		if a.Do != compliance.DoLift {
			t.Errorf("a cured denial did %s: %s", a.Do, a.Text)
		}
	}
	if len(acts) != 2 {
		t.Errorf("actions %+v; want the two holds lifted", acts)
	}
}

// TestCureEndsOnlyItsOwnBreach: curing one denial ends that breach alone;
// a tranche another open breach holds stays held by it.
func TestCureEndsOnlyItsOwnBreach(t *testing.T) {
	a := compliance.Breach{ID: "a", Kind: compliance.AccessDenied, Ref: "d-1", Effect: agreement.WithholdTranches, Status: compliance.BreachOpen, Targets: []string{"t2"}}
	b := compliance.Breach{ID: "b", Kind: compliance.AccessDenied, Ref: "d-2", Effect: agreement.WithholdTranches, Status: compliance.BreachOpen, Targets: []string{"t2"}}
	in := compliance.Incentives{Tranches: []compliance.Tranche{{ID: "t2", Status: compliance.TrancheWithheld, Breach: "a"}}}
	acts := compliance.Cure("d-1", compliance.Event{Kind: compliance.Cured, Ref: "d-1"}, in, []compliance.Breach{a, b})
	if len(acts) != 1 || acts[0].Do != compliance.DoRestore || acts[0].Breach.ID != "a" {
		t.Fatalf("cure of d-1: %+v; want breach a restored", acts)
	}
	if h := compliance.Holder("t2", "a", []compliance.Breach{a, b}); h != "b" {
		t.Errorf("t2 after the cure of a: held by %q; want b", h)
	}
	if acts := compliance.Cure("d-3", compliance.Event{Kind: compliance.Cured, Ref: "d-3"}, in, []compliance.Breach{a, b}); len(acts) != 0 {
		t.Errorf("a cure of another consignment did %+v", acts)
	}
}

// TestDeterrence: detection deters when what is at stake, weighed by the
// chance of being caught, outweighs the gain weighed by the chance of not
// being caught; once the last tranche is paid nothing is at stake.
func TestDeterrence(t *testing.T) {
	spec, tl := spec1993(t)
	in := compliance.Incentives{Tranches: []compliance.Tranche{
		{ID: "t1", Amount: 600, Status: compliance.TranchePaid},
		{ID: "t2", Amount: 400, Status: compliance.TrancheScheduled},
	}}
	stake := compliance.AtStake(spec, tl, in, nil, mid)
	if stake.Amount != 400 {
		t.Fatalf("at stake: %d; want the unpaid 400", stake.Amount)
	}
	gain := spec.Verification.Gain.Amount
	d := compliance.Deter(spec, 0.5, compliance.Stake{Amount: gain})
	if !d.Deters {
		t.Errorf("0.5 × %d ≥ 0.5 × %d, yet %+v", gain, gain, d)
	}
	d = compliance.Deter(spec, 0.5, compliance.Stake{Amount: gain - 1})
	if d.Deters {
		t.Errorf("0.5 × %d < 0.5 × %d, yet %+v", gain-1, gain, d)
	}
	in.Tranches[1].Status = compliance.TranchePaid
	if s := compliance.AtStake(spec, tl, in, nil, mid); s.Amount != 0 || compliance.Deter(spec, 0.99, s).Deters {
		t.Errorf("everything paid: %+v; want nothing at stake, and no deterrence", s)
	}
}
