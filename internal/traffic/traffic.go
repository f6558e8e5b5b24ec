// Package traffic is the one model of an agreement's ordinary traffic and
// of the evader who would hide in it. The volumes are the agreement's
// (verification.traffic: consignments a day per site and mode); a traffic
// file beside the agreement, NAME.traffic.yaml, says what those
// consignments are: at each site, the carriers, exporters, buyers, end
// users and goods, with their shares, and the months' seasonality; and
// what the evader would ship, declared as what it is and as it would
// disguise it. The demo, the scenarios' routine traffic and the simulator
// all draw from it.
//
// It takes and returns values: it reads no store and serves nothing.
package traffic

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/screening"
)

// ErrNone reports an agreement without a traffic model.
var ErrNone = errors.New("traffic: no traffic model")

// Model is an agreement's ordinary traffic and its evader.
type Model struct {
	// Agreement is the id of the agreement the model is for.
	Agreement string `json:"agreement"`
	// Note says where the model's figures come from and what is assumed.
	Note  string `json:"note,omitempty"`
	Sites []Site `json:"sites"`
	// Evader is the undertaker that would ship what the agreement
	// prohibits, and what it would ship.
	Evader Evader `json:"evader"`

	spec *agreement.Spec
}

// Site is the ordinary traffic of one exit point.
type Site struct {
	Site string `json:"site"`
	// Seasonality is twelve factors, January first, by which the
	// agreement's volumes vary through the year; their mean is 1. Absent,
	// the traffic is the same every month.
	Seasonality []float64 `json:"seasonality,omitempty"`
	Carriers    []Carrier `json:"carriers"`
	Exporters   []Trader  `json:"exporters"`
	Buyers      []Trader  `json:"buyers"`
	// EndUsers are the end users in third countries of goods bought
	// through a hub.
	EndUsers []Trader `json:"end_users,omitempty"`
	// Hubs are the buyers' countries that re-export: HubShare of their
	// consignments name an end user elsewhere.
	Hubs     []string `json:"hubs,omitempty"`
	HubShare float64  `json:"hub_share,omitempty"`
	Goods    []Good   `json:"goods"`
	// SecondItem is the share of declarations with a second line.
	SecondItem float64 `json:"second_item,omitempty"`
}

// Carrier is a flight, vessel or vehicle that carries the site's traffic.
type Carrier struct {
	Mode    string `json:"mode"`
	Flight  string `json:"flight,omitempty"`
	Vessel  string `json:"vessel,omitempty"`
	IMO     string `json:"imo,omitempty"`
	Vehicle string `json:"vehicle,omitempty"`
}

// Trader is an exporter, buyer or end user, with its share of the traffic.
// Modes, if given, are the modes it trades by; otherwise all.
type Trader struct {
	Name    string   `json:"name"`
	Country string   `json:"country"`
	Weight  float64  `json:"weight"`
	Modes   []string `json:"modes,omitempty"`
}

// Good is a kind of goods as a declaration's line declares it, in a typical
// consignment, with its share of the traffic. Modes, if given, are the
// modes it leaves by; otherwise all.
type Good struct {
	Description string   `json:"description"`
	HSCode      string   `json:"hs_code"`
	Unit        string   `json:"unit"`
	Quantity    float64  `json:"quantity"`
	KgPerUnit   float64  `json:"kg_per_unit"`
	USDPerUnit  float64  `json:"usd_per_unit"`
	Weight      float64  `json:"weight"`
	Modes       []string `json:"modes,omitempty"`
}

// Evader is the undertaker that would ship what the agreement prohibits.
// Cargo is its cargo declared as what it is; Disguise, if given, the same
// consignment as it would declare it to pass screening. Both leave from a
// site of the agreement; their departure is set when one is drawn.
type Evader struct {
	Party    string                 `json:"party"`
	Note     string                 `json:"note,omitempty"`
	Cargo    screening.Declaration  `json:"cargo"`
	Disguise *screening.Declaration `json:"disguise,omitempty"`
}

