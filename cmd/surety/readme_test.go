package main

import (
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestReadme runs the README's commands, as a newcomer would, with the
// built binary: a log with two witnesses on the 1993 agreement's own dates,
// a tick and an audit; then a declaration (examples/declaration.json), its
// sealed selection, the inspector's signed queue and report
// (examples/report.json), and the selection verified from the log.
func TestReadme(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a server and two witnesses")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	srv, w1, w2 := freeAddr(t), freeAddr(t), freeAddr(t)
	env := append(os.Environ(), "SURETY_SERVER=http://"+srv, "XDG_STATE_HOME="+filepath.Join(dir, "state"))
	run := func(want string, args ...string) string {
		t.Helper()
		cmd := exec.Command(binary, args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), want) {
			t.Fatalf("surety %s: %v\n%s\nwant %q", strings.Join(args, " "), err, out, want)
		}
		return string(out)
	}
	bg := func(args ...string) {
		t.Helper()
		cmd := exec.Command(binary, args...)
		cmd.Dir, cmd.Env = dir, env
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	}
	up := func(url string) {
		t.Helper()
		for range 200 {
			if resp, err := http.Get(url); err == nil {
				resp.Body.Close()
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("%s did not come up", url)
	}

	for _, k := range []string{"surety.local/il-kp-1993", "il-witness", "kp-witness", "kp-export-authority", "il-insp-nam-1"} {
		run("", "keys", "derive", "--seed", "demo", "--name", k, "--out", "keys")
	}
	run("", "keys", "derive", "--seed", "demo", "--name", "il-selector", "--vrf", "--out", "keys")
	bg("witness", "--key", "keys/il-witness.key", "--addr", w1, "--log", "keys/surety.local_il-kp-1993.vkey", "--state", "w-il")
	bg("witness", "--key", "keys/kp-witness.key", "--addr", w2, "--log", "keys/surety.local_il-kp-1993.vkey", "--state", "w-kp")
	up("http://" + w1)
	up("http://" + w2)
	bg("serve", "--agreement", filepath.Join(root, "examples/israel-dprk-1993.yaml"), "--db", "sqlite:surety.db",
		"--log-key", "keys/surety.local_il-kp-1993.key", "--start", "1993-08-01T00:00:00Z", "--addr", srv,
		"--witness", "il-witness=http://"+w1, "--witness", "kp-witness=http://"+w2)
	up("http://" + srv + "/log/il-kp-1993/checkpoint")

	if err := os.WriteFile(filepath.Join(dir, "tick.json"), []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env0 := run("", "statement", "sign", "--key", "keys/surety.local_il-kp-1993.key", "--author", "operator",
		"--type", "clock.tick", "--agreement", "il-kp-1993", "--time", "1993-08-01T00:00:00Z", "tick.json")
	if err := os.WriteFile(filepath.Join(dir, "tick.env"), []byte(env0), 0o644); err != nil {
		t.Fatal(err)
	}
	run(`"receipt": "tick.env.receipt"`, "statement", "submit", "tick.env")
	time.Sleep(1500 * time.Millisecond) // a checkpoint a second
	run("receipt verified: entry 1 of il-kp-1993", "verify", "receipt", "--log-key", "keys/surety.local_il-kp-1993.vkey", "tick.env.receipt")
	run("cosigned by 2 witness(es) [il-witness kp-witness] of the 2 required", "audit", "--agreement", "il-kp-1993", "--log-key", "keys/surety.local_il-kp-1993.vkey")
	if _, err := os.Stat(filepath.Join(dir, "state", "surety", "audit")); err != nil {
		t.Errorf("audit kept no state in the user's state directory: %v", err)
	}

	run("", "lists", "import", filepath.Join(root, "internal/screening/lists/testdata/un-fixture.xml"), "--format", "un-xml",
		"--key", "keys/surety.local_il-kp-1993.key", "--agreement", "il-kp-1993", "--author", "operator")
	run("selection probability 1.000", "declare", "--key", "keys/kp-export-authority.key", "--id", "d-1", filepath.Join(root, "examples/declaration.json"))
	run("committed to 1 decision (1 selected, sealed)", "selector", "--key", "keys/il-selector.key", "--vrf-key", "keys/il-selector.vrf", "--once")
	run("d-1", "inspect", "queue", "--key", "keys/il-insp-nam-1.key", "--site", "kpnam")
	run(`"declaration": "d-1"`, "get", "--key", "keys/il-insp-nam-1.key", "/v1/sites/kpnam/queue")
	run("report r-1 (prohibited)", "inspect", "report", "--key", "keys/il-insp-nam-1.key", "--id", "r-1", filepath.Join(root, "examples/report.json"))
	time.Sleep(1500 * time.Millisecond)
	run("selection verified", "verify", "selection", "--declaration", "d-1", "--log-key", "keys/surety.local_il-kp-1993.vkey")
	run("Inspectors needed", "plan", "--agreement", filepath.Join(root, "examples/israel-dprk-1993.yaml"))

	// Nothing is sent without a server.
	cmd := exec.Command(binary, "tranches")
	cmd.Dir = dir
	cmd.Env = append(slicesWithout(os.Environ(), "SURETY_SERVER="), "SURETY_SERVER=")
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "no server: give --server URL or set SURETY_SERVER") {
		t.Errorf("tranches without a server: %v\n%s", err, out)
	}
}

func slicesWithout(env []string, prefix string) []string {
	var out []string
	for _, e := range env {
		if !strings.HasPrefix(e, prefix) {
			out = append(out, e)
		}
	}
	return out
}

// TestDemoNewcomer: the demo says when its port is taken instead of
// panicking, refuses to run over an earlier demo unless told to start
// afresh, and, exiting, prints commands that work as shown.
func TestDemoNewcomer(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the demo")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dir := filepath.Join(t.TempDir(), "demo")
	out, err := exec.Command(binary, "demo", "--fast", "--exit", "--dir", dir, "--addr", ln.Addr().String(), "--until", "1993-08-05").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "is in use, by another server: choose another address with --addr") || strings.Contains(string(out), "panic") {
		t.Errorf("demo on a taken port: %v\n%s", err, out)
	}
	args := []string{"demo", "--fast", "--exit", "--dir", dir, "--addr", "127.0.0.1:0", "--until", "1993-08-05"}
	if out, err := exec.Command(binary, args...).CombinedOutput(); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	out, err = exec.Command(binary, args...).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "holds an earlier demo's log; give --fresh to start afresh") {
		t.Errorf("demo over an earlier one: %v\n%s", err, out)
	}
	out, err = exec.Command(binary, append(args, "--fresh")...).CombinedOutput()
	if err != nil || !strings.Contains(string(out), binary+" serve --agreement") || !strings.Contains(string(out), binary+" audit --server") ||
		strings.Contains(string(out), "The API is at") {
		t.Errorf("demo --fresh --exit: %v\n%s", err, out)
	}
}
