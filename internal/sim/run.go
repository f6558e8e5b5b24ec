package sim

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/surety/surety/internal/inspection"
)

// consignment is one declared consignment of a period.
type consignment struct {
	p, u float64
	t    float32 // departure, as a fraction of its day
	h    float32 // the inspector-hours its inspection takes
	slot int32   // its site-day
	ev   bool    // it carries prohibited goods
}

// pick is a selected consignment waiting for an inspector.
type pick struct {
	p  float64
	t  float32
	h  float32
	ev bool
}

// byPriority orders a day's selections for the inspectors: the highest p
// first, then the earliest departure. Declarations are due a day ahead, so
// the day's selections are known when it starts.
func byPriority(a, b pick) int {
	if c := cmp.Compare(b.p, a.p); c != 0 {
		return c
	}
	return cmp.Compare(a.t, b.t)
}

// siteRun is one run's work at a site, summed over its periods.
type siteRun struct {
	consignments, selected, inspected, short, unstaffed, hours float64
}

// runner simulates runs one after another, reusing its buffers, so that
// the per-consignment work allocates nothing.
type runner struct {
	m     *model
	c     *config
	pcg   *rand.PCG
	rng   *rand.Rand
	buf   []consignment
	extra []consignment // the adaptive evader's
	start []int32       // per slot, its first consignment in buf
	busy  []float64     // per slot, expected selected hours over capacity
	order []int32
	ps    []float64
	picks []pick
	sites []siteRun
	paid  []int64
	ev    struct{ selected, inspected, missed float64 }
	leaf  [32]byte
}

func (m *model) newRunner(c *config) *runner {
	var perPeriod float64
	for _, s := range m.sites {
		for _, md := range s.modes {
			perPeriod += md.perDay * float64(s.days)
		}
	}
	size := int(perPeriod+6*math.Sqrt(perPeriod)) + 64
	pcg := rand.NewPCG(0, 0)
	return &runner{
		m: m, c: c, pcg: pcg, rng: rand.New(pcg),
		buf:   make([]consignment, 0, size),
		ps:    make([]float64, 0, size),
		start: make([]int32, m.slots+1),
		busy:  make([]float64, m.slots),
		order: make([]int32, 0, m.slots),
		sites: make([]siteRun, len(m.sites)),
		paid:  make([]int64, len(m.purses)),
	}
}

// mix is SplitMix64's finaliser.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// run simulates one history and adds it to t. Its random numbers come from
// a PCG seeded by (seed, run) alone.
func (r *runner) run(run int, t *tally) {
	m := r.m
	s1 := mix(r.c.seed)
	r.pcg.Seed(s1, mix(s1^mix(uint64(run))))
	clear(r.sites)
	clear(r.paid)
	r.ev.selected, r.ev.inspected, r.ev.missed = 0, 0, 0
	first := -1 // the day of the first detection, period·maxDays + day
	for k := range m.periods {
		if day, ok := r.period(run, k, t); ok {
			t.detected[k]++
			if first < 0 {
				first = day
			}
		}
	}
	n := float64(m.periods)
	var hours, left float64
	for i, s := range r.sites {
		st := &t.sites[i]
		st.consignments.add(s.consignments / n)
		st.selected.add(s.selected / n)
		st.inspected.add(s.inspected / n)
		st.short.add(s.short / n)
		st.unstaffed.add(s.unstaffed / n)
		st.hours.add(s.hours / n)
		hours += s.hours
		left += s.short + s.unstaffed
	}
	t.hours.add(hours / n)
	t.uninspected.add(left / n)
	t.evSelected.add(r.ev.selected / n)
	t.evInspected.add(r.ev.inspected / n)
	t.evMissed.add(r.ev.missed / n)
	for i, d := range m.tranches {
		if first >= 0 && first < d.cutoff {
			t.before[i]++
		} else {
			r.paid[d.purse] += d.amount
		}
	}
	for i, p := range r.paid {
		t.paid[i].add(float64(p))
	}
}

// uniform returns u in [0, 1) from 53 random bits, as inspection.Uniform
// does from the VRF's.
func uniform(x uint64) float64 { return float64(x>>11) * 0x1p-53 }

