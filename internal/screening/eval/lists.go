package eval

import (
	"cmp"
	"slices"
	"strings"
	"unicode"

	"github.com/mozillazg/go-unidecode"

	"github.com/surety/surety/internal/screening/lists"
)

// FromLists builds labelled pairs from list editions. It reads the lists
// with its own plain folding (any script to Latin letters, lower case, words
// of letters and digits), which owes nothing to the matcher, and it is
// deterministic: the same editions give the same pairs in the same order.
//
// Positives are, for each entry, each alias against the primary name, and
// for a person the name in its original script against the primary name.
// An alias is kept only when it is the same name written another way: it
// shares a distinctive word with the primary name (one found in fewer than
// 1% of the edition's names), or is the initials of its words. An alias
// that shares no such word is another name altogether (a nom de guerre, a
// former company name, a translation); no measure of two names can tell that
// they belong to one party, and screening finds them because the index holds
// every alias. [Unrelated] counts them, so that the figures can say what
// they leave out. Pairs that fold to the same words test nothing and are
// left out.
//
// Hard negatives are, for each entry, the primary names of the two other
// entries of the same list and kind whose names are most alike by letter
// trigrams, among those sharing a distinctive word with it; two entries
// whose names fold to the same words (two people called HASSAN, Ali) are
// not told apart by name and are left out. An entry and the pairs drawn
// from it fall in one split by its list and reference; a negative joins two
// entries of the same split.
func FromLists(eds ...lists.Edition) []Pair {
	var ps []Pair
	for _, ed := range eds {
		ps = append(ps, fromEdition(ed)...)
	}
	return ps
}

// Unrelated counts the aliases FromLists leaves out as other names
// altogether, by split.
func Unrelated(eds ...lists.Edition) map[Split]int {
	n := map[Split]int{}
	for _, ed := range eds {
		df := frequencies(ed)
		for _, e := range ed.Entries {
			s := split(ed.Source + "/" + e.Ref)
			for _, a := range e.Aliases {
				if _, ok := variant(a.Name, e.Name, df); !ok {
					n[s]++
				}
			}
		}
	}
	return n
}

// distinctive is the most share of an edition's names a word may occur in
// and still say which entry a name belongs to: 1%, about 90 names of the
// OFAC list, leaves out the words of trade, country and common given names
// (bank, iran, mohammad) and keeps surnames.
const distinctive = 0.01

// negativesPer is how many hard negatives each entry gives: two, so that
// the negatives are about as many as the positives, as in the balanced sets
// matchers are compared on.
const negativesPer = 2

// minTrigram is the least trigram likeness of a hard negative: names less
// alike (a fifth of their trigrams shared) are not hard.
const minTrigram = 0.2

type docFreq struct {
	n     int
	count map[string]int
}

func (d docFreq) rare(w string) bool {
	return len(w) >= 3 && float64(d.count[w]) < distinctive*float64(d.n)
}

// frequencies counts, per word, the names and aliases of ed holding it.
func frequencies(ed lists.Edition) docFreq {
	d := docFreq{count: map[string]int{}}
	add := func(s string) {
		d.n++
		ws := words(s)
		slices.Sort(ws)
		for _, w := range slices.Compact(ws) {
			d.count[w]++
		}
	}
	for _, e := range ed.Entries {
		add(e.Name)
		for _, a := range e.Aliases {
			add(a.Name)
		}
	}
	return d
}

// words folds a name to lower-case Latin words of letters and digits.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(unidecode.Unidecode(s)), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// variant reports whether a and b are the same name written two ways, and
// the case: sharing a distinctive word, or one the initials of the other.
func variant(a, b string, df docFreq) (string, bool) {
	wa, wb := words(a), words(b)
	if strings.Join(wa, " ") == strings.Join(wb, " ") {
		return "", false
	}
	for _, w := range wa {
		if df.rare(w) && slices.Contains(wb, w) {
			return "alias", true
		}
	}
	if initials(wa, wb) || initials(wb, wa) {
		return "alias", true
	}
	return "", false
}

