package state

import (
	"fmt"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/compliance"
	"github.com/surety/surety/internal/statement"
)

// Tranche is a tranche's state.
type Tranche = compliance.Tranche

// initTranches creates the tranches' states at the adoption.
func (c *Context) initTranches(in agreement.Incentive, at time.Time) error {
	for _, t := range in.Tranches {
		tr := Tranche{ID: t.ID, Incentive: in.ID, Purpose: t.Purpose, Amount: t.Amount, Currency: in.Total.Currency,
			From: in.From, To: in.To, Rule: t.Due.String(), Status: compliance.TrancheScheduled, Cause: "awaiting its due date: " + t.Due.String()}
		tr.History = []compliance.Change{{Time: at, Reason: string(tr.Status) + ": " + tr.Cause}}
		if err := putJSON(c.KV, kindTranche, t.ID, tr); err != nil {
			return err
		}
	}
	return nil
}

// LoadTranche returns a tranche's state.
func LoadTranche(kv KV, id string) (*Tranche, error) {
	return load[Tranche](kv, kindTranche, id, "tranche")
}

// moveTranche moves a tranche to a status with its cause, recording the
// change and the statement that made it, if one did.
func (c *Context) moveTranche(t *Tranche, status compliance.TrancheStatus, cause string, by Event) error {
	t.Status, t.Cause = status, cause
	ch := compliance.Change{Time: c.Now, Reason: string(status) + ": " + cause, ID: by.Statement, Index: by.Index}
	t.History = append(t.History, ch)
	return putJSON(c.KV, kindTranche, t.ID, t)
}

// settleTranche sets a tranche's status at a time from what holds it: paid
// and forfeited are final; a finding's hold comes first, then the breach
// that withholds or suspends it; otherwise it is scheduled before its due
// date, and after it due if its conditions hold, or withheld for them.
// Becoming due starts the payment's grace at that time; leaving due
// cancels its deadline. why says what changed, by the statement behind
// it, if one is; the status's own cause follows it, but for a tranche
// falling due, which why alone explains when given.
func (c *Context) settleTranche(t *Tranche, at time.Time, why string, by Event) error {
	if t.Status == compliance.TranchePaid || t.Status == compliance.TrancheForfeited {
		return putJSON(c.KV, kindTranche, t.ID, t)
	}
	var status compliance.TrancheStatus
	var cause string
	switch {
	case len(t.Holds) > 0:
		status, cause = compliance.TrancheHeld, "until the close of its period decides: "+t.Holds[0].Cause
	case t.Breach != "":
		b, err := LoadBreach(c.KV, t.Breach)
		if err != nil {
			return err
		}
		status, cause = compliance.TrancheSuspended, b.Cause
		if b.Effect == agreement.WithholdTranches {
			status, cause = compliance.TrancheWithheld, "until cured: "+b.Cause
		}
	case t.Due == nil:
		status, cause = compliance.TrancheScheduled, "awaiting its due date"
	default:
		ok, unmet, err := c.conditionsHold(t.ID)
		if err != nil {
			return err
		}
		status, cause = compliance.TrancheDue, "fell due under "+t.Rule
		switch {
		case !ok:
			status, cause = compliance.TrancheWithheld, "conditions not met: "+unmet
		case why != "":
			cause = ""
		}
	}
	cause = because(why, cause)
	if status == t.Status && cause == t.Cause {
		return putJSON(c.KV, kindTranche, t.ID, t)
	}
	if t.Status == compliance.TrancheDue && status != compliance.TrancheDue && t.Deadline != nil {
		if err := c.unschedule(*t.Deadline, "payment", t.ID); err != nil {
			return err
		}
		t.Deadline = nil
	}
	if status == compliance.TrancheDue && t.Status != compliance.TrancheDue {
		deadline := at
		if o := c.incentiveObligation(t.Incentive); o != nil && o.Grace != nil {
			deadline = o.Grace.AddTo(at)
		}
		t.Deadline = &deadline
		if err := c.schedule(deadline, "payment", t.ID); err != nil {
			return err
		}
	}
	return c.moveTranche(t, status, cause, by)
}

