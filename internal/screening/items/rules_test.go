package items

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/surety/surety/internal/agreement"
)

// israelDPRK loads the 1993 agreement from the examples.
func israelDPRK(t testing.TB) *agreement.Spec {
	t.Helper()
	spec, err := agreement.Load(filepath.Join("..", "..", "..", "examples", "israel-dprk-1993.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

func TestClassify(t *testing.T) {
	spec := israelDPRK(t)
	for _, c := range []struct {
		item item
		want []Match
	}{
		{item{"Mining equipment", "880260"}, []Match{{Category: "mtcr-cat1", Rule: "hs_prefix 880260"}}},
		{item{"Rodong missile airframe sections", "930690"}, []Match{
			{Category: "mtcr-cat1", Rule: "hs_prefix 930690"},
			{Category: "mtcr-cat1", Rule: `pattern '\b(rodong|ro-dong|nodong|no-dong|scud|hwasong|shahab)\b'`, Matched: "Rodong"},
			{Category: "mtcr-cat1", Rule: "pattern 'missile (guidance set|airframe|body)'", Matched: "missile airframe"},
			{Category: "mtcr-cat1", Rule: "MTCR 1.A.1 complete rocket systems: ballistic missiles, space launch vehicles, sounding rockets", Matched: "Rodong", Item: "MTCR 1.A.1"},
			{Category: "mtcr-cat2", Rule: "pattern 'missile'", Matched: "missile"},
			{Category: "arms", Rule: "hs_prefix 930690"},
			{Category: "arms", Rule: "UN Register VII missiles and missile launchers (hs_prefix 930690)", Matched: "missile", Item: "UN Register VII"},
		}},
		{item{"Hydrazine hydrate", "2825.10"}, []Match{
			{Category: "mtcr-cat2", Rule: "hs_prefix 282510"},
			{Category: "mtcr-cat2", Rule: "MTCR 4.C.2.a hydrazine", Matched: "Hydrazine", Item: "MTCR 4.C.2.a"},
		}},
		// The names of the time, under a code that says nothing.
		{item{"No-dong spare parts", "847990"}, []Match{
			{Category: "mtcr-cat1", Rule: `pattern '\b(rodong|ro-dong|nodong|no-dong|scud|hwasong|shahab)\b'`, Matched: "No dong"},
			{Category: "mtcr-cat1", Rule: "MTCR 1.A.1 complete rocket systems: ballistic missiles, space launch vehicles, sounding rockets", Matched: "No dong", Item: "MTCR 1.A.1"},
		}},
		{item{"Shahab-3 transport cradle", "847990"}, []Match{
			{Category: "mtcr-cat1", Rule: `pattern '\b(rodong|ro-dong|nodong|no-dong|scud|hwasong|shahab)\b'`, Matched: "Shahab"},
			{Category: "mtcr-cat1", Rule: "MTCR 1.A.1 complete rocket systems: ballistic missiles, space launch vehicles, sounding rockets", Matched: "Shahab", Item: "MTCR 1.A.1"},
		}},
		{item{"Women's cotton blouses", "620630"}, nil},
		{item{"Anthracite", "270111"}, nil},
	} {
		got := Compile(spec).Classify(c.item.Description, c.item.HSCode)
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("Classify(%q, %s) (-want +got):\n%s", c.item.Description, c.item.HSCode, diff)
		}
	}
}

// TestMissileItems checks the goods of the MTCR Annex that a missile
// programme buys abroad, each with its item number, under the 1993
// agreement's two MTCR categories, and goods that look like them but are
// not.
func TestMissileItems(t *testing.T) {
	r := Compile(israelDPRK(t))
	for _, c := range []struct {
		desc, hs, item string // item "" for none
	}{
		{"Turbofan engines", "841112", "MTCR 3.A.1"},
		{"Turbojet engine, 1.2 kN", "841111", "MTCR 3.A.1"},
		// Named under another heading's code (spark-ignition aircraft
		// engines), as the evader declares one.
		{"Turbojet engine, 1.2 kN", "840710", "MTCR 3.A.1"},
		{"Turbo-fan", "840790", "MTCR 3.A.1"},
		{"Turboprop engine", "841121", ""},
		// RDX and HMX by their chemical and their older names, fuel
		// named by its use, and carbon-carbon.
		{"Hexogen", "293369", "MTCR 4.C.4.b"},
		{"Cyclotetramethylene-tetranitramine (octogen)", "293369", "MTCR 4.C.4.b"},
		{"Liquid rocket fuel", "293399", "MTCR 4.C.2"},
		// The inverted names of the CAS index, as chemical trade papers
		// write them.
		{"Hydrazine, 1,1-dimethyl-", "292800", "MTCR 4.C.2.b"},
		{"Hydrazine, methyl-", "292800", "MTCR 4.C.2.b"},
		{"1,3,5-Triazine, hexahydro-1,3,5-trinitro-", "293369", "MTCR 4.C.4.b"},
		{"Hexahydro-1,3,5-trinitro-1,3,5-triazine", "293369", "MTCR 4.C.4.b"},
		{"1,3,5,7-Tetrazocine, octahydro-1,3,5,7-tetranitro-", "293369", "MTCR 4.C.4.b"},
		{"Butadiene, homopolymer, hydroxy-terminated", "400299", "MTCR 4.C.5"},
		{"Hydroxy-terminated polybutadiene", "400299", "MTCR 4.C.5"},
		{"Nitric acid, red fuming", "280800", "MTCR 4.C.4.a"},
		{"Nitric acid, 68 %", "280800", ""},
		// Thrust vector control by its parts, and an inertial unit by
		// its abbreviation, under codes of no category.
		{"Jet vanes, graphite", "880390", "MTCR 2.A.1.e"},
		{"Thrust tab", "880390", "MTCR 2.A.1.e"},
		{"Jet engine vanes", "841191", ""},
		{"IMU, tactical grade", "902680", "MTCR 9.A.6"},
		{"Immunoassay kit", "382200", ""},
		{"Polybutadiene rubber", "400220", ""},
		{"Carbon-carbon composite nozzle extension", "681510", "MTCR 6.C.2"},
		{"Carbon fibre fishing rods", "950711", ""},
		{"Carbon; carbon blacks", "280300", ""},
		// Goods the description excludes, as the nomenclature writes.
		{"Gas turbines (excluding turbo-jets and turbo-propellers), 8 MW", "841182", ""},
		{"Reaction engines, other than turbo-jets", "848790", ""},
		{"Tug boats, other than warships", "890400", ""},
		{"Turbofan engines, except for parts", "841112", "MTCR 3.A.1"},
		// In the other languages trade papers write.
		{"Perclorato de amonio, 200 micras", "382490", "MTCR 4.C.4.b"},
		{"Perchlorate d'ammonium", "382490", "MTCR 4.C.4.b"},
		{"Tétroxyde d'azote", "281129", "MTCR 4.C.4.a"},
		{"Distickstofftetroxid", "281129", "MTCR 4.C.4.a"},
		{"Dimetilhidracina asimétrica", "292119", "MTCR 4.C.2.b"},
		{"Moteur-fusée à propergol solide", "840991", "MTCR 2.A.1.c"},
		{"Raketentriebwerk", "840991", "MTCR 2.A.1.c"},
		{"Giroscopio de fibra óptica", "903180", "MTCR 9.A.3"},
		{"Accéléromètre", "903180", "MTCR 9.A.3"},
		{"Misil balístico", "930690", "MTCR 1.A.1"},
		{"Moteur diesel marin", "840810", ""},
		{"Motor de gasolina", "840734", ""},
		// The evader's use of it: an excluder before the goods once
		// does not hide them named again.
		{"Spares excluding turbofans: turbofan engine, 1 unit", "840999", "MTCR 3.A.1"},
		{"Nose cone for launch vehicle", "880790", "MTCR 2.A.1"},
		{"Rocket stage interstage skirt", "880390", "MTCR 2.A.1"},
		{"Ammonium perchlorate, 200 micron", "282990", "MTCR 4.C.4.b"},
		{"Potassium perchlorate", "282990", "MTCR 4.C.4.b"},
		{"Aluminium powder", "760310", "MTCR 4.C.2.c"},
		{"Spherical aluminium powder", "381590", "MTCR 4.C.2.c"},
		{"Carbon fibre prepreg, epoxy", "681519", "MTCR 6.C.1"},
		{"Filament winding machine", "847989", "MTCR 6.B.1"},
		{"Flow-forming machine, 3 rollers", "846390", "MTCR 3.B.3"},
		{"Maraging steel plate, 4 mm", "722690", "MTCR 6.C.8"},
		{"UDMH (unsymmetrical dimethylhydrazine)", "292800", "MTCR 4.C.2.b"},
		{"Nitrogen tetroxide", "281129", "MTCR 4.C.4.a"},
		{"Turbopump assembly", "841381", "MTCR 3.A.5"},
		{"Fibre-optic gyroscope", "901420", "MTCR 9.A.3"},
		{"Transporter-erector-launcher chassis", "870590", "MTCR 12.A.1"},
		{"Landing gear for airliner", "880720", ""},
		{"Aluminium foil", "760711", ""},
		{"Steel plate, hot rolled", "720851", ""},
		{"Winding machine for yarn", "844590", ""},
		// The evader's spellings, under a code of no category: a
		// Cyrillic о, a soft hyphen, a Cyrillic е and р, a capital
		// Cyrillic М, a zero-width space, a Greek capital Υ.
		{"Ammonium perchlоrate, 200 micron", "382490", "MTCR 4.C.4.b"},
		{"Ammonium per\u00adchlorate", "382490", "MTCR 4.C.4.b"},
		{"Carbon fibre prерreg, epoxy", "392690", "MTCR 6.C.1"},
		{"UDМH", "382490", "MTCR 4.C.2.b"},
		{"Nitrogen tet\u200broxide", "382490", "MTCR 4.C.4.a"},
		{"Fibre-optic GΥROSCOPE", "848790", "MTCR 9.A.3"},
		// Other separators between the words, other word orders and
		// forms: two spaces, a tab, an underscore, a hyphen, the German
		// compound, the formula.
		{"Ammonium  perchlorate", "382490", "MTCR 4.C.4.b"},
		{"Nitrogen\ttetroxide", "382490", "MTCR 4.C.4.a"},
		{"filament_winding machine", "847989", "MTCR 6.B.1"},
		{"Ammonium-perchlorate", "382490", "MTCR 4.C.4.b"},
		{"Ammoniumperchlorat", "382490", "MTCR 4.C.4.b"},
		{"Perchlorate of ammonium", "382490", "MTCR 4.C.4.b"},
		{"NH4ClO4, 99.8 %", "382490", "MTCR 4.C.4.b"},
		{"Ammonium chloride", "282710", ""},
		// Trade and trivial names of propellants and steels.
		{"Heptyl, 200 l drums", "292800", "MTCR 4.C.2.b"},
		{"Dimazine", "292800", "MTCR 4.C.2.b"},
		{"Aerozine 50 fuel", "382490", "MTCR 4.C.2.b"},
		{"Oxidizer AK-27I", "280800", "MTCR 4.C.4.a"},
		{"VascoMax C-300 bar", "722830", "MTCR 6.C.8"},
		{"Filament winder, 4-axis", "844540", "MTCR 6.B.1"},
		{"Heptane, technical", "290110", ""},
		// A letter left out, changed, added or swapped in one word of a
		// controlled phrase, beside its other word written exactly ...
		{"Amonium perchlorate", "382490", "MTCR 4.C.4.b"},
		{"ammonium perchl0rate", "382490", "MTCR 4.C.4.b"},
		{"Nitrogen tetroxyde", "382490", "MTCR 4.C.4.a"},
		{"Filament windng machine", "847989", "MTCR 6.B.1"},
		{"Balistic missile parts", "847989", "MTCR 1.A.1"},
		{"Rocket motro casing", "847989", "MTCR 2.A.1.c"},
		// ... but not an ordinary word a letter from a controlled one on
		// its own (managing, maraging; destroyed, destroyer).
		{"Managing director's office furniture", "940330", ""},
		{"Destroyed cargo, salvage", "890800", ""},
	} {
		var items []string
		for _, m := range r.Classify(c.desc, c.hs) {
			if strings.HasPrefix(m.Item, "MTCR") {
				items = append(items, m.Item)
			}
			if m.Item != "" && !strings.Contains(m.Rule, m.Item) {
				t.Errorf("%q: rule %q does not cite %s", c.desc, m.Rule, m.Item)
			}
		}
		switch {
		case c.item == "" && len(items) > 0:
			t.Errorf("%q under %s falls in %v, want no MTCR item", c.desc, c.hs, items)
		case c.item != "" && !slices.Contains(items, c.item):
			t.Errorf("%q under %s falls in %v, want %s", c.desc, c.hs, items, c.item)
		}
	}
}

// TestRegister checks the UN Register categories: arms of categories I–VII
// fall in the 1993 agreement's arms category, sporting and hunting guns,
// pistols and air guns do not.
func TestRegister(t *testing.T) {
	r := Compile(israelDPRK(t))
	for _, c := range []struct {
		desc, hs string
		arms     bool
	}{
		{"Main battle tank T-62", "871000", true},
		{"152 mm self-propelled howitzer", "930110", true},
		{"Multiple rocket launcher", "930120", true},
		{"Frigate", "890610", true},
		{"Hunting rifles", "930320", false},
		{"Sporting shotguns", "930320", false},
		{"Pistols, 9 mm", "930200", false},
		{"Air rifles", "930420", false},
		{"Shotgun cartridges", "930621", false},
	} {
		arms := slices.ContainsFunc(r.Classify(c.desc, c.hs), func(m Match) bool { return m.Category == "arms" })
		if arms != c.arms {
			t.Errorf("%q under %s: in arms %v, want %v", c.desc, c.hs, arms, c.arms)
		}
	}
}

// TestAnnexPatterns checks that every rule of the annex tables compiles
// and names its item.
func TestAnnexPatterns(t *testing.T) {
	for _, r := range append(slices.Clone(mtcrCompiled), registerCompiled...) {
		if r.item == "" || r.what == "" || len(r.hs) == 0 && r.pat == nil {
			t.Errorf("rule %+v is incomplete", r.annexRule)
		}
	}
	items := map[int]bool{}
	for _, r := range mtcrAnnex {
		n := 0
		fmt.Sscanf(r.item, "%d", &n)
		items[n] = true
	}
	for _, n := range []int{1, 2, 3, 4, 6, 9, 10, 11, 12, 14, 15, 17, 18, 19} {
		if !items[n] {
			t.Errorf("MTCR item %d has no rule", n)
		}
	}
}

// TestRulesConcurrent checks that one compiled set of rules serves
// concurrent callers alike, and that rules compiled from another spec are
// its own.
func TestRulesConcurrent(t *testing.T) {
	spec := israelDPRK(t)
	r := Compile(spec)
	want := r.Classify("scud missile", "010121")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				if got := r.Classify("scud missile", "010121"); !cmp.Equal(got, want) {
					t.Error("Classify changed under concurrent use")
					return
				}
			}
		})
	}
	wg.Wait()
	other := *spec
	other.Items = other.Items[:1]
	if len(Compile(&other).cats) != 1 {
		t.Error("rules of a spec with one category have more")
	}
}

