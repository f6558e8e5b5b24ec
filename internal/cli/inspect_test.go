package cli

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/surety/surety/examples"

	"github.com/surety/surety/internal/api"
	"github.com/surety/surety/internal/app"
	"github.com/surety/surety/internal/client"
	"github.com/surety/surety/internal/inspection"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/statement"
)

type site struct {
	t   *testing.T
	r   *app.Running
	clk *simClock
}

func startSite(t *testing.T) *site {
	clk := &simClock{t: time.Date(1993, 8, 2, 8, 0, 0, 0, time.UTC)}
	k, _ := keys.Derive("demo", "surety.local/il-kp-1993")
	r, err := app.Serve(context.Background(), app.ServeConfig{Agreement: "../../examples/israel-dprk-1993.yaml",
		DB: "sqlite:" + filepath.Join(t.TempDir(), "s.db"), Addr: "127.0.0.1:0", LogKey: k, Interval: time.Hour,
		Now: clk.now, Logger: slog.New(slog.NewTextHandler(os.Stderr, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	if err := app.AdoptFixtureList(context.Background(), &app.Sender{Key: k, Author: "operator", Agreement: "il-kp-1993", Client: client.New(r.URL), Now: clk.now}); err != nil {
		t.Fatal(err)
	}
	return &site{t: t, r: r, clk: clk}
}

func (s *site) as(principal string) *app.Sender {
	name := principal
	if principal == "operator" {
		name = "surety.local/il-kp-1993"
	}
	k, err := keys.Derive("demo", name)
	if err != nil {
		s.t.Fatal(err)
	}
	return &app.Sender{Key: k, Author: principal, Agreement: "il-kp-1993", Client: client.New(s.r.URL), Now: s.clk.now}
}

func (s *site) ok(typ, id string, from string, body any) {
	s.t.Helper()
	if _, err := s.as(from).Send(context.Background(), typ, id, body); err != nil {
		s.t.Fatalf("%s %s: %v", typ, id, err)
	}
}

func (s *site) refused(typ, id, from string, body any, status int, msg string) {
	s.t.Helper()
	_, err := s.as(from).Send(context.Background(), typ, id, body)
	var p *api.Problem
	if !errors.As(err, &p) || p.Status != status || !strings.Contains(p.Detail, msg) {
		s.t.Errorf("%s %s by %s: got %v; want %d mentioning %q", typ, id, from, err, status, msg)
	}
}

// revealOf reads the decision on decl from the site's sealed queue, as
// inspector.
func (s *site) revealOf(inspector, site, decl string) *statement.Decision {
	s.t.Helper()
	q, err := s.as(inspector).Queue(context.Background(), site)
	if err != nil {
		s.t.Fatal(err)
	}
	for _, it := range q {
		if it.Declaration == decl {
			return it.Reveal
		}
	}
	s.t.Fatalf("%s is not in the %s queue: %+v", decl, site, q)
	return nil
}

func (s *site) selector() *app.Selector {
	k, _ := keys.Derive("demo", "il-selector")
	vrf, err := inspection.KeyFromSeed(inspection.DeriveSeed("demo", "il-selector"))
	if err != nil {
		s.t.Fatal(err)
	}
	sel := app.NewSelector(s.r.URL, "il-kp-1993", k, "", vrf, s.clk.now)
	sel.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	return sel
}

// TestSelectQueueReport: declare → sealed VRF selection → signed queue →
// report revealing it → assurance; the selection verifies from the log
// alone, and the unselected ones once they have left.
func TestSelectQueueReport(t *testing.T) {
	s := startSite(t)
	ctx := context.Background()
	dep := s.clk.now().Add(72 * time.Hour)
	s.ok(statement.TypeDeclare, "d-komid", "kp-export-authority", examples.Rodong(dep))
	for i := range 20 {
		s.ok(statement.TypeDeclare, fmt.Sprint("d-g", i), "kp-export-authority", examples.Garments(dep))
	}
	committed, selected, revealed, err := s.selector().Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if committed != 21 || selected < 2 || selected > 20 || revealed != 0 {
		t.Fatalf("committed %d, selected %d of 21 (p = 1 for one, 0.55 for twenty), revealed %d", committed, selected, revealed)
	}
	for who, why := range map[string]string{"il-insp-fnj-1": "inspects at [fnj], not at kpnam", "il-treasury": "only the inspectorate reads",
		"kp-export-authority": "only the inspectorate reads"} {
		_, err := s.as(who).Queue(ctx, "kpnam")
		if p, ok := errors.AsType[*api.Problem](err); !ok || p.Status != 403 || !strings.Contains(p.Detail, why) {
			t.Errorf("%s read the kpnam queue: %v; want 403: %s", who, err, why)
		}
	}
	// A signature made with another principal's key, or too old, does
	// not pass.
	forged := s.as("il-insp-nam-1")
	forged.Key = s.as("il-insp-fnj-1").Key
	if _, err := forged.Queue(ctx, "kpnam"); !isStatus(err, 401, "does not verify with a current key of il-insp-nam-1") {
		t.Errorf("a queue read signed with another key: %v; want 401", err)
	}
	stale := s.as("il-insp-nam-1").Signed()
	stale.Now = func() time.Time { return time.Now().Add(-10 * time.Minute) }
	if err := stale.Get(ctx, "/v1/sites/kpnam/queue", nil); !isStatus(err, 401, "more than 5m0s from the server's time") {
		t.Errorf("a queue read signed ten minutes ago: %v; want 401", err)
	}
	q, err := s.as("il-insp-nam-1").Queue(ctx, "kpnam")
	if err != nil {
		t.Fatal(err)
	}
	if len(q) != 1 || q[0].Declaration != "d-komid" || !q[0].Deadline.Equal(dep) || q[0].Reveal == nil || !q[0].Reveal.Selected {
		t.Fatalf("kpnam queue %+v; want d-komid due by its departure, with its decision", q)
	}
	report := statement.ReportBody{Declaration: "d-komid", Site: "kpnam", Outcome: statement.Prohibited,
		Findings:   []statement.Finding{{Item: 0, Finding: "Rodong missile engine sections, not mining equipment", Category: "mtcr-cat1"}},
		SealsFound: []statement.SealCheck{{Seal: "KP-NAM-0931", State: statement.SealIntact}},
		Seals:      []string{"IL-1993-0001"}, Start: s.clk.now(), End: s.clk.now().Add(3 * time.Hour)}
	s.refused(statement.TypeReport, "r-0", "il-insp-nam-1", report, 422, "is sealed")
	report.Reveal = q[0].Reveal
	s.refused(statement.TypeReport, "r-0", "il-insp-fnj-1", report, 403, "inspects at [fnj], not at kpnam")
	s.ok(statement.TypeReport, "r-1", "il-insp-nam-1", report)
	s.refused(statement.TypeReport, "r-2", "il-insp-nam-2", report, 409, "revealed already")
	if q, err := s.as("il-insp-nam-1").Queue(ctx, "kpnam"); err != nil || len(q) != 0 {
		t.Errorf("queue after the report: %v %v", q, err)
	}

	if _, err := s.r.Publisher.Publish(ctx, true); err != nil {
		t.Fatal(err)
	}
	logKey := s.r.Spec.Parties[4].Principals[0].Key
	lines, revealedKomid, err := VerifySelection(ctx, s.r.URL, "il-kp-1993", "d-komid", logKey)
	if err != nil || !revealedKomid {
		t.Fatalf("verify selection: %v (revealed %v)\n%s", err, revealedKomid, strings.Join(lines, "\n"))
	}
	if out := strings.Join(lines, "\n"); !strings.Contains(out, "opens the commitment") || !strings.Contains(out, "the VRF proof verifies") {
		t.Errorf("verify report: %s", out)
	}
	lines, revealedG0, err := VerifySelection(ctx, s.r.URL, "il-kp-1993", "d-g0", logKey)
	if err != nil || revealedG0 || !strings.Contains(strings.Join(lines, "\n"), "sealed until the consignment leaves") {
		t.Errorf("before departure d-g0 verified as revealed %v: %v\n%s", revealedG0, err, strings.Join(lines, "\n"))
	}

	var a state.Assurance
	if err := client.New(s.r.URL).Get(ctx, "/v1/periods/1/assurance", &a); err != nil {
		t.Fatal(err)
	}
	if a.Declared != 21 || a.Selected != 1 || a.Inspected != 1 || len(a.Detection) != 3 {
		t.Errorf("assurance before the reveals %+v", a)
	}
	// The adaptive evader hides in the garments at p = 0.55: one shipment is
	// caught with 0.55, three with 1 − 0.45³.
	if d := a.Detection[0]; d.M != 1 || d.Adaptive < 0.5499 || d.Adaptive > 0.5501 {
		t.Errorf("detection against 1: %+v", d)
	}

	// After departure the selector reveals the rest; each verifies, and the
	// selected garments left uninspected are the inspectorate's failures.
	s.clk.set(dep.Add(time.Hour))
	_, _, revealed, err = s.selector().Run(ctx)
	if err != nil || revealed != 20 {
		t.Fatalf("revealed %d after departure: %v", revealed, err)
	}
	if _, err := s.r.Publisher.Publish(ctx, true); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		id := fmt.Sprint("d-g", i)
		if lines, ok, err := VerifySelection(ctx, s.r.URL, "il-kp-1993", id, logKey); err != nil || !ok {
			t.Errorf("verify %s: %v\n%s", id, err, strings.Join(lines, "\n"))
		}
	}
	if err := client.New(s.r.URL).Get(ctx, "/v1/periods/1/assurance", &a); err != nil {
		t.Fatal(err)
	}
	if a.Selected != selected || a.NotPerformed != selected-1 {
		t.Errorf("assurance after the reveals: selected %d, not performed %d; want %d and %d", a.Selected, a.NotPerformed, selected, selected-1)
	}
}

// TestSelectionRules: the sealed store takes only the selector's decisions
// with the true p and the decision they give; only the selector commits,
// once; a forged proof fails at its reveal.
func TestSelectionRules(t *testing.T) {
	s := startSite(t)
	ctx := context.Background()
	s.ok(statement.TypeDeclare, "d-1", "kp-export-authority", examples.Garments(s.clk.now().Add(72*time.Hour)))
	var d state.Declaration
	if err := client.New(s.r.URL).Get(ctx, "/v1/declarations/d-1", &d); err != nil {
		t.Fatal(err)
	}
	vrf, _ := inspection.KeyFromSeed(inspection.DeriveSeed("demo", "il-selector"))
	good, commit, err := state.Decide(vrf, nil, "il-kp-1993", "d-1", mustLeaf(t, d.LeafHash), d.P)
	if err != nil {
		t.Fatal(err)
	}
	wrongP := good
	wrongP.P = 0.9
	wrongP.Selected = good.U < 0.9
	lie := good
	lie.Selected = !good.Selected
	sealed := s.as("il-selector").Signed()
	for _, c := range []struct {
		name string
		c    *client.Client
		body statement.Decision
		code int
		msg  string
	}{
		{"wrong p", sealed, wrongP, 422, "projected selection probability"},
		{"lie", sealed, lie, 422, "selected is"},
	} {
		var answer api.SealedAnswer
		err := c.c.Post(ctx, "/v1/sealed/selections", []statement.Decision{c.body}, &answer)
		if err != nil || len(answer.Stored) != 0 || len(answer.Refused) != 1 || answer.Refused[0].Status != c.code || !strings.Contains(answer.Refused[0].Detail, c.msg) {
			t.Errorf("%s: %+v, %v; want refused with %d mentioning %q", c.name, answer, err, c.code, c.msg)
		}
	}
	for _, c := range []struct {
		name string
		c    *client.Client
		code int
		msg  string
	}{
		{"unsigned", client.New(s.r.URL), 401, "sign the request"},
		{"not the selector", s.as("il-insp-fnj-1").Signed(), 403, "is not the inspectorate's selector"},
	} {
		err := c.c.Post(ctx, "/v1/sealed/selections", []statement.Decision{good}, nil)
		if p, ok := errors.AsType[*api.Problem](err); !ok || p.Status != c.code || !strings.Contains(p.Detail, c.msg) {
			t.Errorf("%s: %v; want %d mentioning %q", c.name, err, c.code, c.msg)
		}
	}
	var answer api.SealedAnswer
	if err := sealed.Post(ctx, "/v1/sealed/selections", []statement.Decision{good}, &answer); err != nil || len(answer.Stored) != 1 {
		t.Fatalf("the good decision: %+v, %v", answer, err)
	}
	round := statement.CommitBody{Commitments: []statement.Commitment{commit}}
	s.refused(statement.TypeCommit, "s-4", "il-inspection-office", round, 403, "may not make selection.commit")
	s.ok(statement.TypeCommit, "s-5", "il-selector", round)
	s.refused(statement.TypeCommit, "s-6", "il-selector", round, 409, "already has a selection commitment")

	// A decision with a forged proof can be committed to, but never
	// revealed: the server checks the proof then.
	s.ok(statement.TypeDeclare, "d-2", "kp-export-authority", examples.Garments(s.clk.now().Add(time.Hour)))
	if err := client.New(s.r.URL).Get(ctx, "/v1/declarations/d-2", &d); err != nil {
		t.Fatal(err)
	}
	dec, _, err := state.Decide(vrf, nil, "il-kp-1993", "d-2", mustLeaf(t, d.LeafHash), d.P)
	if err != nil {
		t.Fatal(err)
	}
	proof, _ := base64.StdEncoding.DecodeString(dec.Proof)
	proof[5] ^= 1
	dec.Proof = base64.StdEncoding.EncodeToString(proof)
	opened, err := state.CommitmentOf("il-kp-1993", mustLeaf(t, d.LeafHash), dec)
	if err != nil {
		t.Fatal(err)
	}
	s.ok(statement.TypeCommit, "s-7", "il-selector", statement.CommitBody{Commitments: []statement.Commitment{{Declaration: "d-2", P: d.P, Commitment: hex.EncodeToString(opened[:])}}})
	s.clk.set(s.clk.now().Add(2 * time.Hour))
	s.refused(statement.TypeReveal, "r-7", "il-selector", statement.RevealBody{Decisions: []statement.Decision{dec}}, 422, "does not verify")
}

// TestDeadlinesAndChallenges: a selection whose deadline passes without a
// report is not performed; a challenge left unanswered is refused, one
// granted is inspected.
func TestDeadlinesAndChallenges(t *testing.T) {
	s := startSite(t)
	ctx := context.Background()
	s.ok(statement.TypeDeclare, "d-1", "kp-export-authority", examples.Rodong(s.clk.now().Add(30*time.Hour)))
	if _, _, _, err := s.selector().Run(ctx); err != nil {
		t.Fatal(err)
	}
	s.ok(statement.TypeChallenge, "c-1", "il-inspection-office", statement.ChallengeBody{Site: "kpnam", Description: "reports of a missile shipment at berth 3"})
	s.ok(statement.TypeChallenge, "c-2", "il-inspection-office", statement.ChallengeBody{Site: "fnj", Description: "cargo hangar 2"})
	s.ok(statement.TypeResponse, "c-2-answer", "kp-export-authority", statement.ResponseBody{Challenge: "c-2", Granted: true, At: s.clk.now().Add(2 * time.Hour)})
	s.refused(statement.TypeResponse, "c-1-x", "il-treasury", statement.ResponseBody{Challenge: "c-1", Granted: false}, 403, "may not make challenge.response")

	s.clk.set(s.clk.now().Add(31 * time.Hour)) // past the departure and the 24h response time
	s.ok(statement.TypeClockTick, "tick-1", "operator", statement.ClockTickBody{})
	if _, _, n, err := s.selector().Run(ctx); err != nil || n != 1 {
		t.Fatalf("revealed %d after departure: %v", n, err)
	}
	var sr api.SelectionResponse
	if err := client.New(s.r.URL).Get(ctx, "/v1/declarations/d-1/selection", &sr); err != nil {
		t.Fatal(err)
	}
	if sr.Inspection == nil || sr.Inspection.Outcome != statement.NotPerformed || !strings.Contains(sr.Inspection.Cause, "before the consignment left") {
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

func isStatus(err error, status int, detail string) bool {
	p, ok := errors.AsType[*api.Problem](err)
	return ok && p.Status == status && strings.Contains(p.Detail, detail)
}
