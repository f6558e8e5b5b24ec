package compliance

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/surety/surety/internal/agreement"
)

// Do is what an action does.
type Do string

// The actions.
const (
	// DoHold puts incentives on hold at a finding, until its period closes.
	DoHold Do = "hold"
	// DoLift lifts the holds of a finding: its period closed and confirmed
	// no consequence for them, or the finding was cured.
	DoLift Do = "lift"
	// DoWithhold withholds tranches until a breach is cured.
	DoWithhold Do = "withhold"
	// DoSuspend suspends tranches or deliveries.
	DoSuspend Do = "suspend"
	// DoForfeit forfeits tranches.
	DoForfeit Do = "forfeit"
	// DoRestore ends a breach's consequence: it was cured, or remedied.
	DoRestore Do = "restore"
	// DoRestoreRelief restores the measures and list entries a relief
	// lifted.
	DoRestoreRelief Do = "restore_relief"
	// DoRecord only records a breach.
	DoRecord Do = "record"
	// DoInterest charges interest on a late payment.
	DoInterest Do = "interest"
	// DoSuspendObligation lets a party suspend one of its obligations for
	// as long as the other party's breach lasts.
	DoSuspendObligation Do = "suspend_obligation"
)

// Action is one thing a consequence does, with its cause.
type Action struct {
	Do Do `json:"do"`
	// Party is the party whose breach the action answers.
	Party string `json:"party"`
	// Targets are the tranches, delivery, relief or obligation acted on.
	Targets []string `json:"targets,omitempty"`
	// Rule is the index of the agreement's consequence that acts; -1 when
	// none does (a hold lifted by a close or a cure).
	Rule int `json:"rule"`
	// Breach is the breach the action opens (withhold, suspend) or ends
	// (restore, forfeit at the end of a cure period).
	Breach *Breach `json:"breach,omitempty"`
	// Amount is the interest charged, in whole units of the currency.
	Amount int64 `json:"amount,omitempty"`
	// Why is the fact the action answers, and Cause the action's reason
	// in words; Text says the whole action.
	Why   Event  `json:"why"`
	Cause string `json:"cause"`
	Text  string `json:"text"`
	// Settles is set on the actions of a period's close: the holds of
	// findings before it on the action's targets are settled by it.
	Settles time.Time `json:"-"`
}

// BreachStatus is where a breach's consequence stands.
type BreachStatus string

// The breach statuses: open while its consequence can still end; cured or
// remedied when it ended in the party's favour; final when it can no
// longer end.
const (
	BreachOpen     BreachStatus = "open"
	BreachCured    BreachStatus = "cured"
	BreachRemedied BreachStatus = "remedied"
	BreachFinal    BreachStatus = "final"
)

// Breach is a breach whose consequence holds incentives back: withheld
// until it is cured, or suspended until the agreement's end of the
// suspension.
type Breach struct {
	ID    string           `json:"id"`
	Class agreement.Breach `json:"class"`
	Kind  Kind             `json:"kind"`
	Party string           `json:"party"`
	// Ref is what the breach is about: the denied declaration, the
	// refused challenge, the unpaid tranche.
	Ref  string `json:"ref,omitempty"`
	Site string `json:"site,omitempty"`
	// Rule is the index of the consequence in the agreement.
	Rule      int              `json:"rule"`
	Effect    agreement.Effect `json:"effect"`
	Incentive string           `json:"incentive,omitempty"`
	// Fact is when the breach happened; At when its consequence took
	// effect.
	Fact time.Time `json:"fact"`
	At   time.Time `json:"at"`
	// Until is when an open breach becomes final: the end of the cure
	// period, or the suspension's forfeiture. Zero means never.
	Until   time.Time         `json:"until,omitzero"`
	Restore agreement.Restore `json:"restore,omitempty"`
	Status  BreachStatus      `json:"status"`
	Targets []string          `json:"targets"`
	Cause   string            `json:"cause"`
}