// conditionsHold checks a tranche's conditions: the undertaker's last N
// closed periods compliant, milestones reached.
func (c *Context) conditionsHold(id string) (bool, string, error) {
	var tr *agreement.Tranche
	for _, in := range c.Spec.Incentives {
		for i := range in.Tranches {
			if in.Tranches[i].ID == id {
				tr = &in.Tranches[i]
			}
		}
	}
	if tr == nil {
		return false, "", fmt.Errorf("state: no tranche %s in the agreement", id)
	}
	for _, cond := range tr.Conditions {
		if cond.Milestone != "" {
			if _, err := c.KV.Get(kindMilestone, cond.Milestone); err != nil {
				return false, "milestone " + cond.Milestone + " is not reached", nil
			}
			continue
		}
		closed, ps, err := lastPeriods(c.KV, cond.CompliantPeriods)
		if err != nil {
			return false, "", err
		}
		if closed < cond.CompliantPeriods {
			return false, fmt.Sprintf("only %d periods have closed; the tranche needs the last %d compliant", closed, cond.CompliantPeriods), nil
		}
		for _, p := range ps {
			for _, v := range p.Verdicts {
				if v.Role == agreement.Undertaker && v.Verdict != compliance.Compliant {
					return false, fmt.Sprintf("the undertaker was %s in period %d; the tranche needs the last %d periods compliant", v.Verdict, p.N, cond.CompliantPeriods), nil
				}
			}
		}
	}
	return true, "", nil
}

// trancheDue runs when a tranche falls due.
func trancheDue(c *Context, at time.Time, id string) error {
	t, err := LoadTranche(c.KV, id)
	if err != nil {
		return err
	}
	due := at
	t.Due = &due
	return c.settleTranche(t, at, "", Event{})
}

