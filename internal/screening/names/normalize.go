package names

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxWords bounds the words of one name that take part in matching; the rest
// of a longer name is ignored.
const maxWords = 16

// class is how a word takes part in matching.
type class uint8

const (
	plain   class = iota
	stop          // dropped everywhere
	legal         // dropped from comparison, kept for initials
	generic       // compared at low weight
)

// Word weights in the alignment score.
const (
	plainWeight   = 1.0
	genericWeight = 0.3
)

// token is one compared word of a name.
type token struct {
	text    string  // folded spelling, as the name has it
	key     string  // romanisation-neutral key of its canonical spelling
	cons    string  // consonant skeleton of key, or "" when too short to tell
	vows    string  // the vowels that go with cons
	w       float64 // weight in the score
	letters uint32  // bit c-'a' set for each letter c of key; all set when key is not ASCII
	common  bool    // a common Korean or Persian name part
}

func newToken(text string, w float64) token {
	c := spelling(text)
	k := key(c)
	t := token{text: text, key: k, w: w, common: commonNames[c]}
	t.cons, t.vows = skeleton(k)
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

// form is one way of reading a name, ready to compare.
type form struct {
	toks    []token  // compared words, in order
	words   []string // all folded words, stop words and legal forms included
	stops   uint32   // bit i is set when words[i] is a stop word
	dropped []string // legal-form words left out of toks
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

// Normalize returns name as the matcher reads it: lower case, without
// diacritics, quotes or punctuation, "LAST, First" turned into "First LAST",
// legal-form and stop words dropped and each word replaced by its canonical
// spelling (Rhee and Lee become ri, Muhammad becomes mohammad). Words are
// separated by one space. A parenthesised part, such as an acronym after a
// name, is left out.
func Normalize(name string) string {
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

// spelling returns the canonical spelling of a folded word.
func spelling(w string) string {
	if c, ok := canon[w]; ok {
		return c
	}
	return w
}

// parse returns the forms of a name: the name without any parenthesised part,
// the name with it, and the parenthesised part alone when it is one word (an
// acronym such as AIG). Forms with the same words are given once; a name
// without letters or digits has none.
func parse(name string) []form {
	var fs []form
	addForm := func(s string) {
		f := newForm(s)
		if len(f.toks) == 0 {
			return
		}
		for _, g := range fs {
			if sameKeys(g.toks, f.toks) {
				return
			}
		}
		fs = append(fs, f)
	}
	outside, inside, ok := parens(name)
	if !ok {
		addForm(name)
		return fs
	}
	addForm(outside)
	addForm(strings.NewReplacer("(", " ", ")", " ", "[", " ", "]", " ").Replace(name))
	for _, in := range inside {
		if f := newForm(in); len(f.toks) == 1 && len(f.toks[0].text) >= 2 {
			addForm(in)
		}
	}
	return fs
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
	words := reorder(s)
	if len(words) > maxWords {
		words = words[:maxWords]
	}
	var f form
	var kept []string
	for i, w := range words {
		c := classOf(w)
		// "No. 39" and "#39" are the same office.
		if w == "no" && i+1 < len(words) && isNumber(words[i+1]) {
			continue
		}
		f.words = append(f.words, w)
		switch c {
		case stop:
			f.stops |= 1 << (len(f.words) - 1)
		case legal:
			f.dropped = append(f.dropped, w)
		default:
			kept = append(kept, w)
		}
	}
	// Initials that only a dropped word kept apart join too, and may make a
	// legal form ("K. K.").
	for {
		n := len(kept)
		kept = slices.DeleteFunc(joinInitials(kept), func(w string) bool {
			switch classes[w] {
			case legal:
				f.dropped = append(f.dropped, w)
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
	for _, w := range kept {
		wt := plainWeight
		if classes[w] == generic {
			wt = genericWeight
		}
		f.toks = append(f.toks, newToken(w, wt))
	}
	if len(f.toks) == 0 && len(f.dropped) > 0 {
		// A name made only of legal-form words is compared as it is.
		for _, w := range f.dropped {
			f.toks = append(f.toks, newToken(w, plainWeight))
		}
		f.dropped = nil
	}
	return f
}

// classOf returns how w takes part in matching. A misspelt legal-form word
// of seven letters or more (cmpany, corportion) is still one: it may be one
// edit off, two when it has the word's first letter.
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
			if levenshtein(w, l) <= edits {
				return legal
			}
		}
	}
	return plain
}

// reorder folds s into words and turns "LAST, First" into "First LAST". A
// single comma is read that way when both sides are short and the part after
// it is not a legal form (as in "ANGLO-CARIBBEAN CO., LTD.").
func reorder(s string) []string {
	if strings.Count(s, ",") != 1 {
		return joinInitials(fold(s))
	}
	before, after, _ := strings.Cut(s, ",")
	b, a := fold(before), fold(after)
	if len(b) == 0 || len(a) == 0 || len(b) > 4 || len(a) > 4 {
		return joinInitials(append(b, a...))
	}
	for _, w := range a {
		if c := classOf(w); c != legal && c != stop {
			return joinInitials(append(a, b...))
		}
	}
	return joinInitials(append(b, a...))
}

func isNumber(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return w != ""
}

// folder splits text into folded words.
type folder struct {
	words []string
	buf   []byte
}

func (f *folder) flush() {
	if len(f.buf) > 0 {
		f.words = append(f.words, string(f.buf))
		f.buf = f.buf[:0]
	}
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
	default:
		f.flush()
	}
}

// foldSpecial spells, in lower case, letters that do not decompose into a
// base letter and a mark.
var foldSpecial = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'đ': "d", 'ð': "d", 'ł': "l", 'þ': "th", 'ı': "i", 'ħ': "h",
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

// rune adds one rune beyond ASCII in lower case, decomposed (NFKD) into
// base letters and marks, except for Hangul syllables, which stay whole.
func (f *folder) rune(r rune) {
	r = unicode.ToLower(r)
	if r >= 0xAC00 && r <= 0xD7A3 {
		f.base(r)
		return
	}
	var in [utf8.UTFMax]byte
	var tmp [32]byte
	for _, d := range string(norm.NFKD.Append(tmp[:0], in[:utf8.EncodeRune(in[:], r)]...)) {
		f.base(unicode.ToLower(d))
	}
}

// base adds one rune of a decomposed letter: marks and quotes vanish,
// letters without a decomposition are spelt out (ß, æ, ø).
func (f *folder) base(r rune) {
	switch {
	case r < utf8.RuneSelf:
		f.ascii(byte(r))
	case isQuote(r), unicode.Is(unicode.Mn, r):
	default:
		if s, ok := foldSpecial[unicode.ToLower(r)]; ok {
			f.buf = append(f.buf, s...)
			return
		}
		f.other(r)
	}
}

// other adds a letter or digit of another script in lower case, and ends the
// word at anything else.
func (f *folder) other(r rune) {
	if unicode.IsLetter(r) || unicode.IsDigit(r) {
		f.buf = utf8.AppendRune(f.buf, unicode.ToLower(r))
		return
	}
	f.flush()
}

// fold splits s into lower-case words without diacritics, quotes or
// punctuation.
func fold(s string) []string {
	var f folder
	var buf [64]byte
	f.buf = buf[:0]
	for i := 0; i < len(s); {
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

// joinInitials joins runs of two or more one-letter words, as in "P.L.C."
// or "E. S. Co.".
func joinInitials(ws []string) []string {
	out := ws[:0]
	for i := 0; i < len(ws); {
		j := i
		for j < len(ws) && len(ws[j]) == 1 && ws[j][0] >= 'a' && ws[j][0] <= 'z' {
			j++
		}
		if j-i >= 2 {
			out = append(out, strings.Join(ws[i:j], ""))
			i = j
			continue
		}
		out = append(out, ws[i])
		i++
	}
	return out
}

// key returns the romanisation-neutral key of a folded word: a spelling in
// which the letters that Korean and Persian romanisations use for one sound
// are the same letter. ch, j and zh become j; k, c, q, g, gh and ck become g;
// p, b and ph become b; t, d, th and dh become d; l and r become r; v and w
// become w; sh becomes s and kh becomes x; eo becomes o, eu and oo and ou
// become u, ee becomes i, ae becomes e, and ai, ay, ei and ey become ei; a
// final h after a vowel is dropped and doubled letters are single. Words with
// letters outside ASCII are their own key.
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
	if a.cons == "" || a.cons != b.cons || len(a.vows) != len(b.vows) {
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
