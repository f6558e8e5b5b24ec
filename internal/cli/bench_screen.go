package cli

import (
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/surety/surety/internal/screening/eval"
	"github.com/surety/surety/internal/screening/lists"
	"github.com/surety/surety/internal/screening/names"
)

// BenchResult is what Bench measured.
type BenchResult struct {
	Editions []string      `json:"editions"`     // the editions indexed
	Names    int           `json:"names"`        // name forms indexed
	Load     time.Duration `json:"load_ns"`      // reading the lists
	Build    time.Duration `json:"build_ns"`     // NewIndex
	Memory   uint64        `json:"memory_bytes"` // heap in use after NewIndex less before
	Queries  int           `json:"queries"`
	PerSec   float64       `json:"queries_per_second"` // on one goroutine
	P50      time.Duration `json:"p50_ns"`
	P99      time.Duration `json:"p99_ns"`
	// Hits counts the queries of each kind with a hit at names.DefaultThreshold:
	// listed names, perturbed listed names and random names not listed.
	Hits [3]int `json:"hits"`
	// Kinds counts the queries of each kind.
	Kinds [3]int `json:"kinds"`
}

// String renders the result as a few lines of text.
func (r BenchResult) String() string {
	pct := func(i int) float64 { return 100 * float64(r.Hits[i]) / float64(max(r.Kinds[i], 1)) }
	return fmt.Sprintf("lists:   %s\nindex:   %d names, built in %v, %.1f MB\nqueries: %d at %.0f/s, p50 %v, p99 %v\nhits:    listed %.1f%%, perturbed %.1f%%, not listed %.1f%%\n",
		strings.Join(r.Editions, ", "), r.Names, r.Build.Round(time.Millisecond), float64(r.Memory)/(1<<20),
		r.Queries, r.PerSec, r.P50, r.P99, pct(0), pct(1), pct(2))
}

// BenchScreenRun loads the UN list of 2026-02-27 and the OFAC SDN list from the
// reference data directory dir (un/consolidated-2026-02-27.xml and
// ofac/{sdn,alt,add}.csv), indexes them and runs n queries, a third each of
// listed names or aliases, listed names perturbed (a letter dropped or
// swapped, a romanisation variant, words reordered, a legal form added) and
// names not listed (eval.UnlistedName). It runs on the calling goroutine and
// is deterministic apart from the timings. An n of 0 or less means 30,000.
// A non-nil profile receives a CPU profile of the queries alone.
func BenchScreenRun(dir string, n int, profile io.Writer) (BenchResult, error) {
	var r BenchResult
	if n <= 0 {
		n = 30000
	}
	t0 := time.Now()
	un, ofac, err := lists.Reference(dir)
	if err != nil {
		return r, err
	}
	r.Load = time.Since(t0)
	r.Editions = []string{un.String(), ofac.String()}

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	t0 = time.Now()
	ix := names.NewIndex(un, ofac)
	r.Build = time.Since(t0)
	runtime.GC()
	runtime.ReadMemStats(&after)
	if after.HeapInuse > before.HeapInuse {
		r.Memory = after.HeapInuse - before.HeapInuse
	}
	r.Names = ix.Len()

	qs := benchQueries(n, un, ofac)
	for _, q := range qs[:min(len(qs), 200)] {
		ix.Search(names.Query{Name: q.name}) // warm the scratch pool and caches
	}
	lat := make([]time.Duration, len(qs))
	if profile != nil {
		if err := pprof.StartCPUProfile(profile); err != nil {
			return r, fmt.Errorf("cpu profile: %w", err)
		}
	}
	start := time.Now()
	for i, q := range qs {
		t := time.Now()
		hits := ix.Search(names.Query{Name: q.name})
		lat[i] = time.Since(t)
		r.Kinds[q.kind]++
		if len(hits) > 0 {
			r.Hits[q.kind]++
		}
	}
	total := time.Since(start)
	if profile != nil {
		pprof.StopCPUProfile()
	}
	runtime.KeepAlive(ix)
	slices.Sort(lat)
	r.Queries = len(qs)
	r.PerSec = float64(len(qs)) / total.Seconds()
	r.P50 = lat[len(lat)/2]
	r.P99 = lat[len(lat)*99/100]
	return r, nil
}

type benchQuery struct {
	name string
	kind int // 0 listed, 1 perturbed, 2 not listed
}

// benchQueries returns n queries in a fixed pseudo-random order.
func benchQueries(n int, eds ...lists.Edition) []benchQuery {
	rng := rand.New(rand.NewPCG(1993, 2015))
	var names []string
	for _, ed := range eds {
		for _, e := range ed.Entries {
			names = append(names, e.Name)
			for _, a := range e.Aliases {
				names = append(names, a.Name)
			}
		}
	}
	qs := make([]benchQuery, n)
	for i := range qs {
		k := i % 3
		var s string
		switch k {
		case 0:
			s = names[rng.IntN(len(names))]
		case 1:
			s = perturb(rng, names[rng.IntN(len(names))])
		default:
			s = eval.UnlistedName(rng)
		}
		qs[i] = benchQuery{s, k}
	}
	return qs
}

// perturb applies one or two edits a declarant might make to a name.
func perturb(rng *rand.Rand, s string) string {
	for range 1 + rng.IntN(2) {
		switch rng.IntN(5) {
		case 0: // drop a letter
			if len(s) > 4 {
				i := 1 + rng.IntN(len(s)-2)
				s = s[:i] + s[i+1:]
			}
		case 1: // swap two letters
			if len(s) > 4 {
				i := 1 + rng.IntN(len(s)-3)
				s = s[:i] + s[i+1:i+2] + s[i:i+1] + s[i+2:]
			}
		case 2: // another romanisation
			for _, r := range [][2]string{{"CH", "J"}, {"O", "EO"}, {"U", "OO"}, {"K", "G"}, {"I", "EE"}, {"Q", "GH"}} {
				if strings.Contains(strings.ToUpper(s), r[0]) {
					s = strings.Replace(strings.ToUpper(s), r[0], r[1], 1)
					break
				}
			}
		case 3: // reorder words
			ws := strings.Fields(s)
			slices.Reverse(ws)
			s = strings.Join(ws, " ")
		default: // add a legal form
			s += [...]string{" LTD", " CO., LTD.", " CORP", " LLC"}[rng.IntN(4)]
		}
	}
	return s
}
