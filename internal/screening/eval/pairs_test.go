package eval

import (
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/surety/surety/internal/screening/lists"
)

func TestReadPairs(t *testing.T) {
	ps, err := ReadPairs(strings.NewReader("name1,name2,label\n\"KIM, Yong Chol\",Kim Young-Chol,1\nA,B,0\n"))
	want := []Pair{{A: "KIM, Yong Chol", B: "Kim Young-Chol", Same: true}, {A: "A", B: "B"}}
	if err != nil || !cmp.Equal(ps, want) {
		t.Errorf("ReadPairs = %v, %v", ps, err)
	}
	ps, err = ReadPairs(strings.NewReader("name1,name2,label,case\nA,B,1,legal-form\n"))
	if err != nil || len(ps) != 1 || ps[0].Case != "legal-form" {
		t.Errorf("with cases: %v, %v", ps, err)
	}
	for _, c := range []struct{ in, want string }{
		{"a,b,c\n", `header is ["a" "b" "c"]`},
		{"name1,name2,label\nA,B,yes\n", `line 2: label "yes"`},
		{"name1,name2,label\nA,B\n", "line 2: 2 fields, want 3"},
		{"", "header: EOF"},
	} {
		if _, err := ReadPairs(strings.NewReader(c.in)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ReadPairs(%q) = %v, want %q", c.in, err, c.want)
		}
	}
}

func TestMeasure(t *testing.T) {
	ps := []Pair{{Same: true}, {Same: true}, {Same: true}, {}, {}}
	sc := []float64{0.9, 0.8, 0.4, 0.85, 0.1}
	r := Measure(ps, sc, 0.75)
	if r.TP != 2 || r.FP != 1 || r.FN != 1 || r.TN != 1 || r.Same != 3 {
		t.Errorf("counts %+v", r)
	}
	if math.Abs(r.Precision-2.0/3) > 1e-12 || math.Abs(r.Recall-2.0/3) > 1e-12 || math.Abs(r.F1-2.0/3) > 1e-12 {
		t.Errorf("figures %+v", r)
	}
	if b := Best(ps, sc, 0.5); b.Threshold != 0.5 || math.Abs(b.F1-2.0/3) > 1e-12 {
		t.Errorf("best %+v, want 0.5 with F1 2/3", b)
	}
	if b := Best(ps, sc, 0.9); b.Threshold != 0.9 {
		t.Errorf("best from 0.9: %+v", b)
	}
	if r := Measure(nil, nil, 0.5); r.Precision != 1 || r.Recall != 1 {
		t.Errorf("no pairs: %+v", r)
	}
}

// TestSplit checks that the split depends on the key alone and holds out
// about heldShare of keys.
func TestSplit(t *testing.T) {
	held := 0
	for i := range 10000 {
		k := "un/KPe." + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + strings.Repeat("0", i/26%5) + string(rune('0'+i%10))
		if split(k) != split(k) {
			t.Fatal("split is not a function of its key")
		}
		if split(k) == Held {
			held++
		}
	}
	if share := float64(held) / 10000; share < heldShare-0.05 || share > heldShare+0.05 {
		t.Errorf("%.2f held out, want about %.2f", share, heldShare)
	}
}

// TestFromLists builds pairs from an invented edition: variants of a name
// are positives, another name of an entry is left out, and alike names of
// two entries are a negative in the split of their entries.
func TestFromLists(t *testing.T) {
	var es []lists.Entry
	// Filler entries, so that the words below are rare in the edition.
	for i := range 300 {
		es = append(es, lists.Entry{Ref: "XXe." + strings.Repeat("9", 3) + string(rune('a'+i%26)) + string(rune('a'+i/26)), Kind: lists.Entity, Name: "FILLER " + string(rune('a'+i%26)) + string(rune('a'+i/26)) + " TRADING"})
	}
	es = append(es,
		lists.Entry{Ref: "XXi.001", Kind: lists.Individual, Name: "KESTREN, Orval", Original: "Орвал Кестрен", Aliases: []lists.Alias{
			{Name: "KESTRENN, Orval", Type: lists.AKA, Quality: lists.Strong},
			{Name: "Orval KESTREN", Type: lists.AKA, Quality: lists.Strong},
			{Name: "ABU SALIM", Type: lists.AKA, Quality: lists.Weak},
		}},
		lists.Entry{Ref: "XXi.002", Kind: lists.Individual, Name: "KESTREN, Marten"},
		lists.Entry{Ref: "XXe.001", Kind: lists.Entity, Name: "SOLENT KALEB TRADING", Aliases: []lists.Alias{{Name: "SKT", Type: lists.AKA, Quality: lists.Strong}}},
	)
	ed := lists.Edition{Source: lists.SourceUN, Date: "2026-02-27", Entries: es}
	ps := FromLists(ed)
	var got []string
	for _, p := range ps {
		if !strings.HasPrefix(p.A, "FILLER") {
			got = append(got, p.Case+": "+p.A+" | "+p.B)
		}
	}
	want := []string{
		"alias: KESTRENN, Orval | KESTREN, Orval",
		"alias: Orval KESTREN | KESTREN, Orval",
		"original script: Орвал Кестрен | KESTREN, Orval",
	}
	// KESTREN, Marten is a negative of Orval only when both fall in one
	// split.
	if split("un/XXi.001") == split("un/XXi.002") {
		want = append(want, "similar entry: KESTREN, Orval | KESTREN, Marten")
	}
	want = append(want, "alias: SKT | SOLENT KALEB TRADING")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pairs (-want +got):\n%s", diff)
	}
	if n := Unrelated(ed); n[split("un/XXi.001")] < 1 {
		t.Errorf("ABU SALIM is not counted as another name: %v", n)
	}
	for _, p := range ps {
		if p.Split == 0 {
			t.Errorf("pair without a split: %+v", p)
		}
	}
}
