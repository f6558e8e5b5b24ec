package items

import (
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"

	"github.com/surety/surety/internal/screening/glyphs"
)

// An evader who misspells a controlled item by a letter ("amonium
// perchlorate", "nitrogen tetroxyde", "filament windng machine") passes
// patterns that a reader at the post reads through at once. Classify reads
// such a description again with the misspelt word as the word of the
// control list's phrase: but only a word next to the phrase's other word,
// written exactly, since a word alone one letter from a controlled one is
// as often an ordinary word (managing for maraging, destroyed for
// destroyer).

// pair is two words that follow each other in a phrase a pattern matches.
type pair struct{ first, second string }

// phrases returns the pairs of consecutive words, of minWord letters or
// more, of the phrases a pattern's tree matches (see strs).
func phrases(re *syntax.Regexp) []pair {
	var out []pair
	for _, s := range strs(re) {
		ws := strings.Fields(s)
		for i := 0; i+1 < len(ws); i++ {
			if isWord(ws[i]) && isWord(ws[i+1]) && len(ws[i]) >= minWord && len(ws[i+1]) >= minWord {
				out = append(out, pair{ws[i], ws[i+1]})
			}
		}
	}
	return out
}

// phraseWords returns the words, of more than minWord letters and digits,
// of the phrases a pattern's tree matches: the words two words written
// apart may be (see reread), a formula among them (NH4-ClO4).
func phraseWords(re *syntax.Regexp) []string {
	var out []string
	for _, s := range strs(re) {
		for _, w := range strings.Fields(s) {
			if len(w) > minWord && !strings.ContainsFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
				out = append(out, w)
			}
		}
	}
	return out
}

// maxPhrases bounds the phrases read from one pattern: the patterns of the
// control lists write at most a few dozen.
const maxPhrases = 256

// minWord is the shortest word read through a letter: shorter words are
// one letter from too many others (tel, tank, stage).
const minWord = 5

// strs returns the strings a tree matches, in lower case, reading a class as
// its first character (a space for the classes separate leaves), an
// optional part both with and without it, a repeat once, and anything else
// (a boundary, an any-character) as nothing; nil when there would be more
// than maxPhrases.
func strs(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		return []string{strings.ToLower(string(re.Rune))}
	case syntax.OpCharClass:
		if len(re.Rune) == 0 {
			return []string{""}
		}
		if slices.Contains(re.Rune, ' ') {
			return []string{" "}
		}
		return []string{strings.ToLower(string(re.Rune[0]))}
	case syntax.OpCapture, syntax.OpPlus:
		return strs(re.Sub[0])
	case syntax.OpQuest, syntax.OpStar:
		return append(strs(re.Sub[0]), "")
	case syntax.OpRepeat:
		if re.Min == 0 {
			return append(strs(re.Sub[0]), "")
		}
		return strs(re.Sub[0])
	case syntax.OpConcat:
		out := []string{""}
		for _, sub := range re.Sub {
			var next []string
			bs := strs(sub)
			for _, a := range out {
				for _, b := range bs {
					next = append(next, a+b)
				}
			}
			if len(next) > maxPhrases {
				return nil
			}
			out = next
		}
		return out
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			out = append(out, strs(sub)...)
		}
		if len(out) > maxPhrases {
			return nil
		}
		return out
	}
	return []string{""}
}

