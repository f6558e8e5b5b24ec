package items

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/screening/glyphs"
)

// Match is a controlled-item category an item falls in, and the rule
// of the category that put it there.
type Match struct {
	// Category is the category's id in the agreement.
	Category string `json:"category"`
	// Rule is the rule that fired: "hs_prefix 930690" (the prefix's
	// digits) or "pattern 'ballistic missile'" (the pattern as written).
	Rule string `json:"rule"`
	// Matched is the text of the description the pattern matched; empty
	// for an HS prefix.
	Matched string `json:"matched,omitempty"`
	// Item is the item of the control list the rule comes from, for the
	// rules of the MTCR Annex and the UN Register that a category's source
	// cites, as in "MTCR 3.A.1" or "UN Register VII".
	Item string `json:"item,omitempty"`
	// Read says which words of the description were read otherwise, as
	// the words of a controlled phrase, when the rule fired only so, as in
	// "amonium as ammonium" or "Motor, rocket as rocket motor".
	Read string `json:"read,omitempty"`
}

// Rules are an agreement's controlled-item categories compiled once, ready
// to match: HS prefixes as digits, and patterns compiled case-insensitive,
// each with the words of which a description must hold one to match it, so
// that the usual item, which matches no pattern, costs a few substring
// searches. Rules do not change once compiled and are safe for concurrent
// use.
type Rules struct {
	cats []categoryRules
	// The consecutive words of the phrases the patterns match (see
	// reread): the first words by the second, and the second by the first;
	// their words of more than minWord letters, and those words' starts.
	firsts, seconds map[string][]string
	whole, heads    map[string]bool
}

type categoryRules struct {
	id       string
	hs       []string
	patterns []pattern
	annex    []*compiled // the rules of the items or categories its source cites
}

type pattern struct {
	text    string // as written in the agreement
	re      *regexp.Regexp
	needles []string // lower-case ASCII; nil when no such set is known
	pairs   []pair   // consecutive words of the phrases it matches
	words   []string // the words of the phrases it matches (see phraseWords)
}

// Compile compiles the controlled-item categories of spec: each category's
// own HS prefixes and patterns, and the rules of the MTCR Annex items or UN
// Register categories its source cites (see mtcrAnnex and unRegister).
// Patterns that do not compile (agreement validation rejects them) never
// match.
func Compile(spec *agreement.Spec) *Rules {
	r := &Rules{firsts: map[string][]string{}, seconds: map[string][]string{}, whole: map[string]bool{}, heads: map[string]bool{}}
	var pairs []pair
	for _, c := range spec.Items {
		cr := categoryRules{id: c.ID, annex: annexRules(c.Source.MTCR, c.Source.UNRegister)}
		for _, h := range c.HS {
			cr.hs = append(cr.hs, agreement.HSDigits(h))
		}
		for _, p := range c.Patterns {
			if pt := newPattern(p); pt != nil {
				cr.patterns = append(cr.patterns, *pt)
			}
		}
		r.cats = append(r.cats, cr)
		for _, p := range cr.patterns {
			pairs = append(pairs, p.pairs...)
			for _, w := range p.words {
				r.whole[w] = true
			}
		}
		for _, a := range cr.annex {
			if a.pat != nil {
				pairs = append(pairs, a.pat.pairs...)
				for _, w := range a.pat.words {
					r.whole[w] = true
				}
			}
		}
	}
	slices.SortFunc(pairs, func(a, b pair) int { return strings.Compare(a.first+" "+a.second, b.first+" "+b.second) })
	for _, p := range slices.Compact(pairs) {
		r.firsts[p.second] = append(r.firsts[p.second], p.first)
		r.seconds[p.first] = append(r.seconds[p.first], p.second)
	}
	for w := range r.whole {
		for i := 1; i < len(w); i++ {
			r.heads[w[:i]] = true
		}
	}
	return r
}

// newPattern compiles a pattern case-insensitive with its needles, or
// returns nil. It matches descriptions as Classify reads them, their words
// apart by single spaces (see spaced): what the pattern writes between
// words, a hyphen or other punctuation, is a space.
func newPattern(p string) *pattern {
	tree, err := syntax.Parse(p, syntax.Perl|syntax.FoldCase)
	if err != nil {
		return nil
	}
	separate(tree)
	re, err := regexp.Compile(tree.String())
	if err != nil {
		return nil
	}
	return &pattern{text: p, re: re, needles: required(tree), pairs: phrases(tree), words: phraseWords(tree)}
}

// separate rewrites a pattern's tree for descriptions whose words are
// apart by single spaces: a literal character that is not a letter, a digit
// or a space is a space (re-?entry matches "re entry"), and a class that
// holds such a character holds a space too.
func separate(re *syntax.Regexp) {
	switch re.Op {
	case syntax.OpLiteral:
		for i, r := range re.Rune {
			if separator(r) {
				re.Rune[i] = ' '
			}
		}
	case syntax.OpCharClass:
		punct, space := false, false
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1] && r < utf8.RuneSelf; r++ {
				punct = punct || separator(r)
				space = space || r == ' '
			}
		}
		if punct && !space {
			re.Rune = append(re.Rune, ' ', ' ')
		}
	}
	for _, sub := range re.Sub {
		separate(sub)
	}
}

// separator reports whether a character stands between words: neither a
// letter, a digit, a mark nor a space.
func separator(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) && r != ' '
}

