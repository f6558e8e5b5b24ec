package names

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
)

// DefaultThreshold is the score at and above which a name is a hit. On the
// labelled pairs of testdata/eval-pairs.csv the F1 score is flat, between
// 0.96 and 0.97, for thresholds from 0.78 to 0.86 and falls above; 0.86 is
// the top of that plateau. Nearly every name screened in practice is not
// listed, so false alarms weigh more than a balanced set of pairs shows: in
// Bench's query mix, random unlisted names hit 3.5% of the time at 0.80 and
// 2.1% at 0.86. At 0.86 the pairs give precision 0.987 and recall 0.939
// (see TestEvaluate).
const DefaultThreshold = 0.86

// Scoring constants.
const (
	// minSim is the least similarity at which two words align at all.
	minSim = 0.8
	// minJoin is the least similarity at which two or three adjacent words
	// of one name align with one word of the other (Won Ho and Wonho).
	minJoin = 0.9
	// spread is how fast a pair's credit falls below a similarity of 1:
	// credit is 1 - spread*(1-sim), so a pair at minSim counts 0.4 of a
	// word and one letter off in a long word about 0.85. Words of four
	// letters or fewer fall faster: their romanisations are folded by the
	// key already, and one letter more or less makes another name (Sok and
	// Sung, Pak and Bank).
	spread      = 3
	shortSpread = 5
	shortWord   = 4
	// vowelSim is the similarity of two words that differ only in vowels.
	vowelSim = 0.96
	// Acronym scores: initials, leading syllables of all words, and leading
	// syllables with trailing legal-form or generic words left out (KOMID,
	// Korea Mining Development Trading Corporation).
	initialsScore  = 0.95
	syllablesScore = 0.93
	shortenedScore = 0.9
	// weakFactor scales the score of a match on a weak alias.
	weakFactor = 0.95
)

// Explanation says, in plain words, why two names scored as they did.
type Explanation struct {
	// Aligned are the word pairs the score is made of, in the query's order.
	Aligned []Aligned `json:"aligned,omitempty"`
	// Extra are words of the query without a partner; Missing are words of
	// the listed name without one.
	Extra   []string `json:"extra,omitempty"`
	Missing []string `json:"missing,omitempty"`
	// Ignored are legal-form words left out of the comparison.
	Ignored []string `json:"ignored,omitempty"`
	// Acronym, when set, is how one name was read as the acronym of the
	// other, as in "KOMID = KOrea MIning Development (trading corporation
	// left out)".
	Acronym string `json:"acronym,omitempty"`
	// Partial is set when every word of the shorter name matched and the
	// longer has one distinctive word more (Fakhrizadeh Mahabadi).
	Partial bool `json:"partial,omitempty"`
	// Weak is set when the name matched is a weak alias.
	Weak bool `json:"weak,omitempty"`
}

// Aligned is one pair of aligned words, folded to lower case. Two words
// joined to match one are written "won+ho".
type Aligned struct {
	Query string  `json:"query"`
	Name  string  `json:"name"`
	Sim   float64 `json:"sim"`
	// How is "same" (same spelling), "variant" (same after the romanisation
	// table and key, as Choi and Choe), "similar" (close spelling, Sim
	// tells how close; words that differ only in vowels are at least 0.96)
	// or "joined" (two or three words against one).
	How string `json:"how"`
}

// String gives the explanation as one line, as in
// "kim = kim, young ~ yong (variant), chol ~ chul (variant); weak alias".
func (e Explanation) String() string {
	var parts []string
	if e.Acronym != "" {
		parts = append(parts, "acronym "+e.Acronym)
	}
	if len(e.Aligned) > 0 {
		ws := make([]string, len(e.Aligned))
		for i, a := range e.Aligned {
			switch {
			case a.How == "same":
				ws[i] = a.Query + " = " + a.Name
			case a.How == "similar":
				ws[i] = fmt.Sprintf("%s ~ %s (%.2f)", a.Query, a.Name, a.Sim)
			case a.Sim < 1:
				ws[i] = fmt.Sprintf("%s ~ %s (%s, %.2f)", a.Query, a.Name, a.How, a.Sim)
			default:
				ws[i] = fmt.Sprintf("%s ~ %s (%s)", a.Query, a.Name, a.How)
			}
		}
		parts = append(parts, strings.Join(ws, ", "))
	}
	if len(e.Extra) > 0 {
		parts = append(parts, "only in query: "+strings.Join(e.Extra, " "))
	}
	if len(e.Missing) > 0 {
		parts = append(parts, "only in listed name: "+strings.Join(e.Missing, " "))
	}
	if len(e.Ignored) > 0 {
		parts = append(parts, "ignored: "+strings.Join(e.Ignored, " "))
	}
	if e.Partial {
		parts = append(parts, "partial name")
	}
	if e.Weak {
		parts = append(parts, "weak alias")
	}
	if len(parts) == 0 {
		return "nothing in common"
	}
	return strings.Join(parts, "; ")
}

