package state_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/compliance"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/statement"
)

// newJCPOA is the JCPOA's log at Implementation Day, 16 January 2016,
// with edit applied to the agreement.
func newJCPOA(t *testing.T, edit func(string) string) *world {
	t.Helper()
	w := newLogEdited(t, "jcpoa-2015", "jcpoa-2015", "2015-10-18", edit)
	w.now = at("2016-01-16T12:00")
	w.ok("iaea-dg", statement.TypeVerified, "gov-inf-2016-1", statement.VerifiedBody{
		Steps: []string{"enrichment-capacity", "enriched-stockpile", "fordow-conversion", "arak-core-removed", "additional-protocol"}})
	return w
}

func measure(obligation, quantity, unit string, value float64, when time.Time) statement.MeasureBody {
	return statement.MeasureBody{Obligation: obligation, Site: "natanz", Quantity: quantityOf(quantity), Value: value, Unit: unit, MeasuredAt: when}
}

// TestMeasurementBeyondLimit: a stockpile measured above the JCPOA's
// 300 kg UF6 makes Iran non-compliant for the period, the reason citing
// the measurement; an enrichment level at the limit is no finding, and
// the verdict names it as a note citing its measurement.
func TestMeasurementBeyondLimit(t *testing.T) {
	w := newJCPOA(t, func(s string) string { return s })
	w.now = at("2016-02-10T09:00")
	w.ok("iaea-insp-natanz", statement.TypeMeasure, "m-enrichment", measure("enrichment-level", "enrichment_level", "% U-235", 3.67, at("2016-02-09")))
	w.now = at("2016-03-01T09:00")
	w.ok("iaea-insp-natanz", statement.TypeMeasure, "m-stockpile", measure("enriched-stockpile", "stockpile", "kg UF6", 310.5, at("2016-02-28")))
	w.tick("2016-05-02")
	v := w.verdict(1, "iran")
	if v.Verdict != compliance.NonCompliant || len(v.Reasons) != 1 {
		t.Fatalf("iran: %+v; want non_compliant for the stockpile alone", v)
	}
	r := v.Reasons[0]
	if r.Kind != compliance.LimitExceeded || r.Statement != "m-stockpile" || r.Index == 0 || r.Obligation != "enriched-stockpile" ||
		!strings.Contains(r.Text, "310.5 kg UF6") || !strings.Contains(r.Text, "at most 300 kg UF6") {
		t.Errorf("reason %+v; want limit_exceeded citing m-stockpile, with the value and the limit", r)
	}
	if !slices.ContainsFunc(v.Notes, func(n compliance.Event) bool { return n.Kind == compliance.Measured && n.Statement == "m-enrichment" }) {
		t.Errorf("notes %+v; want the enrichment measurement within the limit cited", v.Notes)
	}
}

// TestMeasurementWithinLimit: measurements within every limit make no
// finding: with nothing declared the verdict is inconclusive for that,
// not non-compliant.
func TestMeasurementWithinLimit(t *testing.T) {
	w := newJCPOA(t, func(s string) string { return s })
	w.now = at("2016-03-01T09:00")
	w.ok("iaea-insp-natanz", statement.TypeMeasure, "m-1", measure("centrifuge-limit", "installed_centrifuges", "count", 5060, at("2016-03-01")))
	w.ok("iaea-insp-natanz", statement.TypeMeasure, "m-2", measure("enriched-stockpile", "stockpile", "kg UF6", 299.9, at("2016-03-01")))
	w.tick("2016-05-02")
	v := w.verdict(1, "iran")
	if v.Verdict == compliance.NonCompliant || len(v.Notes) != 2 {
		t.Errorf("iran: %+v; want no finding and both measurements noted", v)
	}
}

