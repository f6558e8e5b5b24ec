package sim

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/inspection"
	"github.com/surety/surety/internal/screening"
	"github.com/surety/surety/internal/screening/items"
	"github.com/surety/surety/internal/screening/lists"
	"github.com/surety/surety/internal/screening/names"
	"github.com/surety/surety/internal/traffic"
)

// Lane model constants.
const (
	// lanesPerMode is how many trading relationships one mode at one site
	// has.
	lanesPerMode = 160
	// laneSpread is the σ of the lanes' log-normal traffic shares: a few
	// lanes carry much of the traffic.
	laneSpread = 1.0
	// laneSeed fixes the pool: the traffic model is an assumption, the
	// same whatever the simulation's seed.
	laneSeed = 1993
)

// lane is a trading relationship: one exporter shipping the same goods to
// the same buyer from one site by one mode, again and again, drawn from the
// agreement's traffic model. All its
// consignments carry the same declaration, so the lane is screened once,
// with the real screening, and its risk and p hold for each of them.
type lane struct {
	decl   screening.Declaration
	weight float64
	risk   float64
	p      float64
}

// screener screens lanes against an agreement with the fixture list.
type screener struct {
	spec  *agreement.Spec
	rules *items.Rules
	index *names.Index
	force []agreement.Obligation
}

func newScreener(spec *agreement.Spec, start *agreement.When, tl *agreement.Timeline) (*screener, error) {
	ed, err := lists.Fixture()
	if err != nil {
		return nil, err
	}
	force := spec.Obligations
	if start.At != nil {
		force = tl.InForce(*start.At)
	}
	return &screener{spec: spec, rules: items.Compile(spec), index: names.NewIndex(ed), force: force}, nil
}

func (s *screener) screen(d screening.Declaration) screening.Result {
	return screening.Screen(d, screening.Context{Spec: s.spec, Rules: s.rules, Index: s.index, InForce: s.force})
}

// lanes draws the trading relationships of one mode at a site from the
// traffic model, and screens each one.
func (s *screener) lanes(ts *traffic.Site, site agreement.Site, mode string, rng *rand.Rand) []lane {
	ls := make([]lane, lanesPerMode)
	for i := range ls {
		d := ts.Declaration(rng, site.Country, mode, time.Time{})
		r := s.screen(d)
		ls[i] = lane{
			decl:   d,
			weight: math.Exp(laneSpread * rng.NormFloat64()),
			risk:   r.Risk,
			p:      inspection.Probability(s.spec.Verification.Sampling, r.Risk),
		}
	}
	return ls
}

// sampler draws lanes in proportion to their weights in O(1) with Vose's
// alias method, from one 64-bit random number: the high 32 bits choose a
// column, the low 32 bits decide between the column and its alias.
type sampler struct {
	p     []float64 // the lanes' selection probabilities
	cut   []uint32  // keep the column when the low bits are below cut
	alias []int32
}

func newSampler(ls []lane) sampler {
	n := len(ls)
	s := sampler{p: make([]float64, n), cut: make([]uint32, n), alias: make([]int32, n)}
	var total float64
	for i, l := range ls {
		s.p[i] = l.p
		total += l.weight
	}
	scaled := make([]float64, n)
	var small, large []int
	for i, l := range ls {
		scaled[i] = l.weight * float64(n) / total
		if scaled[i] < 1 {
			small = append(small, i)
		} else {
			large = append(large, i)
		}
	}
	for len(small) > 0 && len(large) > 0 {
		l, g := small[len(small)-1], large[len(large)-1]
		small = small[:len(small)-1]
		s.cut[l] = uint32(scaled[l] * (1 << 32))
		s.alias[l] = int32(g)
		scaled[g] -= 1 - scaled[l]
		if scaled[g] < 1 {
			large = large[:len(large)-1]
			small = append(small, g)
		}
	}
	for _, i := range append(small, large...) {
		s.cut[i] = math.MaxUint32
		s.alias[i] = int32(i)
	}
	return s
}

// draw returns the selection probability of a lane drawn with x.
func (s *sampler) draw(x uint64) float64 {
	i := (x >> 32) * uint64(len(s.cut)) >> 32
	if uint32(x) >= s.cut[i] {
		i = uint64(s.alias[i])
	}
	return s.p[i]
}

// meanP returns the traffic-weighted mean selection probability.
func meanP(ls []lane) float64 {
	var sum, total float64
	for _, l := range ls {
		sum += l.weight * l.p
		total += l.weight
	}
	return sum / total
}