// reread returns the description as a reader at the post reads it, and
// says what it read otherwise, as in "amonium as ammonium"; "" when it
// reads nothing otherwise. It reads plain, the description before its
// punctuation is spaced (see spaced): a word of a controlled phrase written
// with digits or symbols for the letters they look like is that word
// (R0CKET, PERCHL0RATE, R()CKET; see glyphs.AsLetters and glyphs.Symbols), two words of a phrase run together
// are those words (rocketmotor as rocket motor), letters written apart are
// one word (R.D.X., U D M H as rdx, udmh), and then in three ways, each
// tied to the words of the controlled phrases:
//
//   - a noun and the word before it in a phrase, written in catalogue
//     order with a comma between them, in the phrase's order ("motor,
//     rocket" as rocket motor);
//   - two words that together are a word of a phrase, and neither alone,
//     as that word ("per chlorate" as perchlorate, "pre-preg" as prepreg);
//   - a word one letter from a word of a phrase, or written with a full
//     stop after it and starting that word (amm.), beside the phrase's
//     other word written exactly, as that word.
func (r *Rules) reread(plain string) (string, string) {
	if len(r.firsts) == 0 {
		return "", ""
	}
	var said []string
	plain = r.symbols(plain, &said)
	words, lower, comma, stop := split(plain)
	for i := range lower {
		if l, ok := glyphs.AsLetters(words[i]); ok && r.phraseWord(l) {
			said = append(said, words[i]+" as "+l)
			words[i], lower[i] = l, l
		}
	}
	for i := 0; i < len(lower); i++ {
		w := lower[i]
		if len(w) < 2*minWord || r.whole[w] {
			continue
		}
		for k := minWord; k <= len(w)-minWord; k++ {
			if a, b := w[:k], w[k:]; slices.Contains(r.firsts[b], a) {
				said = append(said, words[i]+" as "+a+" "+b)
				words = slices.Replace(words, i, i+1, a, b)
				lower = slices.Replace(lower, i, i+1, a, b)
				comma = comma&(1<<i-1) | comma>>i<<(i+1)
				stop = stop&(1<<i-1) | stop>>i<<(i+1)
				i++
				break
			}
		}
	}
	for i := 0; i+1 < len(lower); i++ {
		j := i
		for j < len(lower) && len(lower[j]) == 1 && isWord(lower[j]) {
			j++
		}
		if j-i < 2 {
			continue
		}
		joined := strings.Join(lower[i:j], "")
		said = append(said, strings.Join(words[i:j], ".")+" as "+joined)
		words = slices.Replace(words, i, j, joined)
		lower = slices.Replace(lower, i, j, joined)
		comma = comma&(1<<i-1) | comma>>(j-i-1)&^(1<<i-1)
		stop = stop&(1<<i-1) | stop>>(j-i-1)&^(1<<i-1)
	}
	for i := 0; i+1 < len(lower); i++ {
		if comma&(1<<i) != 0 && slices.Contains(r.seconds[lower[i+1]], lower[i]) {
			said = append(said, words[i]+", "+words[i+1]+" as "+lower[i+1]+" "+lower[i])
			words[i], words[i+1] = lower[i+1], lower[i]
			lower[i], lower[i+1] = lower[i+1], lower[i]
			stop &^= 3 << i
			i++
		}
	}
	for i := 0; i+1 < len(lower); i++ {
		if !r.heads[lower[i]] {
			continue
		}
		if j := lower[i] + lower[i+1]; r.whole[j] && !r.whole[lower[i]] && !r.whole[lower[i+1]] {
			said = append(said, words[i]+" "+words[i+1]+" as "+j)
			words = slices.Delete(words, i+1, i+2)
			lower = slices.Delete(lower, i+1, i+2)
			stop = stop&(1<<i-1) | stop>>1&^(1<<i-1) // the joined word's stop is its second's
			words[i], lower[i] = j, j
		}
	}
	for i := 0; i+1 < len(lower); i++ {
		a, b := lower[i], lower[i+1]
		if slices.Contains(r.firsts[b], a) {
			continue // a phrase as written
		}
		if f, ok := r.nearFirst(a, b, stop&(1<<i) != 0); ok {
			said = append(said, words[i]+" as "+f)
			words[i], lower[i] = f, f
		} else if s, ok := r.nearSecond(a, b, stop&(1<<(i+1)) != 0); ok {
			said = append(said, words[i+1]+" as "+s)
			words[i+1], lower[i+1] = s, s
		}
	}
	if said == nil {
		return "", ""
	}
	return strings.Join(words, " "), strings.Join(said, ", ")
}

