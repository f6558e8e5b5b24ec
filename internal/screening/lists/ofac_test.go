package lists

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A small SDN edition in the legacy CSV form: CRLF line ends, "-0- " for
// empty fields, a Ctrl-Z at the end.
const (
	testSDN = "9345,\"KOREA MINING DEVELOPMENT TRADING CORPORATION\",-0- ,\"NPWMD] [DPRK2\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"a.k.a. 'KOMID'.\"\r\n" +
		"15659,\"YO'N, Cho'ng-Nam\",\"individual\",\"NPWMD\",\"Chief Representative\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"nationality Korea, North; a.k.a. 'ABU-'UMAR'; f.k.a. 'OLD NAME'.\"\r\n" +
		"8000,\"SHIP ONE\",\"vessel\",\"IRAN\",-0- ,\"9XYZ\",\"Bulk Carrier\",-0- ,-0- ,\"Iran\",-0- ,-0- \r\n" +
		"\x1a"
	testAlt = "9345,8816,\"aka\",\"NORTH KOREAN MINING DEVELOPMENT TRADING CORPORATION\",-0- \r\n" +
		"9345,8817,\"fka\",\"CHANGGWANG SINYONG CORPORATION\",-0- \r\n" +
		"9345,8818,\"aka\",\"KOMID\",-0- \r\n\x1a"
	testAdd = "9345,11532,\"Central District\",\"Pyongyang\",\"Korea, North\",-0- \r\n" +
		"15659,23387,-0- ,\"Dalian\",\"China\",-0- \r\n" +
		"8000,1,-0- ,-0- ,-0- ,-0- \r\n\x1a"
)

func TestParseOFAC(t *testing.T) {
	var last, total int64
	size := int64(len(testSDN) + len(testAlt) + len(testAdd))
	ed, err := ParseOFAC(strings.NewReader(testSDN), strings.NewReader(testAlt), strings.NewReader(testAdd),
		Options{Date: "2021-01-01", Size: size, Progress: func(d, t int64) { last, total = d, t }})
	if err != nil {
		t.Fatal(err)
	}
	if last != size || total != size {
		t.Errorf("progress ended at %d of %d, want %d of %d", last, total, size, size)
	}
	want := Edition{Source: SourceOFAC, Date: "2021-01-01", Entries: []Entry{
		{
			Ref: "OFAC-15659", Kind: Individual, Name: "YO'N, Cho'ng-Nam", Programs: []string{"NPWMD"},
			Aliases:   []Alias{{"ABU-'UMAR", AKA, Weak}, {"OLD NAME", FKA, Weak}},
			Countries: []string{"China", "Korea, North"},
			Addresses: []Address{{City: "Dalian", Country: "China"}},
		},
		{Ref: "OFAC-8000", Kind: Vessel, Name: "SHIP ONE", Programs: []string{"IRAN"}},
		{
			Ref: "OFAC-9345", Kind: Entity, Name: "KOREA MINING DEVELOPMENT TRADING CORPORATION", Programs: []string{"DPRK2", "NPWMD"},
			// The weak KOMID of the remarks is already a strong alias.
			Aliases: []Alias{
				{"NORTH KOREAN MINING DEVELOPMENT TRADING CORPORATION", AKA, Strong},
				{"CHANGGWANG SINYONG CORPORATION", FKA, Strong},
				{"KOMID", AKA, Strong},
			},
			Countries: []string{"Korea, North"},
			Addresses: []Address{{Street: "Central District", City: "Pyongyang", Country: "Korea, North"}},
		},
	}}
	if diff := cmp.Diff(want, ed); diff != "" {
		t.Errorf("ParseOFAC (-want +got):\n%s", diff)
	}
}