// Path is where the traffic model of the agreement file at path lives.
func Path(agreementPath string) string {
	return strings.TrimSuffix(agreementPath, ".yaml") + ".traffic.yaml"
}

// Load reads the traffic model beside the agreement file, for spec. Without
// one, the error wraps ErrNone and says why there is none.
func Load(spec *agreement.Spec, agreementPath string) (*Model, error) {
	p := Path(agreementPath)
	data, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w for %s: %s does not exist; %s", ErrNone, spec.ID, p, why(spec))
	}
	if err != nil {
		return nil, err
	}
	return Parse(spec, p, data)
}

// why says what an agreement without a traffic model lacks.
func why(spec *agreement.Spec) string {
	if !slices.ContainsFunc(spec.Obligations, func(o agreement.Obligation) bool { return o.Kind == agreement.Declare }) {
		return "the agreement has no declaration obligation: it verifies no outbound consignments, so there is no traffic to model"
	}
	return "write one to describe the goods, traders and carriers of the traffic at its exit points (docs/traffic.md)"
}

// Parse decodes and validates a traffic model for spec; name is used in
// the positions of its problems.
func Parse(spec *agreement.Spec, name string, data []byte) (*Model, error) {
	m := &Model{}
	err := agreement.Decode(name, data, m, "traffic model", func() agreement.Problems { return m.validate(spec) })
	if err != nil {
		return nil, err
	}
	m.spec = spec
	return m, nil
}

var (
	hsRE     = regexp.MustCompile(`^[0-9]{6,10}$`)
	flightRE = regexp.MustCompile(`^[A-Z0-9]{2}[0-9]{1,4}$`)
)

