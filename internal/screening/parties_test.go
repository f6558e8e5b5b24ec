package screening

import (
	"slices"
	"strings"
	"testing"

	"github.com/surety/surety/internal/screening/lists"
	"github.com/surety/surety/internal/screening/names"
)

// invented is an edition of invented entries: a vessel with its IMO
// number, a person with a date of birth and a passport, a company.
func invented() *names.Index {
	return names.NewIndex(lists.Edition{Source: lists.SourceOFAC, Date: "2026-02-27", Entries: []lists.Entry{
		{Ref: "OFAC-90001", Kind: lists.Vessel, Name: "SALVOR STAR", IDs: []lists.ID{{Type: lists.IMO, Number: "9074729"}}, Programs: []string{"DPRK"}},
		{Ref: "OFAC-90002", Kind: lists.Individual, Name: "KESTREN, Orval", Born: []string{"1961-04-02"}, IDs: []lists.ID{{Type: lists.Passport, Number: "P 123 456", Country: "Ruritania"}}, Countries: []string{"Democratic People's Republic of Korea"}},
		{Ref: "OFAC-90003", Kind: lists.Entity, Name: "TANGSOL TRADING COMPANY", Countries: []string{"Korea, North"}},
		{Ref: "OFAC-90004", Kind: lists.Vessel, Name: "MARISOL", IDs: []lists.ID{{Type: lists.IMO, Number: "9123453"}}},
		{Ref: "OFAC-90005", Kind: lists.Vessel, Name: "RYONG KUM SAN"},
	}})
}

func plain() Declaration {
	d := textiles()
	d.Consignee = Party{Name: "Dandong Huaxin Apparel Co., Ltd.", Country: "CN"}
	d.EndUser = d.Consignee
	d.Carrier = Carrier{Vessel: "Pacific Wren", IMO: "9320154"}
	return d
}

func reason(r Result, signal string) (Reason, bool) {
	i := slices.IndexFunc(r.Reasons, func(x Reason) bool { return x.Signal == signal })
	if i < 0 {
		return Reason{}, false
	}
	return r.Reasons[i], true
}

// TestScreenVessel screens the carrier: by IMO number whatever name it is
// declared under, and by name among listed vessels, cleared when the listed
// vessel's IMO number is another.
func TestScreenVessel(t *testing.T) {
	spec := israelDPRK(t)
	c := context(spec, invented())
	if r := Screen(plain(), c); slices.Contains(r.Flags, SignalList) {
		t.Fatalf("an unlisted vessel hits: %+v", r.Names)
	}
	// A listed vessel renamed: its IMO number gives it away.
	d := plain()
	d.Carrier = Carrier{Vessel: "Bright Morning", IMO: "9074729"}
	r := Screen(d, c)
	x, ok := reason(r, SignalList)
	if !ok || x.Value != 1 || !strings.Contains(x.Text, `vessel "Bright Morning" (IMO 9074729) matches ofac OFAC-90001 SALVOR STAR`) || !strings.Contains(x.Text, "IMO 9074729 is listed") {
		t.Errorf("renamed vessel: %+v", x)
	}
	if len(r.Names) != 1 || r.Names[0].Role != "vessel" || r.Names[0].Identity == nil || r.Names[0].Identity.Status != Confirmed {
		t.Errorf("names %+v", r.Names)
	}
	// The listed name with the listed number.
	d.Carrier.Vessel = "Salvor Star"
	if r = Screen(d, c); len(r.Names) != 1 || r.Names[0].Ref != "OFAC-90001" {
		t.Errorf("listed vessel under its name and number: %+v", r.Names)
	}
	// The listed name on another ship: cleared by the number.
	d.Carrier = Carrier{Vessel: "Marisol", IMO: "9320154"}
	r = Screen(d, c)
	if slices.Contains(r.Flags, SignalList) {
		x, _ := reason(r, SignalList)
		if x.Value != 0 || !strings.Contains(x.Text, "cleared: declared IMO 9320154, listed IMO 9123453") {
			t.Errorf("another ship named Marisol: %+v", x)
		}
	}
	// A renamed vessel declared without its number, its former name
	// beside its name, as shipping writes it.
	for _, v := range []string{"Bright Morning (ex Salvor Star)", "Bright Morning ex-Salvor Star", "Bright Morning, ex. Salvor Star"} {
		d.Carrier = Carrier{Vessel: v}
		x, ok := reason(Screen(d, c), SignalList)
		if !ok || x.Value < 0.99 || !strings.Contains(x.Text, `vessel "Salvor Star" (in its name`) {
			t.Errorf("%q: list reason %+v, want the former name to match", v, x)
		}
	}
	// The designator of the ship's type that shipping writes before its
	// name, which the lists do not.
	for _, v := range []string{"MV Salvor Star", "M/V SALVOR STAR", "M.V. Salvor Star", "MT Salvor Star", "m/t Salvor Star", "SS Salvor Star", "Vessel: Salvor Star"} {
		d.Carrier = Carrier{Vessel: v}
		if r := Screen(d, c); !slices.ContainsFunc(r.Names, func(n NameHit) bool { return n.Ref == "OFAC-90001" && n.Score == 1 }) {
			t.Errorf("%q: names %+v, want SALVOR STAR at 1", v, r.Names)
		}
	}
	// The ship's number that Korean, Chinese and Japanese ship names end
	// with, which the listing does not write.
	for _, v := range []string{"Ryong Kum San Ho", "RYONG KUM SAN HO", "MV Ryong Kum San Ho", "룡금산호", "Ryong Kum San"} {
		d.Carrier = Carrier{Vessel: v}
		if r := Screen(d, c); !slices.ContainsFunc(r.Names, func(n NameHit) bool { return n.Ref == "OFAC-90005" && n.Score >= 0.9 }) {
			t.Errorf("%q: names %+v, want RYONG KUM SAN", v, r.Names)
		}
	}
	if got := shipNames("Ho"); len(got) != 1 {
		t.Errorf("shipNames(Ho) = %q, want the name alone", got)
	}
	for _, v := range []string{"MSC Salvor", "Shipley Star", "Tankerville", "Ship"} {
		if got := shipName(v); got != v {
			t.Errorf("shipName(%q) = %q, want it as written", v, got)
		}
	}
	// A lifted vessel does not hit by its number.
	d.Carrier = Carrier{Vessel: "Bright Morning", IMO: "9074729"}
	c.Lifted = map[string]bool{"OFAC-90001": true}
	if r = Screen(d, c); len(r.Names) != 0 {
		t.Errorf("lifted vessel hits: %+v", r.Names)
	}
}

