package sim

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/inspection"
	"github.com/surety/surety/internal/screening"
	"github.com/surety/surety/internal/traffic"
)

// ErrInvalid reports options or an agreement the simulation cannot use.
var ErrInvalid = errors.New("sim: invalid argument")

// Evader is how the undertaker ships prohibited goods, if it does.
type Evader string

// The evaders.
const (
	// None ships nothing prohibited: the simulation measures the workload.
	None Evader = "none"
	// Naive hides its prohibited goods in consignments of the period
	// chosen at random, so each is selected with that consignment's p.
	Naive Evader = "naive"
	// Adaptive declares its prohibited goods as the least-watched traffic,
	// on the days when inspectors are shortest of time.
	Adaptive Evader = "adaptive"
	// Peeking reads every public endpoint before it loads. Under sealed
	// selection it learns nothing there and ships as the adaptive evader
	// does; with Options.Unsealed it sees each decision before loading and
	// hides its goods in consignments it saw were not selected.
	Peeking Evader = "peeking"
)

// Options configure a simulation.
type Options struct {
	// Traffic is the agreement's traffic model: what its consignments are,
	// and what the evader ships (traffic.Load).
	Traffic *traffic.Model
	// Runs is the number of simulated histories, Periods the verification
	// periods in each.
	Runs    int
	Periods int
	// Evader is the undertaker's strategy; empty means Adaptive, and for
	// Sweep both Naive and Adaptive.
	Evader Evader
	// Violations is the prohibited consignments the evader ships each
	// period; zero means the agreement's goal.
	Violations int
	// Seed fixes every random draw: the same seed gives the same Result.
	Seed uint64
	// VRF draws each selection's u from the real VRF (RFC 9381, vrf-r255)
	// with a key derived from Seed, instead of the fast generator. The
	// traffic is the same either way.
	VRF bool
	// Unsealed publishes each selection before the consignment is loaded,
	// as Surety did before selections were sealed; only the peeking evader
	// reads it. It is kept for that comparison alone.
	Unsealed bool
	// Inspectors replaces the agreement's roster when positive.
	Inspectors int
	// Workers is the number of goroutines; zero means runtime.NumCPU().
	// The Result does not depend on it.
	Workers int
	// Progress, when set, is called from the caller's goroutine with the
	// runs done so far and the runs in all.
	Progress func(done, total int)
}

// Estimate is a simulated figure with its 95% confidence interval: Wilson's
// interval for a probability, the normal interval of the mean otherwise.
type Estimate struct {
	Value float64 `json:"value"`
	Low   float64 `json:"low"`
	High  float64 `json:"high"`
}

// Result is what a simulation found.
type Result struct {
	Agreement string `json:"agreement"`
	Runs      int    `json:"runs"`
	Periods   int    `json:"periods"`
	Evader    Evader `json:"evader"`
	// Violations is the prohibited consignments shipped each period; for
	// the evader none, the agreement's goal, against which Analytic is
	// computed.
	Violations int     `json:"violations"`
	Seed       uint64  `json:"seed"`
	VRF        bool    `json:"vrf"`
	Unsealed   bool    `json:"unsealed,omitempty"`
	Inspectors int     `json:"inspectors"`
	ShiftHours float64 `json:"shift_hours"`
	// Floor is the sampling floor and FloorDetection what it guarantees
	// against Violations: 1 − (1 − floor)^M.
	Floor          float64 `json:"floor"`
	FloorDetection float64 `json:"floor_detection"`
	Sites          []Site  `json:"sites"`
	// Covers are the declarations the adaptive evader ships under, one for
	// each site where its cover is least watched.
	Covers []Cover `json:"covers,omitempty"`
	// Detection is the probability that a period's evader has at least one
	// prohibited consignment inspected, pooled over the periods; Analytic
	// is the mean of the period's analytic figure (DetectAdaptive for the
	// adaptive evader and the evader none, DetectRandom for the naive one,
	// over the period's selection probabilities), which assumes every
	// selection is inspected. Detection is absent for the evader none.
	Detection *Estimate `json:"detection,omitempty"`
	Analytic  float64   `json:"analytic"`
	// Evaded counts the evader's consignments per period: selected,
	// inspected, and selected but left uninspected for want of inspectors.
	Evaded *Evaded `json:"evaded,omitempty"`
	// PerPeriod is detection period by period.
	PerPeriod []Period `json:"per_period"`
	// Tranches is the probability of a detection before each tranche due
	// within the simulated periods.
	Tranches []Tranche `json:"tranches,omitempty"`
	// Money is, per tranche incentive, what is paid before the first
	// detection: a detection suspends every tranche due after it.
	Money []Money `json:"money,omitempty"`
	// Hours is the inspector-hours used per period, all sites, and
	// Uninspected the selected consignments per period left uninspected
	// for want of inspectors.
	Hours       Estimate `json:"hours_per_period"`
	Uninspected Estimate `json:"uninspected_per_period"`
	// Notes say what the simulation left out and why.
	Notes []string `json:"notes,omitempty"`
}

