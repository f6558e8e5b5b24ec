package names

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/surety/surety/internal/decimal"
	"github.com/surety/surety/internal/screening/lists"
)

// Index finds the listed entries whose names match a query. It files every
// name and alias of its editions under the romanisation-neutral key of each
// word, the key with each letter deleted (so that a typo still shares a
// key), the word's consonant skeleton, its key joined to the next one or two
// (Won Ho as Wonho), and, for entities, the keys that meet acronyms. A search
// looks the query's keys up, ranks the names they reach by the rarity of the
// keys shared, drops those that cannot reach the threshold, and scores at
// most 32 with Score's measure. It never scans the whole list.
//
// An Index does not change once built and is safe for concurrent use.
// Relief is per query: see Query.Lifted.
type Index struct {
	entries []indexed
	ids     map[string][]int32 // entries by idKey of each identifier
	names   []name
	size    []uint8 // words of each name, capped at 255
	post    postings
	words   map[string]struct{} // the words of the names, as folded
	pool    sync.Pool           // *search
}

// indexed is one entry of an indexed edition.
type indexed struct {
	source string
	lists.Entry
}

// name is one form of one name or alias of an entry.
type name struct {
	entry  int32
	listed string // the name or alias as listed
	weak   bool
	acro   bool // an entity's name, which acronyms may abbreviate
	f      form
}

// Hit is one entry whose name matched a query.
type Hit struct {
	Score    float64     `json:"score"`
	Source   string      `json:"source"` // SourceUN or SourceOFAC
	Ref      string      `json:"ref"`
	Kind     lists.Kind  `json:"kind"`
	Name     string      `json:"name"`    // the entry's primary name
	Matched  string      `json:"matched"` // the name, name in its original script or alias that matched, as listed
	Programs []string    `json:"programs,omitempty"`
	Why      Explanation `json:"why"`

	entry int32 // in Index.entries
}

// Entry returns the listed entry a hit of ix is on: its dates of birth,
// identifiers and countries confirm or clear the hit.
func (ix *Index) Entry(h Hit) lists.Entry {
	return ix.entries[h.entry].Entry
}

