package cli

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/app"
	"github.com/surety/surety/internal/client"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/statement"
	"github.com/surety/surety/internal/traffic"
)

func newBenchCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure Surety's performance on this machine",
	}
	cmd.AddCommand(newBenchIngestCmd(), newBenchScreenCmd())
	return cmd
}

// Machine is where a benchmark ran.
type Machine struct {
	CPU        string     `json:"cpu"`
	Cores      int        `json:"cores"`
	GOMAXPROCS int        `json:"gomaxprocs"`
	Go         string     `json:"go"`
	OS         string     `json:"os"`
	Load       [3]float64 `json:"load_average"` // before the run, from /proc/loadavg
}

// ThisMachine describes the machine running the benchmark.
func ThisMachine() Machine {
	m := Machine{CPU: runtime.GOARCH, Cores: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0),
		Go: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(b)) {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		_, _ = fmt.Sscan(string(b), &m.Load[0], &m.Load[1], &m.Load[2])
	}
	return m
}

func (m Machine) String() string {
	return fmt.Sprintf("%s, %d cores, GOMAXPROCS %d, %s %s; load average %.2f %.2f %.2f before the run",
		m.CPU, m.Cores, m.GOMAXPROCS, m.Go, m.OS, m.Load[0], m.Load[1], m.Load[2])
}

// IngestResult is what one flood of requests measures.
type IngestResult struct {
	Requests    int     `json:"requests"`
	Concurrency int     `json:"concurrency"`
	Target      string  `json:"target"`
	Seconds     float64 `json:"seconds"`
	PerSecond   float64 `json:"per_second"`
	P50ms       float64 `json:"p50_ms"`
	P99ms       float64 `json:"p99_ms"`
	Rejected    int     `json:"rejected"`
	// ProcessCores is the CPU time this process (the clients, and the
	// servers it started) used over the run, in cores; MachineCores is
	// the same for the whole machine, whose cores are Machine.Cores. Both
	// are zero where /proc is missing.
	ProcessCores float64 `json:"process_cores_busy"`
	MachineCores float64 `json:"machine_cores_busy"`
}

// IngestReport is what `surety bench ingest` measures in one run.
type IngestReport struct {
	Machine Machine `json:"machine"`
	// FirstTick is how long the log's first tick took, sent alone before
	// the timed ones: it runs what the agreement's clock has passed.
	FirstTick float64 `json:"first_tick_seconds"`
	// VerifyPerSecond is the raw ed25519 verification rate on one core,
	// measured right after the ticks.
	VerifyPerSecond float64      `json:"raw_verify_per_second_one_core"`
	Ticks           IngestResult `json:"ticks"`
	// Ratio is Ticks.PerSecond over VerifyPerSecond.
	Ratio        float64       `json:"ratio_to_raw_verify"`
	Raw          *IngestResult `json:"raw,omitempty"`
	RawRatio     float64       `json:"ratio_to_raw,omitempty"` // Ticks.PerSecond over Raw.PerSecond
	Declarations *IngestResult `json:"declarations,omitempty"`
	// Selection is the sealed selection of the declarations, on a server
	// bench started.
	Selection *SelectionResult `json:"selection,omitempty"`
}

// flood makes n requests from c concurrent clients, client w making each
// of its requests i with client(w)(i), and measures throughput, latency and
// the cores kept busy.
func flood(ctx context.Context, n, c int, client func(w int) func(i int) error) (IngestResult, error) {
	lat := make([]time.Duration, n)
	var next, rejected atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	proc0 := processCPU()
	busy0, total0 := machineCPU()
	start := time.Now()
	for w := range c {
		wg.Go(func() {
			send := client(w)
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				t := time.Now()
				err := send(i)
				lat[i] = time.Since(t)
				if err != nil {
					rejected.Add(1)
					once.Do(func() { firstErr = err })
				}
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return IngestResult{}, fmt.Errorf("%d of %d requests made: %w", min(int(next.Load()), n), n, err)
	}
	elapsed := time.Since(start)
	proc1 := processCPU()
	busy1, total1 := machineCPU()
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))]) / 1e6 }
	r := IngestResult{
		Requests: n, Concurrency: c, Seconds: elapsed.Seconds(),
		PerSecond: float64(n) / elapsed.Seconds(), P50ms: pct(0.50), P99ms: pct(0.99),
		Rejected: int(rejected.Load()),
	}
	if proc0 >= 0 && proc1 >= 0 {
		r.ProcessCores = (proc1 - proc0) / elapsed.Seconds()
	}
	if total1 > total0 {
		r.MachineCores = float64(runtime.NumCPU()) * (busy1 - busy0) / (total1 - total0)
	}
	if r.Rejected > 0 {
		return r, fmt.Errorf("%d of %d requests failed; the first: %w", r.Rejected, n, firstErr)
	}
	return r, nil
}

