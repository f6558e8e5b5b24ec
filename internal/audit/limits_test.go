package audit_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/surety/surety/internal/app"
	"github.com/surety/surety/internal/audit"
	"github.com/surety/surety/internal/client"
	"github.com/surety/surety/internal/statement"
)

// TestAuditNamesMissingEntry: an entry deleted from the server's database
// is reported missing, with its index, not as a failure to fetch.
func TestAuditNamesMissingEntry(t *testing.T) {
	e := newEnv(t)
	r := e.serve(t, "log.db")
	e.fill(t, r, "a", 10)
	tamper(t, filepath.Join(e.dir, "log.db"), `DELETE FROM statements WHERE idx = 5`)
	tamper(t, filepath.Join(e.dir, "log.db"), `DELETE FROM entries WHERE idx = 5`)
	_, err := audit.Run(context.Background(), e.config(r, ""))
	mustFail(t, err, "entry 5 is missing: the checkpoint of size 11 commits to it")
}

// hostile serves the honest server's answers, except on the path for
// which it runs its own handler.
func hostile(t *testing.T, r *app.Running, path string, h http.HandlerFunc) *httptest.Server {
	u, _ := url.Parse(r.URL)
	proxy := httputil.NewSingleHostReverseProxy(u)
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if strings.HasPrefix(req.URL.Path, path) {
			h(w, req)
			return
		}
		proxy.ServeHTTP(w, req)
	}))
	t.Cleanup(s.Close)
	return s
}

// forever writes chunk after chunk until the client goes away.
func forever(first, chunk string) http.HandlerFunc {
	return func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set(serverStateSize, req.Header.Get("X-Size"))
		w.Write([]byte(first))
		b := []byte(strings.Repeat(chunk, 1<<16/len(chunk)))
		for req.Context().Err() == nil {
			if _, err := w.Write(b); err != nil {
				return
			}
		}
	}
}

const serverStateSize = "Surety-Log-Size"

// rows writes distinct state rows, in order, until the client goes away.
func rows(w http.ResponseWriter, req *http.Request) {
	w.Header().Set(serverStateSize, req.Header.Get("X-Size"))
	w.Write([]byte("["))
	for i := 0; req.Context().Err() == nil; i++ {
		if _, err := fmt.Fprintf(w, `{"kind":"a","key":"%012d","value":1},`, i); err != nil {
			return
		}
	}
}

// TestAuditBoundsReads: against a log that streams an answer forever, the
// audit fails in bounded time and memory, saying which answer went on.
func TestAuditBoundsReads(t *testing.T) {
	e := newEnv(t)
	r := e.serve(t, "log.db")
	e.fill(t, r, "a", 10)
	sized := func(h http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, req *http.Request) {
			req.Header.Set("X-Size", "11")
			h(w, req)
		}
	}
	for _, c := range []struct {
		name, path string
		h          http.HandlerFunc
		want       string
	}{
		{"checkpoint", "/log/il-kp-1993/checkpoint", forever("", "x"), "checkpoint: the answer goes on past 65536 bytes"},
		{"entry bundle", "/log/il-kp-1993/tile/entries/", forever("", "x"), "tile/entries/000.p/11: the answer goes on past"},
		{"hash tile", "/log/il-kp-1993/tile/0/", forever("", "x"), "tile/0/000.p/11: the answer goes on past 8192 bytes"},
		{"state rows", "/v1/state", sized(rows), "the answer goes on past 16777216 bytes"},
		{"state row", "/v1/state", sized(forever(`[{"kind":"a","key":"b","value":"`, "x")), "a row goes on past 4194304 bytes"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := hostile(t, r, c.path, c.h)
			cfg := e.config(r, "")
			cfg.Server, cfg.Replay, cfg.MaxState = s.URL, true, 16<<20
			var peak atomic.Uint64
			stop := watchHeap(&peak)
			start := time.Now()
			_, err := audit.Run(context.Background(), cfg)
			stop()
			mustFail(t, err, c.want)
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("the audit took %s", d)
			}
			if p := peak.Load(); p > 256<<20 {
				t.Errorf("the auditor's heap reached %d MiB", p>>20)
			}
		})
	}
}

// watchHeap records the largest heap in use until stopped.
func watchHeap(peak *atomic.Uint64) func() {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// TestAuditTimesOut: against a log that never answers, or stops in the
// middle of an answer, the audit gives up within its timeout.
func TestAuditTimesOut(t *testing.T) {
	e := newEnv(t)
	r := e.serve(t, "log.db")
	e.fill(t, r, "a", 10)
	silent := func(w http.ResponseWriter, req *http.Request) { <-req.Context().Done() }
	stalled := func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set(serverStateSize, "11")
		w.Write([]byte(`[{"kind":"a",`))
		w.(http.Flusher).Flush()
		<-req.Context().Done()
	}
	for _, c := range []struct {
		name, path string
		h          http.HandlerFunc
	}{
		{"silent checkpoint", "/log/il-kp-1993/checkpoint", silent},
		{"silent entry bundle", "/log/il-kp-1993/tile/entries/", silent},
		{"silent state", "/v1/state", silent},
		{"stalled state", "/v1/state", stalled},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := hostile(t, r, c.path, c.h)
			cfg := e.config(r, "")
			cfg.Server, cfg.Replay, cfg.Timeout = s.URL, true, 300*time.Millisecond
			done := make(chan error, 1)
			go func() {
				_, err := audit.Run(context.Background(), cfg)
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil {
					t.Fatal("the audit passed")
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the audit still waits after 10 s")
			}
		})
	}
}

// TestReplayUnderLoad: statements appended while the auditor replays,
// before and after the checkpoints it verifies, raise no accusation
// against an honest server, run after run on one copy.
func TestReplayUnderLoad(t *testing.T) {
	e := newEnv(t)
	r := e.serve(t, "log.db")
	e.fill(t, r, "a", 20)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var sent atomic.Int64
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := client.New(r.URL)
			for i := 0; ctx.Err() == nil; i++ {
				env, _ := statement.Sign(e.logKey, statement.Payload{Type: "clock.tick", Agreement: "il-kp-1993",
					ID: "load-" + strconv.Itoa(w) + "-" + strconv.Itoa(i), Author: "operator", Time: time.Now(), Body: []byte("{}")})
				if _, err := c.Submit(ctx, env); err != nil && ctx.Err() == nil {
					t.Error(err)
					return
				}
				sent.Add(1)
			}
		}()
	}
	defer func() { cancel(); wg.Wait() }()
	cfg := e.config(r, filepath.Join(e.dir, "auditor"))
	cfg.Replay = true
	for run := range 4 {
		for sent.Load() < int64(20*(run+1)) {
			time.Sleep(5 * time.Millisecond)
		}
		if run%2 == 0 {
			if _, err := r.Publisher.Publish(context.Background(), true); err != nil {
				t.Fatal(err)
			}
		}
		rep, err := audit.Run(context.Background(), cfg)
		if err != nil {
			t.Fatalf("run %d: the replay accuses an honest server under load: %v", run, err)
		}
		if rep.State < rep.To || rep.Rows == 0 {
			t.Errorf("run %d: %+v", run, rep)
		}
		t.Logf("run %d: checkpoint %d, state at %d, %d rows", run, rep.To, rep.State, rep.Rows)
	}
}