// period simulates period k of a run: the traffic, the evader, the
// selections and the inspections. It reports whether the evader was caught
// and on which day first.
func (r *runner) period(run, k int, t *tally) (int, bool) {
	m, c := r.m, r.c
	buf := r.buf[:0]
	for si := range m.sites {
		s := &m.sites[si]
		capacity := c.hours[si]
		for d := range s.days {
			slot := s.first + d
			r.start[slot] = int32(len(buf))
			length := 1.0
			if d == s.days-1 {
				length = s.last
			}
			var load float64
			for mi := range s.modes {
				md := &s.modes[mi]
				rate := md.perDay * length * s.season[k]
				if rate <= 0 {
					continue
				}
				// Departures form a Poisson process over the day.
				for x := r.rng.ExpFloat64() / rate; x < 1; x += r.rng.ExpFloat64() / rate {
					p := md.lanes.draw(r.pcg.Uint64())
					buf = append(buf, consignment{p: p, u: uniform(r.pcg.Uint64()), t: float32(x), h: float32(md.hours), slot: int32(slot)})
					load += p * md.hours
				}
			}
			r.busy[slot] = math.Inf(1)
			if capacity > 0 {
				r.busy[slot] = load / capacity
			}
		}
	}
	r.start[m.slots] = int32(len(buf))
	r.buf = buf
	r.extra = r.extra[:0]
	switch {
	case c.evader == Naive:
		r.hideAtRandom()
	case c.evader == Adaptive, c.evader == Peeking && !c.unsealed:
		// Sealed, the decisions show nowhere: peeking learns nothing.
		r.hideWhereBusiest()
	}
	if c.key != nil {
		r.prove(run, k)
	}
	if c.evader == Peeking && c.unsealed {
		r.hideUnselected()
	}
	t.analytic[k] += r.analytic()
	return r.inspect(k)
}

// hideAtRandom puts the naive evader's goods in c.m of the period's
// consignments chosen uniformly at random (Floyd's algorithm), or in all
// of them when there are fewer.
func (r *runner) hideAtRandom() {
	n := len(r.buf)
	if r.c.m >= n {
		for i := range r.buf {
			r.buf[i].ev = true
		}
		return
	}
	for j := n - r.c.m; j < n; j++ {
		if i := r.rng.IntN(j + 1); !r.buf[i].ev {
			r.buf[i].ev = true
		} else {
			r.buf[j].ev = true
		}
	}
}

// hideWhereBusiest adds the adaptive evader's c.m consignments, declared as
// its cover, on the busiest days of the sites whose cover is least watched,
// the busiest first, one a day in turn, each departing last that day: the
// selection it draws is the one the inspectors reach last.
func (r *runner) hideWhereBusiest() {
	m := r.m
	if len(m.hide) == 0 {
		return // no declared traffic to hide in: the goods go undeclared
	}
	order := append(r.order[:0], m.hide...)
	slices.SortStableFunc(order, func(a, b int32) int { return cmp.Compare(r.busy[b], r.busy[a]) })
	r.order = order
	for j := range r.c.m {
		slot := order[j%len(order)]
		s := &m.sites[m.slotSite[slot]]
		md := &s.modes[s.cover]
		r.extra = append(r.extra, consignment{p: md.cover.p, u: uniform(r.pcg.Uint64()), t: 1, h: float32(md.hours), slot: slot, ev: true})
	}
}

// hideUnselected puts the peeking evader's goods, when selection is not
// sealed, in c.m of the period's consignments it saw were not selected
// before they were loaded; only when too few were not selected do the
// rest go in selected ones.
func (r *runner) hideUnselected() {
	left := r.c.m
	for pass := range 2 {
		for i := range r.buf {
			if x := &r.buf[i]; left > 0 && !x.ev && (pass == 1 || x.u >= x.p) {
				x.ev = true
				left--
			}
		}
	}
}

// prove replaces u by the VRF's, for every consignment whose selection is
// not certain either way: the inspectorate's VRF over the selection input
// of a leaf hash made for the consignment from the seed, the run, the
// period and its number.
func (r *runner) prove(run, k int) {
	for i := range r.buf {
		if c := &r.buf[i]; c.p > 0 && c.p < 1 {
			c.u = r.vrf(run, k, i)
		}
	}
	for j := range r.extra {
		if c := &r.extra[j]; c.p > 0 && c.p < 1 {
			c.u = r.vrf(run, k, len(r.buf)+j)
		}
	}
}

func (r *runner) vrf(run, k, i int) float64 {
	var b [len("surety/simulate/leaf/v1\x00") + 24]byte
	n := copy(b[:], "surety/simulate/leaf/v1\x00")
	binary.BigEndian.PutUint64(b[n:], r.c.seed)
	binary.BigEndian.PutUint64(b[n+8:], uint64(run))
	binary.BigEndian.PutUint32(b[n+16:], uint32(k))
	binary.BigEndian.PutUint32(b[n+20:], uint32(i))
	r.leaf = sha256.Sum256(b[:])
	_, out := inspection.Prove(r.c.key, inspection.SelectionInput(r.m.spec.ID, r.leaf))
	return inspection.Uniform(out)
}