// clockTick is the kernel's unit of the CPU times in /proc.
const clockTick = 100

// processCPU returns the CPU time this process has used, in seconds, or
// -1 without /proc.
func processCPU() float64 {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return -1
	}
	// The fields after the command name, which is in parentheses:
	// utime and stime are the 12th and 13th.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return -1
	}
	u, err1 := strconv.ParseFloat(f[11], 64)
	s, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return -1
	}
	return (u + s) / clockTick
}

// machineCPU returns the time the machine's cores have been busy and
// the time they have been up, summed over the cores, in clock ticks; both
// are zero without /proc.
func machineCPU() (busy, total float64) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 6 || f[0] != "cpu" {
		return 0, 0
	}
	for i, v := range f[1:] {
		x, _ := strconv.ParseFloat(v, 64)
		total += x
		if i != 3 && i != 4 { // idle and iowait
			busy += x
		}
	}
	return busy, total
}

// BenchIngest posts pre-signed statements from c concurrent clients,
// spread over the servers at urls, and waits for each answer: 201, the
// statement appended.
func BenchIngest(ctx context.Context, urls []string, envs [][]byte, c int) (IngestResult, error) {
	us := make([]*url.URL, len(urls))
	for i, s := range urls {
		u, err := url.Parse(strings.TrimSuffix(s, "/") + "/v1/statements")
		if err != nil {
			return IngestResult{}, fmt.Errorf("server %q: %w", s, err)
		}
		us[i] = u
	}
	return floodPost(ctx, us, "application/json", len(envs), c,
		func(i int) []byte { return envs[i] },
		func(code int, b []byte) error { return status(code, http.StatusCreated, b) })
}

// RawEntry is the size of the entries BenchRaw adds.
const RawEntry = 1024

// BenchRaw posts n random entries of RawEntry bytes to a Tessera-style
// add endpoint, url+"/add", from c concurrent clients: the comparison
// with a log that neither verifies nor applies what it logs. Each answer
// must be 200 with the entry's index.
func BenchRaw(ctx context.Context, raw string, n, c int) (IngestResult, error) {
	entries := make([]byte, n*RawEntry)
	_, _ = rand.Read(entries)
	add, err := url.Parse(strings.TrimSuffix(raw, "/") + "/add")
	if err != nil {
		return IngestResult{}, fmt.Errorf("--raw-url %q: %w", raw, err)
	}
	r, err := floodPost(ctx, []*url.URL{add}, "application/octet-stream", n, c,
		func(i int) []byte { return entries[i*RawEntry : (i+1)*RawEntry] },
		func(code int, b []byte) error {
			if err := status(code, http.StatusOK, b); err != nil {
				return err
			}
			if _, err := strconv.ParseUint(string(bytes.TrimSpace(b)), 10, 64); err != nil {
				return fmt.Errorf("the answer %q is not an index", b)
			}
			return nil
		})
	r.Target = raw
	return r, err
}

// status returns an error unless an answer's status is want.
func status(code, want int, body []byte) error {
	if code != want {
		return fmt.Errorf("%d %s, want %d %s: %s", code, http.StatusText(code), want, http.StatusText(want), bytes.TrimSpace(body))
	}
	return nil
}

// floodPost posts body(i) for each i below n from c clients, client w to
// us[w % len(us)], each on its own connection (see poster), and counts an
// answer that check refuses as a failed request.
func floodPost(ctx context.Context, us []*url.URL, ct string, n, c int, body func(i int) []byte, check func(code int, b []byte) error) (IngestResult, error) {
	ps := make([]*poster, c)
	defer func() {
		for _, p := range ps {
			if p != nil {
				p.close()
			}
		}
	}()
	return flood(ctx, n, c, func(w int) func(int) error {
		p := &poster{ctx: ctx, url: us[w%len(us)], ct: ct}
		ps[w] = p
		return func(i int) error {
			code, b, err := p.post(body(i))
			if err != nil {
				return err
			}
			if err := check(code, b); err != nil {
				return fmt.Errorf("POST %s: %w", p.url, err)
			}
			return nil
		}
	})
}

