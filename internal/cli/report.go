package cli

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"slices"

	"github.com/spf13/cobra"
	"golang.org/x/mod/sumdb/note"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/api"
	"github.com/surety/surety/internal/app"
	"github.com/surety/surety/internal/client"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/report"
	"github.com/surety/surety/internal/statement"
)

func newReportCmd() *cobra.Command {
	var srv, agr, format, logKey, out string
	var period int
	cmd := &cobra.Command{
		Use:   "report --agreement ID --period N --format md|json|html [--server URL] [--log-key VKEY] [--out FILE]",
		Short: "Write a closed period's compliance report, with every cited statement proved",
		Long: "Report writes the compliance report of a closed period: the verdicts with their\n" +
			"reasons, the assurance figures, the inspections, the violations, what the verdicts\n" +
			"did to the incentives, the incentive changes and the milestones reached. Every\n" +
			"statement it cites carries its log index, its entry and its inclusion proof against\n" +
			"the log's signed checkpoint, so that `surety verify report` checks it offline.\n" +
			"JSON is the canonical form; the Markdown and HTML forms embed it.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !slices.Contains([]string{report.Markdown, report.JSON, report.HTML}, format) {
				return fmt.Errorf("--format %q: use md, json or html", format)
			}
			ctx := cmd.Context()
			c := client.New(srv)
			k, err := keys.LoadPublic(logKey)
			if err != nil {
				return err
			}
			if logKey == "" {
				if k, err = adoptedLogKey(ctx, c); err != nil {
					return err
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "using the log key of the agreement the server adopted, %s; pass --log-key to check the server against a key you hold\n", k)
			}
			r, err := report.Build(ctx, c, agr, period, k)
			if err != nil {
				return err
			}
			b, err := r.Render(format)
			if err != nil {
				return err
			}
			if out == "" {
				_, err = cmd.OutOrStdout().Write(b)
				return err
			}
			if err := os.WriteFile(out, b, 0o644); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: period %d of %s, %d statements cited with their inclusion proofs\n",
				out, r.Period, r.Agreement, len(r.Statements))
			return nil
		},
	}
	serverVar(cmd, &srv)
	cmd.Flags().StringVar(&agr, "agreement", "il-kp-1993", "agreement id")
	cmd.Flags().IntVar(&period, "period", 0, "the closed period's number (1, 2, …)")
	cmd.Flags().StringVar(&format, "format", "md", "md, json or html")
	cmd.Flags().StringVar(&logKey, "log-key", "", "the log's verifier key, or a file holding it (default: the one in the agreement the server adopted)")
	cmd.Flags().StringVar(&out, "out", "", "write the report to this file instead of standard output")
	_ = cmd.MarkFlagRequired("period")
	return cmd
}

// adoptedLogKey returns the verifier key of the log principal in the
// agreement the server's log adopted, as the server says.
func adoptedLogKey(ctx context.Context, c *client.Client) (string, error) {
	var e api.EntryResponse
	if err := c.Get(ctx, "/v1/statements/0", &e); err != nil {
		return "", err
	}
	var b statement.AdoptBody
	if err := statement.DecodeBody(e.Payload.Body, &b); err != nil {
		return "", fmt.Errorf("entry 0: %w", err)
	}
	spec, err := agreement.Parse("the adopted agreement", []byte(b.Document))
	if err != nil {
		return "", err
	}
	_, pub, err := keys.ParsePublic(app.LogPrincipal(spec).Key)
	if err != nil {
		return "", fmt.Errorf("the adopted agreement's log key: %w", err)
	}
	return note.NewEd25519VerifierKey(spec.Origin(), pub)
}

func newVerifyReportCmd() *cobra.Command {
	var logKey string
	cmd := &cobra.Command{
		Use:   "report FILE --log-key VKEY",
		Short: "Check a compliance report offline against the log key",
		Long: "Verify report checks a report in any of its forms (md, json, html) with no server:\n" +
			"the checkpoint's signature, each cited entry's leaf hash, inclusion proof and\n" +
			"statement signature, and that every reason, violation, action, change, milestone\n" +
			"and inspection refers to a statement the report carries.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			k, err := keys.LoadPublic(logKey)
			if err != nil {
				return err
			}
			b, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			res, err := report.Verify(b, k)
			if err != nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "%s: %v\n", args[0], err)
				return exitError{1}
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "report of %s, period %d (%s)\n", res.Agreement, res.Period, res.Format)
			fmt.Fprintf(w, "checkpoint of %s at tree size %d, root %s, verified with the log key\n", res.Origin, res.Size, base64.StdEncoding.EncodeToString(res.Root))
			fmt.Fprintf(w, "%d statements proved included in its tree and signed with their authors' keys in the adopted agreement\n", res.Statements)
			fmt.Fprintf(w, "%d citations resolved to them\n", res.Citations)
			fmt.Fprintln(w, "report verified")
			return nil
		},
	}
	cmd.Flags().StringVar(&logKey, "log-key", "", "the log's verifier key, or a file holding it")
	_ = cmd.MarkFlagRequired("log-key")
	return cmd
}