// TestPatternNeedles checks the words Classify looks for before running a
// pattern: what they are for the agreement's patterns, and that no
// description a pattern matches is skipped, whatever its case or script.
func TestPatternNeedles(t *testing.T) {
	spec := israelDPRK(t)
	got := map[string][]string{}
	for _, c := range Compile(spec).cats {
		for _, p := range c.patterns {
			got[p.text] = p.needles
		}
	}
	want := map[string][]string{
		"ballistic missile": {"ballistic missile"},
		`\b(rodong|ro-dong|nodong|no-dong|scud|hwasong|shahab)\b`:                {" dong", " dong", "dong", "dong", "hwasong", "scud", "shahab"}, // the parser factors r(o-dong|odong)
		"rocket (stage|motor|engine)":                                            {"rocket "},
		"re-?entry vehicle":                                                      {"entry vehicle"},
		"missile (guidance set|airframe|body)":                                   {"missile "},
		"gyroscope|accelerometer|inertial (navigation|measurement)":              {"gyroscope", "accelerometer", "navigation", "measurement"},
		"propellant|turbopump":                                                   {"propellant", "turbopump"},
		`\b(udmh|dimethylhydrazine|nitrogen tetroxide|red fuming nitric acid)\b`: {"udmh", "dimethylhydrazine", "nitrogen tetroxide", "red fuming nitric acid"},
		`transporter[- ]erector|\btel\b`:                                         {"transporter", "tel"},
		"missile":                                                                {"missile"},
		`\b(battle tank|armou?red (combat|personnel) vehicle)\b`:                 {"battle tank", " vehicle"},
		// The parser factors mortar|multiple into m(?:ortar|ultiple).
		"howitzer|artillery|mortar|multiple rocket launcher":         {"howitzer", "artillery", "ortar", "ultiple rocket launcher"},
		"missile launcher|warship|attack helicopter|combat aircraft": {"missile launcher", "warship", "attack helicopter", "combat aircraft"},
	}
	if diff := cmp.Diff(want, got, cmp.Transformer("sort", func(s []string) []string {
		s = slices.Clone(s)
		slices.Sort(s)
		return s
	})); diff != "" {
		t.Errorf("needles (-want +got):\n%s", diff)
	}
	for _, desc := range []string{
		"Ballistic Missile body", "NODONG-1 engine", "Scud-B", "rocket stage", "Rocket  motor", "reentry vehicle",
		"Re-Entry Vehicle", "missile guidance set", "MISSILE AIRFRAME", "Gyroscope", "Inertial Measurement unit",
		"solid propellant", "TURBOPUMP", "udmh", "Dimethylhydrazine", "Red Fuming Nitric Acid", "Transporter-erector",
		"TEL chassis", "main battle tank", "Armored personnel vehicle", "Howitzer", "attack helicopter",
		"ROC\u212aET MOTOR", "\u017fcud missile", "Hwasong-15 re-entry vehicle",
	} {
		for _, s := range []string{desc, strings.ToUpper(desc), strings.ToLower(desc)} {
			for _, c := range Compile(spec).cats {
				for _, p := range c.patterns {
					lower := ""
					if isASCII(s) {
						lower = strings.ToLower(s)
					}
					if p.re.MatchString(s) && p.find(s, lower) == nil {
						t.Errorf("pattern %q matches %q but its needles %q skip it", p.text, s, p.needles)
					}
				}
			}
		}
	}
}

