package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/inspection"
	"github.com/surety/surety/internal/screening"
	"github.com/surety/surety/internal/screening/items"
	"github.com/surety/surety/internal/screening/lists"
	"github.com/surety/surety/internal/screening/names"
)

// The traffic model's pools: the DPRK's usual exports, its exporters and
// their buyers, as they might have stood in the early 1990s. The companies
// are made up, except the three listed exporters, which are the fixture's
// own entries (KOMID, Ryonbong, Green Pine) and ship a small share of the
// traffic so that list screening has something to find. Weights are shares
// within their pool.

// good is one kind of goods, as a declaration's item declares it.
type good struct {
	desc string
	hs   string
	unit string
	qty  float64 // units in a typical consignment
	kg   float64 // kilograms per unit
	usd  float64 // value per unit
	w    float64
}

// trader is a consignor, consignee or end user.
type trader struct {
	name    string
	country string
	w       float64
}

// Goods flown from an airport: light, valuable, perishable.
var airGoods = []good{
	{"Red ginseng roots, dried", "121120", "kg", 400, 1, 60, 10},
	{"Ginseng tea granules", "210690", "kg", 300, 1, 12, 5},
	{"Fresh pine mushrooms", "070959", "kg", 600, 1, 45, 6},
	{"Oil paintings on canvas", "970191", "pcs", 20, 4, 900, 4},
	{"Women's cotton blouses", "620630", "pcs", 2000, 0.2, 4, 8},
	{"Men's wool suits", "620311", "pcs", 500, 1.2, 25, 5},
	{"Silk scarves", "621410", "pcs", 1500, 0.05, 6, 3},
	{"Dried medicinal herbs", "121190", "kg", 500, 1, 20, 5},
	{"Deer antler slices", "050790", "kg", 50, 1, 300, 2},
	{"Gold jewellery", "711319", "pcs", 200, 0.02, 400, 2},
	{"Frozen squid", "030743", "kg", 1000, 1, 3, 4},
	// A clerk's slip: herbs under the code for pepper. Screening calls a
	// mismatch.
	{"Dried medicinal herbs", "090411", "kg", 500, 1, 20, 0.3},
}

// Goods shipped from a seaport, road or rail crossing: bulk minerals,
// metals, fish and garments made on commission.
var bulkGoods = []good{
	{"Anthracite coal", "270111", "t", 5000, 1000, 40, 25},
	{"Iron ore concentrate", "260111", "t", 3000, 1000, 30, 8},
	{"Magnesia clinker", "251990", "t", 1500, 1000, 90, 8},
	{"Zinc ingots, unwrought", "790111", "t", 300, 1000, 1000, 6},
	{"Refined lead ingots", "780110", "t", 200, 1000, 600, 3},
	{"Portland cement", "252329", "t", 4000, 1000, 35, 6},
	{"Hot-rolled steel plate", "720851", "t", 800, 1000, 250, 4},
	{"Pig iron", "720110", "t", 2000, 1000, 120, 3},
	{"Frozen Alaska pollock", "030367", "t", 200, 1000, 700, 5},
	{"Frozen clams", "030772", "t", 100, 1000, 900, 3},
	{"Dried laver (seaweed)", "121221", "kg", 8000, 1, 8, 3},
	{"Men's padded anoraks", "620193", "pcs", 10000, 0.8, 7, 6},
	{"Women's cotton blouses", "620630", "pcs", 15000, 0.2, 4, 4},
	{"Sawn pine timber", "440711", "m3", 400, 500, 110, 3},
	{"Natural graphite", "250410", "t", 500, 1000, 300, 2},
	{"Talc powder", "252620", "t", 600, 1000, 80, 2},
	{"Tungsten concentrate", "261100", "t", 40, 1000, 6000, 2},
	{"Ferrosilicon", "720221", "t", 500, 1000, 700, 2},
	// Garments under the code for cotton fabric: a mismatch.
	{"Women's cotton blouses", "520812", "pcs", 15000, 0.2, 4, 0.3},
}

// DPRK exporters.
var exporters = []trader{
	{"Korea Minerals and Metals Export Corporation", "KP", 14},
	{"Korea Chonnyon Trading Corporation", "KP", 10},
	{"Korea Unpha Export Corporation", "KP", 8},
	{"Korea Ginseng Export Company", "KP", 6},
	{"Korea Marine Products Export Corporation", "KP", 8},
	{"Korea Textile Export Corporation", "KP", 9},
	{"Korea Fine Arts Export Company", "KP", 3},
	{"Sunchon Cement Export Company", "KP", 5},
	{"Nampo Fisheries Cooperative", "KP", 4},
	{"Korea Kumsong Trading Company", "KP", 7},
	{"Korea Taedong General Trading Corporation", "KP", 9},
	{"Korea Moranbong Trading Corporation", "KP", 6},
	{"Korea Jangsu Medicinal Herbs Company", "KP", 3},
	{"Korea Rungra Trading Corporation", "KP", 5},
	// Listed on the UN list (the fixture): a list hit makes selection
	// mandatory.
	{"Korea Mining Development Trading Corporation", "KP", 1},
	{"Korea Ryonbong General Corporation", "KP", 0.6},
	{"Green Pine Associated Corporation", "KP", 0.4},
}

