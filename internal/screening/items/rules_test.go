package items

import (
	"path/filepath"
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
			{Category: "mtcr-cat1", Rule: `pattern '\b(rodong|nodong|scud|hwasong)\b'`, Matched: "Rodong"},
			{Category: "mtcr-cat1", Rule: "pattern 'missile (guidance set|airframe|body)'", Matched: "missile airframe"},
			{Category: "mtcr-cat2", Rule: "pattern 'missile'", Matched: "missile"},
			{Category: "arms", Rule: "hs_prefix 9306", Matched: ""},
		}},
		{item{"UDMH in drums", "292800"}, []Match{
			{Category: "mtcr-cat2", Rule: `pattern '\b(udmh|dimethylhydrazine|nitrogen tetroxide|red fuming nitric acid)\b'`, Matched: "UDMH"},
		}},
		{item{"Hydrazine hydrate", "2825.10"}, []Match{{Category: "mtcr-cat2", Rule: "hs_prefix 282510"}}},
		{item{"Women's cotton blouses", "620630"}, nil},
		{item{"Anthracite", "270111"}, nil},
	} {
		got := Compile(spec).Classify(c.item.Description, c.item.HSCode)
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("Classify(%q, %s) (-want +got):\n%s", c.item.Description, c.item.HSCode, diff)
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
		"ballistic missile":                                                      {"ballistic missile"},
		`\b(rodong|nodong|scud|hwasong)\b`:                                       {"rodong", "nodong", "scud", "hwasong"},
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
