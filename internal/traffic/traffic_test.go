package traffic

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/surety/surety/internal/agreement"
)

func load(t *testing.T, name string) (*agreement.Spec, *Model) {
	t.Helper()
	spec, err := agreement.Load("../../examples/" + name + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Load(spec, "../../examples/"+name+".yaml")
	if err != nil {
		t.Fatal(err)
	}
	return spec, m
}

// TestExamples: the 1993 offer, whose exit points the DPRK declares at,
// has a model of the DPRK's traffic and evader; the Agreed Framework and
// the JCPOA, under which nothing is declared, have none and say why.
func TestExamples(t *testing.T) {
	spec, m := load(t, "israel-dprk-1993")
	if m.Evader.Party != "dprk" || m.Cargo(time.Time{}).Consignor.Country != "KP" {
		t.Errorf("evader %s shipping from %s", m.Evader.Party, m.Cargo(time.Time{}).Consignor.Country)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, v := range m.Volumes() {
		s := m.Site(v.Site)
		for range 50 {
			d := s.Declaration(rng, "KP", v.Mode, time.Date(1993, 9, 1, 0, 0, 0, 0, time.UTC))
			if err := d.Validate(spec); err != nil {
				t.Fatalf("at %s: a drawn declaration is invalid: %v", v.Site, err)
			}
			if d.Consignor.Country != "KP" {
				t.Errorf("consignor %+v", d.Consignor)
			}
		}
	}
	for _, name := range []string{"agreed-framework-1994", "jcpoa-2015"} {
		path := "../../examples/" + name + ".yaml"
		spec, err := agreement.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Load(spec, path); !errors.Is(err, ErrNone) || !strings.Contains(err.Error(), "verifies no outbound consignments") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestSeasonality: a month's volume is the average times its factor, and
// the factors average 1.
func TestSeasonality(t *testing.T) {
	_, m := load(t, "israel-dprk-1993")
	march := m.PerDay("fnj", "air", time.Date(1993, 3, 10, 0, 0, 0, 0, time.UTC))
	var sum float64
	for mo := range 12 {
		sum += m.PerDay("fnj", "air", time.Date(1993, time.Month(mo+1), 1, 0, 0, 0, 0, time.UTC))
	}
	if math.Abs(march-11.4) > 1e-9 || sum/12 < 11.999 || sum/12 > 12.001 {
		t.Errorf("March %v, the year's mean %v; want 11.4 and 12", march, sum/12)
	}
}

// TestInvalid: every problem is named with its place in the file.
func TestInvalid(t *testing.T) {
	spec, err := agreement.Load("../../examples/israel-dprk-1993.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc := `agreement: il-kp-1993
sites:
  - site: fnj
    seasonality: [2, 1]
    carriers:
      - {mode: air, flight: "JS 151"}
    exporters:
      - {name: Korea Ginseng Export Company, country: KP, weight: 1}
    buyers:
      - {name: Beijing Huaxin, country: China, weight: 1}
    goods:
      - {description: ginseng, hs_code: "12.11", unit: kg, quantity: 1, kg_per_unit: 1, usd_per_unit: 1, weight: 0}
  - site: yongbyon
evader:
  party: israel
  cargo:
    site: kpnam
    mode: sea
    carrier: {vessel: X, imo: "1234568"}
    consignor: {name: KOMID, country: KP}
    consignee: {name: SHIG, country: IR}
    end_user: {name: SHIG, country: IR}
    destination: IR
    items: [{description: parts, hs_code: "930690", quantity: 1, unit: set, weight_kg: 1, value: {amount: 1, currency: USD}}]
`
	_, err = Parse(spec, "bad.traffic.yaml", []byte(doc))
	var ps agreement.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("got %v", err)
	}
	got := err.Error()
	for _, want := range []string{
		`bad.traffic.yaml:4:18: sites[0].seasonality: 2 factors; give twelve, January first`,
		`bad.traffic.yaml:6:29: sites[0].carriers[0].flight: "JS 151" is not a flight number`,
		`bad.traffic.yaml:10:41: sites[0].buyers[0].country: "China" is not an ISO 3166-1 alpha-2 country code`,
		`sites[0].goods[0].hs_code: "12.11" is not an HS code`,
		`sites[0].goods[0].weight: 0 must be positive`,
		`bad.traffic.yaml:13:11: sites[1].site: "yongbyon" is not a site of il-kp-1993`,
		`sites: the agreement gives volumes for kpnam; model its traffic`,
		`evader.party: israel is the benefactor; the evader is the undertaker`,
		`evader.cargo.carrier.imo: "1234568" is not an IMO number`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
	_, err = Parse(spec, "typo.traffic.yaml", []byte("agreement: il-kp-1993\nsite: []\n"))
	if err == nil || !strings.Contains(err.Error(), `typo.traffic.yaml:2:1: site: unknown field "site"; did you mean "sites"?`) {
		t.Errorf("an unknown field: %v", err)
	}
}
