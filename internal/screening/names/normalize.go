package names

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/surety/surety/internal/screening/glyphs"
)

// maxWords bounds the words of one name that take part in matching; the rest
// of a longer name is ignored. Listed names run to 12 words; 16 leaves room
// for a legal form and a qualifier, and keeps a name's words in the 32-bit
// masks of the alignment.
const maxWords = 16

// class is how a word takes part in matching.
type class uint8

const (
	plain      class = iota
	stop             // dropped everywhere
	legal            // dropped from comparison, kept for initials
	generic          // compared at low weight
	patronymic       // a Slavic patronymic: compared at middling weight
)

// Word weights in the alignment score. A generic word (korea, trading, bank,
// al) is shared by so many listed names that it says little about which one
// is meant: 0.3 lets two such words together count for less than one
// distinctive word, so that a name of generic words and one distinctive word
// does not match another with a different distinctive word. A patronymic
// (Aleksandrovich) tells people apart but is often left out of a name:
// half a word.
const (
	plainWeight      = 1.0
	genericWeight    = 0.3
	patronymicWeight = 0.5
)

// token is one compared word of a name.
type token struct {
	text    string  // folded spelling, as the name has it
	key     string  // romanisation-neutral key of its canonical spelling
	cons    string  // consonant skeleton of key, or "" when too short to tell
	vows    string  // the vowels that go with cons
	bare    string  // the consonants of key alone, for words of abjad scripts
	num     string  // the number the word is, in digits, or ""
	digits  string  // the digits of a word of letters and digits, as a registration has them (488 of N488RC), or ""
	w       float64 // weight in the score
	letters uint32  // bit c-'a' set for each letter c of key; all set when key is not ASCII
	groups  []uint16
	common  bool   // a common Korean or Persian name part
	trade   bool   // a word of trade (see tradeWords), in its canonical spelling
	abjad   bool   // written in a script without vowels: compared by bare
	initial bool   // joined initials of given names, as J.-C. is
	abbrev  bool   // written with a full stop after it, as an abbreviation is (Assoc.)
	country bool   // a word of a country's name
	written bool   // compared as written: a short name of one word (see newForm)
	frame   string // first letter and consonants of text (see frame), or ""
	later   bool   // a surname after the first (see word.later)
	surname bool   // a surname of a name written "LAST, First"
	abbr    bool   // may be the initials of a run of words (see mayAbbreviate)
	tr      bool   // a word translationTable gives for a listed word (see translates)
	// uid numbers the word for scorer.sim's memo: in an index, one number
	// for each distinct listed word (see Index.pack); in a query searched,
	// queryWord plus the word's place among the query's words, from 1
	// (see scorer.begin); 0 elsewhere, where nothing is remembered.
	uid uint32
}

func newToken(wd word, w float64) token {
	c := spelling(wd.s)
	k := key(c)
	t := token{text: wd.s, key: k, w: w, common: commonNames[c], trade: tradeWords[c], abjad: wd.abjad, initial: wd.initial, abbrev: wd.abbrev, later: wd.later, surname: wd.surname, groups: nicknames[c], country: countries[c], tr: translated[wd.s] != ""}
	t.cons, t.vows = skeleton(k)
	if !t.abjad {
		t.frame = frame(wd.s)
		t.abbr = mayAbbreviate(wd)
	}
	t.bare = bare(c)
	t.num = number(wd.s)
	if t.num == "" {
		t.digits = strings.Map(func(r rune) rune {
			if r < '0' || r > '9' {
				return -1
			}
			return r
		}, wd.s)
	}
	for i := 0; i < len(k); i++ {
		switch c := k[i]; {
		case c >= 'a' && c <= 'z':
			t.letters |= 1 << (c - 'a')
		case c >= utf8.RuneSelf:
			t.letters = ^uint32(0)
			return t
		}
	}
	return t
}

// bare returns the consonants of a folded word without h, y and w (and v,
// which is w in the key: Persian writes Javad what Arabic writes Jawad), which
// abjads write for long vowels or transliterations add to other letters
// (kh, sh, th): the part of a name that Arabic or Hebrew script and a Latin
// spelling share (mhmd for محمد and Mohammad becomes mmd). Consonants that
// transliterations swap are one letter, as in key, and z is d: ظ, ض and ذ
// are written z, d, dh or th (كاظم, Kazim, Kathim). French spellings write
// ج as dj (Djamel for جمال), which is j.
func bare(w string) string {
	var buf [64]byte
	b := buf[:0]
	for i := 0; i < len(w) && len(b) < len(buf); i++ {
		c := w[i]
		if c >= utf8.RuneSelf {
			return w
		}
		if c == 'd' && i+1 < len(w) && w[i+1] == 'j' {
			continue
		}
		c = keyLetter[c]
		if isVowel(c) || c == 'w' || c == 'h' {
			continue
		}
		if c == 'z' {
			c = 'd'
		}
		if len(b) == 0 || b[len(b)-1] != c {
			b = append(b, c)
		}
	}
	return string(b)
}

// form is one way of reading a name, ready to compare.
type form struct {
	toks    []token  // compared words, in order
	words   []string // all folded words, stop words and legal forms included
	stops   uint32   // bit i is set when words[i] is a stop word
	dropped []string // legal-form words left out of toks
	// qual are the folded words of the name's qualifiers: what a bracket
	// or a trailing " - " part says that is not the name's acronym, as in
	// Bank X (France) or ISIL - Yemen.
	qual []string
	// chain is set when the name joins a person to a parent with bin, ibn
	// or bint: then the order of its words tells people apart.
	chain bool
	// org is set when the name has a legal form or a word of trade: an
	// organisation's name, which a longer name is not a fuller form of.
	org bool
	// w is the weight of toks, as align takes it.
	w float64
}

