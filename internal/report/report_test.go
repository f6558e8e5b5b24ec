package report_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/surety/surety/examples"

	"github.com/surety/surety/internal/api"
	"github.com/surety/surety/internal/app"
	"github.com/surety/surety/internal/client"
	"github.com/surety/surety/internal/compliance"
	"github.com/surety/surety/internal/inspection"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/ledger"
	"github.com/surety/surety/internal/report"
	"github.com/surety/surety/internal/statement"
)

var update = flag.Bool("update", false, "rewrite the golden reports")

const agr = "il-kp-1993"

// site is a live server of the 1993 agreement on a log clock the test sets.
type site struct {
	t   *testing.T
	r   *app.Running
	c   *client.Client
	mu  sync.Mutex
	now time.Time
}

func (s *site) clock() time.Time { s.mu.Lock(); defer s.mu.Unlock(); return s.now }

func (s *site) set(t time.Time) { s.mu.Lock(); s.now = t; s.mu.Unlock() }

func start(t *testing.T) *site {
	s := &site{t: t, now: time.Date(1993, 8, 2, 8, 0, 0, 0, time.UTC)}
	k, _ := keys.Derive("demo", "surety.local/"+agr)
	r, err := app.Serve(context.Background(), app.ServeConfig{Agreement: "../../examples/israel-dprk-1993.yaml",
		DB: "sqlite:" + filepath.Join(t.TempDir(), "s.db"), Addr: "127.0.0.1:0", LogKey: k, Interval: time.Hour,
		Now: s.clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	s.r, s.c = r, client.New(r.URL)
	return s
}

// send signs a statement as a principal of the demo seed and submits it.
func (s *site) send(typ, id, from string, body any) client.Appended {
	s.t.Helper()
	name := from
	if from == "operator" {
		name = "surety.local/" + agr
	}
	k, err := keys.Derive("demo", name)
	if err != nil {
		s.t.Fatal(err)
	}
	b, err := json.Marshal(body)
	if err != nil {
		s.t.Fatal(err)
	}
	env, err := statement.Sign(k, statement.Payload{Type: typ, Agreement: agr, ID: id, Author: from, Time: s.clock(), Body: b})
	if err != nil {
		s.t.Fatal(err)
	}
	a, err := s.c.Submit(context.Background(), env)
	if err != nil {
		s.t.Fatalf("%s %s: %v", typ, id, err)
	}
	return a
}

// queue reads a site's sealed queue, signed as an inspector.
func (s *site) queue(inspector, site string) []api.QueueItem {
	s.t.Helper()
	k, err := keys.Derive("demo", inspector)
	if err != nil {
		s.t.Fatal(err)
	}
	c := s.c.Signing(inspector, k.Key)
	var q []api.QueueItem
	if err := c.Get(context.Background(), "/v1/sites/"+site+"/queue", &q); err != nil {
		s.t.Fatal(err)
	}
	return q
}

func (s *site) logKey() string { return s.r.Spec.Parties[4].Principals[0].Key }

// closedPeriod runs period 1 of the 1993 agreement (1993-07-31 to
// 08-31, grace 7 days): the first tranche is paid and acknowledged; a
// Rodong shipment declared as mining equipment is selected and found
// prohibited; of the garments selected at Sunan one is cleared and the
// rest miss their deadline; a challenge at Nampo goes unanswered. A tick
// on 1993-09-08 closes the period, and a checkpoint is published.
func closedPeriod(t *testing.T) *site {
	s := start(t)
	ctx := context.Background()
	s.send(statement.TypePayment, "pay-t1", "il-treasury", statement.PaymentBody{Tranche: "t1", Amount: 200000000, Currency: "USD", Reference: "BoI-1993-001"})
	s.send(statement.TypeReceipt, "ack-t1", "kp-export-authority", statement.ReceiptBody{Tranche: "t1"})
	dep := s.clock().Add(72 * time.Hour)
	s.send(statement.TypeDeclare, "d-komid", "kp-export-authority", examples.Rodong(dep))
	for i := range 4 {
		s.send(statement.TypeDeclare, fmt.Sprint("d-g", i), "kp-export-authority", examples.Garments(dep))
	}
	k, _ := keys.Derive("demo", "il-selector")
	vrf, err := inspection.KeyFromSeed(inspection.DeriveSeed("demo", "il-selector"))
	if err != nil {
		t.Fatal(err)
	}
	sel := app.NewSelector(s.r.URL, agr, k, "", vrf, s.clock)
	sel.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	sel.Rand = rand.NewChaCha8([32]byte{}) // the same salts each run, for the golden report
	if _, _, _, err := sel.Run(ctx); err != nil {
		t.Fatal(err)
	}
	s.set(s.clock().Add(24 * time.Hour))
	nam := s.queue("il-insp-nam-1", "kpnam")
	if len(nam) != 1 || nam[0].Declaration != "d-komid" {
		t.Fatalf("kpnam queue %+v; want the Rodong shipment", nam)
	}
	s.send(statement.TypeReport, "r-komid", "il-insp-nam-1", statement.ReportBody{Declaration: "d-komid", Site: "kpnam", Outcome: statement.Prohibited,
		Findings:   []statement.Finding{{Item: 0, Finding: "Rodong missile engine sections, not mining equipment", Category: "mtcr-cat1"}},
		Reveal:     nam[0].Reveal,
		SealsFound: []statement.SealCheck{{Seal: "KP-NAM-0931", State: statement.SealIntact}},
		Seals:      []string{"IL-1993-0001"}, Start: s.clock(), End: s.clock().Add(3 * time.Hour)})
	fnj := s.queue("il-insp-fnj-1", "fnj")
	if len(fnj) < 2 {
		t.Fatalf("%d garments selected at fnj; the test needs one to clear and one to miss", len(fnj))
	}
	s.send(statement.TypeReport, "r-"+fnj[0].Declaration, "il-insp-fnj-1", statement.ReportBody{Declaration: fnj[0].Declaration, Site: "fnj",
		Outcome: statement.Cleared, Reveal: fnj[0].Reveal, SealsFound: []statement.SealCheck{{Seal: "KP-FNJ-4410", State: statement.SealIntact}},
		Start: s.clock(), End: s.clock().Add(time.Hour)})
	s.send(statement.TypeChallenge, "c-1", "il-inspection-office", statement.ChallengeBody{Site: "kpnam", Description: "reports of a second shipment at berth 3"})
	// The garments leave; the selector reveals its decisions on them.
	s.set(dep.Add(time.Hour))
	if _, _, n, err := sel.Run(ctx); err != nil || n != 3 {
		t.Fatalf("revealed %d after departure: %v", n, err)
	}

	s.set(time.Date(1993, 9, 8, 0, 0, 0, 0, time.UTC))
	s.send(statement.TypeClockTick, "tick-0908", "operator", statement.ClockTickBody{})
	if _, err := s.r.Publisher.Publish(ctx, true); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestReport(t *testing.T) {
	s := closedPeriod(t)
	ctx := context.Background()
	r, err := report.Build(ctx, s.c, agr, 1, s.logKey())
	if err != nil {
		t.Fatal(err)
	}

	verdicts := map[string]compliance.Judgement{}
	for _, v := range r.Verdicts {
		verdicts[v.Party] = v.Verdict
	}
	if verdicts["dprk"] != compliance.NonCompliant || verdicts["israel"] != compliance.Compliant {
		t.Errorf("verdicts %v; want dprk non_compliant, israel compliant", verdicts)
	}
	outcomes := map[statement.Outcome]int{}
	for _, in := range r.Inspections {
		outcomes[in.Outcome]++
	}
	if outcomes[statement.Prohibited] != 1 || outcomes[statement.Cleared] != 1 || outcomes[statement.NotPerformed] < 1 {
		t.Errorf("inspections %+v; want one prohibited, one cleared and the missed ones not performed", r.Inspections)
	}
	kinds := func(es []compliance.Event, breaches bool) string {
		var ks []string
		for _, e := range es {
			if !breaches || e.Kind.Class() != "" {
				ks = append(ks, string(e.Kind))
			}
		}
		return strings.Join(ks, " ")
	}
	// The DPRK's breaches, and the inspectorate's: the selections its
	// inspectors missed.
	if got := kinds(r.Facts, true); !strings.HasPrefix(got, "prohibited challenge_refused not_performed") {
		t.Errorf("breaches among the facts: %s", got)
	}
	if len(r.Actions) == 0 || !strings.Contains(r.Actions[0].Text, "suspended") {
		t.Errorf("actions at close: %+v; want the tranches suspended", r.Actions)
	}
	var paid, acked bool
	for _, c := range r.Changes {
		paid = paid || c.Statement == "pay-t1" && strings.Contains(c.Text, "paid")
		acked = acked || c.Statement == "ack-t1"
	}
	if !paid || !acked {
		t.Errorf("changes %+v; want t1 paid by pay-t1 and acknowledged by ack-t1", r.Changes)
	}
	if got := kinds(r.Milestones, false); got != "milestone" {
		t.Errorf("milestones: %s; want entry into force", got)
	}
	if r.Statements[0].Index != 0 || r.Statements[0].Type != statement.TypeAdopt {
		t.Errorf("first cited statement %+v; want the adoption", r.Statements[0])
	}

	files := map[string][]byte{}
	for _, f := range []string{report.JSON, report.Markdown, report.HTML} {
		b, err := r.Render(f)
		if err != nil {
			t.Fatal(err)
		}
		files[f] = b
		res, err := report.Verify(b, s.logKey())
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if res.Format != f || res.Period != 1 || res.Statements != len(r.Statements) || res.Citations < 8 {
			t.Errorf("%s: %+v", f, res)
		}
	}
	// The Markdown form holds the whole report, JSON included.
	{
		golden := filepath.Join("testdata", "period-1.md")
		b := files[report.Markdown]
		if *update {
			if err := os.WriteFile(golden, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if !bytes.Equal(b, want) {
			t.Errorf("the Markdown report differs from %s; run go test -update after checking the change", golden)
		}
	}
	md := string(files[report.Markdown])
	for _, want := range []string{"| dprk | undertaker | **non\\_compliant** |", "prohibited items found at kpnam (report r-komid)",
		"item 0 (mtcr-cat1): Rodong missile engine sections", "```json surety-report\n{"} {
		if !strings.Contains(md, want) {
			t.Errorf("the Markdown report lacks %q", want)
		}
	}
	if !strings.Contains(string(files[report.HTML]), `<td class="non_compliant">non_compliant</td>`) {
		t.Error("the HTML report lacks the dprk verdict")
	}
	other, _ := keys.Derive("demo", "surety.local/other")
	if _, err := report.Verify(files[report.JSON], other.VKey()); err == nil || !strings.Contains(err.Error(), "the checkpoint does not verify") {
		t.Errorf("verified with another log's key: %v", err)
	}
}

// TestTampered: each way of tampering with a report fails verification
// with a message naming the problem.
func TestTampered(t *testing.T) {
	s := closedPeriod(t)
	r, err := report.Build(context.Background(), s.c, agr, 1, s.logKey())
	if err != nil {
		t.Fatal(err)
	}
	// prohibited is the index in r.Statements of the prohibited finding's report.
	prohibited := -1
	for i, st := range r.Statements {
		if st.ID == "r-komid" {
			prohibited = i
		}
	}
	if prohibited < 0 {
		t.Fatal("the report does not cite r-komid")
	}
	tests := []struct {
		name   string
		tamper func(r *report.Report)
		want   string
	}{
		{"entry byte", func(r *report.Report) {
			r.Statements[prohibited].Entry[40] ^= 1
		}, "the entry was altered"},
		{"entry and its leaf hash", func(r *report.Report) {
			e := r.Statements[prohibited].Entry
			e[40] ^= 1
			r.Statements[prohibited].LeafHash = leafHex(e)
		}, "is not included in the checkpoint's tree"},
		{"proof byte", func(r *report.Report) {
			r.Statements[prohibited].Proof[0][3] ^= 1
		}, "is not included in the checkpoint's tree"},
		{"checkpoint root", func(r *report.Report) {
			lines := strings.Split(r.Checkpoint, "\n")
			root, _ := base64.StdEncoding.DecodeString(lines[2])
			root[0] ^= 1
			lines[2] = base64.StdEncoding.EncodeToString(root)
			r.Checkpoint = strings.Join(lines, "\n")
		}, "the checkpoint does not verify with the log key"},
		{"dropped statement", func(r *report.Report) {
			r.Statements = append(r.Statements[:prohibited], r.Statements[prohibited+1:]...)
		}, "which the report does not carry with a proof"},
		{"dropped adoption", func(r *report.Report) {
			r.Statements = r.Statements[1:]
		}, "does not carry entry 0"},
		{"reason pointing elsewhere", func(r *report.Report) {
			for i, v := range r.Verdicts {
				if v.Party == "dprk" {
					r.Verdicts[i].Reasons[0].Index = r.Statements[1].Index
				}
			}
		}, "the verdict on dprk, reason 1 (prohibited) cites statement r-komid at entry"},
		{"inspection outcome", func(r *report.Report) {
			for i, in := range r.Inspections {
				if in.Statement == "r-komid" {
					r.Inspections[i].Outcome = statement.Cleared
				}
			}
		}, "differs from the signed report"},
		{"statement summary", func(r *report.Report) {
			r.Statements[prohibited].Author = "il-insp-nam-2"
		}, "the report says inspection.report r-komid by il-insp-nam-2"},
		// A forger who would clear the DPRK, or blame Israel, must make the
		// verdict contradict the facts the report carries.
		{"the dprk made compliant", func(r *report.Report) {
			v := verdict(r, "dprk")
			v.Verdict = compliance.Compliant
		}, "the verdict on dprk says compliant with 2 reasons and 0 notes, but its facts make it non_compliant"},
		{"the dprk made compliant without its reasons", func(r *report.Report) {
			v := verdict(r, "dprk")
			v.Verdict, v.Reasons = compliance.Compliant, []compliance.Event{}
		}, "the verdict on dprk says compliant with 0 reasons and 0 notes, but its facts make it non_compliant"},
		{"the dprk cleared of its finding", func(r *report.Report) {
			v := verdict(r, "dprk")
			v.Verdict, v.Reasons = compliance.Compliant, []compliance.Event{}
			r.Facts = slices.DeleteFunc(r.Facts, func(e compliance.Event) bool { return e.Statement == "r-komid" })
		}, "inspection 1 (entry 9) found prohibited, but the report's facts leave it out"},
		{"israel blamed with no reason", func(r *report.Report) {
			verdict(r, "israel").Verdict = compliance.NonCompliant
		}, "the verdict on israel says non_compliant with 0 reasons and 0 notes, but its facts make it compliant"},
		{"a fact that its statement does not say", func(r *report.Report) {
			for i, e := range r.Facts {
				if e.Statement == "r-komid" {
					r.Facts[i].Kind = compliance.Discrepancy
				}
			}
		}, "fact 1 (discrepancy at entry 9): inspection.report establishes no discrepancy"},
		{"a consequence on a reason the verdict has not", func(r *report.Report) {
			r.Actions[0].Party = "israel"
		}, "action 1 (suspend by israel) is not what consequence 0 does"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := r.JSON()
			if err != nil {
				t.Fatal(err)
			}
			var c report.Report
			if err := json.Unmarshal(b, &c); err != nil {
				t.Fatal(err)
			}
			tt.tamper(&c)
			for _, f := range []string{report.JSON, report.Markdown} {
				b, err := c.Render(f)
				if err != nil {
					t.Fatal(err)
				}
				_, err = report.Verify(b, s.logKey())
				if !errors.Is(err, report.ErrNotVerified) || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("%s: got %v; want an error mentioning %q", f, err, tt.want)
				}
			}
		})
	}

	// The rendered text of a Markdown or HTML report is checked against
	// the report embedded in it.
	for f, verdict := range map[string]string{report.Markdown: `**non\_compliant**`, report.HTML: `<td class="non_compliant">non_compliant</td>`} {
		b, _ := r.Render(f)
		if !bytes.Contains(b, []byte(verdict)) {
			t.Fatalf("the %s report lacks %s", f, verdict)
		}
		edited := bytes.Replace(b, []byte(verdict), []byte("compliant"), 1)
		if _, err := report.Verify(edited, s.logKey()); err == nil || !strings.Contains(err.Error(), "the rendered part was edited") {
			t.Errorf("%s with an edited verdict: %v", f, err)
		}
	}
	if _, err := report.Verify([]byte("# notes\n\nnothing here\n"), s.logKey()); err == nil || !strings.Contains(err.Error(), "no Surety report found") {
		t.Errorf("a file without a report: %v", err)
	}
}

func verdict(r *report.Report, party string) *compliance.Verdict {
	for i := range r.Verdicts {
		if r.Verdicts[i].Party == party {
			return &r.Verdicts[i]
		}
	}
	panic("no verdict for " + party)
}

// TestNotReady: a report needs the period closed and a checkpoint that
// covers its close.
func TestNotReady(t *testing.T) {
	s := start(t)
	ctx := context.Background()
	if _, err := report.Build(ctx, s.c, agr, 1, s.logKey()); err == nil || !strings.Contains(err.Error(), "has not closed") {
		t.Errorf("open period: %v", err)
	}
	s.send(statement.TypePayment, "pay-t1", "il-treasury", statement.PaymentBody{Tranche: "t1", Amount: 200000000, Currency: "USD"})
	s.set(time.Date(1993, 9, 8, 0, 0, 0, 0, time.UTC))
	s.send(statement.TypeClockTick, "tick-0908", "operator", statement.ClockTickBody{})
	if _, err := report.Build(ctx, s.c, agr, 1, s.logKey()); err == nil || !strings.Contains(err.Error(), "wait for the next checkpoint") {
		t.Errorf("checkpoint before the close: %v", err)
	}
}

func leafHex(entry []byte) string {
	h := ledger.LeafHash(entry)
	return hex.EncodeToString(h[:])
}
