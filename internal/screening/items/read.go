package items

import (
	"regexp/syntax"
	"slices"
	"strings"
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

// reread returns the description with each word one letter from a word of
// a controlled phrase, beside the phrase's other word written exactly, as
// that word, and says which, as in "amonium as ammonium"; "" when there is
// none.
func (r *Rules) reread(desc string) (string, string) {
	if len(r.firsts) == 0 {
		return "", ""
	}
	lower := strings.Fields(strings.ToLower(desc))
	var words []string // as written, once a word is read again
	var said []string
	fix := func(i int, to string) {
		if words == nil {
			words = strings.Fields(desc)
		}
		said = append(said, words[i]+" as "+to)
		words[i], lower[i] = to, to
	}
	for i := 0; i+1 < len(lower); i++ {
		a, b := lower[i], lower[i+1]
		if f, ok := r.nearFirst(a, b); ok {
			fix(i, f)
		} else if s, ok := r.nearSecond(a, b); ok {
			fix(i+1, s)
		}
	}
	if said == nil {
		return "", ""
	}
	return strings.Join(words, " "), strings.Join(said, ", ")
}

// nearFirst returns the first word of a phrase whose second is b and whose
// first is a letter from a.
func (r *Rules) nearFirst(a, b string) (string, bool) {
	for _, f := range r.firsts[b] {
		if near(a, f) {
			return f, true
		}
	}
	return "", false
}

// nearSecond returns the second word of a phrase whose first is a and whose
// second is a letter from b.
func (r *Rules) nearSecond(a, b string) (string, bool) {
	for _, s := range r.seconds[a] {
		if near(b, s) {
			return s, true
		}
	}
	return "", false
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
