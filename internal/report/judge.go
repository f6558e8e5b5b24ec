package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/compliance"
	"github.com/surety/surety/internal/ledger"
	"github.com/surety/surety/internal/statement"
)

// judge checks that the report's judgement follows from its facts: each
// fact says what its statement says; each inspection whose outcome is a
// fact has that fact; the steps reported verified are the reports they
// cite; the verdicts are what package compliance makes of the facts; and
// every consequence at the close acts on a reason of its party's verdict
// under the agreement's rule, as the rule says.
func judge(spec *agreement.Spec, r *Report, entries map[uint64]*ledger.Entry) error {
	for i, ev := range append(slices.Clip(r.Facts), r.Later...) {
		if ev.Statement == "" {
			continue
		}
		if err := fits(spec, ev, entries[ev.Index]); err != nil {
			return fmt.Errorf("fact %d (%s at entry %d): %v", i+1, ev.Kind, ev.Index, err)
		}
	}
	for i, in := range r.Inspections {
		want := map[statement.Outcome][]compliance.Kind{statement.AccessDenied: {compliance.AccessDenied}, statement.NotPerformed: {compliance.NotPerformed},
			statement.Prohibited: {compliance.Prohibited, compliance.Undeclared}, statement.Discrepancy: {compliance.Discrepancy}}[in.Outcome]
		if in.Statement == "" || len(want) == 0 {
			continue
		}
		if !slices.ContainsFunc(r.Facts, func(e compliance.Event) bool { return e.Index == in.Index && slices.Contains(want, e.Kind) }) {
			return fmt.Errorf("inspection %d (entry %d) found %s, but the report's facts leave it out", i+1, in.Index, in.Outcome)
		}
	}
	steps := make([]agreement.Verified, len(r.Conditions))
	for i, v := range r.Conditions {
		e, ok := entries[v.Index]
		if !ok {
			return fmt.Errorf("condition %d cites entry %d, which the report does not carry with a proof", i+1, v.Index)
		}
		var b statement.VerifiedBody
		if err := e.Statement.Decode(&b); err != nil || e.Statement.Type != statement.TypeVerified || e.Statement.ID != v.Statement ||
			!slices.Contains(b.Steps, v.Step) || !e.Time.Equal(v.Time) || party(spec, e.Statement.Author) != v.Party {
			return fmt.Errorf("condition %d says %s reported step %s verified at %s by entry %d, which does not say so", i+1, v.Party, v.Step, v.Time.Format(timeFormat), v.Index)
		}
		steps[i] = v.Verified
	}

	got := compliance.Judge(spec, spec.Resolve(agreement.MetFrom(steps)), compliance.Facts{Period: r.Period, From: r.From, To: r.To,
		Events: r.Facts, Later: r.Later, Assurance: r.Assurance, Suspensions: r.Suspended})
	if len(got) != len(r.Verdicts) {
		return fmt.Errorf("the report gives %d verdicts; the agreement judges %d parties", len(r.Verdicts), len(got))
	}
	for i, v := range r.Verdicts {
		w := got[i]
		w.Closed = v.Closed
		a, _ := json.Marshal(v)
		b, _ := json.Marshal(w)
		if !bytes.Equal(a, b) {
			return fmt.Errorf("the verdict on %s says %s with %d reasons and %d notes, but its facts make it %s with %d reasons (%s) and %d notes",
				v.Party, v.Verdict, len(v.Reasons), len(v.Notes), w.Verdict, len(w.Reasons), kinds(w.Reasons), len(w.Notes))
		}
	}

	for i, a := range r.Actions {
		if a.Rule < 0 {
			continue
		}
		if a.Rule >= len(spec.Consequences) {
			return fmt.Errorf("action %d names consequence %d; the agreement has %d", i+1, a.Rule, len(spec.Consequences))
		}
		q := spec.Consequences[a.Rule]
		if q.Party != a.Party || !slices.Contains(does[q.Effect], a.Do) {
			return fmt.Errorf("action %d (%s by %s) is not what consequence %d does (%s of %s)", i+1, a.Do, a.Party, a.Rule, q.Effect, q.Party)
		}
		if !q.Covers(a.Why.Kind.Class()) || !reason(got, a.Party, a.Why) {
			return fmt.Errorf("action %d (%s) answers %s %s, which is not a reason of %s's verdict that consequence %d (%s) covers", i+1, a.Do, a.Why.Kind, a.Why.Ref, a.Party, a.Rule, q.On)
		}
	}
	for _, v := range got {
		if v.Verdict != compliance.NonCompliant {
			continue
		}
		for k, q := range spec.Consequences {
			if q.Party != v.Party || q.Effect != agreement.Record || !slices.ContainsFunc(v.Reasons, func(e compliance.Event) bool { return q.Covers(e.Kind.Class()) }) {
				continue
			}
			if !slices.ContainsFunc(r.Actions, func(a compliance.Action) bool { return a.Rule == k }) {
				return fmt.Errorf("the verdict on %s makes consequence %d (%s on %s) act, but the report shows no such action", v.Party, k, q.Effect, q.On)
			}
		}
	}
	return nil
}