// item is a description and HS code.
type item struct{ Description, HSCode string }

// TestReread checks that a rule that fires only on the misspelt word read
// again says so.
func TestReread(t *testing.T) {
	r := Compile(israelDPRK(t))
	ms := r.Classify("Amonium perchlorate, 200 micron", "382490")
	if len(ms) != 1 || ms[0].Item != "MTCR 4.C.4.b" || ms[0].Read != "Amonium as ammonium" || ms[0].Matched != "ammonium perchlorate" {
		t.Errorf("Classify = %+v, want MTCR 4.C.4.b read from Amonium as ammonium", ms)
	}
	for _, m := range r.Classify("Ammonium perchlorate", "382490") {
		if m.Read != "" {
			t.Errorf("a rule that fires on the words as written says it read them again: %+v", m)
		}
	}
}

// TestRereadWays plays the evader who writes a controlled phrase as a
// catalogue does, splits or abbreviates its words or spells an acronym
// letter by letter, and checks that each is
// read as the phrase and says how; a word cut short without a full stop,
// or an ordinary noun in catalogue order, is not.
func TestRereadWays(t *testing.T) {
	r := Compile(israelDPRK(t))
	for _, c := range []struct{ desc, item, read string }{
		{"Motor, rocket, solid propellant", "MTCR 2.A.1.c", "Motor, rocket as rocket motor"},
		{"Perchlorate, ammonium, 200 micron", "MTCR 4.C.4.b", "Perchlorate, ammonium as ammonium perchlorate"},
		{"Ammonium per chlorate", "MTCR 4.C.4.b", "per chlorate as perchlorate"},
		{"Pre-preg, carbon fibre", "MTCR 6.C.1", "Pre preg as prepreg"},
		{"NH4-ClO4, 25 kg drums", "MTCR 4.C.4.b", "NH4 ClO4 as nh4clo4"},
		{"Amm. perchlorate", "MTCR 4.C.4.b", "Amm as ammonium"},
		{"Ammonium perchl., 200 micron", "MTCR 4.C.4.b", "perchl as perchlorate"},
		{"R.D.X., 50 kg", "MTCR 4.C.4.b", "R.D.X as rdx"},
		{"H T P B binder", "MTCR 4.C.5", "H.T.P.B as htpb"},
		{"R0CKET M0T0R", "MTCR 2.A.1.c", "R0CKET as rocket, M0T0R as motor"},
		{"AMM0NIUM PERCHL0RATE", "MTCR 4.C.4.b", "AMM0NIUM as ammonium, PERCHL0RATE as perchlorate"},
		{"Gyr0scope", "MTCR 9.A.3", "Gyr0scope as gyroscope"},
		{"Rocketmotor casing", "MTCR 2.A.1.c", "Rocketmotor as rocket motor"},
		{"Nitrogentetroxide", "MTCR 4.C.4.a", "Nitrogentetroxide as nitrogen tetroxide"},
		{"R()CKET M()T()R", "MTCR 2.A.1.c", "R()CKET as rocket, M()T()R as motor"},
		{"AMM()NIUM PERCHL()RATE, 200 micron", "MTCR 4.C.4.b", "AMM()NIUM as ammonium, PERCHL()RATE as perchlorate"},
	} {
		ms := r.Classify(c.desc, "382490")
		if !slices.ContainsFunc(ms, func(m Match) bool { return m.Item == c.item && m.Read == c.read }) {
			t.Errorf("Classify(%q) = %+v, want %s read as %q", c.desc, ms, c.item, c.read)
		}
	}
	for _, desc := range []string{"Amm perchlorate", "Engine, pocket", "Chlorate, per drum", "Motor vehicles, rocket blue", "Ti6Al4V bar", "C4H8O solvent", "Motorcycle parts", "Stagecoach", "Ammonium|perchlorate drums", "R@cket motor"} {
		for _, m := range r.Classify(desc, "382490") {
			if m.Read != "" {
				t.Errorf("Classify(%q) reads %q: %+v", desc, m.Read, m)
			}
		}
	}
}

