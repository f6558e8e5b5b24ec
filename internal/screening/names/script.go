package names

import (
	"strings"
	"unicode"

	"github.com/mozillazg/go-unidecode"
)

// Names written in other scripts are read in Latin letters: Cyrillic, Greek,
// Arabic, Hebrew, Chinese and the rest by transliteration (go-unidecode),
// Korean syllable by syllable, so that each becomes a word as Korean names
// are romanised (김영철, Kim Yong Chol). Arabic and Hebrew write few vowels,
// so their words are compared by consonants alone (see token.bare).
//
// A name that mixes Latin letters with letters of another script that look
// like them (Cyrillic К for K) is read by the look-alikes' Latin letters
// (glyphs.LookAlike) rather than by their sound, so that "Кorea" is Korea
// and not Dzorea; invisible characters inside a word are read as nothing
// ("KO\u200bMID" is KOMID), and digits written for the letters they look
// like inside a word are those letters ("K0MID", "T4NCH0N"; see
// glyphs.AsLetters). Screening reports each as a risk of its own
// (glyphs.Disguised, glyphs.Digits).

// abjad reports whether a letter belongs to a script that mostly leaves
// vowels unwritten.
func abjad(r rune) bool {
	return unicode.In(r, unicode.Arabic, unicode.Hebrew, unicode.Syriac, unicode.Thaana)
}

// transliterate spells a letter of another script in lower-case Latin
// letters and digits, dropping what transliteration marks with punctuation
// (the Arabic ayn's `, the hamza's ').
func transliterate(buf []byte, r rune) []byte {
	if p, ok := hanReadings[r]; ok {
		return append(buf, p...)
	}
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

// hanReadings are the pinyin of simplified Chinese characters that
// go-unidecode reads by the rare or archaic character of the same code
// point: 广 as yan (the radical) for guang, 汉 as yi for han, 万 as mo for
// wan, 宁 as zhu for ning, 叶 as xie for ye, 厂 as han for chang, and so
// Guangzhou, Wuhan, Liaoning and Ningbo were read as Yanzhou, Wuyi, Liaozhu
// and Zhubo. Each is the reading the character has in the names of
// places, people and companies.
var hanReadings = map[rune]string{
	'广': "guang", '汉': "han", '万': "wan", '宁': "ning", '叶': "ye", '厂': "chang",
	'沈': "shen", '厦': "xia", '价': "jia", '适': "shi", '术': "shu",
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
