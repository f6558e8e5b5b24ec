// Package lists imports sanctions-list editions.
//
// An [Edition] is one published state of one list: the UN Security Council
// consolidated list (read by [ParseUN]) or the OFAC SDN list in its legacy CSV
// form (read by [ParseOFAC]). Both become the same model of [Entry] values,
// keyed by a reference: the UN reference number (KPe.001) or "OFAC-<ent_num>".
// [Encode] gives an edition its one canonical byte form, which the log keeps as
// a content-addressed blob, and [Decode] reads it back. [Diff] lists what changed
// between two editions.
//
// The package takes bytes and returns values; reading files is left to
// [LoadUN], [LoadOFAC] and [Reference], which only open the paths they are
// given. It knows nothing of names matching, items or risk.
package lists

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Sources of an edition.
const (
	SourceUN   = "un"
	SourceOFAC = "ofac"
)

// Kind is what a listed entry is.
type Kind string

// Kinds of entry.
const (
	Individual Kind = "individual"
	Entity     Kind = "entity"
	Vessel     Kind = "vessel"
	Aircraft   Kind = "aircraft"
)

func (k Kind) valid() bool {
	switch k {
	case Individual, Entity, Vessel, Aircraft:
		return true
	}
	return false
}

// Alias types: also known as, formerly known as, now known as.
const (
	AKA = "aka"
	FKA = "fka"
	NKA = "nka"
)

// Alias qualities. A weak alias (UN quality "Low", OFAC remarks' a.k.a.) is
// too broad to identify its holder alone; it scores a little lower.
const (
	Strong = "strong"
	Weak   = "weak"
)

// Edition is one published state of one sanctions list. Entries are sorted by
// Ref, which is unique within the edition.
type Edition struct {
	Source  string  `json:"source"` // SourceUN or SourceOFAC
	Date    string  `json:"date"`   // YYYY-MM-DD, the day the list was generated
	Entries []Entry `json:"entries"`
}

// Entry is one listed party.
type Entry struct {
	// Ref is the list's reference: the UN reference number (KPe.001) or
	// "OFAC-" and the SDN ent_num.
	Ref  string `json:"ref"`
	Kind Kind   `json:"kind"`
	// Name is the primary name as listed, with white space collapsed.
	Name string `json:"name"`
	// Original is the name in its original script, where the list gives it.
	Original string `json:"original,omitempty"`
	// Parts are the names that a joined listed name holds, split on import:
	// BANK SEPAH AND BANK SEPAH INTERNATIONAL holds BANK SEPAH and BANK
	// SEPAH INTERNATIONAL. Name keeps the name as listed.
	Parts   []string `json:"parts,omitempty"`
	Aliases []Alias  `json:"aliases,omitempty"`
	// Programs are the UN list type (DPRK, Iran) or the OFAC programs
	// (DPRK2, IRAN, NPWMD), sorted.
	Programs []string `json:"programs,omitempty"`
	// Listed is the day the entry was listed, YYYY-MM-DD; the OFAC CSV does
	// not give it.
	Listed string `json:"listed,omitempty"`
	// Countries are nationalities and address countries, sorted, without
	// repeats.
	Countries []string  `json:"countries,omitempty"`
	Addresses []Address `json:"addresses,omitempty"`
	// Born are a person's dates of birth as listed: YYYY-MM-DD, YYYY-MM,
	// YYYY, or a span of years written YYYY/YYYY.
	Born []string `json:"born,omitempty"`
	// IDs are the entry's identifiers: a vessel's IMO number, passports,
	// national identity and registration numbers.
	IDs []ID `json:"ids,omitempty"`
}

// ID is one identifier of a listed entry.
type ID struct {
	// Type is what the number is: IMO (a vessel's IMO number), IMO
	// company (the IMO number of a ship owner or manager), passport,
	// national id, registration, tax id.
	Type    string `json:"type"`
	Number  string `json:"number"`
	Country string `json:"country,omitempty"`
}

// ID types Surety reads.
const (
	IMO          = "IMO"
	IMOCompany   = "IMO company"
	Passport     = "passport"
	NationalID   = "national id"
	Registration = "registration"
	TaxID        = "tax id"
)

// splitJoined returns the names a joined name holds, or nil: a name that
// joins names of two words or more with AND, each starting with the name's
// first word (BANK SEPAH AND BANK SEPAH INTERNATIONAL), as the UN list writes
// an entity listed with its branch. An AND followed by another word is
// inside a name (ESFAHAN NUCLEAR FUEL RESEARCH AND PRODUCTION CENTRE), and a
// name with no such AND (AMMUNITION AND METALLURGY INDUSTRIES GROUP) is one
// name.
func splitJoined(name string) []string {
	ws := strings.Fields(name)
	var parts []string
	start := 0
	for i := 1; i+1 < len(ws); i++ {
		if strings.EqualFold(ws[i], "and") && strings.EqualFold(ws[i+1], ws[0]) {
			if i-start < 2 {
				return nil
			}
			parts = append(parts, strings.Join(ws[start:i], " "))
			start = i + 1
		}
	}
	if parts == nil || len(ws)-start < 2 {
		return nil
	}
	return append(parts, strings.Join(ws[start:], " "))
}

