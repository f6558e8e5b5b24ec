package cli

import (
	"encoding/hex"
	"fmt"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/surety/surety/internal/app"
	"github.com/surety/surety/internal/audit"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/ledger"
)

func newAuditCmd() *cobra.Command {
	var cfg audit.Config
	var out string
	var witnesses []string
	cmd := &cobra.Command{
		Use:   "audit --server URL --agreement ID --log-key VKEY [--witness VKEY...] [--quorum N] [--state DIR]",
		Short: "Verify a log: signatures, cosignatures, consistency, every entry and tile",
		Long: "Audit follows the log from the last checkpoint it verified (kept in --state):\n" +
			"it verifies the checkpoint's log signature and the witnesses' cosignatures,\n" +
			"checks that the log only grew, replays every new entry (verifying each\n" +
			"statement's signature against the keys in force at that point), and rebuilds\n" +
			"every tile from the entries. It exits 1 on any inconsistency.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(out); err != nil {
				return err
			}
			var err error
			if cfg.LogKey, err = keys.LoadPublic(cfg.LogKey); err != nil {
				return err
			}
			for _, w := range witnesses {
				k, err := keys.LoadPublic(w)
				if err != nil {
					return err
				}
				cfg.Witnesses = append(cfg.Witnesses, k)
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
			fmt.Fprintf(cmd.OutOrStdout(), "  cosigned by %d witness(es) %v; %d tiles rebuilt and compared\n", len(rep.Cosigners), rep.Cosigners, rep.Tiles)
			if cfg.Replay {
				fmt.Fprintf(cmd.OutOrStdout(), "  replay: all %d projected rows agree with the server's\n", rep.Rows)
			}
			return nil
		},
	}
	serverVar(cmd, &cfg.Server)
	cmd.Flags().StringVar(&cfg.Agreement, "agreement", "", "agreement id")
	cmd.Flags().StringVar(&cfg.LogKey, "log-key", "", "the log's verifier key, or a file holding it")
	cmd.Flags().StringArrayVar(&witnesses, "witness", nil, "a witness's verifier key, or a file holding it (repeatable)")
	cmd.Flags().IntVar(&cfg.Quorum, "quorum", 0, "cosignatures required (default: all the witnesses given)")
	cmd.Flags().StringVar(&cfg.Dir, "state", "", "directory keeping the verified copy between runs (default: audit from scratch)")
	cmd.Flags().DurationVar(&cfg.Timeout, "timeout", 30*time.Second, "how long to wait for each answer of the server, and for each part of the state dump")
	cmd.Flags().BoolVar(&cfg.Replay, "replay", false, "also compare every projected row (declarations, selections, verdicts, tranches…) recomputed from the log with what the server publishes")
	outputFlag(cmd, &out)
	_ = cmd.MarkFlagRequired("agreement")
	_ = cmd.MarkFlagRequired("log-key")
	return cmd
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
