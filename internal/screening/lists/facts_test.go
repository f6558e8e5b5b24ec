package lists

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSplitJoined(t *testing.T) {
	for name, want := range map[string][]string{
		"BANK SEPAH AND BANK SEPAH INTERNATIONAL":                     {"BANK SEPAH", "BANK SEPAH INTERNATIONAL"},
		"ORVELINE TRADING (OTC) AND ORVELINE TRADING EUROPE (OTE)":    {"ORVELINE TRADING (OTC)", "ORVELINE TRADING EUROPE (OTE)"},
		"Halvard Bank and Halvard Bank Cyprus and Halvard Bank Malta": {"Halvard Bank", "Halvard Bank Cyprus", "Halvard Bank Malta"},
		"AMMUNITION AND METALLURGY INDUSTRIES GROUP (AMIG)":           nil,
		"AL WASEL AND BABEL GENERAL TRADING LLC":                      nil,
		"BANK SEPAH AND":                                              nil,
		"SEPAH AND SEPAH":                                             nil,
		"KESTREL SHIPPING":                                            nil,
	} {
		if got := splitJoined(name); !slices.Equal(got, want) {
			t.Errorf("splitJoined(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestRemarkFacts(t *testing.T) {
	born, ids := remarkFacts("DOB 10 Dec 1948; alt. DOB 1950; DOB circa 1955; DOB 1946 to 1950; DOB Jan 1960; DOB 01 Jan 1962 to 31 Dec 1962; DOB 31 Feb 1970; " +
		"Passport 1084010 (Egypt); National ID No. 660000 73767 (Belgium); Vessel Registration Identification IMO 9187629; Company Number IMO 5342883; Gender Male.")
	if want := []string{"1948-12-10", "1950", "1955", "1946/1950", "1960-01", "1962"}; !slices.Equal(born, want) {
		t.Errorf("born %q, want %q", born, want)
	}
	want := []ID{
		{Type: Passport, Number: "1084010", Country: "Egypt"},
		{Type: NationalID, Number: "660000 73767", Country: "Belgium"},
		{Type: IMO, Number: "9187629"},
		{Type: IMOCompany, Number: "5342883"},
	}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
}

func TestParseUNFacts(t *testing.T) {
	ed, err := ParseUN(strings.NewReader(`<CONSOLIDATED_LIST dateGenerated="2026-02-27T00:00:00Z"><INDIVIDUALS><INDIVIDUAL>
<FIRST_NAME>ORVAL</FIRST_NAME><SECOND_NAME>KESTREN</SECOND_NAME><REFERENCE_NUMBER>XXi.001</REFERENCE_NUMBER>
<INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><DATE>1961-04-02</DATE></INDIVIDUAL_DATE_OF_BIRTH>
<INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>APPROXIMATELY</TYPE_OF_DATE><YEAR>1960</YEAR></INDIVIDUAL_DATE_OF_BIRTH>
<INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE><FROM_YEAR>1958</FROM_YEAR><TO_YEAR>1962</TO_YEAR></INDIVIDUAL_DATE_OF_BIRTH>
<INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE/></INDIVIDUAL_DATE_OF_BIRTH>
<INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>Passport</TYPE_OF_DOCUMENT><NUMBER>P 123 456</NUMBER><ISSUING_COUNTRY>Ruritania</ISSUING_COUNTRY></INDIVIDUAL_DOCUMENT>
<INDIVIDUAL_DOCUMENT/>
</INDIVIDUAL></INDIVIDUALS><ENTITIES><ENTITY>
<FIRST_NAME>KESTREN SHIPPING AND KESTREN SHIPPING MARINE</FIRST_NAME><REFERENCE_NUMBER>XXe.001</REFERENCE_NUMBER>
<COMMENTS1>Owner of a vessel. IMO Number: 5000017.</COMMENTS1>
</ENTITY></ENTITIES></CONSOLIDATED_LIST>`), Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := ed.Entry("XXi.001")
	if want := []string{"1958/1962", "1960", "1961-04-02"}; !slices.Equal(p.Born, want) {
		t.Errorf("born %q, want %q", p.Born, want)
	}
	if want := []ID{{Type: Passport, Number: "P 123 456", Country: "Ruritania"}}; !cmp.Equal(p.IDs, want) {
		t.Errorf("ids %+v, want %+v", p.IDs, want)
	}
	e, _ := ed.Entry("XXe.001")
	if want := []string{"KESTREN SHIPPING", "KESTREN SHIPPING MARINE"}; !slices.Equal(e.Parts, want) || e.Name != "KESTREN SHIPPING AND KESTREN SHIPPING MARINE" {
		t.Errorf("name %q parts %q, want the name kept and parts %q", e.Name, e.Parts, want)
	}
	if want := []ID{{Type: IMOCompany, Number: "5000017"}}; !cmp.Equal(e.IDs, want) {
		t.Errorf("ids %+v, want %+v", e.IDs, want)
	}
	b, err := Encode(ed)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode(b)
	if err != nil || !cmp.Equal(back, ed) {
		t.Errorf("round trip: %v\n%s", err, cmp.Diff(ed, back))
	}
	bad := ed
	bad.Entries = slices.Clone(ed.Entries)
	bad.Entries[1].Born = []string{"1962/1958"}
	if _, err := Encode(bad); err == nil || !strings.Contains(err.Error(), `born[0]: "1962/1958"`) {
		t.Errorf("Encode of a backward span: %v", err)
	}
}

// TestReferenceFacts checks what the importers read from the real lists:
// the OFAC vessels with IMO numbers, dates of birth, and the UN's joined
// name of Bank Sepah.
func TestReferenceFacts(t *testing.T) {
	un, ofac := loadReal(t)
	vessels, imo, born := 0, 0, 0
	for _, e := range ofac.Entries {
		if e.Kind == Vessel {
			vessels++
			if slices.ContainsFunc(e.IDs, func(id ID) bool { return id.Type == IMO && len(id.Number) == 7 }) {
				imo++
			}
		}
		if len(e.Born) > 0 {
			born++
		}
	}
	t.Logf("OFAC: %d vessels, %d with an IMO number; %d entries with a date of birth", vessels, imo, born)
	if imo < 380 || imo > vessels || born < 3000 {
		t.Errorf("%d of %d vessels with an IMO number, %d entries with a date of birth", imo, vessels, born)
	}
	sepah := slices.IndexFunc(un.Entries, func(e Entry) bool { return e.Name == "BANK SEPAH AND BANK SEPAH INTERNATIONAL" })
	if sepah < 0 || !slices.Equal(un.Entries[sepah].Parts, []string{"BANK SEPAH", "BANK SEPAH INTERNATIONAL"}) {
		t.Errorf("Bank Sepah's joined name is not split: %+v", un.Entries[sepah])
	}
	joined := 0
	for _, e := range un.Entries {
		if e.Parts != nil {
			joined++
		}
	}
	if joined < 2 || joined > 5 {
		t.Errorf("%d UN names split, want the few joined ones", joined)
	}
}