func TestNear(t *testing.T) {
	for _, c := range []struct {
		a, b string
		near bool
	}{
		{"amonium", "ammonium", true},   // left out
		{"ammmonium", "ammonium", true}, // added
		{"ammonuim", "ammonium", true},  // swapped
		{"perchl0rate", "perchlorate", true},
		{"ammonium", "ammonium", false}, // the same
		{"amonum", "ammonium", false},   // two apart
		{"motr", "motor", true},
		{"tel", "tell", false}, // too short to read through
	} {
		if got := near(c.a, c.b); got != c.near {
			t.Errorf("near(%q, %q) = %v, want %v", c.a, c.b, got, c.near)
		}
	}
}

// TestRereadNomenclature declares every description of the HS 2022
// nomenclature (chapters, headings and subheadings) under a code of no
// category, and checks that no rule fires on a word read again: ordinary
// goods are not read as controlled ones (reference data needed).
func TestRereadNomenclature(t *testing.T) {
	nom, _ := nomenclature(t)
	r := Compile(israelDPRK(t))
	fired := 0
	for _, d := range nom.desc {
		for _, m := range r.Classify(d, "000000") {
			fired++
			if m.Read != "" {
				t.Errorf("%q falls in %s reading %s", d, m.Item, m.Read)
			}
		}
	}
	pairs := 0
	for _, fs := range r.firsts {
		pairs += len(fs)
	}
	t.Logf("%d descriptions, %d rules fired, %d pairs of words read through a letter", len(nom.desc), fired, pairs)
}