// Buyers of air freight: the cities Air Koryo flew to.
var airBuyers = []trader{
	{"Beijing Huaxin Import and Export Co., Ltd.", "CN", 20},
	{"Shenyang Dongfang Trading Co., Ltd.", "CN", 14},
	{"Moscow Vostok Trading JSC", "RU", 10},
	{"Khabarovsk Amur Commerce LLC", "RU", 5},
	{"Tokyo Chosen Sangyo Co., Ltd.", "JP", 12},
	{"Hong Kong Pacific Gate Trading Ltd.", "HK", 9},
	{"Macau Golden Star Trading Co.", "MO", 5},
	{"Bangkok Siam Orient Import Co., Ltd.", "TH", 5},
	{"Berlin Ostasien Handels GmbH", "DE", 3},
	// Lawful trade with a destination the agreement names: screening
	// weighs the destination.
	{"Tehran Kowsar Trading Co.", "IR", 1},
}

// Buyers of sea freight.
var bulkBuyers = []trader{
	{"Dalian Haichang Trading Co., Ltd.", "CN", 18},
	{"Tianjin Bohai Minerals Co., Ltd.", "CN", 12},
	{"Dandong Yalu Import and Export Co., Ltd.", "CN", 14},
	{"Niigata Kaiyo Trading Co., Ltd.", "JP", 12},
	{"Nakhodka Primorsky Trading LLC", "RU", 7},
	{"Hong Kong Eastern Ocean Trading Ltd.", "HK", 9},
	{"Singapore Straits Commodities Pte Ltd", "SG", 6},
	{"Bangkok Chao Phraya Cement Co., Ltd.", "TH", 4},
	{"Mumbai Arabian Sea Traders Pvt Ltd", "IN", 4},
	{"Bandar Abbas Gulf Cement Trading Co.", "IR", 1.2},
	{"Latakia Levant Trading Est.", "SY", 0.8},
}

// End users in a third country, for goods bought through a trading hub.
var endUsers = []trader{
	{"Guangzhou Nanfang Industrial Supply Co.", "CN", 4},
	{"Kuala Lumpur Timur Trading Sdn Bhd", "MY", 2},
	{"Osaka Kansai Trading Co., Ltd.", "JP", 2},
}

// hubs are the consignee countries that re-export.
var hubs = []string{"HK", "MO", "SG"}

// Lane model constants.
const (
	// lanesPerMode is how many trading relationships one mode at one site
	// has.
	lanesPerMode = 160
	// laneSpread is the σ of the lanes' log-normal traffic shares: a few
	// lanes carry much of the traffic.
	laneSpread = 1.0
	// hubShare is the share of a hub's lanes whose end user is elsewhere.
	hubShare = 0.3
	// secondItem is the share of lanes declaring a second line.
	secondItem = 0.2
	// laneSeed fixes the pool: the traffic model is an assumption, the
	// same whatever the simulation's seed.
	laneSeed = 1993
)

// lane is a trading relationship: one exporter shipping the same goods to
// the same buyer from one site by one mode, again and again. All its
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

// lanes draws the trading relationships of one mode at a site and screens
// each one.
func (s *screener) lanes(site agreement.Site, mode string, rng *rand.Rand) []lane {
	goods, buyers := bulkGoods, bulkBuyers
	if mode == "air" {
		goods, buyers = airGoods, airBuyers
	}
	ls := make([]lane, lanesPerMode)
	for i := range ls {
		from := choose(rng, exporters)
		to := choose(rng, buyers)
		user := to
		if slices.Contains(hubs, to.country) && rng.Float64() < hubShare {
			user = choose(rng, endUsers)
		}
		d := screening.Declaration{
			Site:        site.ID,
			Mode:        mode,
			Carrier:     carrier(mode, rng),
			Consignor:   screening.Party{Name: from.name, Country: site.Country},
			Consignee:   screening.Party{Name: to.name, Country: to.country},
			EndUser:     screening.Party{Name: user.name, Country: user.country},
			Destination: user.country,
		}
		d.Items = append(d.Items, item(pickGood(rng, goods)))
		if rng.Float64() < secondItem {
			d.Items = append(d.Items, item(pickGood(rng, goods)))
		}
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

func item(g good) screening.Item {
	return screening.Item{
		Description: g.desc,
		HSCode:      g.hs,
		Quantity:    g.qty,
		Unit:        g.unit,
		WeightKg:    g.qty * g.kg,
		Value:       screening.Value{Amount: g.qty * g.usd, Currency: "USD"},
	}
}

// carrier returns an Air Koryo flight, a DPRK-flagged vessel with a valid
// IMO number, or a vehicle.
func carrier(mode string, rng *rand.Rand) screening.Carrier {
	switch mode {
	case "air":
		return screening.Carrier{Flight: fmt.Sprintf("JS%d", 151+2*rng.IntN(50))}
	case "sea":
		return screening.Carrier{Vessel: fmt.Sprintf("Ryong Gang %d", 1+rng.IntN(9)), IMO: imo(8600000 + rng.IntN(400000))}
	}
	return screening.Carrier{Vehicle: fmt.Sprintf("KP-%05d", rng.IntN(100000))}
}

// imo appends the check digit to the first six digits of n.
func imo(n int) string {
	s := strconv.Itoa(n)[:6]
	sum := 0
	for i := range 6 {
		sum += int(s[i]-'0') * (7 - i)
	}
	return s + strconv.Itoa(sum%10)
}

func choose(rng *rand.Rand, ts []trader) trader {
	return ts[weighted(rng, len(ts), func(i int) float64 { return ts[i].w })]
}

func pickGood(rng *rand.Rand, gs []good) good {
	return gs[weighted(rng, len(gs), func(i int) float64 { return gs[i].w })]
}

// weighted draws an index in [0, n) with probability proportional to w(i).
func weighted(rng *rand.Rand, n int, w func(int) float64) int {
	var total float64
	for i := range n {
		total += w(i)
	}
	x := rng.Float64() * total
	for i := range n {
		x -= w(i)
		if x < 0 {
			return i
		}
	}
	return n - 1
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
