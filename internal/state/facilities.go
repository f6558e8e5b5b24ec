package state

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/compliance"
	"github.com/surety/surety/internal/statement"
)

// Device is a seal or camera of a facility obligation as the state knows
// it: its last reported state, the statement that reported it, and, while
// it is broken or off, when the loss becomes a finding.
type Device struct {
	Obligation string                `json:"obligation"`
	Site       string                `json:"site"`
	ID         string                `json:"id"`
	Kind       agreement.DeviceKind  `json:"kind"`
	State      statement.DeviceState `json:"state"`
	// Since is when the device entered its state, as reported.
	Since     time.Time `json:"since"`
	Statement string    `json:"statement"`
	Index     uint64    `json:"index"`
	// Deadline is when a loss not restored becomes a finding; zero when
	// none is pending.
	Deadline time.Time `json:"deadline,omitzero"`
	// Lost says the current loss was found a loss of continuity.
	Lost bool `json:"lost,omitempty"`
}

// lossState is the state that begins a loss of continuity of a device of
// the kind.
func lossState(k agreement.DeviceKind) statement.DeviceState {
	if k == agreement.Seal {
		return statement.DeviceBroken
	}
	return statement.DeviceOff
}

// LoadDevice returns the state of a facility obligation's seal or camera.
func LoadDevice(kv KV, obligation, device string) (d Device, found bool, err error) {
	found, err = getJSON(kv, kindDevice, obligation+"/"+device, &d)
	return d, found, err
}

func measureBlobs(st *statement.Statement) ([][32]byte, error) {
	var b statement.MeasureBody
	if err := st.Decode(&b); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	return evidenceSums(b.Evidence)
}

func continuityBlobs(st *statement.Statement) ([][32]byte, error) {
	var b statement.ContinuityBody
	if err := st.Decode(&b); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	return evidenceSums(b.Evidence)
}

// monitored returns the facility obligation a monitoring statement names
// at a site, once its author may make it: an inspector of the obligation's
// monitoring party assigned to the site, or a coordinator of that party.
// The obligation must be in force when the fact happened, which is not
// after the entry's log time.
func (c *Context) monitored(e Entry, id, site string, at time.Time, field string) (*agreement.Obligation, error) {
	o := c.Spec.Obligation(id)
	if o == nil || o.Kind != agreement.FacilityDuty {
		return nil, fmt.Errorf("%w: %s names obligation %q, which is not a facility obligation of this agreement", ErrInvalid, e.Statement.Type, id)
	}
	if c.Author.Party != o.MonitoredBy {
		return nil, fmt.Errorf("%w: obligation %s is monitored by %s; %s of %s may not report on it", ErrForbidden, o.ID, orNobody(o.MonitoredBy), c.Author.ID, c.Author.Party)
	}
	if !slices.Contains(o.Sites, site) {
		return nil, fmt.Errorf("%w: site %q is not one of obligation %s's sites (%s)", ErrInvalid, site, o.ID, strings.Join(o.Sites, ", "))
	}
	if !c.Author.holds(agreement.Coordinator) && !slices.Contains(c.Author.Sites, site) {
		return nil, fmt.Errorf("%w: %s inspects at %v, not at %s", ErrForbidden, c.Author.ID, c.Author.Sites, site)
	}
	if at.IsZero() {
		return nil, fmt.Errorf("%w: %s is missing; give when it happened, in RFC 3339", ErrInvalid, field)
	}
	if at.After(e.Time) {
		return nil, fmt.Errorf("%w: %s %s is after the entry's log time %s; report what has happened", ErrInvalid, field, at.Format(time.RFC3339), e.Time.Format(time.RFC3339))
	}
	if !Timeline(c.KV, c.Spec).Active(*o, at) {
		return nil, fmt.Errorf("%w: obligation %s is not in force at %s (%s)", ErrInvalid, o.ID, at.Format(time.RFC3339), field)
	}
	return o, nil
}

func orNobody(party string) string {
	if party == "" {
		return "no party"
	}
	return party
}

