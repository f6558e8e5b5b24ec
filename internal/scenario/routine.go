package scenario

import (
	"fmt"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/screening"
)

// good is an ordinary consignment of a country's trade: nothing controlled,
// nobody listed, nowhere sensitive.
type good struct {
	mode        string // air or sea
	consignor   string
	consignee   screening.Party
	description string
	hs          string
	unit        string
	quantity    float64 // per consignment, varied by the consignment's number
	kgPerUnit   float64
	usdPerUnit  float64
}

// goods are the ordinary consignments of routine traffic, by the country
// of the site they leave from.
var goods = map[string][]good{
	"KP": {
		{mode: "air", consignor: "Pyongyang Garment Factory", consignee: screening.Party{Name: "Dandong Textile Import Co", Country: "CN"},
			description: "women's cotton blouses", hs: "620630", unit: "pcs", quantity: 2000, kgPerUnit: 0.2, usdPerUnit: 7},
		{mode: "sea", consignor: "Anju Coal Mine", consignee: screening.Party{Name: "Dalian Energy Trading Co", Country: "CN"},
			description: "anthracite coal", hs: "270111", unit: "t", quantity: 5000, kgPerUnit: 1000, usdPerUnit: 60},
		{mode: "sea", consignor: "Pyongyang Garment Factory", consignee: screening.Party{Name: "Dandong Textile Import Co", Country: "CN"},
			description: "men's cotton trousers", hs: "620342", unit: "pcs", quantity: 6000, kgPerUnit: 0.5, usdPerUnit: 9},
	},
	"IR": {
		{mode: "air", consignor: "Tabriz Carpet Weavers Cooperative", consignee: screening.Party{Name: "Hamburg Orient Carpets GmbH", Country: "DE"},
			description: "hand-knotted wool carpets", hs: "570110", unit: "pcs", quantity: 40, kgPerUnit: 25, usdPerUnit: 1500},
		{mode: "sea", consignor: "Kerman Pistachio Growers Cooperative", consignee: screening.Party{Name: "Guangzhou Dried Fruit Import Co", Country: "CN"},
			description: "pistachios in shell", hs: "080251", unit: "kg", quantity: 20000, kgPerUnit: 1, usdPerUnit: 9},
	},
}

// carriers are the flights and vessels of routine traffic, by country.
var carriers = map[string]map[string]screening.Carrier{
	"KP": {"air": {Flight: "JS151"}, "sea": {Vessel: "Mangyongbong", IMO: "8322090"}},
	"IR": {"air": {Flight: "IR721"}, "sea": {Vessel: "Persian Gulf Star", IMO: "9165786"}},
}

// siteGoods returns the goods that leave from a site: by air from an
// airport, by sea from a seaport.
func siteGoods(site *agreement.Site) []good {
	var fit []good
	for _, g := range goods[site.Country] {
		if g.mode == "air" && site.Kind == agreement.Airport || g.mode == "sea" && site.Kind == agreement.Seaport {
			fit = append(fit, g)
		}
	}
	return fit
}

// routineDeclaration returns the n-th (from 0) ordinary declaration at a
// site, departing at dep: the site's goods in turn, their quantity varied.
func routineDeclaration(site *agreement.Site, n int, dep time.Time) screening.Declaration {
	fit := siteGoods(site)
	g := fit[n%len(fit)]
	q := g.quantity * float64(4+n%5) / 4
	return screening.Declaration{
		Site: site.ID, Departure: dep, Mode: g.mode, Carrier: carriers[site.Country][g.mode],
		Consignor:   screening.Party{Name: g.consignor, Country: site.Country},
		Consignee:   g.consignee,
		EndUser:     g.consignee,
		Destination: g.consignee.Country,
		Items: []screening.Item{{Description: g.description, HSCode: g.hs, Quantity: q, Unit: g.unit,
			WeightKg: q * g.kgPerUnit, Value: screening.Value{Amount: q * g.usdPerUnit, Currency: "USD"}}},
	}
}

// routineID names the routine declaration made at a site at a time.
func routineID(site string, at time.Time) string {
	return fmt.Sprintf("%s-%s", site, at.UTC().Format("20060102T1504"))
}