// TestScreenIdentity checks that a date of birth, an identifier or a
// country the entry lists confirms a name hit, and that a date of birth the
// entry's cannot be clears it.
func TestScreenIdentity(t *testing.T) {
	spec := israelDPRK(t)
	c := context(spec, invented())
	d := plain()
	d.EndUser = Party{Name: "Orval Kestren", Country: "CN", Born: "1961-04-02"}
	r := Screen(d, c)
	x, _ := reason(r, SignalList)
	if x.Value != 1 || !strings.Contains(x.Text, "confirmed: born 1961-04-02, listed 1961-04-02") {
		t.Errorf("same date of birth: %+v", x)
	}
	d.EndUser.Born = "1987"
	r = Screen(d, c)
	x, _ = reason(r, SignalList)
	if x.Value != 0 || !strings.Contains(x.Text, "cleared: born 1987, listed 1961-04-02") {
		t.Errorf("another date of birth: %+v", x)
	}
	if len(r.Names) != 1 || r.Names[0].Identity == nil || r.Names[0].Identity.Status != Cleared {
		t.Errorf("cleared hit not kept with its reason: %+v", r.Names)
	}
	d.EndUser.Born = "1960"
	if r = Screen(d, c); r.Names[0].Identity == nil || r.Names[0].Identity.Status != Confirmed {
		t.Errorf("a year within one of a listed date: %+v", r.Names)
	}
	// The passport number finds the entry under another name.
	d.EndUser = Party{Name: "O. Smith", Country: "CN", ID: "P123456"}
	r = Screen(d, c)
	x, _ = reason(r, SignalList)
	if x.Value != 1 || !strings.Contains(x.Text, `end user "O. Smith" by identifier matches ofac OFAC-90002`) {
		t.Errorf("identifier: %+v", x)
	}
	// The country confirms a company's hit.
	d.EndUser = Party{Name: "Tangsol Trading Co", Country: "KP"}
	r = Screen(d, c)
	if x, _ = reason(r, SignalList); x.Value != 1 || !strings.Contains(x.Text, "confirmed: country KP is listed") {
		t.Errorf("country: %+v", x)
	}
	d.EndUser.Country = "CN"
	if x, _ = reason(Screen(d, c), SignalList); strings.Contains(x.Text, "confirmed") || strings.Contains(x.Text, "cleared") {
		t.Errorf("another country neither confirms nor clears: %+v", x)
	}
}