// VerifyRate measures ed25519 verifications per second on one core.
func VerifyRate(d time.Duration) float64 {
	k, _ := keys.Derive("bench", "verify")
	msg := []byte("surety benchmark message of a typical statement's size, roughly")
	sig := ed25519.Sign(k.Key, msg)
	pub := k.Public()
	n := 0
	start := time.Now()
	for time.Since(start) < d {
		for range 100 {
			ed25519.Verify(pub, msg, sig)
		}
		n += 100
	}
	return float64(n) / time.Since(start).Seconds()
}

// signTicks signs n clock.tick statements as the log principal.
func signTicks(k *keys.Signer, agreement, author string, n int) ([][]byte, error) {
	envs := make([][]byte, n)
	now := time.Now()
	run := fmt.Sprintf("%x", now.UnixNano())
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	workers := runtime.NumCPU()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				env, err := statement.Sign(k, statement.Payload{Type: "clock.tick", Agreement: agreement,
					ID: fmt.Sprintf("bench-%s-%d", run, i), Author: author, Time: now, Body: json.RawMessage("{}")})
				if err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					return
				}
				envs[i] = env
			}
		}()
	}
	wg.Wait()
	return envs, firstErr
}

// benchDeclarations signs n ten-item declarations as the undertaker's
// declarant, drawn from the agreement's traffic model at its first site:
// each the lines of ten consignments in one.
func benchDeclarations(tm *traffic.Model, n int) ([][]byte, error) {
	spec := tm.Spec()
	v := tm.Volumes()[0]
	site := tm.Site(v.Site)
	var declarant string
	for _, p := range spec.Parties {
		for _, pr := range p.Principals {
			if p.ID == tm.Evader.Party && slices.Contains(pr.Duties, agreement.Declarant) && declarant == "" {
				declarant = pr.ID
			}
		}
	}
	k, err := keys.Derive("demo", declarant)
	if err != nil {
		return nil, err
	}
	country := ""
	for _, s := range spec.Sites {
		if s.ID == v.Site {
			country = s.Country
		}
	}
	now := time.Now()
	run := fmt.Sprintf("%x", now.UnixNano())
	rng := mrand.New(mrand.NewPCG(1, 2))
	envs := make([][]byte, n)
	for i := range n {
		d := site.Declaration(rng, country, v.Mode, now.Add(72*time.Hour))
		for len(d.Items) < 10 {
			d.Items = append(d.Items, site.Declaration(rng, country, v.Mode, d.Departure).Items...)
		}
		d.Items = d.Items[:10]
		body, err := json.Marshal(d)
		if err != nil {
			return nil, err
		}
		envs[i], err = statement.Sign(k, statement.Payload{Type: statement.TypeDeclare, Agreement: spec.ID,
			ID: fmt.Sprintf("bench-decl-%s-%d", run, i), Author: declarant, Time: now, Body: body})
		if err != nil {
			return nil, err
		}
	}
	return envs, nil
}

