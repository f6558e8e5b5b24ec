package state

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/surety/surety/internal/agreement"
)

// The statement types of incentives.
const (
	TypePayment  = "payment.record"
	TypeDelivery = "delivery.record"
	TypeReceipt  = "receipt.acknowledge"
)

const (
	kindTranche   = "tranche"
	kindDelivery  = "delivery"
	kindRelief2   = "relief-status"
	kindBreach    = "breach"
	kindScheduled = "scheduled"
)

// Tranche statuses.
const (
	Scheduled = "scheduled"
	Due       = "due"
	Withheld  = "withheld"
	Paid      = "paid"
	Suspended = "suspended"
	Forfeited = "forfeited"
)

// Tranche is a tranche's state: its schedule, its status with every change
// and its cause, and the payment and receipt.
type Tranche struct {
	ID        string     `json:"id"`
	Incentive string     `json:"incentive"`
	Purpose   string     `json:"purpose,omitempty"`
	Amount    int64      `json:"amount"`
	Currency  string     `json:"currency"`
	From      string     `json:"from"`
	To        string     `json:"to"`
	Rule      string     `json:"rule"`
	Due       *time.Time `json:"due,omitempty"`
	// Deadline is the due time plus the payment obligation's grace.
	Deadline *time.Time `json:"deadline,omitempty"`
	Status   string     `json:"status"`
	Cause    string     `json:"cause"`
	// Breach is the breach holding the tranche back, if any.
	Breach  string   `json:"breach,omitempty"`
	History []Change `json:"history"`
	Payment *Payment `json:"payment,omitempty"`
	Receipt *Receipt `json:"receipt,omitempty"`
}