// hasInitials reports whether a is f.initials(), without building it.
func (f *form) hasInitials(a string) bool {
	n := 0
	for i, w := range f.words {
		if f.stops&(1<<i) == 0 {
			if n == len(a) || a[n] != w[0] {
				return false
			}
			n++
		}
	}
	return n == len(a)
}

// initials returns the first letters of f's words other than stop words.
func (f *form) initials() string {
	b := make([]byte, 0, len(f.words))
	for i, w := range f.words {
		if f.stops&(1<<i) == 0 {
			b = append(b, w[0])
		}
	}
	return string(b)
}

// lead returns the first letters of f's first two words other than stop
// words, and false when it has fewer.
func (f *form) lead() (string, bool) {
	var b [2]byte
	n := 0
	for i, w := range f.words {
		if f.stops&(1<<i) == 0 {
			b[n] = w[0]
			if n++; n == 2 {
				return string(b[:]), true
			}
		}
	}
	return "", false
}

// Normalize returns name as the matcher reads it: in Latin letters, lower
// case, without diacritics, quotes or punctuation, "LAST, First" turned into
// "First LAST", legal forms and stop words dropped and each word replaced by
// its canonical spelling (Rhee and Lee become ri, Muhammad becomes
// mohammad). Words are separated by one space. A parenthesised part, such as
// an acronym after a name, is left out.
//
// A dropped word can leave two words side by side that were apart in the
// name: in Az AB Zahra the article az does not stand before Zahra, but in
// az zahra it does, and is read as al. So the name is read again, up to
// four more times, until it reads the same: Normalize of its own result
// then changes nothing (FuzzNormalize checks it).
func Normalize(name string) string {
	n := normalizeOnce(name)
	for range 4 {
		again := normalizeOnce(n)
		if again == n {
			break
		}
		n = again
	}
	return n
}

// normalizeOnce writes the words of the first form of name.
func normalizeOnce(name string) string {
	fs := parse(name)
	if len(fs) == 0 {
		return ""
	}
	var b strings.Builder
	for i, t := range fs[0].toks {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(spelling(t.text))
	}
	return b.String()
}

// spelling returns the canonical spelling of a folded word. The Persian
// ezafe written onto a word that ends in a vowel (Kalaye Electric for
// Kala-ye Electric) is left out: the word is the word without it.
func spelling(w string) string {
	if c, ok := canon[w]; ok {
		return c
	}
	stripped := false
	for n := len(w); n >= 6 && w[n-2:] == "ye" && isVowel(w[n-3]); n = len(w) {
		w, stripped = w[:n-2], true // once more for idempotence: kaleyeye
	}
	if c, ok := canon[w]; ok && stripped {
		return c
	}
	return w
}

// parse returns the forms of a name: the name without any parenthesised part,
// the name with it, the parenthesised part alone when it is one word (an
// acronym such as AIG), the name with symbols read as the letters they
// look like (see glyphs.Symbols), a Korean name in Cyrillic read as
// romanised Korean (see koreanReadings), and a Korean organisation's name
// by its words of trade in English (see koreanWords). The words of trade of
// a Chinese, Persian or Arabic organisation's name are read in English, and
// Korean titles left out, in every form (see hanWords, arabicWords,
// hangulTitles). A part that is not the name's acronym, and a trailing part
// after " - ", is a qualifier (see form.qual), which every form carries.
// Forms with the same words are given once; a name without letters or
// digits has none.
func parse(name string) []form {
	name = hangulTitles(arabicWords(hanWords(name)))
	var fs []form
	outside, inside, ok := parens(name)
	base, suffix := outside, ""
	if i := strings.LastIndex(outside, " - "); i > 0 {
		if rest := strings.TrimSpace(outside[i+3:]); rest != "" && len(newForm(rest).toks) <= 3 {
			base, suffix = outside[:i], rest
		}
	}
	whole := newForm(base)
	var qual []string
	var acros []string
	for _, in := range inside {
		f := newForm(in)
		if len(f.toks) == 0 {
			continue
		}
		if len(f.toks) == 1 && len(f.words) == 1 && len(f.toks[0].text) >= 2 && (isAcronymOf(f.toks[0].text, &whole) || len(f.toks[0].text) <= 5 && !hasVowel(f.toks[0].text)) {
			acros = append(acros, in)
			continue
		}
		for _, t := range f.toks {
			qual = append(qual, t.text)
		}
	}
	if suffix != "" {
		for _, t := range newForm(suffix).toks {
			qual = append(qual, t.text)
		}
	}
	addForm := func(f form) {
		if len(f.toks) == 0 {
			return
		}
		f.qual = qual
		for _, g := range fs {
			if sameKeys(g.toks, f.toks) {
				return
			}
		}
		fs = append(fs, f)
	}
	addForm(whole)
	if ok || suffix != "" {
		addForm(newForm(strings.NewReplacer("(", " ", ")", " ", "[", " ", "]", " ").Replace(name)))
	}
	for _, in := range acros {
		addForm(newForm(in))
	}
	// Symbols written inside a word for letters (KOM|D, B@NK) are read
	// as those letters too; as written, they part words, as a pipe
	// between two names does.
	if r, ok := glyphs.Symbols(name); ok {
		addForm(newForm(r))
	}
	// A Korean name written in Russian is read as the lists romanise it
	// (Ким Чен Ын, Kim Jong Un).
	for _, r := range koreanReadings(base) {
		addForm(newForm(r))
	}
	// A Korean organisation's name is also read by its words of trade in
	// English (조선광업개발무역회사, Korea Mining Development Trading
	// Company).
	if r, ok := koreanWords(base); ok {
		addForm(newForm(r))
	}
	return fs
}

