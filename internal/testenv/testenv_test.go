package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSharedDataChild is run by TestSharedDataRequired in a child process:
// it asks for the data named by SURETY_TEST_DATA_REL.
func TestSharedDataChild(t *testing.T) {
	rel, ok := os.LookupEnv("SURETY_TEST_DATA_REL")
	if !ok {
		t.Skip("run by TestSharedDataRequired")
	}
	SharedData(t, rel)
}

// TestSharedDataRequired: missing or unreadable shared data skips a test,
// or fails it under SURETY_REQUIRE_DATA=1.
func TestSharedDataRequired(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	if err := os.MkdirAll(filepath.Join(data, "un"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "un", "empty.xml"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	// The child asks for a path relative to ../shared/data beside the
	// repository; reach the temporary directory from there.
	root, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "data"))
	if err != nil {
		t.Fatal(err)
	}
	rel := func(p string) string {
		r, err := filepath.Rel(root, p)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	for _, c := range []struct {
		name, rel, require string
		fail               bool
		says               string
	}{
		{"missing, skipped", rel(filepath.Join(data, "none.xml")), "", false, "SKIP"},
		{"missing, required", rel(filepath.Join(data, "none.xml")), "1", true, "SURETY_REQUIRE_DATA=1"},
		{"empty, required", rel(filepath.Join(data, "un", "empty.xml")), "1", true, "the file is empty"},
		{"present", rel(filepath.Join(data, "un")), "1", false, "PASS"},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestSharedDataChild$", "-test.v")
		cmd.Env = append(os.Environ(), "SURETY_TEST_DATA_REL="+c.rel, "SURETY_REQUIRE_DATA="+c.require)
		out, err := cmd.CombinedOutput()
		if failed := err != nil; failed != c.fail || !strings.Contains(string(out), c.says) {
			t.Errorf("%s: failed %v, want %v, saying %q:\n%s", c.name, failed, c.fail, c.says, out)
		}
	}
}
