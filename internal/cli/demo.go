package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/surety/surety/examples"
	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/api"
	"github.com/surety/surety/internal/app"
	"github.com/surety/surety/internal/client"
	"github.com/surety/surety/internal/compliance"
	"github.com/surety/surety/internal/inspection"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/screening/lists"
	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/statement"
	"github.com/surety/surety/internal/traffic"
)

// simClock is the demo's accelerated log clock.
type simClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *simClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *simClock) set(t time.Time) {
	c.mu.Lock()
	if t.After(c.t) {
		c.t = t
	}
	c.mu.Unlock()
}

// DemoConfig configures the demo.
type DemoConfig struct {
	Dir  string
	Addr string
	// Pace is the wall time of one simulated day; zero runs as fast as
	// possible.
	Pace  time.Duration
	Until time.Time
	Out   io.Writer
	// Exit says the demo stops after the year, rather than serving.
	Exit bool
	// Fresh removes an earlier demo's directory first.
	Fresh bool
}

// Demo is a running demonstration: the server, the witnesses and what the
// year did.
type Demo struct {
	Run        *app.Running
	KeyDir     string
	Periods    int
	stops      []func()
	witnesses  map[string]string // witness principal → URL
	declared   int
	selected   int
	reported   map[statement.Outcome]int
	deniedSeen bool
	// denied are the consignments whose inspectors were turned away and
	// have not left yet: the inspectors come back for them.
	denied []api.QueueItem
	// traffic is the agreement's traffic model, which the declarations
	// are drawn from.
	traffic *traffic.Model
}

// Close stops the server and the witnesses.
func (d *Demo) Close() {
	if d.Run != nil {
		d.Run.Close()
	}
	for _, s := range d.stops {
		s()
	}
}

// The demo's year: the 1993 agreement enters into force on 31 July 1993.
var (
	demoStart = time.Date(1993, 7, 31, 0, 0, 0, 0, time.UTC)
	demoEnd   = time.Date(1994, 7, 31, 0, 0, 0, 0, time.UTC)
	// The interesting events, each decided by the real mechanisms.
	denialDay     = time.Date(1993, 11, 22, 0, 0, 0, 0, time.UTC) // access denied at Nampo for a day
	rodongDay     = time.Date(1994, 6, 14, 0, 0, 0, 0, time.UTC)
	latePayment   = "t2"
	latePaymentBy = 21 * 24 * time.Hour
)

