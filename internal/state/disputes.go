package state

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/compliance"
	"github.com/surety/surety/internal/statement"
)

// DisputeStatus is where a dispute stands.
type DisputeStatus string

// The dispute statuses.
const (
	DisputeOpen       DisputeStatus = "open"
	DisputeResolved   DisputeStatus = "resolved"
	DisputeUnresolved DisputeStatus = "unresolved"
	DisputeSnapback   DisputeStatus = "snapback"
)

// Dispute is a dispute as the state knows it.
type Dispute struct {
	statement.RaiseBody
	ID       string        `json:"id"`
	By       string        `json:"by"`
	Index    uint64        `json:"index"`
	Time     time.Time     `json:"time"`
	Step     int           `json:"step"`
	StepName string        `json:"step_name"`
	Deadline time.Time     `json:"deadline"`
	Status   DisputeStatus `json:"status"`
	// Agreed lists the parties that agree, at the current step, that the
	// dispute is resolved; it is resolved when both parties to it agree.
	Agreed []string `json:"agreed,omitempty"`
	// Notified is set when the party that raised it notified the step
	// that begins only on notice.
	Notified bool `json:"notified,omitempty"`
	// Extensions are the days asked, by the question put to the extend_by
	// body.
	Extensions map[string]int      `json:"extensions,omitempty"`
	History    []compliance.Change `json:"history"`
}

// LoadDispute returns a dispute.
func LoadDispute(kv KV, id string) (*Dispute, error) {
	return load[Dispute](kv, kindDispute, id, "dispute")
}

// enterStep moves a dispute into step n, with its day limit, or past the
// last step, unresolved.
func (c *Context) enterStep(d *Dispute, n int, at time.Time, why string) error {
	steps := c.Spec.Dispute.Steps
	d.Step, d.Agreed = n, nil
	if n >= len(steps) {
		d.Status, d.StepName = DisputeUnresolved, ""
		d.History = append(d.History, compliance.Change{Time: at, Reason: "unresolved after the last step: " + why})
		if last := steps[len(steps)-1]; last.Body != "" {
			// The body's decision at the last step is the decision: the
			// outcome follows without a party invoking it.
			if err := c.event(at, Event{Kind: compliance.DisputeStep, Party: d.Against, Ref: d.ID,
				Text: fmt.Sprintf("dispute %s is unresolved after its last step, which body %s decides: its outcome follows", d.ID, last.Body)}); err != nil {
				return err
			}
			return c.snapback(d, compliance.Change{Time: at, Reason: "snapback: body " + last.Body + " left the dispute unresolved at step " + last.ID},
				Event{Kind: compliance.Snapback, Party: d.Against, Ref: d.ID, Time: at,
					Text: fmt.Sprintf("snapback after dispute %s: body %s left it unresolved at step %s", d.ID, last.Body, last.ID)})
		}
		return c.event(at, Event{Kind: compliance.DisputeStep, Party: d.Against, Ref: d.ID,
			Text: fmt.Sprintf("dispute %s is unresolved after its last step; snapback may be invoked", d.ID)})
	}
	if steps[n].OnNotice && !d.Notified {
		d.Status, d.StepName = DisputeUnresolved, ""
		d.History = append(d.History, compliance.Change{Time: at, Reason: fmt.Sprintf("unresolved: %s; step %s begins only if %s notifies it (dispute.notify)", why, steps[n].ID, d.By)})
		return c.event(at, Event{Kind: compliance.DisputeStep, Party: d.Against, Ref: d.ID,
			Text: fmt.Sprintf("dispute %s is unresolved; step %s begins if %s notifies it", d.ID, steps[n].ID, d.By)})
	}
	d.Status = DisputeOpen
	d.StepName = steps[n].ID
	d.Deadline = at.AddDate(0, 0, steps[n].Days)
	d.History = append(d.History, compliance.Change{Time: at, Reason: fmt.Sprintf("step %s (%d days, until %s): %s", steps[n].ID, steps[n].Days, d.Deadline.Format(time.DateOnly), why)})
	if err := c.schedule(d.Deadline, "dispute", fmt.Sprintf("%s/%d", d.ID, n)); err != nil {
		return err
	}
	if b := steps[n].Body; b != "" {
		text := fmt.Sprintf("resolve dispute %s (raised by %s against %s) at step %s", d.ID, d.By, d.Against, steps[n].ID)
		if err := c.ask(stepQuestion(d.ID, steps[n].ID), b, text, at, d.Deadline); err != nil {
			return err
		}
	}
	return c.event(at, Event{Kind: compliance.DisputeStep, Party: d.Against, Ref: d.ID, Text: fmt.Sprintf("dispute %s at step %s until %s", d.ID, steps[n].ID, d.Deadline.Format(time.DateOnly))})
}

