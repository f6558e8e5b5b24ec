package names

import (
	"sync"
	"testing"

	"github.com/surety/surety/internal/screening/lists"
	"github.com/surety/surety/internal/testenv"
)

var reference struct {
	once     sync.Once
	un, ofac lists.Edition
	ix       *Index
	err      error
}

// loadReal loads the UN list of 2026-02-27 and the OFAC SDN list once, with
// their index, skipping the test without the reference data.
func loadReal(tb testing.TB) (un, ofac lists.Edition, ix *Index) {
	tb.Helper()
	dir := testenv.SharedData(tb, "")
	reference.once.Do(func() {
		reference.un, reference.ofac, reference.err = lists.Reference(dir)
		if reference.err == nil {
			reference.ix = NewIndex(reference.un, reference.ofac)
		}
	})
	if reference.err != nil {
		tb.Fatal(reference.err)
	}
	return reference.un, reference.ofac, reference.ix
}

func BenchmarkNewIndex(b *testing.B) {
	un, ofac, _ := loadReal(b)
	for b.Loop() {
		NewIndex(un, ofac)
	}
}

// BenchmarkSearch searches the primary names of the UN and OFAC lists in
// turn; `surety bench screen` measures the mix of listed, perturbed and
// unlisted names.
func BenchmarkSearch(b *testing.B) {
	un, ofac, ix := loadReal(b)
	var qs []string
	for _, ed := range []lists.Edition{un, ofac} {
		for _, e := range ed.Entries {
			qs = append(qs, e.Name)
		}
	}
	i := 0
	for b.Loop() {
		ix.Search(Query{Name: qs[i%len(qs)]})
		i++
	}
}

func BenchmarkScore(b *testing.B) {
	for b.Loop() {
		Score("KIM, Young-Cheol", "Kim Yong Chol")
	}
}