// Site is the work at one exit point, per period.
type Site struct {
	Site string `json:"site"`
	Name string `json:"name"`
	// Inspectors are those posted at the site, out of the roster; Capacity
	// is their inspector-hours a day.
	Inspectors int     `json:"inspectors"`
	Capacity   float64 `json:"capacity_hours_per_day"`
	Days       float64 `json:"days_per_period"`
	// Floor is the share of the site's traffic screened at the floor.
	Floor        float64  `json:"floor_share"`
	Consignments Estimate `json:"consignments"`
	Selected     Estimate `json:"selected"`
	Inspected    Estimate `json:"inspected"`
	// Short is the selected consignments left uninspected because the
	// day's inspector-hours ran out; Unstaffed those at a site with no
	// inspector posted.
	Short     Estimate `json:"short"`
	Unstaffed Estimate `json:"unstaffed"`
	Hours     Estimate `json:"hours"`
}

// Cover is the adaptive evader's declaration: the commonest lowest-risk
// trade at a site, which the real screening scores at the floor, against
// what the same cargo scores declared as what it is.
type Cover struct {
	Site        string  `json:"site"`
	Mode        string  `json:"mode"`
	Declared    string  `json:"declared"`
	Consignor   string  `json:"consignor"`
	Consignee   string  `json:"consignee"`
	Destination string  `json:"destination"`
	Risk        float64 `json:"risk"`
	P           float64 `json:"p"`
	// Truth is the cargo declared truthfully, and TruthRisk and TruthP
	// what screening gives it.
	Truth     string  `json:"truth"`
	TruthRisk float64 `json:"truth_risk"`
	TruthP    float64 `json:"truth_p"`
}

// Evaded counts the evader's consignments per period.
type Evaded struct {
	Selected  Estimate `json:"selected"`
	Inspected Estimate `json:"inspected"`
	Missed    Estimate `json:"missed_for_capacity"`
}

// Period is detection in one period.
type Period struct {
	Period    int       `json:"period"`
	From      string    `json:"from,omitempty"`
	To        string    `json:"to,omitempty"`
	Detection *Estimate `json:"detection,omitempty"`
	Analytic  float64   `json:"analytic"`
}

// Tranche is the chance that a tranche is never paid because a detection
// came before its due date.
type Tranche struct {
	Incentive string `json:"incentive"`
	ID        string `json:"id"`
	Due       string `json:"due"`
	Amount    int64  `json:"amount"`
	Currency  string `json:"currency"`
	// Detected is the probability of at least one detection before the
	// due date; Analytic is 1 − ∏(1 − analytic) over the whole periods
	// that end by then.
	Detected Estimate `json:"detected_before"`
	Analytic float64  `json:"analytic"`
}

