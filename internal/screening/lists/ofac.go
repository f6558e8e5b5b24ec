package lists

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ParseOFAC reads the OFAC SDN list in its legacy CSV form: sdn.csv (one row
// per party), alt.csv (aliases) and add.csv (addresses), joined on ent_num.
// The files have no header; "-0-" marks an empty field, and a final Ctrl-Z
// byte is ignored. Aliases in alt.csv are strong; the a.k.a. names quoted in
// sdn.csv's remarks are OFAC's weak aliases. The CSV carries no date, so
// o.Date is required. Errors name the file and line.
func ParseOFAC(sdn, alt, add io.Reader, o Options) (Edition, error) {
	if !isDate(o.Date) {
		return Edition{}, fmt.Errorf("ofac: Options.Date %q is not YYYY-MM-DD", o.Date)
	}
	c := o.counter(nil)
	p := ofacParser{byNum: map[int]int{}}
	for _, f := range []struct {
		name string
		r    io.Reader
		want int
		row  func(line int, rec []string) error
	}{
		{"sdn.csv", sdn, 12, p.sdn},
		{"alt.csv", alt, 5, p.alt},
		{"add.csv", add, 6, p.add},
	} {
		c.r = f.r
		if err := readCSV(c, f.want, f.row); err != nil {
			return Edition{}, fmt.Errorf("ofac: %s: %w", f.name, err)
		}
	}
	c.finish()
	ed := Edition{Source: SourceOFAC, Date: o.Date, Entries: p.entries}
	for i := range ed.Entries {
		e := &ed.Entries[i]
		for _, a := range p.weak[i] {
			if a.Name != e.Name && !slices.ContainsFunc(e.Aliases, func(x Alias) bool { return x.Name == a.Name }) {
				e.Aliases = append(e.Aliases, a)
			}
		}
		slices.Sort(e.Countries)
	}
	slices.SortFunc(ed.Entries, func(a, b Entry) int { return strings.Compare(a.Ref, b.Ref) })
	return ed, nil
}

// readCSV calls row for every record of r, which must have want fields. The
// line passed to row is the record's first line.
func readCSV(r io.Reader, want int, row func(line int, rec []string) error) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "\x1a" {
			continue
		}
		if len(rec) != want {
			return fmt.Errorf("line %d: %d fields, want %d", line, len(rec), want)
		}
		if err := row(line, rec); err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
	}
}

type ofacParser struct {
	entries []Entry
	weak    [][]Alias   // weak aliases from the remarks, per entry
	byNum   map[int]int // ent_num to index in entries
}

// ofacField cleans one CSV field: "-0-" is empty, and bytes that are not
// UTF-8 are read as Latin-1, the legacy files' encoding.
func ofacField(s string) string {
	if !utf8.ValidString(s) {
		b := make([]rune, 0, len(s))
		for i := 0; i < len(s); i++ {
			b = append(b, rune(s[i]))
		}
		s = string(b)
	}
	s = clean(s)
	if s == "-0-" {
		return ""
	}
	return s
}

func ofacNum(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("ent_num %q is not a positive integer", s)
	}
	return n, nil
}

// ofacKinds maps the SDN_Type column; entities have none.
var ofacKinds = map[string]Kind{
	"":           Entity,
	"individual": Individual,
	"vessel":     Vessel,
	"aircraft":   Aircraft,
}

func (p *ofacParser) sdn(_ int, rec []string) error {
	num, err := ofacNum(rec[0])
	if err != nil {
		return err
	}
	if _, dup := p.byNum[num]; dup {
		return fmt.Errorf("ent_num %d listed twice", num)
	}
	e := Entry{Ref: "OFAC-" + strconv.Itoa(num), Name: ofacField(rec[1])}
	if e.Name == "" {
		return fmt.Errorf("ent_num %d: no SDN_Name", num)
	}
	t := ofacField(rec[2])
	kind, ok := ofacKinds[t]
	if !ok {
		return fmt.Errorf("ent_num %d: SDN_Type %q is not individual, vessel, aircraft or empty", num, t)
	}
	e.Kind = kind
	// Programs are written "NPWMD] [DPRK2": brackets between the names.
	for _, pr := range strings.FieldsFunc(ofacField(rec[3]), func(r rune) bool { return r == '[' || r == ']' }) {
		if pr = strings.TrimSpace(pr); pr != "" && !slices.Contains(e.Programs, pr) {
			e.Programs = append(e.Programs, pr)
		}
	}
	slices.Sort(e.Programs)
	remarks := ofacField(rec[11])
	for _, n := range remarkNationalities(remarks) {
		e.Countries = addCountry(e.Countries, n)
	}
	e.Parts = splitJoined(e.Name)
	e.Born, e.IDs = remarkFacts(remarks)
	slices.Sort(e.Born)
	p.byNum[num] = len(p.entries)
	p.entries = append(p.entries, e)
	p.weak = append(p.weak, remarkAliases(remarks))
	return nil
}

func (p *ofacParser) entry(field string) (*Entry, error) {
	num, err := ofacNum(field)
	if err != nil {
		return nil, err
	}
	i, ok := p.byNum[num]
	if !ok {
		return nil, fmt.Errorf("ent_num %d is not in sdn.csv", num)
	}
	return &p.entries[i], nil
}

// ofacAliasTypes maps alt.csv's alt_type column.
var ofacAliasTypes = map[string]string{"aka": AKA, "fka": FKA, "nka": NKA}