// cureable reports whether a cure of its fact ends the breach.
func (b Breach) cureable() bool {
	return b.Status == BreachOpen && b.Kind.Cureable() && (b.Effect == agreement.WithholdTranches || b.Restore == agreement.RestoreOnCure)
}

// Holds returns the holds that a finding puts, at once, on the incentives
// that the agreement's consequences of its breach class would touch:
// every pending tranche of the incentive, or the delivery. The close of
// the finding's period confirms a consequence or lifts the holds.
func Holds(spec *agreement.Spec, e Event, in Incentives) []Action {
	if !e.Kind.Finding() {
		return nil
	}
	var out []Action
	seen := map[string]bool{}
	for i, q := range spec.Consequences {
		if q.Party != e.Party || !q.Covers(e.Kind.Class()) {
			continue
		}
		var targets []string
		noun := "tranche"
		switch q.Effect {
		case agreement.SuspendTranches, agreement.WithholdTranches, agreement.ForfeitTranche:
			for _, t := range in.Tranches {
				if t.Incentive == q.Incentive && t.Status.Pending() && !seen[t.ID] {
					targets = append(targets, t.ID)
				}
			}
		case agreement.SuspendDeliveries:
			noun = "deliveries of"
			for _, d := range in.Deliveries {
				if d.ID == q.Incentive && d.Status != DeliverySuspended && d.Status != DeliveryEnded && !seen[d.ID] {
					targets = append(targets, d.ID)
				}
			}
		}
		if len(targets) == 0 {
			continue
		}
		for _, t := range targets {
			seen[t] = true
		}
		out = append(out, Action{Do: DoHold, Party: e.Party, Targets: targets, Rule: i, Why: e, Cause: e.Text,
			Text: fmt.Sprintf("%s on hold until the close of the finding's period decides on %s: %s", names(noun, targets), q.Effect, e.Text)})
	}
	return out
}

// Consequences returns what the agreement's consequences do when period p
// closes at `at`, given its verdicts and the incentives as they stand.
//
// Each consequence acts on the non-compliant verdict of its party, for the
// reasons of its breach class (every reason, for non_compliant). A reason
// cured before the close triggers only record and interest. A cureable
// breach gets its own breach record, so that a cure of one denial cannot
// end the consequence of another. Holds of findings made in the period
// that no consequence confirmed are lifted.
func Consequences(spec *agreement.Spec, p Period, in Incentives, at time.Time) []Action {
	var out []Action
	confirmed := map[string]bool{}
	for _, v := range p.Verdicts {
		if v.Verdict != NonCompliant {
			continue
		}
		cured := map[string]bool{}
		for _, n := range v.Notes {
			if n.Kind == Cured {
				cured[n.Ref] = true
			}
		}
		for i, q := range spec.Consequences {
			if q.Party != v.Party {
				continue
			}
			var why []Event
			for _, r := range v.Reasons {
				if q.Covers(r.Kind.Class()) && !(cured[r.Ref] && q.Effect != agreement.Record && q.Effect != agreement.Interest) {
					why = append(why, r)
				}
			}
			if len(why) > 0 {
				for _, a := range effect(i, q, fmt.Sprintf("in period %d", p.N), why, in, at, confirmed, p.Suspensions) {
					a.Settles = p.To
					out = append(out, a)
				}
			}
		}
	}
	for _, t := range in.Tranches {
		if t.Status.Pending() {
			out = append(out, lifts("tranche", t.ID, t.Holds, p.To, confirmed)...)
		}
	}
	for _, d := range in.Deliveries {
		out = append(out, lifts("deliveries of", d.ID, d.Holds, p.To, confirmed)...)
	}
	return out
}

// lifts lifts the holds on one target of findings before the period's end
// that no consequence took over.
func lifts(noun, target string, holds []HoldRef, end time.Time, confirmed map[string]bool) []Action {
	if confirmed[target] {
		return nil
	}
	var out []Action
	for _, h := range holds {
		if h.Time.Before(end) {
			out = append(out, Action{Do: DoLift, Targets: []string{target}, Rule: -1, Why: Event{Kind: h.Kind, Ref: h.Ref, Time: h.Time}, Settles: end,
				Cause: fmt.Sprintf("the close confirmed no consequence for the %s finding about %s", h.Kind, h.Ref),
				Text:  fmt.Sprintf("%s released from hold: the close confirmed no consequence for the %s finding about %s", names(noun, []string{target}), h.Kind, h.Ref)})
		}
	}
	return out
}

