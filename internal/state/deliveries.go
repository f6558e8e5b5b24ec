package state

import (
	"fmt"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/compliance"
	"github.com/surety/surety/internal/decimal"
	"github.com/surety/surety/internal/statement"
)

// Delivery is an in-kind incentive's state.
type Delivery = compliance.Delivery

// initDelivery creates an in-kind incentive's state at the adoption.
func (c *Context) initDelivery(in agreement.Incentive, at time.Time) error {
	inst := installment(in)
	d := Delivery{ID: in.ID, Commodity: in.Commodity, Unit: in.Unit, From: in.From, To: in.To,
		PerInstall: in.Quantity * inst.Days() / in.Per.Days(), Status: compliance.DeliveryPending, Cause: "awaiting its start: " + in.Start.String(),
		Records: []compliance.Payment{}, Installment: []compliance.Installment{}}
	d.History = []compliance.Change{{Time: at, Reason: string(d.Status) + ": " + d.Cause}}
	return putJSON(c.KV, kindDelivery, in.ID, d)
}

// installment is an in-kind incentive's installment length: its own, or
// the period of its quantity.
func installment(in agreement.Incentive) agreement.Duration {
	if in.Installment != nil {
		return *in.Installment
	}
	return *in.Per
}

// LoadDelivery returns a delivery incentive's state.
func LoadDelivery(kv KV, id string) (*Delivery, error) {
	return load[Delivery](kv, kindDelivery, id, "delivery incentive")
}

// moveDelivery moves a delivery to a status with its cause, at a time.
func (c *Context) moveDelivery(d *Delivery, at time.Time, status compliance.DeliveryStatus, cause string) error {
	d.Status, d.Cause = status, cause
	d.History = append(d.History, compliance.Change{Time: at, Reason: string(status) + ": " + cause})
	return putJSON(c.KV, kindDelivery, d.ID, d)
}

// settleDelivery sets a delivery's status from what holds it: a finding's
// hold, then a suspension; otherwise pending before its start and active
// after it, until it ends.
func (c *Context) settleDelivery(d *Delivery, at time.Time, why string) error {
	if d.Status == compliance.DeliveryEnded {
		return putJSON(c.KV, kindDelivery, d.ID, d)
	}
	status, cause := compliance.DeliveryActive, ""
	switch {
	case len(d.Holds) > 0:
		status, cause = compliance.DeliveryHeld, "until the close of its period decides: "+d.Holds[0].Cause
	case d.Breach != "":
		b, err := LoadBreach(c.KV, d.Breach)
		if err != nil {
			return err
		}
		status, cause = compliance.DeliverySuspended, b.Cause
	case d.Start == nil || d.Start.After(at):
		status, cause = compliance.DeliveryPending, "awaiting its start"
	}
	cause = because(why, cause)
	if status == d.Status {
		return putJSON(c.KV, kindDelivery, d.ID, d)
	}
	return c.moveDelivery(d, at, status, cause)
}

// applyDelivery records a delivery. One made while a finding holds the
// deliveries is recorded and flagged; suspended deliveries are refused.
func applyDelivery(c *Context, e Entry) error {
	var b statement.DeliveryBody
	if err := decode(e, &b); err != nil {
		return err
	}
	d, err := LoadDelivery(c.KV, b.Incentive)
	if err != nil {
		return err
	}
	if c.Author.Party != d.From {
		return fmt.Errorf("%w: %s is delivered by %s", ErrForbidden, d.ID, d.From)
	}
	if b.Unit != d.Unit || !(b.Quantity > 0) {
		return fmt.Errorf("%w: deliver a positive quantity in %s", ErrInvalid, d.Unit)
	}
	if d.Status == compliance.DeliverySuspended {
		return fmt.Errorf("%w: deliveries of %s are suspended: %s", ErrConflict, d.ID, d.Cause)
	}
	held := d.Status == compliance.DeliveryHeld
	d.Delivered += b.Quantity
	d.Records = append(d.Records, compliance.Payment{Statement: e.Statement.ID, Index: e.Index, Time: e.Time, Amount: b.Quantity,
		Reference: b.Reference, DuringHold: held})
	if err := putJSON(c.KV, kindDelivery, d.ID, d); err != nil {
		return err
	}
	if held {
		if err := c.stmtEvent(e, Event{Kind: compliance.PaidDuringHold, Party: d.From, Ref: d.ID, Obligation: c.incentiveObligationID(d.ID),
			Text: fmt.Sprintf("%v %s of %s delivered while on hold: %s", b.Quantity, d.Unit, d.Commodity, d.Holds[0].Cause)}); err != nil {
			return err
		}
	}
	if n := len(d.Installment); n > 0 && d.Installment[n-1].Shortfall > 0 && decimal.Round6(d.Delivered) >= d.Installment[n-1].Owed {
		return c.cure(&e, d.From, d.ID, "", fmt.Sprintf("the shortfall of %s was made up by %s", d.ID, e.Statement.ID))
	}
	return nil
}