// Money is what a tranche incentive pays before the first detection.
type Money struct {
	Incentive string `json:"incentive"`
	Currency  string `json:"currency"`
	// Due is the sum of the tranches due within the simulated periods;
	// Paid the mean paid before the first detection.
	Due  int64    `json:"due"`
	Paid Estimate `json:"paid"`
}

// model is an agreement made ready to simulate over a number of periods:
// its sites with their screened trade, its period and tranche calendar.
type model struct {
	spec     *agreement.Spec
	floor    float64
	shift    float64
	periods  int
	sites    []site
	slots    int     // site-days per period
	slotSite []int32 // the site of each slot
	maxDays  int
	dates    []span // per period; nil when the verification start is not known
	tranches []due
	purses   []purse
	covers   []Cover
	hide     []int32 // the slots of the sites where the cover is least watched
	notes    []string
}

type site struct {
	id, name string
	days     int     // days worked per period, the last maybe partial
	last     float64 // the last day's length, in days
	first    int     // the first slot
	modes    []mode
	load     float64   // expected inspector-hours a day at the lanes' p
	floor    float64   // traffic share at the floor
	cover    int       // the mode the adaptive evader ships by
	season   []float64 // per period, the traffic's seasonality factor
}

type mode struct {
	name   string
	perDay float64
	hours  float64
	lanes  sampler
	cover  lane
}

type span struct{ from, to time.Time }

// due is a tranche within the simulated periods: a detection on a day
// numbered below cutoff (period·maxDays + day) comes before it.
type due struct {
	incentive, id, currency string
	at                      time.Time
	amount                  int64
	cutoff                  int
	purse                   int
	whole                   int // periods that end by the due date
}

type purse struct {
	incentive, currency string
	due                 int64
}

// Simulate runs opts.Runs histories of opts.Periods periods of the
// agreement's traffic, selection and inspection, and reports how often,
// and how soon, the evader's prohibited consignments are caught. It returns an error wrapping ErrInvalid
// when the options or the agreement's verification figures cannot be
// simulated.
func Simulate(spec *agreement.Spec, opts Options) (Result, error) {
	if opts.Evader == "" {
		opts.Evader = Adaptive
	}
	m, err := newModel(spec, opts)
	if err != nil {
		return Result{}, err
	}
	c, err := m.config(opts, opts.Evader, cmp.Or(opts.Inspectors, spec.Verification.Roster))
	if err != nil {
		return Result{}, err
	}
	t := m.simulate(c, opts, func(done int) {
		if opts.Progress != nil {
			opts.Progress(done, opts.Runs)
		}
	})
	return m.result(c, opts, t), nil
}

// check rejects options and verification figures the simulation cannot
// use, naming the field as the agreement spells it.
func check(spec *agreement.Spec, opts Options) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
	}
	v := spec.Verification
	switch {
	case opts.Runs < 1:
		return bad("%d runs, want at least 1", opts.Runs)
	case opts.Periods < 1:
		return bad("%d periods, want at least 1", opts.Periods)
	case opts.Violations < 0:
		return bad("%d violations is negative", opts.Violations)
	case opts.Inspectors < 0:
		return bad("%d inspectors is negative", opts.Inspectors)
	case opts.Workers < 0:
		return bad("%d workers is negative", opts.Workers)
	case !slices.Contains([]Evader{"", None, Naive, Adaptive, Peeking}, opts.Evader):
		return bad("evader %q is not known; use none, naive, adaptive or peeking", opts.Evader)
	case opts.Unsealed && opts.Evader != Peeking:
		return bad("unsealed selection is read only by the peeking evader; simulate it with evader peeking")
	case len(v.Traffic) == 0:
		return bad("verification.traffic: the agreement states no traffic assumptions to simulate")
	case opts.Traffic == nil:
		return bad("no traffic model: give the agreement's (traffic.Load)")
	case opts.Traffic.Agreement != spec.ID:
		return bad("the traffic model is for %s, not %s", opts.Traffic.Agreement, spec.ID)
	case !(v.ShiftHours > 0 && v.ShiftHours <= 24):
		return bad("verification.shift_hours: %v must be in (0, 24]", v.ShiftHours)
	case opts.Violations == 0 && v.Goal.Violations < 1:
		return bad("verification.goal.violations: %d; give the violations to simulate", v.Goal.Violations)
	}
	for i, t := range v.Traffic {
		if !(t.DaysPerPeriod >= 0 && t.DaysPerPeriod <= 366) {
			return bad("verification.traffic[%d].days_per_period: %v must be in [0, 366]", i, t.DaysPerPeriod)
		}
		for k, md := range t.Modes {
			if !(md.PerDay >= 0 && md.PerDay <= 1e5) {
				return bad("verification.traffic[%d].modes[%d].per_day: %v must be in [0, 100000]", i, k, md.PerDay)
			}
			if !(md.HoursPerInspection > 0 && md.HoursPerInspection <= 1e3) {
				return bad("verification.traffic[%d].modes[%d].hours_per_inspection: %v must be in (0, 1000]", i, k, md.HoursPerInspection)
			}
		}
	}
	return nil
}