// effect is what one consequence does for the reasons it acts on; when
// says when the breach was found ("in period 4").
func effect(i int, q agreement.Consequence, when string, why []Event, in Incentives, at time.Time, confirmed map[string]bool, suspended []Suspension) []Action {
	cause := func(r Event) string {
		if r.Kind == Snapback {
			return r.Text
		}
		return fmt.Sprintf("%s by %s %s: %s", q.On, q.Party, when, r.Text)
	}
	act := func(do Do, targets []string, r Event, text string) Action {
		return Action{Do: do, Party: q.Party, Targets: targets, Rule: i, Why: r, Cause: cause(r), Text: text}
	}
	pending := func() []string {
		var ts []string
		for _, t := range in.Tranches {
			if t.Incentive == q.Incentive && t.Status.Pending() {
				ts = append(ts, t.ID)
			}
		}
		return ts
	}
	var out []Action
	switch q.Effect {
	case agreement.Record:
		out = append(out, act(DoRecord, nil, why[0], "recorded: "+cause(why[0])))
	case agreement.Interest:
		for _, r := range why {
			t := in.tranche(r.Ref)
			if r.Kind != LatePayment || t == nil || t.Payment == nil || t.Deadline == nil {
				continue
			}
			days := math.Ceil(t.Payment.Time.Sub(*t.Deadline).Hours() / 24)
			amount := int64(math.Round(float64(t.Amount) * q.Rate * days / 365))
			a := act(DoInterest, []string{t.ID}, r, fmt.Sprintf("interest of %s %s owed on tranche %s: paid %v days after its deadline, at %v%% a year: %s",
				agreement.Group(amount), t.Currency, t.ID, days, q.Rate*100, cause(r)))
			a.Amount = amount
			out = append(out, a)
		}
	case agreement.SuspendObligation:
		for _, r := range why {
			if slices.ContainsFunc(suspended, func(s Suspension) bool { return s.Obligation == q.Obligation && s.Until.IsZero() && s.Why.Ref == r.Ref }) {
				continue // suspended already, until this same breach is cured
			}
			out = append(out, act(DoSuspendObligation, []string{q.Obligation}, r,
				fmt.Sprintf("obligation %s suspended until the breach is cured: %s", q.Obligation, cause(r))))
		}
	case agreement.RestoreRelief:
		for _, rl := range in.Relief {
			if rl.ID == q.Incentive && rl.Status == ReliefInEffect {
				out = append(out, act(DoRestoreRelief, []string{rl.ID}, why[0], fmt.Sprintf("relief %s restored: %s", rl.ID, cause(why[0]))))
			}
		}
	case agreement.ForfeitTranche:
		if ts := pending(); len(ts) > 0 {
			confirmed[ts[0]] = true
			out = append(out, act(DoForfeit, ts[:1], why[0], fmt.Sprintf("tranche %s forfeited: %s", ts[0], cause(why[0]))))
		}
	case agreement.SuspendTranches, agreement.WithholdTranches, agreement.SuspendDeliveries:
		targets := pending()
		do, verb, noun := DoSuspend, "suspended", "tranche"
		switch q.Effect {
		case agreement.WithholdTranches:
			do, verb = DoWithhold, "withheld until the breach is cured"
		case agreement.SuspendDeliveries:
			noun = "deliveries of"
			targets = nil
			for _, d := range in.Deliveries {
				if d.ID == q.Incentive && d.Status != DeliveryEnded {
					targets = []string{d.ID}
				}
			}
		}
		if len(targets) == 0 {
			break
		}
		for _, t := range targets {
			confirmed[t] = true
		}
		// One breach for each cureable fact, so that each is cured on
		// its own; one for the rest.
		each := why[:1]
		if why[0].Kind.Cureable() {
			each = why
		}
		for _, r := range each {
			class := r.Kind.Class()
			if r.Kind == Snapback {
				class = agreement.Snapback
			}
			b := &Breach{ID: fmt.Sprintf("%d/%s/%s/%s", i, r.Kind, r.Ref, r.Time.UTC().Format("20060102T150405.000000000Z")),
				Class: class, Kind: r.Kind, Party: q.Party, Ref: r.Ref, Site: r.Site, Rule: i, Effect: q.Effect,
				Incentive: q.Incentive, Fact: r.Time, At: at, Restore: q.Restore, Status: BreachOpen, Targets: targets, Cause: cause(r)}
			text := fmt.Sprintf("%s %s: %s", names(noun, targets), verb, b.Cause)
			switch {
			case q.Effect == agreement.WithholdTranches:
				b.Until = cureBy(q, r)
				if !b.Until.IsZero() {
					text = fmt.Sprintf("%s withheld until the breach is cured, by %s at the latest: %s", names(noun, targets), b.Until.Format(time.DateOnly), b.Cause)
				}
			case q.ForfeitAfter != nil:
				b.Until = q.ForfeitAfter.AddTo(at)
				text += fmt.Sprintf("; forfeited on %s unless restored", b.Until.Format(time.DateOnly))
			case q.Restore == "":
				b.Status = BreachFinal
				text += "; the agreement names no end of the suspension: it is final"
			}
			a := act(do, targets, r, text)
			a.Breach = b
			out = append(out, a)
		}
	}
	return out
}