// scheduleInstallment schedules the check at the end of installment n
// (plus grace) of a delivery that starts at start.
func (c *Context) scheduleInstallment(id string, n int, start time.Time) error {
	in := c.incentive(id)
	inst := installment(*in)
	begin := agreement.Duration{N: inst.N * (n - 1), Unit: inst.Unit}.AddTo(start)
	end := agreement.Duration{N: inst.N * n, Unit: inst.Unit}.AddTo(start)
	if in.Until != nil {
		if w := Timeline(c.KV, c.Spec).Eval(*in.Until); w.At != nil && !begin.Before(*w.At) {
			d, err := LoadDelivery(c.KV, id)
			if err != nil || d.Status != compliance.DeliveryActive {
				return err
			}
			return c.moveDelivery(d, *w.At, compliance.DeliveryEnded, fmt.Sprintf("its schedule ended on %s", w.At.Format(time.DateOnly)))
		}
	}
	at := end
	if o := c.incentiveObligation(id); o != nil && o.Grace != nil {
		at = o.Grace.AddTo(end)
	}
	d, err := LoadDelivery(c.KV, id)
	if err != nil {
		return err
	}
	if d.Start == nil {
		s := start
		d.Start = &s
		if err := putJSON(c.KV, kindDelivery, id, d); err != nil {
			return err
		}
		if err := c.scheduleOnce(start, "delivery", id); err != nil {
			return err
		}
	}
	return c.scheduleOnce(at, "installment", fmt.Sprintf("%s/%06d", id, n))
}

// deliveryStart makes a pending delivery active when its schedule starts.
func deliveryStart(c *Context, at time.Time, id string) error {
	d, err := LoadDelivery(c.KV, id)
	if err != nil || d.Status != compliance.DeliveryPending {
		return err
	}
	return c.settleDelivery(d, at, "its schedule started")
}

// installmentEnd checks a delivery installment after its grace: what was
// delivered by then against what was owed. While held or suspended, the
// deliveries are not owed. Delivering the shortfall cures it.
func installmentEnd(c *Context, at time.Time, key string) error {
	id, n := key, 0
	if i := lastSlash(key); i > 0 {
		id = key[:i]
		_, _ = fmt.Sscanf(key[i+1:], "%d", &n)
	}
	d, err := LoadDelivery(c.KV, id)
	if err != nil {
		return err
	}
	if d.Status == compliance.DeliverySuspended || d.Status == compliance.DeliveryEnded {
		return nil
	}
	inst := installment(*c.incentive(id))
	from := agreement.Duration{N: inst.N * (n - 1), Unit: inst.Unit}.AddTo(*d.Start)
	to := agreement.Duration{N: inst.N * n, Unit: inst.Unit}.AddTo(*d.Start)
	owed := decimal.Round6(d.PerInstall * float64(n))
	got := decimal.Round6(d.Delivered)
	ins := compliance.Installment{N: n, From: from, To: to, Owed: owed, Delivered: got}
	if got < owed {
		ins.Shortfall = decimal.Round6(owed - got)
	}
	// While a finding holds the deliveries, a shortfall is no breach: the
	// benefactor may wait for the close; what it still owes counts at the
	// next installment.
	if ins.Shortfall > 0 && d.Status != compliance.DeliveryHeld {
		if err := c.event(at, Event{Kind: compliance.MissedDelivery, Party: d.From, Ref: id, Obligation: c.incentiveObligationID(id),
			Text: fmt.Sprintf("by %s, %s had delivered %v %s of %s against %v owed: %v %s short", at.Format(time.DateOnly), d.From, got, d.Unit, d.Commodity, owed, ins.Shortfall, d.Unit)}); err != nil {
			return err
		}
	}
	d.Installment = append(d.Installment, ins)
	if err := putJSON(c.KV, kindDelivery, id, d); err != nil {
		return err
	}
	return c.scheduleInstallment(id, n+1, *d.Start)
}

func lastSlash(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '/' {
			return i
		}
	}
	return -1
}

func (c *Context) incentive(id string) *agreement.Incentive {
	for i := range c.Spec.Incentives {
		if c.Spec.Incentives[i].ID == id {
			return &c.Spec.Incentives[i]
		}
	}
	return nil
}