// TestScreenMixedScript flags a party's name that mixes Latin letters with
// look-alikes of another script, which still finds the listed entity.
func TestScreenMixedScript(t *testing.T) {
	spec := israelDPRK(t)
	d := plain()
	d.Consignee = Party{Name: "Кorea Мining Ѕevelopment Trading Corporation", Country: "IR"}
	r := Screen(d, context(spec, fixtureIx(t)))
	x, ok := reason(r, SignalMixed)
	if !ok || x.Weight != spec.Verification.Sampling.Weights.ListHit || x.Value != 1 || !strings.Contains(x.Text, "Cyrillic К (U+041A) for K") {
		t.Errorf("mixed script: %+v", x)
	}
	if !slices.ContainsFunc(r.Names, func(n NameHit) bool { return n.Ref == "KPe.001" }) {
		t.Errorf("the look-alike name does not hit KOMID: %+v", r.Names)
	}
	if r.Risk < 0.99 {
		t.Errorf("risk %v, want the list hit and the look-alike letters to raise it to 1", r.Risk)
	}
	// A zero-width space inside the listed name, and a listed name written
	// backwards behind a right-to-left override, which shows it forwards.
	for _, name := range []string{"KO\u200bMID", "\u202eDIMOK"} {
		d.Consignee = Party{Name: name, Country: "IR"}
		r := Screen(d, context(spec, fixtureIx(t)))
		if x, ok := reason(r, SignalMixed); !ok || x.Value != 1 || !strings.Contains(x.Text, "invisible characters") {
			t.Errorf("%q: mixed script: %+v", name, x)
		}
		if r.Risk < 0.99 {
			t.Errorf("%q: risk %v, want the hidden characters to raise it to 1", name, r.Risk)
		}
	}
	d.Consignee = Party{Name: "KO\u200bMID", Country: "IR"}
	if r := Screen(d, context(spec, fixtureIx(t))); !slices.ContainsFunc(r.Names, func(n NameHit) bool { return n.Ref == "KPe.001" }) {
		t.Errorf("KOMID with a zero-width space does not hit KOMID: %+v", r.Names)
	}
	// Digits for the letters they look like: the listed name is found,
	// and the digits are a reason of their own. An item may write an
	// alloy so (Ti6Al4V) without one.
	d.Consignee = Party{Name: "T4NCH0N C0MMERCIAL BANK", Country: "IR"}
	d.Items[0].Description = "Titanium alloy Ti6Al4V bar"
	r = Screen(d, context(spec, fixtureIx(t)))
	if x, ok := reason(r, SignalMixed); !ok || x.Value != 1 || !strings.Contains(x.Text, "consignee \"T4NCH0N C0MMERCIAL BANK\" writes characters for the letters they look like: 0 for O, 4 for A") || strings.Contains(x.Text, "items[0]") {
		t.Errorf("digits for letters: %+v", x)
	}
	if !slices.ContainsFunc(r.Names, func(n NameHit) bool { return n.Ref == "KPe.003" && n.Score == 1 }) {
		t.Errorf("T4NCH0N C0MMERCIAL BANK does not hit Tanchon Commercial Bank at 1: %+v", r.Names)
	}
	// Symbols for the letters they look like, likewise.
	d.Consignee = Party{Name: "T@NCH()N C0MM€RCIAL B@NK", Country: "IR"}
	r = Screen(d, context(spec, fixtureIx(t)))
	if x, ok := reason(r, SignalMixed); !ok || x.Value != 1 || !strings.Contains(x.Text, "() for O, 0 for O, @ for A, € for E") {
		t.Errorf("symbols for letters: %+v", x)
	}
	if !slices.ContainsFunc(r.Names, func(n NameHit) bool { return n.Ref == "KPe.003" && n.Score == 1 }) {
		t.Errorf("T@NCH()N C0MM€RCIAL B@NK does not hit Tanchon Commercial Bank at 1: %+v", r.Names)
	}
	// A digit that looks like no letter is a letter off, as any other.
	for _, name := range []string{"T2NCHON COMMERCIAL BANK", "TANCHON C6MMERCIAL BANK"} {
		d.Consignee = Party{Name: name, Country: "IR"}
		if r := Screen(d, context(spec, fixtureIx(t))); !slices.ContainsFunc(r.Names, func(n NameHit) bool { return n.Ref == "KPe.003" }) {
			t.Errorf("%q does not hit Tanchon Commercial Bank: %+v", name, r.Names)
		}
	}
}

