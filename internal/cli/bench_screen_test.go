package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/surety/surety/internal/screening/lists"
	"github.com/surety/surety/internal/screening/names"
	"github.com/surety/surety/internal/testenv"
)

// BenchmarkScreenQueries searches the queries of "surety bench screen"
// (listed, perturbed and unlisted names in turn) on the index of the
// reference lists, so that two builds' searches can be compared apart from
// the command's single run: `go test -run '^$' -bench ScreenQueries
// -benchtime 5000x -cpu 1 ./internal/cli/`.
func BenchmarkScreenQueries(b *testing.B) {
	un, ofac, err := lists.Reference(testenv.SharedData(b, ""))
	if err != nil {
		b.Fatal(err)
	}
	ix := names.NewIndex(un, ofac)
	qs := benchQueries(30000, un, ofac)
	i := 0
	for b.Loop() {
		ix.Search(names.Query{Name: qs[i%len(qs)].name})
		i++
	}
}

// TestBenchScreenRun runs the benchmark behind "surety bench screen" on a
// few queries. Speed is for the command itself; this checks what does not
// depend on the machine.
func TestBenchScreenRun(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the full lists")
	}
	r, err := BenchScreenRun(testenv.SharedData(t, ""), 600, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", r)
	if r.Queries != 600 || r.Kinds != [3]int{200, 200, 200} || r.Names < 20000 || r.Memory == 0 || r.Memory > 200<<20 || r.P99 < r.P50 || r.PerSec <= 0 {
		t.Errorf("bench result %+v", r)
	}
	if r.Hits[0] < 198 || r.Hits[1] < 140 || r.Hits[2] > 20 {
		t.Errorf("hits %v of %v: listed names should hit, random ones rarely", r.Hits, r.Kinds)
	}
	if !strings.Contains(r.String(), "27") {
		t.Errorf("text %q", r.String())
	}
	if _, err := BenchScreenRun(filepath.Join(t.TempDir(), "none"), 10, nil); err == nil {
		t.Error("a run on a missing directory succeeded")
	}
}

// TestScreenEval runs "surety screen eval" on the reference data: both
// splits are reported, by case.
func TestScreenEval(t *testing.T) {
	dir := testenv.SharedData(t, "")
	cmd := newScreenEvalCmd()
	var out strings.Builder
	cmd.SetOut(&out)
	cmd.SetArgs([]string{"--data", dir})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"tuning split: ", "held-out split: ", "original script", "similar entry", "aliases left out as other names altogether: "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output does not say %q:\n%s", want, out.String())
		}
	}
	cmd = newScreenEvalCmd()
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs([]string{"--data", filepath.Join(t.TempDir(), "none")})
	if err := cmd.Execute(); err == nil || !strings.Contains(err.Error(), "give --data") {
		t.Errorf("missing data: %v", err)
	}
}
