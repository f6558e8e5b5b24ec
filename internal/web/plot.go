package web

import (
	"fmt"
	"image/color"
	"net/http"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/surety/surety/internal/compliance"
	"github.com/surety/surety/internal/state"
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
	wt, err := p.WriterTo(8*vg.Inch, 4*vg.Inch, "svg")
	if err != nil {
		return fmt.Errorf("web: plot: %w", err)
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "no-store")
	_, err = wt.WriteTo(w)
	return err
}