// validate names every problem by its path.
func (m *Model) validate(spec *agreement.Spec) agreement.Problems {
	var ps agreement.Problems
	bad := func(path, format string, args ...any) {
		ps = append(ps, agreement.Problem{Path: path, Msg: fmt.Sprintf(format, args...)})
	}
	if m.Agreement != spec.ID {
		bad("agreement", "%q is not the agreement's id %q", m.Agreement, spec.ID)
	}
	volumes := map[string]agreement.Traffic{}
	for _, t := range spec.Verification.Traffic {
		volumes[t.Site] = t
	}
	seen := map[string]bool{}
	for i, s := range m.Sites {
		at := func(f string) string { return fmt.Sprintf("sites[%d].%s", i, f) }
		site := siteOf(spec, s.Site)
		switch {
		case site == nil:
			bad(at("site"), "%q is not a site of %s", s.Site, spec.ID)
			continue
		case !site.ExitPoint():
			bad(at("site"), "%s is a facility; traffic leaves from exit points", s.Site)
			continue
		case seen[s.Site]:
			bad(at("site"), "%s is modelled twice", s.Site)
		}
		seen[s.Site] = true
		vol, ok := volumes[s.Site]
		if !ok {
			bad(at("site"), "the agreement's verification.traffic gives no volumes for %s; add them there", s.Site)
		}
		if len(s.Seasonality) > 0 {
			var sum float64
			for j, f := range s.Seasonality {
				if !(f > 0) {
					bad(fmt.Sprintf("sites[%d].seasonality[%d]", i, j), "%v must be positive", f)
				}
				sum += f
			}
			if len(s.Seasonality) != 12 {
				bad(at("seasonality"), "%d factors; give twelve, January first", len(s.Seasonality))
			} else if mean := sum / 12; math.Abs(mean-1) > 0.005 {
				bad(at("seasonality"), "the factors' mean is %.3f; scale them to a mean of 1, so that the agreement's volumes are the year's average", mean)
			}
		}
		if !(s.HubShare >= 0 && s.HubShare <= 1) {
			bad(at("hub_share"), "%v must be in [0, 1]", s.HubShare)
		}
		if !(s.SecondItem >= 0 && s.SecondItem <= 1) {
			bad(at("second_item"), "%v must be in [0, 1]", s.SecondItem)
		}
		for j, h := range s.Hubs {
			if !agreement.IsCountry(h) {
				bad(fmt.Sprintf("sites[%d].hubs[%d]", i, j), "%q is not an ISO 3166-1 alpha-2 country code", h)
			}
		}
		for j, c := range s.Carriers {
			checkCarrier(fmt.Sprintf("sites[%d].carriers[%d]", i, j), c, bad)
		}
		traders := func(field string, ts []Trader) {
			for j, t := range ts {
				p := fmt.Sprintf("sites[%d].%s[%d]", i, field, j)
				if strings.TrimSpace(t.Name) == "" {
					bad(p+".name", "missing")
				}
				if !agreement.IsCountry(t.Country) {
					bad(p+".country", "%q is not an ISO 3166-1 alpha-2 country code", t.Country)
				}
				if !(t.Weight > 0) {
					bad(p+".weight", "%v must be positive", t.Weight)
				}
				checkModes(p+".modes", t.Modes, bad)
			}
		}
		traders("exporters", s.Exporters)
		traders("buyers", s.Buyers)
		traders("end_users", s.EndUsers)
		if len(s.Hubs) > 0 && s.HubShare > 0 && len(s.EndUsers) == 0 {
			bad(at("end_users"), "hubs re-export to end users elsewhere; list them")
		}
		for j, g := range s.Goods {
			p := fmt.Sprintf("sites[%d].goods[%d]", i, j)
			if strings.TrimSpace(g.Description) == "" {
				bad(p+".description", "missing")
			}
			if !hsRE.MatchString(g.HSCode) {
				bad(p+".hs_code", "%q is not an HS code (digits only, 6–10)", g.HSCode)
			}
			if strings.TrimSpace(g.Unit) == "" {
				bad(p+".unit", "missing")
			}
			for f, v := range map[string]float64{"quantity": g.Quantity, "kg_per_unit": g.KgPerUnit, "usd_per_unit": g.USDPerUnit, "weight": g.Weight} {
				if !(v > 0) {
					bad(p+"."+f, "%v must be positive", v)
				}
			}
			checkModes(p+".modes", g.Modes, bad)
		}
		// Every mode the agreement gives a volume for has something to
		// carry, someone to ship it and someone to buy it.
		for _, md := range vol.Modes {
			switch {
			case !slices.ContainsFunc(s.Carriers, func(c Carrier) bool { return c.Mode == md.Mode }):
				bad(at("carriers"), "no carrier for %s traffic, which the agreement's volumes include", md.Mode)
			case len(byMode(s.Goods, func(g Good) []string { return g.Modes }, md.Mode)) == 0:
				bad(at("goods"), "no goods leave by %s, which the agreement's volumes include", md.Mode)
			case len(byMode(s.Exporters, func(t Trader) []string { return t.Modes }, md.Mode)) == 0:
				bad(at("exporters"), "no exporter ships by %s, which the agreement's volumes include", md.Mode)
			case len(byMode(s.Buyers, func(t Trader) []string { return t.Modes }, md.Mode)) == 0:
				bad(at("buyers"), "no buyer receives by %s, which the agreement's volumes include", md.Mode)
			}
		}
	}
	for site := range volumes {
		if !seen[site] {
			bad("sites", "the agreement gives volumes for %s; model its traffic", site)
		}
	}
	m.Evader.validate(spec, bad)
	return ps
}

func (e Evader) validate(spec *agreement.Spec, bad func(path, format string, args ...any)) {
	party := partyOf(spec, e.Party)
	switch {
	case party == nil:
		bad("evader.party", "%q is not a party of %s", e.Party, spec.ID)
	case party.Role != agreement.Undertaker:
		bad("evader.party", "%s is the %s; the evader is the undertaker", e.Party, party.Role)
	}
	check := func(path string, d screening.Declaration) {
		d.Departure = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
		var fe screening.FieldErrors
		if err := d.Validate(spec); errors.As(err, &fe) {
			for _, f := range fe {
				bad(path+"."+f.Field, "%s", f.Msg)
			}
		} else if err != nil {
			bad(path, "%v", err)
		}
		if site := siteOf(spec, d.Site); site != nil && party != nil && site.Party != party.ID {
			bad(path+".site", "%s is %s's; the evader ships from its own", d.Site, site.Party)
		}
	}
	check("evader.cargo", e.Cargo)
	if e.Disguise != nil {
		check("evader.disguise", *e.Disguise)
	}
}

