package lists

import (
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
}

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