func TestParseOFACErrors(t *testing.T) {
	for _, c := range []struct{ sdn, alt, add, date, want string }{
		{testSDN, testAlt, testAdd, "", `Options.Date "" is not YYYY-MM-DD`},
		{"1,\"A\",-0- \r\n", "", "", "2021-01-01", "sdn.csv: line 1: 3 fields, want 12"},
		{"x" + testSDN[4:], "", "", "2021-01-01", `sdn.csv: line 1: ent_num "x" is not a positive integer`},
		{testSDN + "\n9345,\"B\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ", "", "", "2021-01-01", "sdn.csv: line 5: ent_num 9345 listed twice"},
		{"1,\"A\",\"company\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ", "", "", "2021-01-01", `SDN_Type "company"`},
		{testSDN, "1,2,\"aka\",\"X\",-0- ", "", "2021-01-01", "alt.csv: line 1: ent_num 1 is not in sdn.csv"},
		{testSDN, "9345,2,\"xka\",\"X\",-0- ", "", "2021-01-01", `alt.csv: line 1: OFAC-9345: alt_type "xka"`},
		{testSDN, "", "9345,1,\"a\"b\",-0- ,-0- ,-0- ", "2021-01-01", "add.csv: parse error on line 1"},
	} {
		_, err := ParseOFAC(strings.NewReader(c.sdn), strings.NewReader(c.alt), strings.NewReader(c.add), Options{Date: c.date})
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "ofac: ") {
			t.Errorf("ParseOFAC(%.40q) = %v, want an error with %q", c.sdn+c.alt+c.add, err, c.want)
		}
	}
}

func TestParseOFACLatin1(t *testing.T) {
	sdn := "1,\"MU\xd1OZ, Jos\xe9\",\"individual\",\"SDNT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- "
	ed, err := ParseOFAC(strings.NewReader(sdn), strings.NewReader(""), strings.NewReader(""), Options{Date: "2021-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	if ed.Entries[0].Name != "MUÑOZ, José" {
		t.Errorf("name %q, want MUÑOZ, José", ed.Entries[0].Name)
	}
}

func TestParseOFACReal(t *testing.T) {
	_, ofac := loadReal(t)
	dir := filepath.Join(sharedData(t), "ofac")
	lines := func(name string) int {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return bytes.Count(data, []byte("\n"))
	}
	// One entry per line of sdn.csv, every line of alt.csv an alias (two
	// repeat another of their entry).
	kinds := map[Kind]int{}
	var strong, weak, addresses int
	for _, e := range ofac.Entries {
		kinds[e.Kind]++
		addresses += len(e.Addresses)
		for _, a := range e.Aliases {
			if a.Quality == Strong {
				strong++
			} else {
				weak++
			}
		}
	}
	if n := lines("sdn.csv"); len(ofac.Entries) != n {
		t.Errorf("%d entries, sdn.csv has %d lines", len(ofac.Entries), n)
	}
	if n := lines("alt.csv"); strong != n-2 {
		t.Errorf("%d strong aliases, alt.csv has %d lines", strong, n)
	}
	if diff := cmp.Diff(map[Kind]int{Individual: 4620, Entity: 3673, Vessel: 406, Aircraft: 277}, kinds); diff != "" {
		t.Errorf("kinds (-want +got):\n%s", diff)
	}
	if weak != 2438 {
		t.Errorf("%d weak aliases from remarks, want 2438", weak)
	}
	komid, _ := ofac.Entry("OFAC-9345")
	if komid.Name != "KOREA MINING DEVELOPMENT TRADING CORPORATION" || komid.Aliases[len(komid.Aliases)-1] != (Alias{"KOMID", AKA, Weak}) {
		t.Errorf("OFAC-9345 is %+v", komid)
	}
	if _, err := Encode(ofac); err != nil {
		t.Errorf("the real edition does not encode: %v", err)
	}
}

// FuzzParseOFAC checks that ParseOFAC never panics on any sdn.csv, alt.csv
// and add.csv, and that what it accepts encodes.
func FuzzParseOFAC(f *testing.F) {
	f.Add(testSDN, testAlt, testAdd)
	f.Add("1,\"A\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"a.k.a. 'B'; a.k.a. '\"", "", "1,1,\"\xff\",-0- ,-0- ,-0- ")
	f.Fuzz(func(t *testing.T, sdn, alt, add string) {
		ed, err := ParseOFAC(strings.NewReader(sdn), strings.NewReader(alt), strings.NewReader(add), Options{Date: "2021-01-01"})
		if err != nil {
			return
		}
		if _, err := Encode(ed); err != nil {
			t.Fatalf("parsed edition does not encode: %v", err)
		}
	})
}
