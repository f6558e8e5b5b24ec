package scenario_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/surety/surety/internal/scenario"
)

var update = flag.Bool("update", false, "rewrite the golden files of the scenarios")

// TestScenarios runs every scenario in examples/scenarios and compares its
// text with NAME.golden.txt beside it; -update rewrites the golden files.
func TestScenarios(t *testing.T) {
	scripts, err := filepath.Glob("../../examples/scenarios/*.yaml")
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	for _, path := range scripts {
		name := strings.TrimSuffix(filepath.Base(path), ".yaml")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			res, err := scenario.Run(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := res.WriteText(&got); err != nil {
				t.Fatal(err)
			}
			golden := strings.TrimSuffix(path, ".yaml") + ".golden.txt"
			if *update {
				if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v; run go test ./internal/scenario -update to write it", err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("%s differs from its golden file %s:\n%s", path, golden, lineDiff(string(want), got.String()))
			}
		})
	}
}

// lineDiff shows the first lines where want and got differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, a, b)
		}
	}
	return ""
}
