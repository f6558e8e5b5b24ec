package compliance

import (
	"slices"

	"github.com/surety/surety/internal/agreement"
)

// Kind is the kind of a fact: what the log established, and when.
type Kind string

// Breaches of the undertaker's obligations.
const (
	// Prohibited: inspectors found prohibited items in a declared consignment.
	Prohibited Kind = "prohibited"
	// Undeclared: a challenge inspection confirmed an undeclared departure.
	Undeclared Kind = "undeclared_departure"
	// Unlicensed: a declared transfer needs a licence it does not have.
	Unlicensed Kind = "unlicensed_transfer"
	// Withdrawn: a declaration was withdrawn after its selection, where the
	// declaration obligation makes that a violation.
	Withdrawn Kind = "withdrawn_after_selection"
	// AccessDenied: inspectors were turned away from a selected consignment
	// or a granted challenge inspection.
	AccessDenied Kind = "access_denied"
	// ChallengeRefused: a challenge inspection was refused, or left
	// unanswered past its response time.
	ChallengeRefused Kind = "challenge_refused"
	// Discrepancy: what inspectors found differs from what was declared,
	// though nothing found is prohibited.
	Discrepancy Kind = "discrepancy"
	// Late: a declaration came after its lead time.
	Late Kind = "late_declaration"
	// SealDiscrepancy: a declared seal missing or broken, or a seal that is
	// not the declared one, where the agreement counts it a discrepancy.
	SealDiscrepancy Kind = "seal_discrepancy"
	// SealViolation: the same, where the agreement makes it a violation.
	SealViolation Kind = "seal_violation"
	// LimitExceeded: the monitoring party measured a value beyond a
	// facility obligation's limit.
	LimitExceeded Kind = "limit_exceeded"
	// ContinuityViolation: a seal on a facility stayed broken, or a camera
	// off, for longer than the obligation allows, where it names the loss
	// of continuity a violation.
	ContinuityViolation Kind = "continuity_violation"
	// ContinuityDiscrepancy: the same, where it names it a discrepancy.
	ContinuityDiscrepancy Kind = "continuity_discrepancy"
)

// Breaches of the inspectorate's obligations.
const (
	// NotPerformed: a selected consignment was not inspected by its
	// deadline through the inspectorate's fault: no inspector came, or the
	// report came late.
	NotPerformed Kind = "not_performed"
	// Unrevealed: a selection the inspectorate committed to was not revealed
	// by its deadline, so nobody can check it.
	Unrevealed Kind = "unrevealed"
)

// Breaches of the benefactor's obligations.
const (
	// MissedPayment: a tranche was not paid by its deadline, or is still
	// unpaid at a period's close.
	MissedPayment Kind = "missed_payment"
	// LatePayment: a tranche was paid after its deadline.
	LatePayment Kind = "late_payment"
	// MissedDelivery: an installment of an in-kind delivery fell short.
	MissedDelivery Kind = "missed_delivery"
)

// Breaches of any party's undertakings.
const (
	// Overdue: an undertaking was not fulfilled by its due time, or is still
	// unfulfilled at a period's close.
	Overdue Kind = "undertaking_overdue"
	// Found: a body found the party in breach of an obligation that names
	// it as its finder, by its members' votes.
	Found Kind = "found_by_body"
	// Reimposed: a party of the benefactor reimposed measures that a
	// relief lifted, outside the agreed mechanism.
	Reimposed Kind = "reimposed_outside_mechanism"
)

// Facts that a verdict names without their being breaches, remedies, and
// the records of what happened to the incentives, the timeline and the
// processes.
const (
	// ForceMajeure: a selected consignment was not inspected for a cause
	// that both the inspectorate and the site's party ascribe to neither.
	ForceMajeure Kind = "force_majeure"
	// PaidDuringHold: a tranche was paid while a finding held it.
	PaidDuringHold Kind = "paid_during_hold"
	// Shortfall: the period missed its detection goal only through
	// inspections not performed for causes other than the undertaker.
	Shortfall Kind = "assurance_shortfall"
	// Empty: nothing was declared and nothing inspected in the period.
	Empty Kind = "nothing_declared"
	// BelowGoal: the detection the period bought is below its goal.
	BelowGoal Kind = "assurance_below_goal"
	// Excused: a fact under an obligation that was suspended at the time.
	Excused Kind = "excused"

	// AccessGiven: inspectors were given the access a report shows.
	AccessGiven Kind = "access_given"
	// Cured: a breach was cured: the denied consignment inspected before it
	// left, or the refused location opened in time.
	Cured Kind = "cured"
	// Remedied: the injured party accepted a remedy for a breach.
	Remedied Kind = "remedied"
	// Measured: a measurement within a facility obligation's limits.
	Measured Kind = "measured"
	// Restored: a seal or camera restored within the obligation's
	// allowance: no loss of continuity.
	Restored Kind = "continuity_restored"

	Milestone           Kind = "milestone"
	TrancheChange       Kind = "tranche"
	Hold                Kind = "hold"
	Interest            Kind = "interest"
	ReliefChange        Kind = "relief"
	Snapback            Kind = "snapback"
	LicenceTimeout      Kind = "licence_timeout"
	DisputeStep         Kind = "dispute_step"
	DeliveriesSuspended Kind = "deliveries_suspended"
	ObligationSuspended Kind = "obligation_suspended"
	ObligationResumed   Kind = "obligation_resumed"
	Record              Kind = "record"
)