// isAcronymOf reports whether a one-word part in brackets abbreviates the
// name it follows, as SHIG does Shahid Hemmat Industrial Group.
func isAcronymOf(a string, f *form) bool {
	if len(f.words) < 2 {
		return false
	}
	s := form{toks: []token{{text: a}}, words: []string{a}}
	sc, _ := acronym(&s, f, 2)
	return sc > 0 || strings.HasPrefix(f.initials(), a[:1])
}

func hasVowel(w string) bool {
	return strings.ContainsAny(w, "aeiou")
}

func sameKeys(a, b []token) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].key != b[i].key {
			return false
		}
	}
	return true
}

// parens splits s into the text outside balanced (...) or [...] groups and
// the groups' contents. ok is false when s has no balanced group.
func parens(s string) (outside string, inside []string, ok bool) {
	var out strings.Builder
	for {
		i := strings.IndexAny(s, "([")
		if i < 0 {
			break
		}
		closer := byte(')')
		if s[i] == '[' {
			closer = ']'
		}
		j := strings.IndexByte(s[i+1:], closer)
		if j < 0 {
			break
		}
		out.WriteString(s[:i])
		out.WriteByte(' ')
		inside = append(inside, s[i+1:i+1+j])
		s = s[i+2+j:]
		ok = true
	}
	out.WriteString(s)
	return out.String(), inside, ok
}

// newForm reads one variant of a name.
func newForm(s string) form {
	words := servantOf(legalPhrases(reorder(s)))
	if len(words) > maxWords {
		words = words[:maxWords]
	}
	var f form
	var kept []word
	for i, w := range words {
		c := classOf(w.s)
		// "No. 39" and "#39" are the same office.
		if w.s == "no" && i+1 < len(words) && isNumber(words[i+1].s) {
			continue
		}
		f.words = append(f.words, w.s)
		switch {
		case i > 0 && tails[w.s] != "" && tails[w.s] == spelling(words[i-1].s):
			// Lines after Shipping: in the initials, compared with nothing.
		case c == stop:
			f.stops |= 1 << (len(f.words) - 1)
		case c == legal:
			f.dropped = append(f.dropped, w.s)
		default:
			kept = append(kept, w)
		}
		switch {
		case chainWords[w.s]:
			f.chain = true
		case c == legal, tradeWords[w.s]:
			f.org = true
		}
	}
	// Initials that only a dropped word kept apart join too, and may make a
	// legal form ("K. K.").
	for {
		n := len(kept)
		kept = slices.DeleteFunc(joinInitials(kept), func(w word) bool {
			switch classes[w.s] {
			case legal:
				f.dropped = append(f.dropped, w.s)
				return true
			case stop:
				return true
			}
			return false
		})
		if len(kept) == n {
			break
		}
	}
	// A Roman numeral that ends a name of two words or more is a number:
	// Fund XI is fund 11.
	if n := len(kept); n >= 2 && roman(kept[n-1].s) != "" && !kept[n-1].abjad {
		kept[n-1].s = roman(kept[n-1].s)
	}
	// A number written in words or as an ordinal is the number: Fourteen
	// Star and 14 Star, Seventh of Tir and 7th of Tir.
	for i := range kept {
		if d := numeral(kept[i].s); d != "" && !kept[i].abjad {
			kept[i].s = d
		}
	}
	f.toks = make([]token, 0, len(kept)+len(f.dropped))
	for _, w := range kept {
		wt := plainWeight
		switch {
		case classes[w.s] == generic:
			wt = genericWeight
		case isPatronymic(w.s):
			wt = patronymicWeight
		}
		f.toks = append(f.toks, newToken(w, wt))
	}
	if len(f.toks) == 0 && len(f.dropped) > 0 {
		// A name made only of legal-form words is compared as it is.
		for _, w := range f.dropped {
			f.toks = append(f.toks, newToken(word{s: w}, plainWeight))
		}
		f.dropped = nil
	}
	// A one-word name of maxAsWritten letters or fewer is an acronym or
	// a code: its letters are compared as written, not folded as
	// romanisations are (SHIG is not SIG).
	if len(f.toks) == 1 && len(f.toks[0].text) <= maxAsWritten && !f.toks[0].abjad {
		t := &f.toks[0]
		t.key, t.written = t.text, true
		t.cons, t.vows = skeleton(t.key)
	}
	f.w = weight(f.toks)
	return f
}

// classOf returns how w takes part in matching. A misspelt legal-form word
// of seven letters or more (cmpany, corportion) is still one: it may be one
// edit off, two when it has the word's first letter. A word ending as Slavic
// patronymics do (-ovich, -evna) is one.
func classOf(w string) class {
	if c, ok := classes[w]; ok {
		return c
	}
	if len(w) >= 6 {
		for _, l := range longLegal {
			if len(w) < len(l)-1 || len(w) > len(l)+1 {
				continue
			}
			edits := 1
			if w[0] == l[0] {
				edits = 2
			}
			if withinEdits(w, l, edits) {
				return legal
			}
		}
		if isPatronymic(w) {
			return patronymic
		}
	}
	return plain
}

// isPatronymic reports whether w ends as a Slavic patronymic does.
func isPatronymic(w string) bool {
	for _, s := range patronymicEnds {
		if len(w) >= len(s)+3 && strings.HasSuffix(w, s) {
			return true
		}
	}
	return false
}

// patronymicEnds are the endings of Russian, Ukrainian and Belarusian
// patronymics as the lists romanise them.
var patronymicEnds = []string{"ovich", "evich", "ovych", "evych", "ovna", "evna", "ivna", "ichna", "avich", "avna", "ovic"}

