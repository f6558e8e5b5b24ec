package web

import (
	"fmt"
	"image/color"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/surety/surety/internal/compliance"
	"github.com/surety/surety/internal/inspection"
	"github.com/surety/surety/internal/ledger"
	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/statement"
)

// detection is a closed period's detection against its goal: the chance
// of catching at least one of the goal's number of violations, against
// the adaptive evader the period's statement reports.
type detection struct {
	Period    int
	Adaptive  float64
	Goal      float64
	MeetsGoal bool
}

// detections gives each closed period's detection at its goal, in period
// order; periods without an assurance figure are left out.
func detections(ps []compliance.Period) []detection {
	var out []detection
	for _, p := range ps {
		a := p.Assurance
		if a == nil {
			continue
		}
		i := slices.IndexFunc(a.Detection, func(d compliance.Detection) bool { return d.M == a.Goal.Violations })
		if i < 0 {
			continue
		}
		out = append(out, detection{Period: p.N, Adaptive: a.Detection[i].Adaptive, Goal: a.Goal.Probability, MeetsGoal: a.MeetsGoal})
	}
	slices.SortFunc(out, func(a, b detection) int { return a.Period - b.Period })
	return out
}

// detectionPlot draws each closed period's detection against the goal, as
// SVG. The overview gives the same figures in a table beside it.
func (d *Dashboard) detectionPlot(w http.ResponseWriter, r *http.Request) error {
	var ps []compliance.Period
	err := d.log.View(r.Context(), func(kv state.KV) error {
		var err error
		ps, err = state.Periods(kv)
		return err
	})
	if err != nil {
		return err
	}
	ds := detections(ps)
	p := plot.New()
	p.Title.Text = "Detection per period against the goal"
	p.X.Label.Text = "period"
	p.Y.Label.Text = "P(at least one violation caught)"
	p.Y.Min, p.Y.Max = 0, 1
	p.Add(plotter.NewGrid())
	if len(ds) > 0 {
		var pts, goal plotter.XYs
		ticks := plot.ConstantTicks{}
		for _, x := range ds {
			pts = append(pts, plotter.XY{X: float64(x.Period), Y: x.Adaptive})
			goal = append(goal, plotter.XY{X: float64(x.Period), Y: x.Goal})
			ticks = append(ticks, plot.Tick{Value: float64(x.Period), Label: strconv.Itoa(x.Period)})
		}
		p.X.Tick.Marker = ticks
		p.X.Min, p.X.Max = float64(ds[0].Period)-0.5, float64(ds[len(ds)-1].Period)+0.5
		line, points, err := plotter.NewLinePoints(pts)
		if err != nil {
			return fmt.Errorf("web: plot: %w", err)
		}
		blue := color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}
		line.Color, points.Color, points.Shape = blue, blue, draw.CircleGlyph{}
		g, err := plotter.NewLine(goal)
		if err != nil {
			return fmt.Errorf("web: plot: %w", err)
		}
		g.Color = color.Gray{Y: 0x60}
		g.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(line, points, g)
		p.Legend.Add("detection, adaptive evader", line, points)
		p.Legend.Add("the agreement's goal", g)
		p.Legend.Top, p.Legend.Left = false, false
	}
	return svg(w, p, 8*vg.Inch, 4*vg.Inch)
}

// svg writes a plot as SVG.
func svg(w http.ResponseWriter, p *plot.Plot, width, height vg.Length) error {
	wt, err := p.WriterTo(width, height, "svg")
	if err != nil {
		return fmt.Errorf("web: plot: %w", err)
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "no-store")
	_, err = wt.WriteTo(w)
	return err
}

// days is a time as days since the Unix epoch, for a plot's x axis.
func days(t time.Time) float64 { return float64(t.Unix()) / 86400 }

// dateTicks label a time axis in days with dates.
type dateTicks struct{}

