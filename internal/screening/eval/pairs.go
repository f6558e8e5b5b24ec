// Package eval measures a name matcher on labelled pairs of names that it
// was not tuned on.
//
// Three sets of pairs are at hand. [FromLists] builds the large one from the
// list editions themselves, at run time, so that no extract of a list is kept
// in the repository: each alias of an entry against its primary name is a
// positive, and the primary names of two different entries of one list with
// similar names are a hard negative. [Hand] gives pairs of invented names
// written for the cases the lists hold few of: other scripts, legal forms,
// the qualifiers that tell entities apart, Arabic name order, nicknames.
// [Tuned] is the older set the matcher's tables were first written
// against; it is in-sample by construction.
//
// Every pair falls in one of two splits, by a hash of what it was drawn from
// (the entry, for list pairs; the pair itself, for invented ones) that no
// tuning can move: [Tuning], on which thresholds and weights are chosen, and
// [Held], on which they are reported. [Measure] gives precision, recall and
// F1 at a threshold.
package eval

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
)

// Split says whether a pair may be tuned on.
type Split uint8

// The splits.
const (
	Tuning Split = iota + 1
	Held
)

func (s Split) String() string {
	switch s {
	case Tuning:
		return "tuning"
	case Held:
		return "held-out"
	}
	return "none"
}

// Pair is one labelled pair of names: Same says whether they name the same
// party.
type Pair struct {
	A, B string
	Same bool
	// Case says where the pair comes from: "alias", "original script" or
	// "similar entry" for list pairs, the case written beside an invented
	// pair, "tuned" for the older set.
	Case  string
	Split Split
}

//go:embed testdata/tuned-pairs.csv
var tunedPairs []byte

// Tuned returns the older labelled set of DPRK and Iranian listed names,
// their transliterations and hard negatives. The matcher's romanisation
// tables were written against it, so every pair is in the tuning split.
func Tuned() ([]Pair, error) {
	ps, err := ReadPairs(bytes.NewReader(tunedPairs))
	for i := range ps {
		ps[i].Case, ps[i].Split = "tuned", Tuning
	}
	return ps, err
}

// ReadPairs reads labelled pairs from CSV with the header name1,name2,label
// and an optional fourth column case, the label being 1 for the same party
// and 0 for different ones. Pairs read carry no split.
func ReadPairs(r io.Reader) ([]Pair, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("pairs: header: %w", err)
	}
	if len(head) < 3 || len(head) > 4 || head[0] != "name1" || head[1] != "name2" || head[2] != "label" || len(head) == 4 && head[3] != "case" {
		return nil, fmt.Errorf("pairs: header is %q, want name1,name2,label or name1,name2,label,case", head)
	}
	var ps []Pair
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return ps, nil
		}
		if err != nil {
			return nil, fmt.Errorf("pairs: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(head) {
			return nil, fmt.Errorf("pairs: line %d: %d fields, want %d as the header has", line, len(rec), len(head))
		}
		p := Pair{A: rec[0], B: rec[1]}
		switch rec[2] {
		case "1":
			p.Same = true
		case "0":
		default:
			return nil, fmt.Errorf("pairs: line %d: label %q is not 0 or 1", line, rec[2])
		}
		if len(rec) == 4 {
			p.Case = rec[3]
		}
		ps = append(ps, p)
	}
}

// Result is how a matcher did on a set of pairs at one threshold.
type Result struct {
	Threshold      float64
	Pairs, Same    int
	TP, FP, FN, TN int
	// Precision is 1 when nothing is called the same; Recall is 1 when no
	// pair is the same.
	Precision, Recall, F1 float64
}

func (r Result) String() string {
	return fmt.Sprintf("%d pairs (%d same) at threshold %.2f: precision %.3f, recall %.3f, F1 %.3f", r.Pairs, r.Same, r.Threshold, r.Precision, r.Recall, r.F1)
}

// Scores scores every pair once.
func Scores(pairs []Pair, score func(a, b string) float64) []float64 {
	s := make([]float64, len(pairs))
	for i, p := range pairs {
		s[i] = score(p.A, p.B)
	}
	return s
}

// Measure calls a pair the same party when its score reaches the threshold
// and counts how often that is right.
func Measure(pairs []Pair, scores []float64, threshold float64) Result {
	r := Result{Threshold: threshold, Pairs: len(pairs)}
	for i, p := range pairs {
		hit := scores[i] >= threshold
		switch {
		case hit && p.Same:
			r.TP++
		case hit:
			r.FP++
		case p.Same:
			r.FN++
		default:
			r.TN++
		}
	}
	r.Same = r.TP + r.FN
	r.Precision, r.Recall = 1, 1
	if r.TP+r.FP > 0 {
		r.Precision = float64(r.TP) / float64(r.TP+r.FP)
	}
	if r.TP+r.FN > 0 {
		r.Recall = float64(r.TP) / float64(r.TP+r.FN)
	}
	if r.Precision+r.Recall > 0 {
		r.F1 = 2 * r.Precision * r.Recall / (r.Precision + r.Recall)
	}
	return r
}

// Best returns the threshold, on a grid of 0.01 from floor to 0.99, with
// the highest F1 on the pairs, the lowest of equals.
func Best(pairs []Pair, scores []float64, floor float64) Result {
	var best Result
	for t := int(math.Round(floor * 100)); t <= 99; t++ {
		r := Measure(pairs, scores, float64(t)/100)
		if r.F1 > best.F1+1e-12 {
			best = r
		}
	}
	return best
}

// Of returns the pairs of one split.
func Of(pairs []Pair, s Split) []Pair {
	return where(pairs, func(p Pair) bool { return p.Split == s })
}

// WithCase returns the pairs of one case.
func WithCase(pairs []Pair, c string) []Pair {
	return where(pairs, func(p Pair) bool { return p.Case == c })
}

func where(pairs []Pair, keep func(Pair) bool) []Pair {
	var out []Pair
	for _, p := range pairs {
		if keep(p) {
			out = append(out, p)
		}
	}
	return out
}

// Cases returns the cases of pairs in the order first met.
func Cases(pairs []Pair) []string {
	var cs []string
	for _, p := range pairs {
		if !slices.Contains(cs, p.Case) {
			cs = append(cs, p.Case)
		}
	}
	return cs
}

// split assigns a split by an FNV-1a hash of the key, salted so that the
// assignment is Surety's own: heldShare of keys are held out.
func split(key string) Split {
	h := uint64(14695981039346656037)
	for _, b := range []byte("surety-eval-2026|" + key) {
		h = (h ^ uint64(b)) * 1099511628211
	}
	// Mix the high bits down so that keys differing in their last bytes
	// spread evenly.
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	if float64(h%1000) < heldShare*1000 {
		return Held
	}
	return Tuning
}

// heldShare is the share of pairs held out from tuning: most of them, so
// that the figures reported rest on more pairs than the choices made.
const heldShare = 0.7

//go:embed testdata/hand.csv
var handPairs []byte

// Hand returns Surety's invented pairs, each with its case: other scripts,
// look-alike letters, legal forms, qualifiers, Arabic name order,
// nicknames, initials, a name inside a longer one, generic words and
// acronyms. Each falls in a split by a hash of its two names.
func Hand() ([]Pair, error) {
	ps, err := ReadPairs(bytes.NewReader(handPairs))
	for i := range ps {
		ps[i].Split = split(ps[i].A + "|" + ps[i].B)
	}
	return ps, err
}