// reorder folds s into words and turns "LAST, First" into "First LAST",
// marking the surnames (see word.surname and word.later). A single comma is
// read that way when both sides are short and the part after it is not a
// legal form (as in "ANGLO-CARIBBEAN CO., LTD.").
func reorder(s string) []word {
	if strings.Count(s, ",") != 1 {
		return joinInitials(fold(s))
	}
	before, after, _ := strings.Cut(s, ",")
	b, a := fold(before), fold(after)
	if len(b) == 0 || len(a) == 0 || len(b) > 4 || len(a) > 4 {
		return joinInitials(append(b, a...))
	}
	for _, w := range a {
		if c := classOf(w.s); c != legal && c != stop {
			first := true
			for i := range b {
				b[i].surname = true
				if !first {
					b[i].later = true
				} else if c := classOf(b[i].s); c == plain {
					first = false
				}
			}
			return joinInitials(append(a, b...))
		}
	}
	return joinInitials(append(b, a...))
}

// legalPhrases replaces each legal form written out in words
// (Aktiengesellschaft, sociedad anonima, obshchestvo s ogranichennoy
// otvetstvennostyu) by its abbreviation, longest first.
func legalPhrases(ws []word) []word {
	out := make([]word, 0, len(ws))
	for i := 0; i < len(ws); {
		best, n := "", 0
		for _, p := range phrases[ws[i].s] {
			if len(p.words) > n && i+len(p.words) <= len(ws) && matchPhrase(p.words, ws[i:i+len(p.words)]) {
				best, n = p.canon, len(p.words)
			}
		}
		if n == 0 {
			out = append(out, ws[i])
			i++
			continue
		}
		out = append(out, word{s: best})
		i += n
	}
	return out
}

func matchPhrase(p []string, ws []word) bool {
	for i, w := range p {
		if ws[i].s != w {
			return false
		}
	}
	return true
}

func isNumber(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return w != ""
}

// numberWords are the English numbers, cardinal and ordinal, that names
// write in words, in digits.
var numberWords = func() map[string]string {
	m := map[string]string{}
	for i, w := range strings.Fields(`one two three four five six seven eight nine ten eleven twelve
		thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty`) {
		m[w] = strconv.Itoa(i + 1)
	}
	for i, w := range strings.Fields(`first second third fourth fifth sixth seventh eighth ninth tenth
		eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth`) {
		m[w] = strconv.Itoa(i + 1)
	}
	for i, w := range strings.Fields(`thirty forty fifty sixty seventy eighty ninety`) {
		m[w] = strconv.Itoa(30 + 10*i)
	}
	return m
}()

// numeral returns in digits a number written in English words (fourteen,
// seventh) or as an ordinal in digits (7th, 1st), or "".
func numeral(w string) string {
	if d, ok := numberWords[w]; ok {
		return d
	}
	if n := len(w); n >= 3 {
		switch w[n-2:] {
		case "st", "nd", "rd", "th":
			return number(w[:n-2])
		}
	}
	return ""
}

// number returns w as a number in digits without leading zeros, or "".
func number(w string) string {
	if !isNumber(w) {
		return ""
	}
	if t := strings.TrimLeft(w, "0"); t != "" {
		return t
	}
	return "0"
}

// roman returns a Roman numeral from I to XXXIX in digits, or "".
func roman(w string) string {
	n, prev := 0, 0
	for i := len(w) - 1; i >= 0; i-- {
		var v int
		switch w[i] {
		case 'i':
			v = 1
		case 'v':
			v = 5
		case 'x':
			v = 10
		default:
			return ""
		}
		if v < prev {
			n -= v
		} else {
			n += v
			prev = v
		}
	}
	if n == 0 || n > 39 {
		return ""
	}
	// Only the canonical spelling: iiii and vx are not numerals.
	if toRoman(n) != w {
		return ""
	}
	return strconv.Itoa(n)
}

func toRoman(n int) string {
	var b strings.Builder
	for _, p := range []struct {
		v int
		s string
	}{{10, "x"}, {9, "ix"}, {5, "v"}, {4, "iv"}, {1, "i"}} {
		for n >= p.v {
			b.WriteString(p.s)
			n -= p.v
		}
	}
	return b.String()
}

// word is one folded word and what its letters came from.
type word struct {
	s       string
	abjad   bool // written in a script without vowels
	initial bool // joined initials
	abbrev  bool // a full stop after it
	dash    bool // a hyphen after it
	surname bool // before the comma of a name written "LAST, First"
	// later is set on the surnames after the first, in a name written
	// "LAST LAST, First": after the first word of the surnames that is
	// neither a particle nor a stop word (AL-TIKRITI has one surname,
	// NASSER DE HASBUN two).
	later bool
}

// folder splits text into folded words.
type folder struct {
	words []word
	buf   []byte
	abjad bool // the word being read is in an abjad script
	stop  bool // the word being read ends with a full stop
	dash  bool // the word being read ends with a hyphen
	latin bool // the text has Latin letters
	skel  bool // the word being read passes for Latin: read look-alikes by their skeleton
	start []rune
}

func (f *folder) flush() {
	if len(f.buf) > 0 {
		s := string(f.buf)
		// Digits for letters in a word that letters of another script
		// began (ذ0A is dh0a), which glyphs.Letters did not see whole.
		if l, ok := glyphs.AsLetters(s); ok {
			s = l
		}
		// The Arabic article al- is written joined to its word: split it
		// off a word of more than three letters, or of three when the
		// word after it starts with an alef (الاحد, al-Ahad, whose alefs
		// are not written in Latin letters), but not off Allah (الله).
		if f.abjad && len(f.start) >= 2 && alef(f.start[0]) && f.start[1] == 'ل' && (len(s) > 3 || len(f.start) == 3 && alef(f.start[2]) && len(s) == 3) {
			f.words = append(f.words, word{s: "al", abjad: true})
			s = s[1:]
		}
		f.words = append(f.words, word{s: s, abjad: f.abjad, abbrev: f.stop, dash: f.dash})
		f.buf = f.buf[:0]
	}
	f.abjad, f.stop, f.dash = false, false, false
	f.start = f.start[:0]
}

