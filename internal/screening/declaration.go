package screening

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/surety/surety/internal/agreement"
)

// Declaration is an outbound consignment as the undertaker declares it: the
// body of declaration.submit and declaration.amend.
type Declaration struct {
	// Site is the exit point, a site id of the agreement.
	Site string `json:"site"`
	// Departure is the planned departure time.
	Departure time.Time `json:"departure"`
	// Mode is air, sea, road or rail.
	Mode    string  `json:"mode"`
	Carrier Carrier `json:"carrier"`
	// Consignor ships the goods; Consignee receives them; EndUser uses them.
	Consignor Party `json:"consignor"`
	Consignee Party `json:"consignee"`
	EndUser   Party `json:"end_user"`
	// Destination is the country of final destination, ISO 3166-1 alpha-2.
	Destination string `json:"destination"`
	// Transit lists the countries the consignment passes through.
	Transit []string `json:"transit,omitempty"`
	Items   []Item   `json:"items"`
	// Licence names the approved licence request that covers a transfer
	// needing prior approval in the procurement channel.
	Licence string `json:"licence,omitempty"`
	// Seals are the numbers of the seals put on the consignment when it was
	// declared: the chain of custody inspectors check.
	Seals []string `json:"seals,omitempty"`
}

// Carrier is the flight, or the vessel and its IMO number, or the vehicle.
type Carrier struct {
	Flight string `json:"flight,omitempty"`
	Vessel string `json:"vessel,omitempty"`
	IMO    string `json:"imo,omitempty"`
	// Vehicle is a road or rail vehicle's registration or train number.
	Vehicle string `json:"vehicle,omitempty"`
}

// Party is a consignor, consignee or end user.
type Party struct {
	Name    string `json:"name"`
	Address string `json:"address,omitempty"`
	Country string `json:"country"`
	// Born is a person's date of birth: YYYY-MM-DD, YYYY-MM or YYYY.
	Born string `json:"born,omitempty"`
	// ID is the party's identifier: a passport or national identity number
	// for a person, a registration or tax number for a company.
	ID string `json:"id,omitempty"`
}

// Item is one line of a declaration.
type Item struct {
	Description string  `json:"description"`
	HSCode      string  `json:"hs_code"`
	Quantity    float64 `json:"quantity"`
	Unit        string  `json:"unit"`
	WeightKg    float64 `json:"weight_kg"`
	Value       Value   `json:"value"`
	// Control is the declarant's own control classification, if any, e.g.
	// "not controlled" or "MTCR 2.A.1".
	Control string `json:"control,omitempty"`
}

// Value is an amount in a currency (ISO 4217).
type Value struct {
	Amount   float64 `json:"amount"`
	Currency string  `json:"currency"`
}

var (
	hsCodeRE  = regexp.MustCompile(`^[0-9]{6,10}$`)
	flightRE  = regexp.MustCompile(`^[A-Z0-9]{2}[A-Z]?[0-9]{1,4}[A-Z]?$`)
	imoRE     = regexp.MustCompile(`^[0-9]{7}$`)
	currRE    = regexp.MustCompile(`^[A-Z]{3}$`)
	bornRE    = regexp.MustCompile(`^(19|20)[0-9]{2}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$`)
	modeSites = map[string][]agreement.SiteKind{
		"air":  {agreement.Airport},
		"sea":  {agreement.Seaport},
		"road": {agreement.LandCrossing},
		"rail": {agreement.LandCrossing},
	}
)

// FieldError is one bad field of a declaration.
type FieldError struct {
	Field string
	Msg   string
}

func (e FieldError) Error() string { return e.Field + ": " + e.Msg }

// FieldErrors lists every bad field of a declaration.
type FieldErrors []FieldError

func (es FieldErrors) Error() string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = e.Error()
	}
	return strings.Join(s, "; ")
}

