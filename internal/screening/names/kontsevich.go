package names

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Korean names in Russian are written by the Kontsevich system or the older
// customary spellings (Ким Чен Ын, Чхве Рён Хэ, Корё), which transliteration
// letter by letter reads as Kim Chen Yn and Chkhve Rion Khe, far from the
// lists' Kim Jong Un, Choe Ryong Hae and Koryo. A Cyrillic word that is
// wholly a run of Korean syllables as Russian writes them is also read as
// the McCune-Reischauer romanisation the lists use, in a further form of
// the name (see parse): the word as transliterated stays, so that a Russian
// word that happens to parse as syllables (Иван, и-ван) loses nothing.
//
// The Russian spelling does not tell a final ㄴ from a final ㅇ (both н:
// Чон is Jon or Jong), and Jon and Jong are two names (see common), so a
// syllable ending in н is read both ways; a name gets at most maxKorean
// readings, the spellings ending in ng first, as more Korean given-name
// syllables end so. The customary е of a closed syllable is the ŏ or yŏ of
// the romanisations, written o or yo (Чен is Jong, Сен Song, Пхеньян
// Pyongyang); in an open syllable it is e (Се is Se).

// maxKorean bounds the readings of one name: three syllables ending in н,
// as a family name and a given name of two (Сон Чон Ын), give eight.
const maxKorean = 8

// Onsets and vowels, the longer spellings first: чж and дж before ч, and
// a vowel written with в (ве, Чхве is Choe) before в alone, which is no
// vowel.
var (
	koOnsets = [][2]string{
		{"чж", "j"}, {"дж", "j"}, {"чч", "jj"}, {"чх", "ch"}, {"кх", "kh"}, {"тх", "th"}, {"пх", "ph"},
		{"кк", "kk"}, {"тт", "tt"}, {"пп", "pp"}, {"сс", "ss"},
		{"к", "k"}, {"г", "g"}, {"н", "n"}, {"т", "t"}, {"д", "d"}, {"р", "r"}, {"л", "l"},
		{"м", "m"}, {"п", "p"}, {"б", "b"}, {"с", "s"}, {"ч", "ch"}, {"х", "h"},
	}
	koVowels = [][2]string{
		{"ый", "ui"}, {"вэ", "wae"}, {"ва", "wa"}, {"ве", "oe"}, {"во", "wo"}, {"ви", "wi"},
		{"а", "a"}, {"я", "ya"}, {"о", "o"}, {"ё", "yo"}, {"у", "u"}, {"ю", "yu"},
		{"ы", "u"}, {"и", "i"}, {"э", "ae"}, {"е", "e"},
	}
	// A final consonant; н is n or ng, and a soft sign after н or л only
	// says that it ends its syllable (Пхеньян, Чхоль). The customary Ир
	// (Il, as in Ким Чен Ир) is the one р that ends a syllable: Russian
	// names end so (Умар, Амир), Korean ones in Kontsevich never.
	koCodas = [][2]string{
		{"нь", "n"}, {"ль", "l"}, {"н", "n"}, {"к", "k"}, {"л", "l"}, {"м", "m"}, {"п", "p"}, {"т", "t"},
	}
)

// koSyllable is one syllable read: its letters, and whether it ends in н.
type koSyllable struct {
	latin string
	nasal bool
}

// koPrefix returns the first entry of table that w starts with.
func koPrefix(w string, table [][2]string) (string, string, bool) {
	for _, e := range table {
		if strings.HasPrefix(w, e[0]) {
			return e[0], e[1], true
		}
	}
	return "", "", false
}

