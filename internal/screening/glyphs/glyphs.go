// Package glyphs reads text as it looks. An evader writes a listed name, or
// a controlled item, with letters of another script that look like Latin
// ones (the Cyrillic К of "Кorea", the о of "perchlоrate") or with
// characters that do not show (a zero-width space, a soft hyphen, a
// right-to-left override), so that it reads the same to the eye and matches
// nothing, or writes a name with digits or symbols for the letters they
// look like ("K0MID", "KOM|D", "B@NK") or a small l for I ("KOMlD").
// [LookAlike] reads such a letter by its Unicode TR39 skeleton
// (go.mau.fi/util/confusable), [Plain] reads a text's disguised words as
// the Latin words they show, [AsLetters], [Letters] and [Symbols] read a
// name's digits, small l and symbols as letters, and [Disguised] and
// [DisguisedName] say what disguised them, which is a risk of its own:
// honest text neither mixes scripts inside a word nor hides characters in
// one, and honest names do not spell with digits or symbols.
//
// The package takes and returns values.
package glyphs

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.mau.fi/util/confusable"
	"golang.org/x/text/unicode/norm"
)

// LookAlike returns the Latin letters, in lower case, that a letter of
// another script looks like as it is written, by its TR39 skeleton, and
// false when its skeleton is not Latin letters. It reads the letter before
// its case is folded, since some capitals look like a Latin letter their
// lower case does not (the Cyrillic Н is H, and н like no Latin letter; the
// Greek Ν is N, and ν is v). The skeleton takes I and l for one letter, l:
// in a capital that looks like them, they are I (the Cyrillic І, the Greek
// Ι).
func LookAlike(r rune) (string, bool) {
	if r < utf8.RuneSelf || unicode.Is(unicode.Latin, r) || !unicode.IsLetter(r) {
		return "", false
	}
	s, ok := Skeleton(r)
	if ok && unicode.IsUpper(r) {
		s = strings.ReplaceAll(s, "l", "i")
	}
	return s, ok
}

// Skeleton returns a letter's TR39 skeleton in lower case, and false when
// it is not Latin letters or is the letter itself.
func Skeleton(r rune) (string, bool) {
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

// ascii reports whether s is all ASCII, which holds no look-alike, no
// invisible character and no letter of another script.
func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// HasLatin reports whether s holds a Latin letter.
func HasLatin(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Latin, r) })
}

// inWord reports whether r belongs to a word: letters, marks, and the
// invisible format characters that may hide inside one.
func inWord(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.Is(unicode.Cf, r)
}

// word is what one word of a text holds.
type word struct {
	latin, other  bool   // Latin letters; letters of another script that look like no Latin one
	alike, hidden []rune // look-alike letters; invisible characters
}

// read sorts the letters and invisible characters of one word.
func read(w string) word {
	var x word
	for _, r := range w {
		switch {
		case unicode.Is(unicode.Latin, r):
			x.latin = true
		case unicode.Is(unicode.Cf, r):
			x.hidden = append(x.hidden, r)
		case unicode.IsLetter(r):
			if _, ok := LookAlike(r); ok {
				x.alike = append(x.alike, r)
			} else {
				x.other = true
			}
		}
	}
	return x
}

// passes reports whether the word passes for a Latin word: its letters
// are Latin letters and look-alikes, and at least one. Read as it looks, it
// is a Latin word ("perchlоrate" is perchlorate); a word with a letter that
// looks like no Latin one is read by the sound of its letters ("Kорея" is
// Koreya).
func (x word) passes() bool {
	return !x.other && (x.latin || len(x.alike) > 0)
}

// looksLatin reports whether the word is shown as a Latin word, which its
// look-alikes and invisible characters would disguise: it has Latin
// letters, or look-alikes and no letter of another script. A word with
// letters that look like no Latin one, and no Latin letter, is another
// script's word, where a zero-width joiner may belong (Persian writes one
// inside words).
func (x word) looksLatin() bool {
	return x.latin || len(x.alike) > 0 && !x.other
}

