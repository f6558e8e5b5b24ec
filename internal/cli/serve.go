package cli

import (
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"
	"golang.org/x/time/rate"

	"github.com/surety/surety/internal/app"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/ledger"
	"github.com/surety/surety/internal/server"
	"github.com/surety/surety/internal/store"
)

// networkFlags binds the flags that bound a server's connections.
func networkFlags(cmd *cobra.Command, n *app.Network) {
	cmd.Flags().DurationVar(&n.HeaderTimeout, "header-timeout", n.HeaderTimeout, "time to read a request's header")
	cmd.Flags().DurationVar(&n.ReadTimeout, "read-timeout", n.ReadTimeout, "time to read a whole request, a blob upload included")
	cmd.Flags().DurationVar(&n.WriteTimeout, "write-timeout", n.WriteTimeout, "time to write an answer, a blob download included")
	cmd.Flags().DurationVar(&n.IdleTimeout, "idle-timeout", n.IdleTimeout, "time an idle connection is kept open")
	cmd.Flags().IntVar(&n.MaxConns, "max-conns", n.MaxConns, "connections served at once; more wait until one closes")
}

// newLogger logs as text on a terminal and as JSON otherwise.
func newLogger(w *os.File) *slog.Logger {
	if isatty.IsTerminal(w.Fd()) {
		return slog.New(slog.NewTextHandler(w, nil))
	}
	return slog.New(slog.NewJSONHandler(w, nil))
}

// serverGC lets the heap of a process that serves a log grow to five times
// what is live before each collection, unless GOGC says otherwise. What a
// server allocates for a statement (its request, envelope and answer) dies
// with the request, and what lives is small (5–15 MB under
// `surety bench ingest`, 40 MB more with the lists' name index), so Go's
// default of twice the live heap collected 25 times a second under load;
// at five times, ingest carries 5–7 % more statements on the same cores
// (docs/performance.md), for tens of megabytes.
//
// A flood of large requests makes more of the heap live, and five times
// that would be more than twice: so the heap is also held, softly, to
// serverMemory unless GOMEMLIMIT says otherwise, where the collector works
// harder rather than let it grow.
func serverGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(serverMemory)
	}
}

// serverMemory is the soft limit of a serving process's heap: far above
// what it keeps live (tens of megabytes), and what twice the live heap
// would reach with 2 GiB of requests under way.
const serverMemory = 4 << 30

func newServeCmd() *cobra.Command {
	cfg := app.ServeConfig{Network: app.DefaultNetwork, Limits: server.DefaultLimits, BlobTTL: app.DefaultBlobTTL}
	var start string
	var logKey string
	var witnesses []string
	cmd := &cobra.Command{
		Use:   "serve --agreement FILE --log-key FILE [--db sqlite:PATH|postgres://…] [--addr HOST:PORT]",
		Short: "Serve an agreement's log: the statement API, checkpoints, tiles and proofs",
		Long: "Serve opens the log of the agreement (adopting it if the log is new), sequences\n" +
			"statements with group commit, publishes a signed checkpoint every interval,\n" +
			"asks the agreement's witnesses to cosign it, and serves the log as C2SP\n" +
			"tlog-tiles under /log/<agreement>/.\n\n" +
			"The log's clock is the wall clock: a clock.tick closes every period of the\n" +
			"agreement up to now. To run an agreement from its own dates (the 1993 offer\n" +
			"from 1993), give --start.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			k, err := keys.Load(logKey)
			if err != nil {
				return err
			}
			serverGC()
			cfg.LogKey = k
			cfg.Witnesses = map[string]string{}
			for _, w := range witnesses {
				id, u, ok := strings.Cut(w, "=")
				if !ok || id == "" || u == "" {
					return fmt.Errorf("--witness %q: write PRINCIPAL=URL", w)
				}
				cfg.Witnesses[id] = u
			}
			cfg.Logger = newLogger(os.Stderr)
			if start != "" {
				t, err := time.Parse(time.RFC3339, start)
				if err != nil {
					return fmt.Errorf("--start %q: give the log's starting time in RFC 3339, e.g. 1993-08-01T00:00:00Z", start)
				}
				launch := time.Now()
				cfg.Now = func() time.Time { return t.Add(time.Since(launch)) }
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			r, err := app.Serve(ctx, cfg)
			if err != nil {
				return err
			}
			cfg.Logger.Info("serving", "agreement", r.Spec.ID, "origin", r.Spec.Origin(), "url", r.URL, "db", cfg.DB)
			fmt.Fprintf(cmd.OutOrStdout(), "serving %s at %s\n", r.Spec.ID, r.URL)
			<-ctx.Done()
			r.Close()
			return nil
		},
	}
	cmd.Flags().StringVar(&cfg.Agreement, "agreement", "", "the agreement file")
	cmd.Flags().StringVar(&cfg.DB, "db", "sqlite:surety.db", "store: sqlite:PATH or a postgres:// URL")
	cmd.Flags().StringVar(&cfg.Addr, "addr", "127.0.0.1:8080", "address to listen on")
	cmd.Flags().StringVar(&logKey, "log-key", "", "the log's private key file (its name is the log origin)")
	cmd.Flags().StringArrayVar(&witnesses, "witness", nil, "a witness to ask for cosignatures: PRINCIPAL=URL (repeatable)")
	cmd.Flags().DurationVar(&cfg.Interval, "checkpoint-interval", time.Second, "how often to publish a checkpoint")
	networkFlags(cmd, &cfg.Network)
	var perAddress, perPrincipal float64 = float64(cfg.Limits.Address), float64(cfg.Limits.Principal)
	cmd.Flags().Float64Var(&perAddress, "rate-address", perAddress, "requests a second one client address may make, sustained")
	cmd.Flags().IntVar(&cfg.Limits.AddressBurst, "burst-address", cfg.Limits.AddressBurst, "requests one client address may make at once")
	cmd.Flags().Float64Var(&perPrincipal, "rate-principal", perPrincipal, "signed requests a second one principal may make, sustained")
	cmd.Flags().IntVar(&cfg.Limits.PrincipalBurst, "burst-principal", cfg.Limits.PrincipalBurst, "signed requests one principal may make at once")
	cmd.Flags().DurationVar(&cfg.BlobTTL, "blob-ttl", cfg.BlobTTL, "how long an uploaded blob may go uncited by any statement before it is deleted")
	cmd.PreRun = func(*cobra.Command, []string) {
		cfg.Limits.Address, cfg.Limits.Principal = rate.Limit(perAddress), rate.Limit(perPrincipal)
	}
	cmd.Flags().DurationVar(&cfg.CommitTimeout, "commit-timeout", 30*time.Second, "how long the store may take to commit a batch of statements before they are answered 503 unavailable")
	cmd.Flags().StringVar(&start, "start", "", "run the log's clock from this time (RFC 3339), advancing with the wall clock, instead of the wall clock itself; a log never goes back in time, so a restart waits for its last entry's time")
	_ = cmd.MarkFlagRequired("agreement")
	_ = cmd.MarkFlagRequired("log-key")
	return cmd
}

func openLog(cmd *cobra.Command, st store.Store, agr string) (*ledger.Log, error) {
	return ledger.Open(cmd.Context(), ledger.Options{Store: st, Log: agr, Logger: newLogger(os.Stderr)})
}