// applyRaise opens a dispute: either party may raise one about another
// party's obligations.
func applyRaise(c *Context, e Entry) error {
	var b statement.RaiseBody
	if err := decode(e, &b); err != nil {
		return err
	}
	if c.Spec.Dispute == nil {
		return fmt.Errorf("%w: agreement %s has no dispute process", ErrInvalid, c.Spec.ID)
	}
	if b.Description == "" || b.Against == c.Author.Party {
		return fmt.Errorf("%w: a dispute says what it is about, against another party", ErrInvalid)
	}
	if !slices.ContainsFunc(c.Spec.Obligations, func(o agreement.Obligation) bool { return o.Party == b.Against }) {
		return fmt.Errorf("%w: %s has no obligations to dispute", ErrInvalid, b.Against)
	}
	d := &Dispute{RaiseBody: b, ID: e.Statement.ID, By: c.Author.Party, Index: e.Index, Time: e.Time, Status: DisputeOpen}
	if err := c.enterStep(d, 0, e.Time, "raised by "+c.Author.Party); err != nil {
		return err
	}
	return putJSON(c.KV, kindDispute, d.ID, d)
}

// applyStep moves a dispute on, or records a party's agreement that it is
// resolved: no party closes a dispute alone, least of all the one it is
// against.
func applyStep(c *Context, e Entry) error {
	var b statement.StepBody
	if err := decode(e, &b); err != nil {
		return err
	}
	d, err := LoadDispute(c.KV, b.Dispute)
	if err != nil {
		return err
	}
	if d.Status != DisputeOpen {
		return fmt.Errorf("%w: dispute %s is %s", ErrConflict, d.ID, d.Status)
	}
	party := c.Author.Party
	if party != d.By && party != d.Against {
		return fmt.Errorf("%w: only the parties to dispute %s move it", ErrForbidden, d.ID)
	}
	if body := c.Spec.Dispute.Steps[d.Step].Body; body != "" {
		return fmt.Errorf("%w: step %s of dispute %s is decided by body %s: its members vote on question %s with %s", ErrForbidden,
			d.StepName, d.ID, body, stepQuestion(d.ID, d.StepName), statement.TypeVote)
	}
	ch := compliance.Change{ID: e.Statement.ID, Index: e.Index, Time: e.Time}
	if b.Extend != 0 {
		return c.askExtension(d, b, e, ch)
	}
	if b.Resolved {
		if slices.Contains(d.Agreed, party) {
			return fmt.Errorf("%w: %s agreed already that dispute %s is resolved at step %s; the other party must agree", ErrConflict, party, d.ID, d.StepName)
		}
		d.Agreed = append(d.Agreed, party)
		if !slices.Contains(d.Agreed, d.By) || !slices.Contains(d.Agreed, d.Against) {
			other := d.By
			if party == d.By {
				other = d.Against
			}
			ch.Reason = fmt.Sprintf("%s agrees it is resolved at step %s, awaiting %s: %s", party, d.StepName, other, b.Note)
			d.History = append(d.History, ch)
			return putJSON(c.KV, kindDispute, d.ID, d)
		}
		if err := c.unschedule(d.Deadline, "dispute", fmt.Sprintf("%s/%d", d.ID, d.Step)); err != nil {
			return err
		}
		d.Status = DisputeResolved
		ch.Reason = fmt.Sprintf("resolved at step %s, both parties agreeing: %s", d.StepName, b.Note)
		d.History = append(d.History, ch)
		return putJSON(c.KV, kindDispute, d.ID, d)
	}
	if err := c.unschedule(d.Deadline, "dispute", fmt.Sprintf("%s/%d", d.ID, d.Step)); err != nil {
		return err
	}
	if err := c.enterStep(d, d.Step+1, e.Time, "moved on by "+e.Statement.ID+": "+b.Note); err != nil {
		return err
	}
	return putJSON(c.KV, kindDispute, d.ID, d)
}

// askExtension puts to the current step's extend_by body whether to
// extend the current step by the days a party to the dispute asks. The
// question is open until the step's deadline; approved, it moves it.
func (c *Context) askExtension(d *Dispute, b statement.StepBody, e Entry, ch compliance.Change) error {
	body := c.Spec.Dispute.Steps[d.Step].ExtendBy
	switch {
	case body == "":
		return fmt.Errorf("%w: step %s of dispute %s keeps its days: agreement %s lets no body extend it", ErrInvalid, d.StepName, d.ID, c.Spec.ID)
	case b.Extend < 0 || b.Resolved:
		return fmt.Errorf("%w: extend asks for a positive number of days, and does not resolve the dispute", ErrInvalid)
	}
	id := "extend:" + d.ID + "/" + d.StepName + "/" + e.Statement.ID
	text := fmt.Sprintf("extend step %s of dispute %s by %d days, asked by %s: %s", d.StepName, d.ID, b.Extend, c.Author.Party, b.Note)
	if err := c.ask(id, body, text, e.Time, d.Deadline); err != nil {
		return err
	}
	if d.Extensions == nil {
		d.Extensions = map[string]int{}
	}
	d.Extensions[id] = b.Extend
	ch.Reason = fmt.Sprintf("%s asks body %s to extend step %s by %d days: %s", c.Author.Party, body, d.StepName, b.Extend, b.Note)
	d.History = append(d.History, ch)
	return putJSON(c.KV, kindDispute, d.ID, d)
}