// Payment records a payment or a delivery by the benefactor.
type Payment struct {
	Statement string    `json:"statement"`
	Index     uint64    `json:"index"`
	Time      time.Time `json:"time"`
	Amount    float64   `json:"amount"`
	Reference string    `json:"reference,omitempty"`
	Late      bool      `json:"late,omitempty"`
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

// PaymentBody is the body of payment.record.
type PaymentBody struct {
	Tranche   string `json:"tranche"`
	Amount    int64  `json:"amount"`
	Currency  string `json:"currency"`
	Reference string `json:"reference,omitempty"`
}

// DeliveryBody is the body of delivery.record.
type DeliveryBody struct {
	Incentive string  `json:"incentive"`
	Quantity  float64 `json:"quantity"`
	Unit      string  `json:"unit"`
	Reference string  `json:"reference,omitempty"`
}

// ReceiptBody is the body of receipt.acknowledge: for a tranche, or for a
// delivery by its statement id.
type ReceiptBody struct {
	Tranche  string `json:"tranche,omitempty"`
	Delivery string `json:"delivery,omitempty"`
	Disputed bool   `json:"disputed,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// Delivery is an in-kind incentive's state: its schedule in installments
// and what was delivered.
type Delivery struct {
	ID          string        `json:"id"`
	Commodity   string        `json:"commodity"`
	Unit        string        `json:"unit"`
	From        string        `json:"from"`
	To          string        `json:"to"`
	PerInstall  float64       `json:"per_installment"`
	Start       *time.Time    `json:"start,omitempty"`
	Status      string        `json:"status"`
	Cause       string        `json:"cause,omitempty"`
	History     []Change      `json:"history"`
	Delivered   float64       `json:"delivered"`
	Records     []Payment     `json:"records"`
	Installment []Installment `json:"installments"`
	Receipts    []Receipt     `json:"receipts,omitempty"`
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

// Delivery statuses, beyond the tranche ones it shares.
const (
	Pending = "pending"
	Active  = "active"
	Ended   = "ended"
)

// Relief is a relief incentive's state.
type Relief struct {
	ID       string              `json:"id"`
	At       string              `json:"at"`
	Status   string              `json:"status"`
	Measures []agreement.Measure `json:"measures,omitempty"`
	Entries  []string            `json:"entries,omitempty"`
	History  []Change            `json:"history"`
}

// Relief statuses.
const (
	InEffect = "in_effect"
	Restored = "restored"
)

func init() {
	treasurer := []agreement.Duty{agreement.Treasurer}
	Register(TypePayment, Handler{Duties: treasurer, Apply: applyPayment})
	Register(TypeDelivery, Handler{Duties: treasurer, Apply: applyDelivery})
	Register(TypeReceipt, Handler{Duties: treasurer, Apply: applyReceipt})
	OnDue("tranche", trancheDue)
	OnDue("payment", paymentDeadline)
	OnDue("relief", reliefAt)
	OnDue("installment", installmentEnd)
	OnDue("delivery", deliveryStart)
	OnDue("cure", cureExpired)
}

// initIncentives creates the incentives' states at the adoption.
func (c *Context) initIncentives(at time.Time) error {
	for _, in := range c.Spec.Incentives {
		switch in.Kind {
		case agreement.Tranches:
			for _, t := range in.Tranches {
				tr := Tranche{ID: t.ID, Incentive: in.ID, Purpose: t.Purpose, Amount: t.Amount, Currency: in.Total.Currency,
					From: in.From, To: in.To, Rule: t.Due.String(), Status: Scheduled, Cause: "awaiting its due date: " + t.Due.String()}
				tr.History = []Change{{Time: at, Reason: Scheduled + ": " + tr.Cause}}
				if err := putJSON(c.KV, kindTranche, t.ID, tr); err != nil {
					return err
				}
			}
		case agreement.InKind:
			per := in.Per
			inst := *per
			if in.Installment != nil {
				inst = *in.Installment
			}
			d := Delivery{ID: in.ID, Commodity: in.Commodity, Unit: in.Unit, From: in.From, To: in.To,
				PerInstall: in.Quantity * inst.Days() / per.Days(), Status: Pending, Cause: "awaiting its start: " + in.Start.String(),
				Records: []Payment{}, Installment: []Installment{}}
			d.History = []Change{{Time: at, Reason: Pending + ": " + d.Cause}}
			if err := putJSON(c.KV, kindDelivery, in.ID, d); err != nil {
				return err
			}
		case agreement.Relief:
			r := Relief{ID: in.ID, At: in.At, Status: Pending, Measures: in.Measures, History: []Change{}}
			for _, e := range in.Entries {
				r.Entries = append(r.Entries, e.Ref)
			}
			if err := putJSON(c.KV, kindRelief2, in.ID, r); err != nil {
				return err
			}
		}
	}
	return nil
}

// scheduleOnce schedules what once; a later call for the same item does
// nothing, even after it ran.
func (c *Context) scheduleOnce(at time.Time, what, id string) error {
	key := what + "/" + id
	if _, err := c.KV.Get(kindScheduled, key); err == nil {
		return nil
	}
	if err := c.KV.Put(kindScheduled, key, []byte(depKey(at))); err != nil {
		return err
	}
	return c.schedule(at, what, id)
}

// reschedule schedules everything whose time the timeline now fixes:
// periods, milestones, tranches, relief and deliveries. It runs at the
// adoption and whenever a condition is met.
func (c *Context) reschedule() error {
	tl := Timeline(c.KV, c.Spec)
	if _, to, ok := tl.Period(1); ok {
		if _, err := c.KV.Get(kindScheduled, "period/first"); err != nil {
			if err := c.KV.Put(kindScheduled, "period/first", []byte(depKey(to))); err != nil {
				return err
			}
			if err := c.schedulePeriod(1); err != nil {
				return err
			}
		}
	}
	for _, m := range c.Spec.Milestones {
		if w := tl.Milestone(m.ID); w.At != nil {
			if err := c.scheduleOnce(*w.At, "milestone", m.ID); err != nil {
				return err
			}
		}
	}
	for _, in := range c.Spec.Incentives {
		switch in.Kind {
		case agreement.Tranches:
			for _, t := range in.Tranches {
				if w := tl.Eval(t.Due); w.At != nil {
					if err := c.scheduleOnce(*w.At, "tranche", t.ID); err != nil {
						return err
					}
				}
			}
		case agreement.Relief:
			if w := tl.Milestone(in.At); w.At != nil {
				if err := c.scheduleOnce(*w.At, "relief", in.ID); err != nil {
					return err
				}
			}
		case agreement.InKind:
			if w := tl.Eval(*in.Start); w.At != nil {
				if err := c.scheduleInstallment(in.ID, 1, *w.At); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (c *Context) incentive(id string) *agreement.Incentive {
	for i := range c.Spec.Incentives {
		if c.Spec.Incentives[i].ID == id {
			return &c.Spec.Incentives[i]
		}
	}
	return nil
}

// obligationOf returns the payment or delivery obligation of an incentive.
func (c *Context) obligationOf(incentive string) *agreement.Obligation {
	for i, o := range c.Spec.Obligations {
		if (o.Kind == agreement.Pay || o.Kind == agreement.Deliver) && o.Incentive == incentive {
			return &c.Spec.Obligations[i]
		}
	}
	return nil
}

// LoadTranche returns a tranche's state.
func LoadTranche(kv KV, id string) (*Tranche, error) {
	return load[Tranche](kv, kindTranche, id, "tranche")
}

// setStatus moves a tranche to a status with its cause.
func (c *Context) setStatus(t *Tranche, at time.Time, status, cause string, st *Entry) error {
	t.Status, t.Cause = status, cause
	ch := Change{Time: maxTime(at, c.Now), Reason: status + ": " + cause}
	if st != nil {
		ch.ID, ch.Index = st.Statement.ID, st.Index
	}
	t.History = append(t.History, ch)
	return putJSON(c.KV, kindTranche, t.ID, t)
}

// conditionsHold checks a tranche's conditions at a time: the undertaker's
// last N closed periods compliant, milestones reached.
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
		ps, err := Periods(c.KV)
		if err != nil {
			return false, "", err
		}
		if len(ps) < cond.CompliantPeriods {
			return false, fmt.Sprintf("only %d periods have closed; the tranche needs the last %d compliant", len(ps), cond.CompliantPeriods), nil
		}
		for _, p := range ps[len(ps)-cond.CompliantPeriods:] {
			for _, v := range p.Verdicts {
				if v.Role == string(agreement.Undertaker) && v.Verdict != Compliant {
					return false, fmt.Sprintf("the undertaker was %s in period %d; the tranche needs the last %d periods compliant", v.Verdict, p.N, cond.CompliantPeriods), nil
				}
			}
		}
	}
	return true, "", nil
}

// release makes a tranche due and schedules its payment deadline; st is
// the statement that released it, if one did.
func (c *Context) release(t *Tranche, at time.Time, cause string, st *Entry) error {
	deadline := at
	if o := c.obligationOf(t.Incentive); o != nil && o.Grace != nil {
		deadline = o.Grace.AddTo(at)
	}
	t.Deadline = &deadline
	t.Breach = ""
	if err := c.schedule(deadline, "payment", t.ID); err != nil {
		return err
	}
	return c.setStatus(t, at, Due, cause, st)
}

// trancheDue runs when a tranche falls due: it becomes due if its
// conditions hold, and is withheld otherwise.
func trancheDue(c *Context, at time.Time, id string) error {
	t, err := LoadTranche(c.KV, id)
	if err != nil {
		return err
	}
	due := at
	t.Due = &due
	if t.Status != Scheduled {
		return putJSON(c.KV, kindTranche, t.ID, t) // suspended or withheld already
	}
	ok, why, err := c.conditionsHold(id)
	if err != nil {
		return err
	}
	if !ok {
		return c.setStatus(t, at, Withheld, "conditions not met: "+why, nil)
	}
	return c.release(t, at, "fell due under "+t.Rule, nil)
}

// settleTranches runs at the close of period n, which ended at end, over
// every tranche: one withheld for its conditions is released once they
// hold, and those still unpaid after a deadline within or before the
// period are a missed payment again, one for each benefactor, in the
// period now running: a benefactor stays in breach for as long as it owes
// a tranche.
func (c *Context) settleTranches(n int, end, at time.Time) error {
	var owing []string // benefactors, in the order of their first tranche
	unpaid := map[string][]*Tranche{}
	err := c.eachTranche(func(t *Tranche) error {
		switch {
		case t.Status == Due && t.Deadline != nil && t.Deadline.Before(end):
			if unpaid[t.From] == nil {
				owing = append(owing, t.From)
			}
			unpaid[t.From] = append(unpaid[t.From], t)
		case t.Status == Withheld && t.Breach == "":
			ok, _, err := c.conditionsHold(t.ID)
			if err != nil || !ok {
				return err
			}
			return c.release(t, at, "its conditions now hold", nil)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, party := range owing {
		var ids, what []string
		for _, t := range unpaid[party] {
			ids = append(ids, t.ID)
			what = append(what, fmt.Sprintf("%s (%s %s, deadline %s)", t.ID, agreement.Group(t.Amount), t.Currency, t.Deadline.Format(time.DateOnly)))
		}
		err := c.event(at, Event{Kind: EventMissedPayment, Party: party, Ref: strings.Join(ids, ","),
			Text: fmt.Sprintf("still unpaid at the close of period %d: tranche %s", n, strings.Join(what, ", tranche "))})
		if err != nil {
			return err
		}
	}
	return nil
}

func (c *Context) eachTranche(fn func(t *Tranche) error) error {
	var ts []*Tranche
	err := c.KV.Scan(kindTranche, "", "", 0, func(_ string, v []byte) error {
		var t Tranche
		if err := json.Unmarshal(v, &t); err != nil {
			return err
		}
		ts = append(ts, &t)
		return nil
	})
	if err != nil {
		return err
	}
	for _, t := range ts {
		if err := fn(t); err != nil {
			return err
		}
	}
	return nil
}

// paymentDeadline runs at a due tranche's deadline: unpaid, it is a missed
// payment by the benefactor.
func paymentDeadline(c *Context, at time.Time, id string) error {
	t, err := LoadTranche(c.KV, id)
	if err != nil || t.Status != Due {
		return err
	}
	return c.event(at, Event{Kind: EventMissedPayment, Party: t.From, Ref: t.ID,
		Text: fmt.Sprintf("tranche %s (%s %s) fell due on %s and was not paid by %s", t.ID, agreement.Group(t.Amount), t.Currency,
			t.Due.Format(time.DateOnly), at.Format(time.DateOnly))})
}

func applyPayment(c *Context, e Entry) error {
	var b PaymentBody
	if err := e.Statement.Decode(&b); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
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
	if t.Status != Due && t.Status != Scheduled {
		return fmt.Errorf("%w: tranche %s is %s (%s)", ErrConflict, t.ID, t.Status, t.Cause)
	}
	p := &Payment{Statement: e.Statement.ID, Index: e.Index, Time: e.Time, Amount: float64(b.Amount), Reference: b.Reference}
	if t.Deadline != nil {
		p.Late = e.Time.After(*t.Deadline)
		if !p.Late {
			if err := c.unschedule(*t.Deadline, "payment", t.ID); err != nil {
				return err
			}
		}
	}
	t.Payment = p
	cause := "payment recorded"
	if p.Late {
		cause = "paid late, after its deadline " + t.Deadline.Format(time.DateOnly)
	}
	return c.setStatus(t, e.Time, Paid, cause, &e)
}

func applyReceipt(c *Context, e Entry) error {
	var b ReceiptBody
	if err := e.Statement.Decode(&b); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	r := &Receipt{Statement: e.Statement.ID, Index: e.Index, Time: e.Time, Disputed: b.Disputed, Reason: b.Reason}
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
		var found *Delivery
		err := c.KV.Scan(kindDelivery, "", "", 0, func(_ string, v []byte) error {
			var d Delivery
			if err := json.Unmarshal(v, &d); err != nil {
				return err
			}
			if slices.ContainsFunc(d.Records, func(p Payment) bool { return p.Statement == b.Delivery }) {
				found = &d
			}
			return nil
		})
		if err != nil {
			return err
		}
		if found == nil {
			return fmt.Errorf("%w: no delivery recorded by statement %q", ErrInvalid, b.Delivery)
		}
		if c.Author.Party != found.To {
			return fmt.Errorf("%w: delivery %s is received by %s", ErrForbidden, found.ID, found.To)
		}
		found.Receipts = append(found.Receipts, *r)
		return putJSON(c.KV, kindDelivery, found.ID, found)
	}
	return fmt.Errorf("%w: a receipt names either a tranche or a delivery statement", ErrInvalid)
}

// LoadDelivery returns a delivery incentive's state.
func LoadDelivery(kv KV, id string) (*Delivery, error) {
	return load[Delivery](kv, kindDelivery, id, "delivery incentive")
}

func applyDelivery(c *Context, e Entry) error {
	var b DeliveryBody
	if err := e.Statement.Decode(&b); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
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
	if d.Status == Suspended {
		return fmt.Errorf("%w: deliveries of %s are suspended: %s", ErrConflict, d.ID, d.Cause)
	}
	d.Delivered += b.Quantity
	d.Records = append(d.Records, Payment{Statement: e.Statement.ID, Index: e.Index, Time: e.Time, Amount: b.Quantity, Reference: b.Reference})
	return putJSON(c.KV, kindDelivery, d.ID, d)
}

// scheduleInstallment schedules the check at the end of installment n
// (plus grace) of a delivery that starts at start.
func (c *Context) scheduleInstallment(id string, n int, start time.Time) error {
	in := c.incentive(id)
	inst := *in.Per
	if in.Installment != nil {
		inst = *in.Installment
	}
	begin := agreement.Duration{N: inst.N * (n - 1), Unit: inst.Unit}.AddTo(start)
	end := agreement.Duration{N: inst.N * n, Unit: inst.Unit}.AddTo(start)
	if in.Until != nil {
		if w := Timeline(c.KV, c.Spec).Eval(*in.Until); w.At != nil && !begin.Before(*w.At) {
			return nil // the schedule has ended
		}
	}
	at := end
	if o := c.obligationOf(id); o != nil && o.Grace != nil {
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
	if err != nil || d.Status != Pending {
		return err
	}
	return d.set(c.KV, at, Active, "its schedule started")
}

// set moves a delivery to a status with its cause.
func (d *Delivery) set(kv KV, at time.Time, status, cause string) error {
	d.Status, d.Cause = status, cause
	d.History = append(d.History, Change{Time: at, Reason: status + ": " + cause})
	return putJSON(kv, kindDelivery, d.ID, d)
}

// installmentEnd checks a delivery installment after its grace: what was
// delivered by then against what was owed.
func installmentEnd(c *Context, at time.Time, key string) error {
	var id string
	var n int
	if i := lastSlash(key); i > 0 {
		id = key[:i]
		_, _ = fmt.Sscanf(key[i+1:], "%d", &n)
	}
	d, err := LoadDelivery(c.KV, id)
	if err != nil {
		return err
	}
	if d.Status == Suspended || d.Status == Ended {
		return nil
	}
	in := c.incentive(id)
	inst := *in.Per
	if in.Installment != nil {
		inst = *in.Installment
	}
	from := agreement.Duration{N: inst.N * (n - 1), Unit: inst.Unit}.AddTo(*d.Start)
	to := agreement.Duration{N: inst.N * n, Unit: inst.Unit}.AddTo(*d.Start)
	owed := round6(d.PerInstall * float64(n))
	got := round6(d.Delivered)
	ins := Installment{N: n, From: from, To: to, Owed: owed, Delivered: got}
	if got < owed {
		ins.Shortfall = round6(owed - got)
		if err := c.event(at, Event{Kind: EventMissedDelivery, Party: d.From, Ref: id,
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

func round6(x float64) float64 {
	return float64(int64(x*1e6+0.5)) / 1e6
}

// LoadRelief returns a relief incentive's state.
func LoadRelief(kv KV, id string) (*Relief, error) {
	return load[Relief](kv, kindRelief2, id, "relief incentive")
}

// reliefAt lifts a relief's measures and list entries at its milestone:
// from then on screening does not hit the lifted entries.
func reliefAt(c *Context, at time.Time, id string) error {
	r, err := LoadRelief(c.KV, id)
	if err != nil || r.Status != Pending {
		return err
	}
	r.Status = InEffect
	r.History = append(r.History, Change{Time: at, Reason: fmt.Sprintf("in effect at %s: %d measures and %d list entries lifted", r.At, len(r.Measures), len(r.Entries))})
	if err := putJSON(c.KV, kindRelief2, id, r); err != nil {
		return err
	}
	if err := c.setLifted(r.Entries, true); err != nil {
		return err
	}
	return c.event(at, Event{Kind: EventRelief, Ref: id, Text: fmt.Sprintf("relief %s took effect at milestone %s; lifted entries: %v", id, r.At, r.Entries)})
}

// restoreRelief restores what a relief lifted; restored is false when it
// was restored already.
func (c *Context) restoreRelief(at time.Time, id, cause string) (restored bool, err error) {
	r, err := LoadRelief(c.KV, id)
	if err != nil || r.Status == Restored {
		return false, err
	}
	r.Status = Restored
	r.History = append(r.History, Change{Time: at, Reason: "restored: " + cause})
	if err := putJSON(c.KV, kindRelief2, id, r); err != nil {
		return false, err
	}
	return true, c.setLifted(r.Entries, false)
}

// setLifted adds refs to, or removes them from, the lifted list entries.
func (c *Context) setLifted(refs []string, lift bool) error {
	var cur []string
	if _, err := getJSON(c.KV, kindRelief, "lifted", &cur); err != nil {
		return err
	}
	for _, r := range refs {
		i := slices.Index(cur, r)
		switch {
		case lift && i < 0:
			cur = append(cur, r)
		case !lift && i >= 0:
			cur = slices.Delete(cur, i, i+1)
		}
	}
	slices.Sort(cur)
	return putJSON(c.KV, kindRelief, "lifted", cur)
}

// Incentives is every incentive's schedule against what happened.
type Incentives struct {
	Tranches   []Tranche  `json:"tranches"`
	Deliveries []Delivery `json:"deliveries"`
	Relief     []Relief   `json:"relief"`
}

// LoadIncentives returns every incentive's state.
func LoadIncentives(kv KV) (*Incentives, error) {
	out := &Incentives{Tranches: []Tranche{}, Deliveries: []Delivery{}, Relief: []Relief{}}
	scan := func(kind string, add func([]byte) error) error {
		return kv.Scan(kind, "", "", 0, func(_ string, v []byte) error { return add(v) })
	}
	err := scan(kindTranche, func(v []byte) error {
		var t Tranche
		err := json.Unmarshal(v, &t)
		out.Tranches = append(out.Tranches, t)
		return err
	})
	if err == nil {
		err = scan(kindDelivery, func(v []byte) error {
			var d Delivery
			err := json.Unmarshal(v, &d)
			out.Deliveries = append(out.Deliveries, d)
			return err
		})
	}
	if err == nil {
		err = scan(kindRelief2, func(v []byte) error {
			var r Relief
			err := json.Unmarshal(v, &r)
			out.Relief = append(out.Relief, r)
			return err
		})
	}
	return out, err
}
