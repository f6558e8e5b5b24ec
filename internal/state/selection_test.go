package state_test

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/surety/surety/examples"

	"github.com/surety/surety/internal/compliance"
	"github.com/surety/surety/internal/inspection"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/statement"
)

// sealedRodong declares the Rodong consignment at Nampo, leaving in three
// days, and commits to its selection; the decision is returned sealed.
func sealedRodong(t *testing.T, w *world) (statement.Decision, time.Time) {
	t.Helper()
	w.now = at("1993-08-25T08:00")
	dep := w.now.Add(72 * time.Hour)
	w.ok("kp-export-authority", statement.TypeDeclare, "d-1", examples.Rodong(dep))
	r := w.commit("d-1")
	if !r.Selected {
		t.Fatalf("the Rodong shipment was not selected: p %v", r.P)
	}
	return r, dep
}

func selection(w *world, id string) state.Selection {
	w.t.Helper()
	var sel state.Selection
	w.view(func(kv state.KV) error {
		var err error
		sel, _, err = state.LoadSelection(kv, id)
		return err
	})
	return sel
}

func refused(t *testing.T, err error, want error, msg string) {
	t.Helper()
	if !errors.Is(err, want) || !strings.Contains(err.Error(), msg) {
		t.Errorf("got %v; want %v mentioning %q", err, want, msg)
	}
}

// TestRevealRules: a decision stays sealed until the consignment leaves or
// its inspectors come; a reveal must open the commitment; a report must
// carry the reveal the first time and only then.
func TestRevealRules(t *testing.T) {
	w := newWorld(t)
	w.run(0, 1, nil)
	r, dep := sealedRodong(t, w)
	refused(t, w.send("", "il-selector", statement.TypeReveal, "early", reveals(r)), state.ErrConflict, "stays sealed")
	w.view(func(kv state.KV) error {
		d, err := state.LoadDeclaration(kv, "d-1")
		if err != nil {
			return err
		}
		v, err := state.ViewDeclaration(kv, d)
		if err == nil && (v.Selected != nil || !v.Committed) {
			t.Errorf("before the reveal the declaration shows selected %v, committed %v", v.Selected, v.Committed)
		}
		return err
	})
	refused(t, w.send("", "il-selector", statement.TypeCommit, "again", statement.CommitBody{Commitments: []statement.Commitment{{Declaration: "d-1", Commitment: strings.Repeat("ab", 32)}}}),
		state.ErrConflict, "already has a selection commitment")

	report := statement.ReportBody{Declaration: "d-1", Site: "kpnam", Outcome: statement.Cleared,
		SealsFound: []statement.SealCheck{{Seal: "KP-NAM-0931", State: statement.SealIntact}}, Start: w.now, End: w.now.Add(time.Hour)}
	refused(t, w.send("", "il-insp-nam-1", statement.TypeReport, "r-0", report), state.ErrInvalid, "is sealed: the report reveals it")
	lie := r
	lie.Salt = strings.Repeat("00", 32)
	report.Reveal = &lie
	refused(t, w.send("", "il-insp-nam-1", statement.TypeReport, "r-1", report), state.ErrInvalid, "does not open the commitment")
	flipped := r
	flipped.Selected = false
	report.Reveal = &flipped
	refused(t, w.send("", "il-insp-nam-1", statement.TypeReport, "r-2", report), state.ErrConflict, "was not selected")
	report.Reveal = &r
	w.ok("il-insp-nam-1", statement.TypeReport, "r-3", report)
	if sel := selection(w, "d-1"); !sel.Selected() || sel.Reveal.ID != "r-3" {
		t.Errorf("the report did not reveal the selection: %+v", sel)
	}
	refused(t, w.send(dep.Add(time.Hour).Format("2006-01-02T15:04"), "il-selector", statement.TypeReveal, "late", reveals(r)), state.ErrConflict, "revealed already")
}

