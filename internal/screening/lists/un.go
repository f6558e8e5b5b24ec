package lists

import (
	"cmp"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
)

// unRecord is one INDIVIDUAL or ENTITY element of the UN consolidated list,
// as far as Surety reads it.
type unRecord struct {
	First       string      `xml:"FIRST_NAME"`
	Second      string      `xml:"SECOND_NAME"`
	Third       string      `xml:"THIRD_NAME"`
	Fourth      string      `xml:"FOURTH_NAME"`
	Original    string      `xml:"NAME_ORIGINAL_SCRIPT"`
	ListType    string      `xml:"UN_LIST_TYPE"`
	Ref         string      `xml:"REFERENCE_NUMBER"`
	Listed      string      `xml:"LISTED_ON"`
	Nationality []string    `xml:"NATIONALITY>VALUE"`
	IndAliases  []unAlias   `xml:"INDIVIDUAL_ALIAS"`
	EntAliases  []unAlias   `xml:"ENTITY_ALIAS"`
	IndAddress  []unAddress `xml:"INDIVIDUAL_ADDRESS"`
	EntAddress  []unAddress `xml:"ENTITY_ADDRESS"`
	Born        []unBorn    `xml:"INDIVIDUAL_DATE_OF_BIRTH"`
	Documents   []unDoc     `xml:"INDIVIDUAL_DOCUMENT"`
	Comments    string      `xml:"COMMENTS1"`
}

type unBorn struct {
	Date string `xml:"DATE"`
	Year string `xml:"YEAR"`
	From string `xml:"FROM_YEAR"`
	To   string `xml:"TO_YEAR"`
}

type unDoc struct {
	Type    string `xml:"TYPE_OF_DOCUMENT"`
	Number  string `xml:"NUMBER"`
	Issuer  string `xml:"ISSUING_COUNTRY"`
	Country string `xml:"COUNTRY_OF_ISSUE"`
}

// unDocTypes maps the UN list's TYPE_OF_DOCUMENT values to ID types; others
// keep their own name in lower case.
var unDocTypes = map[string]string{
	"passport":                       Passport,
	"national identification number": NationalID,
	"national identity card":         NationalID,
	"identification number":          NationalID,
}

// unIMO finds the IMO numbers the UN list writes in an entity's comments, as
// in "IMO Number: 5342883" or "(IMO) Number: 1790183": the company numbers
// of ship owners and managers.
var unIMO = regexp.MustCompile(`(?i)\bIMO\)?:? (?:number|no\.?)?:? *([0-9]{7})\b`)

type unAlias struct {
	Quality string `xml:"QUALITY"`
	Name    string `xml:"ALIAS_NAME"`
}

type unAddress struct {
	Street  string `xml:"STREET"`
	City    string `xml:"CITY"`
	Region  string `xml:"STATE_PROVINCE"`
	Postal  string `xml:"ZIP_CODE"`
	Country string `xml:"COUNTRY"`
	Note    string `xml:"NOTE"`
}

// ParseUN reads the UN Security Council consolidated list XML
// (https://scsanctions.un.org/resources/xml/en/consolidated.xml) and returns
// it as an edition dated by its dateGenerated attribute. It streams the
// document one INDIVIDUAL or ENTITY at a time. Errors name the line of the
// offending record.
func ParseUN(r io.Reader, o Options) (Edition, error) {
	c := o.counter(r)
	d := xml.NewDecoder(c)
	ed := Edition{Source: SourceUN}
	lines := map[string]int{}
	root := false
	for {
		t, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Edition{}, fmt.Errorf("un: %w", err)
		}
		se, ok := t.(xml.StartElement)
		if !ok {
			continue
		}
		line, _ := d.InputPos()
		if !root {
			if se.Name.Local != "CONSOLIDATED_LIST" {
				return Edition{}, fmt.Errorf("un: line %d: root element is %s, want CONSOLIDATED_LIST", line, se.Name.Local)
			}
			root = true
			ed.Date, err = unDate(se, o.Date)
			if err != nil {
				return Edition{}, fmt.Errorf("un: line %d: %w", line, err)
			}
			continue
		}
		var kind Kind
		switch se.Name.Local {
		case "INDIVIDUAL":
			kind = Individual
		case "ENTITY":
			kind = Entity
		default:
			continue
		}
		var rec unRecord
		if err := d.DecodeElement(&rec, &se); err != nil {
			return Edition{}, fmt.Errorf("un: %s at line %d: %w", se.Name.Local, line, err)
		}
		e, err := rec.entry(kind)
		if err != nil {
			return Edition{}, fmt.Errorf("un: %s at line %d: %w", se.Name.Local, line, err)
		}
		if first, dup := lines[e.Ref]; dup {
			return Edition{}, fmt.Errorf("un: %s at line %d: reference %s already listed at line %d", se.Name.Local, line, e.Ref, first)
		}
		lines[e.Ref] = line
		ed.Entries = append(ed.Entries, e)
	}
	c.finish()
	if !root {
		return Edition{}, errors.New("un: no CONSOLIDATED_LIST element")
	}
	slices.SortFunc(ed.Entries, func(a, b Entry) int { return strings.Compare(a.Ref, b.Ref) })
	return ed, nil
}

