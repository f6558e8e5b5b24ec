package inspection

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/surety/surety/internal/agreement"
)

// The sensitivity grids. Plan adds the agreement's own goal to the goal grid
// when it is not already there.
var (
	trafficFactors    = []float64{0.5, 1, 2, 4, 8}
	goalProbabilities = []float64{0.5, 0.8, 0.9, 0.95, 0.99}
	goalViolations    = []int{1, 3, 5}
)

// Report is the inspection effort an agreement's traffic assumptions call
// for, per site and overall, with its sensitivity to traffic and to the goal.
//
// An adaptive evader hides in the least-watched traffic, so the detection
// goal is met by the sampling floor alone: Rate is the floor that meets it,
// whatever risk weighting adds on top. The loads are therefore the least
// work the goal needs; selections above the floor add to them.
type Report struct {
	Agreement string         `json:"agreement"`
	Goal      agreement.Goal `json:"goal"`
	// Period is the agreement's period length, e.g. "1mo".
	Period     string  `json:"period"`
	ShiftHours float64 `json:"shift_hours"`
	// Rate is the floor rate that meets the goal against an adaptive
	// evader: FloorRate(goal probability, goal violations).
	Rate float64 `json:"rate"`
	// Floor is the agreement's sampling floor, Detection the detection it
	// gives against the goal's violations (DetectFloor), and Meets whether
	// that reaches the goal.
	Floor     float64 `json:"floor"`
	Detection float64 `json:"detection"`
	Meets     bool    `json:"meets_goal"`
	// Sites are the plans per site, in the order of the agreement's
	// traffic assumptions.
	Sites []Site `json:"sites"`
	// Total sums the sites. Inspectors are posted to a site, so its
	// inspectors are the sum of the sites' and not a pooled figure; its
	// Sample is the fixed sample of the pooled period's consignments.
	Total Effort `json:"total"`
	// Roster is the inspectorate's number of inspectors, RosterNote where
	// the figure comes from, and Covered whether the roster staffs both the
	// goal's load and the agreement's floor load.
	Roster     int    `json:"roster"`
	RosterNote string `json:"roster_note,omitempty"`
	Covered    bool   `json:"covered"`
	// Traffic is the inspectors the goal needs as every site's traffic is
	// scaled by 0.5, 1, 2, 4 and 8.
	Traffic []TrafficRow `json:"traffic"`
	// Goals is the inspectors needed for goal probabilities 0.5, 0.8, 0.9,
	// 0.95 and 0.99 against 1, 3 and 5 violations, and for the agreement's
	// own goal, ordered by probability, then violations.
	Goals []GoalRow `json:"goals"`
}

// Site is the plan for one site.
type Site struct {
	Site string `json:"site"`
	Name string `json:"name"`
	// Days is the days per period: the traffic assumption's, or the
	// period's length in days.
	Days  float64 `json:"days_per_period"`
	Modes []Mode  `json:"modes"`
	Effort
}

// Mode is the traffic of one transport mode at a site and its load at the
// goal's rate.
type Mode struct {
	Mode string `json:"mode"`
	// PerDay is the consignments per day, and HoursPerInspection the
	// inspector-hours each inspection takes.
	PerDay             float64 `json:"per_day"`
	HoursPerInspection float64 `json:"hours_per_inspection"`
	// Inspections and Hours are the expected inspections and
	// inspector-hours per day at the goal's rate.
	Inspections float64 `json:"inspections_per_day"`
	Hours       float64 `json:"hours_per_day"`
}

// Effort is the inspection effort at a site or overall.
type Effort struct {
	// Goal is the load at the rate that meets the goal; Floor is the load
	// at the agreement's floor.
	Goal  Load `json:"goal"`
	Floor Load `json:"floor"`
	// Consignments is N, the consignments per period: the traffic per day
	// times the days per period, to the nearest whole consignment.
	Consignments int `json:"consignments"`
	// Expected is N times the goal's rate: the mean number of inspections
	// per period when every consignment is selected independently at that
	// rate, as Surety selects. That meets the goal exactly whatever N turns
	// out to be, but the number of inspections varies from period to
	// period, with standard deviation Spread, √(N·rate·(1 - rate)).
	Expected float64 `json:"expected"`
	Spread   float64 `json:"spread"`
	// Sample is the exact attribute-sampling n (SampleSize) with
	// non-detection 1 - goal: a fixed sample of exactly n of the N
	// consignments, drawn without replacement, meets the goal. It is at
	// most ⌈Expected⌉, the IAEA approximation, so the counts differ by
	// little; what differs is that a fixed sample needs N known before the
	// draw and a draw over the whole period, where independent selection
	// decides each consignment as it is declared. When N is below the
	// goal's violations the evader cannot hide them all in declared traffic
	// and n is computed for N defects, as for the Detect functions; a
	// period without traffic needs no sample.
	Sample int `json:"sample"`
}