// Score compares a query name a with a listed name b and returns a score in
// [0, 1] and why.
//
// Words are normalised as Normalize describes and aligned one to one, most
// similar pair first; two or three adjacent words may align with one word
// written together (Won Ho, Wonho). The score is the weighted share of both
// names' words that aligned, each pair credited 1 when the words' keys agree
// (the same word, or a spelling the romanisation table and key fold
// together) and 1 - 3*(1 - similarity) otherwise, 1 - 5*(1 - similarity) for
// words of four letters or fewer, similarity being Jaro-Winkler (at least
// 0.96 for words that differ only in vowels). Country, trade and particle
// words such as korea, trading and al weigh 0.3 of a word. When every word
// of the shorter name matched exactly, at least two of them, one distinctive
// (not a common Korean or Persian name), and the longer name has one word
// more, the score is raised halfway to 1: a partial name. Scores are rounded
// to six decimals.
//
// A one-word name is also read as an acronym of the other's words. The
// first name is taken as the query and the second as the listed name: a
// query of three letters may abbreviate a listed name, but a listed acronym
// needs four letters to match a longer query, since any three words have
// some listed three-letter acronym for initials.
func Score(a, b string) (float64, Explanation) {
	fa, fb := parse(a), parse(b)
	var sc scorer
	best, bi, bj := 0.0, -1, -1
	for i := range fa {
		for j := range fb {
			if s := sc.compare(&fa[i], &fb[j], true, nil); s > best || bi < 0 {
				best, bi, bj = s, i, j
			}
		}
	}
	var ex Explanation
	if bi >= 0 {
		sc.compare(&fa[bi], &fb[bj], true, &ex)
	}
	return best, ex
}

// scorer holds the scratch space of one comparison.
type scorer struct {
	cands []cand
	buf   [3 * 64]byte
}

// cand is a candidate pair: query words q0..q1 against name words n0..n1,
// one side being a single word.
type cand struct {
	q0, q1, n0, n1 int8
	short          bool
	sim, w         float64
}

// compare scores query form q against name form n, filling ex when it is not
// nil. acro allows reading either as an acronym of the other.
func (sc *scorer) compare(q, n *form, acro bool, ex *Explanation) float64 {
	s := sc.align(q.toks, n.toks, nil)
	how, short, long := "", q, n
	if acro && s < initialsScore {
		a, _ := acronym(q, n, 3)
		if b, _ := acronym(n, q, 4); b > a {
			a, short, long = b, n, q
		}
		if a > s {
			s, how = a, "acronym"
		}
	}
	if ex != nil {
		if how == "acronym" {
			_, ex.Acronym = acronym(short, long, 3)
		} else {
			sc.align(q.toks, n.toks, ex)
		}
		ex.Ignored = append(append(ex.Ignored, q.dropped...), n.dropped...)
	}
	return round(s)
}

// round rounds a score to six decimals, so that the same names score the
// same on every machine whatever floating-point operations it fuses, and a
// name scores exactly 1 against itself.
func round(s float64) float64 { return math.Round(s*1e6) / 1e6 }