// unDate reads the list's dateGenerated attribute, an xsd:dateTime, and keeps
// its calendar date as written.
func unDate(se xml.StartElement, fallback string) (string, error) {
	for _, a := range se.Attr {
		if a.Name.Local != "dateGenerated" {
			continue
		}
		v := strings.TrimSpace(a.Value)
		if len(v) < 10 || !isDate(v[:10]) {
			return "", fmt.Errorf("dateGenerated %q is not a date", a.Value)
		}
		return v[:10], nil
	}
	if fallback == "" {
		return "", errors.New("CONSOLIDATED_LIST has no dateGenerated and Options.Date is empty")
	}
	if !isDate(fallback) {
		return "", fmt.Errorf("Options.Date %q is not YYYY-MM-DD", fallback)
	}
	return fallback, nil
}

// enumeration matches the "a) ", "b) " ... that some UN records put between
// the names of one alias element.
var enumeration = regexp.MustCompile(`(?:^|\s)[a-h]\)\s`)

// splitAliases splits one ALIAS_NAME, which may hold several names
// separated by semicolons or enumerated ("Mohammed Sabet; Mohammad Sabet b)
// M. Javad Kareemi Sabet"), and cleans each.
func splitAliases(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ";") {
		for _, n := range enumeration.Split(part, -1) {
			if n = clean(n); n != "" {
				out = append(out, n)
			}
		}
	}
	return out
}

// unQualities maps the UN alias QUALITY values to alias type and quality.
var unQualities = map[string]Alias{
	"":       {Type: AKA, Quality: Strong},
	"Good":   {Type: AKA, Quality: Strong},
	"Low":    {Type: AKA, Quality: Weak},
	"a.k.a.": {Type: AKA, Quality: Strong},
	"f.k.a.": {Type: FKA, Quality: Strong},
	"n.k.a.": {Type: NKA, Quality: Strong},
}

func (rec *unRecord) entry(kind Kind) (Entry, error) {
	e := Entry{Ref: clean(rec.Ref), Kind: kind, Original: clean(rec.Original)}
	if e.Ref == "" {
		return Entry{}, errors.New("no REFERENCE_NUMBER")
	}
	var parts []string
	for _, p := range []string{rec.First, rec.Second, rec.Third, rec.Fourth} {
		if p = clean(p); p != "" {
			parts = append(parts, p)
		}
	}
	e.Name = strings.Join(parts, " ")
	if e.Name == "" {
		return Entry{}, fmt.Errorf("%s: no FIRST_NAME", e.Ref)
	}
	e.Parts = splitJoined(e.Name)
	for _, b := range rec.Born {
		var v string
		switch d, y, from, to := clean(b.Date), clean(b.Year), clean(b.From), clean(b.To); {
		case d != "":
			v = d
			if len(v) > 10 {
				v = v[:10]
			}
		case y != "":
			v = y
		case from != "" && to != "":
			v = from + "/" + to
		}
		if v == "" {
			continue
		}
		if !isBorn(v) {
			return Entry{}, fmt.Errorf("%s: date of birth %q is not a date, a year or a span of years", e.Ref, v)
		}
		if !slices.Contains(e.Born, v) {
			e.Born = append(e.Born, v)
		}
	}
	slices.Sort(e.Born)
	for _, d := range rec.Documents {
		n := clean(d.Number)
		if n == "" {
			continue
		}
		t := strings.ToLower(clean(d.Type))
		if m, ok := unDocTypes[t]; ok {
			t = m
		}
		if t == "" {
			t = "document"
		}
		e.IDs = append(e.IDs, ID{Type: t, Number: n, Country: cmp.Or(clean(d.Issuer), clean(d.Country))})
	}
	for _, m := range unIMO.FindAllStringSubmatch(rec.Comments, -1) {
		e.IDs = append(e.IDs, ID{Type: IMOCompany, Number: m[1]})
	}
	if lt := clean(rec.ListType); lt != "" {
		e.Programs = []string{lt}
	}
	// LISTED_ON is a date, sometimes followed by a time zone (2015-03-27-04:00).
	if l := clean(rec.Listed); l != "" {
		if len(l) < 10 || !isDate(l[:10]) {
			return Entry{}, fmt.Errorf("%s: LISTED_ON %q is not a date", e.Ref, l)
		}
		e.Listed = l[:10]
	}
	for _, a := range append(rec.IndAliases, rec.EntAliases...) {
		q := clean(a.Quality)
		al, ok := unQualities[q]
		if !ok {
			return Entry{}, fmt.Errorf("%s: alias QUALITY %q is not Good, Low, a.k.a., f.k.a. or n.k.a.", e.Ref, q)
		}
		for _, n := range splitAliases(a.Name) {
			al.Name = n
			e.Aliases = addAlias(e.Aliases, al)
		}
	}
	for _, n := range rec.Nationality {
		e.Countries = addCountry(e.Countries, clean(n))
	}
	for _, a := range append(rec.IndAddress, rec.EntAddress...) {
		ad := Address{
			Street:  clean(a.Street),
			City:    clean(a.City),
			Region:  clean(a.Region),
			Postal:  clean(a.Postal),
			Country: clean(a.Country),
			Note:    clean(a.Note),
		}
		if ad == (Address{}) {
			continue
		}
		e.Addresses = append(e.Addresses, ad)
		e.Countries = addCountry(e.Countries, ad.Country)
	}
	slices.Sort(e.Countries)
	return e, nil
}
