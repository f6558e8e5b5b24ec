package names

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"KOREA MINING DEVELOPMENT TRADING CORP.":     "korea mining development trading",
		"Korea Mining Development Trading Co., Ltd.": "korea mining development trading",
		"KIM, Yong Chol":                 "yong chol kim",
		"Ch’oe Ch’un-sik":                "choe chun sik",
		"CH'O'NGSONG YO'NHAP":            "chongsong united", // yonhap, romanised Korean, is united
		"Rhee Su-yong":                   "ri su yong",
		"Muhammad Husain":                "mohammad hossein",
		"Hôssein Šalimi":                 "hossein salimi",
		`"KOMID"`:                        "komid",
		"ＫＯＭＩＤ":                          "komid",
		"ANGLO-CARIBBEAN CO., LTD.":      "anglo caribbean",
		"FIRST EAST EXPORT BANK, P.L.C.": "1 east export bank",
		"E. S. Co.":                      "es",
		"OCEAN MARITIME MANAGEMENT COMPANY, LIMITED (OMM)": "ocean maritime management",
		"Office No. 39":                    "office 39",
		"2ND ACADEMY OF NATURAL SCIENCES":  "2 academy natural sciences",
		"Straße":                           "strasse",
		"DOLPHIN TRADING CMOPANY":          "dolphin trading",
		"CORPORATION":                      "corporation",
		"Jin Tiesan (金铁三)":                 "jin tiesan",
		"金铁三":                              "jin tie san",
		"":                                 "",
		"---":                              "",
		"JOINT STOCK COMPANY \"SIBERIAN\"": "siberian",
		"The Ministry of Defence and Armed Forces Logistics": "ministry defence armed forces logistics",
		// A name run together, a capital for each word, is its words;
		// a word in mixed case otherwise is one word.
		"KoreaMiningDevelopmentTrading": "korea mining development trading",
		"TanchonCommercialBank Ltd":     "tanchon commercial bank",
		"KoMiD":                         "komid",
		// A part of two letters, when a part is a common name part: a
		// Korean name written together.
		"RyangCholHun": "ryang chol hun",
		"KimYoJong":    "kim yo jong",
		"LeBlanc":      "leblanc",
		"DeVito":       "devito",
		// A sign parts words: it does not join its letters to them.
		"KOMID™":      "komid",
		"Office № 39": "office 39",
		"ⓀⓄⓂⒾⒹ":       "komid",
		// The Persian ezafe written onto a word ending in a vowel.
		"Kalaye Electric": "kala electric",
		"Sanaye Defa":     "industries defa",
		"Kaleyeye":        "kale",
		"🄺🄾🄼🄸🄳":           "komid",
		"McDonald":        "mcdonald",
		"HanAir":          "han air",
		// Look-alike letters are read as they look as written, not by the
		// sound of their lower case: the Cyrillic Н, В, Р, С, Х and the
		// Greek Ν and Υ are H, B, P, C, X, N and Y ...
		"Ѕhahid Нemmat Industrial Group": "shahid hemmat industrial group",
		"ВANK МELLAT":                    "bank mellat",
		"РARS ОIL":                       "pars oil",
		"СHONGCHONGANG ХING":             "chongchongang xing",
		"ΝAVAL ΥARD":                     "naval yard",
		// ... and the capitals that look like I are I, not the l of their
		// skeleton (the Cyrillic І, the Greek Ι).
		"ІRAN AIR":  "iran air",
		"ΙSLAMIC":   "islamic",
		"Ѕhahid Іd": "shahid id",
		// Invisible characters vanish inside a word ...
		"KO\u200bMID":             "komid",
		"KOREA MI\u00adNING":      "korea mining",
		"TANCHON\u2060COMMERCIAL": "tanchoncommercial",
		// ... and Latin letters that do not decompose are read as the
		// letters they look like or their transliteration.
		"ᴋᴏᴍɪᴅ":  "komid",
		"Əliyev": "aliyev",
		"Ŋgugi":  "nggugi",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestVariants checks the romanisation table and key together: spellings