// applyMeasure checks a measured value against the limits the obligation
// sets on its quantity in its unit. A value beyond one is a violation
// citing the measurement; a value within all is a note on the verdict.
func applyMeasure(c *Context, e Entry) error {
	var b statement.MeasureBody
	if err := decode(e, &b); err != nil {
		return err
	}
	o, err := c.monitored(e, b.Obligation, b.Site, b.MeasuredAt, "measured_at")
	if err != nil {
		return err
	}
	if len(o.Limits) == 0 {
		return fmt.Errorf("%w: obligation %s states no limits to measure against", ErrInvalid, o.ID)
	}
	var units []string
	for _, l := range o.Limits {
		if l.Quantity == b.Quantity {
			units = append(units, l.Unit)
		}
	}
	beyond, limited := o.Beyond(b.Quantity, b.Unit, b.Value)
	if len(units) == 0 {
		var qs []string
		for _, l := range o.Limits {
			qs = append(qs, string(l.Quantity))
		}
		return fmt.Errorf("%w: obligation %s limits no quantity %q; it limits %s", ErrInvalid, o.ID, b.Quantity, strings.Join(slices.Compact(qs), ", "))
	}
	if !limited {
		return fmt.Errorf("%w: obligation %s limits %s in %q; give the value in that unit, not %q", ErrInvalid, o.ID, b.Quantity, strings.Join(units, `" or "`), b.Unit)
	}
	if b.Value < 0 || math.IsNaN(b.Value) || math.IsInf(b.Value, 0) {
		return fmt.Errorf("%w: value %v: a measured %s is a finite number, zero or more", ErrInvalid, b.Value, b.Quantity)
	}
	if err := checkEvidence(c.KV, b.Evidence); err != nil {
		return err
	}
	measured := fmt.Sprintf("%s at %s measured %s on %s (measurement %s)", b.Quantity, b.Site,
		agreement.WithUnit(b.Value, b.Unit), b.MeasuredAt.UTC().Format(time.RFC3339), e.Statement.ID)
	ev := Event{Kind: compliance.Measured, Party: o.Party, Ref: e.Statement.ID, Site: b.Site, Obligation: o.ID,
		Text: fmt.Sprintf("%s, within obligation %s's limit", measured, o.ID)}
	if beyond != nil {
		ev.Kind = compliance.LimitExceeded
		ev.Text = fmt.Sprintf("%s, beyond obligation %s's limit: %s", measured, o.ID, beyond)
	}
	return c.stmtEvent(e, ev)
}

