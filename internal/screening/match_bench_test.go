package screening

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// realLists loads the UN list of 2026-02-27 and the OFAC SDN list once.
var realLists = sync.OnceValues(func() ([2]Edition, error) {
	dir, err := findSharedData()
	if err != nil {
		return [2]Edition{}, err
	}
	un, err := LoadUN(filepath.Join(dir, "un", "consolidated-2026-02-27.xml"), nil)
	if err != nil {
		return [2]Edition{}, err
	}
	ofac, err := LoadOFAC(filepath.Join(dir, "ofac"), "2021-01-01", nil)
	return [2]Edition{un, ofac}, err
})

func loadReal(tb testing.TB) (un, ofac Edition) {
	tb.Helper()
	sharedData(tb)
	eds, err := realLists()
	if err != nil {
		tb.Fatal(err)
	}
	return eds[0], eds[1]
}

var realIndex = sync.OnceValue(func() *Index {
	eds, _ := realLists()
	return NewIndex(eds[0], eds[1])
})

func BenchmarkParseUN(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(sharedData(b), "un", "consolidated-2026-02-27.xml"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ParseUN(bytes.NewReader(data), Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseOFAC(b *testing.B) {
	dir := filepath.Join(sharedData(b), "ofac")
	var files [3][]byte
	for i, n := range []string{"sdn.csv", "alt.csv", "add.csv"} {
		var err error
		if files[i], err = os.ReadFile(filepath.Join(dir, n)); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(len(files[0]) + len(files[1]) + len(files[2])))
	for b.Loop() {
		_, err := ParseOFAC(bytes.NewReader(files[0]), bytes.NewReader(files[1]), bytes.NewReader(files[2]), Options{Date: "2021-01-01"})
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNewIndex(b *testing.B) {
	un, ofac := loadReal(b)
	for b.Loop() {
		NewIndex(un, ofac)
	}
}

// BenchmarkSearch runs Bench's query mix over the UN and OFAC lists: listed,
// perturbed and random names in turn.
func BenchmarkSearch(b *testing.B) {
	un, ofac := loadReal(b)
	ix := realIndex()
	qs := benchQueries(3000, un, ofac)
	i := 0
	for b.Loop() {
		ix.Search(Query{Name: qs[i%len(qs)].name})
		i++
	}
}

func BenchmarkScore(b *testing.B) {
	for b.Loop() {
		Score("KIM, Young-Cheol", "Kim Yong Chol")
	}
}