// align pairs the words of q and n greedily, most similar first, and
// returns the weighted share of aligned words, raised for a partial name.
func (sc *scorer) align(q, n []token, ex *Explanation) float64 {
	var total float64
	for _, t := range q {
		total += t.w
	}
	for _, t := range n {
		total += t.w
	}
	if total == 0 {
		return 0
	}
	sc.cands = sc.cands[:0]
	for i := range q {
		for j := range n {
			if s := sim(&q[i], &n[j]); s >= minSim {
				short := min(len(q[i].key), len(n[j].key)) <= shortWord
				sc.cands = append(sc.cands, cand{int8(i), int8(i), int8(j), int8(j), short, s, q[i].w + n[j].w})
			}
		}
	}
	for k := 2; k <= 3; k++ {
		for i := 0; i+k <= len(q); i++ {
			for j := range n {
				if s := sc.joinSim(q[i:i+k], n[j]); s >= minJoin {
					sc.cands = append(sc.cands, cand{int8(i), int8(i + k - 1), int8(j), int8(j), false, s, weight(q[i:i+k]) + n[j].w})
				}
			}
		}
		for j := 0; j+k <= len(n); j++ {
			for i := range q {
				if s := sc.joinSim(n[j:j+k], q[i]); s >= minJoin {
					sc.cands = append(sc.cands, cand{int8(i), int8(i), int8(j), int8(j + k - 1), false, s, q[i].w + weight(n[j:j+k])})
				}
			}
		}
	}
	// Most similar first; at equal similarity one word to one before joins,
	// then the heavier pair.
	slices.SortStableFunc(sc.cands, func(a, b cand) int {
		if c := cmp.Compare(b.sim, a.sim); c != 0 {
			return c
		}
		if c := cmp.Compare(a.q1-a.q0+a.n1-a.n0, b.q1-b.q0+b.n1-b.n0); c != 0 {
			return c
		}
		return cmp.Compare(b.w, a.w)
	})
	var usedQ, usedN uint32
	var got float64
	exact, plain, distinct := true, 0, false
	picked := 0
	for _, c := range sc.cands {
		mq, mn := span(c.q0, c.q1), span(c.n0, c.n1)
		if usedQ&mq != 0 || usedN&mn != 0 {
			continue
		}
		usedQ |= mq
		usedN |= mn
		got += credit(c.sim, c.short) * c.w
		exact = exact && c.sim == 1
		for _, t := range q[c.q0 : c.q1+1] {
			if t.w == plainWeight {
				plain++
				distinct = distinct || !t.common
			}
		}
		sc.cands[picked] = c
		picked++
	}
	if ex != nil {
		// In the order of the query's words.
		slices.SortFunc(sc.cands[:picked], func(a, b cand) int { return cmp.Compare(a.q0, b.q0) })
		for _, c := range sc.cands[:picked] {
			ex.Aligned = append(ex.Aligned, describe(c, q, n))
		}
	}
	s := min(got/total, 1)
	if exact && plain >= 2 && distinct && (partial(usedQ, usedN, q, n) || partial(usedN, usedQ, n, q)) {
		s = (1 + s) / 2
		if ex != nil {
			ex.Partial = true
		}
	}
	if ex != nil {
		for i, t := range q {
			if usedQ&(1<<i) == 0 {
				ex.Extra = append(ex.Extra, t.text)
			}
		}
		for j, t := range n {
			if usedN&(1<<j) == 0 {
				ex.Missing = append(ex.Missing, t.text)
			}
		}
	}
	return s
}

// partial reports whether every word of a aligned and b has exactly one
// word of full weight left over.
func partial(usedA, usedB uint32, a, b []token) bool {
	if usedA != 1<<len(a)-1 {
		return false
	}
	left := 0
	for j, t := range b {
		if usedB&(1<<j) == 0 && t.w == plainWeight {
			left++
		}
	}
	return left == 1
}

// credit is what an aligned pair of the given similarity counts for.
func credit(sim float64, short bool) float64 {
	if short {
		return max(0, 1-shortSpread*(1-sim))
	}
	return max(0, 1-spread*(1-sim))
}

func weight(ts []token) float64 {
	var w float64
	for _, t := range ts {
		w += t.w
	}
	return w
}

func span(a, b int8) uint32 { return (1<<(b+1) - 1) &^ (1<<a - 1) }

func describe(c cand, q, n []token) Aligned {
	a := Aligned{Query: joined(q[c.q0 : c.q1+1]), Name: joined(n[c.n0 : c.n1+1]), Sim: c.sim}
	switch {
	case c.q1 > c.q0 || c.n1 > c.n0:
		a.How = "joined"
	case a.Query == a.Name:
		a.How = "same"
	case c.sim == 1:
		a.How = "variant"
	default:
		a.How = "similar"
	}
	return a
}

func joined(ts []token) string {
	s := ts[0].text
	for _, t := range ts[1:] {
		s += "+" + t.text
	}
	return s
}

// sim is the similarity of two words: 1 when their keys agree, at least
// vowelSim when their skeletons agree, the similarity of the keys otherwise,
// and 0 for two different numbers.
func sim(a, b *token) float64 {
	if a.key == b.key {
		return 1
	}
	if isNumber(a.key) && isNumber(b.key) {
		return 0
	}
	if sameSkeleton(a, b) {
		return max(similarity(a.key, b.key), vowelSim)
	}
	if !mayReach(a, b) {
		return 0
	}
	return similarity(a.key, b.key)
}

