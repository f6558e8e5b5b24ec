package inspection

import (
	"cmp"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/surety/surety/internal/agreement"
)

func loadExample(t *testing.T, name string) *agreement.Spec {
	t.Helper()
	s, err := agreement.Load("../../examples/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestPlan1993 answers the 1993 question: with 12 flights a day at Sunan
// (2 inspector-hours each) and 40 sailings a day at Nampo (4 hours each),
// 8-hour shifts and a goal of 0.9 against 3 violations, the floor is
// 1 - 0.1^(1/3) = 0.535841; Sunan inspects 6.430 a day for 12.860 hours,
// 2 inspectors, and Nampo 21.434 a day for 85.735 hours, 11 inspectors.
// The agreed floor of 0.55 gives 1 - 0.45³ = 0.908875 and needs 13.2 and
// exactly 88 hours: 2 and 11 inspectors again.
func TestPlan1993(t *testing.T) {
	r, err := Plan(loadExample(t, "israel-dprk-1993.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	const rate = 0.5358411166387220
	if !near(r.Rate, rate, 1e-14) {
		t.Errorf("rate %v, want %v", r.Rate, rate)
	}
	if !near(r.Detection, 0.908875, 1e-14) || !r.Meets || r.Floor != 0.55 {
		t.Errorf("floor %v detects %v, meets %v; want 0.55, 0.908875, true", r.Floor, r.Detection, r.Meets)
	}
	if r.Period != "1mo" || r.ShiftHours != 8 || r.Goal != (agreement.Goal{Probability: 0.9, Violations: 3}) {
		t.Errorf("assumptions %q %v %+v", r.Period, r.ShiftHours, r.Goal)
	}
	want := []struct {
		site, name          string
		inspections, hours  float64
		inspectors, atFloor int
		n, sample           int
	}{
		{"fnj", "Pyongyang Sunan International Airport", 12 * rate, 24 * rate, 2, 2, 360, 193},
		{"kpnam", "Port of Nampo", 40 * rate, 160 * rate, 11, 11, 1200, 643},
	}
	if len(r.Sites) != len(want) {
		t.Fatalf("%d sites, want %d", len(r.Sites), len(want))
	}
	for i, w := range want {
		s := r.Sites[i]
		if s.Site != w.site || s.Name != w.name || s.Days != 30 {
			t.Errorf("site %d is %s %q over %v days, want %s %q over 30", i, s.Site, s.Name, s.Days, w.site, w.name)
		}
		if !near(s.Goal.Inspections, w.inspections, 1e-14) || !near(s.Goal.Hours, w.hours, 1e-14) || s.Goal.Inspectors != w.inspectors {
			t.Errorf("%s at the goal: %v inspections, %v hours, %d inspectors; want %v, %v, %d",
				s.Site, s.Goal.Inspections, s.Goal.Hours, s.Goal.Inspectors, w.inspections, w.hours, w.inspectors)
		}
		if s.Floor.Rate != 0.55 || s.Floor.Inspectors != w.atFloor {
			t.Errorf("%s at the floor %v: %d inspectors, want %d", s.Site, s.Floor.Rate, s.Floor.Inspectors, w.atFloor)
		}
		// The exact samples are one more than N·rate rounds down to:
		// β(192) = 0.1007… at Sunan, β(642) = 0.1003… at Nampo.
		if s.Consignments != w.n || s.Sample != w.sample || !near(s.Expected, float64(w.n)*rate, 1e-14) {
			t.Errorf("%s: N = %d, n = %d, expected %v; want %d, %d, %v", s.Site, s.Consignments, s.Sample, s.Expected, w.n, w.sample, float64(w.n)*rate)
		}
		if !near(s.Spread, math.Sqrt(float64(w.n)*rate*(1-rate)), 1e-14) {
			t.Errorf("%s: spread %v", s.Site, s.Spread)
		}
	}
	tot := r.Total
	if tot.Goal.Inspectors != 13 || tot.Floor.Inspectors != 13 || !near(tot.Goal.Hours, 184*rate, 1e-14) {
		t.Errorf("total: %d inspectors at the goal, %d at the floor, %v hours; want 13, 13, %v", tot.Goal.Inspectors, tot.Floor.Inspectors, tot.Goal.Hours, 184*rate)
	}
	if tot.Consignments != 1560 || tot.Sample != 836 {
		t.Errorf("total: N = %d, n = %d, want 1560, 836", tot.Consignments, tot.Sample)
	}
	if r.Roster != 300 || !r.Covered {
		t.Errorf("roster %d covered %v, want 300 true", r.Roster, r.Covered)
	}
}

// synthetic is an agreement small enough to plan by hand: a goal of 0.75
// against 2 violations needs a floor of exactly 0.5.
func synthetic() *agreement.Spec {
	return &agreement.Spec{
		ID:    "synthetic",
		Sites: []agreement.Site{{ID: "a", Name: "Alpha"}, {ID: "b", Name: "Bravo"}},
		Verification: agreement.Verification{
			Period:     agreement.MustDuration("1mo"),
			Goal:       agreement.Goal{Probability: 0.75, Violations: 2},
			Sampling:   agreement.Sampling{Floor: 0.4, Cap: 1},
			Roster:     5,
			ShiftHours: 8,
			Traffic: []agreement.Traffic{
				{Site: "a", DaysPerPeriod: 10, Modes: []agreement.Mode{
					{Mode: "road", PerDay: 10, HoursPerInspection: 1},
					{Mode: "rail", PerDay: 4, HoursPerInspection: 3},
				}},
				{Site: "b", Modes: []agreement.Mode{{Mode: "sea", PerDay: 16, HoursPerInspection: 4}}},
			},
		},
	}
}

// TestPlanSynthetic checks a plan worked by hand. At the rate 0.5, Alpha
// inspects 5 + 2 = 7 a day for 5 + 6 = 11 hours (2 inspectors) and Bravo 8
// a day for exactly 32 hours (4). The floor 0.4 detects 1 - 0.6² = 0.64, short
// of 0.75, and a roster of 5 is short of 6. With β = 0.25 and M = 2 the exact
// sample is the smallest n with (N-n)(N-n-1) ≤ N(N-1)/4: 70 of Alpha's 140
// consignments, 240 of Bravo's 480 (30 days by default), 310 of 620.
func TestPlanSynthetic(t *testing.T) {
	r, err := Plan(synthetic())
	if err != nil {
		t.Fatal(err)
	}
	if !near(r.Rate, 0.5, 1e-15) || !near(r.Detection, 0.64, 1e-15) || r.Meets {
		t.Errorf("rate %v, floor detection %v, meets %v; want 0.5, 0.64, false", r.Rate, r.Detection, r.Meets)
	}
	a, b := r.Sites[0], r.Sites[1]
	if a.Name != "Alpha" || a.Days != 10 || b.Days != 30 {
		t.Errorf("sites %q over %v days and %q over %v", a.Name, a.Days, b.Name, b.Days)
	}
	wantModes := []Mode{
		{Mode: "road", PerDay: 10, HoursPerInspection: 1, Inspections: 5, Hours: 5},
		{Mode: "rail", PerDay: 4, HoursPerInspection: 3, Inspections: 2, Hours: 6},
	}
	if !slices.EqualFunc(a.Modes, wantModes, func(x, y Mode) bool {
		return x.Mode == y.Mode && x.PerDay == y.PerDay && x.HoursPerInspection == y.HoursPerInspection &&
			near(x.Inspections, y.Inspections, 1e-15) && near(x.Hours, y.Hours, 1e-15)
	}) {
		t.Errorf("Alpha's modes %+v, want %+v", a.Modes, wantModes)
	}
	for _, c := range []struct {
		name               string
		l                  Load
		inspections, hours float64
		inspectors         int
	}{
		{"Alpha at the goal", a.Goal, 7, 11, 2},
		{"Bravo at the goal", b.Goal, 8, 32, 4},
		{"total at the goal", r.Total.Goal, 15, 43, 6},
		{"Alpha at the floor", a.Floor, 5.6, 8.8, 2},
		{"Bravo at the floor", b.Floor, 6.4, 25.6, 4},
		{"total at the floor", r.Total.Floor, 12, 34.4, 6},
	} {
		if !near(c.l.Inspections, c.inspections, 1e-14) || !near(c.l.Hours, c.hours, 1e-14) || c.l.Inspectors != c.inspectors {
			t.Errorf("%s: %v inspections, %v hours, %d inspectors; want %v, %v, %d",
				c.name, c.l.Inspections, c.l.Hours, c.l.Inspectors, c.inspections, c.hours, c.inspectors)
		}
	}
	for _, c := range []struct {
		name      string
		e         Effort
		n, sample int
	}{
		{"Alpha", a.Effort, 140, 70},
		{"Bravo", b.Effort, 480, 240},
		{"total", r.Total, 620, 310},
	} {
		if c.e.Consignments != c.n || c.e.Sample != c.sample || !near(c.e.Expected, float64(c.n)/2, 1e-14) {
			t.Errorf("%s: N = %d, n = %d, expected %v; want %d, %d, %v", c.name, c.e.Consignments, c.e.Sample, c.e.Expected, c.n, c.sample, float64(c.n)/2)
		}
	}
	if r.Covered {
		t.Error("a roster of 5 covers 6 inspectors")
	}

	// Scaling: Alpha needs ⌈11f/8⌉, Bravo ⌈32f/8⌉.
	wantTraffic := []TrafficRow{
		{0.5, []int{1, 2}, 3},
		{1, []int{2, 4}, 6},
		{2, []int{3, 8}, 11},
		{4, []int{6, 16}, 22},
		{8, []int{11, 32}, 43},
	}
	if !slices.EqualFunc(r.Traffic, wantTraffic, func(x, y TrafficRow) bool {
		return x.Factor == y.Factor && slices.Equal(x.Sites, y.Sites) && x.Total == y.Total
	}) {
		t.Errorf("traffic table %v, want %v", r.Traffic, wantTraffic)
	}

	// The agreement's own goal joins the grid: 6 probabilities by 4
	// violations, and its row repeats the plan.
	if len(r.Goals) != 24 {
		t.Fatalf("%d goal rows, want 24", len(r.Goals))
	}
	i := slices.IndexFunc(r.Goals, func(g GoalRow) bool { return g.Probability == 0.75 && g.Violations == 2 })
	if i < 0 || r.Goals[i].Inspectors != 6 || !near(r.Goals[i].Rate, 0.5, 1e-15) {
		t.Errorf("the agreement's goal in the grid: %+v", r.Goals)
	}
}

// TestPlanSensitivityMonotone checks, on the example with traffic, that
// the inspectors needed never fall as traffic or the goal probability grows,
// and never rise as the evader needs more violations, and that the tables
// agree with the plan at the agreement's own traffic and goal.
func TestPlanSensitivityMonotone(t *testing.T) {
	for _, name := range []string{"israel-dprk-1993.yaml"} {
		t.Run(name, func(t *testing.T) {
			r, err := Plan(loadExample(t, name))
			if err != nil {
				t.Fatal(err)
			}
			for i, row := range r.Traffic {
				if row.Factor == 1 {
					for k, s := range r.Sites {
						if row.Sites[k] != s.Goal.Inspectors {
							t.Errorf("factor 1 gives %s %d inspectors, the plan %d", s.Site, row.Sites[k], s.Goal.Inspectors)
						}
					}
				}
				if i == 0 {
					continue
				}
				prev := r.Traffic[i-1]
				if row.Factor <= prev.Factor || row.Total < prev.Total {
					t.Errorf("traffic ×%v needs %d, ×%v needs %d", prev.Factor, prev.Total, row.Factor, row.Total)
				}
				for k := range row.Sites {
					if row.Sites[k] < prev.Sites[k] {
						t.Errorf("site %s: traffic ×%v needs %d, ×%v needs %d", r.Sites[k].Site, prev.Factor, prev.Sites[k], row.Factor, row.Sites[k])
					}
				}
			}
			if last := r.Traffic[len(r.Traffic)-1]; last.Total <= r.Traffic[0].Total {
				t.Errorf("16 times the traffic needs no more inspectors: %v", r.Traffic)
			}
			own := false
			for _, g := range r.Goals {
				if g.Probability == r.Goal.Probability && g.Violations == r.Goal.Violations {
					own = true
					if g.Inspectors != r.Total.Goal.Inspectors || g.Rate != r.Rate {
						t.Errorf("the agreement's goal row %+v disagrees with the plan", g)
					}
				}
				for _, h := range r.Goals {
					harder := h.Probability >= g.Probability && h.Violations <= g.Violations
					if harder && (h.Rate < g.Rate || h.Inspectors < g.Inspectors) {
						t.Errorf("goal %v against %d needs %v (%d inspectors), less than %v against %d: %v (%d)",
							h.Probability, h.Violations, h.Rate, h.Inspectors, g.Probability, g.Violations, g.Rate, g.Inspectors)
					}
				}
			}
			if !own {
				t.Errorf("the agreement's goal %+v is not in the grid", r.Goal)
			}
			first, last := r.Goals[0], r.Goals[len(r.Goals)-1]
			if !slices.IsSortedFunc(r.Goals, func(x, y GoalRow) int {
				if x.Probability != y.Probability {
					return cmp.Compare(x.Probability, y.Probability)
				}
				return x.Violations - y.Violations
			}) || first.Rate >= last.Rate {
				t.Errorf("goal rows out of order or flat: first %+v, last %+v", first, last)
			}
		})
	}
}

// TestPlanEdges covers rounding, thin traffic and empty traffic.
func TestPlanEdges(t *testing.T) {
	// 50 a day at 0.55, 3 hours each, is 82.5 hours: exactly 11 shifts of
	// 7.5 hours, which floating point makes 11.000000000000002.
	s := synthetic()
	s.Verification.Sampling.Floor = 0.55
	s.Verification.ShiftHours = 7.5
	s.Verification.Traffic = []agreement.Traffic{{Site: "a", Modes: []agreement.Mode{{Mode: "road", PerDay: 50, HoursPerInspection: 3}}}}
	r, err := Plan(s)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Sites[0].Floor.Inspectors; got != 11 {
		t.Errorf("82.5 hours in 7.5-hour shifts needs %d inspectors, want 11", got)
	}

	// A floor of 0.06 detects 1 - 0.94² = 0.1164 against 2 violations,
	// 0.11639999999999999 in floating point; it meets that goal and no more.
	s.Verification.Sampling.Floor = 0.06
	for _, c := range []struct {
		goal float64
		want bool
	}{{0.1164, true}, {0.1165, false}} {
		s.Verification.Goal.Probability = c.goal
		if r, err = Plan(s); err != nil || r.Meets != c.want {
			t.Errorf("floor 0.06 against a goal of %v: meets %v, %v; want %v", c.goal, r.Meets, err, c.want)
		}
	}

	// One consignment a period cannot hide 2 violations: the sample covers
	// it. No traffic needs nobody.
	s.Verification.Traffic = []agreement.Traffic{
		{Site: "a", DaysPerPeriod: 10, Modes: []agreement.Mode{{Mode: "road", PerDay: 0.1, HoursPerInspection: 3}}},
		{Site: "b", Modes: []agreement.Mode{{Mode: "sea", PerDay: 0, HoursPerInspection: 4}}},
	}
	if r, err = Plan(s); err != nil {
		t.Fatal(err)
	}
	a, b := r.Sites[0], r.Sites[1]
	if a.Consignments != 1 || a.Sample != 1 || a.Goal.Inspectors != 1 {
		t.Errorf("thin traffic: N = %d, n = %d, %d inspectors; want 1, 1, 1", a.Consignments, a.Sample, a.Goal.Inspectors)
	}
	if b.Consignments != 0 || b.Sample != 0 || b.Goal.Inspectors != 0 || b.Goal.Hours != 0 {
		t.Errorf("no traffic: N = %d, n = %d, %d inspectors, %v hours; want zeros", b.Consignments, b.Sample, b.Goal.Inspectors, b.Goal.Hours)
	}
	for _, row := range r.Traffic {
		if row.Sites[1] != 0 {
			t.Errorf("no traffic ×%v needs %d inspectors", row.Factor, row.Sites[1])
		}
	}
}

func TestPlanRejects(t *testing.T) {
	// The 1994 framework monitors a freeze, and the JCPOA limits; under
	// neither is anything declared, and neither states traffic.
	for _, name := range []string{"agreed-framework-1994.yaml", "jcpoa-2015.yaml"} {
		_, err := Plan(loadExample(t, name))
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "has no declaration obligation: nothing is declared") {
			t.Errorf("%s, nothing declared: %v", name, err)
		}
	}

	for _, c := range []struct {
		field string
		edit  func(v *agreement.Verification)
	}{
		{"verification.goal.probability", func(v *agreement.Verification) { v.Goal.Probability = 1 }},
		{"verification.goal.probability", func(v *agreement.Verification) { v.Goal.Probability = math.NaN() }},
		{"verification.goal.violations", func(v *agreement.Verification) { v.Goal.Violations = 0 }},
		{"verification.shift_hours", func(v *agreement.Verification) { v.ShiftHours = 0 }},
		{"verification.traffic[1].days_per_period", func(v *agreement.Verification) { v.Traffic[1].DaysPerPeriod = -1 }},
		{"verification.traffic[1].modes", func(v *agreement.Verification) { v.Traffic[1].Modes = nil }},
		{"verification.traffic[0].modes[1].per_day", func(v *agreement.Verification) { v.Traffic[0].Modes[1].PerDay = -2 }},
		{"verification.traffic[0].modes[1].hours_per_inspection", func(v *agreement.Verification) { v.Traffic[0].Modes[1].HoursPerInspection = 0 }},
		{"verification.traffic[0].modes[0].per_day", func(v *agreement.Verification) { v.Traffic[0].Modes[0].PerDay = math.Inf(1) }},
		{"verification.sampling.floor", func(v *agreement.Verification) { v.Sampling.Floor = 1.5 }},
	} {
		s := synthetic()
		c.edit(&s.Verification)
		_, err := Plan(s)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.field+":") {
			t.Errorf("%s: got %v", c.field, err)
		}
	}
}