func checkCarrier(path string, c Carrier, bad func(path, format string, args ...any)) {
	switch c.Mode {
	case "air":
		if !flightRE.MatchString(c.Flight) {
			bad(path+".flight", "%q is not a flight number (airline code and 1–4 digits, e.g. JS151)", c.Flight)
		}
	case "sea":
		if strings.TrimSpace(c.Vessel) == "" {
			bad(path+".vessel", "missing; give the vessel's name")
		}
		if !screening.ValidIMO(c.IMO) {
			bad(path+".imo", "%q is not an IMO number (seven digits with a valid check digit)", c.IMO)
		}
	case "road", "rail":
		if strings.TrimSpace(c.Vehicle) == "" {
			bad(path+".vehicle", "missing; give the vehicle's registration or the train number")
		}
	default:
		bad(path+".mode", "%q is not a mode; use air, sea, road or rail", c.Mode)
	}
}

func checkModes(path string, modes []string, bad func(path, format string, args ...any)) {
	for i, m := range modes {
		if !slices.Contains([]string{"air", "sea", "road", "rail"}, m) {
			bad(fmt.Sprintf("%s[%d]", path, i), "%q is not a mode; use air, sea, road or rail", m)
		}
	}
}

func siteOf(spec *agreement.Spec, id string) *agreement.Site {
	for i := range spec.Sites {
		if spec.Sites[i].ID == id {
			return &spec.Sites[i]
		}
	}
	return nil
}

func partyOf(spec *agreement.Spec, id string) *agreement.Party {
	for i := range spec.Parties {
		if spec.Parties[i].ID == id {
			return &spec.Parties[i]
		}
	}
	return nil
}

// byMode returns the elements that trade by mode.
func byMode[T any](xs []T, modes func(T) []string, mode string) []T {
	var out []T
	for _, x := range xs {
		if ms := modes(x); len(ms) == 0 || slices.Contains(ms, mode) {
			out = append(out, x)
		}
	}
	return out
}

// Site returns the model of a site's traffic, or nil.
func (m *Model) Site(id string) *Site {
	for i := range m.Sites {
		if m.Sites[i].Site == id {
			return &m.Sites[i]
		}
	}
	return nil
}

// Volume is the traffic of one mode at a site: consignments a day on
// average, and what an inspection takes.
type Volume struct {
	Site, Mode         string
	PerDay             float64
	HoursPerInspection float64
	DaysPerPeriod      float64
}

// Volumes returns the agreement's volumes, by site and mode, in its order.
func (m *Model) Volumes() []Volume {
	var out []Volume
	for _, t := range m.spec.Verification.Traffic {
		for _, md := range t.Modes {
			out = append(out, Volume{Site: t.Site, Mode: md.Mode, PerDay: md.PerDay, HoursPerInspection: md.HoursPerInspection, DaysPerPeriod: t.DaysPerPeriod})
		}
	}
	return out
}

// PerDay returns the consignments a day that leave a site by a mode in the
// month of t: the agreement's average times the month's seasonality.
func (m *Model) PerDay(site, mode string, t time.Time) float64 {
	var avg float64
	for _, v := range m.Volumes() {
		if v.Site == site && v.Mode == mode {
			avg = v.PerDay
		}
	}
	if s := m.Site(site); s != nil && len(s.Seasonality) == 12 {
		avg *= s.Seasonality[t.Month()-1]
	}
	return avg
}

