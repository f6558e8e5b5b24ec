package state

import (
	"fmt"
	"slices"
	"strings"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/compliance"
	"github.com/surety/surety/internal/statement"
)

// applyReimpose records that a party of the benefactor reimposed measures
// a relief had lifted, outside the agreed mechanism (snapback restores
// relief through the dispute process; this does not). The log records it
// as the fact it is; the verdict makes it the benefactor's breach of its
// relief obligation.
func applyReimpose(c *Context, e Entry) error {
	var b statement.ReimposeBody
	if err := decode(e, &b); err != nil {
		return err
	}
	in := c.incentive(b.Incentive)
	if in == nil || in.Kind != agreement.Relief {
		return fmt.Errorf("%w: %q is no relief incentive of the agreement", ErrInvalid, b.Incentive)
	}
	if in.From != c.Author.Party {
		return fmt.Errorf("%w: relief %s is given by %s, not %s", ErrForbidden, in.ID, in.From, c.Author.Party)
	}
	r, err := LoadRelief(c.KV, in.ID)
	if err != nil {
		return err
	}
	if r.Status != compliance.ReliefInEffect {
		return fmt.Errorf("%w: relief %s is %s: there is nothing lifted to reimpose", ErrConflict, in.ID, r.Status)
	}
	if len(b.Measures) == 0 {
		return fmt.Errorf("%w: name the measures reimposed; relief %s lifted %s", ErrInvalid, in.ID, measureIDs(r.Measures))
	}
	for _, m := range b.Measures {
		if !slices.ContainsFunc(r.Measures, func(x agreement.Measure) bool { return x.ID == m }) {
			return fmt.Errorf("%w: relief %s lifted no measure %q; it lifted %s", ErrInvalid, in.ID, m, measureIDs(r.Measures))
		}
		if slices.Contains(r.Reimposed, m) {
			return fmt.Errorf("%w: measure %s was reimposed already", ErrConflict, m)
		}
	}
	r.Reimposed = append(r.Reimposed, b.Measures...)
	who := c.Author.ID
	if pr := c.principalOf(c.Author.ID); pr != nil && pr.Name != "" {
		who = fmt.Sprintf("%s (%s)", pr.Name, pr.ID)
	}
	text := fmt.Sprintf("%s reimposed %s, lifted by relief %s, outside the agreed mechanism", who, strings.Join(b.Measures, ", "), in.ID)
	if b.Reason != "" {
		text += ": " + b.Reason
	}
	r.History = append(r.History, compliance.Change{Time: e.Time, Reason: text})
	if err := putJSON(c.KV, kindReliefState, in.ID, r); err != nil {
		return err
	}
	return c.stmtEvent(e, Event{Kind: compliance.Reimposed, Party: c.Author.Party, Ref: in.ID, Obligation: c.reliefObligation(in.ID), Text: text})
}

// applyCease records that a party ceases performing obligations of its
// own, in whole or in part, after its dispute against another party ended
// unresolved: from then on, what would have breached them is excused.
func applyCease(c *Context, e Entry) error {
	var b statement.CeaseBody
	if err := decode(e, &b); err != nil {
		return err
	}
	d, err := c.raisedByAuthor(b.Dispute, "cease performing over it")
	if err != nil {
		return err
	}
	if d.Status != DisputeUnresolved {
		return fmt.Errorf("%w: dispute %s is %s; a party may cease performing only once its dispute has run every step unresolved", ErrConflict, d.ID, d.Status)
	}
	if len(b.Obligations) == 0 {
		return fmt.Errorf("%w: name the obligations ceased", ErrInvalid)
	}
	why := Event{Kind: compliance.DisputeStep, Party: d.Against, Ref: d.ID, Time: e.Time, Statement: e.Statement.ID, Index: e.Index,
		Text: fmt.Sprintf("dispute %s against %s ended unresolved: %s", d.ID, d.Against, d.Description)}
	for _, id := range b.Obligations {
		o := c.obligationByID(id)
		if o == nil || o.Party != c.Author.Party {
			return fmt.Errorf("%w: %s has no obligation %q", ErrInvalid, c.Author.Party, id)
		}
		s := compliance.Suspension{Obligation: o.ID, Party: o.Party, From: e.Time, Why: why}
		if err := putJSON(c.KV, kindSuspension, o.ID+"/"+depKey(e.Time)+"/"+d.ID, s); err != nil {
			return err
		}
		text := fmt.Sprintf("%s ceases performing %s, its dispute %s against %s having ended unresolved", o.Party, o.ID, d.ID, d.Against)
		if b.Reason != "" {
			text += ": " + b.Reason
		}
		if err := c.stmtEvent(e, Event{Kind: compliance.ObligationSuspended, Party: o.Party, Ref: o.ID, Obligation: o.ID, Text: text}); err != nil {
			return err
		}
	}
	return nil
}

// reliefObligation returns the id of the obligation to give a relief.
func (c *Context) reliefObligation(incentive string) string {
	for _, o := range c.Spec.Obligations {
		if o.Kind == agreement.Relieve && o.Incentive == incentive {
			return o.ID
		}
	}
	return ""
}

func (c *Context) principalOf(id string) *agreement.Principal {
	for _, p := range c.Spec.Parties {
		for i, pr := range p.Principals {
			if pr.ID == id {
				return &p.Principals[i]
			}
		}
	}
	return nil
}

func measureIDs(ms []agreement.Measure) string {
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	return strings.Join(ids, ", ")
}

// settleReliefs runs at the close of period n: measures still reimposed
// outside the mechanism are the benefactor's breach again, in the period
// now running, for as long as they stay reimposed.
func (c *Context) settleReliefs(n int) error {
	for _, in := range c.Spec.Incentives {
		if in.Kind != agreement.Relief {
			continue
		}
		r, err := LoadRelief(c.KV, in.ID)
		if err != nil {
			return err
		}
		if r.Status != compliance.ReliefInEffect || len(r.Reimposed) == 0 {
			continue
		}
		err = c.event(c.Now, Event{Kind: compliance.Reimposed, Party: in.From, Ref: in.ID, Obligation: c.reliefObligation(in.ID),
			Text: fmt.Sprintf("still reimposed outside the agreed mechanism at the close of period %d: %s, lifted by relief %s", n, strings.Join(r.Reimposed, ", "), in.ID)})
		if err != nil {
			return err
		}
	}
	return nil
}