// RunDemo sets up the demo's keys and agreement in cfg.Dir, starts the log
// server, the two witnesses and the selector, and drives a simulated year
// of traffic through the HTTP API. It returns with the system still
// serving.
func RunDemo(ctx context.Context, cfg DemoConfig) (*Demo, error) {
	doc, err := fs.ReadFile(examples.Files, "israel-dprk-1993.yaml")
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(cfg.Dir, "surety.db")); err == nil {
		if !cfg.Fresh {
			return nil, fmt.Errorf("%s holds an earlier demo's log; give --fresh to start afresh, or another --dir", cfg.Dir)
		}
		if err := os.RemoveAll(cfg.Dir); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return nil, err
	}
	agrPath := filepath.Join(cfg.Dir, "israel-dprk-1993.yaml")
	if err := os.WriteFile(agrPath, doc, 0o644); err != nil {
		return nil, err
	}
	spec, err := agreement.Parse(agrPath, doc)
	if err != nil {
		return nil, err
	}
	tdoc, err := fs.ReadFile(examples.Files, "israel-dprk-1993.traffic.yaml")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(traffic.Path(agrPath), tdoc, 0o644); err != nil {
		return nil, err
	}
	tm, err := traffic.Parse(spec, traffic.Path(agrPath), tdoc)
	if err != nil {
		return nil, err
	}
	keyDir := filepath.Join(cfg.Dir, "keys")
	signers := map[string]*keys.Signer{}
	for _, p := range spec.Parties {
		for _, pr := range p.Principals {
			name, _, _ := keys.ParsePublic(pr.Key)
			if name == "" {
				name = pr.ID
			}
			k, err := keys.Derive("demo", name)
			if err != nil {
				return nil, err
			}
			if _, _, err := keys.Write(keyDir, k, false); err != nil {
				return nil, err
			}
			signers[pr.ID] = k
			if pr.VRF != "" {
				if err := inspection.WriteKeyFile(filepath.Join(keyDir, pr.ID+".vrf"), inspection.DeriveSeed("demo", pr.ID)); err != nil {
					return nil, err
				}
			}
		}
	}
	d := &Demo{KeyDir: keyDir, reported: map[statement.Outcome]int{}, traffic: tm}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	witnesses := map[string]string{}
	for _, w := range []string{"il-witness", "kp-witness"} {
		u, stop, err := app.StartWitness(signers[w], "127.0.0.1:0", filepath.Join(cfg.Dir, "witness-"+w), app.Network{}, signers["operator"].VKey())
		if err != nil {
			return nil, err
		}
		witnesses[w] = u
		d.witnesses = witnesses
		d.stops = append(d.stops, stop)
	}
	clk := &simClock{t: demoStart.Add(-24 * time.Hour)}
	dbPath := filepath.Join(cfg.Dir, "surety.db")
	d.Run, err = app.Serve(ctx, app.ServeConfig{Agreement: agrPath, DB: "sqlite:" + dbPath, Addr: cfg.Addr, LogKey: signers["operator"],
		Witnesses: witnesses, Now: clk.now, Logger: quiet})
	if err != nil {
		d.Close()
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, err
		}
		return nil, fmt.Errorf("%w (a demo already in %s? remove it, give another --dir, or --fresh)", err, cfg.Dir)
	}
	as := func(id string) *app.Sender {
		return &app.Sender{Key: signers[id], Author: id, Agreement: spec.ID, Client: client.New(d.Run.URL), Now: clk.now}
	}
	if err := app.AdoptFixtureList(ctx, &app.Sender{Key: signers["operator"], Author: "operator", Agreement: spec.ID, Client: client.New(d.Run.URL), Now: clk.now}); err != nil && !isConflict(err) {
		d.Close()
		return nil, err
	}
	vrf, err := inspection.KeyFromSeed(inspection.DeriveSeed("demo", "il-selector"))
	if err != nil {
		d.Close()
		return nil, err
	}
	sel := &app.Selector{Sender: as("il-selector"), VRF: vrf, Logger: quiet}
	fmt.Fprintf(cfg.Out, "Surety demo: the 1993 offer, %s to %s, in %s\n", demoStart.Format(time.DateOnly), cfg.Until.Format(time.DateOnly), cfg.Dir)
	fmt.Fprintf(cfg.Out, "log %s at %s, cosigned by witnesses il-witness and kp-witness\n", spec.Origin(), d.Run.URL)
	if ed, err := lists.Fixture(); err == nil && ed.StandIn(demoStart) != "" {
		fmt.Fprintf(cfg.Out, "screening against the UN list, %s: %s\n", ed, ed.StandIn(demoStart))
	}
	fmt.Fprintln(cfg.Out)
	if err := d.drive(ctx, cfg, clk, as, sel); err != nil {
		d.Close()
		return nil, err
	}
	if err := d.summary(ctx, cfg, spec); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

func isConflict(err error) bool {
	var p *api.Problem
	return errors.As(err, &p) && p.Status == 409
}

// demoShare is the share of the agreement's traffic the demo declares: a
// fifth, so that the year runs in seconds.
const demoShare = 0.2