// does lists the actions each effect takes.
var does = map[agreement.Effect][]compliance.Do{
	agreement.SuspendTranches:   {compliance.DoSuspend},
	agreement.WithholdTranches:  {compliance.DoWithhold},
	agreement.ForfeitTranche:    {compliance.DoForfeit},
	agreement.SuspendDeliveries: {compliance.DoSuspend},
	agreement.RestoreRelief:     {compliance.DoRestoreRelief},
	agreement.Record:            {compliance.DoRecord},
	agreement.Interest:          {compliance.DoInterest},
	agreement.SuspendObligation: {compliance.DoSuspendObligation},
}

// reason reports whether e is a reason of the party's verdict.
func reason(vs []compliance.Verdict, party string, e compliance.Event) bool {
	for _, v := range vs {
		if v.Party == party && v.Verdict == compliance.NonCompliant &&
			slices.ContainsFunc(v.Reasons, func(r compliance.Event) bool {
				return r.Kind == e.Kind && r.Ref == e.Ref && r.Index == e.Index && r.Time.Equal(e.Time)
			}) {
			return true
		}
	}
	return false
}

func kinds(es []compliance.Event) string {
	var ks []string
	for _, e := range es {
		ks = append(ks, string(e.Kind))
	}
	if len(ks) == 0 {
		return "none"
	}
	return fmt.Sprint(ks)
}

// party returns the party of a principal of the agreement.
func party(spec *agreement.Spec, principal string) string {
	for _, p := range spec.Parties {
		for _, pr := range p.Principals {
			if pr.ID == principal {
				return p.ID
			}
		}
	}
	return ""
}