func (p *ofacParser) alt(_ int, rec []string) error {
	e, err := p.entry(rec[0])
	if err != nil {
		return err
	}
	t := ofacField(rec[2])
	typ, ok := ofacAliasTypes[strings.ToLower(t)]
	if !ok {
		return fmt.Errorf("%s: alt_type %q is not aka, fka or nka", e.Ref, t)
	}
	e.Aliases = addAlias(e.Aliases, Alias{Name: ofacField(rec[3]), Type: typ, Quality: Strong})
	return nil
}

func (p *ofacParser) add(_ int, rec []string) error {
	e, err := p.entry(rec[0])
	if err != nil {
		return err
	}
	a := Address{
		Street:  ofacField(rec[2]),
		City:    ofacField(rec[3]),
		Country: ofacField(rec[4]),
		Note:    ofacField(rec[5]),
	}
	if a != (Address{}) {
		e.Addresses = append(e.Addresses, a)
		e.Countries = addCountry(e.Countries, a.Country)
	}
	return nil
}

// remarkAliases returns the weak aliases quoted in SDN remarks, as in
// "a.k.a. 'KOMID'; f.k.a. 'ANA I'.". A name may itself hold an apostrophe
// (ABU-'UMAR), so it ends at the first quote followed by ';', '.', ',' or the
// end of the remarks.
func remarkAliases(remarks string) []Alias {
	var as []Alias
	for _, p := range []struct{ mark, typ string }{{"a.k.a. '", AKA}, {"f.k.a. '", FKA}, {"n.k.a. '", NKA}} {
		rest := remarks
		for {
			i := strings.Index(rest, p.mark)
			if i < 0 {
				break
			}
			rest = rest[i+len(p.mark):]
			end := -1
			for j := 0; j < len(rest); j++ {
				if rest[j] == '\'' && (j+1 == len(rest) || strings.IndexByte(";.,)", rest[j+1]) >= 0) {
					end = j
					break
				}
			}
			if end < 0 {
				break
			}
			as = addAlias(as, Alias{Name: clean(rest[:end]), Type: p.typ, Quality: Weak})
			rest = rest[end:]
		}
	}
	return as
}

// remarkIDs are the identifiers SDN remarks give, by the words before the
// number.
var remarkIDs = []struct{ prefix, typ string }{
	{"Vessel Registration Identification IMO ", IMO},
	{"Company Number IMO ", IMOCompany},
	{"Identification Number IMO ", IMOCompany},
	{"Passport ", Passport},
	{"National ID No. ", NationalID},
	{"Cedula No. ", NationalID},
	{"Registration Number ", Registration},
	{"Registration ID ", Registration},
	{"Tax ID No. ", TaxID},
}

// remarkCountry reads a trailing "(Country)" after an identifier.
var remarkCountry = regexp.MustCompile(`^(.*?)\s*\(([^()]*)\)\.?$`)

// remarkFacts returns the dates of birth and identifiers in SDN remarks, as
// in "DOB 10 Dec 1948; alt. DOB 1950; Passport 1084010 (Egypt); Vessel
// Registration Identification IMO 9187629". Dates are written as
// Entry.Born writes them; one that does not read is left out.
func remarkFacts(remarks string) (born []string, ids []ID) {
	for _, part := range strings.Split(remarks, "; ") {
		part = strings.TrimSuffix(strings.TrimPrefix(part, "alt. "), ".")
		if d, ok := strings.CutPrefix(part, "DOB "); ok {
			if b := remarkDate(d); b != "" && !slices.Contains(born, b) {
				born = append(born, b)
			}
			continue
		}
		for _, p := range remarkIDs {
			rest, ok := strings.CutPrefix(part, p.prefix)
			if !ok {
				continue
			}
			id := ID{Type: p.typ, Number: rest}
			if m := remarkCountry.FindStringSubmatch(rest); m != nil {
				id.Number, id.Country = m[1], m[2]
			}
			if id.Number = strings.TrimSpace(id.Number); id.Number != "" {
				ids = append(ids, id)
			}
			break
		}
	}
	return born, ids
}

// remarkDate reads an SDN date of birth: "10 Dec 1948", "Dec 1948", "1948",
// "circa 1948", "1946 to 1950" or "01 Jan 1946 to 31 Dec 1950".
func remarkDate(d string) string {
	d = strings.TrimPrefix(d, "circa ")
	if from, to, ok := strings.Cut(d, " to "); ok {
		a, b := remarkDate(from), remarkDate(to)
		if len(a) < 4 || len(b) < 4 {
			return ""
		}
		if a[:4] == b[:4] {
			return a[:4]
		}
		if s := a[:4] + "/" + b[:4]; isBorn(s) {
			return s
		}
		return ""
	}
	for _, f := range []struct{ in, out string }{{"02 Jan 2006", time.DateOnly}, {"Jan 2006", "2006-01"}, {"2006", "2006"}} {
		if t, err := time.Parse(f.in, d); err == nil {
			return t.Format(f.out)
		}
	}
	return ""
}

// remarkNationalities returns the countries named as "nationality X" or
// "alt. nationality X" in SDN remarks.
func remarkNationalities(remarks string) []string {
	var ns []string
	for _, part := range strings.Split(remarks, "; ") {
		part = strings.TrimPrefix(part, "alt. ")
		if n, ok := strings.CutPrefix(part, "nationality "); ok {
			ns = append(ns, strings.TrimSuffix(strings.TrimSpace(n), "."))
		}
	}
	return ns
}