// spaced returns a description with its words apart by single spaces:
// every run of characters that are not letters, digits or marks is one
// space, so that "ammonium  perchlorate", "ammonium-perchlorate" and
// "ammonium_perchlorate" all read "ammonium perchlorate".
func spaced(desc string) string {
	return strings.Join(strings.FieldsFunc(desc, func(r rune) bool { return separator(r) || unicode.IsSpace(r) }), " ")
}

// required returns strings, in lower-case ASCII, of which a text must hold
// at least one for the expression to match it; nil when it knows none. It
// reads literals, concatenations (the child whose shortest string is
// longest), alternations (all children's), groups and repeats of at least
// one.
func required(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		s := string(re.Rune)
		if !isASCII(s) {
			return nil
		}
		return []string{strings.ToLower(s)}
	case syntax.OpCapture, syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return required(re.Sub[0])
		}
	case syntax.OpConcat:
		var best []string
		for _, sub := range re.Sub {
			if n := required(sub); n != nil && (best == nil || shortest(n) > shortest(best)) {
				best = n
			}
		}
		return best
	case syntax.OpAlternate:
		var all []string
		for _, sub := range re.Sub {
			n := required(sub)
			if n == nil {
				return nil
			}
			all = append(all, n...)
		}
		return all
	}
	return nil
}

func shortest(ss []string) int {
	n := len(ss[0])
	for _, s := range ss[1:] {
		n = min(n, len(s))
	}
	return n
}

// find returns where the pattern first matches the description, or nil,
// leaving out a match that an excluder precedes (see excluded). lower is
// the description in lower case when it is all ASCII, else empty: then
// the needles, which assume ASCII case folding, are not used.
func (p *pattern) find(desc, lower string) []int {
	if p.needles != nil && lower != "" && !slices.ContainsFunc(p.needles, func(n string) bool { return strings.Contains(lower, n) }) {
		return nil
	}
	loc := p.re.FindStringIndex(desc)
	if loc == nil || !excluded(desc[:loc[0]]) {
		return loc
	}
	for _, loc := range p.re.FindAllStringIndex(desc, -1)[1:] {
		if !excluded(desc[:loc[0]]) {
			return loc
		}
	}
	return nil
}

// excluders are the words that, right before goods, say the item is not
// them, as the nomenclature writes "gas turbines excluding turbo-jets" and
// "reaction engines other than turbo-jets".
var excluders = []string{"other than", "excluding", "except"}

// excluded reports whether the description up to a match ends with an
// excluder.
func excluded(before string) bool {
	b := strings.TrimRight(before, " ")
	for _, x := range excluders {
		if n := len(b) - len(x); n >= 0 && strings.EqualFold(b[n:], x) && (n == 0 || b[n-1] == ' ') {
			return true
		}
	}
	return false
}

// Classify matches an item, by its description and HS code, against the
// controlled-item categories, by HS code prefix and by description pattern,
// and returns every rule that fired, in the agreement's order of categories
// and, within one, the category's own prefixes, its own patterns, then the
// rules of the control list it cites, each naming its item. It returns nil
// when none fired. The description is read as it looks (glyphs.Plain), its
// words apart by single spaces (spaced): a controlled item written with a
// look-alike letter of another script, an invisible character inside a
// word, or other separators between words ("ammonium_perchlorate") still
// matches, and Matched quotes it so read. The description is read again as
// a reader at the post reads it (see reread: catalogue order, words split
// or cut short, a word a letter from a word of a controlled phrase): the
// rules that fire only so come after the others of their category, with
// Read saying what was read.
func (r *Rules) Classify(desc, hs string) []Match {
	plain := glyphs.Plain(desc)
	desc = spaced(plain)
	code := hsDigits(hs)
	ms := r.classify(desc, code)
	if again, read := r.reread(plain); read != "" {
		for _, m := range r.classify(again, code) {
			if !slices.ContainsFunc(ms, func(x Match) bool { return x.Category == m.Category && x.Rule == m.Rule }) {
				m.Read = read
				ms = append(ms, m)
			}
		}
		// Back in the agreement's order of categories.
		slices.SortStableFunc(ms, func(a, b Match) int {
			return slices.IndexFunc(r.cats, func(c categoryRules) bool { return c.id == a.Category }) -
				slices.IndexFunc(r.cats, func(c categoryRules) bool { return c.id == b.Category })
		})
	}
	return ms
}

// classify matches a description as Classify reads it.
func (r *Rules) classify(desc, code string) []Match {
	lower := ""
	if isASCII(desc) {
		lower = strings.ToLower(desc)
	}
	var ms []Match
	for _, c := range r.cats {
		for _, h := range c.hs {
			if strings.HasPrefix(code, h) {
				ms = append(ms, Match{Category: c.id, Rule: "hs_prefix " + h})
			}
		}
		for i := range c.patterns {
			p := &c.patterns[i]
			if loc := p.find(desc, lower); loc != nil {
				ms = append(ms, Match{Category: c.id, Rule: "pattern '" + p.text + "'", Matched: desc[loc[0]:loc[1]]})
			}
		}
		for _, a := range c.annex {
			if m, ok := a.match(code, desc, lower); ok {
				ms = append(ms, Match{Category: c.id, Rule: a.rule(code), Matched: m, Item: a.source + " " + a.item})
			}
		}
	}
	return ms
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
