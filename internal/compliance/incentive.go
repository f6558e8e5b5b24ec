package compliance

import (
	"slices"
	"time"

	"github.com/surety/surety/internal/agreement"
)

// TrancheStatus is where a tranche stands.
type TrancheStatus string

// The tranche statuses. A tranche is scheduled until its due date; then
// due if its conditions hold, or withheld until they do. A finding puts it
// on hold until its period closes; the close confirms a consequence
// (withheld until a breach is cured, suspended, forfeited) or lifts the
// hold. Paid and forfeited are final.
const (
	TrancheScheduled TrancheStatus = "scheduled"
	TrancheDue       TrancheStatus = "due"
	TrancheHeld      TrancheStatus = "held"
	TrancheWithheld  TrancheStatus = "withheld"
	TranchePaid      TrancheStatus = "paid"
	TrancheSuspended TrancheStatus = "suspended"
	TrancheForfeited TrancheStatus = "forfeited"
)

// Pending reports whether the tranche is still to be paid: a consequence
// can still touch it.
func (s TrancheStatus) Pending() bool {
	return s == TrancheScheduled || s == TrancheDue || s == TrancheWithheld || s == TrancheHeld
}

// Tranche is a tranche's state: its schedule, its status with every change
// and its cause, its holds, and the payment and receipt.
type Tranche struct {
	ID        string `json:"id"`
	Incentive string `json:"incentive"`
	Purpose   string `json:"purpose,omitempty"`
	Amount    int64  `json:"amount"`
	Currency  string `json:"currency"`
	From      string `json:"from"`
	To        string `json:"to"`
	Rule      string `json:"rule"`
	// Due is when the tranche fell due; nil before.
	Due *time.Time `json:"due,omitempty"`
	// Deadline is the due time plus the payment obligation's grace.
	Deadline *time.Time    `json:"deadline,omitempty"`
	Status   TrancheStatus `json:"status"`
	Cause    string        `json:"cause"`
	// Holds are the findings holding the tranche until their periods close.
	Holds []HoldRef `json:"holds,omitempty"`
	// Breach is the breach whose consequence holds the tranche back
	// (withheld or suspended), if any.
	Breach string `json:"breach,omitempty"`
	// Interest is what the benefactor owes for paying late, in whole units
	// of the currency.
	Interest int64    `json:"interest,omitempty"`
	History  []Change `json:"history"`
	Payment  *Payment `json:"payment,omitempty"`
	Receipt  *Receipt `json:"receipt,omitempty"`
}

// HoldRef is a finding that holds an incentive.
type HoldRef struct {
	Kind Kind      `json:"kind"`
	Ref  string    `json:"ref"`
	Time time.Time `json:"time"`
	// Rule is the index of the agreement's consequence the hold awaits.
	Rule  int    `json:"rule"`
	Cause string `json:"cause"`
}

// Change is one step in the history of a tranche, delivery, relief,
// declaration or dispute, with the statement that made it, if one did.
type Change struct {
	ID     string    `json:"id,omitempty"`
	Index  uint64    `json:"index,omitempty"`
	Time   time.Time `json:"time"`
	Reason string    `json:"reason,omitempty"`
}

// Payment records a payment or a delivery by the benefactor.
type Payment struct {
	Statement string    `json:"statement"`
	Index     uint64    `json:"index"`
	Time      time.Time `json:"time"`
	Amount    float64   `json:"amount"`
	Reference string    `json:"reference,omitempty"`
	Late      bool      `json:"late,omitempty"`
	// DuringHold says the payment was made while a finding held the
	// tranche or delivery: it is recorded, and flagged.
	DuringHold bool `json:"during_hold,omitempty"`
}

// Receipt is the undertaker's acknowledgement, or dispute, of a payment or
// delivery.
type Receipt struct {
	Statement string    `json:"statement"`
	Index     uint64    `json:"index"`
	Time      time.Time `json:"time"`
	Disputed  bool      `json:"disputed"`
	Reason    string    `json:"reason,omitempty"`
}

// DeliveryStatus is where an in-kind delivery stands.
type DeliveryStatus string

// The delivery statuses.
const (
	DeliveryPending   DeliveryStatus = "pending"
	DeliveryActive    DeliveryStatus = "active"
	DeliveryHeld      DeliveryStatus = "held"
	DeliverySuspended DeliveryStatus = "suspended"
	DeliveryEnded     DeliveryStatus = "ended"
)

// Delivery is an in-kind incentive's state: its schedule in installments
// and what was delivered.
type Delivery struct {
	ID          string         `json:"id"`
	Commodity   string         `json:"commodity"`
	Unit        string         `json:"unit"`
	From        string         `json:"from"`
	To          string         `json:"to"`
	PerInstall  float64        `json:"per_installment"`
	Start       *time.Time     `json:"start,omitempty"`
	Status      DeliveryStatus `json:"status"`
	Cause       string         `json:"cause,omitempty"`
	Holds       []HoldRef      `json:"holds,omitempty"`
	Breach      string         `json:"breach,omitempty"`
	History     []Change       `json:"history"`
	Delivered   float64        `json:"delivered"`
	Records     []Payment      `json:"records"`
	Installment []Installment  `json:"installments"`
	Receipts    []Receipt      `json:"receipts,omitempty"`
}

// Installment is one installment of a delivery schedule.
type Installment struct {
	N         int       `json:"n"`
	From      time.Time `json:"from"`
	To        time.Time `json:"to"`
	Owed      float64   `json:"owed"`
	Delivered float64   `json:"delivered"`
	Shortfall float64   `json:"shortfall"`
}

// ReliefStatus is where a relief incentive stands.
type ReliefStatus string

// The relief statuses.
const (
	ReliefPending  ReliefStatus = "pending"
	ReliefInEffect ReliefStatus = "in_effect"
	ReliefRestored ReliefStatus = "restored"
)

// Relief is a relief incentive's state.
type Relief struct {
	ID       string              `json:"id"`
	At       string              `json:"at"`
	Status   ReliefStatus        `json:"status"`
	Measures []agreement.Measure `json:"measures,omitempty"`
	Entries  []string            `json:"entries,omitempty"`
	// Reimposed are the measures a party reimposed outside the agreed
	// mechanism.
	Reimposed []string `json:"reimposed,omitempty"`
	History   []Change `json:"history"`
}

// Incentives is every incentive's schedule against what happened.
type Incentives struct {
	Tranches   []Tranche  `json:"tranches"`
	Deliveries []Delivery `json:"deliveries"`
	Relief     []Relief   `json:"relief"`
}

// tranche returns the tranche with the id, or nil.
func (in *Incentives) tranche(id string) *Tranche {
	if i := slices.IndexFunc(in.Tranches, func(t Tranche) bool { return t.ID == id }); i >= 0 {
		return &in.Tranches[i]
	}
	return nil
}
