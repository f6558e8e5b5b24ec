package cli

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
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

// IngestResult is what `surety bench ingest` measures.
type IngestResult struct {
	Statements  int     `json:"statements"`
	Concurrency int     `json:"concurrency"`
	Backend     string  `json:"backend"`
	Seconds     float64 `json:"seconds"`
	PerSecond   float64 `json:"statements_per_second"`
	P50ms       float64 `json:"p50_ms"`
	P99ms       float64 `json:"p99_ms"`
	Rejected    int     `json:"rejected"`
	// VerifyPerSecond is the machine's raw ed25519 verification rate on one
	// core, measured in the same run; Ratio is PerSecond over it.
	VerifyPerSecond float64 `json:"raw_verify_per_second_one_core"`
	Ratio           float64 `json:"ratio_to_raw_verify"`
	CPUs            int     `json:"cpus"`
}

// BenchIngest floods a server with n pre-signed statements from c
// concurrent clients and measures throughput and latency.
func BenchIngest(ctx context.Context, url string, envs [][]byte, c int) (IngestResult, error) {
	cl := client.New(url)
	cl.HTTP.Transport = newTransport(c)
	lat := make([]time.Duration, len(envs))
	var next, rejected atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	start := time.Now()
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(envs) {
					return
				}
				t := time.Now()
				_, err := cl.Submit(ctx, envs[i])
				lat[i] = time.Since(t)
				if err != nil {
					rejected.Add(1)
					once.Do(func() { firstErr = err })
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))]) / 1e6 }
	r := IngestResult{
		Statements: len(envs), Concurrency: c, Seconds: elapsed.Seconds(),
		PerSecond: float64(len(envs)) / elapsed.Seconds(), P50ms: pct(0.50), P99ms: pct(0.99),
		Rejected: int(rejected.Load()), CPUs: runtime.NumCPU(),
	}
	if r.Rejected > 0 {
		return r, fmt.Errorf("%d of %d statements were rejected; the first: %w", r.Rejected, len(envs), firstErr)
	}
	return r, nil
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
	rng := rand.New(rand.NewPCG(1, 2))
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
	var server, keyPath, agreementFile, db, out string
	var n, c int
	var decls bool
	cmd := &cobra.Command{
		Use:   "ingest [--server URL --key FILE --agreement FILE] [--n N] [--concurrency C] [--db sqlite:PATH|postgres://…]",
		Short: "Flood a server with pre-signed statements; report throughput, p50, p99 and the ratio to raw ed25519 verification",
		Long: "Without --server, ingest starts its own server on loopback over a fresh store\n" +
			"(--db, default a new SQLite file), adopting the 1993 example agreement with the\n" +
			"demo-seed keys. It signs N clock.tick statements in advance as the log principal,\n" +
			"posts them from C concurrent clients over HTTP, and measures the machine's\n" +
			"single-core ed25519 verification rate in the same run.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(out); err != nil {
				return err
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
			backend := "remote"
			var clk *benchClock
			if server == "" {
				clk = &benchClock{}
				dir, err := os.MkdirTemp("", "surety-bench-")
				if err != nil {
					return err
				}
				defer os.RemoveAll(dir)
				if db == "" {
					db = "sqlite:" + filepath.Join(dir, "bench.db")
				}
				r, err := app.Serve(ctx, app.ServeConfig{Agreement: agreementFile, DB: db, Addr: "127.0.0.1:0", LogKey: k, Now: clk.now,
					Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
				if err != nil {
					return err
				}
				defer r.Close()
				server, backend = r.URL, r.Store.Dialect()
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "signing %d statements…\n", n)
			envs, err := signTicks(k, spec.ID, logPr.ID, n)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "posting them from %d clients to %s…\n", c, server)
			res, err := BenchIngest(ctx, server, envs, c)
			res.Backend = backend
			res.VerifyPerSecond = VerifyRate(time.Second)
			res.Ratio = res.PerSecond / res.VerifyPerSecond
			if err != nil {
				return err
			}
			var dres *IngestResult
			var sres *SelectionResult
			if decls {
				if err := app.AdoptFixtureList(ctx, &app.Sender{Key: k, Author: logPr.ID, Agreement: spec.ID, Client: client.New(server)}); err != nil {
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
				r, err := BenchIngest(ctx, server, denvs, c)
				if err != nil {
					return err
				}
				r.Backend = backend
				dres = &r
				if clk != nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "committing to their selection and revealing it…\n")
					s, err := BenchSelection(ctx, server, spec.ID, clk, r)
					if err != nil {
						return err
					}
					sres = &s
				}
			}
			if out == "json" {
				return writeJSON(cmd.OutOrStdout(), map[string]any{"ticks": res, "declarations": dres, "selection": sres})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "ingest (%s, %d CPUs): %d statements, concurrency %d, in %.2fs\n", res.Backend, res.CPUs, res.Statements, res.Concurrency, res.Seconds)
			fmt.Fprintf(cmd.OutOrStdout(), "  throughput %.0f statements/s, p50 %.2f ms, p99 %.2f ms\n", res.PerSecond, res.P50ms, res.P99ms)
			fmt.Fprintf(cmd.OutOrStdout(), "  raw ed25519 verify on one core: %.0f/s; ratio %.2f\n", res.VerifyPerSecond, res.Ratio)
			if dres != nil {
				fmt.Fprintf(cmd.OutOrStdout(), "ten-item declarations, screened: %.0f statements/s, p50 %.2f ms, p99 %.2f ms\n", dres.PerSecond, dres.P50ms, dres.P99ms)
				fmt.Fprintf(cmd.OutOrStdout(), "  screening adds %.3f ms of machine time per append (1/rate difference, both cores)\n", 1000*(1/dres.PerSecond-1/res.PerSecond))
			}
			if sres != nil {
				fmt.Fprintf(cmd.OutOrStdout(), "with sealed selection (%d committed, %d selected, then revealed): %.0f declarations/s, %.2f of declarations alone\n",
					sres.Declarations, sres.Selected, sres.PerSecond, sres.Ratio)
				fmt.Fprintf(cmd.OutOrStdout(), "  commitments %.2fs, reveals %.2fs, in rounds of up to 1,000\n", sres.CommitSeconds, sres.RevealSeconds)
			} else if dres != nil {
				fmt.Fprintf(cmd.OutOrStdout(), "  (sealed selection is measured only on a started server, whose clock the bench moves)\n")
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&server, "server", "", "server URL (default: start one)")
	cmd.Flags().StringVar(&keyPath, "key", "", "the log key (default: derived from the demo seed)")
	cmd.Flags().StringVar(&agreementFile, "agreement", "examples/israel-dprk-1993.yaml", "the agreement file")
	cmd.Flags().StringVar(&db, "db", "", "store of the started server (default: a fresh SQLite file)")
	cmd.Flags().IntVar(&n, "n", 20000, "statements to send")
	cmd.Flags().IntVar(&c, "concurrency", 64, "concurrent clients")
	cmd.Flags().BoolVar(&decls, "declarations", false, "then adopt the list fixture and send as many ten-item declarations, to measure screening's cost, and commit to and reveal their selection")
	outputFlag(cmd, &out)
	return cmd
}

// newTransport keeps up to c connections open to the server.
func newTransport(c int) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = c
	t.MaxIdleConnsPerHost = c
	return t
}