// idKey is the key of an identifier: its type, and its number in upper-case
// letters and digits alone, so that 9 187 629 and 9187629 are one number.
func idKey(typ, number string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(typ))
	b.WriteByte(0)
	for _, r := range strings.ToUpper(number) {
		if r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Identified returns the entries listing an identifier of the given type
// and number (lists.IMO, "9187629"), each a hit scoring 1, in index order,
// leaving out lifted entries. An identifier is no name: the hit's Matched
// and Why say which identifier it was.
func (ix *Index) Identified(typ, number string, lifted map[string]bool) []Hit {
	var hits []Hit
	for _, ei := range ix.ids[idKey(typ, number)] {
		e := &ix.entries[ei]
		if lifted[e.Ref] {
			continue
		}
		id := typ + " " + number
		hits = append(hits, Hit{Score: 1, Source: e.source, Ref: e.Ref, Kind: e.Kind, Name: e.Name, Matched: id, Programs: e.Programs, Why: Explanation{Identifier: id}, entry: ei})
	}
	return hits
}

// Query is one search.
type Query struct {
	Name string
	// Limit is the most hits returned; 0 or less means 10.
	Limit int
	// Threshold is the least score of a hit; 0 means DefaultThreshold.
	Threshold float64
	// Lifted are the Refs of entries whose sanctions are lifted at the time
	// of the query: they never hit. Snapback is a set without them.
	Lifted map[string]bool
	// Kind, when set, is the only kind of entry that hits: a vessel's name
	// is searched among vessels.
	Kind lists.Kind
	// Related also returns, under the threshold, the listed entities whose
	// whole name the query extends (see Explanation.Extends), after the
	// hits: an evader who adds Group or Logistics to a listed company's
	// name is told apart from it, not let through. A vessel's or a
	// person's name is not extended: Crystal Trading Co is no front of the
	// tanker once called Crystal.
	Related bool
}

// Key tags: word keys, word keys with a letter deleted, consonant
// skeletons, the acronym keys of one-word and longer forms, the bare
// consonants that words of Arabic or Hebrew script are looked up by, of a
// word and of two words together, a Latin word's consonants (see
// sameConsonants), and a word that may be an acronym and the initials of
// a run of words (see acronymRun).
const (
	tagWord byte = iota + 1
	tagDelete
	tagSkeleton
	tagOne
	tagMany
	tagBare
	tagBarePair
	tagFrame
	tagAcronym
	tagInitials
)

// Retrieval constants.
const (
	// shortlist is how many names, ranked by the keys they share with the
	// query, are scored at most; names sharing less than cutoff of the
	// first's weight are not. Measured with `surety bench screen` (9,000
	// queries): 32 names find 92.7% of the perturbed listed names, 16 find
	// 92.3% and 64 find 93.0% for about twice the scoring; a cutoff of 0.3
	// finds 92.9% for a third more scoring, 0.7 finds 92.0%.
	shortlist = 32
	cutoff    = 0.5
	// deleteWeight scales the weight of a key with a letter deleted: a
	// word one letter off counts about as much as it usually scores.
	deleteWeight = 0.7
	// bigKey is the number of names above which a key (al, mohammad) is not
	// looked up, when the query has a rarer word to go by: about 4% of the
	// 27,500 names of the UN and OFAC lists, which such a key would touch
	// for little weight in every query that has it.
	bigKey = 1000
	// sizeWeight divides a name's shared weight by 1 + sizeWeight for each
	// word it has more or fewer than the query, so that of the names sharing
	// a query's words the closest in length are scored first: a word more
	// or fewer costs a quarter, less than a shared distinctive word gives.
	sizeWeight = 0.25
)

// NewIndex indexes the names, names in their original script and aliases of
// the editions' entries. Give one
// edition per source; entries of two editions of the same list would both
// hit.
func NewIndex(editions ...lists.Edition) *Index {
	ix := &Index{ids: map[string][]int32{}, words: map[string]struct{}{}}
	post := map[uint64][]int32{}
	var keys []uint64
	for _, ed := range editions {
		for _, e := range ed.Entries {
			ei := int32(len(ix.entries))
			ix.entries = append(ix.entries, indexed{ed.Source, e})
			acro := e.Kind == lists.Entity
			ix.add(ei, e.Name, false, acro, &keys, post)
			if e.Original != "" {
				// The name in its own script (شهاب الدين دلاور) is a name
				// of the entry as the Latin one is: a declaration that
				// writes it so matches it whole.
				ix.add(ei, e.Original, false, acro, &keys, post)
			}
			for _, p := range e.Parts {
				ix.add(ei, p, false, acro, &keys, post)
			}
			for _, a := range e.Aliases {
				ix.add(ei, a.Name, a.Quality == lists.Weak, acro, &keys, post)
			}
			for _, id := range e.IDs {
				k := idKey(id.Type, id.Number)
				if p := ix.ids[k]; len(p) == 0 || p[len(p)-1] != ei {
					ix.ids[k] = append(p, ei)
				}
			}
		}
	}
	ix.pack()
	ix.post = newPostings(post)
	n := len(ix.names)
	ix.pool.New = func() any {
		return &search{tally: make([]tally, n)}
	}
	return ix
}

// pack moves every name's words into one slice and their strings into one
// string, in name order, so that scoring a name reads memory that is close
// together.
func (ix *Index) pack() {
	var n, size int
	for i := range ix.names {
		for _, t := range ix.names[i].f.toks {
			n++
			size += len(t.text) + len(t.key) + len(t.cons) + len(t.vows) + len(t.frame) + len(t.bare)
		}
	}
	toks := make([]token, 0, n)
	var b strings.Builder
	b.Grow(size)
	for i := range ix.names {
		for _, t := range ix.names[i].f.toks {
			for _, s := range []string{t.text, t.key, t.cons, t.vows, t.frame, t.bare} {
				b.WriteString(s)
			}
		}
	}
	arena, off := b.String(), 0
	take := func(s string) string {
		s = arena[off : off+len(s)]
		off += len(s)
		return s
	}
	uids := map[simKey]uint32{}
	for i := range ix.names {
		f := &ix.names[i].f
		start := len(toks)
		for _, t := range f.toks {
			t.text, t.key, t.cons, t.vows, t.frame, t.bare = take(t.text), take(t.key), take(t.cons), take(t.vows), take(t.frame), take(t.bare)
			k := t.simKey()
			if t.uid = uids[k]; t.uid == 0 {
				t.uid = uint32(len(uids) + 1) // under queryWord
				uids[k] = t.uid
			}
			toks = append(toks, t)
		}
		f.toks = toks[start:len(toks):len(toks)]
	}
}

// simKey is what sim reads of a word: two listed words with the same
// simKey are the same to it and share a uid. A word's nickname groups
// follow from its text, and so are not in it.
type simKey struct {
	text, key, cons, vows, bare, num, digits, frame string
	letters                                         uint32
	common, trade, abjad, abbrev, tr                bool
}

// simKey returns what sim reads of t.
func (t *token) simKey() simKey {
	return simKey{t.text, t.key, t.cons, t.vows, t.bare, t.num, t.digits, t.frame, t.letters, t.common, t.trade, t.abjad, t.abbrev, t.tr}
}

// Len returns the number of name forms indexed.
func (ix *Index) Len() int { return len(ix.names) }

// add files one listed name's forms, their keys in post.
func (ix *Index) add(entry int32, listed string, weak, acro bool, keys *[]uint64, post map[uint64][]int32) {
	for _, f := range parse(listed) {
		id := int32(len(ix.names))
		ix.names = append(ix.names, name{entry: entry, listed: listed, weak: weak, acro: acro, f: f})
		ix.size = append(ix.size, uint8(min(len(f.toks), 255)))
		for _, w := range f.words {
			ix.words[w] = struct{}{}
		}
		*keys = (*keys)[:0]
		for i := range f.toks {
			*keys = wordKeys(*keys, f.toks, i)
		}
		if acro {
			*keys = acronymKeys(*keys, &f, false)
		}
		for _, k := range *keys {
			p := post[k]
			if len(p) > 0 && p[len(p)-1] == id {
				continue
			}
			post[k] = append(p, id)
		}
	}
}

// hash is FNV-1a over a tag and the given parts.
func hash(tag byte, parts ...string) uint64 {
	h := uint64(14695981039346656037)
	h = (h ^ uint64(tag)) * 1099511628211
	for _, p := range parts {
		for i := 0; i < len(p); i++ {
			h = (h ^ uint64(p[i])) * 1099511628211
		}
	}
	return h
}

// wordKeys appends the index keys of word i of toks: its key, its skeleton,
// its key joined to the next one's and next two's, and, when the key has
// four letters or more, the key with each one letter deleted.
func wordKeys(keys []uint64, toks []token, i int) []uint64 {
	t := &toks[i]
	keys = append(keys, hash(tagWord, t.key))
	if t.cons != "" {
		keys = append(keys, hash(tagSkeleton, t.cons))
	}
	if filedByConsonants(t) {
		keys = append(keys, hash(tagFrame, t.frame))
	}
	if t.abbr {
		keys = append(keys, hash(tagAcronym, t.text))
	}
	for k := minRun; k <= maxRun && i+k <= len(toks); k++ {
		if r, ok := runInitials(toks[i : i+k]); ok {
			keys = append(keys, hash(tagInitials, r))
		}
	}
	if len(t.bare) >= minBare {
		keys = append(keys, hash(tagBare, t.bare))
	}
	if i+1 < len(toks) && t.bare != "" && toks[i+1].bare != "" {
		keys = append(keys, hash(tagBarePair, t.bare, toks[i+1].bare))
	}
	for n := 2; n <= 3 && i+n <= len(toks); n++ {
		keys = append(keys, joinKey(toks[i:i+n]))
	}
	if len(t.key) >= 4 {
		keys = appendDeletes(keys, tagDelete, t.key)
	}
	// Two short words written together with a letter off (Dan Chun,
	// Tanchon): syllables of Korean and Chinese names.
	if shortPair(toks, i) {
		keys = appendDeletes(keys, tagDelete, joinText(toks[i:i+2]))
	}
	return keys
}

// filedByConsonants reports whether a word is filed and looked up by its
// consonants (see frame): a word of full weight, not a common name part,
// whose postings (every Mohammad, every Trading) would cost each search
// more than they find.
func filedByConsonants(t *token) bool {
	return t.frame != "" && !t.common && t.w == plainWeight && !t.trade
}

// runInitials returns the initials of the words ts, each of two letters or
// more, as acronymRun reads them.
func runInitials(ts []token) (string, bool) {
	var b [maxRun]byte
	for i, t := range ts {
		if len(t.text) < 2 {
			return "", false
		}
		b[i] = t.text[0]
	}
	return string(b[:len(ts)]), true
}

// shortPair reports whether words i and i+1 are both syllable-short (at
// most shortWord letters) and together long enough (five letters) for a
// deletion to leave a distinctive key.
func shortPair(toks []token, i int) bool {
	if i+2 > len(toks) {
		return false
	}
	a, b := len(toks[i].key), len(toks[i+1].key)
	return a <= shortWord && b <= shortWord && a+b >= 5
}

// minBare is the fewest consonants a word is looked up by when written in
// Arabic or Hebrew script: two would reach a tenth of the lists.
const minBare = 3

// joinText is the joined key of words written together, as joinKey hashes
// it.
func joinText(ts []token) string {
	var b []byte
	for _, t := range ts {
		k := t.key
		if len(b) > 0 && k != "" && k[0] == b[len(b)-1] {
			k = k[1:]
		}
		b = append(b, k...)
	}
	return string(b)
}

// textLen is the letters of the words ts, as written.
func textLen(ts []token) int {
	n := 0
	for _, t := range ts {
		n += len(t.text)
	}
	return n
}

// joinKey is the key of words written together (Won Ho as Wonho): their
// keys joined, a letter doubled across a join written once.
func joinKey(ts []token) uint64 {
	h := uint64(14695981039346656037)
	h = (h ^ uint64(tagWord)) * 1099511628211
	var last byte
	for _, t := range ts {
		k := t.key
		if last != 0 && k != "" && k[0] == last {
			k = k[1:]
		}
		for i := 0; i < len(k); i++ {
			h = (h ^ uint64(k[i])) * 1099511628211
		}
		if k != "" {
			last = k[len(k)-1]
		}
	}
	return h
}

// appendDeletes appends the keys of k with each one letter deleted, tagged
// with tag.
func appendDeletes(keys []uint64, tag byte, k string) []uint64 {
	for p := 0; p < len(k); p++ {
		if p > 0 && k[p] == k[p-1] {
			continue // the same deletion as the previous letter
		}
		keys = append(keys, hash(tag, k[:p], k[p+1:]))
	}
	return keys
}

// acronymKeys appends the keys under which an acronym and the name it
// abbreviates meet: a form of one word, legal forms aside (KOMID, TDG
// Ltd.), under itself and its first letter with each of the next three
// (KOMID: K with O, M or I), a longer form under its
// initials and the first letters of its first two words (KM). The index
// files one-word forms under tagOne and longer ones under tagMany; a query
// looks a one-word form up under tagMany and a longer one under tagOne, so
// that acronyms only meet longer names. A query made only of common name
// parts is a person's name and has no acronym (see acronym).
func acronymKeys(keys []uint64, f *form, query bool) []uint64 {
	one, many := tagOne, tagMany
	if query {
		one, many = many, one
	}
	if len(f.toks) == 1 {
		a := f.toks[0].text
		if len(a) < 3 || len(a) > 10 || !isLetters(a) {
			return keys
		}
		keys = append(keys, hash(one, a))
		for i := 1; i < min(4, len(a)); i++ {
			keys = append(keys, hash(one, a[:1], a[i:i+1]))
		}
		return keys
	}
	if query && !slices.ContainsFunc(f.toks, func(t token) bool { return !t.common }) {
		return keys
	}
	if lead, ok := f.lead(); ok {
		keys = append(keys, hash(many, f.initials()), hash(many, lead))
	}
	// Stop words may give an initial too (MODLEX: Ministry Of Defense ...).
	if len(f.words) >= 2 && f.stops&2 != 0 {
		keys = append(keys, hash(many, f.words[0][:1], f.words[1][:1]))
	}
	if len(f.dropped) > 0 && len(f.toks) >= 2 {
		b := make([]byte, len(f.toks))
		for i, t := range f.toks {
			b[i] = t.text[0]
		}
		keys = append(keys, hash(many, string(b)), hash(many, string(b[:2])))
	}
	return keys
}

// acroBit marks, in search.mask, a name reached by an acronym key.
const acroBit = 1 << 31

// search is the scratch space of one search.
type search struct {
	tally   []tally     // per name
	words   [31]float64 // weight of each query word
	long    [31]bool    // whether each query word's key is long
	free    uint32      // words too common to look up, counted as shared by all
	branch  uint32      // words that say a name is a branch (see branchOf), counted as shared by all
	forms   [][2]int    // the bits of each query form
	epoch   uint32
	touched []int32
	keys    []uint64
	top     shortHeap
	most    float32 // the most weight of a name that might hit
	sc      scorer
	best    []scored
}

// tally is what a search has gathered of one name, in one place so that
// reaching a name touches one cache line.
type tally struct {
	acc   float32 // weight of keys shared
	stamp uint32  // last key group that reached the name
	mask  uint32  // query words sharing a key with the name, one bit each
	fuzzy uint32  // query words within an edit of a word of the name
}

type scored struct {
	entry int32
	name  int32
	form  int
	score float64
}

// Search returns the entries with a name scoring at least the threshold
// against q.Name, best first (ties by Ref), at most one hit per entry.
func (ix *Index) Search(q Query) []Hit {
	limit := q.Limit
	if limit <= 0 {
		limit = 10
	}
	threshold := cmp.Or(q.Threshold, DefaultThreshold)
	qf := parse(q.Name)
	if len(qf) == 0 || len(ix.names) == 0 {
		return nil
	}
	// A word that is listed words run together is read as them too.
	if longWord(qf) {
		qf = runTogether(qf, ix.known)
	}
	least := threshold
	if q.Related {
		least = min(threshold, differs)
	}
	s := ix.pool.Get().(*search)
	defer ix.pool.Put(s)
	s.sc.begin(qf)
	ix.gather(s, qf)
	ix.shortlist(s, len(qf[0].toks), least, q.Lifted, q.Kind)

	s.best = s.best[:0]
	for _, c := range s.top {
		if c.w < cutoff*s.most {
			continue
		}
		nm := &ix.names[c.id]
		for fi := range qf {
			sc := s.sc.compare(&qf[fi], &nm.f, nm.acro, nil)
			if nm.weak {
				sc = decimal.Round6(sc * weakFactor)
			}
			if sc < threshold && !(q.Related && s.sc.extends && sc >= least && ix.entries[nm.entry].Kind == lists.Entity) {
				continue
			}
			i := slices.IndexFunc(s.best, func(b scored) bool { return b.entry == nm.entry })
			switch {
			case i < 0:
				s.best = append(s.best, scored{nm.entry, c.id, fi, sc})
			case ix.better(sc, c.id, s.best[i]):
				s.best[i] = scored{nm.entry, c.id, fi, sc}
			}
		}
	}
	slices.SortFunc(s.best, func(a, b scored) int {
		if a.score != b.score {
			return cmp.Compare(b.score, a.score)
		}
		return strings.Compare(ix.entries[a.entry].Ref, ix.entries[b.entry].Ref)
	})
	if len(s.best) > limit {
		s.best = s.best[:limit]
	}
	hits := make([]Hit, len(s.best))
	for i, b := range s.best {
		e, nm := &ix.entries[b.entry], &ix.names[b.name]
		h := Hit{Score: b.score, Source: e.source, Ref: e.Ref, Kind: e.Kind, Name: e.Name, Matched: nm.listed, Programs: e.Programs, entry: b.entry}
		s.sc.compare(&qf[b.form], &nm.f, nm.acro, &h.Why)
		h.Why.Weak = nm.weak
		hits[i] = h
	}
	return hits
}

// known reports whether a word is a word of a listed name, as folded.
func (ix *Index) known(w string) bool {
	_, ok := ix.words[w]
	return ok
}

// better reports whether name id scoring sc is a better hit for its entry
// than b: a higher score, or the same score on the primary name or an
// earlier alias.
func (ix *Index) better(sc float64, id int32, b scored) bool {
	if sc != b.score {
		return sc > b.score
	}
	return id < b.name
}

// gather adds up, per name, the weight of the keys it shares with the query
// forms (each key's rarity times its word's weight), and notes which query
// words share one. Each query word, with its
// skeleton, its joins to the next words and, when no name has the word
// itself, its deletions, counts once per name; so do the acronym keys.
func (ix *Index) gather(s *search, qf []form) {
	n := float64(len(ix.names))
	idf := func(df int) float32 { return float32(math.Log(1 + n/float64(df))) }
	// Common keys are skipped when some word of the query is rarer.
	skip := false
	for fi := range qf {
		for _, t := range qf[fi].toks {
			if df := len(ix.post.get(hash(tagWord, t.key))); df > 0 && df <= bigKey {
				skip = true
			}
		}
	}
	s.free = 0
	group := func() {
		s.epoch++
		if s.epoch == 0 {
			for i := range s.tally {
				s.tally[i].stamp = 0
			}
			s.epoch = 1
		}
	}
	// visit adds w times the key's rarity to each name with key k, once a
	// group, and marks the query words in bits as shared with it, exactly or
	// within an edit; visitSized only to names of least to most words.
	var visitSized func(k uint64, w float32, bits uint32, fuzzy bool, least, most uint8) int
	visit := func(k uint64, w float32, bits uint32, fuzzy bool) int {
		return visitSized(k, w, bits, fuzzy, 0, math.MaxUint8)
	}
	visitSized = func(k uint64, w float32, bits uint32, fuzzy bool, least, most uint8) int {
		p := ix.post.get(k)
		if len(p) == 0 {
			return 0
		}
		if skip && len(p) > bigKey {
			s.free |= bits
			return len(p)
		}
		w *= idf(len(p))
		sized := least > 0 || most < math.MaxUint8
		for _, id := range p {
			if sized && (ix.size[id] < least || ix.size[id] > most) {
				continue
			}
			t := &s.tally[id]
			if fuzzy {
				t.fuzzy |= bits
			} else {
				t.mask |= bits
			}
			if t.stamp == s.epoch {
				continue
			}
			t.stamp = s.epoch
			if t.acc == 0 {
				s.touched = append(s.touched, id)
			}
			t.acc += w
		}
		return len(p)
	}
	s.forms = s.forms[:0]
	s.branch = 0
	next := 0
	for fi := range qf {
		f := &qf[fi]
		s.forms = append(s.forms, [2]int{next, next + len(f.toks)})
		for i := range f.toks {
			bit := func(j int) uint32 {
				if next+j < len(s.words) {
					return 1 << (next + j)
				}
				return 0
			}
			t := &f.toks[i]
			if next < len(s.words) {
				s.words[next] = t.w
				s.long[next] = len(t.key) > shortWord
			}
			// The words that say a name is a branch are not looked up:
			// the names that share only them (the listed branches of
			// other organisations) would crowd out the organisation
			// itself, whose branch it is.
			if branchWords[t.text] {
				s.branch |= bit(0)
				next++
				continue
			}
			group()
			w := float32(t.w)
			if t.abjad {
				visit(hash(tagBare, t.bare), w, bit(0), false)
				// A word of one or two consonants, as سپه (Sepah) is, is
				// too common to be looked up by alone; with the word
				// before it, it is not (بانک سپه, Bank Sepah).
				if i > 0 && t.bare != "" && f.toks[i-1].bare != "" {
					visit(hash(tagBarePair, f.toks[i-1].bare, t.bare), w, bit(0)|bit(-1), false)
				}
			}
			df := visit(hash(tagWord, t.key), w, bit(0), false)
			// A name of one short word is compared as written (see
			// newForm), so that SHIG is not SIG, and filed so: a query
			// of one such word looks up its folded key among names of
			// more words ("Sepah" must reach Bank Sepah), and a word of
			// five letters or fewer of a longer query looks itself up
			// among names of one word ("Reyco GmbH Germany", REYCO
			// GMBH.).
			if folded := key(spelling(t.text)); folded != t.key {
				visitSized(hash(tagWord, folded), w, bit(0), false, 2, math.MaxUint8)
			} else if t.text != t.key && len(t.text) <= 5 && len(f.toks) > 1 {
				visitSized(hash(tagWord, t.text), w, bit(0), false, 1, 1)
			}
			if t.cons != "" {
				visit(hash(tagSkeleton, t.cons), w, bit(0), false)
			}
			if filedByConsonants(t) {
				visit(hash(tagFrame, t.frame), w*deleteWeight, bit(0), true)
			}
			// An acronym and the run of words it abbreviates, either way
			// (IRGC, Islamic Revolutionary Guard Corps).
			if t.abbr {
				visit(hash(tagInitials, t.text), w, bit(0), false)
			}
			for k := minRun; k <= maxRun && i+k <= len(f.toks); k++ {
				if r, ok := runInitials(f.toks[i : i+k]); ok {
					var bits uint32
					for j := range k {
						bits |= bit(j)
					}
					visit(hash(tagAcronym, r), w, bits, false)
				}
			}
			for k := 2; k <= 3 && i+k <= len(f.toks); k++ {
				visit(joinKey(f.toks[i:i+k]), w, bit(0)|bit(1)|bit(k-1), false)
				// A name of one short word is filed as written, and so
				// is looked up by the words joined as written (KOM-ID,
				// K O MID for KOMID).
				if n := textLen(f.toks[i : i+k]); n <= maxAsWritten {
					var parts [3]string
					for j, t := range f.toks[i : i+k] {
						parts[j] = t.text
					}
					visitSized(hash(tagWord, parts[:k]...), w, bit(0)|bit(1)|bit(k-1), false, 1, 1)
				}
			}
			// Written together with a letter off, as a name has it in
			// one word or two.
			if shortPair(f.toks, i) {
				s.keys = appendDeletes(s.keys[:0], tagDelete, joinText(f.toks[i:i+2]))
				for _, k := range s.keys {
					visit(k, w*deleteWeight, bit(0)|bit(1), true)
				}
			}
			// Names with the word and a letter more.
			visit(hash(tagDelete, t.key), w*deleteWeight, bit(0), true)
			if df == 0 && len(t.key) >= 4 {
				// Names with the word less a letter, or another in its place.
				s.keys = appendDeletes(s.keys[:0], tagWord, t.key)
				s.keys = appendDeletes(s.keys, tagDelete, t.key)
				for _, k := range s.keys {
					visit(k, w*deleteWeight, bit(0), true)
				}
			}
			next++
		}
		group()
		s.keys = acronymKeys(s.keys[:0], f, true)
		for _, k := range s.keys {
			visit(k, 1, acroBit, false)
		}
	}
}

// Credits assumed, when bounding a name's score, for a query word that
// shares with it only a key within an edit, and for one sharing no key at
// all (two letters apart or more). They are upper bounds of what Score
// gives such words, so that the filter drops no name that could reach the
// threshold: a short word one letter off scores at most 0.88 (Jaro-Winkler
// 0.96, four letters against five that start with them, or a final vowel
// changed, and shortSpread 3: Safr and Safar), where 0.7 had been assumed
// and SAFR, Adil was filtered out before it scored 0.73 against SAFAR,
// Adel; a long word two letters off scores at most 0.6 (Jaro-Winkler 0.8
// and spread 2), a short one 0.4 (shortSpread 3).
const (
	fuzzyShort    = 0.88
	unsharedLong  = 0.6
	unsharedShort = 0.4
)

// possible reports whether a name of size words, reached exactly by the
// query words in mask and within an edit by those in fuzzy, might score at
// least threshold against some query form. It bounds the score by crediting
// query words shared exactly, and long ones within an edit, in full, others
// as above, and name words in full up to one per shared short query word
// and three per shared long one (Wonho against Won Ho); a name reached by an
// acronym key, or missing one query word of weight 1 or less (a partial
// name), is always possible, and so is one missing branchPlaces more beside
// the words of a branch (Bank Sepah London Branch), which Score leaves out.
func (s *search) possible(mask, fuzzy uint32, size uint8, threshold float64) bool {
	if mask&acroBit != 0 {
		return true
	}
	mask |= s.free | s.branch
	n := float64(size)
	for _, f := range s.forms {
		if f[1] > len(s.words) {
			return true
		}
		allow := plainWeight
		if s.branch>>f[0]&(1<<(f[1]-f[0])-1) != 0 {
			allow += branchPlaces * plainWeight
		}
		var wq, got, name, missing float64
		for b := f[0]; b < f[1]; b++ {
			w, long := s.words[b], s.long[b]
			wq += w
			c := unsharedShort
			switch {
			case mask&(1<<b) != 0, long && fuzzy&(1<<b) != 0:
				c = 1
			case fuzzy&(1<<b) != 0:
				c = fuzzyShort
			case long:
				c = unsharedLong
			}
			got += c * w
			switch {
			case c < 1:
				name += c
				missing += w
			case long:
				name += 3
			default:
				name++
			}
		}
		if missing <= allow || (got+min(n, name))/(wq+n) >= threshold {
			return true
		}
	}
	return false
}

// shortlist keeps the names with the most weight for their size against a
// query of words words that might reach threshold, leaving out lifted
// entries, and clears the accumulators. It notes the most weight of any
// such name, lifted or not, so that lifting an entry changes no other hit.
func (ix *Index) shortlist(s *search, words int, threshold float64, lifted map[string]bool, kind lists.Kind) {
	s.top = s.top[:0]
	s.most = 0
	for _, id := range s.touched {
		d := int(ix.size[id]) - words
		t := &s.tally[id]
		c, mask, fuzzy := short{id, t.acc / (1 + sizeWeight*float32(max(d, -d)))}, t.mask, t.fuzzy
		t.acc, t.mask, t.fuzzy = 0, 0, 0
		if c.w <= s.most && len(s.top) == shortlist && !s.top[0].less(c) || !s.possible(mask, fuzzy, ix.size[id], threshold) {
			continue
		}
		s.most = max(s.most, c.w)
		if len(s.top) == shortlist && !s.top[0].less(c) {
			continue
		}
		// The entry is read only when a query asks, since reading it
		// costs a cache miss for each name that gets this far.
		if len(lifted) > 0 || kind != "" {
			if e := &ix.entries[ix.names[id].entry]; lifted[e.Ref] || kind != "" && e.Kind != kind {
				continue
			}
		}
		if len(s.top) < shortlist {
			s.top.push(c)
		} else {
			s.top.replace(c)
		}
	}
	s.touched = s.touched[:0]
}

// short is a shortlisted name and the weight of the keys it shares.
type short struct {
	id int32
	w  float32
}

// less orders by weight, ties by id, so that the shortlist does not depend
// on the order names were reached.
func (a short) less(b short) bool {
	if a.w != b.w {
		return a.w < b.w
	}
	return a.id > b.id
}

// shortHeap is a min-heap of shortlisted names.
type shortHeap []short

func (h *shortHeap) push(c short) {
	*h = append(*h, c)
	t := *h
	for i := len(t) - 1; i > 0; {
		p := (i - 1) / 2
		if !t[i].less(t[p]) {
			break
		}
		t[i], t[p] = t[p], t[i]
		i = p
	}
}

// replace replaces the least element with c.
func (h shortHeap) replace(c short) {
	h[0] = c
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(h) && h[l].less(h[m]) {
			m = l
		}
		if r < len(h) && h[r].less(h[m]) {
			m = r
		}
		if m == i {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}
