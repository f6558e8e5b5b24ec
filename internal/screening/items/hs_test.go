package items

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/surety/surety/internal/testenv"
)

// mismatchCases are realistic declarations: DPRK exports under their own
// codes, and descriptions that point elsewhere than the code declared.
var mismatchCases = []struct {
	desc, hs string
	flag     bool
	codes    []string // the codes Why must name, when flagged
}{
	{"women's cotton blouses", "620630", false, nil},
	{"anthracite coal", "270111", false, nil},
	{"gold bullion", "710812", false, nil},
	{"heavy fuel oil", "271019", false, nil},
	{"Iron ore concentrate", "260111", false, nil},
	{"Frozen crab meat", "030614", false, nil},
	{"Dried pine mushrooms", "071239", false, nil},
	{"Men's padded jackets, polyester", "620140", false, nil},
	{"Knitted cotton T-shirts", "610910", false, nil},
	{"Human hair wigs", "670420", false, nil},
	{"False eyelashes", "670490", false, nil},
	{"Ferrosilicon", "720221", false, nil},
	{"Zinc concentrate", "260800", false, nil},
	{"Molybdenum ore", "261390", false, nil},
	{"Tungsten concentrate", "261100", false, nil},
	{"Magnesia clinker", "251990", false, nil},
	{"Ginseng tea", "210690", false, nil},
	{"Red ginseng roots", "121120", false, nil},
	{"Oil paintings by Mansudae Art Studio", "970110", false, nil},
	{"Bronze statue", "970300", false, nil},
	{"Wrist watches", "910211", false, nil},
	{"Electric transformers", "850423", false, nil},
	{"Diesel engines for fishing boats", "840890", false, nil},
	{"Spare parts for excavators", "843149", false, nil},
	{"Agricultural tractors", "870193", false, nil},
	{"Seafood: frozen clams", "030772", false, nil},
	{"Silk fabric", "500720", false, nil},
	{"Bags of rice, 50 kg", "100630", false, nil},
	{"Paper cartons of cigarettes", "240220", false, nil},
	{"Cigarettes in cartons", "240220", false, nil},
	{"Coal mining machinery", "843039", false, nil},
	{"Excavator", "842952", false, nil},
	{"Rocket engine", "841210", false, nil},
	{"Ballistic missile airframe", "930690", false, nil},
	{"Soju (rice liquor)", "220890", false, nil},
	{"Wooden furniture", "940360", false, nil},
	{"Cement, portland", "252329", false, nil},
	{"Fish meal", "230120", false, nil},
	{"LED lamps", "853952", false, nil},
	{"Mobile phones", "8517130000", false, nil},
	{"Carpets", "570242", false, nil},
	{"Graphite electrodes", "854511", false, nil},
	{"Mining drill bits", "820713", false, nil},
	{"Frozen fish fillets", "030489", false, nil},
	{"Men's wool suits", "620311", false, nil},
	{"Unsymmetrical dimethyl hydrazine (UDMH)", "292800", false, nil},
	{"Dimethyl hydrazine", "292800", false, nil},
	{"UDMH", "292800", false, nil},
	{"Hydrazine, 1,1-dimethyl-", "292800", false, nil}, // UDMH, as the CAS index writes it
	{"Hydrazine, 1,1-dimethyl-", "382499", true, []string{"29.28", "3824.99"}},
	{"Turbofan engines", "841112", false, nil},
	{"Ammonium perchlorate", "282990", false, nil},
	{"Aluminium powder", "760310", false, nil},

	{"mining equipment", "880260", true, []string{"84.30", "84.74", "8802.60"}},
	{"agricultural tractors", "871000", true, []string{"87.01", "8710.00"}},
	{"Sewing machines", "930190", true, []string{"84.52", "9301.90"}},
	{"water pumps", "930690", true, []string{"84.13", "9306.90"}},
	{"Compound fertilizer", "282510", true, []string{"ch. 31", "2825.10"}},
	{"women's cotton blouses", "520812", true, []string{"62.06", "5208.12"}},
	{"anthracite coal", "930100", true, []string{"27.01", "9301.00"}},
	{"gold mining equipment", "710812", true, []string{"84.30", "7108.12"}},
	{"Fishing boats", "890610", true, []string{"89.02", "8906.10"}},
	{"Drilling rig", "841210", true, []string{"84.30", "8412.10"}},
	{"Gyroscope", "620630", true, []string{"90.14", "6206.30"}},
	{"Bicycles", "871000", true, []string{"87.12", "8710.00"}},
	{"Spare parts for tractors", "930590", true, []string{"87.01", "chapter 87", "9305.90"}},
	{"Heavy fuel oil", "282510", true, []string{"2710.19", "2825.10"}},
	{"Frozen fish", "360200", true, []string{"03.03", "3602.00"}},
	{"Seaweed", "880260", true, []string{"12.12", "8802.60"}},
	{"Tea and coffee", "930690", true, []string{"09.01", "09.02", "9306.90"}},
	{"Dimethyl hydrazine", "282510", true, []string{"29.28", "2825.10"}},
	{"Turbojet engine", "840710", true, []string{"84.11", "8407.10"}},
	{"Turbo-jet engines", "840710", true, []string{"84.11", "8407.10"}},
	{"Ammonium perchlorate", "310230", true, []string{"28.29", "3102.30"}},
	{"Sodium chlorate", "282911", false, nil},
}