// of one name share a key, and different names do not.
func TestVariants(t *testing.T) {
	k := func(w string) string { return newToken(word{s: w}, 1).key }
	for _, group := range [][]string{
		{"ri", "li", "rhee", "yi", "lee"},
		{"pak", "park", "bak"},
		{"jong", "chong", "jeong", "chung"},
		{"kim", "gim"},
		{"choe", "choi"},
		{"mohammad", "muhammad", "mohamed", "mohammed"},
		{"hossein", "hosein", "husain", "hussein"},
		{"qasem", "ghasem", "kasem"},
		{"ryong", "lyong", "ryeong"},
		{"pyongyang", "phyongyang", "pyeongyang"},
		{"chol", "cheol", "chul"},
		{"soleimani", "soleymani", "sulaymani"},
	} {
		for _, w := range group[1:] {
			if k(w) != k(group[0]) {
				t.Errorf("key(%s) = %s, key(%s) = %s", w, k(w), group[0], k(group[0]))
			}
		}
	}
	for _, p := range [][2]string{{"kim", "kang"}, {"yong", "yang"}, {"chol", "chun"}, {"hassan", "hossein"}, {"sok", "song"}} {
		if k(p[0]) == k(p[1]) {
			t.Errorf("%s and %s share the key %s", p[0], p[1], k(p[0]))
		}
	}
	// A canonical spelling is not itself a variant of another, so that
	// normalising twice changes nothing.
	for v, c := range canon {
		if cc, ok := canon[c]; ok && cc != c {
			t.Errorf("%s -> %s -> %s", v, c, cc)
		}
	}
}

func TestSkeleton(t *testing.T) {
	tok := func(w string) *token { t := newToken(word{s: w}, 1); return &t }
	for _, p := range [][2]string{{"hejazi", "hijazi"}, {"rashidi", "rashedi"}, {"dehghan", "dahqan"}, {"ebrahimi", "ibrahimi"}} {
		if !sameSkeleton(tok(p[0]), tok(p[1])) {
			t.Errorf("%s and %s should differ only in vowels", p[0], p[1])
		}
	}
	for _, p := range [][2]string{{"hyoksin", "hyoksong"}, {"chongchongang", "chongjin"}, {"daedong", "daesong"}, {"yong", "yang"}} {
		if sameSkeleton(tok(p[0]), tok(p[1])) {
			t.Errorf("%s and %s should not share a skeleton", p[0], p[1])
		}
	}
}

// FuzzNormalize checks that normalising never panics, gives valid UTF-8 in
// lower case, is idempotent, and that a name scores 1 against itself and
// between 0 and 1 against anything.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"KIM, Yong Chol", "KOMID", "Ch’oe (CH'O'E) Co., Ltd.", "a) b) c;", "ＫＯ\u0301Ｍ", "\xff\xfe", "Office No. 39", "P.L.C.", "al-Hajj 'Abd-al", "Ким Чен Ын", "Пхеньян Тэсон-ынхэн", "조선광업개발무역회사", "گروه صنعتی شهید همت", "朝鲜矿业开发贸易公司", "김정은동지", "원수 김정은", "مركز الدراسات والبحوث العلمية", "Kashtirani-ye Jomhuri-ye Eslami-ye Iran", "武汉三江进出口有限公司", "هدايت الله", "ISIL - Democratic Republic of the Congo", "Ansar Eddine", "Orveline Shipping Lines"} {
		f.Add(s, "Korea Mining Development Trading Corporation")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		n := Normalize(a)
		if !utf8.ValidString(n) || strings.ToLower(n) != n {
			t.Fatalf("Normalize(%q) = %q", a, n)
		}
		if again := Normalize(n); again != n {
			t.Fatalf("Normalize(%q) = %q, but Normalize(%q) = %q", a, n, n, again)
		}
		if s, _ := Score(a, b); s < 0 || s > 1 {
			t.Fatalf("Score(%q, %q) = %v", a, b, s)
		}
		if n != "" {
			if s, ex := Score(a, a); s != 1 {
				t.Fatalf("Score(%q, itself) = %v: %s", a, s, ex)
			}
		}
	})
}