// newModel screens the agreement's trade and lays out its calendar for
// opts.Periods periods.
func newModel(spec *agreement.Spec, opts Options) (*model, error) {
	if err := check(spec, opts); err != nil {
		return nil, err
	}
	v := spec.Verification
	m := &model{spec: spec, floor: v.Sampling.Floor, shift: v.ShiftHours, periods: opts.Periods}
	tl := spec.Resolve(nil)
	start := tl.Eval(v.Start)
	sc, err := newScreener(spec, &start, tl)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(laneSeed, laneSeed))
	for _, t := range v.Traffic {
		i := slices.IndexFunc(spec.Sites, func(s agreement.Site) bool { return s.ID == t.Site })
		if i < 0 {
			return nil, fmt.Errorf("%w: verification.traffic: %s is not a site of the agreement", ErrInvalid, t.Site)
		}
		as := spec.Sites[i]
		length := cmp.Or(t.DaysPerPeriod, v.Period.Days())
		s := site{id: as.ID, name: as.Name, days: int(math.Ceil(length)), last: length - math.Ceil(length) + 1, first: m.slots}
		var perDay, atFloor float64
		for _, md := range t.Modes {
			ls := sc.lanes(opts.Traffic.Site(as.ID), as, md.Mode, rng)
			mp := meanP(ls)
			s.load += md.PerDay * mp * md.HoursPerInspection
			perDay += md.PerDay
			atFloor += md.PerDay * floorShare(ls, m.floor)
			s.modes = append(s.modes, mode{name: md.Mode, perDay: md.PerDay, hours: md.HoursPerInspection, lanes: newSampler(ls), cover: coverLane(ls)})
		}
		if perDay > 0 {
			s.floor = atFloor / perDay
		}
		s.cover = slices.IndexFunc(s.modes, func(md mode) bool { return md.perDay > 0 })
		for k, md := range s.modes {
			if md.perDay > 0 && md.cover.p < s.modes[s.cover].cover.p {
				s.cover = k
			}
		}
		m.slots += s.days
		m.maxDays = max(m.maxDays, s.days)
		for range s.days {
			m.slotSite = append(m.slotSite, int32(len(m.sites)))
		}
		m.sites = append(m.sites, s)
	}
	m.coverFor(sc, opts.Traffic.Cargo(time.Time{}))
	m.calendar(tl, start)
	m.seasons(opts.Traffic)
	return m, nil
}

// floorShare returns the traffic share of the lanes at the floor.
func floorShare(ls []lane, floor float64) float64 {
	var at, total float64
	for _, l := range ls {
		total += l.weight
		if l.p <= floor {
			at += l.weight
		}
	}
	return at / total
}