// Load is the daily work of inspecting a site's traffic at one rate.
type Load struct {
	Rate float64 `json:"rate"`
	// Inspections is the expected inspections per day: the sum over modes
	// of consignments per day times Rate.
	Inspections float64 `json:"inspections_per_day"`
	// Hours is the expected inspector-hours per day: the sum over modes of
	// inspections per day times the hours each takes.
	Hours float64 `json:"hours_per_day"`
	// Inspectors is the inspectors on duty each day, ⌈Hours / shift
	// hours⌉. It assumes each works one shift a day, every day of the
	// period, and that the work spreads over the shift. It includes no
	// relief for rest days, leave, travel or peaks, which a roster must add.
	Inspectors int `json:"inspectors"`
}

// TrafficRow is the inspectors the goal needs with every site's traffic
// scaled by Factor.
type TrafficRow struct {
	Factor float64 `json:"factor"`
	// Sites holds each site's inspectors, in the order of Report.Sites.
	Sites []int `json:"sites"`
	Total int   `json:"total"`
}

// GoalRow is the floor rate and the inspectors, over all sites, that a
// goal needs at the agreement's traffic.
type GoalRow struct {
	Probability float64 `json:"probability"`
	Violations  int     `json:"violations"`
	Rate        float64 `json:"rate"`
	Inspectors  int     `json:"inspectors"`
}

// Plan returns the inspection effort the agreement's traffic assumptions
// call for to meet its detection goal. It reports an error wrapping
// ErrInvalid, naming the field, when the agreement states no traffic
// (verification.traffic) or a figure the arithmetic cannot use.
func Plan(spec *agreement.Spec) (Report, error) {
	v := spec.Verification
	if len(v.Traffic) == 0 && !spec.Declares() {
		return Report{}, fmt.Errorf("%w: agreement %s has no declaration obligation: nothing is declared, so there are no consignments to inspect at exit points and no effort to plan", ErrInvalid, spec.ID)
	}
	if err := checkPlan(v); err != nil {
		return Report{}, err
	}
	goal, m := v.Goal.Probability, v.Goal.Violations
	rate, err := FloorRate(goal, m)
	if err != nil {
		return Report{}, err
	}
	detection, err := DetectFloor(v.Sampling.Floor, m)
	if err != nil {
		return Report{}, err
	}
	names := map[string]string{}
	for _, s := range spec.Sites {
		names[s.ID] = s.Name
	}
	r := Report{
		Agreement:  spec.ID,
		Goal:       v.Goal,
		Period:     v.Period.String(),
		ShiftHours: v.ShiftHours,
		Rate:       rate,
		Floor:      v.Sampling.Floor,
		Detection:  detection,
		Meets:      meets(detection, goal),
		Roster:     v.Roster,
		RosterNote: v.RosterNote,
	}
	r.Total.Goal.Rate = rate
	r.Total.Floor.Rate = v.Sampling.Floor
	for _, t := range v.Traffic {
		s := Site{Site: t.Site, Name: names[t.Site], Days: t.DaysPerPeriod}
		if s.Days == 0 {
			s.Days = v.Period.Days()
		}
		s.Goal, s.Modes = siteLoad(t, 1, rate, v.ShiftHours)
		s.Floor, _ = siteLoad(t, 1, v.Sampling.Floor, v.ShiftHours)
		var perDay float64
		for _, md := range t.Modes {
			perDay += md.PerDay
		}
		s.Consignments = int(math.Round(perDay * s.Days))
		s.Expected, s.Spread = expect(s.Consignments, rate)
		if s.Sample, err = periodSample(s.Consignments, m, 1-goal); err != nil {
			return Report{}, fmt.Errorf("site %s: %w", t.Site, err)
		}
		r.Sites = append(r.Sites, s)
		addLoad(&r.Total.Goal, s.Goal)
		addLoad(&r.Total.Floor, s.Floor)
		r.Total.Consignments += s.Consignments
	}
	r.Total.Expected, r.Total.Spread = expect(r.Total.Consignments, rate)
	if r.Total.Sample, err = periodSample(r.Total.Consignments, m, 1-goal); err != nil {
		return Report{}, err
	}
	r.Covered = r.Roster >= max(r.Total.Goal.Inspectors, r.Total.Floor.Inspectors)

	for _, f := range trafficFactors {
		row := TrafficRow{Factor: f}
		for _, t := range v.Traffic {
			l, _ := siteLoad(t, f, rate, v.ShiftHours)
			row.Sites = append(row.Sites, l.Inspectors)
			row.Total += l.Inspectors
		}
		r.Traffic = append(r.Traffic, row)
	}
	for _, p := range withValue(goalProbabilities, goal) {
		for _, k := range withValue(goalViolations, m) {
			f, err := FloorRate(p, k)
			if err != nil {
				return Report{}, err
			}
			row := GoalRow{Probability: p, Violations: k, Rate: f}
			for _, t := range v.Traffic {
				l, _ := siteLoad(t, 1, f, v.ShiftHours)
				row.Inspectors += l.Inspectors
			}
			r.Goals = append(r.Goals, row)
		}
	}
	return r, nil
}

