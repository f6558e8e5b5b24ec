package lists

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseUNReal(t *testing.T) {
	path := filepath.Join(sharedData(t), "un", "consolidated-2026-02-27.xml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var calls []int64
	ed, err := ParseUN(bytes.NewReader(data), Options{Size: int64(len(data)), Progress: func(done, total int64) {
		if total != int64(len(data)) {
			t.Errorf("progress total %d, want %d", total, len(data))
		}
		calls = append(calls, done)
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) < 10 || calls[len(calls)-1] != int64(len(data)) {
		t.Errorf("progress reported %d times, last %v, want ten or more ending at %d", len(calls), calls[len(calls)-1:], len(data))
	}
	for i := 1; i < len(calls); i++ {
		if calls[i] < calls[i-1] {
			t.Fatalf("progress went back from %d to %d", calls[i-1], calls[i])
		}
	}
	// The figures SOURCES.md gives for this edition.
	count := map[string]int{}
	for _, e := range ed.Entries {
		count[string(e.Kind)]++
		count[e.Programs[0]+" "+string(e.Kind)]++
	}
	want := map[string]int{"individual": 730, "entity": 273, "DPRK individual": 80, "DPRK entity": 75, "Iran individual": 43, "Iran entity": 78}
	for k, n := range want {
		if count[k] != n {
			t.Errorf("%d %s entries, want %d", count[k], k, n)
		}
	}
	if ed.Date != "2026-02-27" || ed.Source != SourceUN {
		t.Errorf("edition %v", ed)
	}
	komid, _ := ed.Entry("KPe.001")
	if komid.Listed != "2009-04-24" || !slices.Contains(komid.Aliases, Alias{`"KOMID"`, AKA, Strong}) {
		t.Errorf("KPe.001 is %+v", komid)
	}
	// One ALIAS_NAME element can hold several names.
	if s, _ := ed.Entry("IRi.039"); len(s.Aliases) != 11 || s.Aliases[10] != (Alias{"Sardar Soleimani", AKA, Weak}) {
		t.Errorf("IRi.039 aliases %+v, want 8 good and 3 low", s.Aliases)
	}
	if s, _ := ed.Entry("IRi.034"); len(s.Aliases) != 5 || s.Aliases[2].Name != "M. Javad Kareemi Sabet" {
		t.Errorf("IRi.034 aliases %+v", s.Aliases)
	}
	if _, err := Encode(ed); err != nil {
		t.Errorf("the real edition does not encode: %v", err)
	}
}

func TestParseUN2018(t *testing.T) {
	ed, err := LoadUN(filepath.Join(sharedData(t), "un", "consolidated-2018-10-29.xml"), nil)
	if err != nil {
		t.Fatal(err)
	}
	// dateGenerated="2018-10-29T19:09:49.856-04:00": the date as written.
	if ed.Date != "2018-10-29" || len(ed.Entries) != 1093 {
		t.Errorf("edition %v, want un 2018-10-29 with 1093 entries", ed)
	}
	// KPi.034's reference number has a trailing space in this edition.
	if _, ok := ed.Entry("KPi.034"); !ok {
		t.Error("KPi.034 not found")
	}
}

func TestParseUNSmall(t *testing.T) {
	in := `<?xml version="1.0"?>
<CONSOLIDATED_LIST dateGenerated="2026-01-02T10:00:00Z"><INDIVIDUALS><INDIVIDUAL>
<FIRST_NAME> RI </FIRST_NAME><SECOND_NAME>WON
   HO</SECOND_NAME><UN_LIST_TYPE>DPRK</UN_LIST_TYPE><REFERENCE_NUMBER>KPi.033 </REFERENCE_NUMBER>
<LISTED_ON>2016-11-30-05:00</LISTED_ON>
<NATIONALITY><VALUE>Democratic People's Republic of Korea</VALUE></NATIONALITY>
<INDIVIDUAL_ALIAS><QUALITY/><ALIAS_NAME/></INDIVIDUAL_ALIAS>
<INDIVIDUAL_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>Li Wonho; Rhee Won-ho</ALIAS_NAME></INDIVIDUAL_ALIAS>
<INDIVIDUAL_ADDRESS><COUNTRY/></INDIVIDUAL_ADDRESS>
<INDIVIDUAL_ADDRESS><CITY>Damascus</CITY><COUNTRY>Syria</COUNTRY></INDIVIDUAL_ADDRESS>
</INDIVIDUAL></INDIVIDUALS><ENTITIES><ENTITY><FIRST_NAME>KOMID &amp; CO</FIRST_NAME>
<REFERENCE_NUMBER>KPe.001</REFERENCE_NUMBER><ENTITY_ALIAS><QUALITY>f.k.a.</QUALITY><ALIAS_NAME>X</ALIAS_NAME></ENTITY_ALIAS>
</ENTITY></ENTITIES></CONSOLIDATED_LIST>`
	ed, err := ParseUN(strings.NewReader(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := Edition{Source: SourceUN, Date: "2026-01-02", Entries: []Entry{
		{Ref: "KPe.001", Kind: Entity, Name: "KOMID & CO", Aliases: []Alias{{"X", FKA, Strong}}},
		{
			Ref: "KPi.033", Kind: Individual, Name: "RI WON HO", Programs: []string{"DPRK"}, Listed: "2016-11-30",
			Aliases:   []Alias{{"Li Wonho", AKA, Weak}, {"Rhee Won-ho", AKA, Weak}},
			Countries: []string{"Democratic People's Republic of Korea", "Syria"},
			Addresses: []Address{{City: "Damascus", Country: "Syria"}},
		},
	}}
	if diff := cmp.Diff(want, ed); diff != "" {
		t.Errorf("ParseUN (-want +got):\n%s", diff)
	}
}

func TestParseUNErrors(t *testing.T) {
	rec := func(body string) string {
		return `<CONSOLIDATED_LIST dateGenerated="2026-01-02"><ENTITIES>` + body + `</ENTITIES></CONSOLIDATED_LIST>`
	}
	for _, c := range []struct{ in, want string }{
		{`<LIST/>`, "line 1: root element is LIST, want CONSOLIDATED_LIST"},
		{``, "no CONSOLIDATED_LIST element"},
		{`<CONSOLIDATED_LIST>`, "no dateGenerated and Options.Date is empty"},
		{`<CONSOLIDATED_LIST dateGenerated="yesterday"/>`, `dateGenerated "yesterday" is not a date`},
		{rec(`<ENTITY><FIRST_NAME>A</FIRST_NAME></ENTITY>`), "ENTITY at line 1: no REFERENCE_NUMBER"},
		{rec(`<ENTITY><REFERENCE_NUMBER>KPe.001</REFERENCE_NUMBER></ENTITY>`), "KPe.001: no FIRST_NAME"},
		{rec(`<ENTITY><FIRST_NAME>A</FIRST_NAME><REFERENCE_NUMBER>KPe.001</REFERENCE_NUMBER><LISTED_ON>soon</LISTED_ON></ENTITY>`), `LISTED_ON "soon"`},
		{rec(`<ENTITY><FIRST_NAME>A</FIRST_NAME><REFERENCE_NUMBER>KPe.001</REFERENCE_NUMBER><ENTITY_ALIAS><QUALITY>Bad</QUALITY><ALIAS_NAME>B</ALIAS_NAME></ENTITY_ALIAS></ENTITY>`), `alias QUALITY "Bad"`},
		{rec("<ENTITY><FIRST_NAME>A</FIRST_NAME><REFERENCE_NUMBER>KPe.001</REFERENCE_NUMBER></ENTITY>\n<ENTITY><FIRST_NAME>B</FIRST_NAME><REFERENCE_NUMBER>KPe.001</REFERENCE_NUMBER></ENTITY>"), "line 2: reference KPe.001 already listed at line 1"},
		{"<CONSOLIDATED_LIST dateGenerated=\"2026-01-02\">\n<ENTITY><FIRST_NAME>A</FIRST_NAME>", "line 2"},
		{`<CONSOLIDATED_LIST dateGenerated="2026-01-02"><ENTITY><FIRST_NAME>A</SECOND_NAME></ENTITY></CONSOLIDATED_LIST>`, "XML syntax error on line 1"},
	} {
		_, err := ParseUN(strings.NewReader(c.in), Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "un: ") {
			t.Errorf("ParseUN(%.50q) = %v, want an error with %q", c.in, err, c.want)
		}
	}
	ed, err := ParseUN(strings.NewReader(`<CONSOLIDATED_LIST/>`), Options{Date: "2025-09-28"})
	if err != nil || ed.Date != "2025-09-28" {
		t.Errorf("Options.Date fallback: %v, %v", ed, err)
	}
}

// FuzzParseUN checks that ParseUN never panics, and that what it accepts is
// a valid edition that survives Encode and Decode.
func FuzzParseUN(f *testing.F) {
	f.Add(FixtureXML())
	f.Add([]byte(`<CONSOLIDATED_LIST dateGenerated="2026-01-02"><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>KIM</FIRST_NAME><REFERENCE_NUMBER>KPi.024</REFERENCE_NUMBER><INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>a) X b) Y; Z</ALIAS_NAME></INDIVIDUAL_ALIAS></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>`))
	f.Add([]byte(`<CONSOLIDATED_LIST dateGenerated="2026-01-02"><ENTITY><FIRST_NAME>&#xFFFD;&amp;</FIRST_NAME><REFERENCE_NUMBER> x </REFERENCE_NUMBER><LISTED_ON>2000-01-01-04:00</LISTED_ON></ENTITY></CONSOLIDATED_LIST>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ed, err := ParseUN(bytes.NewReader(data), Options{})
		if err != nil {
			return
		}
		b, err := Encode(ed)
		if err != nil {
			t.Fatalf("parsed edition does not encode: %v", err)
		}
		back, err := Decode(b)
		if err != nil {
			t.Fatalf("encoded edition does not decode: %v", err)
		}
		if diff := cmp.Diff(canonical(ed), back); diff != "" {
			t.Fatalf("round trip (-parsed +decoded):\n%s", diff)
		}
	})
}