// extendDecided extends a dispute step by the days asked, once its body
// approves, if the dispute is still at that step.
func extendDecided(c *Context, q *Question, ref string, at time.Time) error {
	id, rest, _ := strings.Cut(ref, "/")
	step, _, _ := strings.Cut(rest, "/")
	d, err := LoadDispute(c.KV, id)
	if err != nil {
		return err
	}
	days := d.Extensions[q.ID]
	if q.Outcome != agreement.Approved || d.Status != DisputeOpen || d.StepName != step {
		d.History = append(d.History, compliance.Change{Time: at, Reason: fmt.Sprintf("step %s not extended: %s", step, q.Cause)})
		return putJSON(c.KV, kindDispute, d.ID, d)
	}
	if err := c.unschedule(d.Deadline, "dispute", fmt.Sprintf("%s/%d", d.ID, d.Step)); err != nil {
		return err
	}
	d.Deadline = d.Deadline.AddDate(0, 0, days)
	if err := c.schedule(d.Deadline, "dispute", fmt.Sprintf("%s/%d", d.ID, d.Step)); err != nil {
		return err
	}
	d.History = append(d.History, compliance.Change{Time: at, Reason: fmt.Sprintf("step %s extended by %d days, until %s: %s", step, days, Day(d.Deadline), q.Cause)})
	return putJSON(c.KV, kindDispute, d.ID, d)
}

// disputeDeadline moves a dispute whose step ran out of days to the next.
func disputeDeadline(c *Context, at time.Time, key string) error {
	i := lastSlash(key)
	d, err := LoadDispute(c.KV, key[:i])
	if err != nil || d.Status != DisputeOpen {
		return err
	}
	if c.Spec.Dispute.Steps[d.Step].Body != "" {
		q, err := LoadQuestion(c.KV, stepQuestion(d.ID, d.StepName))
		if err != nil {
			return err
		}
		if q.Outcome == "" {
			return c.expire(q.ID, at)
		}
		if err := c.enterStep(d, d.Step+1, at, "not resolved at step "+d.StepName+": "+q.Cause); err != nil {
			return err
		}
		return putJSON(c.KV, kindDispute, d.ID, d)
	}
	if err := c.enterStep(d, d.Step+1, at, "step "+d.StepName+" ran out of days"); err != nil {
		return err
	}
	return putJSON(c.KV, kindDispute, d.ID, d)
}

// applySnapback restores the relief and suspends what the dispute process
// says, once a dispute ended unresolved.
func applySnapback(c *Context, e Entry) error {
	var b statement.SnapbackBody
	if err := decode(e, &b); err != nil {
		return err
	}
	d, err := LoadDispute(c.KV, b.Dispute)
	if err != nil {
		return err
	}
	if steps := c.Spec.Dispute.Steps; steps[len(steps)-1].Body != "" {
		return fmt.Errorf("%w: the outcome of dispute %s follows body %s's decision at step %s on its own; no party invokes it", ErrForbidden,
			d.ID, steps[len(steps)-1].Body, steps[len(steps)-1].ID)
	}
	if d.Status != DisputeUnresolved {
		return fmt.Errorf("%w: dispute %s is %s; snapback follows a dispute left unresolved after its last step", ErrConflict, d.ID, d.Status)
	}
	if c.Author.Party != d.By {
		return fmt.Errorf("%w: snapback is invoked by the party that raised the dispute, %s", ErrForbidden, d.By)
	}
	return c.snapback(d, compliance.Change{ID: e.Statement.ID, Index: e.Index, Time: e.Time, Reason: "snapback invoked"},
		Event{Kind: compliance.Snapback, Party: d.Against, Ref: d.ID, Time: e.Time, Statement: e.Statement.ID, Index: e.Index,
			Text: fmt.Sprintf("snapback invoked by %s after dispute %s", e.Statement.ID, d.ID)})
}