// Passes reports whether a word passes for a Latin word: its letters are
// Latin letters and letters of another script that look like them (see
// LookAlike), and it has at least one.
func Passes(w string) bool {
	return read(w).passes()
}

// Disguised reports whether a text disguises a Latin word, and says how:
// with letters of another script that look like Latin ones, or with
// invisible characters inside the word. Text written wholly in another
// script, or with a word in another script beside Latin words that does
// not pass for Latin, is not disguised.
func Disguised(s string) (string, bool) {
	return said(s, disguises(s))
}

// DisguisedName is Disguised for a name, which also must not write digits
// or symbols for the letters they look like inside a word, nor a small l
// for I among capitals (see AsLetters and Symbols): honest names do not
// ("K0MID", "KOM|D", "KOMlD" for KOMID). Descriptions of goods may, where
// a word such as Ti6Al4V or C4H8O is an alloy or a formula.
func DisguisedName(s string) (string, bool) {
	return said(s, append(disguises(s), spellings(s)...))
}

// said writes what disguises s, if anything.
func said(s string, says []string) (string, bool) {
	if says == nil {
		return "", false
	}
	return fmt.Sprintf("%q %s", s, strings.Join(says, "; ")), true
}

// disguises says which look-alike letters and invisible characters
// disguise the Latin words of s.
func disguises(s string) []string {
	if ascii(s) || !HasLatin(s) {
		return nil
	}
	var alikes, hidden []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !inWord(r) }) {
		x := read(w)
		if !x.looksLatin() {
			continue
		}
		for _, r := range x.alike {
			l, _ := LookAlike(r)
			alikes = append(alikes, fmt.Sprintf("%s %c (U+%04X) for %s", scriptName(r), r, r, strings.ToUpper(l[:1])+l[1:]))
		}
		for _, r := range x.hidden {
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
	return says
}

// digitLetter is the letter each digit stands for in a word that writes
// digits for the letters they look like, or 0: 0 is O, 1 I, 3 E, 4 A, 5 S,
// 7 T and 8 B.
var digitLetter = [10]byte{'o', 'i', 0, 'e', 'a', 's', 0, 't', 'b', 0}

// spelling is how a word of ASCII letters and digits writes characters for
// the letters they look like.
type spelling struct {
	digits bool // digits for letters: K0MID, T4NCH0N, Commerc1al
	smallL bool // a small l for I in a word of capitals: KOMlD
}

// spelt reads how a word writes characters for letters. Digits are letters
// in a word that begins and ends with a letter, writes only digits that
// look like letters, never three in a row, and has three letters or more
// and more letters than digits: codes and numbers (A320, 7th, N488RC, B2B,
// A1A) are written as they read. A small l is I in a word whose other
// letters are all capitals, two at least.
func spelt(w string) spelling {
	n := len(w)
	if n < 3 {
		return spelling{}
	}
	digits, run, upper, lower, ls := 0, 0, 0, 0, 0
	okDigits := isASCIILetter(w[0]) && isASCIILetter(w[n-1])
	for i := 0; i < n; i++ {
		switch c := w[i]; {
		case '0' <= c && c <= '9':
			run++
			digits++
			okDigits = okDigits && digitLetter[c-'0'] != 0 && run < 3
			continue
		case c == 'l':
			ls++
		case 'a' <= c && c <= 'z':
			lower++
		case 'A' <= c && c <= 'Z':
			upper++
		default:
			return spelling{}
		}
		run = 0
	}
	letters := n - digits
	return spelling{
		digits: digits > 0 && okDigits && letters >= 3 && digits < letters,
		smallL: ls > 0 && lower == 0 && upper >= 2,
	}
}

// AsLetters reads a word of ASCII letters and digits that writes digits for
// the letters they look like ("K0MID", "T4NCH0N", "Commerc1al"), or a small
// l for I among capitals ("KOMlD"), as those letters, in lower case, and
// reports whether it did.
func AsLetters(w string) (string, bool) {
	sp := spelt(w)
	if !sp.digits && !sp.smallL {
		return "", false
	}
	b := []byte(strings.ToLower(w))
	for i, c := range b {
		switch {
		case sp.digits && '0' <= c && c <= '9':
			b[i] = digitLetter[c-'0']
		case sp.smallL && w[i] == 'l':
			b[i] = 'i'
		}
	}
	return string(b), true
}

func isASCIILetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// asciiWords returns the words of s made of ASCII letters and digits.
func asciiWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r >= utf8.RuneSelf || !isASCIILetter(byte(r)) && (r < '0' || r > '9') })
}

