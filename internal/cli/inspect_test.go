package cli

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/surety/surety/examples"

	"github.com/surety/surety/internal/client"
	"github.com/surety/surety/internal/inspection"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/server"
	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/statement"
)

type site struct {
	t   *testing.T
	r   *Running
	clk *simClock
}

func startSite(t *testing.T) *site {
	clk := &simClock{t: time.Date(1993, 8, 2, 8, 0, 0, 0, time.UTC)}
	k, _ := keys.Derive("demo", "surety.local/il-kp-1993")
	r, err := Serve(context.Background(), ServeConfig{Agreement: "../../examples/israel-dprk-1993.yaml",
		DB: "sqlite:" + filepath.Join(t.TempDir(), "s.db"), Addr: "127.0.0.1:0", LogKey: k, Interval: time.Hour,
		Now: clk.now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	if err := adoptFixtureList(context.Background(), r.URL, "il-kp-1993", "operator", k); err != nil {
		t.Fatal(err)
	}
	return &site{t: t, r: r, clk: clk}
}

func (s *site) as(principal string) *sender {
	name := principal
	if principal == "operator" {
		name = "surety.local/il-kp-1993"
	}
	k, err := keys.Derive("demo", name)
	if err != nil {
		s.t.Fatal(err)
	}
	return &sender{key: k, author: principal, agreement: "il-kp-1993", client: client.New(s.r.URL), now: s.clk.now}
}

func (s *site) ok(typ, id string, from string, body any) {
	s.t.Helper()
	if _, err := s.as(from).send(context.Background(), typ, id, body); err != nil {
		s.t.Fatalf("%s %s: %v", typ, id, err)
	}
}

func (s *site) refused(typ, id, from string, body any, status int, msg string) {
	s.t.Helper()
	_, err := s.as(from).send(context.Background(), typ, id, body)
	var p *client.Problem
	if !errors.As(err, &p) || p.Status != status || !strings.Contains(p.Detail, msg) {
		s.t.Errorf("%s %s by %s: got %v; want %d mentioning %q", typ, id, from, err, status, msg)
	}
}

func (s *site) selector() *Selector {
	k, _ := keys.Derive("demo", "il-selector")
	vrf, err := inspection.KeyFromSeed(inspection.DeriveSeed("demo", "il-selector"))
	if err != nil {
		s.t.Fatal(err)
	}
	sel := NewSelector(s.r.URL, "il-kp-1993", k, "", vrf, s.clk.now)
	sel.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	return sel
}

// TestSelectQueueReport: declare → VRF selection → queue → report →
// assurance, and the selection verifies from the log alone.
func TestSelectQueueReport(t *testing.T) {
	s := startSite(t)
	ctx := context.Background()
	dep := s.clk.now().Add(72 * time.Hour)
	s.ok(statement.TypeDeclare, "d-komid", "kp-export-authority", examples.Rodong(dep))
	for i := range 20 {
		s.ok(statement.TypeDeclare, fmt.Sprint("d-g", i), "kp-export-authority", examples.Garments(dep))
	}
	decided, selected, err := s.selector().Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if decided != 21 || selected < 2 || selected > 20 {
		t.Fatalf("decided %d, selected %d of 21 (p = 1 for one, 0.55 for twenty)", decided, selected)
	}
	var q []state.Selection
	if err := client.New(s.r.URL).Get(ctx, "/v1/sites/kpnam/queue", &q); err != nil {
		t.Fatal(err)
	}
	if len(q) != 1 || q[0].Declaration != "d-komid" || !q[0].Deadline.Equal(dep.Add(-2*time.Hour)) {
		t.Fatalf("kpnam queue %+v; want d-komid due 2h before departure", q)
	}
	report := statement.ReportBody{Declaration: "d-komid", Site: "kpnam", Outcome: statement.Prohibited,
		Findings: []statement.Finding{{Item: 0, Finding: "Rodong missile engine sections, not mining equipment", Category: "mtcr-cat1"}},
		Seals:    []string{"IL-1993-0001"}, Start: s.clk.now(), End: s.clk.now().Add(3 * time.Hour)}
	s.refused(statement.TypeReport, "r-0", "il-insp-fnj-1", report, 403, "inspects at [fnj], not at kpnam")
	s.ok(statement.TypeReport, "r-1", "il-insp-nam-1", report)
	s.refused(statement.TypeReport, "r-2", "il-insp-nam-2", report, 409, "already has an inspection")
	if err := client.New(s.r.URL).Get(ctx, "/v1/sites/kpnam/queue", &q); err != nil || len(q) != 0 {
		t.Errorf("queue after the report: %v %v", q, err)
	}

	if _, err := s.r.Publisher.Publish(ctx, true); err != nil {
		t.Fatal(err)
	}
	lines, err := VerifySelection(ctx, s.r.URL, "il-kp-1993", "d-komid", s.r.Spec.Parties[4].Principals[0].Key)
	if err != nil {
		t.Fatalf("verify selection: %v\n%s", err, strings.Join(lines, "\n"))
	}
	if !strings.Contains(strings.Join(lines, "\n"), "the VRF proof verifies") {
		t.Errorf("verify report: %s", lines)
	}

	var a state.Assurance
	if err := client.New(s.r.URL).Get(ctx, "/v1/periods/1/assurance", &a); err != nil {
		t.Fatal(err)
	}
	if a.Declared != 21 || a.Selected != selected || a.Inspected != 1 || len(a.Detection) != 3 {
		t.Errorf("assurance %+v", a)
	}
	// The adaptive evader hides in the garments at p = 0.55: one shipment is
	// caught with 0.55, three with 1 − 0.45³.
	if d := a.Detection[0]; d.M != 1 || d.Adaptive < 0.5499 || d.Adaptive > 0.5501 {
		t.Errorf("detection against 1: %+v", d)
	}
}

// TestSelectionRules: a forged proof, a wrong p and a second selection are
// refused.
func TestSelectionRules(t *testing.T) {
	s := startSite(t)
	ctx := context.Background()
	s.ok(statement.TypeDeclare, "d-1", "kp-export-authority", examples.Garments(s.clk.now().Add(72*time.Hour)))
	var d state.Declaration
	if err := client.New(s.r.URL).Get(ctx, "/v1/declarations/d-1", &d); err != nil {
		t.Fatal(err)
	}
	vrf, _ := inspection.KeyFromSeed(inspection.DeriveSeed("demo", "il-selector"))
	leaf := mustLeaf(t, d.LeafHash)
	proof, out := inspection.Prove(vrf, inspection.SelectionInput("il-kp-1993", leaf))
	u := inspection.Uniform(out)
	good := statement.SelectBody{Declaration: "d-1", Proof: base64.StdEncoding.EncodeToString(proof), P: d.P, U: u, Selected: u < d.P}
	forged := good
	bad := append([]byte(nil), proof...)
	bad[5] ^= 1
	forged.Proof = base64.StdEncoding.EncodeToString(bad)
	s.refused(statement.TypeSelect, "s-1", "il-selector", forged, 422, "does not verify")
	wrongP := good
	wrongP.P = 0.9
	wrongP.Selected = u < 0.9
	s.refused(statement.TypeSelect, "s-2", "il-selector", wrongP, 422, "projected selection probability")
	lie := good
	lie.Selected = !good.Selected
	s.refused(statement.TypeSelect, "s-3", "il-selector", lie, 422, "selected is")
	s.refused(statement.TypeSelect, "s-4", "il-inspection-office", good, 403, "may not make selection.decide")
	s.ok(statement.TypeSelect, "s-5", "il-selector", good)
	s.refused(statement.TypeSelect, "s-6", "il-selector", good, 409, "already has a selection")
}

// TestDeadlinesAndChallenges: a selection whose deadline passes without a
// report is not performed; a challenge left unanswered is refused, one
// granted is inspected.
func TestDeadlinesAndChallenges(t *testing.T) {
	s := startSite(t)
	ctx := context.Background()
	s.ok(statement.TypeDeclare, "d-1", "kp-export-authority", examples.Rodong(s.clk.now().Add(30*time.Hour)))
	if _, _, err := s.selector().Run(ctx); err != nil {
		t.Fatal(err)
	}
	s.ok(statement.TypeChallenge, "c-1", "il-inspection-office", statement.ChallengeBody{Site: "kpnam", Description: "reports of a missile shipment at berth 3"})
	s.ok(statement.TypeChallenge, "c-2", "il-inspection-office", statement.ChallengeBody{Site: "fnj", Description: "cargo hangar 2"})
	s.ok(statement.TypeResponse, "c-2-answer", "kp-export-authority", statement.ResponseBody{Challenge: "c-2", Granted: true, At: s.clk.now().Add(2 * time.Hour)})
	s.refused(statement.TypeResponse, "c-1-x", "il-treasury", statement.ResponseBody{Challenge: "c-1", Granted: false}, 403, "may not make challenge.response")

	s.clk.set(s.clk.now().Add(29 * time.Hour)) // past the selection's deadline and the 24h response time
	s.ok(statement.TypeClockTick, "tick-1", "operator", statement.ClockTickBody{})
	var sr server.SelectionResponse
	if err := client.New(s.r.URL).Get(ctx, "/v1/declarations/d-1/selection", &sr); err != nil {
		t.Fatal(err)
	}
	if sr.Inspection == nil || sr.Inspection.Outcome != statement.NotPerformed || !strings.Contains(sr.Inspection.Cause, "deadline") {
		t.Errorf("missed deadline: %+v", sr.Inspection)
	}
	var ch state.Challenge
	if err := client.New(s.r.URL).Get(ctx, "/v1/challenges/c-1", &ch); err != nil {
		t.Fatal(err)
	}
	if ch.Status != state.ChallengeRefused || !strings.Contains(ch.Cause, "silence counts as refusal") {
		t.Errorf("unanswered challenge: %+v", ch)
	}
	s.refused(statement.TypeResponse, "c-1-late", "kp-export-authority", statement.ResponseBody{Challenge: "c-1", Granted: true, At: s.clk.now()}, 409, "refused already")
	s.ok(statement.TypeReport, "r-c2", "il-insp-fnj-1", statement.ReportBody{Challenge: "c-2", Site: "fnj", Outcome: statement.Cleared, Start: s.clk.now(), End: s.clk.now().Add(time.Hour)})
	if err := client.New(s.r.URL).Get(ctx, "/v1/challenges/c-2", &ch); err != nil || ch.Inspection == nil || ch.Inspection.Outcome != statement.Cleared {
		t.Errorf("granted challenge: %+v %v", ch, err)
	}
	var a state.Assurance
	if err := client.New(s.r.URL).Get(ctx, "/v1/periods/1/assurance", &a); err != nil {
		t.Fatal(err)
	}
	if a.NotPerformed != 1 || a.Detection[0].Adaptive != 0 {
		t.Errorf("an uninspected selection must count for nothing: %+v", a)
	}
}

func mustLeaf(t *testing.T, h string) [32]byte {
	a := client.Appended{LeafHash: h}
	l, err := a.Leaf()
	if err != nil {
		t.Fatal(err)
	}
	return l
}