func TestMismatch(t *testing.T) {
	for _, c := range mismatchCases {
		m, ok := Check(c.desc, c.hs)
		if ok != c.flag {
			t.Errorf("%q under %s: mismatch %v (%s), want %v", c.desc, c.hs, ok, m.Why, c.flag)
			continue
		}
		if !ok {
			continue
		}
		if m.Declared != c.hs || !strings.Contains(m.Why, "'"+m.Words+"'") {
			t.Errorf("%q under %s: %+v", c.desc, c.hs, m)
		}
		for _, code := range c.codes {
			if !strings.Contains(m.Why, code) {
				t.Errorf("%q under %s: %q does not name %s", c.desc, c.hs, m.Why, code)
			}
		}
	}
	if len(mismatchCases) < 30 {
		t.Errorf("only %d cases", len(mismatchCases))
	}
}

func TestMismatchWhy(t *testing.T) {
	m, ok := Check("Mining equipment (used)", "880260")
	want := Mismatch{
		Words:    "Mining equipment",
		Codes:    []string{"8430", "8474"},
		Declared: "880260",
		Why:      "'Mining equipment' describes mining, boring and earth-moving machinery or machinery for crushing and sorting ore and stone (84.30/84.74) but is declared under 8802.60, spacecraft and launch vehicles",
	}
	if !ok || !slices.Equal(m.Codes, want.Codes) || m.Words != want.Words || m.Why != want.Why || m.Parts {
		t.Errorf("Mismatch = %+v, %v\nwant %+v", m, ok, want)
	}
	m, ok = Check("Rodong missile components", "880260")
	if ok {
		t.Errorf("missile parts under 8802.60 (launch vehicles) flagged: %s", m.Why)
	}
	m, ok = Check("Spare parts for mining equipment", "88026000")
	want.Why = "'mining equipment' describes parts of mining, boring and earth-moving machinery or machinery for crushing and sorting ore and stone (84.30/84.74; parts fall in chapter 84) but is declared under 8802.60.00, spacecraft and launch vehicles"
	if !ok || !m.Parts || m.Why != want.Why {
		t.Errorf("Mismatch = %+v, %v\nwant %q", m, ok, want.Why)
	}
	for _, s := range []struct{ code, under string }{
		{"880240", "8802.40, in heading 88.02, aircraft and spacecraft"},
		{"610990", "6109.90, in heading 61.09, knitted T-shirts and vests"},
		{"620342", "6203.42, in heading 62.03, men's or boys' suits, jackets and trousers"},
		{"950300", "9503.00, in chapter 95, toys, games and sports equipment"},
		{"999999", "9999.99, which is in no HS chapter"},
	} {
		if got := hsUnder(s.code, nil); got != s.under {
			t.Errorf("hsUnder(%s) = %q, want %q", s.code, got, s.under)
		}
	}
}

