package cli

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"surety": func() { os.Exit(Main(os.Args[1:])) },
	})
}

// TestScripts drives the binary the way a user does, from the scripts in
// testdata/script.
func TestScripts(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("EXAMPLES", filepath.Join(root, "examples"))
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// mode FILE PERM checks a file's permission bits.
			"mode": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 {
					ts.Fatalf("usage: mode FILE PERM")
				}
				fi, err := os.Stat(ts.MkAbs(args[0]))
				ts.Check(err)
				want, err := strconv.ParseUint(args[1], 8, 32)
				ts.Check(err)
				if got := fi.Mode().Perm(); (uint64(got) == want) == neg {
					ts.Fatalf("%s has mode %04o, want %s", args[0], got, args[1])
				}
			},
		},
	})
}

// TestShowGolden compares `agreement show` on the examples, as text and as
// JSON, with the golden files. Run with -update to rewrite them.
func TestShowGolden(t *testing.T) {
	paths, err := filepath.Glob("../../examples/*-[0-9][0-9][0-9][0-9].yaml") // the agreements, not their .traffic.yaml models
	if err != nil || len(paths) < 3 {
		t.Fatalf("want the three examples, got %v", paths)
	}
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".yaml")
		for _, format := range []string{"text", "json"} {
			t.Run(name+"/"+format, func(t *testing.T) {
				var out, errb bytes.Buffer
				if code := run([]string{"agreement", "show", p, "--output", format}, &out, &errb); code != 0 {
					t.Fatalf("exit %d: %s", code, errb.String())
				}
				ext := map[string]string{"text": ".txt", "json": ".json"}[format]
				golden := filepath.Join("testdata", "golden", "show-"+name+ext)
				if *update {
					if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test -update to create it)", err)
				}
				if !bytes.Equal(out.Bytes(), want) {
					t.Errorf("show %s --output %s differs from %s; run go test -update after checking the change:\n%s", p, format, golden, out.String())
				}
			})
		}
	}
}