func newBenchIngestCmd() *cobra.Command {
	var keyPath, agreementFile, db, out, cpuprofile, rawURL string
	var servers []string
	var n, rawN, c, replicas int
	var decls bool
	cmd := &cobra.Command{
		Use:   "ingest [--server URL…] [--n N] [--concurrency C] [--db sqlite:PATH|postgres://…] [--replicas R] [--raw-url URL]",
		Short: "Flood a server with pre-signed statements; report throughput, latency, the cores kept busy and the ratio to raw ed25519 verification",
		Long: "Without --server, ingest starts its own server on loopback over a fresh store\n" +
			"(--db, default a new SQLite file), adopting the agreement (default the 1993 example)\n" +
			"with the demo-seed keys; --replicas starts several servers on the same store, as\n" +
			"several surety serve processes would share one PostgreSQL database, and spreads\n" +
			"the clients over them. It signs N+1 clock.tick statements in advance as the log\n" +
			"principal, sends the first alone, untimed, since a log's first tick runs all the\n" +
			"agreement's clock has passed, then posts the N from C concurrent clients over\n" +
			"HTTP, each waiting for its durable answer, and then measures the machine's\n" +
			"single-core ed25519 verification rate in the same run. It prints the machine, and the cores this process and the\n" +
			"whole machine kept busy.\n\n" +
			"--raw-url then posts N (or --raw-n) random 1 KiB entries, from C clients too, to a Tessera-style\n" +
			"URL/add endpoint (such as Tessera's POSIX conformance server), to compare with a\n" +
			"log that neither verifies nor applies what it logs, in the same run.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(out); err != nil {
				return err
			}
			if replicas < 1 {
				return fmt.Errorf("--replicas %d: start at least one server", replicas)
			}
			if len(servers) > 0 && (replicas != 1 || db != "") {
				return errors.New("--replicas and --db are for the servers bench starts; with --server, leave them out")
			}
			ctx := cmd.Context()
			spec, err := loadAgreement(agreementFile)
			if err != nil {
				return err
			}
			logPr := app.LogPrincipal(spec)
			var k *keys.Signer
			if keyPath != "" {
				k, err = keys.Load(keyPath)
			} else {
				k, err = keys.Derive("demo", spec.Origin())
			}
			if err != nil {
				return err
			}
			rep := IngestReport{Machine: ThisMachine()}
			backend := "remote"
			var clk *benchClock
			if len(servers) == 0 {
				serverGC() // as surety serve runs
				clk = &benchClock{}
				dir, err := os.MkdirTemp("", "surety-bench-")
				if err != nil {
					return err
				}
				defer os.RemoveAll(dir)
				if db == "" {
					db = "sqlite:" + filepath.Join(dir, "bench.db")
				}
				// One after the other, so that the first adopts the agreement.
				for range replicas {
					r, err := app.Serve(ctx, app.ServeConfig{Agreement: agreementFile, DB: db, Addr: "127.0.0.1:0", LogKey: k, Now: clk.now,
						Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
					if err != nil {
						return err
					}
					defer r.Close()
					servers, backend = append(servers, r.URL), r.Store.Dialect()
				}
			}
			target := fmt.Sprintf("%s, %d server(s)", backend, len(servers))
			fmt.Fprintf(cmd.ErrOrStderr(), "signing %d statements…\n", n+1)
			envs, err := signTicks(k, spec.ID, logPr.ID, n+1)
			if err != nil {
				return err
			}
			// The log's first tick runs all the agreement's clock has
			// passed: for the 1993 example, whose dates are long past,
			// it closes 399 monthly periods (December 2026). That took
			// 0.21 s, 7% of a run of 30,000 ticks at 64 clients, a
			// one-off that a rate of ingest should not carry, so the
			// first tick goes alone, untimed.
			first, err := BenchIngest(ctx, servers[:1], envs[:1], 1)
			if err != nil {
				return fmt.Errorf("the first tick: %w", err)
			}
			rep.FirstTick, envs = first.Seconds, envs[1:]
			fmt.Fprintf(cmd.ErrOrStderr(), "posting them from %d clients to %s…\n", c, strings.Join(servers, ", "))
			if cpuprofile != "" {
				f, err := os.Create(cpuprofile)
				if err != nil {
					return err
				}
				defer f.Close()
				if err := pprof.StartCPUProfile(f); err != nil {
					return err
				}
			}
			rep.Ticks, err = BenchIngest(ctx, servers, envs, c)
			pprof.StopCPUProfile()
			if err != nil {
				return err
			}
			rep.Ticks.Target = target
			rep.VerifyPerSecond = VerifyRate(time.Second)
			rep.Ratio = rep.Ticks.PerSecond / rep.VerifyPerSecond
			if rawURL != "" {
				if rawN <= 0 {
					rawN = n
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "posting %d entries of %d bytes from %d clients to %s/add…\n", rawN, RawEntry, c, rawURL)
				r, err := BenchRaw(ctx, rawURL, rawN, c)
				if err != nil {
					return err
				}
				rep.Raw, rep.RawRatio = &r, rep.Ticks.PerSecond/r.PerSecond
			}
			if decls {
				if err := app.AdoptFixtureList(ctx, &app.Sender{Key: k, Author: logPr.ID, Agreement: spec.ID, Client: client.New(servers[0])}); err != nil {
					return err
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "signing %d ten-item declarations…\n", n)
				tm, err := traffic.Load(spec, agreementFile)
				if err != nil {
					return err
				}
				denvs, err := benchDeclarations(tm, n)
				if err != nil {
					return err
				}
				r, err := BenchIngest(ctx, servers, denvs, c)
				if err != nil {
					return err
				}
				r.Target = target
				rep.Declarations = &r
				if clk != nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "committing to their selection and revealing it…\n")
					s, err := BenchSelection(ctx, servers[0], spec.ID, clk, r)
					if err != nil {
						return err
					}
					rep.Selection = &s
				}
			}
			if out == "json" {
				return writeJSON(cmd.OutOrStdout(), rep)
			}
			return rep.print(cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringSliceVar(&servers, "server", nil, "server URL, repeatable: the clients take turns (default: start servers)")
	cmd.Flags().StringVar(&keyPath, "key", "", "the log key (default: derived from the demo seed)")
	cmd.Flags().StringVar(&agreementFile, "agreement", "examples/israel-dprk-1993.yaml", "the agreement file")
	cmd.Flags().StringVar(&db, "db", "", "store of the started servers (default: a fresh SQLite file)")
	cmd.Flags().IntVar(&replicas, "replicas", 1, "servers to start on the store, each with its own connections")
	cmd.Flags().StringVar(&cpuprofile, "cpuprofile", "", "write a CPU profile of this process during the ticks to `FILE`")
	cmd.Flags().StringVar(&rawURL, "raw-url", "", "then post as many 1 KiB entries to the Tessera-style endpoint `URL`/add")
	cmd.Flags().IntVar(&n, "n", 20000, "statements to send")
	cmd.Flags().IntVar(&rawN, "raw-n", 0, "entries to post to --raw-url (default: N; a log that batches on a timer takes long with few clients)")
	cmd.Flags().IntVar(&c, "concurrency", 64, "concurrent clients")
	cmd.Flags().BoolVar(&decls, "declarations", false, "then adopt the list fixture and send as many ten-item declarations, to measure screening's cost")
	outputFlag(cmd, &out)
	return cmd
}

func (rep IngestReport) print(w io.Writer) error {
	busy := func(r IngestResult) string {
		return fmt.Sprintf("cores busy: this process %.2f (%.0f µs of CPU a request), the machine %.2f of %d",
			r.ProcessCores, 1e6*r.ProcessCores/r.PerSecond, r.MachineCores, rep.Machine.Cores)
	}
	t := rep.Ticks
	fmt.Fprintf(w, "machine: %s\n", rep.Machine)
	fmt.Fprintf(w, "ingest (%s): %d statements from %d clients in %.2fs, after a first tick alone in %.2fs\n", t.Target, t.Requests, t.Concurrency, t.Seconds, rep.FirstTick)
	fmt.Fprintf(w, "  throughput %.0f statements/s, p50 %.2f ms, p99 %.2f ms; %s\n", t.PerSecond, t.P50ms, t.P99ms, busy(t))
	fmt.Fprintf(w, "  raw ed25519 verify on one core, same run: %.0f/s; ratio %.2f\n", rep.VerifyPerSecond, rep.Ratio)
	if r := rep.Raw; r != nil {
		fmt.Fprintf(w, "raw %s/add, %d-byte entries: %d from %d clients in %.2fs\n", r.Target, RawEntry, r.Requests, r.Concurrency, r.Seconds)
		fmt.Fprintf(w, "  throughput %.0f entries/s, p50 %.2f ms, p99 %.2f ms; %s\n", r.PerSecond, r.P50ms, r.P99ms, busy(*r))
		fmt.Fprintf(w, "  surety over raw, same run: %.2f\n", rep.RawRatio)
	}
	if d := rep.Declarations; d != nil {
		fmt.Fprintf(w, "ten-item declarations, screened: %.0f statements/s, p50 %.2f ms, p99 %.2f ms; %s\n", d.PerSecond, d.P50ms, d.P99ms, busy(*d))
		fmt.Fprintf(w, "  screening adds %.3f ms of machine time per append (1/rate difference, all cores)\n", 1000*(1/d.PerSecond-1/t.PerSecond))
		if s := rep.Selection; s != nil {
			fmt.Fprintf(w, "with sealed selection (%d committed, %d selected, then revealed): %.0f declarations/s, %.2f of declarations alone\n",
				s.Declarations, s.Selected, s.PerSecond, s.Ratio)
			fmt.Fprintf(w, "  commitments %.2fs, reveals %.2fs, in rounds of up to 1,000\n", s.CommitSeconds, s.RevealSeconds)
		} else {
			fmt.Fprintf(w, "  (sealed selection is measured only on servers bench starts, whose clock it moves)\n")
		}
	}
	return nil
}