func TestHSFold(t *testing.T) {
	for in, want := range map[string]string{
		"batteries": "battery", "boxes": "box", "watches": "watch", "glasses": "glass",
		"torpedoes": "torpedo", "shoes": "shoe", "tyres": "tyre", "gas": "gas", "bus": "bus",
		"asbestos": "asbesto", "chassis": "chassis", "press": "press",
	} {
		if got := hsFold(in); got != want {
			t.Errorf("hsFold(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestHSTable checks the table's shape: every chapter 01 to 97 once, codes
// in order, each keyword once per row.
func TestHSTable(t *testing.T) {
	var chapters []string
	seen := map[string]bool{}
	for i, r := range hsTable {
		if n := len(r.code); n != 2 && n != 4 && n != 6 || !hasDigit(r.code) || seen[r.code] {
			t.Errorf("row %d: bad or repeated code %q", i, r.code)
		}
		seen[r.code] = true
		if i > 0 && hsTable[i-1].code >= r.code {
			t.Errorf("row %d: %s after %s", i, r.code, hsTable[i-1].code)
		}
		if len(r.code) == 2 {
			chapters = append(chapters, r.code)
		} else if !seen[r.code[:2]] {
			t.Errorf("%s comes before its chapter", r.code)
		}
		if r.desc == "" || r.words == "" && r.code != "77" {
			t.Errorf("%s: no description or keywords", r.code)
		}
		words := map[string]bool{}
		for _, w := range strings.Split(r.words, "|") {
			k := strings.Join(foldWords(strings.TrimPrefix(w, "~")), " ")
			if r.words != "" && (k == "" || words[k]) {
				t.Errorf("%s: keyword %q empty or repeated", r.code, w)
			}
			words[k] = true
		}
	}
	if len(chapters) != 97 || chapters[0] != "01" || chapters[96] != "97" {
		t.Errorf("%d chapters from %v to %v, want 97 from 01 to 97", len(chapters), chapters[0], chapters[len(chapters)-1])
	}
}

// nomenclature loads the HS 2022 nomenclature from the reference data: code
// to description, and the 6-digit subheadings in order.
func nomenclature(t *testing.T) (*Nomenclature, [][2]string) {
	t.Helper()
	nom, err := LoadNomenclature(testenv.SharedData(t, "hs/harmonized-system-2022.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var subs [][2]string
	for c, d := range nom.desc {
		if len(c) == 6 {
			subs = append(subs, [2]string{c, d})
		}
	}
	slices.SortFunc(subs, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	return nom, subs
}

// TestHSTableNomenclature checks the table against the real HS 2022: every
// code in it exists (chapter 77 is reserved and has none), and it has every
// chapter of the nomenclature but Comtrade's 99, which is not an HS chapter.
func TestHSTableNomenclature(t *testing.T) {
	nom, _ := nomenclature(t)
	ours := map[string]bool{}
	for _, r := range hsTable {
		ours[r.code] = true
		if _, ok := nom.Describe(r.code); !ok && r.code != "77" {
			t.Errorf("%s (%s) is not in HS 2022", r.code, r.desc)
		}
	}
	for c, d := range nom.desc {
		if len(c) == 2 && c != "99" && !ours[c] {
			t.Errorf("chapter %s (%s) is missing from the table", c, d)
		}
	}
	if nom.Len() < 6900 {
		t.Errorf("%d codes, want the 6,940 of HS 2022", nom.Len())
	}
	// The nomenclature names a declared code in its own words, and says
	// when a code is none of its subheadings.
	m, ok := nom.Check("Mining equipment", "880260")
	if !ok || !strings.Contains(m.Why, "declared under 8802.60, Spacecraft") {
		t.Errorf("with the nomenclature: %q", m.Why)
	}
	m, ok = nom.Check("Mining equipment", "880299")
	if !ok || !strings.Contains(m.Why, "8802.99, which is no HS 2022 subheading; 88.02 is ") {
		t.Errorf("with the nomenclature, an unknown subheading: %q", m.Why)
	}
}

// TestMismatchNomenclature runs Mismatch on the nomenclature's own 5,613
// subheadings: their descriptions under their own codes must hardly ever be
// flagged, a good share must name their goods, and nearly every one that
// does must be flagged under the code of a random subheading of another
// chapter.
func TestMismatchNomenclature(t *testing.T) {
	_, subs := nomenclature(t)
	var own, named, moved, caught int
	rng := rand.New(rand.NewPCG(1993, 6))
	for _, s := range subs {
		if m, ok := Check(s[1], s[0]); ok {
			own++
			t.Logf("%s %q: %s", s[0], s[1], m.Why)
		}
		if _, ok := Check(s[1], "770000"); !ok {
			continue // names nothing the table knows
		}
		named++
		// A subheading of another chapter, drawn at random.
		for {
			o := subs[rng.IntN(len(subs))][0]
			if o[:2] == s[0][:2] {
				continue
			}
			moved++
			if _, ok := Check(s[1], o); ok {
				caught++
			}
			break
		}
	}
	n := len(subs)
	t.Logf("HS 2022 subheadings: %d; flagged under their own code: %d (%.2f%%); naming their goods: %d (%.1f%%); flagged under another chapter's code: %d of %d (%.1f%%)",
		n, own, 100*float64(own)/float64(n), named, 100*float64(named)/float64(n), caught, moved, 100*float64(caught)/float64(moved))
	if float64(own) > 0.005*float64(n) {
		t.Errorf("%d of %d subheadings flagged under their own code", own, n)
	}
	if float64(named) < 0.35*float64(n) {
		t.Errorf("only %d of %d subheadings name their goods", named, n)
	}
	if float64(caught) < 0.95*float64(moved) {
		t.Errorf("only %d of %d moved subheadings flagged", caught, moved)
	}
}

func TestParseNomenclature(t *testing.T) {
	n, err := ParseNomenclature(strings.NewReader("section,hscode,description,parent,level\nXVII,88,\"Aircraft, spacecraft\",TOTAL,2\nXVII,8802,Other aircraft,88,4\nXVII,880260,Spacecraft,8802,6\n"))
	if err != nil || n.Len() != 3 {
		t.Fatalf("ParseNomenclature = %v, %v", n, err)
	}
	if d, ok := n.Describe("88"); !ok || d != "Aircraft, spacecraft" {
		t.Errorf("88 is %q", d)
	}
	for in, want := range map[string]string{
		"a,b\n": "line 1: header",
		"section,hscode,description,parent,level\nI,8X,Animals,TOTAL,2\n": `line 2: hscode "8X"`,
		"section,hscode,description,parent,level\n":                       "no codes",
	} {
		if _, err := ParseNomenclature(strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseNomenclature(%q) = %v, want %q", in, err, want)
		}
	}
}

// FuzzMismatch checks that any description and code are read without
// panic, and that a mismatch quotes words of the description.
func FuzzMismatch(f *testing.F) {
	for _, c := range mismatchCases {
		f.Add(c.desc, c.hs)
	}
	f.Add("Spare parts, for; (mining) equipment & / tea", "8802.60")
	f.Add("ROC\u212aET ’s", "1")
	f.Fuzz(func(t *testing.T, desc, code string) {
		m, ok := Check(desc, code)
		if ok && (m.Words == "" || !strings.Contains(desc, m.Words) || !strings.Contains(m.Why, "'"+m.Words+"'") || len(m.Codes) == 0) {
			t.Errorf("Mismatch(%q, %q) = %+v", desc, code, m)
		}
	})
}