func TestSameShape(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"hejazi", "hijazi", true},
		{"soreimani", "sureimani", true},
		{"derda", "drade", false},  // Delta and Trade
		{"rodus", "rurdes", false}, // Lotus and Lourdes
		{"hejazi", "hejaz", false},
	} {
		if got := sameShape(c.a, c.b); got != c.want {
			t.Errorf("sameShape(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

func TestSameConsonants(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"hotem", "hatim", true},
		{"bashara", "boshra", true},
		{"nassif", "nusayyif", true},
		{"fawzy", "fouzi", true},
		{"umari", "amri", true},    // a vowel first in both
		{"hamid", "amid", false},   // h first in one, a vowel in the other
		{"raed", "riad", false},    // both of four letters
		{"chun", "chin", false},    // Korean syllables
		{"jian", "jianhua", false}, // three letters apart
		{"hotem", "hakim", false},
		{"hotem", "hotemi", true},
		{"mohammad", "mohd", false},
		{"charekh", "sharikh", true}, // French ch for sh
		{"qasimi", "kasimi", true},
		{"charekh", "karikh", false},
	} {
		a, b := &token{text: c.a, frame: frame(c.a)}, &token{text: c.b, frame: frame(c.b)}
		if got := sameConsonants(a, b); got != c.want {
			t.Errorf("sameConsonants(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
		if got := sameConsonants(b, a); got != c.want {
			t.Errorf("sameConsonants(%q, %q) = %v, want %v", c.b, c.a, got, c.want)
		}
	}
}

func TestServantOf(t *testing.T) {
	for in, want := range map[string]string{
		"Abdelmajid al-Qasimi":           "abd majid al qasimi",
		"ABD AL-MAJID AL-QASIMI":         "abd majid al qasimi",
		"Abd ar-Rahman":                  "abd rahman",
		"Abd es-Salam":                   "abd salam",
		"Az AB Zahra":                    "al zahra",
		"Abdurrahman":                    "abd rahman",
		"Abdul Basir":                    "abd basir",
		"Abdullah Khan":                  "abdollah khan",
		"Abd al":                         "abd al",
		"ABDALLAH AZZAM":                 "abdollah azzam",
		"Sherkat-e Hamlo Naql-e Daryaei": "hamlo naql daryaei",
		"Houmat ed-Daawa es-Salafia":     "houmat al daawa al salafia",
		"Houmat ed Daawa es Salafia":     "houmat ed daawa al salafia",
		"Ash-Shabaab":                    "al shabaab",
		"Fazl-ur Rehman":                 "fazl ur rehman",
		"An Nam Chol":                    "an nam chol",
		"Es Sayed":                       "al seyed",
		"Ed Davis":                       "ed davis",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestWithinEdits checks the banded count against the whole one on words
// drawn from a small alphabet, so that near misses are many.
func TestWithinEdits(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	word := func() string {
		b := make([]byte, rng.IntN(12))
		for i := range b {
			b[i] = "abcde"[rng.IntN(5)]
		}
		return string(b)
	}
	for range 200000 {
		a, b, k := word(), word(), rng.IntN(4)
		if got, want := withinEdits(a, b, k), levenshtein(a, b) <= k; got != want {
			t.Fatalf("withinEdits(%q, %q, %d) = %v, want %v (distance %d)", a, b, k, got, want, levenshtein(a, b))
		}
	}
}

// TestHasInitials checks hasInitials against initials, which builds the
// string, on names with stop words and without.
func TestHasInitials(t *testing.T) {
	for _, name := range []string{"Ministry of Defense Logistics Export", "Korea Mining Development Trading Corporation", "Bank of the Orvani People", "Orvani", "ISIL-ORVANIA"} {
		for _, f := range parse(name) {
			in := f.initials()
			if !f.hasInitials(in) {
				t.Errorf("%q: hasInitials(%q) is false", name, in)
			}
			for _, other := range []string{in[:len(in)-1], in + "x", "x" + in[1:], ""} {
				if other != in && f.hasInitials(other) {
					t.Errorf("%q: hasInitials(%q) is true, initials %q", name, other, in)
				}
			}
		}
	}
}