// drive runs the simulated days.
func (d *Demo) drive(ctx context.Context, cfg DemoConfig, clk *simClock, as func(string) *app.Sender, sel *app.Selector) error {
	r := rand.New(rand.NewPCG(1993, 7))
	c := client.New(d.Run.URL)
	week := 0
	start := time.Now()
	for day := demoStart; day.Before(cfg.Until); day = day.AddDate(0, 0, 1) {
		if err := ctx.Err(); err != nil {
			return err
		}
		// The export authority declares the day's consignments, a day
		// ahead of departure: a fifth of the agreement's traffic for the
		// season, drawn from its traffic model.
		for _, v := range d.traffic.Volumes() {
			site := d.traffic.Site(v.Site)
			for i := range traffic.Count(r, d.traffic.PerDay(v.Site, v.Mode, day)*demoShare) {
				clk.set(day.Add(time.Duration(7*60+i*20) * time.Minute))
				dep := day.Add(36*time.Hour + time.Duration(r.IntN(12))*time.Hour)
				id := fmt.Sprintf("d-%s-%s-%d", day.Format("20060102"), v.Site, i)
				decl := site.Declaration(r, "KP", v.Mode, dep)
				decl.Seals = []string{fmt.Sprintf("KP-%s-%d", day.Format("060102"), 100*len(v.Site)+i)}
				if _, err := as("kp-export-authority").Send(ctx, statement.TypeDeclare, id, decl); err != nil {
					return fmt.Errorf("declaration %s: %w", id, err)
				}
				d.declared++
			}
		}
		if day.Equal(rodongDay) {
			// The attempt: the traffic model's evader, Rodong engine
			// sections for Iran, declared as mining equipment.
			clk.set(day.Add(9 * time.Hour))
			rod := d.traffic.Disguised(day.Add(40 * time.Hour))
			if _, err := as("kp-export-authority").Send(ctx, statement.TypeDeclare, "d-rodong-attempt", rod); err != nil {
				return err
			}
			d.declared++
		}
		// The inspectors come back for what they were turned away from,
		// before it sails; the selector decides; the inspectors inspect
		// what is queued.
		clk.set(day.Add(8 * time.Hour))
		if err := d.reinspect(ctx, as); err != nil {
			return err
		}
		clk.set(day.Add(11 * time.Hour))
		_, k, _, err := sel.Run(ctx)
		if err != nil {
			return err
		}
		d.selected += k
		clk.set(day.Add(14 * time.Hour))
		if err := d.inspect(ctx, c, clk, as, day); err != nil {
			return err
		}
		// Israel's treasury pays what is due (one tranche late); the
		// DPRK acknowledges receipt.
		clk.set(day.Add(16 * time.Hour))
		if err := d.pay(ctx, c, as, day); err != nil {
			return err
		}
		clk.set(day.Add(23 * time.Hour))
		if _, err := as("operator").Send(ctx, statement.TypeClockTick, "tick-"+day.Format("20060102"), statement.ClockTickBody{}); err != nil {
			return err
		}
		if day.Sub(demoStart) >= time.Duration(week+1)*7*24*time.Hour {
			week++
			if err := d.status(ctx, c, cfg.Out, day); err != nil {
				return err
			}
			if err := d.news(ctx, c, cfg.Out, day.AddDate(0, 0, -6), day.AddDate(0, 0, 1)); err != nil {
				return err
			}
		}
		if cfg.Pace > 0 {
			if wait := time.Until(start.Add(time.Duration(day.Sub(demoStart)/(24*time.Hour)+1) * cfg.Pace)); wait > 0 {
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(wait):
				}
			}
		}
	}
	return nil
}

// inspect has the inspectors inspect every queued consignment. What they
// find is what the crate holds; at Nampo, during the denial, the DPRK turns
// them away.
func (d *Demo) inspect(ctx context.Context, c *client.Client, clk *simClock, as func(string) *app.Sender, day time.Time) error {
	inspectors := map[string][]string{"fnj": {"il-insp-fnj-1", "il-insp-fnj-2"}, "kpnam": {"il-insp-nam-1", "il-insp-nam-2"}}
	for _, site := range []string{"fnj", "kpnam"} {
		q, err := as(inspectors[site][0]).Queue(ctx, site)
		if err != nil {
			return err
		}
		for i, s := range q {
			var decl state.Declaration
			if err := c.Get(ctx, "/v1/declarations/"+s.Declaration, &decl); err != nil {
				return err
			}
			now := clk.now()
			b := statement.ReportBody{Declaration: s.Declaration, Site: site, Outcome: statement.Cleared, Reveal: s.Reveal, Start: now, End: now.Add(2 * time.Hour),
				SealsFound: intact(decl.Body.Seals), Seals: []string{fmt.Sprintf("IL-%s-%04d", day.Format("0601"), d.reported[statement.Cleared]+1)}}
			switch {
			case s.Declaration == "d-rodong-attempt":
				b.Outcome = statement.Prohibited
				b.Findings = []statement.Finding{{Item: 0, Finding: "four Rodong engine sections and guidance parts, not mining equipment", Category: "mtcr-cat1"}}
			case site == "kpnam" && day.Equal(denialDay):
				b.Outcome = statement.AccessDenied
				b.Reason = "port authority refused the inspectors entry to the berth"
				b.Seals, b.SealsFound = nil, nil
				d.denied = append(d.denied, s)
			}
			if _, err := as(inspectors[site][i%2]).Send(ctx, statement.TypeReport, "r-"+s.Declaration, b); err != nil {
				return fmt.Errorf("report on %s: %w", s.Declaration, err)
			}
			d.reported[b.Outcome]++
		}
	}
	return nil
}

