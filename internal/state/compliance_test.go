package state_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/surety/surety/examples"

	"github.com/surety/surety/internal/compliance"
	"github.com/surety/surety/internal/inspection"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/ledger"
	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/statement"
	"github.com/surety/surety/internal/store/sqlite"
)

// world is the 1993 agreement's log in memory, on a clock the test sets.
type world struct {
	t   *testing.T
	id  string
	log *ledger.Log
	now time.Time
	// sealed are the selector's decisions committed to and not yet
	// revealed, by departure; send reveals those whose consignment left.
	sealed []sealed
}

type sealed struct {
	departure time.Time
	reveal    statement.Decision
}

func newWorld(t *testing.T) *world { return newLog(t, "israel-dprk-1993", "il-kp-1993", "1993-07-01") }

// newEdited is newWorld with the 1993 agreement edited.
func newEdited(t *testing.T, edit func(string) string) *world {
	return newLogEdited(t, "israel-dprk-1993", "il-kp-1993", "1993-07-01", edit)
}

// newLog adopts an example agreement at a time.
func newLog(t *testing.T, example, id, start string) *world {
	return newLogEdited(t, example, id, start, func(doc string) string { return doc })
}

func newLogEdited(t *testing.T, example, id, start string, edit func(string) string) *world {
	t.Helper()
	raw, err := os.ReadFile("../../examples/" + example + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc := edit(string(raw))
	st, err := sqlite.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	w := &world{t: t, id: id, now: at(start)}
	w.log, err = ledger.Open(context.Background(), ledger.Options{Store: st, Log: id, Now: func() time.Time { return w.now },
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.log.Close)
	w.ok("operator", statement.TypeAdopt, "adopt", statement.AdoptBody{Document: doc})
	return w
}

// at parses "2006-01-02" or "2006-01-02T15:04" as UTC.
func at(s string) time.Time {
	for _, layout := range []string{time.DateOnly, "2006-01-02T15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	panic("bad time " + s)
}

func (w *world) send(when, as, typ, id string, body any) error {
	w.t.Helper()
	if when != "" {
		w.now = at(when)
	}
	w.revealLeft()
	return w.append(as, typ, id, body)
}

// revealLeft has the selector reveal the decisions on consignments that
// have left, as it does at each departure.
func (w *world) revealLeft() {
	w.t.Helper()
	now := w.now
	keep := w.sealed[:0]
	for _, s := range w.sealed {
		if now.Before(s.departure) {
			keep = append(keep, s)
			continue
		}
		w.now = s.departure
		if err := w.append("il-selector", statement.TypeReveal, "reveal-"+s.reveal.Declaration, reveals(s.reveal)); err != nil {
			w.t.Fatalf("reveal %s: %v", s.reveal.Declaration, err)
		}
	}
	w.sealed, w.now = keep, now
}

// reveals is the body of selection.reveal revealing ds.
func reveals(ds ...statement.Decision) statement.RevealBody {
	return statement.RevealBody{Decisions: ds}
}

// commit has the selector decide a declaration and commit to its
// decision; it returns the decision, which stays sealed.
func (w *world) commit(id string) statement.Decision {
	w.t.Helper()
	d := load(w, state.LoadDeclaration, id)
	leaf, _ := hex.DecodeString(d.LeafHash)
	vrf, err := inspection.KeyFromSeed(inspection.DeriveSeed("demo", "il-selector"))
	if err != nil {
		w.t.Fatal(err)
	}
	r, c, err := state.Decide(vrf, nil, w.id, id, [32]byte(leaf), d.P)
	if err != nil {
		w.t.Fatal(err)
	}
	w.ok("il-selector", statement.TypeCommit, "sel-"+id, statement.CommitBody{Commitments: []statement.Commitment{c}})
	return r
}

func (w *world) append(as, typ, id string, body any) error {
	w.t.Helper()
	name := as
	if as == "operator" {
		name = "surety.local/" + w.id
	}
	k, err := keys.Derive("demo", name)
	if err != nil {
		w.t.Fatal(err)
	}
	b, err := json.Marshal(body)
	if err != nil {
		w.t.Fatal(err)
	}
	env, err := statement.Sign(k, statement.Payload{Type: typ, Agreement: w.id, ID: id, Author: as, Time: w.now, Body: b})
	if err != nil {
		w.t.Fatal(err)
	}
	_, err = w.log.Append(context.Background(), env)
	return err
}

func (w *world) ok(as, typ, id string, body any) {
	w.t.Helper()
	if err := w.send("", as, typ, id, body); err != nil {
		w.t.Fatalf("%s %s: %v", typ, id, err)
	}
}

// tick appends a clock.tick at a time.
func (w *world) tick(when string) {
	w.t.Helper()
	w.now = at(when)
	w.ok("operator", statement.TypeClockTick, "tick-"+when, statement.ClockTickBody{})
}

func (w *world) view(fn func(kv state.KV) error) {
	w.t.Helper()
	if err := w.log.View(context.Background(), fn); err != nil {
		w.t.Fatal(err)
	}
}

// load reads the state's record id with get, in a view of the log; an
// error fails the test.
func load[T any](w *world, get func(state.KV, string) (T, error), id string) T {
	w.t.Helper()
	var v T
	w.view(func(kv state.KV) error {
		var err error
		v, err = get(kv, id)
		return err
	})
	return v
}

func (w *world) tranche(id string) *state.Tranche { return load(w, state.LoadTranche, id) }

func (w *world) verdict(period int, party string) state.Verdict {
	w.t.Helper()
	var p state.Period
	w.view(func(kv state.KV) error {
		var found bool
		var err error
		p, found, err = state.LoadPeriod(kv, period)
		if err == nil && !found {
			w.t.Fatalf("period %d is not closed", period)
		}
		return err
	})
	for _, v := range p.Verdicts {
		if v.Party == party {
			return v
		}
	}
	w.t.Fatalf("period %d has no verdict for %s", period, party)
	return state.Verdict{}
}

// declare declares an ordinary consignment from Sunan and commits to its
// selection, so that a period has traffic: a selected one is inspected at
// once, an unselected one revealed after it leaves.
func (w *world) declare(when, id string) {
	w.t.Helper()
	w.now = at(when)
	g := examples.Garments(w.now.Add(72 * time.Hour))
	w.ok("kp-export-authority", statement.TypeDeclare, id, g)
	r := w.commit(id)
	if !r.Selected {
		w.sealed = append(w.sealed, sealed{departure: g.Departure, reveal: r})
		return
	}
	w.ok("il-insp-fnj-1", statement.TypeReport, "rep-"+id, statement.ReportBody{Declaration: id, Site: "fnj", Outcome: statement.Cleared,
		Reveal: &r, SealsFound: []statement.SealCheck{{Seal: g.Seals[0], State: statement.SealIntact}}, Start: w.now, End: w.now.Add(time.Hour)})
}

// traffic returns three days in each month from the first (0 is August
// 1993) until the last, for consignments enough to meet the detection goal.
func traffic(first, last int) []string {
	var days []string
	for m := first; m < last; m++ {
		for _, d := range []int{3, 12, 21} {
			days = append(days, time.Date(1993, time.August+time.Month(m), d, 8, 0, 0, 0, time.UTC).Format("2006-01-02T15:04"))
		}
	}
	return days
}

// denyAccess has the DPRK grant a challenge at Nampo and then keep the
// inspectors out.
func (w *world) denyAccess(when, id string) {
	w.t.Helper()
	w.now = at(when)
	w.ok("il-inspection-office", statement.TypeChallenge, id, statement.ChallengeBody{Site: "kpnam", Description: "berth 3"})
	w.ok("kp-export-authority", statement.TypeResponse, id+"-answer", statement.ResponseBody{Challenge: id, Granted: true, At: w.now.Add(time.Hour)})
	w.ok("il-insp-nam-1", statement.TypeReport, id+"-report", statement.ReportBody{Challenge: id, Site: "kpnam", Outcome: statement.AccessDenied,
		Reason: "kept at the gate", Start: w.now.Add(time.Hour), End: w.now.Add(2 * time.Hour)})
}

// inspectNampo has the DPRK grant a challenge at Nampo that repeats an
// earlier one; the inspectors' report, if report is set, shows they were
// let in.
func (w *world) inspectNampo(when, id, repeats string, report bool) {
	w.t.Helper()
	w.now = at(when)
	w.ok("il-inspection-office", statement.TypeChallenge, id, statement.ChallengeBody{Site: "kpnam", Repeats: repeats, Description: "berth 3 again"})
	w.ok("kp-export-authority", statement.TypeResponse, id+"-answer", statement.ResponseBody{Challenge: id, Granted: true, At: w.now.Add(time.Hour)})
	if report {
		w.ok("il-insp-nam-2", statement.TypeReport, id+"-report", statement.ReportBody{Challenge: id, Site: "kpnam", Outcome: statement.Cleared,
			Start: w.now.Add(time.Hour), End: w.now.Add(2 * time.Hour)})
	}
}

// payT1 has Israel pay the first tranche on time, so that no overdue
// tranche lets the DPRK suspend its inspectors' access.
func (w *world) payT1() {
	w.t.Helper()
	w.now = at("1993-08-02T09:00")
	w.ok("il-treasury", statement.TypePayment, "pay-t1", statement.PaymentBody{Tranche: "t1", Amount: 200000000, Currency: "USD"})
}

// run declares the traffic of months first to last (0 is August 1993) and
// does each step at its time, in time order.
func (w *world) run(first, last int, steps map[string]func()) {
	w.t.Helper()
	days := traffic(first, last)
	for d := range steps {
		days = append(days, d)
	}
	slices.Sort(days)
	for i, d := range days {
		if fn, ok := steps[d]; ok {
			fn()
			continue
		}
		w.declare(d, "d-"+strings.ReplaceAll(d, ":", "")+"-"+string(rune('a'+i%26)))
	}
}

func status(w *world, ids ...string) string {
	var s []string
	for _, id := range ids {
		s = append(s, id+"="+string(w.tranche(id).Status))
	}
	return strings.Join(s, " ")
}

// TestGrantIsNotAccess: granting a challenge promises access; only an
// inspection performed shows it was given and cures an earlier denial.
// (The DPRK granted the first challenge and then kept the inspectors out.)
func TestGrantIsNotAccess(t *testing.T) {
	w := newWorld(t)
	w.run(0, 2, map[string]func(){
		"1993-08-02T09:00": w.payT1,
		"1993-09-20T10:00": func() { w.denyAccess("1993-09-20T10:00", "ch-1") },
	})
	w.tick("1993-10-07")
	w.inspectNampo("1993-10-08T10:00", "ch-2", "ch-1", false)
	if got := status(w, "t2", "t3"); got != "t2=withheld t3=withheld" {
		t.Fatalf("after a grant without an inspection: %s; want the tranches still withheld", got)
	}
	w.ok("il-insp-nam-2", statement.TypeReport, "ch-2-report", statement.ReportBody{Challenge: "ch-2", Site: "kpnam", Outcome: statement.Cleared,
		Start: w.now, End: w.now.Add(time.Hour)})
	if tr := w.tranche("t3"); tr.Status != compliance.TrancheScheduled || !strings.Contains(tr.Cause, "cured by ch-2-report") {
		t.Errorf("after the inspection: t3 %s (%s); want scheduled, cured by the report", tr.Status, tr.Cause)
	}
}

// TestOverdueTranche: a tranche still unpaid after its deadline keeps the
// benefactor non-compliant in every period it is overdue in, not only in
// the period of the deadline: t1's deadline passed in period 1 and it was
// paid in period 3.
func TestOverdueTranche(t *testing.T) {
	w := newWorld(t)
	w.run(0, 3, map[string]func(){
		"1993-10-10T09:00": func() {
			w.now = at("1993-10-10T09:00")
			w.ok("il-treasury", statement.TypePayment, "pay-t1", statement.PaymentBody{Tranche: "t1", Amount: 200000000, Currency: "USD"})
		},
	})
	w.tick("1993-11-07")
	for p := 1; p <= 3; p++ {
		v := w.verdict(p, "israel")
		if v.Verdict != compliance.NonCompliant || len(v.Reasons) == 0 || v.Reasons[0].Kind != compliance.MissedPayment || v.Reasons[0].Ref != "t1" {
			t.Errorf("period %d: israel %s %+v; want non_compliant for the unpaid t1", p, v.Verdict, v.Reasons)
		}
	}
	// Paid in period 3, and late: that is a breach of its own, which the
	// agreement charges interest on, and it cures the missed payment.
	v := w.verdict(3, "israel")
	if len(v.Reasons) != 2 || v.Reasons[1].Kind != compliance.LatePayment || len(v.Notes) != 1 || v.Notes[0].Kind != compliance.Cured {
		t.Errorf("period 3: israel %+v, notes %+v; want the late payment, and the missed one cured", v.Reasons, v.Notes)
	}
	if tr := w.tranche("t1"); tr.Interest <= 0 {
		t.Errorf("t1 paid late: interest %d; want some owed", tr.Interest)
	}
	w.tick("1993-12-07")
	for _, r := range w.verdict(4, "israel").Reasons {
		if r.Ref == "t1" {
			t.Errorf("period 4, after the late payment: %+v", r)
		}
	}
}

// TestWithholdHoldsWithheldTranche: a denial puts every pending tranche on
// hold at once, including one already withheld because its conditions
// failed; when the close confirms the withholding and the cure period has
// run out uncured, it is forfeited with the others rather than released
// once its conditions hold again.
func TestWithholdHoldsWithheldTranche(t *testing.T) {
	w := newWorld(t)
	late := func(when, id string) func() {
		return func() {
			w.now = at(when)
			w.ok("kp-export-authority", statement.TypeDeclare, id, examples.Garments(w.now.Add(6*time.Hour)))
		}
	}
	w.run(0, 4, map[string]func(){
		"1993-08-02T09:00": w.payT1,
		"1993-08-05T08:00": late("1993-08-05T08:00", "late-1"),
		"1993-08-06T08:00": late("1993-08-06T08:00", "late-2"),
		"1993-08-07T08:00": late("1993-08-07T08:00", "late-3"),
		"1993-11-02T10:00": func() { w.denyAccess("1993-11-02T10:00", "ch-1") },
	})
	if v := w.verdict(1, "dprk"); v.Verdict != compliance.NonCompliant {
		t.Fatalf("period 1 with three late declarations: dprk %s", v.Verdict)
	}
	tr := w.tranche("t2")
	if tr.Status != compliance.TrancheHeld || len(tr.Holds) != 1 || tr.Breach != "" {
		t.Fatalf("t2 after the denial: %s (%s); want held by the denial", tr.Status, tr.Cause)
	}
	w.tick("1993-12-07") // period 4 closes; the 30 days to cure ended on 2 December
	if got := status(w, "t2", "t3"); got != "t2=forfeited t3=forfeited" {
		t.Errorf("after the uncured breach: %s; want both forfeited", got)
	}
}

// TestTwoBreaches: a tranche two breaches withhold is released only when
// both are cured, and forfeited when either ends uncured. Access is denied
// at Nampo (30 days to cure) and a challenge at Sunan refused (14 days);
// the refusal is never cured, so curing Nampo does not release the
// tranches.
func TestTwoBreaches(t *testing.T) {
	w := newWorld(t)
	w.run(0, 1, map[string]func(){"1993-08-02T09:00": w.payT1})
	w.denyAccess("1993-09-10T10:00", "ch-1")
	w.now = at("1993-09-12T10:00")
	w.ok("il-inspection-office", statement.TypeChallenge, "ch-2", statement.ChallengeBody{Site: "fnj", Description: "cargo hangar 2"})
	w.ok("kp-export-authority", statement.TypeResponse, "ch-2-answer", statement.ResponseBody{Challenge: "ch-2", Reason: "not now"})
	w.tick("1993-10-07")
	w.inspectNampo("1993-10-08T10:00", "ch-3", "ch-1", true)
	if got := status(w, "t2", "t6"); got != "t2=forfeited t6=forfeited" {
		t.Errorf("the refusal at Sunan was never cured: %s; want the tranches forfeited", got)
	}
}

// TestSnapbackRestoresOnce: snapback restores the relief once and says so
// once, though both the dispute process and a consequence name it.
func TestSnapbackRestoresOnce(t *testing.T) {
	w := newLog(t, "jcpoa-2015", "jcpoa-2015", "2015-10-18")
	w.now = at("2016-01-16T12:00")
	w.ok("iaea-dg", statement.TypeVerified, "report-1", statement.VerifiedBody{Steps: []string{
		"enrichment-capacity", "enriched-stockpile", "fordow-conversion", "arak-core-removed", "additional-protocol"}})
	w.now = at("2016-02-01")
	w.ok("e3eu3-coordinator", statement.TypeDisputeRaise, "dispute-1", statement.RaiseBody{Against: "iran", Description: "heavy water above 130 t"})
	w.tick("2016-03-08") // the 35 days before the Council have run out
	w.ok("e3eu3-coordinator", statement.TypeNotify, "notice-1", statement.NotifyBody{Dispute: "dispute-1"})
	w.tick("2016-04-08") // the Council's 30 days pass with no resolution
	var restored []string
	w.view(func(kv state.KV) error {
		es, err := state.Events(kv, at("2016-01-01"), at("2017-01-01"))
		for _, e := range es {
			if e.Kind == compliance.ReliefChange && strings.Contains(e.Text, "restored") {
				restored = append(restored, e.Text)
			}
		}
		return err
	})
	if len(restored) != 1 {
		t.Errorf("relief restored %d times: %q", len(restored), restored)
	}
}

// TestDeliveryStarts: an in-kind delivery is pending until its schedule
// starts, then active.
func TestDeliveryStarts(t *testing.T) {
	w := newLog(t, "agreed-framework-1994", "kp-us-1994", "1994-10-21")
	status := func(id string) compliance.DeliveryStatus { return load(w, state.LoadDelivery, id).Status }
	w.tick("1994-12-01")
	if s := status("hfo-first-year"); s != compliance.DeliveryPending {
		t.Errorf("before the first fuel oil is due (1995-01-21): %s", s)
	}
	w.tick("1995-01-22")
	if s, full := status("hfo-first-year"), status("hfo"); s != compliance.DeliveryActive || full != compliance.DeliveryPending {
		t.Errorf("after 1995-01-21: the first year's deliveries %s, the full rate %s; want active and pending", s, full)
	}
	w.tick("1995-10-22")
	if s := status("hfo"); s != compliance.DeliveryActive {
		t.Errorf("after 1995-10-21, the full rate: %s", s)
	}
}

// TestWithdrawnAfterCommitment: a consignment withdrawn after its
// selection was committed to stays sealed; its reveal decides. Selected,
// the withdrawal is the violation, and no inspection is missed.
func TestWithdrawnAfterCommitment(t *testing.T) {
	w := newWorld(t)
	w.run(0, 1, nil)
	w.now = at("1993-08-25T08:00")
	w.ok("kp-export-authority", statement.TypeDeclare, "d-1", examples.Rodong(w.now.Add(72*time.Hour)))
	r := w.commit("d-1")
	if !r.Selected {
		t.Fatalf("the Rodong shipment was not selected: p %v", r.P)
	}
	w.ok("kp-export-authority", statement.TypeWithdraw, "w-1", statement.WithdrawBody{Declaration: "d-1", Reason: "cancelled"})
	w.view(func(kv state.KV) error {
		d, err := state.LoadDeclaration(kv, "d-1")
		if err != nil {
			return err
		}
		v, err := state.ViewDeclaration(kv, d)
		if err == nil && (v.Selected != nil || !slices.Contains(d.Flags, state.FlagWithdrawnAfterCommitment)) {
			t.Errorf("withdrawn before the reveal: selected %v, flags %v; want sealed and flagged", v.Selected, d.Flags)
		}
		return err
	})
	w.ok("il-selector", statement.TypeReveal, "reveal-d-1", reveals(r))
	w.tick("1993-09-07")
	v := w.verdict(1, "dprk")
	if v.Verdict != compliance.NonCompliant || len(v.Reasons) != 1 || v.Reasons[0].Kind != compliance.Withdrawn {
		t.Errorf("period 1: dprk %s %+v; want non_compliant for the withdrawal alone", v.Verdict, v.Reasons)
	}
	for _, r := range w.verdict(1, "il-inspectorate").Reasons {
		if r.Ref == "d-1" {
			t.Errorf("period 1: israel faulted for %+v; nothing was left to inspect", r)
		}
	}
}
