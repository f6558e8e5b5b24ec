package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"
)

// addServer is a Tessera-style log front end for the test: POST /add
// takes an entry and answers its index.
type addServer struct {
	mu      sync.Mutex
	entries map[string]int
	refuse  bool
}

func (s *addServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/add" {
		http.NotFound(w, r)
		return
	}
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refuse {
		http.Error(w, "pushback", http.StatusServiceUnavailable)
		return
	}
	i, ok := s.entries[string(b)]
	if !ok {
		i = len(s.entries)
		s.entries[string(b)] = i
	}
	fmt.Fprint(w, i)
}

// TestBenchIngest runs `surety bench ingest` small: two servers on one
// store, and 1 KiB entries posted to an /add endpoint.
func TestBenchIngest(t *testing.T) {
	add := &addServer{entries: map[string]int{}}
	srv := httptest.NewServer(add)
	defer srv.Close()
	run := func(args ...string) (string, error) {
		var out bytes.Buffer
		cmd := newBenchIngestCmd()
		cmd.SetOut(&out)
		cmd.SetErr(io.Discard)
		cmd.SetArgs(append([]string{"--agreement", "../../examples/israel-dprk-1993.yaml", "--n", "200", "--concurrency", "8"}, args...))
		err := cmd.Execute()
		return out.String(), err
	}
	out, err := run("--replicas", "2", "--raw-url", srv.URL, "--raw-n", "100", "--output", "json")
	if err != nil {
		t.Fatal(err)
	}
	var rep IngestReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if rep.Machine.Cores < 1 || !strings.HasPrefix(rep.Machine.Go, "go") || rep.Machine.CPU == "" {
		t.Errorf("machine %+v", rep.Machine)
	}
	if rep.Ticks.Requests != 200 || rep.Ticks.Rejected != 0 || rep.Ticks.PerSecond <= 0 || rep.Ticks.Target != "sqlite, 2 server(s)" {
		t.Errorf("ticks %+v", rep.Ticks)
	}
	if rep.FirstTick <= 0 {
		t.Errorf("the first tick, sent alone, took %v s", rep.FirstTick)
	}
	if rep.VerifyPerSecond <= 0 || rep.Ratio != rep.Ticks.PerSecond/rep.VerifyPerSecond {
		t.Errorf("verify %.0f/s, ratio %.3f", rep.VerifyPerSecond, rep.Ratio)
	}
	if rep.Raw == nil || rep.Raw.Requests != 100 || rep.RawRatio != rep.Ticks.PerSecond/rep.Raw.PerSecond {
		t.Errorf("raw %+v, ratio %.3f", rep.Raw, rep.RawRatio)
	}
	add.mu.Lock()
	if len(add.entries) != 100 {
		t.Errorf("the /add endpoint got %d distinct entries; want 100", len(add.entries))
	}
	for e := range add.entries {
		if len(e) != RawEntry {
			t.Errorf("an entry of %d bytes; want %d", len(e), RawEntry)
			break
		}
	}
	add.refuse = true
	add.mu.Unlock()

	// The text says where it ran and what the ratios are; an endpoint that
	// refuses entries fails the run.
	out, err = run("--raw-url", srv.URL)
	if err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("a refusing /add endpoint: %v", err)
	}
	add.mu.Lock()
	add.refuse = false
	add.mu.Unlock()
	out, err = run("--raw-url", srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"machine: ", " cores, GOMAXPROCS ", "load average", "raw ed25519 verify on one core, same run", "cores busy: this process", "surety over raw, same run: "} {
		if !strings.Contains(out, s) {
			t.Errorf("the output does not say %q:\n%s", s, out)
		}
	}
}

// TestServerGC checks that a serving process collects at five times its
// live heap, with a soft limit, unless GOGC and GOMEMLIMIT say otherwise,
// and that an operator's settings stand.
func TestServerGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	serverGC()
	if got := debug.SetGCPercent(100); got != 400 {
		t.Errorf("without GOGC, the GC percent is %d, want 400", got)
	}
	if got := debug.SetMemoryLimit(math.MaxInt64); got != serverMemory {
		t.Errorf("without GOMEMLIMIT, the memory limit is %d, want %d", got, serverMemory)
	}
	t.Setenv("GOGC", "150")
	t.Setenv("GOMEMLIMIT", "1GiB")
	debug.SetGCPercent(150)
	debug.SetMemoryLimit(1 << 30)
	serverGC()
	if got := debug.SetGCPercent(100); got != 150 {
		t.Errorf("with GOGC=150, the GC percent is %d, want it left at 150", got)
	}
	if got := debug.SetMemoryLimit(math.MaxInt64); got != 1<<30 {
		t.Errorf("with GOMEMLIMIT=1GiB, the memory limit is %d, want it left at %d", got, 1<<30)
	}
}

// TestPoster checks a bench client's connection: it dials again when the
// server closes the connection after an answer, counts an answer of the
// wrong status as a failed request, and gives up on a server that does
// not answer when its context ends; a run whose context ended is not
// reported as a measurement.
func TestPoster(t *testing.T) {
	var mu sync.Mutex
	conns := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		conns[r.RemoteAddr] = true
		mu.Unlock()
		b, _ := io.ReadAll(r.Body)
		if r.URL.Path == "/hang" {
			<-r.Context().Done()
			return
		}
		if string(b) == "close" {
			w.Header().Set("Connection", "close")
		}
		if string(b) == "old" {
			w.WriteHeader(http.StatusOK)
			return
		}
		w.WriteHeader(http.StatusCreated)
	}))
	defer srv.Close()
	bodies := [][]byte{[]byte("a"), []byte("close"), []byte("b"), []byte("close"), []byte("c")}
	r, err := BenchIngest(t.Context(), []string{srv.URL}, bodies, 1)
	if err != nil || r.Requests != 5 {
		t.Fatalf("%+v: %v", r, err)
	}
	if len(conns) != 3 {
		t.Errorf("one client, closed twice by the server, used %d connections; want 3", len(conns))
	}
	_, err = BenchIngest(t.Context(), []string{srv.URL}, [][]byte{[]byte("a"), []byte("old")}, 1)
	if err == nil || !strings.Contains(err.Error(), "1 of 2 requests failed") || !strings.Contains(err.Error(), "200 OK, want 201 Created") {
		t.Errorf("a statement the log held already: %v", err)
	}
	done, stop := context.WithCancel(t.Context())
	stop()
	if _, err := BenchIngest(done, []string{srv.URL}, bodies, 2); !errors.Is(err, context.Canceled) {
		t.Errorf("a run whose context ended reports %v", err)
	}
	u, _ := url.Parse(srv.URL + "/hang")
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	p := &poster{ctx: ctx, url: u, ct: "text/plain"}
	defer p.close()
	start := time.Now()
	if _, _, err := p.post([]byte("x")); err == nil || time.Since(start) > 5*time.Second {
		t.Errorf("a server that does not answer: %v after %v", err, time.Since(start))
	}
}
