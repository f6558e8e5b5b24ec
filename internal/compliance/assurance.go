package compliance

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
	Period    int       `json:"period"`
	From      time.Time `json:"from"`
	To        time.Time `json:"to"`
	Declared  int       `json:"declared"`
	Withdrawn int       `json:"withdrawn"`
	Selected  int       `json:"selected"`
	Inspected int       `json:"inspected"`
	// Denied counts selected consignments the site's party kept the
	// inspectors from; NotPerformed those not inspected for other causes:
	// the inspectorate's failures and force majeure.
	Denied       int            `json:"denied"`
	NotPerformed int            `json:"not_performed"`
	Pending      int            `json:"pending"`
	Goal         agreement.Goal `json:"goal"`
	Detection    []Detection    `json:"detection"`
	// MeetsGoal says whether the adaptive detection against the goal's
	// number of violations reaches the goal's probability.
	MeetsGoal bool `json:"meets_goal"`
	// ButFor is the adaptive detection against the goal's violations had
	// every inspection not performed for a cause other than the site's
	// party been performed; MeetsGoalButFor says whether it reaches the
	// goal. A goal missed only through such causes is no doubt about the
	// undertaker.
	ButFor          float64 `json:"detection_but_for_inspectorate"`
	MeetsGoalButFor bool    `json:"meets_goal_but_for_inspectorate"`
	// Deterrence says whether the detection deters a violation, given what
	// the undertaker still stood to lose when the period closed.
	Deterrence *Deterrence `json:"deterrence,omitempty"`
	// Assumptions are what the detection figures rest on, each with what
	// the detection against the goal's violations would be if it failed.
	Assumptions []Assumption `json:"assumptions"`
}

// Assumption is one thing the detection figures rest on.
type Assumption struct {
	Name string `json:"name"`
	Text string `json:"text"`
	// IfFailed is the adaptive detection against the goal's violations were
	// the assumption to fail.
	IfFailed float64 `json:"detection_if_failed"`
}

// findHalf is the finding rate of the third assumption's failure: an
// inspection that finds what is there only half the time.
const findHalf = 0.5

// Detection is the probability of catching at least one of M prohibited
// consignments.
type Detection struct {
	M        int     `json:"violations"`
	Adaptive float64 `json:"adaptive"`
	Random   float64 `json:"random"`
}

// Sample is one declared consignment as a period's assurance counts it.
type Sample struct {
	// P is its selection probability.
	P         float64
	Withdrawn bool
	Selected  bool
	// State is what became of a selected consignment.
	State SampleState
}

// SampleState is what became of a selected consignment.
type SampleState int

// The states of a selected consignment.
const (
	// Pending: no report yet, and its deadline has not passed.
	Pending SampleState = iota
	// Inspected: inspectors reported on it.
	Inspected
	// Denied: the site's party kept the inspectors from it.
	Denied
	// Missed: it was not inspected, for a cause other than the site's
	// party.
	Missed
)

// Nothing reports whether nothing was declared in the period, but for
// what was withdrawn.
func (a *Assurance) Nothing() bool { return a.Declared == a.Withdrawn }

// Assess computes a period's assurance from its declarations. A selected
// consignment that was not inspected counts with probability 0: it was
// not checked. Withdrawn declarations do not count.
func Assess(n int, from, to time.Time, goal agreement.Goal, samples []Sample) (*Assurance, error) {
	a := &Assurance{Period: n, From: from, To: to, Goal: goal, Detection: []Detection{}}
	var ps, butFor []float64
	unselected := 0
	for _, s := range samples {
		a.Declared++
		if s.Withdrawn {
			a.Withdrawn++
			continue
		}
		p, q := s.P, s.P
		if !s.Selected {
			unselected++
		}
		if s.Selected {
			a.Selected++
			switch s.State {
			case Pending:
				a.Pending++
			case Inspected:
				a.Inspected++
			case Denied:
				a.Denied++
				p, q = 0, 0
			case Missed:
				a.NotPerformed++
				p = 0
			}
		}
		ps = append(ps, p)
		butFor = append(butFor, q)
	}
	if err := a.assume(ps, unselected, goal); err != nil {
		return nil, err
	}
	for _, m := range []int{1, goal.Violations, 5} {
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
		if m == goal.Violations {
			a.MeetsGoal = ad >= goal.Probability
			bf, err := inspection.DetectAdaptive(butFor, m)
			if err != nil {
				return nil, err
			}
			a.ButFor, a.MeetsGoalButFor = bf, bf >= goal.Probability
		}
	}
	return a, nil
}

// Adaptive returns the adaptive detection against m violations, if the
// statement gives it.
func (a *Assurance) Adaptive(m int) (float64, bool) {
	for _, d := range a.Detection {
		if d.M == m {
			return d.Adaptive, true
		}
	}
	return 0, false
}

// assume states the assumptions and what their failure would cost.
func (a *Assurance) assume(ps []float64, unselected int, goal agreement.Goal) error {
	d, err := inspection.DetectAdaptive(ps, goal.Violations)
	if err != nil {
		return err
	}
	sealed := 0.0
	if unselected < goal.Violations {
		sealed = d // too few consignments went unselected to hide in
	}
	half := make([]float64, len(ps))
	for i, p := range ps {
		half[i] = p * findHalf
	}
	found, err := inspection.DetectAdaptive(half, goal.Violations)
	if err != nil {
		return err
	}
	a.Assumptions = []Assumption{
		{Name: "sealed selection", IfFailed: sealed,
			Text: "the undertaker could not tell selected consignments from the others before its cargo left: each decision was committed to in the log and revealed only when the inspectors came, or after departure"},
		{Name: "seals intact", IfFailed: 0,
			Text: "cargo could not be changed between its declaration and its departure without breaking a declared seal, so that what was inspected is what left"},
		{Name: "inspections find what is there", IfFailed: found,
			Text: fmt.Sprintf("an inspection of a consignment holding prohibited items finds them; if it found them only %.0f%% of the time, detection would be the figure given", findHalf*100)},
	}
	return nil
}