// rule is how one kind of fact bears on verdicts and consequences.
type rule struct {
	// class is the breach class the agreement's consequences name; empty
	// for a fact that is no breach.
	class agreement.Breach
	// finding: the fact is a breach by itself the moment it is logged, and
	// the incentives its consequences touch go on hold at once.
	finding bool
	// counted: the fact is a breach only beyond the tolerance that its
	// obligation sets for a period.
	counted bool
	// cureable: a later fact can cure it (see Cures).
	cureable bool
}

// rules is the one table of the kinds of fact that are breaches. Every
// breach counts against the verdict of the party it names; a kind not in
// the table is no breach.
var rules = map[Kind]rule{
	Prohibited:            {class: agreement.Violation, finding: true},
	Undeclared:            {class: agreement.Violation, finding: true},
	Unlicensed:            {class: agreement.Violation, finding: true},
	Withdrawn:             {class: agreement.Violation, finding: true},
	AccessDenied:          {class: agreement.AccessDenied, finding: true, cureable: true},
	ChallengeRefused:      {class: agreement.ChallengeRefused, finding: true, cureable: true},
	Discrepancy:           {class: agreement.Discrepancies, counted: true},
	SealDiscrepancy:       {class: agreement.Discrepancies, counted: true},
	SealViolation:         {class: agreement.Violation, finding: true},
	LimitExceeded:         {class: agreement.Violation, finding: true},
	ContinuityViolation:   {class: agreement.Violation, finding: true},
	ContinuityDiscrepancy: {class: agreement.Discrepancies, counted: true},
	Late:                  {class: agreement.LateDeclarations, counted: true},
	NotPerformed:          {class: agreement.InspectionFailure},
	Unrevealed:            {class: agreement.InspectionFailure},
	MissedPayment:         {class: agreement.MissedPayment, cureable: true},
	LatePayment:           {class: agreement.LatePayment},
	MissedDelivery:        {class: agreement.MissedDelivery, cureable: true},
	Overdue:               {class: agreement.MissedUndertaking, cureable: true},
	Reimposed:             {class: agreement.Reimposition, finding: true},
	Found:                 {class: agreement.Violation, finding: true},
}

// Class returns the breach class of a kind of fact, or "" when the kind is
// no breach.
func (k Kind) Class() agreement.Breach { return rules[k].class }

// Finding reports whether a fact of the kind is a breach at once, which
// puts the incentives its consequences touch on hold.
func (k Kind) Finding() bool { return rules[k].finding }

// Cureable reports whether a later fact can cure a breach of the kind.
func (k Kind) Cureable() bool { return rules[k].cureable }

// Continuity returns the kind of a loss of continuity of the class an
// obligation names.
func Continuity(class agreement.Breach) Kind {
	if class == agreement.Discrepancies {
		return ContinuityDiscrepancy
	}
	return ContinuityViolation
}

// Breaches lists the kinds of fact that are breaches, in a stable order.
func Breaches() []Kind {
	ks := make([]Kind, 0, len(rules))
	for k := range rules {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// Bears reports whether a fact of the kind bears on a verdict: a breach,
// or a note Judge reads (a cure, a remedy, force majeure, a payment during
// a hold, a measurement within limits, a seal or camera restored in time).
func Bears(k Kind) bool {
	_, breach := rules[k]
	return breach || noted(k) || k == ForceMajeure
}

// noted reports whether a fact of the kind is a note on its party's
// verdict.
func noted(k Kind) bool {
	return k == PaidDuringHold || k == Cured || k == Remedied || k == Measured || k == Restored
}
