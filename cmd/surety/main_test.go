package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/surety/surety/internal/app"
	"github.com/surety/surety/internal/audit"
	"github.com/surety/surety/internal/client"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/statement"
	"github.com/surety/surety/internal/testenv"
)

var binary string

const example = "../../examples/israel-dprk-1993.yaml"

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "surety-bin-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "surety")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startServe runs `surety serve` as a child process and waits until it
// answers.
func startServe(t *testing.T, db, addr, keyFile, agreementFile string, witnesses ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(binary, "serve", "--agreement", agreementFile,
		"--db", db, "--addr", addr, "--log-key", keyFile)
	for _, w := range witnesses {
		cmd.Args = append(cmd.Args, "--witness", w)
	}
	logs, err := os.Create(filepath.Join(t.TempDir(), "serve.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	for range 200 {
		resp, err := http.Get("http://" + addr + "/log/il-kp-1993/checkpoint")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return cmd
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	out, _ := os.ReadFile(logs.Name())
	t.Fatalf("surety serve did not come up:\n%s", out)
	return nil
}

// startWitnesses runs the 1993 agreement's two witnesses, with the demo
// keys, keeping their state under dir, and returns their --witness flags.
func startWitnesses(t *testing.T, dir string) []string {
	t.Helper()
	logKey, err := keys.Derive("demo", "surety.local/il-kp-1993")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, id := range []string{"il-witness", "kp-witness"} {
		k, err := keys.Derive("demo", id)
		if err != nil {
			t.Fatal(err)
		}
		u, stop, err := app.StartWitness(k, "127.0.0.1:0", filepath.Join(dir, "witness-"+id), app.Network{}, logKey.VKey())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(stop)
		out = append(out, id+"="+u)
	}
	return out
}

// TestKill9 kills a loaded server with SIGKILL and restarts it: every
// acknowledged statement is there with the same leaf hash, and the log
// passes an audit.
func TestKill9(t *testing.T) {
	for _, b := range []struct {
		name string
		db   func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "s.db") }},
		{"postgres", func(t *testing.T) string { return testenv.PostgresURL(t) }},
	} {
		t.Run(b.name, func(t *testing.T) {
			db := b.db(t)
			k, err := keys.Derive("demo", "surety.local/il-kp-1993")
			if err != nil {
				t.Fatal(err)
			}
			keyFile, _, err := keys.Write(t.TempDir(), k, false)
			if err != nil {
				t.Fatal(err)
			}
			addr := freeAddr(t)
			witnesses := startWitnesses(t, t.TempDir())
			srv := startServe(t, db, addr, keyFile, example, witnesses...)

			c := client.New("http://" + addr)
			var acked sync.Map // index → leaf hash
			var n, sent atomic.Int64
			ctx, stop := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			for w := range 32 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; ctx.Err() == nil; i++ {
						env, err := statement.Sign(k, statement.Payload{Type: "clock.tick", Agreement: "il-kp-1993",
							ID: fmt.Sprintf("w%d-%d", w, i), Author: "operator", Time: time.Now(), Body: []byte("{}")})
						if err != nil {
							t.Error(err)
							return
						}
						sent.Add(1)
						a, err := c.Submit(ctx, env)
						if err != nil {
							return // the server died under us
						}
						acked.Store(a.Index, a.LeafHash)
						n.Add(1)
					}
				}()
			}
			// Load it until enough statements are acknowledged: the first
			// tick closes every period since 1993, which takes a moment.
			for deadline := time.Now().Add(10 * time.Second); n.Load() < 100 && time.Now().Before(deadline); {
				time.Sleep(50 * time.Millisecond)
			}
			time.Sleep(300 * time.Millisecond)
			if err := srv.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			_ = srv.Wait()
			stop()
			wg.Wait()
			if n.Load() < 100 {
				t.Fatalf("only %d statements were acknowledged before the kill", n.Load())
			}

			startServe(t, db, addr, keyFile, example, witnesses...)
			checked := 0
			acked.Range(func(k, v any) bool {
				var e struct {
					LeafHash string `json:"leaf_hash"`
				}
				if err := c.Get(context.Background(), fmt.Sprintf("/v1/statements/%d", k), &e); err != nil {
					t.Errorf("acknowledged index %d is lost: %v", k, err)
					return false
				}
				if e.LeafHash != v.(string) {
					t.Errorf("index %d has leaf %s, acknowledged as %s", k, e.LeafHash, v)
				}
				checked++
				return true
			})
			t.Logf("%d acknowledged of %d sent before the kill; all %d present", n.Load(), sent.Load(), checked)
			if _, err := c.Signing("operator", k.Key).Do(context.Background(), http.MethodPost, "/v1/checkpoint", "", nil, nil); err != nil {
				t.Fatal(err)
			}
			if _, err := audit.Run(context.Background(), audit.Config{Server: c.Base, Agreement: "il-kp-1993", LogKey: k.VKey()}); err != nil {
				t.Fatalf("audit after restart: %v", err)
			}
		})
	}
}

// TestDemo runs `surety demo --fast --exit` within a minute, serves its log
// again and audits it with a full replay.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("the demo runs a simulated year")
	}
	dir := t.TempDir()
	start := time.Now()
	out, err := exec.Command(binary, "demo", "--fast", "--exit", "--dir", dir, "--addr", "127.0.0.1:0").CombinedOutput()
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	if took := time.Since(start); took > time.Minute {
		t.Errorf("the demo took %v; it must finish within a minute", took)
	}
	for _, want := range []string{"Period verdicts", "prohibited items found", "denied access", "on hold until the close", "the hold for", "paid late", "suspended", "AT STAKE", "surety audit --server"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the demo's output lacks %q:\n%s", want, out)
		}
	}
	addr := freeAddr(t)
	startServe(t, "sqlite:"+filepath.Join(dir, "surety.db"), addr, filepath.Join(dir, "keys", "surety.local_il-kp-1993.key"), filepath.Join(dir, "israel-dprk-1993.yaml"),
		startWitnesses(t, dir)...)
	k, _ := keys.Derive("demo", "surety.local/il-kp-1993")
	rep, err := audit.Run(context.Background(), audit.Config{Server: "http://" + addr, Agreement: "il-kp-1993", LogKey: k.VKey(), Replay: true})
	if err != nil {
		t.Fatalf("audit --replay of the demo's log: %v", err)
	}
	if rep.To < 5000 || rep.Rows < 5000 {
		t.Errorf("audited %d entries and %d rows; the demo's year should hold thousands", rep.To, rep.Rows)
	}
}