// Modes returns the modes the agreement gives volumes for at a site.
func (m *Model) Modes(site string) []string {
	var out []string
	for _, v := range m.Volumes() {
		if v.Site == site {
			out = append(out, v.Mode)
		}
	}
	return out
}

// Declaration draws an ordinary consignment leaving the site by mode at
// dep: an exporter, a buyer, an end user (elsewhere, for a hub's share),
// one line of goods or two, and a carrier, each in proportion to its
// share, the quantity varied about the typical one. The same rng draws
// give the same declaration.
func (s *Site) Declaration(rng *rand.Rand, country, mode string, dep time.Time) screening.Declaration {
	from := pick(rng, byMode(s.Exporters, traderModes, mode), traderWeight)
	to := pick(rng, byMode(s.Buyers, traderModes, mode), traderWeight)
	user := to
	if slices.Contains(s.Hubs, to.Country) && rng.Float64() < s.HubShare {
		user = pick(rng, s.EndUsers, traderWeight)
	}
	carriers := byMode(s.Carriers, func(c Carrier) []string { return []string{c.Mode} }, mode)
	c := carriers[rng.IntN(len(carriers))]
	if from.Country == "" {
		from.Country = country
	}
	d := screening.Declaration{
		Site: s.Site, Departure: dep, Mode: mode,
		Carrier:     screening.Carrier{Flight: c.Flight, Vessel: c.Vessel, IMO: c.IMO, Vehicle: c.Vehicle},
		Consignor:   screening.Party{Name: from.Name, Country: from.Country},
		Consignee:   screening.Party{Name: to.Name, Country: to.Country},
		EndUser:     screening.Party{Name: user.Name, Country: user.Country},
		Destination: user.Country,
	}
	goods := byMode(s.Goods, func(g Good) []string { return g.Modes }, mode)
	lines := 1
	if rng.Float64() < s.SecondItem {
		lines = 2
	}
	for range lines {
		g := pick(rng, goods, func(g Good) float64 { return g.Weight })
		q := math.Round(g.Quantity * (0.5 + rng.Float64()))
		d.Items = append(d.Items, screening.Item{Description: g.Description, HSCode: g.HSCode, Quantity: q, Unit: g.Unit,
			WeightKg: math.Round(q * g.KgPerUnit), Value: screening.Value{Amount: math.Round(q * g.USDPerUnit), Currency: "USD"}})
	}
	return d
}

// Count draws the number of consignments of a day whose mean is mean: the
// arrivals of a Poisson process of that rate within the day.
func Count(rng *rand.Rand, mean float64) int {
	n := 0
	if mean <= 0 {
		return 0
	}
	for t := rng.ExpFloat64() / mean; t < 1; t += rng.ExpFloat64() / mean {
		n++
	}
	return n
}

func traderModes(t Trader) []string { return t.Modes }
func traderWeight(t Trader) float64 { return t.Weight }

// pick draws an element in proportion to its weight.
func pick[T any](rng *rand.Rand, xs []T, w func(T) float64) T {
	var total float64
	for _, x := range xs {
		total += w(x)
	}
	r := rng.Float64() * total
	for _, x := range xs {
		r -= w(x)
		if r < 0 {
			return x
		}
	}
	return xs[len(xs)-1]
}

// Cargo returns the evader's cargo declared as what it is, leaving at dep.
func (m *Model) Cargo(dep time.Time) screening.Declaration {
	d := m.Evader.Cargo
	d.Departure = dep
	d.Items = slices.Clone(d.Items)
	return d
}

// Disguised returns the evader's cargo as it would declare it, leaving at
// dep; without a disguise, as what it is.
func (m *Model) Disguised(dep time.Time) screening.Declaration {
	if m.Evader.Disguise == nil {
		return m.Cargo(dep)
	}
	d := *m.Evader.Disguise
	d.Departure = dep
	d.Items = slices.Clone(d.Items)
	return d
}

// Spec returns the agreement the model is for.
func (m *Model) Spec() *agreement.Spec { return m.spec }