func (dateTicks) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	for _, t := range (plot.DefaultTicks{}).Ticks(lo, hi) {
		if t.Label != "" {
			t.Label = time.Unix(int64(t.Value*86400), 0).UTC().Format(time.DateOnly)
		}
		ts = append(ts, t)
	}
	return ts
}

// millions label an amount axis in millions.
type millions struct{}

func (millions) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	for _, t := range (plot.DefaultTicks{}).Ticks(lo, hi) {
		if t.Label != "" {
			t.Label = strconv.FormatFloat(t.Value/1e6, 'f', -1, 64)
		}
		ts = append(ts, t)
	}
	return ts
}

// tranchePlot draws, over time, the sum of the tranches fallen due and the
// sum paid, in the incentive's currency.
func (d *Dashboard) tranchePlot(w http.ResponseWriter, r *http.Request) error {
	var in *state.Incentives
	err := d.log.View(r.Context(), func(kv state.KV) error {
		var err error
		in, err = state.LoadIncentives(kv)
		return err
	})
	if err != nil {
		return err
	}
	type step struct {
		at     time.Time
		amount float64
	}
	var due, paid []step
	currency := ""
	for _, t := range in.Tranches {
		currency = t.Currency
		if t.Due != nil {
			due = append(due, step{*t.Due, float64(t.Amount)})
		}
		for _, ch := range t.History {
			if strings.HasPrefix(ch.Reason, string(compliance.TranchePaid)+":") {
				paid = append(paid, step{ch.Time, float64(t.Amount)})
			}
		}
	}
	cumulative := func(ss []step) plotter.XYs {
		slices.SortFunc(ss, func(a, b step) int { return a.at.Compare(b.at) })
		var xy plotter.XYs
		sum := 0.0
		for _, s := range ss {
			xy = append(xy, plotter.XY{X: days(s.at), Y: sum})
			sum += s.amount
			xy = append(xy, plotter.XY{X: days(s.at), Y: sum})
		}
		return xy
	}
	p := plot.New()
	p.Title.Text = "Tranches fallen due and paid"
	p.X.Tick.Marker = dateTicks{}
	p.Y.Label.Text = "cumulative, millions of " + currency
	p.Y.Tick.Marker = millions{}
	p.Add(plotter.NewGrid())
	for _, s := range []struct {
		name  string
		steps []step
		c     color.Color
		dash  []vg.Length
	}{
		{"fallen due", due, color.Gray{Y: 0x60}, []vg.Length{vg.Points(4), vg.Points(3)}},
		{"paid", paid, color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}, nil},
	} {
		if len(s.steps) == 0 {
			continue
		}
		l, err := plotter.NewLine(cumulative(s.steps))
		if err != nil {
			return fmt.Errorf("web: plot: %w", err)
		}
		l.Color, l.Dashes = s.c, s.dash
		p.Add(l)
		p.Legend.Add(s.name, l)
	}
	p.Legend.Top, p.Legend.Left = true, true
	return svg(w, p, 8*vg.Inch, 3.5*vg.Inch)
}

