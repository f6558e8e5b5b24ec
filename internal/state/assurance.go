package state

import (
	"fmt"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/inspection"
)

// Assurance is a period's statement of what inspection bought: counts and
// the detection probability against an evader who hides in the
// least-watched traffic, and against one who ships at random.
type Assurance struct {
	Period       int            `json:"period"`
	From         time.Time      `json:"from"`
	To           time.Time      `json:"to"`
	Declared     int            `json:"declared"`
	Withdrawn    int            `json:"withdrawn"`
	Selected     int            `json:"selected"`
	Inspected    int            `json:"inspected"`
	NotPerformed int            `json:"not_performed"`
	Pending      int            `json:"pending"`
	Goal         agreement.Goal `json:"goal"`
	Detection    []Detection    `json:"detection"`
	// MeetsGoal says whether the adaptive detection against the goal's
	// number of violations reaches the goal's probability.
	MeetsGoal bool `json:"meets_goal"`
}

// Detection is the probability of catching at least one of M prohibited
// consignments.
type Detection struct {
	M        int     `json:"violations"`
	Adaptive float64 `json:"adaptive"`
	Random   float64 `json:"random"`
}

// PeriodAssurance computes the assurance statement of period n over the
// declarations departing in it. A selected declaration whose inspection was
// not performed, or was denied, counts with probability 0: it was not
// checked. Withdrawn declarations do not count.
func PeriodAssurance(kv KV, spec *agreement.Spec, n int) (*Assurance, error) {
	from, to, ok := Timeline(kv, spec).Period(n)
	if !ok {
		return nil, errNoPeriod(n)
	}
	ds, err := Declarations(kv, "", from, to, "", 0)
	if err != nil {
		return nil, err
	}
	a := &Assurance{Period: n, From: from, To: to, Goal: spec.Verification.Goal}
	var ps []float64
	for _, d := range ds {
		a.Declared++
		if d.Status == Withdrawn {
			a.Withdrawn++
			continue
		}
		p := d.P
		if d.Selected != nil && *d.Selected {
			a.Selected++
			in, found, err := LoadInspection(kv, d.ID)
			if err != nil {
				return nil, err
			}
			switch {
			case !found:
				a.Pending++
			case in.Outcome == NotPerformed || in.Outcome == AccessDenied:
				a.NotPerformed++
				p = 0
			default:
				a.Inspected++
			}
		}
		ps = append(ps, p)
	}
	for _, m := range []int{1, spec.Verification.Goal.Violations, 5} {
		if len(a.Detection) > 0 && a.Detection[len(a.Detection)-1].M == m {
			continue
		}
		ad, err := inspection.DetectAdaptive(ps, m)
		if err != nil {
			return nil, err
		}
		rd, err := inspection.DetectRandom(ps, m)
		if err != nil {
			return nil, err
		}
		a.Detection = append(a.Detection, Detection{M: m, Adaptive: ad, Random: rd})
		if m == spec.Verification.Goal.Violations {
			a.MeetsGoal = ad >= spec.Verification.Goal.Probability
		}
	}
	return a, nil
}

func errNoPeriod(n int) error {
	return fmt.Errorf("%w: period %d is not known: periods count from 1, and the first starts when verification does", ErrInvalid, n)
}
