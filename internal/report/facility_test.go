package report_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/app"
	"github.com/surety/surety/internal/client"
	"github.com/surety/surety/internal/compliance"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/report"
	"github.com/surety/surety/internal/statement"
)

// TestFacilityReport: a period's report on the Agreed Framework cites the
// IAEA's statements behind the verdict on the freeze, a seal broken (a
// loss of continuity at once), a camera off past its allowance (a loss at
// the end of it) and a camera restored within its allowance (a note), and
// verifies offline: each fact fits the statement it cites, at the time it
// makes it. A report whose loss of continuity is moved onto the
// restoration fails.
func TestFacilityReport(t *testing.T) {
	const id = "kp-us-1994"
	now := time.Date(1994, 12, 1, 10, 0, 0, 0, time.UTC)
	k, _ := keys.Derive("demo", "surety.local/"+id)
	r, err := app.Serve(context.Background(), app.ServeConfig{Agreement: "../../examples/agreed-framework-1994.yaml",
		DB: "sqlite:" + filepath.Join(t.TempDir(), "s.db"), Addr: "127.0.0.1:0", LogKey: k, Interval: time.Hour,
		Now: func() time.Time { return now }, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	c := client.New(r.URL)
	send := func(typ, sid, from string, body any) {
		t.Helper()
		name := from
		if from == "operator" {
			name = "surety.local/" + id
		}
		k, _ := keys.Derive("demo", name)
		b, _ := json.Marshal(body)
		env, err := statement.Sign(k, statement.Payload{Type: typ, Agreement: id, ID: sid, Author: from, Time: now, Body: b})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Submit(context.Background(), env); err != nil {
			t.Fatalf("%s %s: %v", typ, sid, err)
		}
	}
	device := func(dev string, kind agreement.DeviceKind, site string, st statement.DeviceState, at time.Time) statement.ContinuityBody {
		return statement.ContinuityBody{Obligation: "freeze-yongbyon", Site: site, Device: dev, Kind: kind, State: st, At: at}
	}
	send(statement.TypeContinuity, "cam-off", "iaea-insp-yongbyon", device("cam-5mwe-hall", agreement.Camera, "yongbyon-5mwe", statement.DeviceOff, now.Add(-time.Hour)))
	now = now.Add(24 * time.Hour)
	send(statement.TypeContinuity, "cam-back", "iaea-insp-yongbyon", device("cam-5mwe-hall", agreement.Camera, "yongbyon-5mwe", statement.DeviceRestored, now.Add(-time.Hour)))
	now = now.Add(24 * time.Hour)
	send(statement.TypeContinuity, "seal-cut", "iaea-insp-yongbyon", device("seal-fuel-line", agreement.Seal, "yongbyon-fuel", statement.DeviceBroken, now.Add(-time.Hour)))
	send(statement.TypeContinuity, "pond-off", "iaea-insp-yongbyon", device("cam-spent-fuel-pond", agreement.Camera, "yongbyon-5mwe", statement.DeviceOff, now.Add(-time.Hour)))
	now = time.Date(1994, 12, 29, 0, 0, 0, 0, time.UTC)
	send(statement.TypeClockTick, "tick", "operator", statement.ClockTickBody{})
	if _, err := r.Publisher.Publish(context.Background(), true); err != nil {
		t.Fatal(err)
	}

	rep, err := report.Build(context.Background(), c, id, 1, k.VKey())
	if err != nil {
		t.Fatal(err)
	}
	var dprk compliance.Verdict
	for _, v := range rep.Verdicts {
		if v.Party == "dprk" {
			dprk = v
		}
	}
	if dprk.Verdict != compliance.NonCompliant || len(dprk.Reasons) != 2 || dprk.Reasons[0].Statement != "seal-cut" || dprk.Reasons[1].Statement != "pond-off" ||
		len(dprk.Notes) != 1 || dprk.Notes[0].Kind != compliance.Restored || dprk.Notes[0].Statement != "cam-back" {
		t.Fatalf("dprk: %+v; want non_compliant for seal-cut and pond-off, with cam-back noted", dprk)
	}
	b, err := rep.Render(report.JSON)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := report.Verify(b, k.VKey()); err != nil {
		t.Fatalf("the report does not verify: %v", err)
	}

	// The seal's loss of continuity made to cite the restoration instead.
	for i, e := range rep.Facts {
		if e.Kind == compliance.ContinuityViolation && e.Statement == "seal-cut" {
			for _, n := range rep.Facts {
				if n.Statement == "cam-back" {
					rep.Facts[i].Statement, rep.Facts[i].Index, rep.Facts[i].Ref = n.Statement, n.Index, n.Ref
				}
			}
		}
	}
	b, err = rep.Render(report.JSON)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := report.Verify(b, k.VKey()); err == nil || !strings.Contains(err.Error(), "(continuity_violation)") {
		t.Errorf("a loss of continuity citing a restoration: %v; want it refused", err)
	}
}