// koWord reads a lower-case Cyrillic word as Korean syllables. A consonant
// between two vowels begins the second syllable, as Korean is read; the
// word must be syllables to its end.
func koWord(w string) ([]koSyllable, bool) {
	if w == "ир" {
		return []koSyllable{{latin: "il"}}, true
	}
	var out []koSyllable
	for w != "" {
		var s koSyllable
		onset := ""
		if c, l, ok := koPrefix(w, koOnsets); ok {
			onset, w = l, w[len(c):]
		}
		c, v, ok := koPrefix(w, koVowels)
		if !ok {
			return nil, false
		}
		w = w[len(c):]
		coda := ""
		if c, l, ok := koPrefix(w, koCodas); ok {
			if rest := w[len(c):]; rest == "" || !startsVowel(rest) || strings.HasSuffix(c, "ь") {
				coda, w, s.nasal = l, rest, l == "n"
			}
		}
		if c == "е" && coda != "" {
			// Чен, Сен: the customary spelling of ŏ and yŏ.
			switch onset {
			case "ch", "j", "jj", "s", "ss":
				v = "o"
			default:
				v = "yo"
			}
		}
		s.latin = onset + v + coda
		out = append(out, s)
	}
	return out, len(out) > 0
}

// ruAdjective are the endings by which Russian makes an adjective of a
// place's name: Танчхонский коммерческий банк is the Tanchon Commercial
// Bank.
var ruAdjective = []string{"ский", "ская", "ское", "ского", "ской", "ские"}

// koPlace reads a word as Korean syllables (see koWord), or, failing
// that, as the Korean name of a place made a Russian adjective.
func koPlace(w string) ([]koSyllable, bool) {
	if s, ok := koWord(w); ok {
		return s, true
	}
	for _, a := range ruAdjective {
		if stem, ok := strings.CutSuffix(w, a); ok && stem != "" {
			return koWord(stem)
		}
	}
	return nil, false
}

// startsVowel reports whether w begins with a vowel of koVowels.
func startsVowel(w string) bool {
	_, _, ok := koPrefix(w, koVowels)
	return ok
}

// koreanReadings returns name with each Cyrillic word that is Korean
// syllables read as romanised Korean, one string for each way of reading
// its final н, or nothing when no word is such.
func koreanReadings(name string) []string {
	type part struct {
		text  string
		sylls []koSyllable
	}
	cyrillic := func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }
	if !hasScript(name, unicode.Cyrillic) {
		return nil
	}
	var parts []part
	nasals, read := 0, false
	for i := 0; i < len(name); {
		k := strings.IndexFunc(name[i:], cyrillic)
		if k < 0 {
			parts = append(parts, part{text: name[i:]})
			break
		}
		start := i + k
		end := len(name)
		if k := strings.IndexFunc(name[start:], func(r rune) bool { return !cyrillic(r) }); k >= 0 {
			end = start + k
		}
		parts = append(parts, part{text: name[i:start]})
		// A run inside a word that has Latin letters or digits is a
		// look-alike letter, read by glyphs.
		before, _ := utf8.DecodeLastRuneInString(name[:start])
		after, _ := utf8.DecodeRuneInString(name[end:])
		var sylls []koSyllable
		ok := false
		if !wordRune(before) && !wordRune(after) {
			sylls, ok = koPlace(strings.ToLower(name[start:end]))
		}
		if ok {
			read = true
			for _, s := range sylls {
				if s.nasal {
					nasals++
				}
			}
			parts = append(parts, part{sylls: sylls})
		} else {
			parts = append(parts, part{text: name[start:end]})
		}
		i = end
	}
	if !read {
		return nil
	}
	bits := 0
	for bits < nasals && 2<<bits <= maxKorean {
		bits++
	}
	out := make([]string, 0, 1<<bits)
	for k := range 1 << bits {
		// Bit b of k set: the b-th syllable ending in н is read n, not ng.
		var b strings.Builder
		bit := 0
		for _, p := range parts {
			if p.sylls == nil {
				b.WriteString(p.text)
				continue
			}
			for _, s := range p.sylls {
				b.WriteString(s.latin)
				if s.nasal {
					if bit >= bits || k&(1<<bit) == 0 {
						b.WriteByte('g')
					}
					bit++
				}
			}
		}
		out = append(out, b.String())
	}
	return out
}

// wordRune reports whether r is a letter or digit of another script than
// Cyrillic, joining a Cyrillic run into a word of mixed letters.
func wordRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r)) && !unicode.Is(unicode.Cyrillic, r)
}