// fits checks that a fact says what its statement says: a kind the
// statement's type can establish, about what the statement is about, for
// the party it concerns.
func fits(spec *agreement.Spec, ev compliance.Event, e *ledger.Entry) error {
	st := e.Statement
	author := party(spec, st.Author)
	want := func(ok bool, ref, who string) error {
		switch {
		case !ok:
			return fmt.Errorf("%s establishes no %s", st.Type, ev.Kind)
		case ref != "" && ev.Ref != ref:
			return fmt.Errorf("the statement is about %s, the fact about %s", ref, ev.Ref)
		case who != "" && ev.Party != who:
			return fmt.Errorf("the statement concerns %s, the fact %s", who, ev.Party)
		}
		return nil
	}
	switch st.Type {
	case statement.TypeReport:
		var b statement.ReportBody
		if err := st.Decode(&b); err != nil {
			return err
		}
		subject, site := b.Declaration+b.Challenge, partyOfSite(spec, b.Site)
		switch ev.Kind {
		case compliance.AccessDenied:
			return want(b.Outcome == statement.AccessDenied, subject, site)
		case compliance.NotPerformed:
			return want(b.Outcome == statement.NotPerformed, subject, author)
		case compliance.Prohibited, compliance.Undeclared:
			return want(b.Outcome == statement.Prohibited, subject, site)
		case compliance.Discrepancy:
			return want(b.Outcome == statement.Discrepancy, subject, site)
		case compliance.SealDiscrepancy, compliance.SealViolation:
			return want(b.Declaration != "" && b.Outcome != statement.AccessDenied && b.Outcome != statement.NotPerformed, subject, site)
		case compliance.Cured:
			return want(b.Outcome != statement.AccessDenied && b.Outcome != statement.NotPerformed, "", site)
		}
	case statement.TypeResponse:
		var b statement.ResponseBody
		if err := st.Decode(&b); err != nil {
			return err
		}
		return want(ev.Kind == compliance.ChallengeRefused && !b.Granted, b.Challenge, author)
	case statement.TypeDeclare:
		return want(ev.Kind == compliance.Late || ev.Kind == compliance.Unlicensed, st.ID, author)
	case statement.TypeAmend:
		var b statement.AmendBody
		if err := st.Decode(&b); err != nil {
			return err
		}
		return want(ev.Kind == compliance.Unlicensed, b.Declaration, author)
	case statement.TypeWithdraw:
		var b statement.WithdrawBody
		if err := st.Decode(&b); err != nil {
			return err
		}
		return want(ev.Kind == compliance.Withdrawn, b.Declaration, author)
	case statement.TypePayment:
		var b statement.PaymentBody
		if err := st.Decode(&b); err != nil {
			return err
		}
		return want(ev.Kind == compliance.LatePayment || ev.Kind == compliance.PaidDuringHold || ev.Kind == compliance.Cured, b.Tranche, author)
	case statement.TypeDelivery:
		var b statement.DeliveryBody
		if err := st.Decode(&b); err != nil {
			return err
		}
		return want(ev.Kind == compliance.PaidDuringHold || ev.Kind == compliance.Cured, b.Incentive, author)
	case statement.TypeForceMajeure:
		var b statement.ForceMajeureBody
		if err := st.Decode(&b); err != nil {
			return err
		}
		return want(ev.Kind == compliance.ForceMajeure, b.Declaration+b.Challenge, "")
	case statement.TypeReveal:
		var b statement.RevealBody
		if err := st.Decode(&b); err != nil {
			return err
		}
		i := slices.IndexFunc(b.Decisions, func(d statement.Decision) bool { return d.Declaration == ev.Ref })
		selected := i >= 0 && b.Decisions[i].Selected
		switch ev.Kind {
		case compliance.NotPerformed:
			return want(selected, ev.Ref, author)
		case compliance.Withdrawn:
			return want(selected, ev.Ref, "")
		}
	case statement.TypeRemedy:
		return want(ev.Kind == compliance.Remedied, "", "")
	case statement.TypeMeasure:
		var b statement.MeasureBody
		if err := st.Decode(&b); err != nil {
			return err
		}
		o := spec.Obligation(b.Obligation)
		if o == nil {
			return fmt.Errorf("the measurement names obligation %s, which the agreement lacks", b.Obligation)
		}
		beyond, limited := o.Beyond(b.Quantity, b.Unit, b.Value)
		switch ev.Kind {
		case compliance.LimitExceeded:
			return want(limited && beyond != nil && ev.Obligation == o.ID, st.ID, o.Party)
		case compliance.Measured:
			return want(limited && beyond == nil && ev.Obligation == o.ID, st.ID, o.Party)
		}
	case statement.TypeContinuity:
		var b statement.ContinuityBody
		if err := st.Decode(&b); err != nil {
			return err
		}
		o := spec.Obligation(b.Obligation)
		if o == nil || o.Continuity == nil {
			return fmt.Errorf("the statement names obligation %s, which has no seals or cameras", b.Obligation)
		}
		switch ev.Kind {
		case compliance.Continuity(o.Continuity.Breach):
			return want((b.State == statement.DeviceBroken || b.State == statement.DeviceOff) && ev.Obligation == o.ID, b.Device, o.Party)
		case compliance.Restored:
			return want(b.State == statement.DeviceRestored && ev.Obligation == o.ID, b.Device, o.Party)
		}
	}
	return want(false, "", "")
}

func partyOfSite(spec *agreement.Spec, site string) string {
	for _, s := range spec.Sites {
		if s.ID == site {
			return s.Party
		}
	}
	return ""
}