// coverLane returns the lane an adaptive evader copies: the lowest p, and
// of those the most traffic, where one more consignment draws least notice.
func coverLane(ls []lane) lane {
	best := ls[0]
	for _, l := range ls[1:] {
		if l.p < best.p || l.p == best.p && l.weight > best.weight {
			best = l
		}
	}
	return best
}

// coverFor finds where the adaptive evader ships: the sites whose cover
// has the least p over all sites, and describes each cover next to the
// evader's cargo declared as what it is (truth).
func (m *model) coverFor(sc *screener, truth screening.Declaration) {
	least := math.Inf(1)
	for _, s := range m.sites {
		if s.cover >= 0 {
			least = min(least, s.modes[s.cover].cover.p)
		}
	}
	tr := sc.screen(truth)
	it := truth.Items[0]
	for _, s := range m.sites {
		if s.cover < 0 || s.modes[s.cover].cover.p != least {
			continue
		}
		for d := range s.days {
			m.hide = append(m.hide, int32(s.first+d))
		}
		md := s.modes[s.cover]
		d := md.cover.decl
		var declared []string
		for _, it := range d.Items {
			declared = append(declared, fmt.Sprintf("%s (HS %s)", it.Description, it.HSCode))
		}
		m.covers = append(m.covers, Cover{
			Site: s.id, Mode: md.name, Declared: joinAnd(declared),
			Consignor: d.Consignor.Name, Consignee: d.Consignee.Name, Destination: d.Destination,
			Risk: md.cover.risk, P: md.cover.p,
			Truth:     fmt.Sprintf("%s (HS %s) from %s to %s, %s", it.Description, it.HSCode, truth.Consignor.Name, truth.Consignee.Name, truth.Destination),
			TruthRisk: tr.Risk, TruthP: inspection.Probability(m.spec.Verification.Sampling, tr.Risk),
		})
	}
}

// joinAnd joins phrases as "a", "a and b" or "a, b and c".
func joinAnd(ss []string) string {
	if len(ss) < 2 {
		return strings.Join(ss, "")
	}
	return strings.Join(ss[:len(ss)-1], ", ") + " and " + ss[len(ss)-1]
}

// calendar dates the periods and finds the tranches due within them.
func (m *model) calendar(tl *agreement.Timeline, start agreement.When) {
	if start.At == nil {
		m.notes = append(m.notes, fmt.Sprintf("The verification start is not fixed by the agreement alone (%s), so periods are not dated and tranches are not simulated.", start.Pending))
		return
	}
	for k := 1; k <= m.periods; k++ {
		from, to, _ := tl.Period(k)
		m.dates = append(m.dates, span{from, to})
	}
	end := m.dates[len(m.dates)-1].to
	for _, in := range m.spec.Incentives {
		if in.Kind != agreement.Tranches {
			continue
		}
		cur := ""
		if in.Total != nil {
			cur = in.Total.Currency
		}
		pi := len(m.purses)
		m.purses = append(m.purses, purse{incentive: in.ID, currency: cur})
		for _, tr := range in.Tranches {
			w := tl.Eval(tr.Due)
			switch {
			case w.At == nil:
				m.notes = append(m.notes, fmt.Sprintf("Tranche %s/%s has no date yet (%s); it is not simulated.", in.ID, tr.ID, w))
				continue
			case w.At.After(end):
				m.notes = append(m.notes, fmt.Sprintf("Tranche %s/%s falls due on %s, after the simulated periods.", in.ID, tr.ID, w))
				continue
			}
			d := due{incentive: in.ID, id: tr.ID, currency: cur, at: *w.At, amount: tr.Amount, purse: pi, cutoff: m.periods * m.maxDays}
			for ord := range m.periods * m.maxDays {
				if !m.day(ord).Before(d.at) {
					d.cutoff = ord
					break
				}
			}
			for _, s := range m.dates {
				if !s.to.After(d.at) {
					d.whole++
				}
			}
			m.tranches = append(m.tranches, d)
			m.purses[pi].due += tr.Amount
		}
	}
}

