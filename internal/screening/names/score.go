package names

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/surety/surety/internal/decimal"
)

// DefaultThreshold is the score at and above which a name is a hit. It is
// the threshold eval.Choose takes on the tuning split of screening/eval's
// labelled pairs, never the held-out split: the best F1 among thresholds at
// which at most 6.5% of unlisted names (eval.UnlistedName, drawn with
// eval.TuningSeed) hit, 6.5% being the share of the bench's unlisted names
// that hit at the threshold of 0.75 the matcher had before:
//
//	threshold            0.52   0.54   0.56   0.58   0.60   0.64   0.70   0.76
//	F1, tuning split    0.860  0.858  0.856  0.854  0.851  0.843  0.823  0.804
//	unlisted names hit  11.7%   8.6%   8.0%   5.9%   5.6%   4.8%   3.8%   2.7%
//
// Names told apart by numbers, qualifiers, generic words and the like are
// held at 0.5 (see differs), under every threshold on the grid. TestTuning
// checks that this is the threshold the split chooses; the held-out figures
// are in docs/screening.md.
const DefaultThreshold = 0.58

// Scoring constants.
const (
	// minSim is the least similarity at which two words align at all:
	// below 0.8 Jaro-Winkler pairs unrelated words of shared letters
	// (Hassan, Hussein's key hosein and Hashem), and with spread 2 such a
	// pair would count less than half a word anyway.
	minSim = 0.8
	// minJoin is the least similarity at which two or three adjacent words
	// of one name align with one word of the other (Won Ho and Wonho):
	// higher than minSim, since a join takes several words at once.
	minJoin = 0.9
	// spread is how fast a pair's credit falls below a similarity of 1:
	// credit is 1 - spread*(1-sim), so a pair at minSim counts 0.6 of a
	// word and one letter off in a long word about 0.9. Words of four
	// letters or fewer fall faster: their romanisations are folded by the
	// key already, and one letter more or less makes another name (Sok and
	// Sung, Pak and Bank). On the tuning split 2 and 3 gave F1 0.789 at the
	// threshold, against 0.774 for the 3 and 5 the matcher had before.
	spread      = 2
	shortSpread = 3
	shortWord   = 4
	// vowelSim is the similarity of two words that differ only in vowels
	// that transliterations swap (Hejazi, Hijazi): just under an agreed
	// variant (1), so that an exact spelling is aligned first.
	vowelSim = 0.96
	// A word cut short (see shortForm) counts as a word one letter off in
	// a long one, 0.8 of a word: a short form says less than the name.
	// The tuning split held 11 pairs of words one the start of the other
	// (of four letters or more), all of them aliases; minShortForm of five
	// leaves out the Korean syllables (Chun, Chung).
	shortFormSim = 0.9
	minShortForm = 5
	// Acronym scores: initials, leading syllables of all words, and leading
	// syllables with trailing legal-form or generic words left out (KOMID,
	// Korea Mining Development Trading Corporation). Each is a hit at the
	// threshold, and each step down says a looser reading: an acronym is
	// strong evidence, but not the name itself.
	initialsScore  = 0.95
	syllablesScore = 0.93
	shortenedScore = 0.9
	// weakFactor scales the score of a match on a weak alias, which the
	// lists say is too broad to identify its holder alone: an exact match
	// on one (0.95) still hits, a loose one drops below the threshold
	// sooner.
	weakFactor = 0.95
	// differs is the most a pair of names scores when their numbers, their
	// qualifiers or the order of a chain of parents tell them apart, or
	// when only generic words match: half, well below any threshold, so
	// that the words they share still show in a low-threshold search.
	differs = 0.5
	// abjadSim is the similarity of a word written in Arabic or Hebrew
	// script and a Latin one with the same consonants: a little below an
	// agreed romanisation, since vowels were not compared.
	abjadSim = 0.95
	// Fewer consonants say less: two (Abd, Ubaydi) align at abjadShortSim,
	// and a name of long vowels alone (Yahya, Yahia) by its first letter at
	// abjadWeakSim, so that a longer agreement is aligned first.
	abjadShortSim = 0.9
	abjadWeakSim  = 0.85
	// A name of Allah written as two words in Arabic script and one in
	// Latin (نذیر الله, Nazirullah) agrees by more than consonants: the
	// word Allah itself. It aligns above abjadSim, so that the first word
	// alone, whose consonants the Latin one may share by chance, does not
	// take the Latin word and leave Allah over.
	abjadAllahSim = 0.97
	// An initial (J.) aligns with a word starting with its letter, and
	// joined initials (J.-C.) with the words whose initials they are, at
	// initialSim; it counts initialCredit of a word, enough for an initial
	// and a matching surname to reach the threshold together only when the
	// surname is long (see the tuning figures in docs/screening.md).
	initialSim    = 0.9
	initialCredit = 0.85
	// A name inside a longer one (see subset) must have matched at least
	// subsetCover of its weight; its score then moves subsetPerson (for
	// people) or subsetOrg (for organisations) of the way from the share
	// of both names matched towards the share of the shorter matched.
	// substitution is taken off a pair of names for each word of one
	// standing unmatched against a word of the other: a name put in
	// another's place. Chosen on the tuning split with the threshold (see
	// DefaultThreshold): 0.05, 0.1, 0.15, 0.2, 0.25 and 0.3 gave a best F1,
	// with at most 6.5% of unlisted names hitting, of 0.810, 0.817, 0.813,
	// 0.806, 0.805 and 0.804, at thresholds of 0.62, 0.58, 0.58, 0.58, 0.58
	// and 0.58. 0.2 is the least at which pairs that differ by a replaced
	// name (a patronymic chain one link off, 0.75 before the penalty; two
	// nisbas, 0.70) stay under the threshold chosen, as the cases of
	// cases_test.go require.
	substitution = 0.2
	subsetCover  = 0.85
	subsetSim    = 0.95
	subsetPerson = 0.6
	subsetOrg    = 0.5
	// editsTwo and editsThree are the lengths from which a word may be
	// two and three edits off (see maxEdits). On the tuning split, with at
	// most 6.5% of unlisted names hitting, 6 and 10 gave F1 0.810, 7 and 11
	// 0.807, 8 and 12 0.800; 5 and 9 gave 0.812 but with the unlisted names
	// at the limit (6.5%, against 6.1%).
	editsTwo   = 6
	editsThree = 10
	// looseSim is the Jaro-Winkler similarity from which a word of five
	// letters or more may be one edit further off (see edits). On the
	// tuning split 0.85, 0.88, 0.90 and 0.92 gave F1 0.8361, 0.8363,
	// 0.8359 and 0.8355 at the threshold, with 78, 74, 74 and 74 false
	// hits and 6.1%, 5.5%, 5.5% and 5.5% of unlisted names hitting; 0.8351
	// without the edit more.
	looseSim = 0.88
	// consonantSim is the similarity of two words with the same
	// consonants (see sameConsonants), below vowelSim since the vowels
	// may differ in number as well as in kind. When the rule was added
	// (before its limit on length and its readings of ch, c and q), on
	// the tuning split 0.85,
	// 0.88, 0.9, 0.92 and 0.94 gave F1 0.847, 0.848, 0.848, 0.849 and
	// 0.849 at the threshold, with 5.7% of unlisted names hitting up to
	// 0.92 and 6.1% at 0.94, against F1 0.840 without the rule;
	// minConsonantWord of 5 against 4 kept Korean syllables apart (5.7%
	// of unlisted names hitting against 5.8%, Chun against Chin).
	consonantSim     = 0.9
	minConsonantWord = 5
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
	// Partial is set when the shorter name matched inside the longer
	// (Fakhrizadeh against Fakhrizadeh Mahabadi).
	Partial bool `json:"partial,omitempty"`
	// Differs says what tells the names apart despite the words they share:
	// numbers, qualifiers, the order of a chain of parents, the given names
	// of siblings, or nothing but generic words in common. The score is
	// then at most 0.5.
	Differs string `json:"differs,omitempty"`
	// Extends is set when the query is the listed organisation's whole
	// name, every word the same or an agreed variant, with words of trade
	// added (Calder Bank Trust Company against Calder Bank), or with any
	// words added to a listed name of generic words alone (Korea Mining
	// Development Trading Corporation Logistics): another organisation,
	// held at 0.5 like the others that Differs tells apart, but perhaps
	// the listed one's branch, subsidiary or front, which a Query with
	// Related returns.
	Extends bool `json:"extends,omitempty"`
	// Weak is set when the name matched is a weak alias.
	Weak bool `json:"weak,omitempty"`
	// Identifier, when set, is the identifier that matched instead of a
	// name, as in "IMO 9187629".
	Identifier string `json:"identifier,omitempty"`
}

