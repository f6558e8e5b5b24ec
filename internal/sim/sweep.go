package sim

import (
	"fmt"

	"github.com/surety/surety/internal/agreement"
)

// Point is detection with one roster, against one evader.
type Point struct {
	Evader     Evader `json:"evader"`
	Inspectors int    `json:"inspectors"`
	// Posted is the inspectors posted at each site, in the order of the
	// agreement's traffic assumptions.
	Posted []int `json:"posted"`
	// Detection, Analytic, Hours and Uninspected are as in Result.
	Detection   Estimate `json:"detection"`
	Analytic    float64  `json:"analytic"`
	Hours       Estimate `json:"hours_per_period"`
	Uninspected Estimate `json:"uninspected_per_period"`
}

// Sweep simulates the agreement with each roster in inspectors, against
// opts.Evader or, when it is empty, the naive and then the adaptive evader.
// Every roster sees the same traffic and draws, so the points differ only
// by the inspectors. opts.Inspectors is ignored; Progress counts the runs
// of all points. It returns an error wrapping ErrInvalid for the evader
// none, which gives nothing to detect, or a negative roster.
func Sweep(spec *agreement.Spec, opts Options, inspectors []int) ([]Point, error) {
	evaders := []Evader{opts.Evader}
	switch opts.Evader {
	case "":
		evaders = []Evader{Naive, Adaptive}
	case None:
		return nil, fmt.Errorf("%w: the evader none ships nothing to detect; sweep naive or adaptive", ErrInvalid)
	}
	if len(inspectors) == 0 {
		return nil, fmt.Errorf("%w: no rosters to sweep", ErrInvalid)
	}
	for _, n := range inspectors {
		if n < 0 {
			return nil, fmt.Errorf("%w: %d inspectors is negative", ErrInvalid, n)
		}
	}
	m, err := newModel(spec, opts)
	if err != nil {
		return nil, err
	}
	total := len(evaders) * len(inspectors) * opts.Runs
	var points []Point
	for _, ev := range evaders {
		for _, n := range inspectors {
			c, err := m.config(opts, ev, n)
			if err != nil {
				return nil, err
			}
			base := len(points) * opts.Runs
			t := m.simulate(c, opts, func(done int) {
				if opts.Progress != nil {
					opts.Progress(base+done, total)
				}
			})
			r := m.result(c, opts, t)
			points = append(points, Point{
				Evader: ev, Inspectors: n, Posted: c.posted,
				Detection: *r.Detection, Analytic: r.Analytic, Hours: r.Hours, Uninspected: r.Uninspected,
			})
		}
	}
	return points, nil
}