// snapback ends an unresolved dispute in the dispute process's outcome:
// the relief restored and what the process suspends suspended.
func (c *Context) snapback(d *Dispute, ch compliance.Change, why Event) error {
	d.Status = DisputeSnapback
	d.History = append(d.History, ch)
	if err := putJSON(c.KV, kindDispute, d.ID, d); err != nil {
		return err
	}
	if err := c.event(why.Time, why); err != nil {
		return err
	}
	in, err := LoadIncentives(c.KV)
	if err != nil {
		return err
	}
	return c.act(compliance.OnSnapback(c.Spec, why, *in, why.Time))
}

// stepQuestion is the id of the question put to the body that decides a
// dispute at a step.
func stepQuestion(dispute, step string) string { return "dispute:" + dispute + "/" + step }

// disputeDecided carries out a body's decision on a dispute at its
// current step: resolved, or moved on to the next step.
func disputeDecided(c *Context, q *Question, ref string, at time.Time) error {
	i := lastSlash(ref)
	d, err := LoadDispute(c.KV, ref[:i])
	if err != nil {
		return err
	}
	switch {
	case q.Outcome == agreement.Approved:
		if err := c.unschedule(d.Deadline, "dispute", fmt.Sprintf("%s/%d", d.ID, d.Step)); err != nil {
			return err
		}
		d.Status = DisputeResolved
		d.History = append(d.History, compliance.Change{Time: at, Reason: fmt.Sprintf("resolved at step %s: %s", d.StepName, q.Cause)})
	case at.Before(d.Deadline):
		// A vote that fails does not shorten the step: its days run, as
		// resolution 2231's 30 days do after a vetoed draft.
		d.History = append(d.History, compliance.Change{Time: at, Reason: fmt.Sprintf("not resolved by the vote at step %s (%s); the step runs until %s", d.StepName, q.Cause, Day(d.Deadline))})
	default:
		if err := c.enterStep(d, d.Step+1, at, "not resolved at step "+d.StepName+": "+q.Cause); err != nil {
			return err
		}
	}
	return putJSON(c.KV, kindDispute, d.ID, d)
}

// applyRemedy records the injured party's acceptance of a remedy for a
// breach whose consequence the agreement ends on a remedy: what it
// suspended is restored.
func applyRemedy(c *Context, e Entry) error {
	var b statement.RemedyBody
	if err := decode(e, &b); err != nil {
		return err
	}
	br, err := LoadBreach(c.KV, b.Breach)
	if err != nil {
		return err
	}
	if inc := c.incentive(br.Incentive); inc == nil || c.Author.Party != inc.From {
		return fmt.Errorf("%w: the remedy of breach %s is accepted by the party that gives the incentive it held back, not %s", ErrForbidden, br.ID, c.Author.Party)
	}
	why := Event{Kind: compliance.Remedied, Party: br.Party, Ref: br.Ref, Site: br.Site,
		Text: fmt.Sprintf("%s accepted the remedy of breach %s: %s", c.Author.Party, br.ID, b.Note)}
	actions, err := compliance.Remedy(*br, why)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrConflict, err)
	}
	if err := c.stmtEvent(e, why); err != nil {
		return err
	}
	why.Time, why.Statement, why.Index = e.Time, e.Statement.ID, e.Index
	for i := range actions {
		actions[i].Why = why
	}
	return c.act(actions)
}

// applyNotify begins the step that waits for notice: the party that raised
// the dispute, left unresolved before it, chooses to notify.
func applyNotify(c *Context, e Entry) error {
	var b statement.NotifyBody
	if err := decode(e, &b); err != nil {
		return err
	}
	d, err := c.raisedByAuthor(b.Dispute, "notify it")
	if err != nil {
		return err
	}
	steps := c.Spec.Dispute.Steps
	if d.Status != DisputeUnresolved || d.Notified || d.Step >= len(steps) || !steps[d.Step].OnNotice {
		return fmt.Errorf("%w: dispute %s is %s, with no step waiting for notice", ErrConflict, d.ID, d.Status)
	}
	d.Notified = true
	why := fmt.Sprintf("notified by %s (#%d %s)", c.Author.ID, e.Index, e.Statement.ID)
	if b.Note != "" {
		why += ": " + b.Note
	}
	if err := c.enterStep(d, d.Step, e.Time, why); err != nil {
		return err
	}
	return putJSON(c.KV, kindDispute, d.ID, d)
}

// raisedByAuthor loads a dispute that the statement's author's party
// raised: only it may do what, over its own dispute.
func (c *Context) raisedByAuthor(id, what string) (*Dispute, error) {
	d, err := LoadDispute(c.KV, id)
	if err != nil {
		return nil, err
	}
	if d.By != c.Author.Party {
		return nil, fmt.Errorf("%w: dispute %s was raised by %s; only the party that raised it may %s", ErrForbidden, d.ID, d.By, what)
	}
	return d, nil
}

// Disputes returns every dispute, by id.
func Disputes(kv KV) ([]Dispute, error) { return scanJSON[Dispute](kv, kindDispute, "", "") }