// TestUnrevealed: a commitment never revealed is the inspectorate's
// failure at its deadline, departure plus reveal_within; the late reveal
// is still checked, and adds no second failure.
func TestUnrevealed(t *testing.T) {
	w := newWorld(t)
	w.run(0, 1, nil)
	r, dep := sealedRodong(t, w)
	if sel := selection(w, "d-1"); !sel.RevealBy.Equal(dep.Add(24 * time.Hour)) {
		t.Fatalf("reveal by %s; want departure + 24h", sel.RevealBy)
	}
	w.tick(dep.Add(25 * time.Hour).Format("2006-01-02T15:04"))
	if sel := selection(w, "d-1"); !sel.Unrevealed {
		t.Fatalf("past its deadline the selection is not unrevealed: %+v", sel)
	}
	w.ok("il-selector", statement.TypeReveal, "reveal-late", reveals(r))
	w.tick("1993-09-07")
	var failures int
	for _, reason := range w.verdict(1, "il-inspectorate").Reasons {
		if reason.Ref == "d-1" {
			failures++
			if reason.Kind != compliance.Unrevealed {
				t.Errorf("the inspectorate faulted for %+v; want unrevealed", reason)
			}
		}
	}
	if failures != 1 {
		t.Errorf("the inspectorate has %d failures for d-1; want the one unrevealed", failures)
	}
	for _, reason := range w.verdict(1, "dprk").Reasons {
		if reason.Ref == "d-1" {
			t.Errorf("dprk faulted for %+v; the inspectorate failed", reason)
		}
	}
}

// TestMissedWhenRevealed: a selected consignment that leaves uninspected
// is the inspectorate's failure, established when the reveal shows it was
// selected.
func TestMissedWhenRevealed(t *testing.T) {
	w := newWorld(t)
	w.run(0, 1, nil)
	r, dep := sealedRodong(t, w)
	w.now = dep.Add(time.Hour)
	refused(t, w.send("", "il-insp-nam-1", statement.TypeReport, "r-late", statement.ReportBody{Declaration: "d-1", Site: "kpnam",
		Outcome: statement.Cleared, Reveal: &r, Start: w.now, End: w.now}), state.ErrConflict, "a report after departure is late")
	w.ok("il-selector", statement.TypeReveal, "reveal-d-1", reveals(r))
	var in state.Inspection
	w.view(func(kv state.KV) error {
		var err error
		in, _, err = state.LoadInspection(kv, "d-1")
		return err
	})
	if in.Outcome != statement.NotPerformed || in.Fault != state.FaultInspectorate {
		t.Errorf("inspection %+v; want not performed, the inspectorate's fault", in)
	}
}

// TestAmendedDepartureMovesReveal: an undertaker that moves a departure
// after the commitment cannot make the decision due before the cargo
// leaves.
func TestAmendedDepartureMovesReveal(t *testing.T) {
	w := newWorld(t)
	w.run(0, 1, nil)
	r, dep := sealedRodong(t, w)
	later := examples.Rodong(dep.Add(48 * time.Hour))
	w.ok("kp-export-authority", statement.TypeAmend, "a-1", statement.AmendBody{Declaration: "d-1", New: later, Reason: "berth delayed"})
	if sel := selection(w, "d-1"); !sel.RevealBy.Equal(later.Departure.Add(24*time.Hour)) || !sel.Departure.Equal(later.Departure) {
		t.Fatalf("after the amendment: departure %s, reveal by %s", sel.Departure, sel.RevealBy)
	}
	w.tick(dep.Add(30 * time.Hour).Format("2006-01-02T15:04"))
	if sel := selection(w, "d-1"); sel.Unrevealed {
		t.Fatal("the old deadline still fell due")
	}
	// The decision still opens the commitment: it binds the declaration
	// as first logged.
	report := statement.ReportBody{Declaration: "d-1", Site: "kpnam", Outcome: statement.Cleared, Reveal: &r,
		SealsFound: []statement.SealCheck{{Seal: "KP-NAM-0931", State: statement.SealIntact}}, Start: w.now, End: w.now.Add(time.Hour)}
	w.ok("il-insp-nam-1", statement.TypeReport, "r-1", report)
}