// mayReach reports whether the similarity of a and b can reach minSim,
// bounding Jaro-Winkler by the letters of a found anywhere in b: far cheaper
// than computing it, and most words of two names are nothing alike. With m
// such letters, Jaro is at most (m/la + m/lb + 1)/3 and the prefix bonus
// at most 0.4 of the rest, so reaching 0.8 needs Jaro 2/3, that is
// m(la+lb) >= la*lb. Levenshtein similarity, used for long words, is below
// the bound too.
func mayReach(a, b *token) bool {
	if a.letters&b.letters == 0 {
		return false
	}
	m := 0
	for i := 0; i < len(a.key); i++ {
		if c := a.key[i]; c < 'a' || c > 'z' || b.letters&(1<<(c-'a')) != 0 {
			m++
		}
	}
	la, lb := len(a.key), len(b.key)
	m = min(m, lb)
	return m*(la+lb) >= la*lb
}

// joinSim is the similarity of the words ts written together to word c: 1
// when the joined keys equal c's key, their similarity otherwise.
func (sc *scorer) joinSim(ts []token, c token) float64 {
	// The key folds romanisations of a first letter together, so written
	// together the words start as c does. Numbers are not joined.
	if ts[0].key == "" || c.key == "" || ts[0].key[0] != c.key[0] || isNumber(c.key) {
		return 0
	}
	n := 0
	for _, t := range ts {
		n += len(t.key)
	}
	if n > len(sc.buf) || n < len(c.key)-2 || n > len(c.key)+2 {
		return 0
	}
	j := sc.buf[:0]
	for _, t := range ts {
		k := t.key
		// A doubled letter across the join is single in a key.
		if len(j) > 0 && k != "" && j[len(j)-1] == k[0] {
			k = k[1:]
		}
		j = append(j, k...)
	}
	if string(j) == c.key {
		return 1
	}
	return similarity(j, c.key)
}

// similarity is Jaro-Winkler, or for words of eight letters or more the
// share of letters that need no edit if that is higher: Jaro pairs repeated
// letters badly in long words (mohamadgazem, mahamadgazem). Edits are only
// counted where Jaro-Winkler is middling, 0.7 to 0.92.
func similarity[A, B text](a A, b B) float64 {
	s := jaroWinkler(a, b)
	if n := max(len(a), len(b)); s >= 0.7 && s < 0.92 && min(len(a), len(b)) >= 8 && n <= 64 {
		s = max(s, 1-float64(levenshtein(a, b))/float64(n))
	}
	return s
}

// levenshtein returns the edit distance of a and b, at most 64 bytes each.
func levenshtein[A, B text](a A, b B) int {
	var row [65]int
	for j := 0; j <= len(b); j++ {
		row[j] = j
	}
	for i := 1; i <= len(a); i++ {
		diag := row[0]
		row[0] = i
		for j := 1; j <= len(b); j++ {
			up := row[j]
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			row[j] = min(row[j]+1, row[j-1]+1, diag+cost)
			diag = up
		}
	}
	return row[len(b)]
}

// text is a string or a byte slice.
type text interface{ ~string | ~[]byte }

// jaroWinkler returns the Jaro-Winkler similarity of a and b, with the usual
// prefix scale 0.1 over at most 4 characters, applied above 0.7. It compares
// bytes; only the first 64 bytes of each side count.
func jaroWinkler[A, B text](a A, b B) float64 {
	la, lb := min(len(a), 64), min(len(b), 64)
	if la == 0 || lb == 0 {
		if la == lb {
			return 1
		}
		return 0
	}
	window := max(la, lb)/2 - 1
	if window < 0 {
		window = 0
	}
	var fa, fb uint64
	m := 0
	for i := 0; i < la; i++ {
		lo, hi := max(0, i-window), min(lb, i+window+1)
		for j := lo; j < hi; j++ {
			if fb&(1<<j) == 0 && a[i] == b[j] {
				fa |= 1 << i
				fb |= 1 << j
				m++
				break
			}
		}
	}
	if m == 0 {
		return 0
	}
	t, j := 0, 0
	for i := 0; i < la; i++ {
		if fa&(1<<i) == 0 {
			continue
		}
		for fb&(1<<j) == 0 {
			j++
		}
		if a[i] != b[j] {
			t++
		}
		j++
	}
	mf := float64(m)
	jaro := (mf/float64(la) + mf/float64(lb) + (mf-float64(t)/2)/mf) / 3
	if jaro <= 0.7 {
		return jaro
	}
	p := 0
	for p < 4 && p < la && p < lb && a[p] == b[p] {
		p++
	}
	return jaro + float64(p)*0.1*(1-jaro)
}