// TestMeasurementRefused: only the monitoring party's inspectors at the
// site, or its coordinators, measure; the quantity and unit must be ones
// the obligation limits, the time not after the log's.
func TestMeasurementRefused(t *testing.T) {
	other, err := keys.Derive("demo", "euratom-insp")
	if err != nil {
		t.Fatal(err)
	}
	w := newJCPOA(t, func(s string) string {
		// A second inspectorate, with an inspector at Natanz, that does
		// not monitor the limits.
		return strings.Replace(s, "  - id: unsc\n", `  - id: euratom
    name: Euratom
    role: inspectorate
    principals:
      - id: euratom-insp
        key: `+other.VKey()+`
        duties: [inspector]
        sites: [natanz]
  - id: unsc
`, 1)
	})
	w.now = at("2016-03-01T09:00")
	when := at("2016-03-01")
	for _, c := range []struct {
		as   string
		body statement.MeasureBody
		want error
		msg  string
	}{
		{"euratom-insp", measure("enrichment-level", "enrichment_level", "% U-235", 5, when), state.ErrForbidden, "monitored by iaea"},
		{"iaea-insp-arak", measure("enrichment-level", "enrichment_level", "% U-235", 5, when), state.ErrForbidden, "not at natanz"},
		{"ir-mfa", measure("enrichment-level", "enrichment_level", "% U-235", 5, when), state.ErrForbidden, "may not make facility.measure"},
		{"iaea-insp-natanz", measure("enrichment-level", "stockpile", "kg UF6", 5, when), state.ErrInvalid, "limits no quantity \"stockpile\""},
		{"iaea-insp-natanz", measure("enriched-stockpile", "stockpile", "kg U", 5, when), state.ErrInvalid, "give the value in that unit"},
		{"iaea-insp-natanz", measure("enrichment-level", "enrichment_level", "% U-235", -1, when), state.ErrInvalid, "zero or more"},
		{"iaea-insp-natanz", measure("enrichment-level", "enrichment_level", "% U-235", 5, when.AddDate(0, 0, 2)), state.ErrInvalid, "after the entry's log time"},
		{"iaea-insp-natanz", measure("enrichment-level", "enrichment_level", "% U-235", 5, at("2016-01-01")), state.ErrInvalid, "not in force"},
		{"iaea-insp-natanz", measure("declare-transfers", "enrichment_level", "% U-235", 5, when), state.ErrInvalid, "not a facility obligation"},
	} {
		err := w.send("", c.as, statement.TypeMeasure, "m-refused", c.body)
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s measuring %+v: %v; want %v saying %q", c.as, c.body, err, c.want, c.msg)
		}
	}
	// The coordinator of the monitoring party may measure anywhere.
	w.ok("iaea-dg", statement.TypeMeasure, "m-dg", measure("enrichment-level", "enrichment_level", "% U-235", 3.5, when))
}

func continuity(device, kind, site, st string, when time.Time) statement.ContinuityBody {
	return statement.ContinuityBody{Obligation: "freeze-yongbyon", Site: site, Device: device, Kind: kindOf(kind), State: statement.DeviceState(st), At: when}
}