// TestSeals: a declared seal missing or broken, or one not declared, is a
// finding against the undertaker: a discrepancy, or a violation where the
// declaration obligation says so.
func TestSeals(t *testing.T) {
	for _, c := range []struct {
		name      string
		violation bool
		found     []statement.SealCheck
		want      compliance.Kind
	}{
		{"intact", false, []statement.SealCheck{{Seal: "KP-NAM-0931", State: statement.SealIntact}}, ""},
		{"broken", false, []statement.SealCheck{{Seal: "KP-NAM-0931", State: statement.SealBroken}}, compliance.SealDiscrepancy},
		{"missing", false, nil, compliance.SealDiscrepancy},
		{"replaced", false, []statement.SealCheck{{Seal: "KP-NAM-0932", State: statement.SealIntact}}, compliance.SealDiscrepancy},
		{"broken, a violation", true, []statement.SealCheck{{Seal: "KP-NAM-0931", State: statement.SealBroken}}, compliance.SealViolation},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			if c.violation {
				w = newEdited(t, func(doc string) string {
					return strings.Replace(doc, "withdrawal_is_violation: true", "withdrawal_is_violation: true\n    broken_seal_is_violation: true", 1)
				})
			}
			r, _ := sealedRodong(t, w)
			w.ok("il-insp-nam-1", statement.TypeReport, "r-1", statement.ReportBody{Declaration: "d-1", Site: "kpnam", Outcome: statement.Cleared,
				Reveal: &r, SealsFound: c.found, Seals: []string{"IL-0001"}, Start: w.now, End: w.now.Add(time.Hour)})
			var got []compliance.Kind
			w.view(func(kv state.KV) error {
				es, err := state.Events(kv, w.now.Add(-time.Hour), w.now.Add(time.Hour))
				for _, e := range es {
					if e.Ref == "d-1" && e.Kind.Class() != "" {
						got = append(got, e.Kind)
					}
				}
				return err
			})
			if c.want == "" && len(got) != 0 || c.want != "" && (len(got) != 1 || got[0] != c.want) {
				t.Errorf("events %v; want %q", got, c.want)
			}
		})
	}
}

// TestPrepare: the checks made before sequencing pass a true decision and
// not a forged one, which the apply then refuses itself.
func TestPrepare(t *testing.T) {
	w := newWorld(t)
	w.run(0, 1, nil)
	r, dep := sealedRodong(t, w)
	forged := r
	forged.U = 0.000001
	k, err := keys.Derive("demo", "il-selector")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		d    statement.Decision
		want int
	}{{r, 1}, {forged, 0}} {
		body, _ := json.Marshal(reveals(c.d))
		env, err := statement.Sign(k, statement.Payload{Type: statement.TypeReveal, Agreement: w.id, ID: "x", Author: "il-selector", Time: w.now, Body: body})
		if err != nil {
			t.Fatal(err)
		}
		st, err := statement.Parse(env)
		if err != nil {
			t.Fatal(err)
		}
		w.view(func(kv state.KV) error {
			if got := len(w.log.Projector().Prepare(kv, st)); got != c.want {
				t.Errorf("u %v: %d checks passed; want %d", c.d.U, got, c.want)
			}
			return nil
		})
	}
	w.now = dep.Add(time.Hour)
	refused(t, w.send("", "il-selector", statement.TypeReveal, "forged", reveals(forged)), state.ErrInvalid, "does not open the commitment")
}

// TestAmendedBeforeCommitment: an undertaker that amends a declaration
// between the selector's decision and its commitment, changing its p,
// cannot make the decision unrevealable: the commitment names the p it
// was made with and is refused, and the selector decides again.
func TestAmendedBeforeCommitment(t *testing.T) {
	w := newWorld(t)
	w.run(0, 1, nil)
	w.now = at("1993-08-25T08:00")
	dep := w.now.Add(72 * time.Hour)
	w.ok("kp-export-authority", statement.TypeDeclare, "d-1", examples.Garments(dep))
	var p state.Pending
	w.view(func(kv state.KV) error {
		var err error
		p, _, err = state.LoadPending(kv, "d-1")
		return err
	})
	leaf, _ := hex.DecodeString(p.LeafHash)
	vrf, _ := inspection.KeyFromSeed(inspection.DeriveSeed("demo", "il-selector"))
	_, stale, err := state.Decide(vrf, nil, w.id, "d-1", [32]byte(leaf), p.P)
	if err != nil {
		t.Fatal(err)
	}
	w.ok("kp-export-authority", statement.TypeAmend, "a-1", statement.AmendBody{Declaration: "d-1", New: examples.Rodong(dep), Reason: "other cargo"})
	refused(t, w.send("", "il-selector", statement.TypeCommit, "stale", statement.CommitBody{Commitments: []statement.Commitment{stale}}),
		state.ErrConflict, "decide it again")
	if r := w.commit("d-1"); r.P == p.P {
		t.Errorf("the new decision used the old p %v", p.P)
	}
}