// cureBy is the deadline of a withheld breach: the consequence's cure
// period from the fact, and the fact's own limit (a denied consignment
// cannot be inspected once it has left), whichever is earlier.
func cureBy(q agreement.Consequence, r Event) time.Time {
	var t time.Time
	if q.Cure != nil {
		t = q.Cure.AddTo(r.Time)
	}
	if !r.CureBy.IsZero() && (t.IsZero() || r.CureBy.Before(t)) {
		t = r.CureBy
	}
	return t
}

// Cure returns what a fact that cures the breaches about ref does: the
// holds of findings about ref are lifted, and every open breach about ref
// that a cure ends is ended, restoring its targets unless another hold or
// breach keeps them.
func Cure(ref string, why Event, in Incentives, breaches []Breach) []Action {
	var out []Action
	lift := func(noun string, targets []string) {
		if len(targets) > 0 {
			out = append(out, Action{Do: DoLift, Targets: targets, Rule: -1, Why: why, Cause: why.Text,
				Text: fmt.Sprintf("the hold for %s lifted from %s: %s", ref, names(noun, targets), why.Text)})
		}
	}
	var ts, ds []string
	for _, t := range in.Tranches {
		if slices.ContainsFunc(t.Holds, func(h HoldRef) bool { return h.Ref == ref }) {
			ts = append(ts, t.ID)
		}
	}
	for _, d := range in.Deliveries {
		if slices.ContainsFunc(d.Holds, func(h HoldRef) bool { return h.Ref == ref }) {
			ds = append(ds, d.ID)
		}
	}
	lift("tranche", ts)
	lift("deliveries of", ds)
	for _, b := range breaches {
		if b.Ref == ref && b.cureable() {
			b := b
			out = append(out, Action{Do: DoRestore, Party: b.Party, Targets: b.Targets, Rule: b.Rule, Breach: &b, Why: why, Cause: why.Text,
				Text: fmt.Sprintf("the %s about %s cured: %s", b.Kind, b.Ref, why.Text)})
		}
	}
	return out
}

