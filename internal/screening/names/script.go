package names

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mozillazg/go-unidecode"
	"go.mau.fi/util/confusable"
)

// Names written in other scripts are read in Latin letters: Cyrillic, Greek,
// Arabic, Hebrew, Chinese and the rest by transliteration (go-unidecode),
// Korean syllable by syllable, so that each becomes a word as Korean names
// are romanised (김영철, Kim Yong Chol). Arabic and Hebrew write few vowels,
// so their words are compared by consonants alone (see token.bare).
//
// A name that mixes Latin letters with letters of another script that look
// like them (Cyrillic К for K) is read by the look-alikes' Latin skeleton
// (Unicode TR39, go.mau.fi/util/confusable) rather than by their sound, so
// that "Кorea" is Korea and not Dzorea, and such a name is a risk of its own
// (MixedScript): honest names do not do it. Nor do they hide invisible
// characters inside a word, which are read as nothing ("KO\u200bMID" is
// KOMID) and are a risk too.

// lookAlike returns the Latin letters, in lower case, that a letter of
// another script looks like as it is written, by its TR39 skeleton, and
// false when its skeleton is not Latin letters. It reads the letter before
// its case is folded, since some capitals look like a Latin letter their
// lower case does not (the Cyrillic Н is H, and н like no Latin letter; the
// Greek Ν is N, and ν is v). The skeleton takes I and l for one letter, l:
// in a capital that looks like them, they are I (the Cyrillic І, the Greek
// Ι).
func lookAlike(r rune) (string, bool) {
	if r < utf8.RuneSelf || unicode.Is(unicode.Latin, r) || !unicode.IsLetter(r) {
		return "", false
	}
	s, ok := skeletonLatin(r)
	if ok && unicode.IsUpper(r) {
		s = strings.ReplaceAll(s, "l", "i")
	}
	return s, ok
}

// skeletonLatin returns a letter's TR39 skeleton in lower case, and false
// when it is not Latin letters.
func skeletonLatin(r rune) (string, bool) {
	s := confusable.Skeleton(string(r))
	if s == "" || s == string(r) {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return "", false
		}
	}
	return strings.ToLower(s), true
}

// latinWords reports whether s holds a Latin letter.
func latinWords(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Latin, r) })
}

// MixedScript reports whether a name disguises a Latin word, and says how:
// with letters of another script that look like Latin ones, or with
// invisible characters inside the word (a zero-width space, a soft hyphen,
// a bidirectional override that shows "DIMOK" as KOMID). Either is an
// evader's way of writing a listed name that reads the same and matches
// nothing. Names written wholly in another script, or with a word in
// another script beside Latin words that does not pass for Latin, are not
// mixed; nor is a zero-width joiner inside such a word, where the script
// uses it.
func MixedScript(name string) (string, bool) {
	if !latinWords(name) {
		return "", false
	}
	var alikes, hidden []string
	for _, w := range strings.FieldsFunc(name, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsMark(r) && !unicode.Is(unicode.Cf, r)
	}) {
		var alike, format []rune
		latin, other := false, false
		for _, r := range w {
			switch {
			case unicode.Is(unicode.Latin, r):
				latin = true
			case unicode.Is(unicode.Cf, r):
				format = append(format, r)
			case unicode.IsLetter(r):
				if _, ok := lookAlike(r); ok {
					alike = append(alike, r)
				} else {
					other = true
				}
			}
		}
		// A word of look-alikes alone passes for Latin among Latin words;
		// a word with letters that do not is another script's word.
		if !latin && other || !latin && len(alike) == 0 {
			continue
		}
		for _, r := range alike {
			alikes = append(alikes, fmt.Sprintf("%s %c (U+%04X) for %s", scriptOf(r), r, r, mustAlike(r)))
		}
		for _, r := range format {
			hidden = append(hidden, fmt.Sprintf("U+%04X", r))
		}
	}
	var says []string
	if alikes != nil {
		says = append(says, "mixes Latin letters with look-alike letters of another script: "+strings.Join(slices.Compact(alikes), ", "))
	}
	if hidden != nil {
		says = append(says, "hides invisible characters inside a word: "+strings.Join(slices.Compact(hidden), ", "))
	}
	if says == nil {
		return "", false
	}
	return fmt.Sprintf("%q %s", name, strings.Join(says, "; ")), true
}

func mustAlike(r rune) string {
	s, _ := lookAlike(r)
	return strings.ToUpper(s[:1]) + s[1:]
}

// scriptOf names the script of a letter, among those whose letters pass for
// Latin.
func scriptOf(r rune) string {
	for _, s := range []string{"Cyrillic", "Greek", "Armenian", "Cherokee", "Coptic", "Georgian"} {
		if unicode.Is(unicode.Scripts[s], r) {
			return s
		}
	}
	return "non-Latin"
}

// abjad reports whether a letter belongs to a script that mostly leaves
// vowels unwritten.
func abjad(r rune) bool {
	return unicode.In(r, unicode.Arabic, unicode.Hebrew, unicode.Syriac, unicode.Thaana)
}

// transliterate spells a letter of another script in lower-case Latin
// letters and digits, dropping what transliteration marks with punctuation
// (the Arabic ayn's `, the hamza's ').
func transliterate(buf []byte, r rune) []byte {
	for _, c := range []byte(unidecode.Unidecode(string(r))) {
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			buf = append(buf, c)
		case 'A' <= c && c <= 'Z':
			buf = append(buf, c+'a'-'A')
		}
	}
	return buf
}

// hangul spells a Korean syllable as a word. go-unidecode writes ㅊ as c;
// the romanisations write it ch, as in Choe and Chol.
func hangul(r rune) string {
	s := string(transliterate(nil, r))
	if (r-0xAC00)/588 == 14 && strings.HasPrefix(s, "c") {
		s = "ch" + s[1:]
	}
	return s
}

// isHangul reports whether r is a precomposed Korean syllable.
func isHangul(r rune) bool { return r >= 0xAC00 && r <= 0xD7A3 }

// alef reports whether r is an Arabic alef, with or without hamza or madda.
func alef(r rune) bool {
	switch r {
	case 'ا', 'أ', 'إ', 'آ', 'ٱ':
		return true
	}
	return false
}