// acronym reports whether the one-word form s is an acronym of the words of
// l, with its score and reading; 0 when it is not. The word must be least to
// 10 ASCII letters and must not itself be one of l's words (Kim is not the
// acronym of Kim Il Man), and l must not be a person's name made only of
// common name parts (CMC is not Choe Myong Chun). It may be the initials of l's words, with or
// without legal forms, or be made of the leading one to three letters of at
// least three of them in order, stop words used or skipped (MODLEX is
// Ministry Of Defense Logistics EXport), leaving out trailing legal-form and
// generic words.
func acronym(s, l *form, least int) (float64, string) {
	if len(s.toks) != 1 || len(l.words) < 2 {
		return 0, ""
	}
	t := s.toks[0]
	a := t.text
	if len(a) < least || len(a) > 10 || !isLetters(a) {
		return 0, ""
	}
	person := true
	for _, u := range l.toks {
		if sim(&t, &u) >= 0.9 {
			return 0, ""
		}
		person = person && u.common
	}
	if person {
		return 0, ""
	}
	if a == l.initials() {
		return initialsScore, strings.ToUpper(a) + " = initials of " + strings.Join(l.words, " ")
	}
	if len(l.toks) >= 2 && len(l.dropped) > 0 {
		b := make([]byte, len(l.toks))
		for i, u := range l.toks {
			b[i] = u.text[0]
		}
		if a == string(b) {
			return initialsScore, strings.ToUpper(a) + " = initials of " + joinedText(l.toks)
		}
	}
	cut, all := syllables(a, l)
	if cut == nil {
		return 0, ""
	}
	var b strings.Builder
	b.WriteString(strings.ToUpper(a) + " =")
	for i, c := range cut {
		if c > 0 {
			b.WriteString(" " + strings.ToUpper(l.words[i][:c]) + l.words[i][c:])
		}
	}
	if all {
		return syllablesScore, b.String()
	}
	b.WriteString(" (" + strings.Join(l.words[len(cut):], " ") + " left out)")
	return shortenedScore, b.String()
}

func joinedText(ts []token) string {
	ws := make([]string, len(ts))
	for i, t := range ts {
		ws[i] = t.text
	}
	return strings.Join(ws, " ")
}

func isLetters(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

// syllables splits a into leading pieces of one to three letters of the
// words of l in order, a stop word giving its initial or nothing, at least
// three words giving a piece, and every word left over being a stop,
// legal-form or generic word. It returns the length of each word's piece (0
// for a skipped stop word), or nil, and whether every word other than stop
// words gave one.
func syllables(a string, l *form) (cut []int, all bool) {
	ws := l.words
	var failed [11][maxWords + 1][4]bool // a is at most 10 letters
	cut = make([]int, 0, len(ws))
	var try func(pos, i, used int) bool
	try = func(pos, i, used int) bool {
		if pos == len(a) {
			if used < 3 {
				return false
			}
			for j := i; j < len(ws); j++ {
				if c := classes[ws[j]]; c != legal && c != generic && c != stop {
					return false
				}
			}
			return true
		}
		u := min(used, 3)
		if i == len(ws) || failed[pos][i][u] {
			return false
		}
		w := ws[i]
		longest := min(3, len(w), len(a)-pos)
		if l.stops&(1<<i) != 0 {
			longest = min(1, longest)
			cut = append(cut, 0)
			if try(pos, i+1, used) {
				return true
			}
			cut = cut[:len(cut)-1]
		}
		for n := longest; n >= 1; n-- {
			if a[pos:pos+n] != w[:n] {
				continue
			}
			cut = append(cut, n)
			if try(pos+n, i+1, used+1) {
				return true
			}
			cut = cut[:len(cut)-1]
		}
		failed[pos][i][u] = true
		return false
	}
	if !try(0, 0, 0) {
		return nil, false
	}
	all = true
	for j := len(cut); j < len(ws); j++ {
		all = all && l.stops&(1<<j) != 0
	}
	return cut, all
}