// day returns the date of day ord (period·maxDays + day): the period's
// start plus the day, held within the period when the traffic counts more
// working days than the calendar period has.
func (m *model) day(ord int) time.Time {
	s := m.dates[ord/m.maxDays]
	t := s.from.AddDate(0, 0, ord%m.maxDays)
	if !t.Before(s.to) {
		t = s.to.AddDate(0, 0, -1)
	}
	return t
}

// seasons sets each site's seasonality factor per period, from the month
// the period's midpoint falls in; without dated periods, 1.
func (m *model) seasons(tm *traffic.Model) {
	for i := range m.sites {
		s := &m.sites[i]
		s.season = make([]float64, m.periods)
		for k := range s.season {
			s.season[k] = 1
			if k < len(m.dates) {
				mid := m.dates[k].from.Add(m.dates[k].to.Sub(m.dates[k].from) / 2)
				if ts := tm.Site(s.id); ts != nil && len(ts.Seasonality) == 12 {
					s.season[k] = ts.Seasonality[mid.Month()-1]
				}
			}
		}
	}
}

// config is what one simulation of the model varies: the evader, the
// violations, the roster and its posting, and how u is drawn.
type config struct {
	evader   Evader
	unsealed bool
	m        int // violations per period
	seed     uint64
	key      *inspection.Key
	posted   []int
	hours    []float64 // inspector-hours a day, per site
	roster   int
	workers  int
}

func (m *model) config(opts Options, ev Evader, roster int) (*config, error) {
	c := &config{evader: ev, unsealed: opts.Unsealed, m: cmp.Or(opts.Violations, m.spec.Verification.Goal.Violations), seed: opts.Seed, workers: cmp.Or(opts.Workers, runtime.NumCPU())}
	if opts.VRF {
		k, err := inspection.KeyFromSeed(inspection.DeriveSeed(strconv.FormatUint(opts.Seed, 10), "simulate/selector"))
		if err != nil {
			return nil, err
		}
		c.key = k
	}
	m.post(c, roster)
	return c, nil
}

// post shares the roster among the sites in proportion to each site's
// expected inspector-hours a day, by largest remainder, and sets each
// site's daily capacity.
func (m *model) post(c *config, roster int) {
	c.roster = roster
	c.posted = make([]int, len(m.sites))
	c.hours = make([]float64, len(m.sites))
	var total float64
	for _, s := range m.sites {
		total += s.load
	}
	if total == 0 {
		return
	}
	rest := make([]float64, len(m.sites))
	left := roster
	for i, s := range m.sites {
		share := float64(roster) * s.load / total
		c.posted[i] = int(share)
		rest[i] = share - float64(c.posted[i])
		left -= c.posted[i]
	}
	for ; left > 0; left-- {
		best := 0
		for i := range rest {
			if rest[i] > rest[best] {
				best = i
			}
		}
		c.posted[best]++
		rest[best] = -1
	}
	for i := range m.sites {
		c.hours[i] = float64(c.posted[i]) * m.shift
	}
}

// blockSize is the runs a worker takes at a time. It depends on the runs
// alone, so that the order in which figures are summed, and so the Result,
// does not depend on the workers.
func blockSize(runs int) int { return min(max(runs/64, 1), 64) }