// ascii adds one ASCII character: letters and digits join the word,
// apostrophes and quotes vanish (CH'O'NG is chong), anything else ends it.
func (f *folder) ascii(c byte) {
	switch {
	case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		f.buf = append(f.buf, c)
	case 'A' <= c && c <= 'Z':
		f.buf = append(f.buf, c+'a'-'A')
	case c == '\'' || c == '`' || c == '"':
	case c == '.':
		f.stop = true
		f.flush()
	case c == '-':
		f.dash = true
		f.flush()
	default:
		f.flush()
	}
}

// foldSpecial spells, in lower case, letters that do not decompose into a
// base letter and a mark.
var foldSpecial = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'đ': "d", 'ð': "d", 'ł': "l", 'þ': "th", 'ı': "i", 'ħ': "h",
	'ə': "a", // the Azerbaijani schwa: Əliyev is Aliyev
}

// isQuote reports typographic quotes and modifier letters used as
// apostrophes in romanised names (Ch’oe, Kyo‘ng, Ma'ʼmun).
func isQuote(r rune) bool {
	switch r {
	case '\u2018', '\u2019', '\u201A', '\u201B', '\u201C', '\u201D', '\u201E', '\u2032',
		'\u02BC', '\u02BB', '\u02BD', '\u02B9', '\u00B4', '\u00AB', '\u00BB':
		return true
	}
	return false
}

// rune adds one rune beyond ASCII, decomposed (NFKD) into base letters and
// marks, except for Korean syllables, which become words of their own.
func (f *folder) rune(r rune) {
	if unicode.Is(unicode.So, r) && utf8.RuneCountInString(norm.NFKD.String(string(r))) > 1 {
		// A sign such as ™ or ℠ decomposes into letters that would join
		// the word before it (KOMID™ as komidtm): it parts words. A
		// letter in a circle or a square (Ⓚ, 🄺) is the letter.
		f.flush()
		return
	}
	if isHangul(r) {
		f.flush()
		f.buf = append(f.buf, hangul(r)...)
		f.flush()
		return
	}
	var in [utf8.UTFMax]byte
	var tmp [32]byte
	for _, d := range string(norm.NFKD.Append(tmp[:0], in[:utf8.EncodeRune(in[:], r)]...)) {
		f.base(d)
	}
}

// base adds one rune of a decomposed letter, in lower case: marks and
// quotes vanish, letters without a decomposition are spelt out (ß, æ, ø),
// letters of other scripts are transliterated, or read as the Latin letters
// they look like in a word that passes for Latin, and Chinese characters,
// each a syllable, become words of their own. A look-alike is read before
// its case is folded (see glyphs.LookAlike).
func (f *folder) base(r rune) {
	if f.skel {
		if s, ok := glyphs.LookAlike(r); ok {
			f.buf = append(f.buf, s...)
			return
		}
	}
	r = unicode.ToLower(r)
	switch {
	case r < utf8.RuneSelf:
		f.ascii(byte(r))
	case isQuote(r), unicode.Is(unicode.Mn, r), unicode.Is(unicode.Cf, r):
		// Marks, quotes and invisible format characters (the zero-width
		// space, the soft hyphen, the bidirectional controls) vanish:
		// "KO\u200bMID" is KOMID.
	case unicode.Is(unicode.Han, r):
		f.flush()
		f.buf = transliterate(f.buf, r)
		f.flush()
	case unicode.IsLetter(r) || unicode.IsDigit(r):
		if s, ok := foldSpecial[r]; ok {
			f.buf = append(f.buf, s...)
			return
		}
		if unicode.Is(unicode.Latin, r) {
			// A Latin letter that neither decomposes nor is spelt out is
			// read as the letter it looks like (the small capitals ᴋ, ᴍ,
			// ꜱ) or its transliteration (ŋ, ɛ), and kept where it has
			// neither.
			if s, ok := glyphs.Skeleton(r); ok {
				f.buf = append(f.buf, s...)
			} else if t := transliterate(nil, r); len(t) > 0 {
				f.buf = append(f.buf, t...)
			} else {
				f.buf = utf8.AppendRune(f.buf, r)
			}
			return
		}
		if abjad(r) {
			f.abjad = true
			if len(f.start) < 3 {
				f.start = append(f.start, r)
			}
		}
		f.buf = transliterate(f.buf, r)
	default:
		f.flush()
	}
}

