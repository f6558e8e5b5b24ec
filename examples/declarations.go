package examples

import (
	"sync"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/screening"
	"github.com/surety/surety/internal/traffic"
)

// model1993 is the 1993 agreement's traffic model.
var model1993 = sync.OnceValue(func() *traffic.Model {
	doc, err := Files.ReadFile("israel-dprk-1993.yaml")
	if err != nil {
		panic(err)
	}
	spec, err := agreement.Parse("israel-dprk-1993.yaml", doc)
	if err != nil {
		panic(err)
	}
	tdoc, err := Files.ReadFile("israel-dprk-1993.traffic.yaml")
	if err != nil {
		panic(err)
	}
	m, err := traffic.Parse(spec, "israel-dprk-1993.traffic.yaml", tdoc)
	if err != nil {
		panic(err)
	}
	return m
})

// Rodong is the 1993 case's suspect consignment, leaving at departure, as
// the traffic model's evader disguises it: missile parts declared as mining
// equipment under HS 8802.60, from KOMID at Nampo to a listed Iranian end
// user.
func Rodong(departure time.Time) screening.Declaration { return model1993().Disguised(departure) }

// Garments is an ordinary consignment: blouses by air from Sunan to China.
func Garments(departure time.Time) screening.Declaration {
	return screening.Declaration{
		Site: "fnj", Departure: departure, Mode: "air", Carrier: screening.Carrier{Flight: "JS151"},
		Consignor:   screening.Party{Name: "Pyongyang Garment Factory", Country: "KP"},
		Consignee:   screening.Party{Name: "Dandong Textile Import Co", Country: "CN"},
		EndUser:     screening.Party{Name: "Dandong Textile Import Co", Country: "CN"},
		Destination: "CN", Seals: []string{"KP-FNJ-4410"},
		Items: []screening.Item{{Description: "women's cotton blouses", HSCode: "620630", Quantity: 2000, Unit: "pcs",
			WeightKg: 400, Value: screening.Value{Amount: 14000, Currency: "USD"}}},
	}
}