// intact is what inspectors find of a consignment's declared seals when
// the chain of custody holds.
func intact(seals []string) []statement.SealCheck {
	var out []statement.SealCheck
	for _, s := range seals {
		out = append(out, statement.SealCheck{Seal: s, State: statement.SealIntact})
	}
	return out
}

// reinspect has the inspectors inspect, before it leaves, each consignment
// whose inspection was denied: that cures the denial.
func (d *Demo) reinspect(ctx context.Context, as func(string) *app.Sender) error {
	for i, s := range d.denied {
		var decl state.Declaration
		if err := as("il-insp-nam-1").Client.Get(ctx, "/v1/declarations/"+s.Declaration, &decl); err != nil {
			return err
		}
		now := as("il-insp-nam-1").Now()
		b := statement.ReportBody{Declaration: s.Declaration, Site: s.Site, Outcome: statement.Cleared, Start: now, End: now.Add(2 * time.Hour),
			SealsFound: intact(decl.Body.Seals), Seals: []string{fmt.Sprintf("IL-CURE-%04d", i+1)}}
		if _, err := as("il-insp-nam-1").Send(ctx, statement.TypeReport, "r2-"+s.Declaration, b); err != nil {
			return fmt.Errorf("second report on %s: %w", s.Declaration, err)
		}
		d.reported[statement.Cleared]++
	}
	d.denied = nil
	return nil
}

// pay has Israel pay the tranches that are due, one of them late, and the
// DPRK acknowledge what it received.
func (d *Demo) pay(ctx context.Context, c *client.Client, as func(string) *app.Sender, day time.Time) error {
	var in state.Incentives
	if err := c.Get(ctx, "/v1/incentives", &in); err != nil {
		return err
	}
	for _, t := range in.Tranches {
		switch {
		case t.Status == compliance.TrancheDue && (t.ID != latePayment || !day.Before(t.Due.Add(latePaymentBy))):
			b := statement.PaymentBody{Tranche: t.ID, Amount: t.Amount, Currency: t.Currency, Reference: "Bank of Israel transfer " + t.ID}
			if _, err := as("il-treasury").Send(ctx, statement.TypePayment, "pay-"+t.ID, b); err != nil {
				return fmt.Errorf("payment of %s: %w", t.ID, err)
			}
		case t.Status == compliance.TranchePaid && t.Receipt == nil && day.After(t.Payment.Time):
			if _, err := as("kp-export-authority").Send(ctx, statement.TypeReceipt, "receipt-"+t.ID, statement.ReceiptBody{Tranche: t.ID}); err != nil {
				return fmt.Errorf("receipt of %s: %w", t.ID, err)
			}
		}
	}
	return nil
}

// status prints a line for the week ending on day.
func (d *Demo) status(ctx context.Context, c *client.Client, w io.Writer, day time.Time) error {
	var in state.Incentives
	if err := c.Get(ctx, "/v1/incentives", &in); err != nil {
		return err
	}
	var tr []string
	for _, t := range in.Tranches {
		if t.Status != compliance.TrancheScheduled {
			tr = append(tr, t.ID+" "+string(t.Status))
		}
	}
	verdict := ""
	for n := d.Periods + 1; ; n++ {
		var v api.VerdictsResponse
		if err := c.Get(ctx, fmt.Sprintf("/v1/periods/%d/verdicts", n), &v); err != nil {
			break
		}
		d.Periods = n
		var vs []string
		for _, x := range v.Verdicts {
			vs = append(vs, x.Party+" "+string(x.Verdict))
		}
		verdict = fmt.Sprintf("  period %d: %s", n, strings.Join(vs, ", "))
	}
	fmt.Fprintf(w, "%s  declared %4d  selected %4d  inspected %4d  denied %2d  tranches: %s%s\n", day.Format(time.DateOnly), d.declared, d.selected,
		d.reported[statement.Cleared]+d.reported[statement.Prohibited], d.reported[statement.AccessDenied], cmp.Or(strings.Join(tr, ", "), "none"), verdict)
	return nil
}