// simulate runs the histories on c.workers goroutines and sums their
// tallies in run order, block by block as the blocks finish.
func (m *model) simulate(c *config, opts Options, progress func(done int)) *tally {
	block := blockSize(opts.Runs)
	blocks := (opts.Runs + block - 1) / block
	tallies := make([]*tally, blocks)
	var next atomic.Int64
	done := make(chan int, blocks)
	for range min(c.workers, blocks) {
		go func() {
			r := m.newRunner(c)
			for {
				b := int(next.Add(1)) - 1
				if b >= blocks {
					return
				}
				t := m.newTally()
				for run := b * block; run < min((b+1)*block, opts.Runs); run++ {
					r.run(run, t)
				}
				tallies[b] = t
				done <- b
			}
		}()
	}
	total := m.newTally()
	ready := make([]bool, blocks)
	finished := 0
	for merged := 0; merged < blocks; {
		b := <-done
		ready[b] = true
		finished += min((b+1)*block, opts.Runs) - b*block
		progress(finished)
		for ; merged < blocks && ready[merged]; merged++ {
			total.merge(tallies[merged])
			tallies[merged] = nil
		}
	}
	return total
}

// result turns a tally into the Result.
func (m *model) result(c *config, opts Options, t *tally) Result {
	fd, _ := inspection.DetectFloor(m.floor, c.m)
	r := Result{
		Agreement: m.spec.ID, Runs: opts.Runs, Periods: m.periods, Evader: c.evader, Violations: c.m,
		Seed: opts.Seed, VRF: opts.VRF, Unsealed: c.unsealed, Inspectors: c.roster, ShiftHours: m.shift,
		Floor: m.floor, FloorDetection: fd, Hours: t.hours.estimate(), Uninspected: t.uninspected.estimate(), Notes: m.notes,
	}
	for i, s := range m.sites {
		st := t.sites[i]
		r.Sites = append(r.Sites, Site{
			Site: s.id, Name: s.name, Inspectors: c.posted[i], Capacity: c.hours[i],
			Days: float64(s.days-1) + s.last, Floor: s.floor,
			Consignments: st.consignments.estimate(), Selected: st.selected.estimate(), Inspected: st.inspected.estimate(),
			Short: st.short.estimate(), Unstaffed: st.unstaffed.estimate(), Hours: st.hours.estimate(),
		})
	}
	caught := c.evader != None
	if c.evader == Adaptive || c.evader == Peeking && !c.unsealed {
		r.Covers = m.covers
	}
	if c.unsealed {
		r.Notes = append(slices.Clip(r.Notes), "selection unsealed: each decision is public before the consignment is loaded, and the peeking evader loads only consignments it saw were not selected; the analytic figure, which assumes sealed selection, does not hold")
	}
	var hits int
	var analytic float64
	miss := make([]float64, m.periods+1) // ∏(1 − analytic) over the first k periods
	miss[0] = 1
	for k := range m.periods {
		a := t.analytic[k] / float64(opts.Runs)
		p := Period{Period: k + 1, Analytic: a}
		if m.dates != nil {
			p.From, p.To = m.dates[k].from.Format(time.DateOnly), m.dates[k].to.Format(time.DateOnly)
		}
		if caught {
			e := wilson(t.detected[k], opts.Runs)
			p.Detection = &e
		}
		hits += t.detected[k]
		analytic += a
		miss[k+1] = miss[k] * (1 - a)
		r.PerPeriod = append(r.PerPeriod, p)
	}
	r.Analytic = analytic / float64(m.periods)
	if !caught {
		return r
	}
	e := wilson(hits, opts.Runs*m.periods)
	r.Detection = &e
	r.Evaded = &Evaded{Selected: t.evSelected.estimate(), Inspected: t.evInspected.estimate(), Missed: t.evMissed.estimate()}
	for i, d := range m.tranches {
		r.Tranches = append(r.Tranches, Tranche{
			Incentive: d.incentive, ID: d.id, Due: d.at.Format(time.DateOnly), Amount: d.amount, Currency: d.currency,
			Detected: wilson(t.before[i], opts.Runs), Analytic: 1 - miss[d.whole],
		})
	}
	for i, p := range m.purses {
		if p.due > 0 {
			r.Money = append(r.Money, Money{Incentive: p.incentive, Currency: p.currency, Due: p.due, Paid: t.paid[i].estimate()})
		}
	}
	return r
}