// analytic returns the period's detection as the assurance formulas give
// it from the period's selection probabilities, every selection inspected:
// DetectRandom for the naive evader; DetectAdaptive, over the traffic and
// the evader's own consignments, for the others.
func (r *runner) analytic() float64 {
	ps := r.ps[:0]
	for i := range r.buf {
		ps = append(ps, r.buf[i].p)
	}
	for i := range r.extra {
		ps = append(ps, r.extra[i].p)
	}
	r.ps = ps
	// The p come from inspection.Probability and m is not negative, so the
	// formulas cannot fail.
	if r.c.evader == Naive {
		d, _ := inspection.DetectRandom(ps, r.c.m)
		return d
	}
	d, _ := inspection.DetectAdaptive(ps, r.c.m)
	return d
}

// inspect decides each site-day's selections and inspects them in order of
// priority while the day's inspector-hours last. It reports whether a
// prohibited consignment was inspected, and the first day one was.
func (r *runner) inspect(k int) (int, bool) {
	m, c := r.m, r.c
	first, caught := 0, false
	for slot := range m.slots {
		si := m.slotSite[slot]
		sr := &r.sites[si]
		lo, hi := r.start[slot], r.start[slot+1]
		sr.consignments += float64(hi - lo)
		picks := r.picks[:0]
		var want float64
		for i := lo; i < hi; i++ {
			if x := &r.buf[i]; x.u < x.p {
				picks = append(picks, pick{x.p, x.t, x.h, x.ev})
				want += float64(x.h)
			}
		}
		for j := range r.extra {
			if x := &r.extra[j]; x.slot == int32(slot) {
				sr.consignments++
				if x.u < x.p {
					picks = append(picks, pick{x.p, x.t, x.h, x.ev})
					want += float64(x.h)
				}
			}
		}
		r.picks = picks
		if len(picks) == 0 {
			continue
		}
		sr.selected += float64(len(picks))
		left := c.hours[si]
		staffed := left > 0
		if want > left && staffed {
			slices.SortFunc(picks, byPriority)
		}
		found := false
		for _, p := range picks {
			if p.ev {
				r.ev.selected++
			}
			h := float64(p.h)
			switch {
			case !staffed:
				sr.unstaffed++
			case h > left+1e-9:
				sr.short++
			default:
				left -= h
				sr.inspected++
				sr.hours += h
				if p.ev {
					r.ev.inspected++
					found = true
				}
				continue
			}
			if p.ev {
				r.ev.missed++
			}
		}
		if day := k*m.maxDays + slot - m.sites[si].first; found && (!caught || day < first) {
			first, caught = day, true
		}
	}
	return first, caught
}

// tally sums runs: counts of detections, and accumulators of per-run
// figures, each per period.
type tally struct {
	detected                          []int     // per period, runs with a detection
	analytic                          []float64 // per period, the analytic figure summed
	before                            []int     // per tranche, runs with a detection before it
	paid                              []acc     // per purse, paid before the first detection
	sites                             []siteTally
	hours, uninspected                acc
	evSelected, evInspected, evMissed acc
}

type siteTally struct {
	consignments, selected, inspected, short, unstaffed, hours acc
}

func (m *model) newTally() *tally {
	return &tally{
		detected: make([]int, m.periods),
		analytic: make([]float64, m.periods),
		before:   make([]int, len(m.tranches)),
		paid:     make([]acc, len(m.purses)),
		sites:    make([]siteTally, len(m.sites)),
	}
}

// merge adds u to t. Tallies are merged in run order, so that the sums do
// not depend on which worker ran which runs.
func (t *tally) merge(u *tally) {
	for i := range t.detected {
		t.detected[i] += u.detected[i]
		t.analytic[i] += u.analytic[i]
	}
	for i := range t.before {
		t.before[i] += u.before[i]
	}
	for i := range t.paid {
		t.paid[i].merge(u.paid[i])
	}
	for i := range t.sites {
		a, b := &t.sites[i], &u.sites[i]
		a.consignments.merge(b.consignments)
		a.selected.merge(b.selected)
		a.inspected.merge(b.inspected)
		a.short.merge(b.short)
		a.unstaffed.merge(b.unstaffed)
		a.hours.merge(b.hours)
	}
	t.hours.merge(u.hours)
	t.uninspected.merge(u.uninspected)
	t.evSelected.merge(u.evSelected)
	t.evInspected.merge(u.evInspected)
	t.evMissed.merge(u.evMissed)
}
