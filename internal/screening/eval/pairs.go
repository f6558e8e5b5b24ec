package names

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
)

// Pair is one labelled pair of names: Same says whether they name the same
// party.
type Pair struct {
	A, B string
	Same bool
}

//go:embed testdata/eval-pairs.csv
var evalPairs []byte

// EvalPairs returns Surety's labelled evaluation set: true aliases and
// transliterations of DPRK and Iranian listed names, and hard negatives
// (different people with a shared family name, similarly named entities,
// acronyms against the wrong name).
func EvalPairs() ([]Pair, error) {
	return ReadPairs(bytes.NewReader(evalPairs))
}

// ReadPairs reads labelled pairs from CSV with the header name1,name2,label,
// the label being 1 for the same party and 0 for different ones.
func ReadPairs(r io.Reader) ([]Pair, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 3
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("pairs: header: %w", err)
	}
	if head[0] != "name1" || head[1] != "name2" || head[2] != "label" {
		return nil, fmt.Errorf("pairs: header is %q, want name1,name2,label", head)
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
		p := Pair{A: rec[0], B: rec[1]}
		switch rec[2] {
		case "1":
			p.Same = true
		case "0":
		default:
			return nil, fmt.Errorf("pairs: line %d: label %q is not 0 or 1", line, rec[2])
		}
		ps = append(ps, p)
	}
}

// Evaluate scores every pair and returns the precision and recall of calling
// a pair the same party when its Score reaches DefaultThreshold. Precision is
// 1 when nothing is called the same; recall is 1 when no pair is.
func Evaluate(pairs []Pair) (precision, recall float64) {
	var tp, fp, fn int
	for _, p := range pairs {
		s, _ := Score(p.A, p.B)
		hit := s >= DefaultThreshold
		switch {
		case hit && p.Same:
			tp++
		case hit:
			fp++
		case p.Same:
			fn++
		}
	}
	precision, recall = 1, 1
	if tp+fp > 0 {
		precision = float64(tp) / float64(tp+fp)
	}
	if tp+fn > 0 {
		recall = float64(tp) / float64(tp+fn)
	}
	return precision, recall
}