// Aligned is one pair of aligned words, folded to lower case. Two words
// joined to match one are written "won+ho".
type Aligned struct {
	Query string  `json:"query"`
	Name  string  `json:"name"`
	Sim   float64 `json:"sim"`
	// How is "same" (same spelling), "variant" (same after the romanisation
	// table and key, as Choi and Choe), "nickname" (a given name and its
	// short form or its spelling in another language), "abbreviation" (a
	// word of trade cut short, as Comm. for Commercial), "consonants" (a
	// word of Arabic or Hebrew script against a Latin one, or two Latin
	// words with the same consonants and other vowels, as Hotem and
	// Hatim), "similar" (close spelling, Sim tells how close; words that
	// differ only in vowels are at least 0.96), "initial" (an initial for
	// a name), "joined" (two or three words against one) or "acronym" (a
	// word against the run of words it is the initials of, as IRGC).
	How string `json:"how"`
}

// String gives the explanation as one line, as in
// "kim = kim, young ~ yong (variant), chol ~ chul (variant); weak alias".
func (e Explanation) String() string {
	var parts []string
	if e.Identifier != "" {
		parts = append(parts, e.Identifier+" is listed")
	}
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
	if e.Differs != "" {
		parts = append(parts, e.Differs)
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
// together) and 1 - spread*(1 - similarity) otherwise (shortSpread for
// words of four letters or fewer), similarity being Jaro-Winkler (at least
// 0.96 for words that differ only in vowels, in the same places) for words
// at most maxEdits letters apart, and 0 for two different common name
// parts. Country, trade, particle and title words such as korea, trading,
// al and shaykh weigh 0.3 of a word. Each word standing unmatched against a
// word of the other takes substitution off; numbers, qualifiers, the order
// of a chain of parents, generic words alone and a word of trade added to
// an organisation's name hold the score at 0.5; a name inside a longer one
// is raised towards the share of the shorter matched (see subset). Scores
// are rounded to six decimals.
//
// A one-word name is also read as an acronym of the other's words. The
// first name is taken as the query and the second as the listed name: a
// query of three letters may abbreviate a listed name, but a listed acronym
// needs four letters to match a longer query, since any three words have
// some listed three-letter acronym for initials.
func Score(a, b string) (float64, Explanation) {
	fa, fb := parse(a), parse(b)
	// A word of either that is the other's words run together is read as
	// them too.
	if longWord(fa) {
		fa = runTogether(fa, wordOf(fb))
	}
	if longWord(fb) {
		fb = runTogether(fb, wordOf(fa))
	}
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

// scorer holds the scratch space of one comparison, and whether the last
// query compared extends the name (see Explanation.Extends).
type scorer struct {
	cands   []cand
	buf     [3 * 64]byte
	extends bool
	// memo holds the similarities of a query's words to listed words
	// already compared, for the query of epoch (see Index.Search): the
	// names a search scores share many words (two in three of the pairs
	// compared in `surety bench screen` had been compared before in the
	// same search).
	memo  []memoSlot
	epoch uint32
}

// memoSlot is one similarity of scorer.memo: of query word q to listed
// word n, in the search of epoch.
type memoSlot struct {
	sim         float64
	q, n, epoch uint32
}

// memoBits is the log2 of the slots of scorer.memo: a search compares at
// most shortlist names of a few words each to a query of a few, some
// hundred pairs, and 1,024 slots hold them with few evicted.
const memoBits = 10

// queryWord marks the number of a query's word (see token.uid), so that it
// is never the number of a listed word, whichever side a comparison takes
// them on.
const queryWord = 1 << 31

// begin starts the memo for a search of the query forms qf, numbering
// their words.
func (sc *scorer) begin(qf []form) {
	if sc.memo == nil {
		sc.memo = make([]memoSlot, 1<<memoBits)
	}
	sc.epoch++
	if sc.epoch == 0 {
		clear(sc.memo)
		sc.epoch = 1
	}
	uid := uint32(queryWord)
	for fi := range qf {
		for i := range qf[fi].toks {
			uid++
			qf[fi].toks[i].uid = uid
		}
	}
}

// sim is sim(a, b), a the query's word and b a listed word, remembered for
// the search when both are numbered.
func (sc *scorer) sim(a, b *token) float64 {
	if a.uid == 0 || b.uid == 0 || sc.memo == nil {
		return sim(a, b)
	}
	m := &sc.memo[(b.uid*0x9e3779b1+a.uid*0x85ebca6b)>>(32-memoBits)]
	if m.epoch == sc.epoch && m.q == a.uid && m.n == b.uid {
		return m.sim
	}
	v := sim(a, b)
	*m = memoSlot{v, a.uid, b.uid, sc.epoch}
	return v
}

// cand is a candidate pair: query words q0..q1 against name words n0..n1,
// one side being a single word.
type cand struct {
	q0, q1, n0, n1 int8
	credit, sim, w float64
	how            string
}

// compare scores query form q against name form n, filling ex when it is not
// nil. acro allows reading either as an acronym of the other.
func (sc *scorer) compare(q, n *form, acro bool, ex *Explanation) float64 {
	var before Explanation
	if ex != nil {
		before = *ex
	}
	s := sc.align(q, n, ex)
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
	d := qualifiers(q, n)
	if d != "" {
		s = min(s, differs)
	}
	extends := sc.extends && how == "" && d == ""
	if ex != nil {
		if how == "acronym" {
			// The acronym's reading replaces the words' alignment.
			*ex = before
			_, ex.Acronym = acronym(short, long, 3)
		}
		if d != "" {
			ex.Differs = d
		}
		ex.Extends = extends
		ex.Ignored = append(append(ex.Ignored, q.dropped...), n.dropped...)
	}
	sc.extends = extends
	// Six decimals: the same names score the same on every machine,
	// whatever floating-point operations it fuses, and a name scores
	// exactly 1 against itself.
	return decimal.Round6(s)
}

// qualifiers says how two names' qualifiers tell them apart, or "": both
// have bracketed or trailing qualifiers and none is shared (Bank X (France)
// and Bank X (Germany)).
func qualifiers(q, n *form) string {
	if len(q.qual) == 0 || len(n.qual) == 0 {
		return ""
	}
	for _, a := range q.qual {
		for _, b := range n.qual {
			if key(spelling(a)) == key(spelling(b)) {
				return ""
			}
		}
	}
	return "qualifiers differ: " + strings.Join(q.qual, " ") + " / " + strings.Join(n.qual, " ")
}

// align pairs the words of q and n greedily, most similar first, and
// returns the weighted share of aligned words, raised for a name inside a
// longer one and held down where numbers or the order of a chain of
// parents tell the names apart.
func (sc *scorer) align(qf, nf *form, ex *Explanation) float64 {
	q, n := qf.toks, nf.toks
	tq, tn := qf.w, nf.w
	total := tq + tn
	if total == 0 {
		return 0
	}
	sc.cands = sc.cands[:0]
	for i := range q {
		for j := range n {
			if s := sc.sim(&q[i], &n[j]); s >= minSim {
				c := credit(s, min(len(q[i].key), len(n[j].key)) <= shortWord)
				if q[i].abjad != n[j].abjad {
					c = s // consonants are all a script without vowels can agree on
				}
				sc.cands = append(sc.cands, cand{int8(i), int8(i), int8(j), int8(j), c, s, q[i].w + n[j].w, how(&q[i], &n[j], s)})
			} else if initialOf(&q[i], &n[j]) || initialOf(&n[j], &q[i]) {
				sc.cands = append(sc.cands, cand{int8(i), int8(i), int8(j), int8(j), initialCredit, initialSim, q[i].w + n[j].w, "initial"})
			}
		}
	}
	for k := 2; k <= 3; k++ {
		for i := 0; i+k <= len(q); i++ {
			for j := range n {
				if s := sc.joinSim(q[i:i+k], &n[j]); s >= minJoin {
					sc.cands = append(sc.cands, cand{int8(i), int8(i + k - 1), int8(j), int8(j), credit(s, false), s, weight(q[i:i+k]) + n[j].w, "joined"})
				} else if initialsOf(&n[j], q[i:i+k]) {
					sc.cands = append(sc.cands, cand{int8(i), int8(i + k - 1), int8(j), int8(j), initialCredit, initialSim, weight(q[i:i+k]) + n[j].w, "initial"})
				}
			}
		}
		for j := 0; j+k <= len(n); j++ {
			for i := range q {
				if s := sc.joinSim(n[j:j+k], &q[i]); s >= minJoin {
					sc.cands = append(sc.cands, cand{int8(i), int8(i), int8(j), int8(j + k - 1), credit(s, false), s, q[i].w + weight(n[j:j+k]), "joined"})
				} else if initialsOf(&q[i], n[j:j+k]) {
					sc.cands = append(sc.cands, cand{int8(i), int8(i), int8(j), int8(j + k - 1), initialCredit, initialSim, q[i].w + weight(n[j:j+k]), "initial"})
				}
			}
		}
	}
	// A word of one that is the initials of a run of the other's words
	// (ISIL-Yemen, Islamic State of Iraq and the Levant in Yemen).
	for i := range q {
		if !q[i].abbr {
			continue
		}
		for j := range n {
			if k := acronymRun(&q[i], n[j:]); k > 0 {
				sc.cands = append(sc.cands, cand{int8(i), int8(i), int8(j), int8(j + k - 1), credit(initialsScore, false), initialsScore, q[i].w + weight(n[j:j+k]), "acronym"})
			}
		}
	}
	for j := range n {
		if !n[j].abbr {
			continue
		}
		for i := range q {
			if k := acronymRun(&n[j], q[i:]); k > 0 {
				sc.cands = append(sc.cands, cand{int8(i), int8(i + k - 1), int8(j), int8(j), credit(initialsScore, false), initialsScore, weight(q[i:i+k]) + n[j].w, "acronym"})
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
	var got, gotQ, gotN float64
	picked := 0
	for _, c := range sc.cands {
		mq, mn := span(c.q0, c.q1), span(c.n0, c.n1)
		if usedQ&mq != 0 || usedN&mn != 0 {
			continue
		}
		usedQ |= mq
		usedN |= mn
		got += c.credit * c.w
		gotQ += c.credit * weight(q[c.q0:c.q1+1])
		gotN += c.credit * weight(n[c.n0:c.n1+1])
		sc.cands[picked] = c
		picked++
	}
	s := min(got/total, 1)
	var why string
	var extends bool
	switch {
	case numbers(q, n):
		s, why = min(s, differs), "numbers differ"
	case qf.chain && nf.chain && !ordered(sc.cands[:picked], q):
		s, why = min(s, differs), "the order of the names joined by bin or ibn differs"
	case genericOnly(sc.cands[:picked], q, n, usedQ, usedN, qf.org || nf.org):
		// A listed organisation's name of generic words alone (Korea
		// Mining Development Trading Corporation), matched whole, with
		// words added, is extended as well.
		s, why = min(s, differs), "only generic words match"
		extends = (qf.org || nf.org) && usedN == 1<<len(n)-1 && agreed(sc.cands[:picked], false)
	case commonOnly(sc.cands[:picked], q, n, usedQ, usedN):
		s, why = min(s, differs), "only common name parts match"
	case picked > 0 && countriesDiffer(q, usedQ, n, usedN):
		// Atomic Energy Organisation of Iran is not the Atomic Energy
		// Organisation of India.
		s, why = min(s, differs), "countries differ: "+unmatchedCountry(q, usedQ)+" / "+unmatchedCountry(n, usedN)
	case !qf.org && !nf.org && picked > 0 && laterSurnames(q, usedQ, n, usedN):
		// One person's name with another later surname (see
		// laterSurnames): not a name put in another's place.
	case !qf.org && !nf.org && picked > 0 && firstDiffers(q, usedQ, n, usedN):
		// Siblings: the rest of a chain of names the same.
		s, why = min(s, differs), "given names differ: "+substitutes(q, usedQ, n, usedN)
	case picked > 0 && substituted(q, usedQ, n, usedN) > 0:
		s, why = max(0, s-substitution*float64(substituted(q, usedQ, n, usedN))), "names differ: "+substitutes(q, usedQ, n, usedN)
	case branches(q, usedQ, n, usedN):
		// Two branches of one organisation in different places are two
		// listed entries (Al-Haramain's in Kenya and in Pakistan).
		s, why = min(s, differs), "branches differ: "+strings.Join(texts(unused(q, usedQ)), " ")+" / "+strings.Join(texts(unused(n, usedN)), " ")
	case (qf.org || nf.org) && usedN == 1<<len(n)-1 && branchOf(q, usedQ):
		// A branch or representative office of the listed organisation
		// is the organisation, not another one: the words that say so,
		// and where it is, are left out of the score.
		s, why = min(got/(total-weight(unused(q, usedQ))), 1), "a branch of the listed organisation"
	case (qf.org || nf.org) && agreed(sc.cands[:picked], false) && (describes(q, usedQ, n, usedN) || describes(n, usedN, q, usedQ)):
		// Words of trade alone, on one side, say what the organisation
		// the other names does (Rahat Trading Company, Rahat Ltd.;
		// Sepanir, Sepanir Oil and Gas Engineering Company): a fuller
		// name of it, scored as a name inside a longer one.
		s, why = s+subsetOrg*(1-s), ""
	case (qf.org || nf.org) && usedN == 1<<len(n)-1 && addsTrade(q, usedQ) != "":
		s, why, extends = min(s, differs), "the query adds "+addsTrade(q, usedQ)+" to the listed name: another organisation", agreed(sc.cands[:picked], false)
	default:
		if b := subset(sc.cands[:picked], qf, nf, usedQ, usedN, gotQ, gotN, tq, tn); b > s {
			s = b
			if ex != nil {
				ex.Partial = true
			}
		}
	}
	sc.extends = extends
	if ex != nil {
		ex.Differs = why
		// In the order of the query's words.
		slices.SortFunc(sc.cands[:picked], func(a, b cand) int { return cmp.Compare(a.q0, b.q0) })
		for _, c := range sc.cands[:picked] {
			ex.Aligned = append(ex.Aligned, describe(c, q, n))
		}
		ex.Extra = append(ex.Extra, texts(unused(q, usedQ))...)
		ex.Missing = append(ex.Missing, texts(unused(n, usedN))...)
	}
	return s
}

// subset returns the score of a name inside a longer one, or 0 when the
// names are not such a pair. The shorter name (by weight) must have matched
// almost whole (subsetCover), by at least two words of full weight, one of
// them distinctive: neither a common Korean or Persian name part, nor a
// generic or trade word. A person's fuller name adds given names, a
// patronymic or a grandfather's name after the first (Anjem Choudary,
// Anjem Iftikhar Choudary Mahmood); one with a name before the first is
// another person (Barzan Ibrahim al-Tikriti and his daughter Thoraya Barzan
// Ibrahim al-Tikriti). An organisation's listed name may be shortened in a
// query (Tanchon Bank), but a query that adds to a listed name names
// something else (Deutsche Bank Trust Company is not Deutsche Bank). The
// score moves from the share of both names matched towards the share of the
// shorter matched, by subsetPerson or subsetOrg. Every pair aligned must be
// the same word or an agreed variant of it (subsetSim): a name inside a
// longer one is a fuller form of it only if what it says agrees.
func subset(cs []cand, qf, nf *form, usedQ, usedN uint32, gotQ, gotN, tq, tn float64) float64 {
	q, n := qf.toks, nf.toks
	shortQ := tq <= tn
	st, sl, cover, usedS, usedL := q, n, gotQ/tq, usedQ, usedN
	if !shortQ {
		st, sl, cover, usedS, usedL = n, q, gotN/tn, usedN, usedQ
	}
	if cover < subsetCover || usedL == 1<<len(sl)-1 {
		return 0
	}
	// A person's fuller name may share a word by its consonants (Helel,
	// Helal); an organisation's must agree, since a Korean name's vowels
	// tell organisations apart (Tongsal, Tangsol).
	if !agreed(cs, !qf.org && !nf.org) {
		return 0
	}
	matched, plain, distinct := 0, 0, false
	for i, t := range st {
		if usedS&(1<<i) == 0 {
			continue
		}
		matched++
		if t.w == plainWeight {
			plain++
			distinct = distinct || !t.common && !tradeWords[t.text] && !t.initial
		}
	}
	if matched < 2 || !distinct {
		return 0
	}
	both := (gotQ + gotN) / (tq + tn)
	if qf.org || nf.org {
		if !shortQ {
			return 0
		}
		return both + subsetOrg*(cover-both)
	}
	if plain < 2 || usedL&1 == 0 && !sl[0].common {
		return 0
	}
	return both + subsetPerson*(cover-both)
}

// agreed reports whether every pair aligned is the same word or an agreed
// variant of it (subsetSim), or, when consonants is set, writes the same
// consonants (see sameConsonants): what a fuller or a longer name must
// share with the name inside it.
func agreed(cs []cand, consonants bool) bool {
	for _, c := range cs {
		if c.sim < subsetSim && !(consonants && c.how == "consonants") {
			return false
		}
	}
	return true
}

// numbers reports whether both names hold numbers (1, II) and they differ:
// Vessel 1 is not Vessel 2, nor Fund X Fund XI.
func numbers(q, n []token) bool {
	var a, b []string
	for _, t := range q {
		if t.num != "" {
			a = append(a, t.num)
		}
	}
	for _, t := range n {
		if t.num != "" {
			b = append(b, t.num)
		}
	}
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	slices.Sort(a)
	slices.Sort(b)
	return !slices.Equal(a, b)
}

// ordered reports whether the aligned words of full weight come in the same
// order in both names.
func ordered(cs []cand, q []token) bool {
	prev := int8(-1)
	sorted := slices.SortedFunc(slices.Values(cs), func(a, b cand) int { return cmp.Compare(a.q0, b.q0) })
	for _, c := range sorted {
		if q[c.q0].w != plainWeight {
			continue
		}
		if c.n0 < prev {
			return false
		}
		prev = c.n0
	}
	return true
}

// genericOnly reports whether every word that matched is generic while
// some word did not match: Bank of Korea against Korea Trading Bank. In an
// organisation's name the words of trade count as generic here: Korea
// Development Bank is not Korea United Development Bank. A pair of words
// is generic when either side is: a word that matched a generic word only
// as a misspelling of it (KOMMID, committee) says no more than it.
func genericOnly(cs []cand, q, n []token, usedQ, usedN uint32, org bool) bool {
	if len(cs) == 0 || usedQ == 1<<len(q)-1 && usedN == 1<<len(n)-1 {
		return false
	}
	generic := func(ts []token) bool {
		for _, t := range ts {
			if t.w != genericWeight && !(org && tradeWords[t.text]) {
				return false
			}
		}
		return true
	}
	for _, c := range cs {
		if !generic(q[c.q0:c.q1+1]) && !generic(n[c.n0:c.n1+1]) {
			return false
		}
	}
	return true
}

// countriesDiffer reports whether each name has a word of a country's name
// that the other does not match: two organisations of one name in two
// countries are two.
func countriesDiffer(q []token, usedQ uint32, n []token, usedN uint32) bool {
	return unmatchedCountry(q, usedQ) != "" && unmatchedCountry(n, usedN) != ""
}

// unmatchedCountry returns the first word of ts, not matched, that names a
// country, or "".
func unmatchedCountry(ts []token, used uint32) string {
	for i, t := range ts {
		if used&(1<<i) == 0 && t.country {
			return t.text
		}
	}
	return ""
}

// substituted counts the words of full weight that stand unmatched in both
// of two names, pair for pair: a name put in another's place, as
// one link of a chain of parents (Yusuf Abdul Karim against Yusuf Jalal
// Karim). A name left out of one is a shorter form; a name replaced is
// another person.
func substituted(q []token, usedQ uint32, n []token, usedN uint32) int {
	return min(unmatched(q, usedQ), unmatched(n, usedN))
}

func unmatched(ts []token, used uint32) int {
	k := 0
	for i, t := range ts {
		if used&(1<<i) == 0 && t.w == plainWeight {
			k++
		}
	}
	return k
}

// firstDiffers reports whether the only words of two people's names left
// unmatched are their first, each a name of its own: the given names of
// two people whose father, grandfather and family are the same, as
// siblings' are (THORAYA BARZAN IBRAHIM HASAN AL-TIKRITI, ALI BARZAN
// IBRAHIM HASAN AL-TIKRITI), which the rest of the chain, however long,
// does not make one person. A name written "LAST, First" has its given
// names first too (see reorder).
func firstDiffers(q []token, usedQ uint32, n []token, usedN uint32) bool {
	only := func(ts []token, used uint32) bool {
		return used&1 == 0 && ts[0].w == plainWeight && !ts[0].initial && used|1 == 1<<len(ts)-1
	}
	return only(q, usedQ) && only(n, usedN)
}

// substitutes writes the words standing unmatched in both names.
func substitutes(q []token, usedQ uint32, n []token, usedN uint32) string {
	var a, b []string
	for i, t := range q {
		if usedQ&(1<<i) == 0 && t.w == plainWeight {
			a = append(a, t.text)
		}
	}
	for j, t := range n {
		if usedN&(1<<j) == 0 && t.w == plainWeight {
			b = append(b, t.text)
		}
	}
	return strings.Join(a, " ") + " / " + strings.Join(b, " ")
}

// commonOnly reports whether the words of full weight that matched are all
// common Korean or Persian name parts while a word of full weight did not
// match: Kim Jong against Kim Jong Un, Mohammad Ali against Mohammad Ali
// Jafari. Such a pair says no more than that two people share common names.
func commonOnly(cs []cand, q, n []token, usedQ, usedN uint32) bool {
	some := false
	for _, c := range cs {
		for _, t := range q[c.q0 : c.q1+1] {
			if t.w == plainWeight {
				if !t.common {
					return false
				}
				some = true
			}
		}
	}
	if !some {
		return false
	}
	for i, t := range q {
		if usedQ&(1<<i) == 0 && t.w == plainWeight {
			return true
		}
	}
	for j, t := range n {
		if usedN&(1<<j) == 0 && t.w == plainWeight {
			return true
		}
	}
	return false
}

// initialOf reports whether a is one letter and b a word starting with it.
func initialOf(a, b *token) bool {
	return len(a.text) == 1 && len(b.text) > 1 && a.text[0] == b.text[0] && a.num == "" && !b.abjad
}

// initialsOf reports whether a is joined initials spelling the first
// letters of the words ts, as JC does Jean Claude.
func initialsOf(a *token, ts []token) bool {
	return a.initial && len(a.text) == len(ts) && spells(a.text, ts)
}

// spells reports whether a is the first letters of the words ts, one for
// each, every word of two letters or more.
func spells(a string, ts []token) bool {
	for i, t := range ts {
		if len(t.text) < 2 || t.text[0] != a[i] {
			return false
		}
	}
	return true
}

// how says how two words matched.
func how(a, b *token, s float64) string {
	switch {
	case a.text == b.text:
		return "same"
	case a.abjad != b.abjad:
		return "consonants"
	case s == 1 && a.key == b.key:
		return "variant"
	case truncated(a, b):
		return "abbreviation"
	case s == 1 && translates(a, b):
		return "translation"
	case s == 1:
		return "nickname"
	case s < vowelSim && sameConsonants(a, b):
		return "consonants"
	}
	return "similar"
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
	return Aligned{Query: joined(q[c.q0 : c.q1+1]), Name: joined(n[c.n0 : c.n1+1]), Sim: c.sim, How: c.how}
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
// and 0 for two different numbers or codes.
func sim(a, b *token) float64 {
	if a.key == b.key || a.text == b.text {
		return 1
	}
	if a.abjad != b.abjad {
		// A word of Arabic or Hebrew script against a Latin one: by the
		// consonants both write.
		switch {
		case a.bare != b.bare:
			return 0
		case len(a.bare) >= 3:
			return abjadSim
		case len(a.bare) == 2:
			return abjadShortSim
		case firstConsonant(a.text) == firstConsonant(b.text):
			return abjadWeakSim
		}
		return 0
	}
	if a.key == b.key {
		return 1
	}
	if a.num != "" || b.num != "" || a.digits != "" && b.digits != "" && a.digits != b.digits {
		// A number is the same only written the same, and so are the
		// digits of two codes: N488RC is not N499RC. A digit in one word
		// only is a letter off ("T2NCHON").
		return 0
	}
	if shareGroup(a.groups, b.groups) || translates(a, b) {
		return 1
	}
	if a.common && b.common && !initialR(a.key, b.key) {
		return 0
	}
	if truncated(a, b) || b.abbrev && truncated(b, a) {
		return 1
	}
	if sameSkeleton(a, b) || finalVowel(a.key, b.key) {
		return max(similarity(a.key, b.key), vowelSim)
	}
	if sameConsonants(a, b) {
		return max(similarity(a.key, b.key), consonantSim)
	}
	if !mayReach(a, b) {
		return 0
	}
	if shortForm(a.text, b.text) || shortForm(b.text, a.text) {
		return shortFormSim
	}
	s := similarity(a.key, b.key)
	if n := max(len(a.key), len(b.key)); s >= minSim && n <= 64 && !withinEdits(a.key, b.key, edits(a.key, b.key, s)) {
		return 0
	}
	return s
}

// sameConsonants reports whether two Latin words write the same consonants
// in the same order, as romanisations of one Arabic or Persian name do
// whatever vowels they put between them and whatever h, w or y they add
// (Hotem, Hatim; Bashara, Boshra; Nassif, Nusayyif): two consonants or
// more, the same first letter or a vowel first in both, both of four
// letters or more and one of minConsonantWord, at most two letters apart
// in length. Korean syllables of four letters (Chun, Chin), whose vowels
// tell names apart, are under minConsonantWord, and so is Raed against
// Riad; a word and a longer one that adds a syllable (Jian, Jianhua) are
// more than two letters apart. Consonants that romanisations write
// differently are one (see consonantAt).
func sameConsonants(a, b *token) bool {
	la, lb := len(a.text), len(b.text)
	return max(la, lb) >= minConsonantWord && max(la, lb) <= min(la, lb)+2 && a.frame != "" && a.frame == b.frame
}

// frame returns what sameConsonants compares of a Latin word of four
// letters or more: its first letter, * for a vowel, and then its
// consonants other than h and w, a doubled one once, y being one only
// first (Yasser); "" for a word with fewer than two such consonants.
func frame(w string) string {
	if len(w) < 4 || len(w) > 64 {
		return ""
	}
	var buf [65]byte
	b := buf[:0]
	if isVowel(w[0]) && w[0] != 'y' {
		b = append(b, '*')
	} else {
		b = append(b, consonantAt(w, 0))
	}
	var last byte
	n := 0
	for i := 0; i < len(w); i++ {
		c := consonantAt(w, i)
		switch {
		case c >= utf8.RuneSelf:
			return ""
		case isVowel(c) && (c != 'y' || i > 0) || c == 'h' || c == 'w':
			if c != last {
				last = 0
			}
		case c != last:
			b = append(b, c)
			last = c
			n++
		}
	}
	if n < 2 {
		return ""
	}
	return string(b)
}

// consonantAt returns the consonant w[i] writes: ch, as French writes
// what English writes sh (Charekh, Sharikh), is s; c and q are k (Qasim,
// Kasim).
func consonantAt(w string, i int) byte {
	switch w[i] {
	case 'c':
		if i+1 < len(w) && w[i+1] == 'h' {
			return 's'
		}
		return 'k'
	case 'q':
		return 'k'
	}
	return w[i]
}

// shortForm reports whether a is b cut short as a name is shortened: its
// first minShortForm letters or more, b at least two letters longer
// (Kamchy for Kamchybek, Kakha for Kakhaber, Nkunda for Nkundabatware,
// Baloch for Balochistan). The common name parts are names of their own
// (Ahmad is not Ahmadinejad, Abdul not Abdullah).
func shortForm(a, b string) bool {
	return len(a) >= minShortForm && len(b) >= len(a)+2 && strings.HasPrefix(b, a) && !commonNames[a] && !commonNames[spelling(a)]
}

// wordOf returns whether a word is a word of one of the forms fs.
func wordOf(fs []form) func(string) bool {
	return func(w string) bool {
		for i := range fs {
			if slices.Contains(fs[i].words, w) {
				return true
			}
		}
		return false
	}
}

// truncated reports whether the query's word a is the listed word of trade
// b cut short, as declarants abbreviate them (Comm. for Commercial,
// Intern. for International), or another form of its stem (Trade for
// Trading, Commerce for Commercial, Finance for Financial): its first
// minTruncated letters or more, less a final e. Shorter cuts (Eng., Ind.)
// are names as often as they are abbreviations (Tan Eng Kiat); a listed
// word that is the start of the query's (Expo against Export, Trade against
// Trading) is another word, as the query may name another organisation.
// A word written with a full stop after it is an abbreviation of any word
// it starts (Assoc. for Associated), on either side, and of a word of
// trade it contracts (Trdg. for Trading).
func truncated(a, b *token) bool {
	stem := a.text
	if len(stem) > minTruncated && stem[len(stem)-1] == 'e' {
		stem = stem[:len(stem)-1]
	}
	return (b.trade || a.abbrev) && len(stem) >= minTruncated && len(a.text) < len(b.text) && strings.HasPrefix(b.text, stem) ||
		a.abbrev && b.trade && contracts(a.text, b.text)
}

// contracts reports whether a, of three letters or more, is b contracted
// as trade papers write a word of trade with a full stop (Mng. for mining,
// Trdg. for trading, Mgmt. for management): b's first letter and then
// others of b's letters in order.
func contracts(a, b string) bool {
	if len(a) < 3 || len(a) >= len(b) || a[0] != b[0] {
		return false
	}
	j := 1
	for i := 1; i < len(a); i++ {
		for j < len(b) && b[j] != a[i] {
			j++
		}
		if j == len(b) {
			return false
		}
		j++
	}
	return true
}

// minTruncated is the fewest letters a word of trade cut short keeps.
const minTruncated = 4

// maxEdits is the most letters, added, dropped, changed or swapped with the
// next, by which the key of a word of n letters may differ from another's
// and still be the same word misspelt: one below editsTwo letters, two below
// editsThree, three from there. Jaro-Winkler alone rewards a shared beginning and shared
// letters anywhere, so that Golden and Korea (gorden, gorea: two edits in
// five letters), Star and Steel or Bright and Barakat scored as misspellings
// of one another.
func maxEdits(n int) int {
	switch {
	case n >= editsThree:
		return 3
	case n >= editsTwo:
		return 2
	}
	return 1
}

// finalVowel reports whether two words of four letters or more differ only
// in their last letter, a vowel in both: Salih and Saleh, whose final h the
// key drops, Hamza and Hamze. Korean syllables, whose vowels tell names
// apart (Yong, Yang), differ inside.
func finalVowel(a, b string) bool {
	n := len(a)
	return n >= 4 && n == len(b) && a[:n-1] == b[:n-1] && isVowel(a[n-1]) && isVowel(b[n-1])
}

// translates reports whether the query's word a is one translationTable
// gives for the listed word b (Melli for National).
func translates(a, b *token) bool {
	return a.tr && translated[a.text] == b.text
}

// shareGroup reports whether two words are in one nickname group.
func shareGroup(a, b []uint16) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
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
func (sc *scorer) joinSim(ts []token, c *token) float64 {
	if ts[0].abjad != c.abjad {
		// Abd al-Lah against Abdullah: by consonants, the article's l
		// written or, as it is before a sun letter, not (Shahab al-Din,
		// Shahabuddin). A name of Allah (هدايت الله, Hidayatullah) says
		// Allah in full, however few consonants the rest has.
		allah := ts[len(ts)-1].text == "llh" && strings.HasSuffix(c.text, "llah")
		if len(c.bare) < 3 && !allah {
			return 0
		}
		for _, article := range []string{"al", "a"} {
			j := sc.buf[:0]
			for k, t := range ts {
				if k > 0 && t.text == "al" {
					j = append(j, article...)
				} else {
					j = append(j, t.text...)
				}
			}
			if bare(string(j)) == c.bare {
				if allah {
					return abjadAllahSim
				}
				return abjadSim
			}
		}
		return 0
	}
	// A name of one short word is compared as written (see newForm), and
	// so are the words written together as it: KOM-ID is KOMID, SH-IG is
	// not SIG.
	if c.written {
		if writes(ts, c.text) {
			return 1
		}
		return 0
	}
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

// writes reports whether the words ts, written together, are w.
func writes(ts []token, w string) bool {
	for _, t := range ts {
		if !strings.HasPrefix(w, t.text) {
			return false
		}
		w = w[len(t.text):]
	}
	return w == ""
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

// levenshtein returns the edit distance of a and b, at most 64 bytes each,
// two adjacent letters swapped counting as one edit (Jhon, John), as a
// hand writing a name swaps them.
func levenshtein[A, B text](a A, b B) int {
	var rows [3][65]uint8 // distances of at most 64
	prev2, prev, row := &rows[0], &rows[1], &rows[2]
	for j := 0; j <= len(b); j++ {
		prev[j] = uint8(j)
	}
	for i := 1; i <= len(a); i++ {
		row[0] = uint8(i)
		for j := 1; j <= len(b); j++ {
			var cost uint8 = 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			row[j] = min(prev[j]+1, row[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				row[j] = min(row[j], prev2[j-2]+1)
			}
		}
		prev2, prev, row = prev, row, prev2
	}
	return int(prev[len(b)])
}

// withinEdits reports whether the edit distance of a and b, at most 64
// bytes each and counted as levenshtein counts it, is at most k: only the
// cells within k of the diagonal are computed, and a row whose cells all
// exceed k ends the count.
func withinEdits(a, b string, k int) bool {
	la, lb := len(a), len(b)
	if la-lb > k || lb-la > k {
		return false
	}
	const far = 200 // more than any k; far+1 still fits a byte
	var rows [3][65]uint8
	prev2, prev, row := &rows[0], &rows[1], &rows[2]
	for j := 0; j <= lb; j++ {
		prev[j] = far
		if j <= k {
			prev[j] = uint8(j)
		}
	}
	for i := 1; i <= la; i++ {
		lo, hi := max(1, i-k), min(lb, i+k)
		row[0] = far
		if i <= k {
			row[0] = uint8(i)
		}
		if lo > 1 {
			row[lo-1] = far
		}
		best := row[0]
		for j := lo; j <= hi; j++ {
			var cost uint8 = 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, row[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			row[j] = v
			best = min(best, v)
		}
		if hi < lb {
			row[hi+1] = far
		}
		if int(best) > k {
			return false
		}
		prev2, prev, row = prev, row, prev2
	}
	return int(prev[lb]) <= k
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
	t := &s.toks[0]
	a := t.text
	if len(a) < least || len(a) > 10 || !isLetters(a) || t.trade {
		// A word of trade is that word (Air is not the Airline of the
		// Islamic Republic of Iran).
		return 0, ""
	}
	person := true
	for i := range l.toks {
		u := &l.toks[i]
		if sim(t, u) >= 0.9 {
			return 0, ""
		}
		person = person && u.common
	}
	if person {
		return 0, ""
	}
	if l.hasInitials(a) {
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

// initialR reports whether two keys differ by an initial r alone (ryong,
// yong): the DPRK writes the initial r that the South drops.
func initialR(a, b string) bool {
	return len(a) == len(b)+1 && a[0] == 'r' && a[1:] == b || len(b) == len(a)+1 && b[0] == 'r' && b[1:] == a
}

// firstConsonant returns the first letter of w that is not a vowel: an
// abjad leaves the vowel a Latin spelling starts with unwritten, or writes
// it with a letter transliteration drops (علي, Ali). It is the key's
// letter, as bare's are: Persian writes v what Arabic writes w (وحید,
// Vahid).
func firstConsonant(w string) byte {
	for i := 0; i < len(w); i++ {
		if c := w[i]; !isVowel(c) {
			if c < utf8.RuneSelf {
				return keyLetter[c]
			}
			return c
		}
	}
	return 0
}

// branchWords say that an organisation's name is one of its branches or
// offices, in the languages of its registers: a branch is not a legal
// person apart from the organisation, so it is the organisation listed.
var branchWords = map[string]bool{
	"branch": true, "branches": true, "representative": true, "representation": true, "liaison": true,
	"filiale": true, "filial": true, "sucursal": true, "succursale": true, "niederlassung": true, "zweigniederlassung": true,
}

// branchPlaces is how many more words a branch's name may add, besides
// the words that say it is a branch: the place, as in Beijing
// Representative Office or Branch in Dubai.
const branchPlaces = 2

// branchOf reports whether the words of q left out of the alignment say
// that it names a branch or office of the name it is compared with: a
// branch word, an office beside it, and at most branchPlaces other words,
// none of them a word of trade, which would name another organisation.
func branchOf(q []token, used uint32) bool {
	branch, others := false, 0
	for i, t := range q {
		switch {
		case used&(1<<i) != 0:
		case branchWords[t.text]:
			branch = true
		case t.text == "office":
		case t.trade:
			return false
		default:
			others++
		}
	}
	return branch && others <= branchPlaces
}

// branches reports whether both names are of branches, each with words
// the other lacks: the places of two branches.
func branches(q []token, usedQ uint32, n []token, usedN uint32) bool {
	has := func(ts []token, used uint32) (branch, other bool) {
		for i, t := range ts {
			branch = branch || branchWords[t.text]
			other = other || used&(1<<i) == 0 && !branchWords[t.text]
		}
		return branch, other
	}
	qb, qo := has(q, usedQ)
	nb, no := has(n, usedN)
	return qb && nb && qo && no
}

// texts returns the words' folded spellings.
func texts(ts []token) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.text
	}
	return out
}

// unused returns the words of q left out of the alignment.
func unused(q []token, used uint32) []token {
	var out []token
	for i, t := range q {
		if used&(1<<i) == 0 {
			out = append(out, t)
		}
	}
	return out
}

// describes reports whether a's words left over are all words of trade
// and b, matched whole, has none of its own and a distinctive word: a's
// words of trade say what the organisation b names does. A name with a
// word of trade of its own already says what it is, and one more names
// another organisation (Calder Bank Trust Company, Calder Bank).
func describes(a []token, usedA uint32, b []token, usedB uint32) bool {
	if usedB != 1<<len(b)-1 || usedA == 1<<len(a)-1 {
		return false
	}
	for i, t := range a {
		if usedA&(1<<i) == 0 && !t.trade {
			return false
		}
	}
	distinct := false
	for _, t := range b {
		if t.trade {
			return false
		}
		distinct = distinct || t.w == plainWeight && !t.initial
	}
	return distinct
}

// addsTrade returns the first word of trade of q that is not matched, or "":
// an organisation's name that holds the whole listed name and adds a word
// of trade (Calder Bank Trust Company, Calder Bank) names another
// organisation, a subsidiary, a branch or a parent. A word that says what
// kind of the same thing it is (Tanchon Commercial Bank, Tanchon Bank;
// Al-Aqsa International Foundation) is not another organisation.
func addsTrade(q []token, used uint32) string {
	for i, t := range q {
		if used&(1<<i) == 0 && tradeWords[t.text] && !tradeAdjectives[t.text] {
			return t.text
		}
	}
	return ""
}

// edits is the most letters by which the keys a and b may differ and still
// be one word misspelt: maxEdits, and one more when Jaro-Winkler says the
// two are very alike (sim at least looseSim: Nikos, Nikolaos; Tamilische,
// Tamils) and both have five letters or more; a shorter one is a syllable
// or a name of its own (Jian, Jianhua).
func edits(a, b string, sim float64) int {
	n := maxEdits(max(len(a), len(b)))
	if sim >= looseSim && min(len(a), len(b)) >= minShortForm {
		n++
	}
	return n
}

// laterSurnames reports whether the words of two people's names left
// unmatched are all later surnames, in whichever name is written "LAST
// LAST, First" with a given name (see word.later): in Spanish a person
// bears two surnames, the mother's second, and a married woman may write
// de and her husband's in its place, so that the lists give LOPEZ
// PORTILLO, Beatriz Raquel the alias LOPEZ POBLANO and NASSER ARANA,
// Claudia Patricia the alias NASSER DE HASBUN. The first surname and every
// given name agree; a nisba written first (AL-TIKRITI, Walid) is a first
// surname, and a name not written that way says nothing of its surnames.
func laterSurnames(q []token, usedQ uint32, n []token, usedN uint32) bool {
	cq, cn := commaForm(q), commaForm(n)
	return (cq || cn) && (!cq || onlyLater(q, usedQ)) && (!cn || onlyLater(n, usedN))
}

// commaForm reports whether a name was written "LAST, First" with a given
// name that is more than initials.
func commaForm(ts []token) bool {
	surname, given := false, false
	for i := range ts {
		surname = surname || ts[i].surname
		given = given || !ts[i].surname && !ts[i].initial
	}
	return surname && given
}

// onlyLater reports whether the words of ts not in used are later surnames,
// one at least.
func onlyLater(ts []token, used uint32) bool {
	n := 0
	for i := range ts {
		if used&(1<<i) == 0 {
			if !ts[i].later {
				return false
			}
			n++
		}
	}
	return n > 0
}

// acronymRun returns how many of the words ts begins with a is the
// initials of, stop words left out (IRGC, Islamic Revolutionary Guard
// Corps; ISIL, Islamic State of Iraq and the Levant), or 0: one word of
// the other name for each letter of a (see token.abbr).
func acronymRun(a *token, ts []token) int {
	if k := len(a.text); a.abbr && k <= len(ts) && spells(a.text, ts[:k]) {
		return k
	}
	return 0
}

// mayAbbreviate reports whether a word may be the initials of a run of
// another name's words: minRun to maxRun letters. Three letters would be
// the initials of some run of many names (Sea, South East Asia).
func mayAbbreviate(w word) bool {
	return len(w.s) >= minRun && len(w.s) <= maxRun && !w.initial && isLetters(w.s)
}

// The lengths of an acronym of a run of words (see acronymRun).
const (
	minRun = 4
	maxRun = 6
)