// trafficPlot draws the consignments declared and those inspected, per
// site and week of departure.
func (d *Dashboard) trafficPlot(w http.ResponseWriter, r *http.Request) error {
	type week struct {
		site string
		at   int64 // the week's Monday, in days since the epoch
	}
	declared, inspected := map[week]int{}, map[week]int{}
	var sites []string
	err := d.log.View(r.Context(), func(kv state.KV) error {
		spec, err := d.spec(kv)
		if err != nil {
			return err
		}
		for _, st := range spec.Sites {
			if !st.ExitPoint() {
				continue
			}
			sites = append(sites, st.ID)
			ds, err := state.Declarations(kv, st.ID, time.Time{}, time.Time{}, "", 0)
			if err != nil {
				return err
			}
			for _, dc := range ds {
				t := dc.Body.Departure.UTC()
				monday := t.AddDate(0, 0, -(int(t.Weekday())+6)%7).Truncate(24 * time.Hour)
				k := week{st.ID, monday.Unix() / 86400}
				declared[k]++
				in, found, err := state.LoadInspection(kv, dc.ID)
				if err != nil {
					return err
				}
				if found && in.Outcome != statement.AccessDenied && in.Outcome != statement.NotPerformed {
					inspected[k]++
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	p := plot.New()
	p.Title.Text = "Consignments declared and inspected, per site and week"
	p.X.Tick.Marker = dateTicks{}
	p.Y.Label.Text = "consignments"
	p.Add(plotter.NewGrid())
	palette := []color.Color{color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}, color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
		color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}, color.RGBA{R: 0x94, G: 0x67, B: 0xbd, A: 0xff}}
	for i, site := range sites {
		for _, s := range []struct {
			what   string
			counts map[week]int
			dash   []vg.Length
		}{{"declared", declared, nil}, {"inspected", inspected, []vg.Length{vg.Points(4), vg.Points(3)}}} {
			var xy plotter.XYs
			for k, n := range s.counts {
				if k.site == site {
					xy = append(xy, plotter.XY{X: float64(k.at), Y: float64(n)})
				}
			}
			if len(xy) == 0 {
				continue
			}
			slices.SortFunc(xy, func(a, b plotter.XY) int { return int(a.X - b.X) })
			l, err := plotter.NewLine(xy)
			if err != nil {
				return fmt.Errorf("web: plot: %w", err)
			}
			l.Color, l.Dashes = palette[i%len(palette)], s.dash
			p.Add(l)
			p.Legend.Add(site+", "+s.what, l)
		}
	}
	p.Legend.Top = true
	return svg(w, p, 8*vg.Inch, 3.5*vg.Inch)
}

// plannerPlot draws the planner's answer: the inspectors the agreement's
// traffic needs for each detection probability, against its goal's number
// of violations, with the roster marked.
func (d *Dashboard) plannerPlot(w http.ResponseWriter, r *http.Request) error {
	spec, err := d.adopted(r.Context())
	if err != nil {
		return err
	}
	rep, err := inspection.Plan(spec)
	if err != nil {
		return fmt.Errorf("%w: %v", ledger.ErrNotFound, err)
	}
	var xy plotter.XYs
	for _, g := range rep.Goals {
		if g.Violations == rep.Goal.Violations {
			xy = append(xy, plotter.XY{X: float64(g.Inspectors), Y: g.Probability})
		}
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Inspectors needed against detection (%d violations a period)", rep.Goal.Violations)
	p.X.Label.Text = "inspectors"
	p.Y.Label.Text = "detection probability"
	p.Y.Min, p.Y.Max = 0, 1
	p.Add(plotter.NewGrid())
	line, points, err := plotter.NewLinePoints(xy)
	if err != nil {
		return fmt.Errorf("web: plot: %w", err)
	}
	blue := color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}
	line.Color, points.Color, points.Shape = blue, blue, draw.CircleGlyph{}
	p.Add(line, points)
	p.Legend.Add("inspectors the goal needs", line, points)
	most := 0.0
	for _, pt := range xy {
		most = max(most, pt.X)
	}
	if float64(rep.Roster) <= 2*most {
		roster, err := plotter.NewLine(plotter.XYs{{X: float64(rep.Roster), Y: 0}, {X: float64(rep.Roster), Y: 1}})
		if err != nil {
			return fmt.Errorf("web: plot: %w", err)
		}
		roster.Color, roster.Dashes = color.Gray{Y: 0x60}, []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(roster)
		p.Legend.Add(fmt.Sprintf("the roster, %d", rep.Roster), roster)
	} else {
		// A roster far beyond the need would squeeze the curve into a corner.
		p.Title.Text += fmt.Sprintf("; the roster is %d", rep.Roster)
	}
	p.Legend.Top, p.Legend.Left = false, false
	return svg(w, p, 8*vg.Inch, 3.5*vg.Inch)
}