// checkPlan rejects verification figures the planner cannot use, naming the
// field as the agreement spells it.
func checkPlan(v agreement.Verification) error {
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("%w: verification.%s: %s", ErrInvalid, field, fmt.Sprintf(format, args...))
	}
	if len(v.Traffic) == 0 {
		return bad("traffic", "the agreement states no traffic assumptions; give each exit point's consignments per day and inspector-hours per inspection by mode to plan the inspection effort")
	}
	if p := v.Goal.Probability; !(p > 0 && p < 1) {
		return bad("goal.probability", "detection goal %v must be between 0 and 1 exclusive", p)
	}
	if v.Goal.Violations < 1 {
		return bad("goal.violations", "%d violations, want at least 1", v.Goal.Violations)
	}
	if f := v.Sampling.Floor; !(f >= 0 && f <= 1) {
		return bad("sampling.floor", "%v must be in [0, 1]", f)
	}
	if h := v.ShiftHours; !(h > 0 && h <= 24) {
		return bad("shift_hours", "%v must be in (0, 24]", h)
	}
	for i, t := range v.Traffic {
		if !(t.DaysPerPeriod >= 0 && t.DaysPerPeriod < math.Inf(1)) {
			return bad(fmt.Sprintf("traffic[%d].days_per_period", i), "%v must be zero (for the period's length) or positive", t.DaysPerPeriod)
		}
		if len(t.Modes) == 0 {
			return bad(fmt.Sprintf("traffic[%d].modes", i), "traffic at %s lists no modes", t.Site)
		}
		for k, md := range t.Modes {
			if !(md.PerDay >= 0 && md.PerDay < math.Inf(1)) {
				return bad(fmt.Sprintf("traffic[%d].modes[%d].per_day", i, k), "%v consignments per day must be zero or positive", md.PerDay)
			}
			if !(md.HoursPerInspection > 0 && md.HoursPerInspection < math.Inf(1)) {
				return bad(fmt.Sprintf("traffic[%d].modes[%d].hours_per_inspection", i, k), "%v must be positive", md.HoursPerInspection)
			}
		}
	}
	return nil
}

// meets reports whether a floor's detection reaches the goal, to within
// rounding: 1 - 0.94² is 0.11639999999999999 in floating point, yet a floor
// of 0.06 meets a goal of 0.1164 against 2 violations.
func meets(detection, goal float64) bool {
	return detection >= goal-1e-12
}

// siteLoad returns the daily load of inspecting a site's traffic, scaled by
// factor, at rate, and the load of each mode.
func siteLoad(t agreement.Traffic, factor, rate, shift float64) (Load, []Mode) {
	l := Load{Rate: rate}
	modes := make([]Mode, 0, len(t.Modes))
	for _, md := range t.Modes {
		n := factor * md.PerDay * rate
		h := n * md.HoursPerInspection
		modes = append(modes, Mode{Mode: md.Mode, PerDay: md.PerDay, HoursPerInspection: md.HoursPerInspection, Inspections: n, Hours: h})
		l.Inspections += n
		l.Hours += h
	}
	l.Inspectors = staff(l.Hours, shift)
	return l, modes
}

// staff returns ⌈hours / shift⌉. The quotient is first reduced by a
// relative 1e-9, so that binary rounding of decimal inputs does not add an
// inspector: 50 consignments a day at 0.55, 3 hours each, in 7.5-hour
// shifts, is 11.000000000000002 shifts in floating point.
func staff(hours, shift float64) int {
	q := hours / shift
	return int(math.Ceil(q - 1e-9*q))
}

// addLoad adds a site's load to a total at the same rate.
func addLoad(total *Load, l Load) {
	total.Inspections += l.Inspections
	total.Hours += l.Hours
	total.Inspectors += l.Inspectors
}

// expect returns the mean and the standard deviation of the number of
// inspections among n consignments each selected independently at rate.
func expect(n int, rate float64) (mean, sd float64) {
	return float64(n) * rate, math.Sqrt(float64(n) * rate * (1 - rate))
}

// periodSample returns the exact fixed sample of a period of n consignments
// that meets non-detection beta against m violations. An evader cannot
// hide more violations than there are consignments, so m is capped at n;
// an empty period needs no sample.
func periodSample(n, m int, beta float64) (int, error) {
	if n == 0 {
		return 0, nil
	}
	return SampleSize(n, min(m, n), beta)
}

// withValue returns s, sorted, with x added if it is missing.
func withValue[T cmp.Ordered](s []T, x T) []T {
	if slices.Contains(s, x) {
		return s
	}
	s = append(slices.Clone(s), x)
	slices.Sort(s)
	return s
}