// TestScreenExtends plays the evader who adds a word of trade to a listed
// organisation's name, which the matcher tells apart from it (Deutsche Bank
// Trust Company is not Deutsche Bank): the declaration still carries a list
// reason, at half the weight of a hit, naming the listed entry.
func TestScreenExtends(t *testing.T) {
	spec := israelDPRK(t)
	w := spec.Verification.Sampling.Weights.ListHit
	clean := Screen(plain(), context(spec, invented()))
	if _, ok := reason(clean, SignalList); ok {
		t.Fatalf("the plain declaration has a list reason: %+v", clean.Reasons)
	}
	for _, name := range []string{"Tangsol Trading Company Group", "Tangsol Trading Logistics Co., Ltd.", "TANGSOL TRADING SHIPPING COMPANY"} {
		d := plain()
		d.Consignee = Party{Name: name, Country: "CN"}
		r := Screen(d, context(spec, invented()))
		x, ok := reason(r, SignalList)
		if !ok || x.Weight != w || x.Value != 0.5 || !strings.Contains(x.Text, "consignee \""+name+"\" extends ofac OFAC-90003 TANGSOL TRADING COMPANY at 0.500") {
			t.Errorf("%s: list reason %+v", name, x)
		}
		i := slices.IndexFunc(r.Names, func(n NameHit) bool { return n.Ref == "OFAC-90003" })
		if i < 0 || !r.Names[i].Why.Extends || r.Names[i].Score != 0.5 {
			t.Errorf("%s: names %+v", name, r.Names)
		}
		if r.Risk <= clean.Risk {
			t.Errorf("%s: risk %v, not above the plain declaration's %v", name, r.Risk, clean.Risk)
		}
	}
	// A listed name of generic words alone, extended.
	d := plain()
	d.Consignee = Party{Name: "Korea Mining Development Trading Corporation Logistics", Country: "CN"}
	if x, ok := reason(Screen(d, context(spec, fixtureIx(t))), SignalList); !ok || x.Value != 0.5 || !strings.Contains(x.Text, "extends un KPe.001") {
		t.Errorf("KOMID with Logistics added: %+v", x)
	}
	// The name itself is a hit at full weight, and a name told apart for
	// another reason (generic words alone, the listed name not whole) is no
	// reason.
	d = plain()
	d.Consignee = Party{Name: "Tangsol Trading Company", Country: "CN"}
	if x, ok := reason(Screen(d, context(spec, invented())), SignalList); !ok || x.Value != 1 || !strings.Contains(x.Text, "matches ofac OFAC-90003") {
		t.Errorf("the listed name: %+v", x)
	}
	d.Consignee = Party{Name: "Korea Trading Company", Country: "CN"}
	if x, ok := reason(Screen(d, context(spec, invented())), SignalList); ok {
		t.Errorf("generic words alone: %+v", x)
	}
}