// TestContinuity: at Yongbyon, a camera off and restored within its 72
// hours is no finding; a camera off past them is a violation at the end of
// the allowance, citing the statement that reported it off; a broken seal,
// which has no allowance, is one at once. A rebuild from the log makes the
// same facts.
func TestContinuity(t *testing.T) {
	w := newLog(t, "agreed-framework-1994", "kp-us-1994", "1994-10-21")
	ins := "iaea-insp-yongbyon"
	w.now = at("1994-12-01T10:00")
	w.ok(ins, statement.TypeContinuity, "c-1", continuity("cam-5mwe-hall", "camera", "yongbyon-5mwe", "off", at("1994-12-01T08:00")))
	w.now = at("1994-12-03T10:00")
	w.ok(ins, statement.TypeContinuity, "c-2", continuity("cam-5mwe-hall", "camera", "yongbyon-5mwe", "restored", at("1994-12-03T09:00")))
	w.now = at("1994-12-05T10:00")
	w.ok(ins, statement.TypeContinuity, "c-3", continuity("cam-spent-fuel-pond", "camera", "yongbyon-5mwe", "off", at("1994-12-05T06:00")))
	if err := w.send("1994-12-06T10:00", ins, statement.TypeContinuity, "c-3b", continuity("cam-spent-fuel-pond", "camera", "yongbyon-5mwe", "ok", at("1994-12-06T10:00"))); !errors.Is(err, state.ErrConflict) {
		t.Errorf("ok for a camera that is off: %v; want a conflict (report it restored)", err)
	}
	w.tick("1994-12-09")
	// Restored after its allowance ran out: the loss stands.
	w.now = at("1994-12-10T10:00")
	w.ok(ins, statement.TypeContinuity, "c-4", continuity("cam-spent-fuel-pond", "camera", "yongbyon-5mwe", "restored", at("1994-12-10T09:00")))
	w.now = at("1994-12-12T10:00")
	w.ok(ins, statement.TypeContinuity, "c-5", continuity("seal-reprocessing-hot-cells", "seal", "yongbyon-reprocessing", "broken", at("1994-12-12T07:00")))
	w.tick("1994-12-29")

	v := w.verdict(1, "dprk")
	if v.Verdict != compliance.NonCompliant || len(v.Reasons) != 2 {
		t.Fatalf("dprk: %+v; want non_compliant for the camera and the seal", v)
	}
	cam, seal := v.Reasons[0], v.Reasons[1]
	if cam.Kind != compliance.ContinuityViolation || cam.Ref != "cam-spent-fuel-pond" || cam.Statement != "c-3" || !cam.Time.Equal(at("1994-12-08T06:00")) {
		t.Errorf("camera reason %+v; want a continuity violation at the end of 72h, citing c-3", cam)
	}
	if seal.Kind != compliance.ContinuityViolation || seal.Ref != "seal-reprocessing-hot-cells" || seal.Statement != "c-5" || !seal.Time.Equal(at("1994-12-12T10:00")) {
		t.Errorf("seal reason %+v; want a continuity violation at once, citing c-5", seal)
	}
	if !slices.ContainsFunc(v.Notes, func(n compliance.Event) bool { return n.Kind == compliance.Restored && n.Statement == "c-2" }) {
		t.Errorf("notes %+v; want the camera restored within its allowance noted, citing c-2", v.Notes)
	}

	var before []compliance.Event
	w.view(func(kv state.KV) (err error) {
		before, err = state.Events(kv, at("1994-11-01"), at("1995-01-01"))
		return err
	})
	if err := w.log.Rebuild(context.Background()); err != nil {
		t.Fatal(err)
	}
	var after []compliance.Event
	w.view(func(kv state.KV) (err error) {
		after, err = state.Events(kv, at("1994-11-01"), at("1995-01-01"))
		return err
	})
	if !slices.EqualFunc(before, after, func(a, b compliance.Event) bool {
		return a.Kind == b.Kind && a.Time.Equal(b.Time) && a.Statement == b.Statement
	}) {
		t.Errorf("the rebuild made other facts:\n%+v\nwant\n%+v", after, before)
	}
}

// TestContinuityRefused: only the monitoring party's inspectors at the
// device's site report it, and a device is reported in its own states.
func TestContinuityRefused(t *testing.T) {
	w := newLog(t, "agreed-framework-1994", "kp-us-1994", "1994-10-21")
	w.now = at("1994-12-01T10:00")
	when := at("1994-12-01T08:00")
	for _, c := range []struct {
		as   string
		body statement.ContinuityBody
		want error
		msg  string
	}{
		{"kp-gdae", continuity("cam-5mwe-hall", "camera", "yongbyon-5mwe", "off", when), state.ErrForbidden, "may not make facility.continuity"},
		{"kedo-lwr", continuity("cam-5mwe-hall", "camera", "yongbyon-5mwe", "off", when), state.ErrForbidden, "may not make facility.continuity"},
		{"iaea-insp-yongbyon", continuity("cam-5mwe-hall", "seal", "yongbyon-5mwe", "broken", when), state.ErrInvalid, "is a camera"},
		{"iaea-insp-yongbyon", continuity("cam-5mwe-hall", "camera", "yongbyon-5mwe", "broken", when), state.ErrInvalid, "a camera's state is one of"},
		{"iaea-insp-yongbyon", continuity("cam-5mwe-hall", "camera", "yongbyon-fuel", "off", when), state.ErrInvalid, "is at yongbyon-5mwe"},
		{"iaea-insp-yongbyon", continuity("cam-nowhere", "camera", "yongbyon-5mwe", "off", when), state.ErrInvalid, "no seal or camera"},
		{"iaea-insp-yongbyon", continuity("cam-5mwe-hall", "camera", "yongbyon-5mwe", "restored", when), state.ErrConflict, "is not off"},
	} {
		err := w.send("", c.as, statement.TypeContinuity, "c-refused", c.body)
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s reporting %+v: %v; want %v saying %q", c.as, c.body, err, c.want, c.msg)
		}
	}
}

func quantityOf(s string) agreement.Quantity { return agreement.Quantity(s) }

func kindOf(s string) agreement.DeviceKind { return agreement.DeviceKind(s) }