// initials reports whether a is one word of three letters or more made of
// the first letters of b's words, with or without of, the, and and for.
func initials(a, b []string) bool {
	if len(a) != 1 || len(a[0]) < 3 || len(b) < 3 {
		return false
	}
	var all, some strings.Builder
	for _, w := range b {
		all.WriteByte(w[0])
		switch w {
		case "of", "the", "and", "for":
		default:
			some.WriteByte(w[0])
		}
	}
	return a[0] == all.String() || a[0] == some.String()
}

// trigrams returns the set of letter trigrams of a folded name, words padded
// with a space.
func trigrams(ws []string) []string {
	var ts []string
	for _, w := range ws {
		w = " " + w + " "
		for i := 0; i+3 <= len(w); i++ {
			ts = append(ts, w[i:i+3])
		}
	}
	slices.Sort(ts)
	return slices.Compact(ts)
}

// jaccard is the Jaccard likeness of two sorted sets.
func jaccard(a, b []string) float64 {
	i, j, both := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch c := strings.Compare(a[i], b[j]); {
		case c == 0:
			both++
			i++
			j++
		case c < 0:
			i++
		default:
			j++
		}
	}
	if n := len(a) + len(b) - both; n > 0 {
		return float64(both) / float64(n)
	}
	return 0
}

func fromEdition(ed lists.Edition) []Pair {
	df := frequencies(ed)
	var ps []Pair
	added := map[[2]int]bool{}
	type folded struct {
		words []string
		tris  []string
		split Split
	}
	fs := make([]folded, len(ed.Entries))
	byWord := map[string][]int{}
	for i, e := range ed.Entries {
		ws := words(e.Name)
		fs[i] = folded{ws, trigrams(ws), split(ed.Source + "/" + e.Ref)}
		seen := map[string]bool{}
		for _, w := range ws {
			if df.rare(w) && !seen[w] {
				seen[w] = true
				byWord[w] = append(byWord[w], i)
			}
		}
	}
	for i, e := range ed.Entries {
		s := fs[i].split
		for _, a := range e.Aliases {
			if c, ok := variant(a.Name, e.Name, df); ok {
				ps = append(ps, Pair{A: a.Name, B: e.Name, Same: true, Case: c, Split: s})
			}
		}
		if e.Original != "" && e.Kind == lists.Individual && strings.Join(words(e.Original), " ") != strings.Join(fs[i].words, " ") {
			ps = append(ps, Pair{A: e.Original, B: e.Name, Same: true, Case: "original script", Split: s})
		}
		// Hard negatives.
		type cand struct {
			j int
			l float64
		}
		var cs []cand
		seen := map[int]bool{i: true}
		for _, w := range fs[i].words {
			for _, j := range byWord[w] {
				if seen[j] {
					continue
				}
				seen[j] = true
				f := ed.Entries[j]
				if f.Kind != e.Kind || fs[j].split != s || strings.Join(fs[j].words, " ") == strings.Join(fs[i].words, " ") {
					continue
				}
				if l := jaccard(fs[i].tris, fs[j].tris); l >= minTrigram {
					cs = append(cs, cand{j, l})
				}
			}
		}
		slices.SortFunc(cs, func(a, b cand) int {
			if c := cmp.Compare(b.l, a.l); c != 0 {
				return c
			}
			return strings.Compare(ed.Entries[a.j].Ref, ed.Entries[b.j].Ref)
		})
		for _, c := range cs[:min(len(cs), negativesPer)] {
			k := [2]int{min(i, c.j), max(i, c.j)}
			if added[k] {
				continue
			}
			added[k] = true
			ps = append(ps, Pair{A: e.Name, B: ed.Entries[c.j].Name, Case: "similar entry", Split: s})
		}
	}
	return ps
}