// TestScreenCareOf plays the evader who puts a listed company in the
// consignee's address, in care of, on behalf of or for the attention of,
// rather than in its name.
func TestScreenCareOf(t *testing.T) {
	spec := israelDPRK(t)
	for address, want := range map[string]string{
		"c/o Tangsol Trading Company, 12 Binjiang Road, Dandong": `consignee "Tangsol Trading Company" (in care of, in its address) matches ofac OFAC-90003`,
		"CARE OF TANGSOL TRADING CO LTD; Dandong":                `consignee "TANGSOL TRADING CO LTD" (in care of, in its address) matches ofac OFAC-90003`,
		"12 Tangsol Trading Road, Dandong":                       "",
		// Or acts for it, or is for its attention.
		"Orvel Shipping Agency, on behalf of Tangsol Trading Company, Dandong": `consignee "Tangsol Trading Company" (on behalf of, in its address) matches ofac OFAC-90003`,
		"Attn: Tangsol Trading Company; 12 Binjiang Road, Dandong":             `consignee "Tangsol Trading Company" (for the attention of, in its address) matches ofac OFAC-90003`,
		"For account of Tangsol Trading Company, Dandong":                      `consignee "Tangsol Trading Company" (for account of, in its address) matches ofac OFAC-90003`,
		"O/B/O TANGSOL TRADING CO LTD, Dandong":                                `consignee "TANGSOL TRADING CO LTD" (on behalf of, in its address) matches ofac OFAC-90003`,
	} {
		d := plain()
		d.Consignee.Address = address
		r := Screen(d, context(spec, invented()))
		x, ok := reason(r, SignalList)
		switch {
		case want == "" && ok:
			t.Errorf("%q: list reason %+v", address, x)
		case want != "" && (!ok || x.Value != 1 || !strings.Contains(x.Text, want)):
			t.Errorf("%q: list reason %+v, want it to say %s", address, x, want)
		}
	}
	for in, want := range map[string][2]string{
		"Orvel House, c/o  Tangsol Trading Company\nDandong": {"Tangsol Trading Company", "in care of"},
		"Disc/Orvel Street 4, Dandong":                       {"", ""},
		"Orvel House,c/o Tangsol Trading Company":            {"Tangsol Trading Company", "in care of"},
		"İSTANBUL, C/O Tangsol Trading Company":              {"Tangsol Trading Company", "in care of"},
		"Agents for Tangsol Trading Company, Nampo":          {"Tangsol Trading Company", "on behalf of"},
		"Attention Road 4, Dandong":                          {"Road 4", "for the attention of"},
		"For the attention of Tangsol Trading Company":       {"Tangsol Trading Company", "for the attention of"},
		"Attention of: Tangsol Trading Company":              {"Tangsol Trading Company", "for the attention of"},
		"Fao Street 2, Dandong":                              {"Street 2", "for the attention of"},
		"Attendance Hall, Dandong":                           {"", ""},
	} {
		if name, how := careOf(in); name != want[0] || how != want[1] {
			t.Errorf("careOf(%q) = %q, %q, want %q, %q", in, name, how, want[0], want[1])
		}
	}
}

