package screening

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/surety/surety/internal/screening/lists"
	"github.com/surety/surety/internal/screening/names"
)

// Identity says how a party's other particulars bear on a name hit: a date
// of birth, an identifier or a country that the listed entry also has
// confirms it; a date of birth that none of the entry's can be clears it.
// Only what the entry lists counts: an entry without dates of birth is
// neither confirmed nor cleared by one.
type Identity struct {
	// Status is "confirmed", "cleared" or "" when nothing bears on it.
	Status string `json:"status"`
	// Why says which particulars and what the list gives.
	Why string `json:"why"`
}

// Identity statuses.
const (
	Confirmed = "confirmed"
	Cleared   = "cleared"
)

// identify weighs a party's particulars against the entry of a hit. A date
// of birth clears: people born years apart are not one person, and a
// declarant who gives a false one to clear a listed buyer gains no more than
// one who gives a front company's name, since both fall to the sampling
// floor that the assurance figures rest on; the inspector checks the papers
// at the post. A country does not clear: a listed person or company may live
// or trade anywhere.
func identify(p Party, e lists.Entry) Identity {
	var yes []string
	if p.ID != "" {
		for _, id := range e.IDs {
			if sameID(p.ID, id.Number) {
				yes = append(yes, fmt.Sprintf("identifier %s is the listed %s", p.ID, id.Type))
			}
		}
	}
	if p.Born != "" && len(e.Born) > 0 {
		if i := slices.IndexFunc(e.Born, func(b string) bool { return sameBirth(p.Born, b) }); i >= 0 {
			yes = append(yes, fmt.Sprintf("born %s, listed %s", p.Born, e.Born[i]))
		} else {
			return Identity{Cleared, fmt.Sprintf("born %s, listed %s", p.Born, strings.Join(e.Born, ", "))}
		}
	}
	if c := p.Country; c != "" && slices.ContainsFunc(e.Countries, func(name string) bool { return countryCode(name) == c }) {
		yes = append(yes, fmt.Sprintf("country %s is listed", c))
	}
	if yes == nil {
		return Identity{}
	}
	return Identity{Confirmed, strings.Join(yes, "; ")}
}

// sameID reports whether two identifiers are one number, spaces, dashes and
// case aside.
func sameID(a, b string) bool {
	norm := func(s string) string {
		var out []rune
		for _, r := range strings.ToUpper(s) {
			if r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' {
				out = append(out, r)
			}
		}
		return string(out)
	}
	x := norm(a)
	return x != "" && x == norm(b)
}

// birthSlack is how many years a date of birth may be off a listed year or
// span and still be the listed person's: lists give approximate years.
const birthSlack = 1

// sameBirth reports whether a declared date of birth (YYYY, YYYY-MM or
// YYYY-MM-DD) can be a listed one (the same, or YYYY/YYYY): two full dates
// must agree; otherwise the years must be within birthSlack.
func sameBirth(declared, listed string) bool {
	if len(declared) == 10 && len(listed) == 10 {
		return declared == listed
	}
	y, err := strconv.Atoi(declared[:min(4, len(declared))])
	if err != nil {
		return false
	}
	from, to := listed[:4], listed[:4]
	if len(listed) == 9 {
		to = listed[5:]
	}
	lo, err1 := strconv.Atoi(from)
	hi, err2 := strconv.Atoi(to)
	return err1 == nil && err2 == nil && y >= lo-birthSlack && y <= hi+birthSlack
}

// countryCode returns the ISO 3166-1 alpha-2 code of a country as the lists
// name it ("Democratic People's Republic of Korea", "Korea, North", "Iran
// (Islamic Republic of)"), or "".
func countryCode(name string) string {
	return countryCodes[names.Normalize(name)]
}

// listCountries are the names the UN and OFAC lists give countries where
// they differ from golang.org/x/text's English names.
var listCountries = map[string]string{
	"Democratic People's Republic of Korea":          "KP",
	"Korea, North":                                   "KP",
	"North Korea":                                    "KP",
	"Republic of Korea":                              "KR",
	"Korea, South":                                   "KR",
	"Iran (Islamic Republic of)":                     "IR",
	"Syrian Arab Republic":                           "SY",
	"Russian Federation":                             "RU",
	"Lao People's Democratic Republic":               "LA",
	"Viet Nam":                                       "VN",
	"Burma":                                          "MM",
	"Democratic Republic of the Congo":               "CD",
	"Congo, Democratic Republic of the":              "CD",
	"Bolivia (Plurinational State of)":               "BO",
	"Venezuela (Bolivarian Republic of)":             "VE",
	"United Republic of Tanzania":                    "TZ",
	"Republic of Moldova":                            "MD",
	"Turkey":                                         "TR",
	"China, Hong Kong Special Administrative Region": "HK",
	"Hong Kong":                                      "HK",
	"United Kingdom":                                 "GB",
	"United States":                                  "US",
}

var countryCodes = func() map[string]string {
	m := map[string]string{}
	en := display.English.Regions()
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			r, err := language.ParseRegion(code)
			if err != nil || !r.IsCountry() {
				continue
			}
			m[names.Normalize(en.Name(r))] = r.String()
		}
	}
	for n, c := range listCountries {
		m[names.Normalize(n)] = c
	}
	return m
}()
