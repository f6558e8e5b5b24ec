package state

import (
	"fmt"
	"time"

	"github.com/surety/surety/internal/agreement"
)

// The statement types of disputes.
const (
	TypeDisputeRaise = "dispute.raise"
	TypeDisputeStep  = "dispute.step"
	TypeSnapback     = "snapback.invoke"
)

const kindDispute = "dispute"

// Dispute statuses.
const (
	DisputeOpen       = "open"
	DisputeResolved   = "resolved"
	DisputeUnresolved = "unresolved"
	DisputeSnapback   = "snapback"
)

// RaiseBody is the body of dispute.raise.
type RaiseBody struct {
	// Against is the party the complaint is about.
	Against     string `json:"against"`
	Description string `json:"description"`
}

// StepBody is the body of dispute.step: the step ends resolved, or the
// dispute moves to the next step.
type StepBody struct {
	Dispute  string `json:"dispute"`
	Resolved bool   `json:"resolved"`
	Note     string `json:"note,omitempty"`
}

// SnapbackBody is the body of snapback.invoke.
type SnapbackBody struct {
	Dispute string `json:"dispute"`
}

// Dispute is a dispute as the state knows it.
type Dispute struct {
	RaiseBody
	ID       string    `json:"id"`
	By       string    `json:"by"`
	Index    uint64    `json:"index"`
	Time     time.Time `json:"time"`
	Step     int       `json:"step"`
	StepName string    `json:"step_name"`
	Deadline time.Time `json:"deadline"`
	Status   string    `json:"status"`
	History  []Change  `json:"history"`
}

func init() {
	envoy := []agreement.Duty{agreement.Envoy}
	Register(TypeDisputeRaise, Handler{Duties: envoy, Apply: applyRaise})
	Register(TypeDisputeStep, Handler{Duties: envoy, Apply: applyStep})
	Register(TypeSnapback, Handler{Duties: envoy, Apply: applySnapback})
	OnDue("dispute", disputeDeadline)
}

// LoadDispute returns a dispute.
func LoadDispute(kv KV, id string) (*Dispute, error) {
	return load[Dispute](kv, kindDispute, id, "dispute")
}

// enterStep moves a dispute into step n, with its day limit, or past the
// last step, unresolved.
func (c *Context) enterStep(d *Dispute, n int, at time.Time, why string) error {
	steps := c.Spec.Dispute.Steps
	d.Step = n
	if n >= len(steps) {
		d.Status, d.StepName = DisputeUnresolved, ""
		d.History = append(d.History, Change{Time: at, Reason: "unresolved after the last step: " + why})
		return c.event(at, Event{Kind: EventDisputeStep, Party: d.Against, Ref: d.ID,
			Text: fmt.Sprintf("dispute %s is unresolved after its last step; snapback may be invoked", d.ID)})
	}
	d.StepName = steps[n].ID
	d.Deadline = at.AddDate(0, 0, steps[n].Days)
	d.History = append(d.History, Change{Time: at, Reason: fmt.Sprintf("step %s (%d days, until %s): %s", steps[n].ID, steps[n].Days, d.Deadline.Format(time.DateOnly), why)})
	if err := c.schedule(d.Deadline, "dispute", fmt.Sprintf("%s/%d", d.ID, n)); err != nil {
		return err
	}
	return c.event(at, Event{Kind: EventDisputeStep, Party: d.Against, Ref: d.ID, Text: fmt.Sprintf("dispute %s at step %s until %s", d.ID, steps[n].ID, d.Deadline.Format(time.DateOnly))})
}

func applyRaise(c *Context, e Entry) error {
	var b RaiseBody
	if err := e.Statement.Decode(&b); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if c.Spec.Dispute == nil {
		return fmt.Errorf("%w: agreement %s has no dispute process", ErrInvalid, c.Spec.ID)
	}
	if b.Description == "" || b.Against == c.Author.Party {
		return fmt.Errorf("%w: a dispute says what it is about, against another party", ErrInvalid)
	}
	if !hasObligations(c.Spec, b.Against) {
		return fmt.Errorf("%w: %s has no obligations to dispute", ErrInvalid, b.Against)
	}
	d := &Dispute{RaiseBody: b, ID: e.Statement.ID, By: c.Author.Party, Index: e.Index, Time: e.Time, Status: DisputeOpen}
	if err := c.enterStep(d, 0, e.Time, "raised by "+c.Author.Party); err != nil {
		return err
	}
	return putJSON(c.KV, kindDispute, d.ID, d)
}

