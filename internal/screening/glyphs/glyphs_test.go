package glyphs

import (
	"strings"
	"testing"
)

func TestDisguised(t *testing.T) {
	for s, want := range map[string]string{
		"Кorea Мining Ѕevelopment Trading Corporation": "Cyrillic К (U+041A) for K, Cyrillic М (U+041C) for M, Cyrillic Ѕ (U+0405) for S",
		"Taegu Silvеr Trading":                         "Cyrillic е (U+0435) for E",
		"ТАЕGU Silver Trading":                         "Cyrillic Т (U+0422) for T",
		"ІRAN AIR":                                     "Cyrillic І (U+0406) for I",
		"KO\u200bMID":                                  "invisible characters inside a word: U+200B",
		"\u202eDIMOK":                                  "invisible characters inside a word: U+202E",
		"Tanchon Commercial Ba\u00adnk":                "U+00AD",
		"ammonium perchlоrate":                         "Cyrillic о (U+043E) for O",
	} {
		got, ok := Disguised(s)
		if !ok || !strings.Contains(got, want) {
			t.Errorf("Disguised(%q) = %q, %v, want it to name %s", s, got, ok, want)
		}
	}
	for _, s := range []string{"Taegu Silver Trading", "Борис Великанов", "Dandong 丹东 Trading", "Boris Великанов", "كريم حدادين", "Ŝtefan Ćosić",
		"Mohammad Hosseinzadeh (محمد حسین\u200cزاده)", "perchlorate d'ammonium, 99 %"} {
		if got, ok := Disguised(s); ok {
			t.Errorf("Disguised(%q) = %q, want none", s, got)
		}
	}
}

