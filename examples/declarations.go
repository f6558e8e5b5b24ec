package examples

import (
	"time"

	"github.com/surety/surety/internal/screening"
)

// Rodong is the 1993 case's suspect consignment: missile parts declared as
// mining equipment under HS 8802.60, from KOMID at Nampo to a listed
// Iranian end user.
func Rodong(departure time.Time) screening.Declaration {
	return screening.Declaration{
		Site: "kpnam", Departure: departure, Mode: "sea",
		Carrier:     screening.Carrier{Vessel: "Kang Nam 1", IMO: "9134103"},
		Consignor:   screening.Party{Name: "Korea Mining Development Trading Corporation", Country: "KP"},
		Consignee:   screening.Party{Name: "Shahid Hemmat Industrial Group", Country: "IR"},
		EndUser:     screening.Party{Name: "Shahid Hemmat Industrial Group", Country: "IR"},
		Destination: "IR", Seals: []string{"KP-NAM-0931"},
		Items: []screening.Item{{Description: "mining equipment", HSCode: "880260", Quantity: 4, Unit: "pcs",
			WeightKg: 12000, Value: screening.Value{Amount: 900000, Currency: "USD"}}},
	}
}

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