// newsworthy are the event kinds the weekly status reports beneath its line.
var newsworthy = []compliance.Kind{compliance.Prohibited, compliance.MissedPayment, compliance.Cured, compliance.TrancheChange, compliance.Hold, compliance.Interest,
	compliance.ReliefChange, compliance.Snapback, compliance.Undeclared, compliance.Unlicensed}

// news prints the week's events that changed the story: findings, missed
// payments, tranche actions, cures; and the first access denial.
func (d *Demo) news(ctx context.Context, c *client.Client, w io.Writer, from, to time.Time) error {
	var es []state.Event
	q := url.Values{"from": {from.Format(time.RFC3339)}, "to": {to.Format(time.RFC3339)}}
	if err := c.Get(ctx, "/v1/events?"+q.Encode(), &es); err != nil {
		return err
	}
	told := map[string]bool{} // one line a day for each kind of news
	for _, e := range es {
		if e.Kind == compliance.AccessDenied && !d.deniedSeen {
			d.deniedSeen = true
		} else if !slices.Contains(newsworthy, e.Kind) {
			continue
		}
		k := string(e.Kind) + e.Time.Format(time.DateOnly) + strings.SplitN(e.Text, ":", 2)[0]
		if told[k] {
			continue
		}
		told[k] = true
		text := e.Text
		if len(text) > 140 {
			text = text[:140] + "…"
		}
		fmt.Fprintf(w, "            %s %s\n", e.Time.Format(time.DateOnly), text)
	}
	return nil
}

