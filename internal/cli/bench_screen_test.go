package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/surety/surety/internal/testenv"
)

// TestBenchScreenRun runs the benchmark behind "surety bench screen" on a
// few queries. Speed is for the command itself; this checks what does not
// depend on the machine.
func TestBenchScreenRun(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the full lists")
	}
	r, err := BenchScreenRun(testenv.SharedData(t, ""), 600)
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
	if _, err := BenchScreenRun(filepath.Join(t.TempDir(), "none"), 10); err == nil {
		t.Error("a run on a missing directory succeeded")
	}
}