// settleTranches runs at the close of period n, which ended at end, over
// every tranche: one withheld for its conditions is released once they
// hold, and those still unpaid after a deadline within or before the
// period are a missed payment again, one for each benefactor, in the
// period now running: a benefactor stays in breach for as long as it owes
// a tranche.
func (c *Context) settleTranches(n int, end time.Time) error {
	var owing []string // benefactors, in the order of their first tranche
	unpaid := map[string][]*Tranche{}
	ts, err := scanJSON[Tranche](c.KV, kindTranche, "", "")
	if err != nil {
		return err
	}
	for i := range ts {
		t := &ts[i]
		switch {
		case t.Status == compliance.TrancheDue && t.Deadline != nil && t.Deadline.Before(end):
			if unpaid[t.From] == nil {
				owing = append(owing, t.From)
			}
			unpaid[t.From] = append(unpaid[t.From], t)
		case t.Status == compliance.TrancheWithheld && t.Breach == "":
			ok, _, err := c.conditionsHold(t.ID)
			if err != nil || !ok {
				return err
			}
			if err := c.settleTranche(t, c.Now, "its conditions now hold", Event{}); err != nil {
				return err
			}
		}
	}
	for _, party := range owing {
		for _, t := range unpaid[party] {
			err := c.event(c.Now, Event{Kind: compliance.MissedPayment, Party: party, Ref: t.ID, Obligation: c.incentiveObligationID(t.Incentive),
				Text: fmt.Sprintf("still unpaid at the close of period %d: tranche %s (%s %s, deadline %s)", n, t.ID, agreement.Group(t.Amount), t.Currency, t.Deadline.Format(time.DateOnly))})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *Context) incentiveObligationID(incentive string) string {
	if o := c.incentiveObligation(incentive); o != nil {
		return o.ID
	}
	return ""
}

// paymentDeadline runs at a due tranche's deadline: unpaid, it is a missed
// payment by the benefactor.
func paymentDeadline(c *Context, at time.Time, id string) error {
	t, err := LoadTranche(c.KV, id)
	if err != nil || t.Status != compliance.TrancheDue {
		return err
	}
	return c.event(at, Event{Kind: compliance.MissedPayment, Party: t.From, Ref: t.ID, Obligation: c.incentiveObligationID(t.Incentive),
		Text: fmt.Sprintf("tranche %s (%s %s) fell due on %s and was not paid by %s", t.ID, agreement.Group(t.Amount), t.Currency,
			t.Due.Format(time.DateOnly), at.Format(time.DateOnly))})
}

// applyPayment records a tranche's payment. A payment while a finding
// holds the tranche is accepted, since it records a fact, and flagged in
// the paying party's verdict; a payment after the deadline is late, and
// cures the missed payment.
func applyPayment(c *Context, e Entry) error {
	var b statement.PaymentBody
	if err := decode(e, &b); err != nil {
		return err
	}
	t, err := LoadTranche(c.KV, b.Tranche)
	if err != nil {
		return err
	}
	if c.Author.Party != t.From {
		return fmt.Errorf("%w: tranche %s is paid by %s", ErrForbidden, t.ID, t.From)
	}
	if b.Amount != t.Amount || b.Currency != t.Currency {
		return fmt.Errorf("%w: tranche %s is %s %s, not %s %s", ErrInvalid, t.ID, agreement.Group(t.Amount), t.Currency, agreement.Group(b.Amount), b.Currency)
	}
	switch t.Status {
	case compliance.TrancheDue, compliance.TrancheScheduled, compliance.TrancheHeld:
	default:
		return fmt.Errorf("%w: tranche %s is %s (%s)", ErrConflict, t.ID, t.Status, t.Cause)
	}
	p := &compliance.Payment{Statement: e.Statement.ID, Index: e.Index, Time: e.Time, Amount: float64(b.Amount), Reference: b.Reference,
		DuringHold: t.Status == compliance.TrancheHeld}
	deadline := t.Deadline
	if deadline != nil {
		p.Late = e.Time.After(*deadline)
		if !p.Late {
			if err := c.unschedule(*deadline, "payment", t.ID); err != nil {
				return err
			}
		}
	}
	t.Payment = p
	cause := "payment recorded"
	switch {
	case p.Late:
		cause = "paid late, after its deadline " + deadline.Format(time.DateOnly)
	case p.DuringHold:
		cause = "paid while on hold, until the close of its period decides: " + t.Holds[0].Cause
	}
	if err := c.moveTranche(t, compliance.TranchePaid, cause, Event{Statement: e.Statement.ID, Index: e.Index}); err != nil {
		return err
	}
	obligation := c.incentiveObligationID(t.Incentive)
	if p.DuringHold {
		if err := c.stmtEvent(e, Event{Kind: compliance.PaidDuringHold, Party: t.From, Ref: t.ID, Obligation: obligation,
			Text: fmt.Sprintf("tranche %s was paid while on hold: %s", t.ID, t.Holds[0].Cause)}); err != nil {
			return err
		}
	}
	if !p.Late {
		return nil
	}
	if err := c.stmtEvent(e, Event{Kind: compliance.LatePayment, Party: t.From, Ref: t.ID, Obligation: obligation,
		Text: fmt.Sprintf("tranche %s was paid on %s, after its deadline %s", t.ID, e.Time.Format(time.DateOnly), deadline.Format(time.DateOnly))}); err != nil {
		return err
	}
	return c.cure(&e, t.From, t.ID, "", fmt.Sprintf("tranche %s was paid by %s", t.ID, e.Statement.ID))
}

func applyReceipt(c *Context, e Entry) error {
	var b statement.ReceiptBody
	if err := decode(e, &b); err != nil {
		return err
	}
	r := &compliance.Receipt{Statement: e.Statement.ID, Index: e.Index, Time: e.Time, Disputed: b.Disputed, Reason: b.Reason}
	switch {
	case b.Tranche != "" && b.Delivery == "":
		t, err := LoadTranche(c.KV, b.Tranche)
		if err != nil {
			return err
		}
		if c.Author.Party != t.To {
			return fmt.Errorf("%w: tranche %s is received by %s", ErrForbidden, t.ID, t.To)
		}
		if t.Payment == nil || t.Receipt != nil {
			return fmt.Errorf("%w: tranche %s has no payment awaiting receipt", ErrConflict, t.ID)
		}
		t.Receipt = r
		return putJSON(c.KV, kindTranche, t.ID, t)
	case b.Delivery != "" && b.Tranche == "":
		ds, err := scanJSON[Delivery](c.KV, kindDelivery, "", "")
		if err != nil {
			return err
		}
		for _, d := range ds {
			for _, p := range d.Records {
				if p.Statement != b.Delivery {
					continue
				}
				if c.Author.Party != d.To {
					return fmt.Errorf("%w: delivery %s is received by %s", ErrForbidden, d.ID, d.To)
				}
				d.Receipts = append(d.Receipts, *r)
				return putJSON(c.KV, kindDelivery, d.ID, d)
			}
		}
		return fmt.Errorf("%w: no delivery recorded by statement %q", ErrInvalid, b.Delivery)
	}
	return fmt.Errorf("%w: a receipt names either a tranche or a delivery statement", ErrInvalid)
}

// Incentives is every incentive's schedule against what happened.
type Incentives = compliance.Incentives

// LoadIncentives returns every incentive's state.
func LoadIncentives(kv KV) (*Incentives, error) {
	out := &Incentives{}
	var err error
	if out.Tranches, err = scanJSON[Tranche](kv, kindTranche, "", ""); err != nil {
		return nil, err
	}
	if out.Deliveries, err = scanJSON[Delivery](kv, kindDelivery, "", ""); err != nil {
		return nil, err
	}
	if out.Relief, err = scanJSON[Relief](kv, kindReliefState, "", ""); err != nil {
		return nil, err
	}
	if out.Tranches == nil {
		out.Tranches = []Tranche{}
	}
	if out.Deliveries == nil {
		out.Deliveries = []Delivery{}
	}
	if out.Relief == nil {
		out.Relief = []Relief{}
	}
	return out, nil
}

// because joins what changed a status to the status's own cause.
func because(why, cause string) string {
	switch {
	case why == "" || why == cause:
		return cause
	case cause == "":
		return why
	}
	return why + "; " + cause
}
