package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/screening"
	"github.com/surety/surety/internal/traffic"
)

func load(t testing.TB, name string) *agreement.Spec {
	t.Helper()
	s, err := agreement.Load("../../examples/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// files are the example agreements' files, by id.
var files = map[string]string{"il-kp-1993": "israel-dprk-1993.yaml"}

// with gives o the traffic model of spec's example, if it has none.
func with(t testing.TB, spec *agreement.Spec, o Options) Options {
	t.Helper()
	if o.Traffic == nil && files[spec.ID] != "" {
		m, err := traffic.Load(spec, "../../examples/"+files[spec.ID])
		if err != nil {
			t.Fatal(err)
		}
		o.Traffic = m
	}
	return o
}

func simulate(t testing.TB, spec *agreement.Spec, o Options) Result {
	t.Helper()
	r, err := Simulate(spec, with(t, spec, o))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// z99 is the standard normal quantile of the two-sided 99% interval.
const z99 = 2.5758293035489

// within99 reports whether k successes in n trials fit probability p within
// the binomial 99% interval.
func within99(hits, p float64, n int) bool {
	return math.Abs(hits-p) <= z99*math.Sqrt(p*(1-p)/float64(n))
}

// With inspectors enough for every selection, the adaptive evader's
// detection is the floor's, 1 − (1 − 0.55)³, and the naive evader's the
// mean of DetectRandom over the periods.
func TestAnalyticWithoutCapacityLimit(t *testing.T) {
	spec := load(t, "israel-dprk-1993.yaml")
	const runs = 10000
	for _, ev := range []Evader{Adaptive, Naive} {
		r := simulate(t, spec, Options{Runs: runs, Periods: 1, Evader: ev, Seed: 7, Inspectors: 1_000_000})
		if r.Uninspected.Value != 0 {
			t.Fatalf("%s: %v selections uninspected with a million inspectors", ev, r.Uninspected.Value)
		}
		if ev == Adaptive && math.Abs(r.Analytic-r.FloorDetection) > 1e-12 {
			t.Errorf("adaptive: analytic %v, want the floor's %v", r.Analytic, r.FloorDetection)
		}
		if !within99(r.Detection.Value, r.Analytic, runs) {
			t.Errorf("%s: simulated %v, analytic %v: outside the binomial 99%% interval over %d runs", ev, r.Detection.Value, r.Analytic, runs)
		}
		if r.Detection.Low > r.Analytic || r.Detection.High < r.Analytic {
			t.Logf("%s: the analytic figure %v is outside the 95%% interval %v", ev, r.Analytic, *r.Detection)
		}
	}
}

func TestSameSeedAnyWorkers(t *testing.T) {
	spec := load(t, "israel-dprk-1993.yaml")
	out := func(o Options) []byte {
		b, err := json.Marshal(simulate(t, spec, o))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, ev := range []Evader{Adaptive, Naive} {
		o := Options{Runs: 300, Periods: 4, Evader: ev, Seed: 42, Inspectors: 20}
		o.Workers = 1
		one := out(o)
		o.Workers = 2
		two := out(o)
		if !bytes.Equal(one, two) {
			t.Errorf("%s: 1 worker and 2 workers differ:\n%s\n%s", ev, one, two)
		}
		o.Seed = 43
		if bytes.Equal(out(o), two) {
			t.Errorf("%s: seeds 42 and 43 give the same result", ev)
		}
	}
	sweep := func(workers int) []Point {
		ps, err := Sweep(spec, with(t, spec, Options{Runs: 100, Periods: 2, Seed: 3, Workers: workers}), []int{10, 20})
		if err != nil {
			t.Fatal(err)
		}
		return ps
	}
	if a, b := sweep(1), sweep(2); !reflect.DeepEqual(a, b) {
		t.Errorf("sweep: 1 worker %v, 2 workers %v", a, b)
	}
}

// The naive evader hides where it happens to, so it is caught at least as
// often as the adaptive one, who hides where the inspectors look least.
func TestNaiveAtLeastAdaptive(t *testing.T) {
	spec := load(t, "israel-dprk-1993.yaml")
	for _, inspectors := range []int{15, 300} {
		o := Options{Runs: 2000, Periods: 3, Seed: 11, Inspectors: inspectors}
		o.Evader = Naive
		naive := simulate(t, spec, o)
		o.Evader = Adaptive
		adaptive := simulate(t, spec, o)
		if naive.Detection.High < adaptive.Detection.Value {
			t.Errorf("%d inspectors: naive %v below adaptive %v", inspectors, *naive.Detection, *adaptive.Detection)
		}
		if naive.Analytic < adaptive.Analytic {
			t.Errorf("%d inspectors: analytic naive %v below adaptive %v", inspectors, naive.Analytic, adaptive.Analytic)
		}
	}
}

// The peeking evader reads every public endpoint before loading. Sealed,
// they show it no decision and it is caught as the adaptive evader is;
// unsealed, it loads only what it saw was not selected and is never
// caught, whatever the analytic figure says.
func TestPeeking(t *testing.T) {
	for _, file := range []string{"israel-dprk-1993.yaml"} {
		spec := load(t, file)
		o := Options{Runs: 500, Periods: 3, Seed: 17, Evader: Adaptive}
		adaptive := simulate(t, spec, o)
		o.Evader = Peeking
		peeking := simulate(t, spec, o)
		if *peeking.Detection != *adaptive.Detection || peeking.Analytic != adaptive.Analytic {
			t.Errorf("%s sealed: peeking %v (analytic %v), adaptive %v (analytic %v); want the same", file,
				*peeking.Detection, peeking.Analytic, *adaptive.Detection, adaptive.Analytic)
		}
		o.Unsealed = true
		unsealed := simulate(t, spec, o)
		if unsealed.Detection.Value != 0 || unsealed.Evaded.Selected.Value != 0 {
			t.Errorf("%s unsealed: detection %v, evader's consignments selected %v; want 0", file, *unsealed.Detection, unsealed.Evaded.Selected)
		}
		if unsealed.Analytic != peeking.Analytic || adaptive.Detection.Low < 0.5 {
			t.Errorf("%s: the claimed figure %v should not move with sealing (%v), and sealed detection %v should be substantial", file,
				unsealed.Analytic, peeking.Analytic, *adaptive.Detection)
		}
	}
	if _, err := Simulate(load(t, "israel-dprk-1993.yaml"), with(t, load(t, "israel-dprk-1993.yaml"), Options{Runs: 1, Periods: 1, Evader: Adaptive, Unsealed: true})); !errors.Is(err, ErrInvalid) {
		t.Errorf("unsealed with the adaptive evader: %v; want ErrInvalid", err)
	}
}

// Short of inspectors, selections go uninspected, the adaptive evader's
// first, and detection falls far below the analytic figure.
func TestCapacityShortfallLowersDetection(t *testing.T) {
	spec := load(t, "israel-dprk-1993.yaml")
	o := Options{Runs: 2000, Periods: 3, Evader: Adaptive, Seed: 5}
	full := simulate(t, spec, o)
	o.Inspectors = 13
	short := simulate(t, spec, o)
	if short.Detection.High >= full.Detection.Low {
		t.Errorf("13 inspectors detect %v, the roster of 300 %v", *short.Detection, *full.Detection)
	}
	if short.Analytic != full.Analytic {
		t.Errorf("the analytic figure changed with the roster: %v, %v", short.Analytic, full.Analytic)
	}
	if full.Uninspected.Value != 0 || short.Uninspected.Value == 0 {
		t.Errorf("uninspected selections: %v with 300 inspectors, %v with 13", full.Uninspected.Value, short.Uninspected.Value)
	}
	if short.Evaded.Missed.Value == 0 || full.Evaded.Missed.Value != 0 {
		t.Errorf("the evader's selections missed for capacity: %v with 13, %v with 300", short.Evaded.Missed.Value, full.Evaded.Missed.Value)
	}
	for _, s := range short.Sites {
		if got := s.Inspected.Value + s.Short.Value + s.Unstaffed.Value; math.Abs(got-s.Selected.Value) > 1e-9*s.Selected.Value {
			t.Errorf("%s: inspected, short and unstaffed sum to %v, selected %v", s.Site, got, s.Selected.Value)
		}
		if s.Hours.Value > s.Capacity*s.Days+1e-9 {
			t.Errorf("%s: %v inspector-hours a period used of %v available", s.Site, s.Hours.Value, s.Capacity*s.Days)
		}
	}
	o.Inspectors = 1
	none := simulate(t, spec, o)
	if got := none.Sites[0].Inspectors + none.Sites[1].Inspectors; got != 1 {
		t.Fatalf("posted %d of 1 inspector", got)
	}
	for _, s := range none.Sites {
		if s.Inspectors == 0 && (s.Unstaffed.Value != s.Selected.Value || s.Inspected.Value != 0) {
			t.Errorf("%s has no inspector, yet %v of %v selections were not counted unstaffed", s.Site, s.Selected.Value-s.Unstaffed.Value, s.Selected.Value)
		}
	}
	if none.Detection.Value != 0 {
		t.Errorf("one inspector for two sites: the adaptive evader goes through the unstaffed one, yet detection is %v", *none.Detection)
	}
}

// small is the 1993 agreement with one consignment a day at each site, for
// the VRF's sake.
func small(t testing.TB) *agreement.Spec {
	s := *load(t, "israel-dprk-1993.yaml")
	s.Verification.Traffic = []agreement.Traffic{
		{Site: "fnj", DaysPerPeriod: 30, Modes: []agreement.Mode{{Mode: "air", PerDay: 1, HoursPerInspection: 2}}},
		{Site: "kpnam", DaysPerPeriod: 30, Modes: []agreement.Mode{{Mode: "sea", PerDay: 1, HoursPerInspection: 4}}},
	}
	return &s
}

// The VRF and the fast generator draw different u for the same traffic,
// and give the same figures within sampling error.
func TestVRFAgreesWithGenerator(t *testing.T) {
	if testing.Short() {
		t.Skip("the VRF proves 24,000 selections")
	}
	spec := small(t)
	const runs = 400
	for _, ev := range []Evader{Adaptive, Naive} {
		o := Options{Runs: runs, Periods: 1, Evader: ev, Seed: 9, Inspectors: 100}
		fast := simulate(t, spec, o)
		o.VRF = true
		vrf := simulate(t, spec, o)
		if !vrf.VRF || reflect.DeepEqual(vrf.Sites, fast.Sites) {
			t.Fatalf("%s: the VRF run selected exactly as the generator did", ev)
		}
		for i := range vrf.Sites {
			a, b := fast.Sites[i], vrf.Sites[i]
			if a.Consignments != b.Consignments {
				t.Errorf("%s: the traffic differs: %v and %v", ev, a.Consignments, b.Consignments)
			}
			if r := b.Selected.Value / b.Consignments.Value; math.Abs(r-a.Selected.Value/a.Consignments.Value) > 0.02 {
				t.Errorf("%s %s: selected %v with the VRF, %v with the generator", ev, b.Site, b.Selected.Value, a.Selected.Value)
			}
		}
		d, a := vrf.Detection.Value-fast.Detection.Value, fast.Analytic
		if math.Abs(d) > z99*math.Sqrt(2*a*(1-a)/runs) {
			t.Errorf("%s: detection %v with the VRF, %v with the generator", ev, *vrf.Detection, *fast.Detection)
		}
		if !within99(vrf.Detection.Value, vrf.Analytic, runs) {
			t.Errorf("%s: the VRF's detection %v, analytic %v", ev, vrf.Detection.Value, vrf.Analytic)
		}
	}
}

// The tranche schedule: t1 falls due when verification starts, before any
// detection; t2 after three periods; t6 after the twelve simulated.
func TestTranches1993(t *testing.T) {
	spec := load(t, "israel-dprk-1993.yaml")
	r := simulate(t, spec, Options{Runs: 2000, Periods: 12, Evader: Adaptive, Seed: 2, Inspectors: 14})
	if len(r.Tranches) != 5 || r.Tranches[0].ID != "t1" || r.Tranches[4].Due != "1994-07-31" {
		t.Fatalf("tranches %+v, want t1 to t5", r.Tranches)
	}
	if !slices.Contains(r.Notes, "Tranche investment/t6 falls due on 1995-07-31, after the simulated periods.") {
		t.Errorf("notes %q do not say t6 falls after the periods", r.Notes)
	}
	t1, t2 := r.Tranches[0], r.Tranches[1]
	if t1.Detected.Value != 0 || t1.Analytic != 0 {
		t.Errorf("t1 is due as verification starts, yet a detection comes first with %v", t1.Detected)
	}
	var want float64 = 1
	for _, p := range r.PerPeriod[:3] {
		want *= 1 - p.Detection.Value
	}
	if t2.Due != "1993-10-31" || math.Abs(t2.Detected.Value-(1-want)) > 0.03 {
		t.Errorf("t2 %+v: want about %v, a detection in one of the first three periods", t2, 1-want)
	}
	for i := 1; i < len(r.Tranches); i++ {
		if r.Tranches[i].Detected.Value < r.Tranches[i-1].Detected.Value {
			t.Errorf("detection before %s %v is less than before %s", r.Tranches[i].ID, r.Tranches[i].Detected, r.Tranches[i-1].ID)
		}
	}
	m := r.Money[0]
	if m.Due != 800_000_000 || m.Paid.Value < 200_000_000 || m.Paid.Value > 800_000_000 {
		t.Errorf("money %+v: want t1 paid always, at most t1 to t5", m)
	}
	var paid float64
	for _, tr := range r.Tranches {
		paid += float64(tr.Amount) * (1 - tr.Detected.Value)
	}
	if math.Abs(paid-m.Paid.Value) > 1 {
		t.Errorf("paid %v, but the tranches' detection says %v", m.Paid.Value, paid)
	}
	none := simulate(t, spec, Options{Runs: 10, Periods: 24, Evader: None, Seed: 2})
	if none.Detection != nil || none.Money != nil || len(none.PerPeriod) != 24 {
		t.Errorf("the evader none: detection %v, money %v", none.Detection, none.Money)
	}
}

// Each lane is screened with the real screening: listed exporters hit the
// list and are selected for certain, lawful trade with a named destination
// weighs the destination, and most trade passes at the floor.
func TestLanesScreened(t *testing.T) {
	spec := load(t, "israel-dprk-1993.yaml")
	m, err := newModel(spec, with(t, spec, Options{Runs: 1, Periods: 1}))
	if err != nil {
		t.Fatal(err)
	}
	sc, err := newScreener(spec, &agreement.When{}, spec.Resolve(nil))
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{"Korea Mining Development Trading Corporation": true, "Korea Ryonbong General Corporation": true, "Green Pine Associated Corporation": true}
	var hits, destinations, mismatches int
	for _, site := range spec.Sites {
		if !site.ExitPoint() {
			continue
		}
		tm := with(t, spec, Options{}).Traffic
		ls := sc.lanes(tm.Site(site.ID), site, map[string]string{"fnj": "air", "kpnam": "sea"}[site.ID], newLaneRand())
		for _, l := range ls {
			d := l.decl
			d.Departure = m.dates[0].from
			if err := d.Validate(spec); err != nil {
				t.Errorf("lane %+v: %v", d, err)
			}
			r := screening.Screen(d, screening.Context{Spec: spec, Index: sc.index, InForce: sc.force})
			if r.Risk != l.risk {
				t.Errorf("lane risk %v, screening says %v", l.risk, r.Risk)
			}
			if listed[d.Consignor.Name] != slices.Contains(r.Flags, screening.SignalList) {
				t.Errorf("%q: flags %v", d.Consignor.Name, r.Flags)
			}
			if listed[d.Consignor.Name] {
				hits++
				if l.p != 1 {
					t.Errorf("%q is listed, yet p is %v", d.Consignor.Name, l.p)
				}
			}
			if slices.Contains(r.Flags, screening.SignalDestination) {
				destinations++
			}
			if slices.Contains(r.Flags, screening.SignalMismatch) {
				mismatches++
			}
		}
	}
	if hits == 0 || destinations == 0 || mismatches == 0 {
		t.Errorf("%d list hits, %d destinations, %d mismatches among the lanes; want some of each", hits, destinations, mismatches)
	}
	for _, s := range m.sites {
		if s.floor < 0.9 || s.floor == 1 {
			t.Errorf("%s: %v of the traffic at the floor, want most but not all", s.id, s.floor)
		}
	}
	r := simulate(t, spec, Options{Runs: 1, Periods: 1, Evader: Adaptive})
	if len(r.Covers) != 2 {
		t.Fatalf("covers %+v, want one at each site", r.Covers)
	}
	for _, c := range r.Covers {
		if c.P != spec.Verification.Sampling.Floor || c.TruthP != 1 {
			t.Errorf("cover %+v: want p at the floor, and 1 for the truth", c)
		}
	}
}

func newLaneRand() *rand.Rand { return rand.New(rand.NewPCG(laneSeed, laneSeed)) }

func TestSweep(t *testing.T) {
	spec := load(t, "israel-dprk-1993.yaml")
	var calls, last int
	ps, err := Sweep(spec, with(t, spec, Options{Runs: 200, Periods: 2, Seed: 1, Progress: func(done, total int) {
		calls++
		if done < last || total != 2*3*200 {
			t.Errorf("progress %d of %d after %d", done, total, last)
		}
		last = done
	}}), []int{5, 20, 300})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 6 || ps[0].Evader != Naive || ps[5].Evader != Adaptive || last != 1200 || calls == 0 {
		t.Fatalf("points %+v, progress %d", ps, last)
	}
	for _, p := range ps {
		if p.Posted[0]+p.Posted[1] != p.Inspectors {
			t.Errorf("posted %v of %d", p.Posted, p.Inspectors)
		}
	}
	if !(ps[3].Detection.Value < ps[4].Detection.Value && ps[4].Detection.Value < ps[5].Detection.Value) {
		t.Errorf("adaptive detection does not grow with inspectors: %v, %v, %v", ps[3].Detection, ps[4].Detection, ps[5].Detection)
	}
	if _, err := Sweep(spec, with(t, spec, Options{Runs: 1, Periods: 1, Evader: None}), []int{1}); !errors.Is(err, ErrInvalid) {
		t.Errorf("sweeping the evader none: %v", err)
	}
}

func TestRejects(t *testing.T) {
	spec := load(t, "israel-dprk-1993.yaml")
	for _, o := range []Options{
		{Runs: 0, Periods: 1},
		{Runs: 1, Periods: 0},
		{Runs: 1, Periods: 1, Evader: "sly"},
		{Runs: 1, Periods: 1, Violations: -1},
		{Runs: 1, Periods: 1, Inspectors: -1},
	} {
		if _, err := Simulate(spec, with(t, spec, o)); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: %v", o, err)
		}
	}
	if _, err := Simulate(spec, Options{Runs: 1, Periods: 1}); !errors.Is(err, ErrInvalid) {
		t.Errorf("no traffic model: %v", err)
	}
	copied := *spec
	copied.ID = "il-kp-1993-copy"
	doc, err := os.ReadFile("../../examples/israel-dprk-1993.traffic.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m, err := traffic.Parse(&copied, "copy.traffic.yaml", []byte(strings.Replace(string(doc), "agreement: il-kp-1993", "agreement: il-kp-1993-copy", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Simulate(spec, Options{Runs: 1, Periods: 1, Traffic: m}); !errors.Is(err, ErrInvalid) {
		t.Errorf("another agreement's traffic model: %v", err)
	}
	for _, file := range []string{"agreed-framework-1994.yaml", "jcpoa-2015.yaml"} {
		if _, err := Simulate(load(t, file), Options{Runs: 1, Periods: 1}); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s, under which nothing is declared: %v", file, err)
		}
	}
}

// A run allocates only per period, in the assurance formulas, never per
// consignment.
func TestRunAllocations(t *testing.T) {
	spec := load(t, "israel-dprk-1993.yaml")
	const periods = 6
	for _, ev := range []Evader{Adaptive, Naive} {
		m, err := newModel(spec, with(t, spec, Options{Runs: 1, Periods: periods}))
		if err != nil {
			t.Fatal(err)
		}
		c, err := m.config(Options{}, ev, 15)
		if err != nil {
			t.Fatal(err)
		}
		r, tl := m.newRunner(c), m.newTally()
		r.run(0, tl)
		run := 1
		if n := testing.AllocsPerRun(20, func() { r.run(run, tl); run++ }); n > periods {
			t.Errorf("%s: %v allocations a run of %d periods", ev, n, periods)
		}
	}
}

// A simulation draws its agreement's own traffic and evader: under the
// 1993 offer, the DPRK's exporters at its exit points, and the DPRK's
// missile cargo, which declared as what it is is selected for certain.
func TestOwnTraffic(t *testing.T) {
	spec := load(t, "israel-dprk-1993.yaml")
	r := simulate(t, spec, Options{Runs: 50, Periods: 2, Evader: Adaptive, Seed: 4})
	if len(r.Covers) == 0 {
		t.Fatal("no cover")
	}
	for _, c := range r.Covers {
		if c.Site != "fnj" && c.Site != "kpnam" || !strings.Contains(c.Truth, "Rodong") || c.TruthP != 1 {
			t.Errorf("cover %+v: want a DPRK exit point and the DPRK evader's cargo, selected for certain", c)
		}
	}
}