// sealRE is the form of a seal number.
var sealRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9./-]{0,63}$`)

// Validate checks the declaration against the agreement and names every
// bad field, e.g. `items[2].hs_code: "88O2.60" is not an HS code (digits
// only, 6–10)`.
func (d Declaration) Validate(spec *agreement.Spec) error {
	var es FieldErrors
	bad := func(field, format string, args ...any) {
		es = append(es, FieldError{field, fmt.Sprintf(format, args...)})
	}
	var site *agreement.Site
	for i := range spec.Sites {
		if spec.Sites[i].ID == d.Site {
			site = &spec.Sites[i]
		}
	}
	switch {
	case d.Site == "":
		bad("site", "missing; give the exit point's site id")
	case site == nil:
		bad("site", "%q is not a site of agreement %s", d.Site, spec.ID)
	case !site.ExitPoint():
		bad("site", "%s is a facility, not an exit point", d.Site)
	}
	if d.Departure.IsZero() {
		bad("departure", "missing; give the planned departure time in RFC 3339")
	}
	kinds, ok := modeSites[d.Mode]
	switch {
	case !ok:
		bad("mode", "%q is not a mode; use air, sea, road or rail", d.Mode)
	case site != nil && !containsKind(kinds, site.Kind):
		bad("mode", "%s leaves from %s, which is %s", d.Mode, d.Site, site.Kind)
	}
	switch d.Mode {
	case "air":
		if !flightRE.MatchString(d.Carrier.Flight) {
			bad("carrier.flight", "%q is not a flight number (airline code and 1–4 digits, e.g. JS151)", d.Carrier.Flight)
		}
	case "sea":
		if strings.TrimSpace(d.Carrier.Vessel) == "" {
			bad("carrier.vessel", "missing; give the vessel's name")
		}
		if !ValidIMO(d.Carrier.IMO) {
			bad("carrier.imo", "%q is not an IMO number (seven digits with a valid check digit)", d.Carrier.IMO)
		}
	case "road", "rail":
		if strings.TrimSpace(d.Carrier.Vehicle) == "" {
			bad("carrier.vehicle", "missing; give the vehicle's registration or the train number")
		}
	}
	party := func(field string, p Party, country bool) {
		if strings.TrimSpace(p.Name) == "" {
			bad(field+".name", "missing")
		}
		if p.Born != "" && !bornRE.MatchString(p.Born) {
			bad(field+".born", "%q is not a date of birth; write YYYY-MM-DD, YYYY-MM or YYYY", p.Born)
		}
		if country && !agreement.IsCountry(p.Country) {
			bad(field+".country", "%q is not an ISO 3166-1 alpha-2 country code", p.Country)
		}
	}
	party("consignor", d.Consignor, false)
	party("consignee", d.Consignee, true)
	party("end_user", d.EndUser, true)
	if !agreement.IsCountry(d.Destination) {
		bad("destination", "%q is not an ISO 3166-1 alpha-2 country code", d.Destination)
	}
	for i, c := range d.Transit {
		if !agreement.IsCountry(c) {
			bad(fmt.Sprintf("transit[%d]", i), "%q is not an ISO 3166-1 alpha-2 country code", c)
		}
	}
	seen := map[string]bool{}
	for i, seal := range d.Seals {
		switch {
		case !sealRE.MatchString(seal):
			bad(fmt.Sprintf("seals[%d]", i), "%q is not a seal number (1–64 letters, digits, '-', '/' or '.')", seal)
		case seen[seal]:
			bad(fmt.Sprintf("seals[%d]", i), "%q is listed twice", seal)
		}
		seen[seal] = true
	}
	if len(d.Items) == 0 {
		bad("items", "a declaration lists at least one item")
	}
	for i, it := range d.Items {
		f := func(name string) string { return fmt.Sprintf("items[%d].%s", i, name) }
		if strings.TrimSpace(it.Description) == "" {
			bad(f("description"), "missing")
		}
		if !hsCodeRE.MatchString(it.HSCode) {
			bad(f("hs_code"), "%q is not an HS code (digits only, 6–10)", it.HSCode)
		}
		if !(it.Quantity > 0) {
			bad(f("quantity"), "must be positive")
		}
		if strings.TrimSpace(it.Unit) == "" {
			bad(f("unit"), "missing, e.g. \"pcs\" or \"kg\"")
		}
		if !(it.WeightKg > 0) {
			bad(f("weight_kg"), "must be positive")
		}
		if it.Value.Amount < 0 {
			bad(f("value.amount"), "must not be negative")
		}
		if !currRE.MatchString(it.Value.Currency) {
			bad(f("value.currency"), "%q is not an ISO 4217 currency code", it.Value.Currency)
		}
	}
	if len(es) > 0 {
		return es
	}
	return nil
}

func containsKind(ks []agreement.SiteKind, k agreement.SiteKind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

// ValidIMO checks an IMO ship number: six digits weighted 7 to 2, whose
// sum's last digit is the seventh.
func ValidIMO(s string) bool {
	if !imoRE.MatchString(s) {
		return false
	}
	sum := 0
	for i := range 6 {
		d, _ := strconv.Atoi(s[i : i+1])
		sum += d * (7 - i)
	}
	return strconv.Itoa(sum%10) == s[6:]
}