func TestPlain(t *testing.T) {
	for in, want := range map[string]string{
		"ammonium perchlоrate":         "ammonium perchlorate",    // Cyrillic о
		"ammonium per\u00adchlorate":   "ammonium perchlorate",    // soft hyphen
		"CARBON PRЕPREG, 2 rolls":      "CARBON PREPREG, 2 rolls", // Cyrillic Е, case kept
		"maraging stееl (18% Ni)":      "maraging steel (18% Ni)", // two Cyrillic е
		"Нemmat":                       "Hemmat",                  // a capital read as it looks
		"acier maraging, qualité C250": "acier maraging, qualite C250",
		"turbo\u200bjet\u200b engine":  "turbojet engine",
		"Борис Великанов":              "Борис Великанов", // no Latin letters: as it is
		"Boris Великанов, steel tubes": "Boris Великанов, steel tubes",
		"Kорея steel":                  "Kорея steel", // я looks like no Latin letter: not a Latin word
		"plain ASCII, 100 kg":          "plain ASCII, 100 kg",
	} {
		if got := Plain(in); got != want {
			t.Errorf("Plain(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLookAlike(t *testing.T) {
	for r, want := range map[rune]string{'К': "k", 'о': "o", 'Н': "h", 'В': "b", 'Ν': "n", 'Υ': "y", 'І': "i", 'Ι': "i", 'ѕ': "s"} {
		if got, ok := LookAlike(r); !ok || got != want {
			t.Errorf("LookAlike(%c) = %q, %v, want %q", r, got, ok, want)
		}
	}
	for _, r := range []rune{'a', 'é', 'н', 'Ж', 'ب', '丹'} {
		if got, ok := LookAlike(r); ok {
			t.Errorf("LookAlike(%c) = %q, want none", r, got)
		}
	}
}

func TestForeign(t *testing.T) {
	for _, c := range []struct {
		in, script string
		words      int
	}{
		{"перхлорат аммония", "Cyrillic", 2},
		{"과염소산암모늄", "Hangul", 1},
		{"موتور توربوجت", "Arabic", 2},
		{"Kimchi (김치), 20 jars", "Hangul", 1},
		{"ammonium perchlоrate", "", 0}, // a look-alike passes for Latin
		{"Ammonium perchlorate, 200 micron", "", 0},
		{"Acier maraging, qualité C250", "", 0},
	} {
		script, words := Foreign(c.in)
		if script != c.script || len(words) != c.words {
			t.Errorf("Foreign(%q) = %q, %q, want %q and %d words", c.in, script, words, c.script, c.words)
		}
	}
}

func TestAsLetters(t *testing.T) {
	for in, want := range map[string]string{
		"K0MID": "komid", "T4NCH0N": "tanchon", "C0MM3RC14L": "commercial", "Commerc1al": "commercial", "M3HRAN": "mehran", "Nitr0jen": "nitrojen",
		"KOMlD": "komid", "lRAN": "iran", "K0MlD": "komid",
	} {
		if got, ok := AsLetters(in); !ok || got != want {
			t.Errorf("AsLetters(%q) = %q, %v, want %q", in, got, ok, want)
		}
	}
	// Codes and numbers are read as written: a digit first or last, a
	// digit that looks like no letter, or fewer than two letters a digit.
	for _, in := range []string{"A320", "7th", "21st", "N488RC", "YV378T", "B2B", "K9", "3M", "KOMID", "A1A", "MiG29", "Komid", "Al", "McLEAN", "lA"} {
		if got, ok := AsLetters(in); ok {
			t.Errorf("AsLetters(%q) = %q, want it read as written", in, got)
		}
	}
}

func TestDisguisedName(t *testing.T) {
	got, ok := DisguisedName("T4NCH0N Commercial Bаnk")
	if !ok || !strings.Contains(got, "writes characters for the letters they look like: 0 for O, 4 for A") || !strings.Contains(got, "Cyrillic а (U+0430) for A") {
		t.Errorf("DisguisedName = %q, %v, want the digits and the look-alike named", got, ok)
	}
	if got, ok := DisguisedName("KOMlD"); !ok || !strings.Contains(got, "l for I") {
		t.Errorf("DisguisedName(KOMlD) = %q, %v, want l for I", got, ok)
	}
	if got, ok := DisguisedName("K\uff10MID"); !ok || !strings.Contains(got, "0 for O") {
		t.Errorf("DisguisedName(K０MID) = %q, %v, want a fullwidth 0 for O", got, ok)
	}
	for _, s := range []string{"Tanchon Commercial Bank", "7th of Tir Industries", "Airbus A320 Leasing", "3M Korea", "MSN 416", "Hai Xing 8", "McLEAN Shipping"} {
		if got, ok := DisguisedName(s); ok {
			t.Errorf("DisguisedName(%q) = %q, want none", s, got)
		}
	}
	// A description of goods may write a formula or an alloy so.
	if got, ok := Disguised("titanium alloy Ti6Al4V bar"); ok {
		t.Errorf("Disguised(Ti6Al4V) = %q, want none", got)
	}
}

func TestLetters(t *testing.T) {
	for in, want := range map[string]string{
		"T4NCH0N C0MMERCIAL BANK": "tanchon commercial BANK",
		"KOMlD, Pyongyang":        "komid, Pyongyang",
		"Tanchon Commercial Bank": "Tanchon Commercial Bank",
		"Airbus A320 (MSN 416)":   "Airbus A320 (MSN 416)",
	} {
		if got := Letters(in); got != want {
			t.Errorf("Letters(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSymbols(t *testing.T) {
	for in, want := range map[string]string{
		"KOM|D":                   "KOMiD",
		"KOM!D":                   "KOMiD",
		"B@NK SEPAH":              "BaNK SEPAH",
		"C0MM€RCIAL":              "C0MMeRCIAL",
		"K()MID":                  "KoMID",
		"K[]MID, Pyongyang":       "KoMID, Pyongyang",
		"Ban¡a $hipping C0$MOS":   "Bania $hipping C0sMOS",
		"Tanchon Commercial Bank": "Tanchon Commercial Bank",
		"Yahoo! Trading":          "Yahoo! Trading",
		"Orvel | Kestrel":         "Orvel | Kestrel",
		"Orvel (Pvt) Ltd":         "Orvel (Pvt) Ltd",
		"US$ 400":                 "US$ 400",
	} {
		got, ok := Symbols(in)
		if got != want || ok != (in != want) {
			t.Errorf("Symbols(%q) = %q, %v, want %q", in, got, ok, want)
		}
	}
	if got, ok := DisguisedName("B@NK $EP@H"); !ok || !strings.Contains(got, "writes characters for the letters they look like: @ for A") {
		t.Errorf("DisguisedName(B@NK $EP@H) = %q, %v, want @ for A named", got, ok)
	}
	for _, s := range []string{"Yahoo! Trading", "Orvel | Kestrel", "US$ 400"} {
		if got, ok := DisguisedName(s); ok {
			t.Errorf("DisguisedName(%q) = %q, want none", s, got)
		}
	}
}

// TestSymbolsSkeleton plays symbols that TR39 takes for Latin letters,
// which parted a name's word as any other symbol did.
func TestSymbolsSkeleton(t *testing.T) {
	for in, want := range map[string]string{
		"K⊖MID":           "KoMID",
		"TANCH⊖N ∪NION":   "TANCHoN ∪NION", // ∪ begins the word
		"B∪REAU":          "BuREAU",
		"Kim Jong ∪n":     "Kim Jong ∪n",
		"Orvel – Kestrel": "Orvel – Kestrel",
		"Ⅳ Orvel":         "Ⅳ Orvel",
	} {
		if got, _ := Symbols(in); got != want {
			t.Errorf("Symbols(%q) = %q, want %q", in, got, want)
		}
	}
	if got, ok := DisguisedName("K⊖MID"); !ok || !strings.Contains(got, "⊖ for O") {
		t.Errorf("DisguisedName(K⊖MID) = %q, %v, want ⊖ for O named", got, ok)
	}
}