// Letters returns s with each word that AsLetters reads written as the
// letters it shows, in lower case, and s itself when it has none.
func Letters(s string) string {
	if !strings.ContainsAny(s, "0134578l") {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && (isASCIILetter(s[j]) || '0' <= s[j] && s[j] <= '9') {
			j++
		}
		if j == i {
			i++
			continue
		}
		if l, ok := AsLetters(s[i:j]); ok {
			b.WriteString(s[last:i])
			b.WriteString(l)
			last = j
		}
		i = j
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// symbols are the symbols that a name writes inside a word for the
// letters they look like and that Unicode TR39 does not take for letters
// (see symbolAt), with those letters; | is I here, as among capitals.
var symbols = []struct{ sym, letter string }{
	{"|", "i"}, {"!", "i"}, {"¡", "i"}, {"@", "a"}, {"$", "s"}, {"€", "e"}, {"()", "o"}, {"[]", "o"},
}

// Symbols returns s with each symbol written inside a word for the letter
// it looks like ("KOM|D", "B@NK", "C0MM€RCIAL", "K()MID", "K⊖MID"), between
// two letters or digits, written as that letter, and reports whether it
// found one. A symbol between words, or at a word's end (Yahoo!), is not
// read.
func Symbols(s string) (string, bool) {
	if !hasSymbols(s) {
		return s, false
	}
	var b []byte
	last := 0
	for i := 0; i < len(s); {
		sym, l := symbolAt(s, i)
		if sym == 0 {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
			continue
		}
		if b == nil {
			b = make([]byte, 0, len(s))
		}
		b = append(append(b, s[last:i]...), l...)
		last = i + sym
		i += sym
	}
	if b == nil {
		return s, false
	}
	return string(append(b, s[last:]...)), true
}

// symbolAt returns the length of the symbol that s writes at i for a
// letter inside a word, and the letter, or 0: a symbol of the table
// symbols, or one whose TR39 skeleton, less its marks, is Latin letters
// (∪ for U, × for x, ⊖ for O).
func symbolAt(s string, i int) (int, string) {
	n, letter := 0, ""
	for _, x := range symbols {
		if strings.HasPrefix(s[i:], x.sym) {
			n, letter = len(x.sym), x.letter
			break
		}
	}
	if n == 0 {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r < utf8.RuneSelf || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsSpace(r) || unicode.Is(unicode.Mn, r) {
			return 0, ""
		}
		l, ok := skeletonLetters(r)
		if !ok {
			return 0, ""
		}
		n, letter = size, l
	}
	before, _ := utf8.DecodeLastRuneInString(s[:i])
	after, _ := utf8.DecodeRuneInString(s[i+n:])
	if !wordChar(before) || !wordChar(after) {
		return 0, ""
	}
	return n, letter
}

// skeletonLetters returns, in lower case, the Latin letters that a symbol's
// TR39 skeleton is, its marks left out, and whether it is such letters.
func skeletonLetters(r rune) (string, bool) {
	var b []byte
	for _, c := range confusable.Skeleton(string(r)) {
		switch {
		case unicode.Is(unicode.Mn, c):
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
			b = append(b, byte(c)|0x20)
		default:
			return "", false
		}
	}
	return string(b), len(b) > 0
}

// hasSymbols reports whether s may have a symbol written for a letter:
// one of the table, or any character beyond ASCII.
func hasSymbols(s string) bool { return !ascii(s) || strings.ContainsAny(s, "|!@$([") }

func wordChar(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// spellings says which characters the words of s write for letters, if
// any, fullwidth digits read as the digits they are (K０MID).
func spellings(s string) []string {
	if !ascii(s) {
		s = norm.NFKC.String(s)
	}
	var found []string
	if hasSymbols(s) {
		for i := 0; i < len(s); {
			n, l := symbolAt(s, i)
			if n == 0 {
				_, n = utf8.DecodeRuneInString(s[i:])
			} else {
				found = append(found, fmt.Sprintf("%s for %s", s[i:i+n], strings.ToUpper(l)))
			}
			i += n
		}
		// The words are read with the symbols as letters, for their
		// digits (C0MM€RCIAL).
		s, _ = Symbols(s)
	}
	for _, w := range asciiWords(s) {
		sp := spelt(w)
		for i := 0; i < len(w); i++ {
			switch c := w[i]; {
			case sp.digits && '0' <= c && c <= '9':
				found = append(found, fmt.Sprintf("%c for %c", c, digitLetter[c-'0']-'a'+'A'))
			case sp.smallL && c == 'l':
				found = append(found, "l for I")
			}
		}
	}
	if found == nil {
		return nil
	}
	slices.Sort(found)
	return []string{"writes characters for the letters they look like: " + strings.Join(slices.Compact(found), ", ")}
}

// Foreign returns the words of s written in another script than Latin,
// which do not pass for Latin words, and the name of the script of the
// first of them ("Cyrillic" for "перхлорат аммония", "Hangul"); none for
// text in Latin letters, look-alikes included.
func Foreign(s string) (script string, words []string) {
	if ascii(s) {
		return "", nil
	}
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !inWord(r) }) {
		x := read(w)
		if x.looksLatin() || !x.other {
			continue
		}
		if script == "" {
			for _, r := range w {
				if name := scriptName(r); name != "" && name != "Latin" && name != "Common" && name != "Inherited" {
					script = name
					break
				}
			}
		}
		words = append(words, w)
	}
	return script, words
}

// scriptName names the Unicode script of a letter.
func scriptName(r rune) string {
	for name, t := range unicode.Scripts {
		if unicode.Is(t, r) {
			return name
		}
	}
	return ""
}

// Plain returns s with each word that passes for Latin written as it looks
// in plain Latin letters: look-alikes by their Latin letters, in the case
// they are written in, invisible characters and diacritics dropped
// ("perchlоrate", with a Cyrillic о, and "per\u00adchlorate" are
// perchlorate). Other words, and all that is not a word, are left as they
// are; so is a text without Latin letters.
func Plain(s string) string {
	if ascii(s) || !HasLatin(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		j := i
		for j < len(s) {
			r, n := utf8.DecodeRuneInString(s[j:])
			if !inWord(r) {
				break
			}
			j += n
		}
		if j == i {
			_, n := utf8.DecodeRuneInString(s[i:])
			b.WriteString(s[i : i+n])
			i += n
			continue
		}
		w := s[i:j]
		if read(w).passes() {
			plain(&b, w)
		} else {
			b.WriteString(w)
		}
		i = j
	}
	return b.String()
}

// plain writes a word that passes for Latin in plain Latin letters.
func plain(b *strings.Builder, w string) {
	for _, r := range norm.NFKD.String(w) {
		switch {
		case unicode.IsMark(r), unicode.Is(unicode.Cf, r):
		case unicode.Is(unicode.Latin, r) || r < utf8.RuneSelf:
			b.WriteRune(r)
		default:
			l, ok := LookAlike(r)
			switch {
			case !ok:
				b.WriteRune(r)
			case unicode.IsUpper(r):
				b.WriteString(strings.ToUpper(l))
			default:
				b.WriteString(l)
			}
		}
	}
}
