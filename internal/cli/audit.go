package cli

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"github.com/transparency-dev/formats/note"

	"github.com/surety/surety/internal/app"
	"github.com/surety/surety/internal/audit"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/ledger"
)

func newAuditCmd() *cobra.Command {
	var cfg audit.Config
	var out string
	cmd := &cobra.Command{
		Use:   "audit --server URL --agreement ID --log-key VKEY [--quorum N] [--max-age D] [--state DIR]",
		Short: "Verify a log: signatures, cosignatures, consistency, every entry and tile",
		Long: "Audit follows the log from the last checkpoint it verified (kept in --state):\n" +
			"it verifies the checkpoint's log signature and the cosignatures of the\n" +
			"witnesses the adopted agreement names (at least its log.quorum, no older than\n" +
			"--max-age), checks that the log only grew, replays every new entry (verifying\n" +
			"each statement's signature against the keys in force at that point), and\n" +
			"rebuilds every tile from the entries. It exits 1 on any inconsistency.\n\n" +
			"The verified copy is kept between runs, by default in the user's state\n" +
			"directory ($XDG_STATE_HOME/surety/audit, or ~/.local/state/surety/audit), so\n" +
			"that a log that shrinks or forks between two audits is always caught.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(out); err != nil {
				return err
			}
			var err error
			if cfg.LogKey, err = keys.LoadPublic(cfg.LogKey); err != nil {
				return err
			}
			if cfg.Dir == "" {
				if cfg.Dir, err = auditDir(cfg.LogKey); err != nil {
					return err
				}
			}
			var bar *progressbar.ProgressBar
			cfg.Progress = func(done, total uint64) {
				if bar == nil {
					bar = progressbar.NewOptions64(int64(total), progressbar.OptionSetWriter(os.Stderr),
						progressbar.OptionSetDescription("replaying"), progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
				}
				_ = bar.Set64(int64(done))
			}
			rep, err := audit.Run(cmd.Context(), cfg)
			if bar != nil {
				_ = bar.Finish()
			}
			if err != nil {
				if audit.IsFailure(err) {
					fmt.Fprintf(cmd.ErrOrStderr(), "audit FAILED: %v\n", err)
					return exitError{1}
				}
				return err
			}
			if out == "json" {
				return writeJSON(cmd.OutOrStdout(), rep)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "audit ok: %s verified from size %d to %d, root %s\n", rep.Origin, rep.From, rep.To, hex.EncodeToString(rep.Root))
			fmt.Fprintf(cmd.OutOrStdout(), "  cosigned by %d witness(es) %v of the %d required", len(rep.Cosigners), rep.Cosigners, rep.Quorum)
			if !rep.Cosigned.IsZero() {
				fmt.Fprintf(cmd.OutOrStdout(), ", %s ago", time.Since(rep.Cosigned).Round(time.Second))
			}
			fmt.Fprintf(cmd.OutOrStdout(), "; %d tiles rebuilt and compared\n  state kept in %s\n", rep.Tiles, cfg.Dir)
			if cfg.Replay {
				fmt.Fprintf(cmd.OutOrStdout(), "  replay: all %d projected rows agree with the server's\n", rep.Rows)
			}
			return nil
		},
	}
	serverVar(cmd, &cfg.Server)
	cmd.Flags().StringVar(&cfg.Agreement, "agreement", "", "agreement id")
	cmd.Flags().StringVar(&cfg.LogKey, "log-key", "", "the log's verifier key, or a file holding it")
	cmd.Flags().IntVar(&cfg.Quorum, "quorum", 0, "cosignatures required of the agreement's witnesses (default and minimum: the agreement's log.quorum)")
	cmd.Flags().DurationVar(&cfg.MaxAge, "max-age", time.Hour, "the oldest a quorum's cosignatures may be before the checkpoint is called stale (0: no limit)")
	cmd.Flags().StringVar(&cfg.Dir, "state", "", "directory keeping the verified copy between runs (default: in the user's state directory, by log key)")
	cmd.Flags().DurationVar(&cfg.Timeout, "timeout", 30*time.Second, "how long to wait for each answer of the server, and for each part of the state dump")
	cmd.Flags().BoolVar(&cfg.Replay, "replay", false, "also compare every projected row (declarations, selections, verdicts, tranches…) recomputed from the log with what the server publishes")
	outputFlag(cmd, &out)
	_ = cmd.MarkFlagRequired("agreement")
	_ = cmd.MarkFlagRequired("log-key")
	return cmd
}

// auditDir is where audit keeps its copy of a log by default: in the
// user's state directory, under the log key's name and hash, so that every
// audit of one log, through whichever server, continues the last.
func auditDir(logKey string) (string, error) {
	v, err := note.NewVerifier(strings.TrimSpace(logKey))
	if err != nil {
		return "", fmt.Errorf("--log-key: %w", err)
	}
	base := os.Getenv("XDG_STATE_HOME")
	if base == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("no state directory for the audit: set XDG_STATE_HOME or pass --state DIR: %w", err)
		}
		base = filepath.Join(home, ".local", "state")
	}
	name := strings.Map(func(r rune) rune {
		if r == '/' || r == os.PathSeparator || r == ':' {
			return '_'
		}
		return r
	}, v.Name())
	return filepath.Join(base, "surety", "audit", fmt.Sprintf("%s+%08x", name, v.KeyHash())), nil
}

func newRebuildCmd() *cobra.Command {
	var db, agr string
	cmd := &cobra.Command{
		Use:   "rebuild --db sqlite:PATH|postgres://… --agreement ID",
		Short: "Drop the projected state and replay the log into it",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := app.OpenStore(cmd.Context(), db)
			if err != nil {
				return err
			}
			defer st.Close()
			l, err := ledger.Open(cmd.Context(), ledger.Options{Store: st, Log: agr, Logger: newLogger(os.Stderr), Rebuild: true})
			if err != nil {
				return err
			}
			defer l.Close()
			h, err := l.Head(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "rebuilt the state of %s from %d entries\n", agr, h.Size)
			return nil
		},
	}
	cmd.Flags().StringVar(&db, "db", "sqlite:surety.db", "store: sqlite:PATH or a postgres:// URL")
	cmd.Flags().StringVar(&agr, "agreement", "", "agreement id")
	_ = cmd.MarkFlagRequired("agreement")
	return cmd
}