// Remedy returns what the injured party's acceptance of a remedy for an
// open breach does: a suspension the agreement restores on a remedy ends.
func Remedy(b Breach, why Event) ([]Action, error) {
	if b.Status != BreachOpen || b.Restore != agreement.RestoreOnRemedy {
		return nil, fmt.Errorf("breach %s is %s, and its consequence is not restored by a remedy", b.ID, b.Status)
	}
	return []Action{{Do: DoRestore, Party: b.Party, Targets: b.Targets, Rule: b.Rule, Breach: &b, Why: why, Cause: why.Text,
		Text: fmt.Sprintf("the %s about %s remedied: %s", b.Kind, b.Ref, why.Text)}}, nil
}

// Expire returns what happens when an open breach reaches its Until: it
// becomes final, and the tranches it still holds back are forfeited.
func Expire(b Breach, in Incentives) []Action {
	if b.Status != BreachOpen {
		return nil
	}
	var targets []string
	for _, t := range in.Tranches {
		if slices.Contains(b.Targets, t.ID) && (t.Status.Pending() || t.Status == TrancheSuspended) {
			targets = append(targets, t.ID)
		}
	}
	why := "was not cured by " + b.Until.Format(time.DateOnly)
	if b.Effect != agreement.WithholdTranches {
		why = "was not restored by " + b.Until.Format(time.DateOnly)
	}
	return []Action{{Do: DoForfeit, Party: b.Party, Targets: targets, Rule: b.Rule, Breach: &b,
		Why: Event{Kind: b.Kind, Party: b.Party, Ref: b.Ref, Time: b.Fact}, Cause: fmt.Sprintf("the %s about %s %s: %s", b.Kind, b.Ref, why, b.Cause),
		Text: fmt.Sprintf("the %s about %s %s; %s forfeited: %s", b.Kind, b.Ref, why, names("tranche", targets), b.Cause)}}
}

// Holder returns the breach, other than except, that holds the target
// back, a suspension before a withholding; "" when none does.
func Holder(target, except string, breaches []Breach) string {
	found := ""
	for _, b := range breaches {
		if b.ID == except || !(b.Status == BreachOpen || b.Status == BreachFinal) || !slices.Contains(b.Targets, target) {
			continue
		}
		switch b.Effect {
		case agreement.SuspendTranches, agreement.SuspendDeliveries:
			return b.ID
		case agreement.WithholdTranches:
			if found == "" && b.Status == BreachOpen {
				found = b.ID
			}
		}
	}
	return found
}

// names names targets: "tranche t1", "tranches t2, t3", "deliveries of
// hfo".
func names(noun string, ts []string) string {
	switch {
	case len(ts) == 0:
		return "no " + noun
	case len(ts) == 1 || !strings.HasPrefix(noun, "tranche"):
		return noun + " " + strings.Join(ts, ", ")
	}
	return noun + "s " + strings.Join(ts, ", ")
}

// OnSnapback returns what a snapback does: it restores the relief the
// dispute process names, suspends the incentives it names, and applies
// the agreement's consequences on snapback for the party the dispute was
// against (why.Party).
func OnSnapback(spec *agreement.Spec, why Event, in Incentives, at time.Time) []Action {
	type rule struct {
		i int
		q agreement.Consequence
	}
	var rs []rule
	if d := spec.Dispute; d != nil {
		for _, id := range d.Incentives {
			rs = append(rs, rule{-1, agreement.Consequence{On: agreement.Snapback, Party: why.Party, Effect: agreement.RestoreRelief, Incentive: id}})
		}
		for _, id := range d.Suspend {
			eff := agreement.SuspendTranches
			for _, inc := range spec.Incentives {
				if inc.ID == id && inc.Kind == agreement.InKind {
					eff = agreement.SuspendDeliveries
				}
			}
			rs = append(rs, rule{-1, agreement.Consequence{On: agreement.Snapback, Party: why.Party, Effect: eff, Incentive: id}})
		}
	}
	for i, q := range spec.Consequences {
		if q.On == agreement.Snapback && q.Party == why.Party {
			rs = append(rs, rule{i, q})
		}
	}
	var out []Action
	for _, r := range rs {
		out = append(out, effect(r.i, r.q, "", []Event{why}, in, at, map[string]bool{}, nil)...)
	}
	return out
}