// fold splits s into lower-case words of Latin letters and digits, without
// diacritics, quotes or punctuation.
func fold(s string) []word {
	// Digits written for the letters they look like (K0MID), and a small
	// l for I among capitals (KOMlD), are those letters.
	s = glyphs.Letters(s)
	s = splitCamel(s)
	var f folder
	var buf [64]byte
	f.buf = buf[:0]
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if !ascii {
		f.latin = glyphs.HasLatin(s)
	}
	for i := 0; i < len(s); {
		if len(f.buf) == 0 && f.latin {
			f.skel = passesLatin(s[i:])
		}
		c := s[i]
		if c < utf8.RuneSelf {
			f.ascii(c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		if r == utf8.RuneError && n == 1 {
			f.flush()
			continue
		}
		f.rune(r)
	}
	f.flush()
	return f.words
}

// splitCamel writes apart the words of a name run together with a capital
// for each (KoreaMiningDevelopmentTrading), when every word so found has
// three letters or more with no capital after its first; a word of two
// letters may be among them when one of them is a common name part, as
// Korean names are written (KimYoJong). A word written in mixed case
// otherwise (KoMiD, McDonald) is one word, as before.
func splitCamel(s string) string {
	if !mixedCase(s) {
		return s
	}
	var cuts []int
	start, prev := 0, rune(0)   // start of the word being read; its last letter
	ok := true                  // the word's parts found so far can be split off
	from, part, caps := 0, 0, 0 // start and letters of the part being read; capitals after its first
	twos, named := false, false // the word has a part of two letters; one that is a common name part
	cut := func(i int) {
		switch {
		case part < 2 || caps > 0:
			ok = false
		case part == 2:
			twos = true
		}
		if part <= 5 && commonNames[strings.ToLower(s[from:i])] {
			named = true
		}
	}
	end := func(i int) {
		cut(i)
		if !ok || twos && !named {
			// Forget the cuts made in this word.
			for len(cuts) > 0 && cuts[len(cuts)-1] > start {
				cuts = cuts[:len(cuts)-1]
			}
		}
		start, prev, ok, part, caps, twos, named = i, 0, true, 0, 0, false, false
	}
	for i, r := range s {
		if !unicode.IsLetter(r) {
			end(i)
			continue
		}
		if part == 0 {
			from = i
		}
		if unicode.IsUpper(r) && unicode.IsLower(prev) {
			cut(i)
			cuts = append(cuts, i)
			from, part, caps = i, 0, 0
		} else if part > 0 && unicode.IsUpper(r) {
			caps++
		}
		part++
		prev = r
	}
	end(len(s))
	if len(cuts) == 0 {
		return s
	}
	b := make([]byte, 0, len(s)+len(cuts))
	last := 0
	for _, c := range cuts {
		b = append(b, s[last:c]...)
		b = append(b, ' ')
		last = c
	}
	return string(append(b, s[last:]...))
}

// mixedCase reports whether s may have a small letter before a capital:
// an ASCII one does, or s has letters beyond ASCII.
func mixedCase(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		c, d := s[i], s[i+1]
		if c >= utf8.RuneSelf || 'a' <= c && c <= 'z' && ('A' <= d && d <= 'Z' || d >= utf8.RuneSelf) {
			return true
		}
	}
	return false
}

// passesLatin reports whether the word that s starts with, up to the first
// character that ends a word (quotes, apostrophes and invisible characters
// do not), passes for a Latin word (glyphs.Passes).
func passesLatin(s string) bool {
	end := strings.IndexFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsMark(r) && !unicode.IsDigit(r) && !isQuote(r) && r != '\'' && !unicode.Is(unicode.Cf, r)
	})
	if end < 0 {
		end = len(s)
	}
	return glyphs.Passes(s[:end])
}

// joinInitials joins runs of two or more one-letter words, as in "P.L.C.",
// "E. S. Co." or "J.-C.".
func joinInitials(ws []word) []word {
	out := ws[:0]
	for i := 0; i < len(ws); {
		j := i
		for j < len(ws) && len(ws[j].s) == 1 && ws[j].s[0] >= 'a' && ws[j].s[0] <= 'z' {
			j++
		}
		if j-i >= 2 {
			var b strings.Builder
			for _, w := range ws[i:j] {
				b.WriteString(w.s)
			}
			out = append(out, word{s: b.String(), initial: true})
			i = j
			continue
		}
		out = append(out, ws[i])
		i++
	}
	return out
}

func key(w string) string {
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			return w
		}
	}
	var buf [64]byte
	b := buf[:0]
	put := func(c byte) {
		if len(b) == 0 || b[len(b)-1] != c {
			b = append(b, c)
		}
	}
	n := len(w)
	for i := 0; i < n; i++ {
		c := w[i]
		var d byte
		if i+1 < n {
			d = w[i+1]
		}
		two := true
		switch {
		case c == 'x':
			// X is ks, as transliterations from Russian write it
			// (Eksport, Export; Aleksandr, Alexander).
			put('g')
			put('s')
			continue
		case c == 'd' && (d == 'j' || d == 'z' && i+2 < n && w[i+2] == 'h'):
			// Dzh and the French dj are j (Yunidzhet, Unijet; Djamel).
			continue
		case (c == 'c' || c == 'z') && d == 'h':
			put('j')
		case c == 's' && d == 'h':
			put('s')
		case c == 'k' && d == 'h':
			put('x')
		case c == 'g' && d == 'h':
			put('g')
		case c == 'p' && d == 'h':
			put('b')
		case (c == 't' || c == 'd') && d == 'h':
			put('d')
		case c == 'r' && d == 'h':
			put('r')
		case c == 'c' && d == 'k':
			put('g')
		case c == 'e' && d == 'o':
			put('o')
		case c == 'e' && d == 'u', c == 'o' && (d == 'o' || d == 'u'):
			put('u')
		case c == 'e' && d == 'e':
			put('i')
		case c == 'a' && d == 'e':
			put('e')
		case (c == 'a' || c == 'e') && (d == 'i' || d == 'y'):
			put('e')
			put('i')
		default:
			two = false
		}
		if two {
			i++
			continue
		}
		if c == 'h' && i == n-1 && i > 0 && isVowel(w[i-1]) {
			continue
		}
		put(keyLetter[c])
	}
	return string(b)
}