// isBorn reports whether s is a date of birth as Entry.Born writes it.
func isBorn(s string) bool {
	switch len(s) {
	case 4:
		_, err := time.Parse("2006", s)
		return err == nil
	case 7:
		_, err := time.Parse("2006-01", s)
		return err == nil
	case 9:
		return s[4] == '/' && isBorn(s[:4]) && isBorn(s[5:]) && s[:4] <= s[5:]
	}
	return isDate(s)
}

// Alias is another name of an entry.
type Alias struct {
	Name    string `json:"name"`
	Type    string `json:"type"`    // AKA, FKA or NKA
	Quality string `json:"quality"` // Strong or Weak
}

// Address is one listed address. Lists fill in what they know.
type Address struct {
	Street  string `json:"street,omitempty"`
	City    string `json:"city,omitempty"`
	Region  string `json:"region,omitempty"`
	Postal  string `json:"postal,omitempty"`
	Country string `json:"country,omitempty"`
	Note    string `json:"note,omitempty"`
}

// Options tune an importer. The zero value is valid for ParseUN.
type Options struct {
	// Date is the edition date, YYYY-MM-DD. ParseOFAC requires it, because
	// the legacy CSV carries none; ParseUN uses it only when the list has no
	// dateGenerated attribute.
	Date string
	// Size is the total number of input bytes, passed to Progress as total;
	// 0 when unknown.
	Size int64
	// Progress, when set, is called as input is read with the bytes read so
	// far and Size, and once more at the end.
	Progress func(done, total int64)
}

// counter counts the bytes read through it and reports them to a progress
// callback at most every 64 KiB.
type counter struct {
	r      io.Reader
	done   int64
	last   int64
	total  int64
	report func(done, total int64)
}

func (o Options) counter(r io.Reader) *counter {
	return &counter{r: r, total: o.Size, report: o.Progress}
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.done += int64(n)
	if c.report != nil && c.done-c.last >= 64<<10 {
		c.last = c.done
		c.report(c.done, c.total)
	}
	return n, err
}

// finish reports the final count.
func (c *counter) finish() {
	if c.report != nil {
		c.report(c.done, c.total)
	}
}

// clean collapses runs of white space into one space, trims the ends and
// replaces invalid UTF-8, so that listed text compares equal across editions
// whatever its line breaks.
func clean(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r != ' ' && unicode.IsSpace(r) }) &&
		!strings.Contains(s, "  ") && utf8.ValidString(s) {
		return strings.TrimSpace(s)
	}
	return strings.Join(strings.Fields(strings.ToValidUTF8(s, "\uFFFD")), " ")
}

// isDate reports whether s is a calendar date written YYYY-MM-DD.
func isDate(s string) bool {
	if len(s) != 10 {
		return false
	}
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// addCountry appends c to cs unless it is empty or already there.
func addCountry(cs []string, c string) []string {
	if c == "" {
		return cs
	}
	for _, x := range cs {
		if x == c {
			return cs
		}
	}
	return append(cs, c)
}

// addAlias appends a to as unless its name is empty or the same alias is
// already there.
func addAlias(as []Alias, a Alias) []Alias {
	if a.Name == "" {
		return as
	}
	for _, x := range as {
		if x == a {
			return as
		}
	}
	return append(as, a)
}

// Entry looks up ref in e by binary search: the entries must be sorted by
// Ref, as the importers and Decode give them.
func (e Edition) Entry(ref string) (Entry, bool) {
	lo, hi := 0, len(e.Entries)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if e.Entries[m].Ref < ref {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(e.Entries) && e.Entries[lo].Ref == ref {
		return e.Entries[lo], true
	}
	return Entry{}, false
}

// String names the edition, as in "un 2026-02-27 (1003 entries)".
func (e Edition) String() string {
	return fmt.Sprintf("%s %s (%d entries)", e.Source, e.Date, len(e.Entries))
}

// firstUN is when the UN Security Council first listed parties for the
// DPRK (resolution 1718, 14 October 2006); it listed Iran's from
// resolution 1737 in December 2006, and KOMID in 2009.
var firstUN = time.Date(2006, 10, 14, 0, 0, 0, 0, time.UTC)

// StandIn says why an edition used at a time it postdates stands in for a
// list of that time, or returns "" if it does not postdate it.
func (e Edition) StandIn(at time.Time) string {
	d, err := time.Parse(time.DateOnly, e.Date)
	if err != nil || !d.After(at) {
		return ""
	}
	if e.Source == SourceUN && at.Before(firstUN) {
		return fmt.Sprintf("a stand-in: this %s edition postdates %s, and the UN's lists on the DPRK and Iran began only in 2006 (resolutions 1718 and 1737; KOMID was listed in 2009)",
			e.Date, at.Format(time.DateOnly))
	}
	return fmt.Sprintf("a stand-in: this %s edition postdates %s", e.Date, at.Format(time.DateOnly))
}