// TestCASNumbers checks the check digit of every CAS Registry Number the
// control lists' patterns name, so that a mistyped number, which would
// match nothing, cannot hide, and that a description giving one alone falls
// in the item's category.
func TestCASNumbers(t *testing.T) {
	cas := regexp.MustCompile(`(\d{2,7})-(\d{2})-(\d)\b`)
	r := Compile(israelDPRK(t))
	n := 0
	for _, a := range mtcrAnnex {
		for _, m := range cas.FindAllStringSubmatch(a.pattern, -1) {
			n++
			digits := m[1] + m[2]
			sum := 0
			for i := range len(digits) {
				sum += (i + 1) * int(digits[len(digits)-1-i]-'0')
			}
			if want := int(m[3][0] - '0'); sum%10 != want {
				t.Errorf("MTCR %s: CAS %s has check digit %d, want %d", a.item, m[0], want, sum%10)
			}
			desc := "Chemical, CAS " + m[0] + ", 25 kg drums"
			if !slices.ContainsFunc(r.Classify(desc, "382490"), func(x Match) bool { return x.Item == "MTCR "+a.item }) {
				t.Errorf("%q falls in no MTCR %s", desc, a.item)
			}
		}
	}
	if n < 11 {
		t.Errorf("%d CAS numbers in the patterns, want 11", n)
	}
}