// skeleton returns the consonants of a key, its first letter written * when
// a vowel, with a g after n (one sound, ng) left out and repeats single, and
// the last vowel of each run of vowels: Hejazi and Hijazi give hjz with eai
// and iai. Transliterations of one Persian or Korean name differ mostly in
// vowels (see sameSkeleton). Keys shorter than five letters or with fewer
// than three consonants have no skeleton: there vowels tell names apart
// (Yong and Yang).
func skeleton(k string) (cons, vows string) {
	if len(k) < 5 || len(k) > 64 {
		return "", ""
	}
	var cb, vb [64]byte
	c, v := cb[:0], vb[:0]
	if isVowel(k[0]) {
		c = append(c, '*')
	} else {
		c = append(c, k[0])
	}
	n := 0
	for i := 0; i < len(k); i++ {
		x := k[i]
		if x >= utf8.RuneSelf {
			return "", ""
		}
		if isVowel(x) {
			if x == 'y' {
				x = 'i'
			}
			if i > 0 && isVowel(k[i-1]) {
				v[len(v)-1] = x
			} else {
				v = append(v, x)
			}
			continue
		}
		if i == 0 || (x == 'g' && k[i-1] == 'n') || c[len(c)-1] == x {
			continue
		}
		c = append(c, x)
		n++
	}
	if !isVowel(k[0]) {
		n++
	}
	if n < 3 {
		return "", ""
	}
	return string(c), string(v)
}

// sameSkeleton reports whether two words have the same consonants and
// vowels that transliterations swap for one another: a and e, e and i, o
// and u, u and e. Hejazi and Hijazi do; Hyoksin and Hyoksong do not.
func sameSkeleton(a, b *token) bool {
	if a.cons == "" || a.cons != b.cons || len(a.vows) != len(b.vows) || !sameShape(a.key, b.key) {
		return false
	}
	for i := 0; i < len(a.vows); i++ {
		x, y := min(a.vows[i], b.vows[i]), max(a.vows[i], b.vows[i])
		switch {
		case x == y, x == 'a' && y == 'e', x == 'e' && y == 'i', x == 'o' && y == 'u', x == 'e' && y == 'u':
		default:
			return false
		}
	}
	return true
}

func isVowel(c byte) bool {
	switch c {
	case 'a', 'e', 'i', 'o', 'u', 'y':
		return true
	}
	return false
}

// keyLetter maps single ASCII letters and digits to their key letter.
var keyLetter = func() [128]byte {
	var t [128]byte
	for i := range t {
		t[i] = byte(i)
	}
	for from, to := range map[byte]byte{'k': 'g', 'c': 'g', 'q': 'g', 'p': 'b', 't': 'd', 'l': 'r', 'v': 'w'} {
		t[from] = to
	}
	return t
}()

// sameShape reports whether two keys alternate consonants and runs of
// vowels in the same order: a vowel put for a vowel keeps the shape
// (Hejazi, Hijazi), letters moved across one another do not (Delta and
// Trade, Lotus and Lourdes, whose consonants and vowels are the same).
func sameShape(a, b string) bool {
	i, j := 0, 0
	for {
		i, j = skipNG(a, i), skipNG(b, j)
		if i == len(a) || j == len(b) {
			return i == len(a) && j == len(b)
		}
		va, vb := isVowel(a[i]), isVowel(b[j])
		if va != vb {
			return false
		}
		i++
		j++
		for va && i < len(a) && isVowel(a[i]) {
			i++
		}
		for vb && j < len(b) && isVowel(b[j]) {
			j++
		}
	}
}

// skipNG skips a g after n at i, one sound that skeleton leaves out.
func skipNG(k string, i int) int {
	if i > 0 && i < len(k) && k[i] == 'g' && k[i-1] == 'n' {
		return i + 1
	}
	return i
}

// servantOf writes each Arabic name of the form Abd al-X, servant of X, as
// the two words abd and X, however it is split or spelt: Abd al-Majid,
// Abdel Majid, Abdul Majid, Abdelmajid and Abdulmajid are all abd majid,
// Abd ar-Rahman and Abdurrahman abd rahman, in Arabic script too. Written
// with its article, such a name would match the article to another al of
// the name and leave its parts unmatched; written in one word, it would not
// match the X of a name that leaves Abd out (Abdul Basir, Basir).
// Abdullah and Abdallah stay one word. So X al-Din, faith's X, is the two
// words X and din however it is written: Safi al-Din, Safieddine and Safi
// ad-Din are safi din, Badr al-Din and Badreddine badr din.
func servantOf(ws []word) []word {
	out := make([]word, 0, len(ws)+2)
	for i := 0; i < len(ws); i++ {
		w := ws[i]
		abd := w.abjad && bare(w.s) == "bd" || !w.abjad && abdWords[w.s]
		if abd {
			out = append(out, word{s: "abd", abjad: w.abjad})
			if i+2 < len(ws) && ws[i+1].abjad == w.abjad && (articles[ws[i+1].s] || w.abjad && ws[i+1].s == "al" || !w.abjad && sunArticle(ws[i+1], ws[i+2].s)) {
				i++ // the article, as written before a sun letter too (Abd es-Salam)
			}
			continue
		}
		if w.abjad && len(w.s) >= 6 && strings.HasPrefix(w.s, "bdl") {
			// عبدالمنان: Abd, its article and X in one word.
			out = append(out, word{s: "abd", abjad: true})
			w.s = w.s[3:]
		}
		if !w.abjad {
			if i+1 < len(ws) && !ws[i+1].abjad && sunArticle(w, ws[i+1].s) {
				w.s = "al" // ed-Daawa, es-Salafia: the article
			}
			if isDin(w.s) {
				// Din, and ad-Din written as one word (Ansar Eddine).
				// The articles before it, however many and however
				// written, are din's (Safi al-Din), and go with it, so
				// that a name reads the same read twice.
				w.s = "din"
				for len(out) > 0 && !out[len(out)-1].abjad && articles[out[len(out)-1].s] {
					out = out[:len(out)-1]
				}
			}
			if stem := dinStem(w.s); stem != "" {
				// Safieddine, Badreddine, Nooruddin: X and din.
				out = append(out, word{s: stem}, word{s: "din"})
				continue
			}
			for _, p := range abdPrefixes {
				if rest := strings.TrimPrefix(w.s, p); len(rest) >= 3 && rest != w.s && !strings.HasPrefix(rest, "lah") && !strings.HasPrefix(rest, "llah") {
					out = append(out, word{s: "abd"})
					w.s = rest
					break
				}
			}
		}
		out = append(out, w)
	}
	return out
}