// TestScreenJoinedName plays the evader who joins a listed company's name
// to another in the party's name: after a slash or a semicolon, in
// brackets, as an a.k.a. or a former name. Each listed part is screened as
// the party's name, its particulars with it.
func TestScreenJoinedName(t *testing.T) {
	spec := israelDPRK(t)
	for _, name := range []string{
		"Orvel Shipping Agency / Tangsol Trading Company",
		"Tangsol Trading Company; Orvel Shipping Agency",
		"Orvel Shipping Agency (Tangsol Trading Company)",
		"Orvel Shipping Agency a.k.a. Tangsol Trading Company",
		"Orvel Shipping Agency, formerly Tangsol Trading Company",
		"Orvel Shipping Agency t/a Tangsol Trading Company",
		"Orvel Shipping Agency, agents for Tangsol Trading Company",
		"Orvel Shipping Agency on behalf of Tangsol Trading Company",
	} {
		d := plain()
		d.Consignee = Party{Name: name, Country: "KP"}
		r := Screen(d, context(spec, invented()))
		x, ok := reason(r, SignalList)
		if !ok || x.Value != 1 || !strings.Contains(x.Text, "(in its name") || !strings.Contains(x.Text, "OFAC-90003") {
			t.Errorf("%q: list reason %+v, want the listed part to match, confirmed by the listed country", name, x)
		}
	}
	for in, want := range map[string][]string{
		"Orvel Shipping Agency / Tangsol Trading Company": {"Orvel Shipping Agency", "Tangsol Trading Company"},
		"Dalian Haitong Trading Co. (KOMID)":              {"KOMID"},
		"Calder Bank (France)":                            {"France"},
		"Acme Trading S/A":                                {"Acme Trading S"},
		"Ex-Im Trading":                                   {"Im Trading"},
		"Orvel Shipping Agency AKA: Tangsol Trading":      {"Orvel Shipping Agency", "Tangsol Trading"},
		"Osaka Trading Company":                           nil,
		"Procter and Gamble":                              nil,
		"Kaveh Pars Trading Co.":                          nil,
		"Kaveh Pars, trading as Tangsol Trading":          {"Kaveh Pars", "Tangsol Trading"},
	} {
		if got := nameParts(in); !slices.Equal(got, want) {
			t.Errorf("nameParts(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestScreenMissileItems checks that a reason cites the MTCR item of each
// item that falls in a category.
func TestScreenMissileItems(t *testing.T) {
	spec := israelDPRK(t)
	d := plain()
	d.Items = []Item{
		{Description: "Turbofan engines", HSCode: "841112", Quantity: 2, Unit: "pcs", WeightKg: 900, Value: Value{Amount: 10, Currency: "USD"}},
		{Description: "UDMH (unsymmetrical dimethylhydrazine)", HSCode: "292800", Quantity: 20, Unit: "drums", WeightKg: 4000, Value: Value{Amount: 10, Currency: "USD"}},
		{Description: "Hunting rifles", HSCode: "930320", Quantity: 20, Unit: "pcs", WeightKg: 80, Value: Value{Amount: 10, Currency: "USD"}},
	}
	r := Screen(d, context(spec, fixtureIx(t)))
	x, ok := reason(r, SignalItem)
	for _, want := range []string{`items[0] "Turbofan engines" (HS 841112) falls in mtcr-cat2 (MTCR 3.A.1 turbojet and turbofan engines`, `items[1] "UDMH (unsymmetrical dimethylhydrazine)" (HS 292800) falls in mtcr-cat2 (`, "MTCR 4.C.2.b hydrazine derivatives"} {
		if !ok || !strings.Contains(x.Text, want) {
			t.Errorf("item reason %q does not say %q", x.Text, want)
		}
	}
	if strings.Contains(x.Text, "items[2]") {
		t.Errorf("hunting rifles fall in a category: %q", x.Text)
	}
	if _, ok := reason(r, SignalMismatch); ok {
		t.Errorf("a mismatch among items declared under their own codes: %+v", r.Reasons)
	}
	// The evader writes the oxidiser with a Cyrillic о under a code of
	// chemical preparations: it is still classified, and the disguise is a
	// reason of its own.
	d.Items = []Item{{Description: "Ammonium perchlоrate, 200 micron", HSCode: "382490", Quantity: 40, Unit: "drums", WeightKg: 8000, Value: Value{Amount: 10, Currency: "USD"}}}
	r = Screen(d, context(spec, fixtureIx(t)))
	if x, ok := reason(r, SignalItem); !ok || !strings.Contains(x.Text, "MTCR 4.C.4.b") {
		t.Errorf("the disguised oxidiser falls in no MTCR item: %+v", r.Reasons)
	}
	if x, ok := reason(r, SignalMixed); !ok || !strings.Contains(x.Text, "items[0] description") || !strings.Contains(x.Text, "Cyrillic о (U+043E) for O") {
		t.Errorf("the disguised description is no mixed_script reason: %+v", x)
	}
	// Or misspells it by a letter.
	d.Items = []Item{{Description: "Amonium perchlorate, 200 micron", HSCode: "382490", Quantity: 40, Unit: "drums", WeightKg: 8000, Value: Value{Amount: 10, Currency: "USD"}}}
	r = Screen(d, context(spec, fixtureIx(t)))
	if x, ok := reason(r, SignalItem); !ok || !strings.Contains(x.Text, "MTCR 4.C.4.b") || !strings.Contains(x.Text, "reading Amonium as ammonium") {
		t.Errorf("the misspelt oxidiser: %+v", r.Reasons)
	}
	// Or names it in Russian, or Korean, which no rule reads: a mismatch,
	// and the item says what went unread.
	plainRisk := Screen(plain(), context(spec, fixtureIx(t))).Risk
	for _, desc := range []string{"перхлорат аммония", "과염소산암모늄, 40 드럼"} {
		d.Items = []Item{{Description: desc, HSCode: "382490", Quantity: 40, Unit: "drums", WeightKg: 8000, Value: Value{Amount: 10, Currency: "USD"}}}
		r = Screen(d, context(spec, fixtureIx(t)))
		x, ok := reason(r, SignalMismatch)
		if !ok || !strings.Contains(x.Text, "script, which the item rules and the HS check do not read") {
			t.Errorf("%q: no mismatch for words no rule reads: %+v", desc, r.Reasons)
		}
		if len(r.Items) != 1 || r.Items[0].Unread == "" {
			t.Errorf("%q: the item does not say what went unread: %+v", desc, r.Items)
		}
		if r.Risk <= plainRisk {
			t.Errorf("%q: risk %v, no more than the plain declaration's %v", desc, r.Risk, plainRisk)
		}
	}
}