// applyContinuity records the state of a seal or camera. A seal broken or
// a camera off starts its allowance: restored before the allowance runs
// out (by the log's time), it is no finding; otherwise the loss of
// continuity is a breach of the class the obligation names, citing the
// statement that reported it. With no allowance, the loss is a finding at
// once.
func applyContinuity(c *Context, e Entry) error {
	var b statement.ContinuityBody
	if err := decode(e, &b); err != nil {
		return err
	}
	o, err := c.monitored(e, b.Obligation, b.Site, b.At, "at")
	if err != nil {
		return err
	}
	q := o.Continuity
	if q == nil {
		return fmt.Errorf("%w: obligation %s names no seals or cameras", ErrInvalid, o.ID)
	}
	d, kind, ok := q.Device(b.Device)
	if !ok {
		return fmt.Errorf("%w: obligation %s has no seal or camera %q", ErrInvalid, o.ID, b.Device)
	}
	if b.Kind != kind {
		return fmt.Errorf("%w: device %s is a %s, not a %q", ErrInvalid, d.ID, kind, b.Kind)
	}
	if d.Site != b.Site {
		return fmt.Errorf("%w: %s %s is at %s, not at %s", ErrInvalid, kind, d.ID, d.Site, b.Site)
	}
	loss := lossState(kind)
	states := []statement.DeviceState{statement.DeviceOK, loss, statement.DeviceRestored}
	if !slices.Contains(states, b.State) {
		return fmt.Errorf("%w: a %s's state is one of %v, not %q", ErrInvalid, kind, states, b.State)
	}
	if err := checkEvidence(c.KV, b.Evidence); err != nil {
		return err
	}
	prev, found, err := LoadDevice(c.KV, o.ID, d.ID)
	if err != nil {
		return err
	}
	open := found && prev.State == loss
	if open && b.State != statement.DeviceRestored {
		return fmt.Errorf("%w: %s %s is %s since %s (%s); report it restored first", ErrConflict, kind, d.ID, loss, prev.Since.Format(time.RFC3339), prev.Statement)
	}
	if !open && b.State == statement.DeviceRestored {
		return fmt.Errorf("%w: %s %s is not %s; only a %s %s is restored", ErrConflict, kind, d.ID, loss, loss, kind)
	}
	if open && b.At.Before(prev.Since) {
		return fmt.Errorf("%w: %s %s cannot be restored at %s, before it was %s at %s", ErrInvalid, kind, d.ID, b.At.Format(time.RFC3339), loss, prev.Since.Format(time.RFC3339))
	}
	dev := Device{Obligation: o.ID, Site: d.Site, ID: d.ID, Kind: kind, State: b.State, Since: b.At, Statement: e.Statement.ID, Index: e.Index}
	key := o.ID + "/" + d.ID
	allowance := q.Allowance(kind)
	switch {
	case b.State == loss:
		dev.Deadline = allowance.AddTo(b.At)
		if dev.Deadline.After(e.Time) {
			if err := c.schedule(dev.Deadline, "continuity", key); err != nil {
				return err
			}
			return putJSON(c.KV, kindDevice, key, dev)
		}
		dev.Deadline, dev.Lost = time.Time{}, true
		if err := putJSON(c.KV, kindDevice, key, dev); err != nil {
			return err
		}
		return c.stmtEvent(e, lost(o, dev, allowance))
	case open && !prev.Lost:
		if err := c.unschedule(prev.Deadline, "continuity", key); err != nil {
			return err
		}
		if err := putJSON(c.KV, kindDevice, key, dev); err != nil {
			return err
		}
		return c.stmtEvent(e, Event{Kind: compliance.Restored, Party: o.Party, Ref: d.ID, Site: d.Site, Obligation: o.ID,
			Text: fmt.Sprintf("%s %s at %s, %s since %s (%s), restored at %s within its allowance of %s: no loss of continuity",
				kind, d.ID, d.Site, loss, prev.Since.UTC().Format(time.RFC3339), prev.Statement, b.At.UTC().Format(time.RFC3339), allowance)})
	}
	return putJSON(c.KV, kindDevice, key, dev)
}

// continuityDue makes a loss of continuity of a seal or camera that was
// not restored within its allowance.
func continuityDue(c *Context, at time.Time, key string) error {
	obligation, device, _ := strings.Cut(key, "/")
	dev, found, err := LoadDevice(c.KV, obligation, device)
	if err != nil || !found || dev.Lost || !dev.Deadline.Equal(at) {
		return err
	}
	o := c.Spec.Obligation(obligation)
	if o == nil || o.Continuity == nil {
		return fmt.Errorf("state: device %s names no facility obligation with continuity", key)
	}
	dev.Deadline, dev.Lost = time.Time{}, true
	if err := putJSON(c.KV, kindDevice, key, dev); err != nil {
		return err
	}
	ev := lost(o, dev, o.Continuity.Allowance(dev.Kind))
	ev.Statement, ev.Index = dev.Statement, dev.Index
	return c.event(at, ev)
}

// lost is the loss of continuity of a device, of the class its obligation
// names.
func lost(o *agreement.Obligation, d Device, allowance agreement.Duration) Event {
	within := "with no allowance"
	if allowance.N > 0 {
		within = "not restored within its allowance of " + allowance.String()
	}
	return Event{Kind: compliance.Continuity(o.Continuity.Breach), Party: o.Party, Ref: d.ID, Site: d.Site, Obligation: o.ID,
		Text: fmt.Sprintf("loss of continuity at %s: %s %s %s since %s (%s), %s", d.Site, d.Kind, d.ID, d.State,
			d.Since.UTC().Format(time.RFC3339), d.Statement, within)}
}