func applyStep(c *Context, e Entry) error {
	var b StepBody
	if err := e.Statement.Decode(&b); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	d, err := LoadDispute(c.KV, b.Dispute)
	if err != nil {
		return err
	}
	if d.Status != DisputeOpen {
		return fmt.Errorf("%w: dispute %s is %s", ErrConflict, d.ID, d.Status)
	}
	if c.Author.Party != d.By && c.Author.Party != d.Against {
		return fmt.Errorf("%w: only the parties to dispute %s move it", ErrForbidden, d.ID)
	}
	if err := c.unschedule(d.Deadline, "dispute", fmt.Sprintf("%s/%d", d.ID, d.Step)); err != nil {
		return err
	}
	if b.Resolved {
		d.Status = DisputeResolved
		d.History = append(d.History, Change{ID: e.Statement.ID, Index: e.Index, Time: e.Time, Reason: "resolved at step " + d.StepName + ": " + b.Note})
	} else if err := c.enterStep(d, d.Step+1, e.Time, "moved on by "+e.Statement.ID+": "+b.Note); err != nil {
		return err
	}
	return putJSON(c.KV, kindDispute, d.ID, d)
}

// disputeDeadline moves a dispute whose step ran out of days to the next.
func disputeDeadline(c *Context, at time.Time, key string) error {
	i := lastSlash(key)
	d, err := LoadDispute(c.KV, key[:i])
	if err != nil || d.Status != DisputeOpen {
		return err
	}
	if err := c.enterStep(d, d.Step+1, at, "step "+d.StepName+" ran out of days"); err != nil {
		return err
	}
	return putJSON(c.KV, kindDispute, d.ID, d)
}

// applySnapback restores the relief and suspends what the dispute process
// says, once a dispute ended unresolved.
func applySnapback(c *Context, e Entry) error {
	var b SnapbackBody
	if err := e.Statement.Decode(&b); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	d, err := LoadDispute(c.KV, b.Dispute)
	if err != nil {
		return err
	}
	if d.Status != DisputeUnresolved {
		return fmt.Errorf("%w: dispute %s is %s; snapback follows a dispute left unresolved after its last step", ErrConflict, d.ID, d.Status)
	}
	if c.Author.Party != d.By {
		return fmt.Errorf("%w: snapback is invoked by the party that raised the dispute, %s", ErrForbidden, d.By)
	}
	d.Status = DisputeSnapback
	d.History = append(d.History, Change{ID: e.Statement.ID, Index: e.Index, Time: e.Time, Reason: "snapback invoked"})
	if err := putJSON(c.KV, kindDispute, d.ID, d); err != nil {
		return err
	}
	cause := fmt.Sprintf("snapback invoked by %s after dispute %s", e.Statement.ID, d.ID)
	var qs []agreement.Consequence
	for _, id := range c.Spec.Dispute.Incentives {
		qs = append(qs, agreement.Consequence{On: agreement.Snapback, Party: d.Against, Effect: agreement.RestoreRelief, Incentive: id})
	}
	for _, id := range c.Spec.Dispute.Suspend {
		eff := agreement.SuspendTranches
		if in := c.incentive(id); in != nil && in.Kind == agreement.InKind {
			eff = agreement.SuspendDeliveries
		}
		qs = append(qs, agreement.Consequence{On: agreement.Snapback, Party: d.Against, Effect: eff, Incentive: id})
	}
	for _, q := range c.Spec.Consequences {
		if q.On == agreement.Snapback && q.Party == d.Against {
			qs = append(qs, q)
		}
	}
	if err := c.stmtEvent(e, Event{Kind: EventSnapback, Party: d.Against, Ref: d.ID, Text: cause}); err != nil {
		return err
	}
	for _, q := range qs {
		acts, err := c.effect(q, e.Time, cause, Event{Time: e.Time, Ref: d.ID})
		if err != nil {
			return err
		}
		for _, a := range acts {
			if err := c.stmtEvent(e, a); err != nil {
				return err
			}
		}
	}
	return nil
}
