package cli

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/compliance"
	"github.com/surety/surety/internal/inspection"
	"github.com/surety/surety/internal/sim"
	"github.com/surety/surety/internal/traffic"
)

func newSimulateCmd() *cobra.Command {
	var (
		path, evader, plotPath, sweep, out string
		opts                               sim.Options
	)
	cmd := &cobra.Command{
		Use:   "simulate --agreement FILE [--runs N] [--periods K] [--evader naive|adaptive|peeking|none] [--unsealed] [--violations M] [--seed S] [--vrf] [--inspectors N] [--plot FILE.svg|png] [--sweep inspectors=FROM:TO:STEP] [--output json]",
		Short: "Simulate the agreement's inspections: what an evader would get caught at, how soon, and what is paid first",
		Long: `Simulate runs Monte Carlo histories of the agreement before it is signed. Each
site's consignments depart at the rates of its traffic assumptions, from a pool
of trading relationships screened with the real screening; each is selected
with its p under the sampling policy, by a seeded generator or, with --vrf, by
the real VRF; the roster's inspectors inspect the day's selections, highest p
first, until their shift's hours run out.

An evader ships --violations prohibited consignments each period: naive hides
them in consignments chosen at random; adaptive declares them as the least
watched traffic on the busiest days; peeking reads every public endpoint before
loading, which under sealed selection shows it no decision, so it ships as the
adaptive evader does. --unsealed publishes each decision before loading, as
selections were before they were sealed, for peeking to read: kept only to show
what sealing is worth. Simulate reports the probability that a
period's evader is caught, beside the analytic figure that assumes every
selection is inspected; the probability of a catch before each tranche is due;
the money paid before the first catch; and the inspector-hours used.

--sweep inspectors=FROM:TO:STEP (ranges and numbers may be joined by commas)
simulates each roster and prints detection against the number of inspectors;
--plot draws it, for the chosen evader or both. Without --sweep, --plot sweeps
from 1 inspector to the roster or twice the plan, whichever is more.

The same --seed gives the same figures on any number of cores.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(out); err != nil {
				return err
			}
			if cmd.Flags().Changed("evader") {
				opts.Evader = sim.Evader(evader)
				if !slices.Contains([]sim.Evader{sim.None, sim.Naive, sim.Adaptive, sim.Peeking}, opts.Evader) {
					return fmt.Errorf("--evader %q is not known; use naive, adaptive, peeking or none", evader)
				}
			}
			if opts.Unsealed && opts.Evader != sim.Peeking {
				return fmt.Errorf("--unsealed is read only by the peeking evader; add --evader peeking")
			}
			var rosters []int
			if sweep != "" && opts.Inspectors > 0 {
				return fmt.Errorf("--inspectors %d: a sweep sets the roster itself; give the rosters in --sweep", opts.Inspectors)
			}
			if sweep != "" {
				var err error
				if rosters, err = parseSweep(sweep); err != nil {
					return err
				}
			}
			if ext := strings.ToLower(filepath.Ext(plotPath)); plotPath != "" && ext != ".svg" && ext != ".png" {
				return fmt.Errorf("--plot %s: write the plot to a .svg or .png file", plotPath)
			}
			s, err := loadAgreement(path)
			if err != nil {
				return err
			}
			if opts.Traffic, err = traffic.Load(s, path); err != nil {
				return fmt.Errorf("%s: nothing to simulate: %w", path, err)
			}
			var rep simReport
			if sweep == "" {
				r, err := runBar("simulating", opts, func(o sim.Options) (sim.Result, error) { return sim.Simulate(s, o) })
				if err != nil {
					return fmt.Errorf("%s: %w", path, err)
				}
				rep.Simulation = &r
				if plotPath != "" {
					rosters = defaultSweep(s, r.Inspectors)
				}
			}
			if rosters != nil {
				o := opts
				if sweep == "" && o.Evader == sim.None {
					o.Evader = ""
				}
				ps, err := runBar("sweeping", o, func(o sim.Options) ([]sim.Point, error) { return sim.Sweep(s, o, rosters) })
				if err != nil {
					return fmt.Errorf("%s: %w", path, err)
				}
				rep.Sweep = &sweepReport{Agreement: s.ID, Runs: o.Runs, Periods: o.Periods, Violations: violationsOf(o.Violations, s), Seed: o.Seed, Sites: trafficSites(s), Points: ps}
			}
			if plotPath != "" {
				if err := plotSweep(plotPath, s, rep.Sweep); err != nil {
					return err
				}
			}
			w := cmd.OutOrStdout()
			if out == "json" {
				return writeJSON(w, rep)
			}
			if rep.Simulation != nil {
				writeSimulation(w, s, *rep.Simulation)
			}
			if rep.Sweep != nil && sweep != "" {
				if rep.Simulation != nil {
					fmt.Fprintln(w)
				}
				writeSweep(w, *rep.Sweep)
			}
			if plotPath != "" {
				fmt.Fprintf(w, "\nplot written to %s\n", plotPath)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&path, "agreement", "", "the agreement `FILE`")
	_ = cmd.MarkFlagRequired("agreement")
	f.IntVar(&opts.Runs, "runs", 1000, "simulated histories")
	f.IntVar(&opts.Periods, "periods", 12, "verification periods in each history")
	f.StringVar(&evader, "evader", "adaptive", "the evader: naive, adaptive, peeking or none (a sweep or plot without it shows naive and adaptive)")
	f.BoolVar(&opts.Unsealed, "unsealed", false, "publish each selection before loading, as before sealing, for --evader peeking to read (for that comparison only)")
	f.IntVar(&opts.Violations, "violations", 0, "prohibited consignments the evader ships a period (default the agreement's goal)")
	f.Uint64Var(&opts.Seed, "seed", 1, "the seed of every random draw")
	f.BoolVar(&opts.VRF, "vrf", false, "select with the real VRF, keyed from the seed (slow), instead of the fast generator")
	f.IntVar(&opts.Inspectors, "inspectors", 0, "the roster (default the agreement's)")
	f.IntVar(&opts.Workers, "workers", 0, "goroutines (default all cores); the figures do not depend on it")
	f.StringVar(&plotPath, "plot", "", "draw detection against the number of inspectors to `FILE`.svg or .png")
	f.StringVar(&sweep, "sweep", "", "simulate each roster in `inspectors=FROM:TO:STEP`, e.g. inspectors=50:500:50")
	outputFlag(cmd, &out)
	return cmd
}

// simReport is simulate's JSON output.
type simReport struct {
	Simulation *sim.Result  `json:"simulation,omitempty"`
	Sweep      *sweepReport `json:"sweep,omitempty"`
}

type sweepReport struct {
	Agreement  string `json:"agreement"`
	Runs       int    `json:"runs"`
	Periods    int    `json:"periods"`
	Violations int    `json:"violations"`
	Seed       uint64 `json:"seed"`
	// Sites name the sites in the order of each point's posted inspectors.
	Sites  []string    `json:"sites"`
	Points []sim.Point `json:"points"`
}

// violationsOf returns the violations simulated: m, or the agreement's goal.
func violationsOf(m int, s *agreement.Spec) int {
	if m > 0 {
		return m
	}
	return s.Verification.Goal.Violations
}

// trafficSites returns the ids of the sites with traffic assumptions, in
// their order.
func trafficSites(s *agreement.Spec) []string {
	var ids []string
	for _, t := range s.Verification.Traffic {
		ids = append(ids, t.Site)
	}
	return ids
}

// runBar runs f with a progress bar on stderr, when stderr is a terminal.
func runBar[T any](what string, opts sim.Options, f func(sim.Options) (T, error)) (T, error) {
	var bar *progressbar.ProgressBar
	opts.Progress = func(done, total int) {
		if bar == nil {
			bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(os.Stderr),
				progressbar.OptionSetVisibility(isatty.IsTerminal(os.Stderr.Fd())), progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionSetDescription(what), progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
		}
		_ = bar.Set(done)
	}
	v, err := f(opts)
	if bar != nil {
		_ = bar.Finish()
	}
	return v, err
}

// parseSweep reads "inspectors=FROM:TO:STEP", with ranges and single
// numbers joined by commas, into increasing rosters.
func parseSweep(s string) ([]int, error) {
	bad := fmt.Errorf("--sweep %q: write inspectors=FROM:TO:STEP, e.g. inspectors=50:500:50 (ranges and numbers may be joined by commas)", s)
	spec, ok := strings.CutPrefix(s, "inspectors=")
	if !ok {
		return nil, bad
	}
	var out []int
	for _, part := range strings.Split(spec, ",") {
		var n []int
		for _, f := range strings.Split(part, ":") {
			v, err := strconv.Atoi(f)
			if err != nil || v < 0 {
				return nil, bad
			}
			n = append(n, v)
		}
		switch {
		case len(n) == 1:
			out = append(out, n[0])
		case len(n) == 3 && n[2] > 0 && n[0] <= n[1]:
			for v := n[0]; v <= n[1]; v += n[2] {
				out = append(out, v)
			}
		default:
			return nil, bad
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// defaultSweep returns about 16 rosters spaced evenly on a log scale from
// 1 to the roster or twice the inspectors the plan needs, whichever is
// more.
func defaultSweep(s *agreement.Spec, roster int) []int {
	top := roster
	if p, err := inspection.Plan(s); err == nil {
		top = max(top, 2*max(p.Total.Goal.Inspectors, p.Total.Floor.Inspectors))
	}
	var out []int
	for i := range 16 {
		out = append(out, int(math.Round(math.Pow(float64(top), float64(i)/15))))
	}
	return slices.Compact(out)
}

func writeSimulation(w io.Writer, s *agreement.Spec, r sim.Result) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	sel := "the fast generator (PCG)"
	if r.VRF {
		sel = "the VRF (vrf-r255)"
	}
	p("Simulation of %s: %d run%s of %d period%s (%s), seed %d, selection by %s\n", r.Agreement, r.Runs, plural(r.Runs), r.Periods, plural(r.Periods), s.Verification.Period, r.Seed, sel)
	switch r.Evader {
	case sim.None:
		p("  no evader; the analytic figure is the guarantee against the goal's %d violation%s\n", r.Violations, plural(r.Violations))
	case sim.Naive:
		p("  naive evader: %d prohibited consignment%s a period, hidden in consignments chosen at random\n", r.Violations, plural(r.Violations))
	case sim.Adaptive:
		p("  adaptive evader: %d prohibited consignment%s a period, declared as the least-watched trade on the busiest days\n", r.Violations, plural(r.Violations))
	case sim.Peeking:
		if r.Unsealed {
			p("  peeking evader, selection UNSEALED: %d prohibited consignment%s a period, loaded only into consignments it saw were not selected\n", r.Violations, plural(r.Violations))
		} else {
			p("  peeking evader: %d prohibited consignment%s a period; every public endpoint read before loading shows no decision, so it ships as the adaptive evader does\n", r.Violations, plural(r.Violations))
		}
	}
	var posts []string
	for _, st := range r.Sites {
		posts = append(posts, fmt.Sprintf("%s %d (%s h a day)", st.Site, st.Inspectors, num(st.Capacity)))
	}
	p("  roster %d inspectors in %s-hour shifts, posted by expected workload: %s\n", r.Inspectors, num(r.ShiftHours), strings.Join(posts, ", "))

	if len(r.Covers) > 0 {
		c := r.Covers[0]
		p("\nThe evader's cover\n")
		p("  its cargo declared as what it is scores risk %s, p %s: %s\n", num(c.TruthRisk), num(c.TruthP), c.Truth)
		p("  so it declares it as the commonest trade screening passes at the floor:\n")
		for _, c := range r.Covers {
			p("  %s (%s): %s from %s to %s, %s: risk %s, p %s\n", c.Site, c.Mode, c.Declared, c.Consignor, c.Consignee, c.Destination, num(c.Risk), num(c.P))
		}
	}

	p("\nDetection per period\n")
	// What the undertaker stands to lose in each period, the schedule
	// kept, weighed against the gain of the period's violations.
	stake := map[int]int64{}
	for _, l := range compliance.Leverage(s, s.Resolve(nil), s.Verification.Sampling.Floor) {
		for n := l.First; n <= l.Last; n++ {
			stake[n] = l.Loss
		}
	}
	gain := s.Verification.Gain
	tw := table(w)
	fmt.Fprintf(tw, "  PERIOD\tFROM\tTO\tSIMULATED\t95%% CI\tANALYTIC\tAT STAKE\tDETERS\n")
	for _, pe := range r.PerPeriod {
		got, ci, loss, deters := "—", "—", "—", "—"
		if pe.Detection != nil {
			got, ci = fmt.Sprintf("%.4f", pe.Detection.Value), interval(*pe.Detection, "%.4f")
		}
		if gain != nil {
			loss, deters = agreement.Group(stake[pe.Period]), "NO"
			if pe.Detection != nil && compliance.Deters(pe.Detection.Value, stake[pe.Period], gain.Amount*int64(r.Violations)) {
				deters = "yes"
			}
		}
		fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\t%s\t%.4f\t%s\t%s\n", pe.Period, orDash(pe.From), orDash(pe.To), got, ci, pe.Analytic, loss, deters)
	}
	if d := r.Detection; d != nil {
		fmt.Fprintf(tw, "  all\t\t\t%.4f\t%s\t%.4f\n", d.Value, interval(*d, "%.4f"), r.Analytic)
	}
	tw.Flush()
	p("  the floor %s against %d: 1 − (1 − %s)^%d = %.4f; the analytic figure assumes every selection is inspected\n", num(r.Floor), r.Violations, num(r.Floor), r.Violations, r.FloorDetection)
	if e := r.Evaded; e != nil {
		p("  the evader's consignments a period: %.2f selected, %.2f inspected, %.2f selected but left for want of inspectors\n", e.Selected.Value, e.Inspected.Value, e.Missed.Value)
	}

	if len(r.Tranches) > 0 {
		p("\nA detection before each tranche falls due\n")
		tw = table(w)
		fmt.Fprintf(tw, "  TRANCHE\tDUE\tAMOUNT\tSIMULATED\t95%% CI\tANALYTIC\n")
		for _, t := range r.Tranches {
			fmt.Fprintf(tw, "  %s/%s\t%s\t%s %s\t%.4f\t%s\t%.4f\n", t.Incentive, t.ID, t.Due, agreement.Group(t.Amount), t.Currency, t.Detected.Value, interval(t.Detected, "%.4f"), t.Analytic)
		}
		tw.Flush()
		p("  analytic: over the whole periods that end by the due date\n")
	}
	for _, m := range r.Money {
		p("  paid before the first detection: %s %s (95%% CI %s–%s) of %s %s due in the simulated periods\n",
			agreement.Group(int64(math.Round(m.Paid.Value))), m.Currency, agreement.Group(int64(math.Round(m.Paid.Low))), agreement.Group(int64(math.Round(m.Paid.High))), agreement.Group(m.Due), m.Currency)
	}

	p("\nWork per period\n")
	tw = table(w)
	fmt.Fprintf(tw, "  SITE\tINSPECTORS\tCONSIGNMENTS\tAT FLOOR\tSELECTED\tINSPECTED\tSHORT OF HOURS\tUNSTAFFED\tINSPECTOR-HOURS\n")
	for _, st := range r.Sites {
		fmt.Fprintf(tw, "  %s\t%d\t%.1f\t%.1f%%\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\n", st.Site, st.Inspectors, st.Consignments.Value, 100*st.Floor,
			st.Selected.Value, st.Inspected.Value, st.Short.Value, st.Unstaffed.Value, st.Hours.Value)
	}
	tw.Flush()
	p("  inspector-hours used a period: %.1f (95%% CI %s); selected but uninspected: %.1f\n", r.Hours.Value, interval(r.Hours, "%.1f"), r.Uninspected.Value)
	if len(r.Notes) > 0 {
		p("\nNotes\n")
		for _, n := range r.Notes {
			p("  %s\n", n)
		}
	}
}

func writeSweep(w io.Writer, r sweepReport) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	p("Detection per period against the number of inspectors: %s, %d run%s of %d period%s, %d violation%s a period, seed %d\n",
		r.Agreement, r.Runs, plural(r.Runs), r.Periods, plural(r.Periods), r.Violations, plural(r.Violations), r.Seed)
	tw := table(w)
	fmt.Fprintf(tw, "  EVADER\tINSPECTORS\tPOSTED (%s)\tSIMULATED\t95%% CI\tANALYTIC\tUNINSPECTED\tINSPECTOR-HOURS\n", strings.Join(r.Sites, "/"))
	for _, pt := range r.Points {
		var posted []string
		for _, n := range pt.Posted {
			posted = append(posted, strconv.Itoa(n))
		}
		fmt.Fprintf(tw, "  %s\t%d\t%s\t%.4f\t%s\t%.4f\t%.1f\t%.0f\n", pt.Evader, pt.Inspectors, strings.Join(posted, "/"),
			pt.Detection.Value, interval(pt.Detection, "%.4f"), pt.Analytic, pt.Uninspected.Value, pt.Hours.Value)
	}
	tw.Flush()
	p("  uninspected: selections a period left for want of inspectors; analytic: every selection inspected\n")
	for _, ev := range evaders(r.Points) {
		if n, ok := enough(r.Points, ev); ok {
			p("%s evader: detection is within sampling error of the analytic figure from %d inspectors on\n", ev, n)
		} else {
			p("%s evader: detection stays below the analytic figure over the rosters swept\n", ev)
		}
	}
}

// evaders returns the evaders of the points, in order.
func evaders(ps []sim.Point) []sim.Evader {
	var out []sim.Evader
	for _, p := range ps {
		if !slices.Contains(out, p.Evader) {
			out = append(out, p.Evader)
		}
	}
	return out
}

// enough returns the least roster from which every larger roster swept
// against ev has the analytic figure inside its confidence interval.
func enough(ps []sim.Point, ev sim.Evader) (int, bool) {
	n, ok := 0, false
	for _, p := range ps {
		if p.Evader != ev {
			continue
		}
		switch {
		case p.Detection.High < p.Analytic:
			ok = false
		case !ok:
			n, ok = p.Inspectors, true
		}
	}
	return n, ok
}

func interval(e sim.Estimate, format string) string {
	return fmt.Sprintf(format+"–"+format, e.Low, e.High)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// errPoints are points with asymmetric error bars.
type errPoints struct {
	plotter.XYs
	plotter.YErrors
}

// plotSweep draws detection against the number of inspectors, one line
// with 95% error bars for each evader, its analytic figure dashed, and the
// agreement's goal dotted. The x axis is logarithmic when the rosters span
// more than a factor of 10.
func plotSweep(path string, s *agreement.Spec, r *sweepReport) error {
	p := plot.New()
	p.Y.Tick.Marker = plot.ConstantTicks{}
	p.Title.Text = fmt.Sprintf("%s: detection per period against inspectors", s.ID)
	p.X.Label.Text = "inspectors on the roster"
	p.Y.Label.Text = fmt.Sprintf("P(at least one of %d violations caught)", r.Violations)
	p.Y.Min, p.Y.Max = 0, 1
	for i := range 11 {
		y := float64(i) / 10
		p.Y.Tick.Marker = append(p.Y.Tick.Marker.(plot.ConstantTicks), plot.Tick{Value: y, Label: strconv.FormatFloat(y, 'f', 1, 64)})
	}
	p.Legend.Top = false
	p.Legend.Left = false
	p.Legend.XOffs = -vg.Millimeter * 2
	p.Legend.YOffs = vg.Millimeter * 12
	p.Add(plotter.NewGrid())
	lo, hi := math.Inf(1), 0.0
	for _, pt := range r.Points {
		lo, hi = min(lo, float64(pt.Inspectors)), max(hi, float64(pt.Inspectors))
	}
	if lo >= 1 && hi/lo > 10 {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = logTicks(lo, hi)
	}
	colours := map[sim.Evader]color.Color{
		sim.Naive:    color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
		sim.Adaptive: color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
	}
	for _, ev := range evaders(r.Points) {
		var e errPoints
		var analytic float64
		for _, pt := range r.Points {
			if pt.Evader != ev {
				continue
			}
			d := pt.Detection
			e.XYs = append(e.XYs, plotter.XY{X: float64(pt.Inspectors), Y: d.Value})
			e.YErrors = append(e.YErrors, struct{ Low, High float64 }{d.Value - d.Low, d.High - d.Value})
			analytic = pt.Analytic
		}
		line, points, err := plotter.NewLinePoints(e.XYs)
		if err != nil {
			return fmt.Errorf("plot: %w", err)
		}
		bars, err := plotter.NewYErrorBars(e)
		if err != nil {
			return fmt.Errorf("plot: %w", err)
		}
		c := colours[ev]
		line.Color, points.Color, bars.Color = c, c, c
		points.Shape = draw.CircleGlyph{}
		flat, err := plotter.NewLine(plotter.XYs{{X: lo, Y: analytic}, {X: hi, Y: analytic}})
		if err != nil {
			return fmt.Errorf("plot: %w", err)
		}
		flat.Color = c
		flat.Dashes = []vg.Length{vg.Points(6), vg.Points(4)}
		p.Add(line, points, bars, flat)
		p.Legend.Add(fmt.Sprintf("%s evader, simulated (95%% CI)", ev), line, points)
		p.Legend.Add(fmt.Sprintf("%s evader, analytic %.4f", ev, analytic), flat)
	}
	goal, err := plotter.NewLine(plotter.XYs{{X: lo, Y: s.Verification.Goal.Probability}, {X: hi, Y: s.Verification.Goal.Probability}})
	if err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	goal.Color = color.Gray{Y: 0x60}
	goal.Dashes = []vg.Length{vg.Points(1), vg.Points(3)}
	p.Add(goal)
	p.Legend.Add(fmt.Sprintf("goal %s", num(s.Verification.Goal.Probability)), goal)
	if roster := float64(s.Verification.Roster); roster >= lo && roster <= hi {
		mark, err := plotter.NewLine(plotter.XYs{{X: roster, Y: 0}, {X: roster, Y: 1}})
		if err != nil {
			return fmt.Errorf("plot: %w", err)
		}
		mark.Color = color.Gray{Y: 0x90}
		mark.Dashes = []vg.Length{vg.Points(2), vg.Points(2)}
		p.Add(mark)
		p.Legend.Add(fmt.Sprintf("the agreement's roster, %d", s.Verification.Roster), mark)
	}
	if err := p.Save(8*vg.Inch, 5*vg.Inch, path); err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	return nil
}

// logTicks labels a log axis at 1, 2 and 5 times the powers of ten.
func logTicks(lo, hi float64) plot.ConstantTicks {
	var ts plot.ConstantTicks
	for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
		for _, m := range []float64{1, 2, 5} {
			if v := m * math.Pow(10, e); v >= lo*0.999 && v <= hi*1.001 {
				ts = append(ts, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', -1, 64)})
			}
		}
	}
	return ts
}