// summary prints the year's verdicts, tranches and detection figures, and
// how to audit the log.
func (d *Demo) summary(ctx context.Context, cfg DemoConfig, spec *agreement.Spec) error {
	w := cfg.Out
	c := client.New(d.Run.URL)
	fmt.Fprintf(w, "\nPeriod verdicts and the detection probability each period stated\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PERIOD\tFROM\tDPRK\tISRAEL\tDECLARED\tSELECTED\tINSPECTED\tDETECTION M=1\tM=3\tM=5\tAT STAKE\tDETERS\tREASON")
	for n := 1; ; n++ {
		var v api.VerdictsResponse
		if err := c.Get(ctx, fmt.Sprintf("/v1/periods/%d/verdicts", n), &v); err != nil {
			break
		}
		verdicts := map[string]state.Verdict{}
		for _, x := range v.Verdicts {
			verdicts[x.Party] = x
		}
		a := v.Assurance
		det := []string{"", "", ""}
		for i, x := range a.Detection {
			if i < 3 {
				det[i] = fmt.Sprintf("%.3f", x.Adaptive)
			}
		}
		reason := ""
		for _, p := range []string{"dprk", "israel"} {
			if rs := verdicts[p].Reasons; len(rs) > 0 {
				reason = rs[0].Text
				break
			}
		}
		if len(reason) > 90 {
			reason = reason[:90] + "…"
		}
		stake, deters := "", ""
		if d := a.Deterrence; d != nil {
			stake, deters = fmt.Sprintf("%dM", d.Loss/1e6), "no"
			if d.Deters {
				deters = "yes"
			}
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\n", n, v.From.Format(time.DateOnly), verdicts["dprk"].Verdict, verdicts["israel"].Verdict,
			a.Declared, a.Selected, a.Inspected, det[0], det[1], det[2], stake, deters, reason)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var in state.Incentives
	if err := c.Get(ctx, "/v1/incentives", &in); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nTranches\n")
	if err := writeIncentives(w, &in); err != nil {
		return err
	}
	k := func(name string) string { return filepath.Join(d.KeyDir, strings.ReplaceAll(name, "/", "_")+".vkey") }
	surety := command()
	// The audit keeps its copy in the demo's directory: another demo, with
	// the same keys, is another history, which an audit in the user's own
	// state directory would rightly call a fork.
	audit := fmt.Sprintf("%s audit --server %s --agreement %s --log-key %s --state %s --replay",
		surety, d.Run.URL, spec.ID, k(spec.Origin()), filepath.Join(cfg.Dir, "audit"))
	if cfg.Exit {
		fmt.Fprintf(w, "\nThe log is in %s. Serve it again with its witnesses, and audit it, replaying every verdict, with:\n", cfg.Dir)
		serve := fmt.Sprintf("%s serve --agreement %s --db sqlite:%s --log-key %s --addr %s", surety,
			filepath.Join(cfg.Dir, "israel-dprk-1993.yaml"), filepath.Join(cfg.Dir, "surety.db"),
			filepath.Join(d.KeyDir, strings.ReplaceAll(spec.Origin(), "/", "_")+".key"), strings.TrimPrefix(d.Run.URL, "http://"))
		for _, id := range []string{"il-witness", "kp-witness"} {
			fmt.Fprintf(w, "  %s witness --key %s --addr %s --log %s --state %s &\n", surety, filepath.Join(d.KeyDir, id+".key"),
				strings.TrimPrefix(d.witnesses[id], "http://"), k(spec.Origin()), filepath.Join(cfg.Dir, "witness-"+id))
			serve += fmt.Sprintf(" --witness %s=%s", id, d.witnesses[id])
		}
		fmt.Fprintf(w, "  %s &\n  %s\n", serve, audit)
		return nil
	}
	fmt.Fprintf(w, "\nThe dashboard is at %s/ : the verdicts, the incentives, and every statement checked against the signed log in your browser.\n", d.Run.URL)
	fmt.Fprintf(w, "The API is at %s (try %s/v1/incentives or %s/log/%s/checkpoint).\n", d.Run.URL, d.Run.URL, d.Run.URL, spec.ID)
	fmt.Fprintf(w, "Audit the log, replaying every verdict, with:\n  %s\n", audit)
	return nil
}

// command is how to run surety as this process was run: the binary's
// name, or "go run ./cmd/surety" for a binary go run built.
func command() string {
	exe, err := os.Executable()
	if err != nil || strings.Contains(exe, string(filepath.Separator)+"go-build") {
		return "go run ./cmd/surety"
	}
	if dir, _ := filepath.Split(exe); dir != "" {
		if path, err := exec.LookPath(filepath.Base(exe)); err == nil && path == exe {
			return filepath.Base(exe)
		}
	}
	return exe
}

func newDemoCmd() *cobra.Command {
	var cfg DemoConfig
	var fast, exit bool
	var until string
	cmd := &cobra.Command{
		Use:   "demo [--dir DIR] [--addr HOST:PORT] [--fast] [--until DATE] [--exit] [--fresh]",
		Short: "Run the 1993 deal end to end: a simulated year through the real system",
		Long: "The demo generates keys for every principal of the 1993 agreement, starts the\n" +
			"log server on an embedded SQLite database, two witnesses and the inspectorate's\n" +
			"selector, and drives a simulated year through the HTTP API: declarations at\n" +
			"Sunan and Nampo, VRF selections, inspectors' reports, Israel's payments. A\n" +
			"Rodong shipment declared as mining equipment, an access denial later cured and\n" +
			"a late payment are decided by the real mechanisms. It prints a line a week,\n" +
			"then the verdicts, tranches and detection figures, and keeps serving until\n" +
			"Ctrl-C.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg.Out = cmd.OutOrStdout()
			cfg.Until = demoEnd
			if until != "" {
				t, err := time.Parse(time.DateOnly, until)
				if err != nil || !t.After(demoStart) {
					return fmt.Errorf("--until %q: give a date after %s, as YYYY-MM-DD", until, demoStart.Format(time.DateOnly))
				}
				cfg.Until = t
			}
			if fast {
				cfg.Pace = 0
			}
			cfg.Exit = exit
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			d, err := RunDemo(ctx, cfg)
			if err != nil {
				return err
			}
			defer d.Close()
			if exit {
				return nil
			}
			fmt.Fprintf(cfg.Out, "\nServing until Ctrl-C.\n")
			<-ctx.Done()
			return nil
		},
	}
	cmd.Flags().StringVar(&cfg.Dir, "dir", "surety-demo", "directory for the keys, the agreement and the database")
	cmd.Flags().StringVar(&cfg.Addr, "addr", "127.0.0.1:8080", "address to serve on")
	cmd.Flags().DurationVar(&cfg.Pace, "pace", 160*time.Millisecond, "wall time of one simulated day (the default runs the year in about a minute; 1s is a day a second)")
	cmd.Flags().BoolVar(&fast, "fast", false, "run the year as fast as possible")
	cmd.Flags().StringVar(&until, "until", "", "stop the simulated year at this date (YYYY-MM-DD)")
	cmd.Flags().BoolVar(&exit, "exit", false, "exit after the year instead of serving")
	cmd.Flags().BoolVar(&cfg.Fresh, "fresh", false, "remove an earlier demo in --dir first")
	return cmd
}