// split returns the words of a description as spaced reads them, in lower
// case too, and, one bit a word for the first 64, whether a comma or a full
// stop follows it before the next word.
func split(plain string) (words, lower []string, comma, stop uint64) {
	low := strings.ToLower(plain)
	same := len(low) == len(plain) // the case folded byte for byte
	words, lower = make([]string, 0, 16), make([]string, 0, 16)
	start, sep := -1, false
	end := func(i int) {
		w := plain[start:i]
		words = append(words, w)
		if same {
			lower = append(lower, low[start:i])
		} else {
			lower = append(lower, strings.ToLower(w))
		}
		start = -1
	}
	for i, c := range plain {
		if !separator(c) && !unicode.IsSpace(c) {
			if start < 0 {
				start, sep = i, false
			}
			continue
		}
		if start >= 0 {
			end(i)
		}
		if n := len(words); n > 0 && n <= 64 && !sep {
			sep = c != ' '
			switch c {
			case ',':
				comma |= 1 << (n - 1)
			case '.':
				stop |= 1 << (n - 1)
			}
		}
	}
	if start >= 0 {
		end(len(plain))
	}
	return words, lower, comma, stop
}

// symbols returns plain with each word that writes symbols for the letters
// they look like (R()CKET, M()T()R; see glyphs.Symbols) written as the word
// of a controlled phrase it then is, digits read too, and says so.
func (r *Rules) symbols(plain string, said *[]string) string {
	if _, ok := glyphs.Symbols(plain); !ok {
		return plain
	}
	for _, f := range strings.Fields(plain) {
		w := strings.TrimRight(f, ",.;:")
		read, ok := glyphs.Symbols(w)
		if !ok {
			continue
		}
		if l, ok := glyphs.AsLetters(read); ok {
			read = l
		}
		if read = strings.ToLower(read); r.phraseWord(read) {
			*said = append(*said, w+" as "+read)
			plain = strings.Replace(plain, w, read, 1)
		}
	}
	return plain
}

// phraseWord reports whether w is a word of a controlled phrase.
func (r *Rules) phraseWord(w string) bool {
	return r.whole[w] || len(r.firsts[w]) > 0 || len(r.seconds[w]) > 0
}

// nearFirst returns the first word of a phrase whose second is b and whose
// first is a letter from a, or starts with a written with a full stop
// after it.
func (r *Rules) nearFirst(a, b string, stopped bool) (string, bool) {
	return nearest(a, r.firsts[b], stopped)
}

// nearest returns the longest of the words ws that a is a letter from, or
// that a starts written with a full stop after it.
func nearest(a string, ws []string, stopped bool) (string, bool) {
	best := ""
	for _, w := range ws {
		if len(w) > len(best) && (near(a, w) || stopped && abbreviates(a, w)) {
			best = w
		}
	}
	return best, best != ""
}

// nearSecond returns the second word of a phrase whose first is a and whose
// second is a letter from b, or starts with b written with a full stop
// after it.
func (r *Rules) nearSecond(a, b string, stopped bool) (string, bool) {
	return nearest(b, r.seconds[a], stopped)
}

// abbreviates reports whether a, of three letters or more, is the start of
// the longer word b, as an abbreviation is (amm. for ammonium).
func abbreviates(a, b string) bool {
	return len(a) >= 3 && len(a) < len(b) && strings.HasPrefix(b, a)
}

// near reports whether a is one edit from b, which is at least minWord
// letters: a letter left out, added, changed, or swapped with the next.
func near(a, b string) bool {
	if len(b) < minWord || !isASCII(a) {
		return false
	}
	switch len(a) - len(b) {
	case 0:
		i := 0
		for i < len(a) && a[i] == b[i] {
			i++
		}
		if i == len(a) {
			return false // the same word
		}
		if a[i+1:] == b[i+1:] {
			return true // one changed
		}
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:] // two swapped
	case -1, 1:
		short, long := a, b
		if len(a) > len(b) {
			short, long = b, a
		}
		i := 0
		for i < len(short) && short[i] == long[i] {
			i++
		}
		return short[i:] == long[i+1:]
	}
	return false
}

// isWord reports whether s is ASCII letters only.
func isWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return s != ""
}