// abdWords are the spellings of Abd, servant, with or without the article
// joined to it; abdPrefixes those that begin a word (Abdelmajid); articles
// are the article al and the forms it takes before the sun letters
// (ar-Rahman, as-Salam, ad-Din).
var (
	abdWords    = map[string]bool{"abd": true, "abdul": true, "abdel": true, "abdal": true, "abdol": true, "abdoul": true, "abdur": true, "abdus": true}
	abdPrefixes = []string{"abdul", "abdel", "abdal", "abdol", "abdoul", "abdur", "abdus"}
	// dinWords are the spellings of din (faith) in a name of the form X
	// al-Din, and dinSuffixes its endings when the name is one word, the
	// article's l assimilated or not (Safieddine, Nooruddin, Badruddeen).
	dinWords    = map[string]bool{"din": true, "dine": true, "deen": true, "dean": true, "dien": true}
	dinSuffixes = []string{"eddine", "eddin", "eddeen", "uddin", "uddine", "uddeen", "addin", "iddin", "oddin", "aldin", "uldin"}
	articles    = map[string]bool{"al": true, "el": true, "ul": true, "ar": true, "ur": true, "as": true, "us": true, "ad": true, "ud": true, "an": true, "un": true, "az": true, "at": true, "ash": true}
)

// isDin reports whether w is din, or ad-Din written as one word.
func isDin(w string) bool {
	return dinWords[w] || slices.Contains(dinSuffixes, w)
}

// sunArticle reports whether w is the article al written as it is said
// before a word starting with a sun letter, its l become that letter, as
// next starts (ed-Daawa, es-Salafia, ash-Shabaab, ez-Zawahiri): a or e and
// one or two consonants. Ur (Fazl-ur Rehman) is written onto the word
// before it (Fazlur), An is a Korean surname (An Nam Chol), and a given
// name of the nickname table is that name (Ed Davis) unless a hyphen joins
// it to the next word (ed-Daawa).
func sunArticle(wd word, next string) bool {
	w := wd.s
	if len(w) < 2 || len(w) > 3 || w[0] != 'a' && w[0] != 'e' || w[1] == 'l' || w == "an" || nicknames[w] != nil && !wd.dash {
		return false
	}
	c := w[1:]
	return !isVowel(c[0]) && (len(c) == 1 || c[1] == 'h') && len(next) > len(c)+1 && strings.HasPrefix(next, c)
}

// dinStem returns X of a name X al-Din written in one word, of three letters
// or more (Safi of Safieddine, Izz of Izzeddine), or "".
func dinStem(w string) string {
	for _, sfx := range dinSuffixes {
		if stem, ok := strings.CutSuffix(w, sfx); ok && len(stem) >= 3 {
			return stem
		}
	}
	return ""
}

// maxAsWritten is the most letters of a one-word name compared as
// written: acronyms and codes (KOMID, SHIG, MV-12) are that short.
const maxAsWritten = 5

// minRunTogether is the fewest letters of a word read as several run
// together (see segment): a name's word seldom has sixteen (Persian
// surnames of three syllables have up to fifteen, and are not read so),
// and shorter runs are two or three words at most, which the joined keys
// already meet.
const minRunTogether = 16

// segment splits a word of letters into the fewest words that known says
// are words, or that are legal forms or stop words, each of two letters or
// more, and returns them, or nil when it cannot, the word is one of them,
// or it is two of them: KOREAMININGDEVELOPMENTTRADING is
// korea, mining, development and trading.
func segment(w string, known func(string) bool) []string {
	n := len(w)
	if n < minRunTogether || known(w) {
		return nil
	}
	word := func(s string) bool {
		c := classes[s]
		return c == legal || c == stop || known(s)
	}
	for i := 0; i < n; i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return nil
		}
	}
	// best[i] is the fewest words w[:i] splits into, 0 when none; from[i]
	// where the last of them starts.
	var bestA, fromA [64]int
	best, from := bestA[:], fromA[:]
	if n+1 > len(best) {
		best, from = make([]int, n+1), make([]int, n+1)
	}
	for i := 1; i <= n; i++ {
		for j := max(0, i-maxSegment); j <= i-2; j++ {
			if (j == 0 || best[j] > 0) && word(w[j:i]) && (best[i] == 0 || best[j]+1 < best[i]) {
				best[i], from[i] = best[j]+1, j
			}
		}
	}
	if best[n] < 3 {
		return nil // two words run together meet the joined keys already
	}
	ws := make([]string, best[n])
	for i, k := n, best[n]-1; i > 0; i, k = from[i], k-1 {
		ws[k] = w[from[i]:i]
	}
	return ws
}

// longWord reports whether a form of fs has a word long enough to be
// several run together.
func longWord(fs []form) bool {
	for i := range fs {
		for _, w := range fs[i].words {
			if len(w) >= minRunTogether {
				return true
			}
		}
	}
	return false
}

// maxSegment is the most letters of one word found in a word run together.
const maxSegment = 24

// runTogether returns fs with a further form for each that has a word
// that segment splits, written apart.
func runTogether(fs []form, known func(string) bool) []form {
	for i, n := 0, len(fs); i < n; i++ {
		var ws []string
		split := false
		for _, w := range fs[i].words {
			if seg := segment(w, known); seg != nil {
				ws = append(ws, seg...)
				split = true
				continue
			}
			ws = append(ws, w)
		}
		if split {
			g := newForm(strings.Join(ws, " "))
			g.qual = fs[i].qual
			fs = append(fs, g)
		}
	}
	return fs
}
