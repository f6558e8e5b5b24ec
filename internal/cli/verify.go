package cli

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/spf13/cobra"

	"github.com/surety/surety/internal/client"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/server"
	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/statement"
)

// VerifySelection re-checks a declaration's selection from the log: the
// entries are proved against the signed checkpoint, the statements'
// signatures against the adopted agreement's keys, and the VRF proof, u and
// the decision against the selector's VRF key and the declaration's leaf
// hash. It returns the lines of its report.
func VerifySelection(ctx context.Context, srv, agr, decl, logKey string) ([]string, error) {
	c := client.New(srv)
	l, err := c.Log(ctx, agr, logKey)
	if err != nil {
		return nil, err
	}
	var lines []string
	say := func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) }
	adopt, err := l.Entry(ctx, 0)
	if err != nil {
		return lines, err
	}
	spec, err := client.Adopted(adopt.Entry, logKey)
	if err != nil {
		return lines, err
	}
	say("agreement %s adopted at entry 0; checkpoint of size %d verified", spec.ID, l.Size)

	var d state.Declaration
	if err := c.Get(ctx, "/v1/declarations/"+url.PathEscape(decl), &d); err != nil {
		return lines, err
	}
	var sr server.SelectionResponse
	if err := c.Get(ctx, "/v1/declarations/"+url.PathEscape(decl)+"/selection", &sr); err != nil {
		return lines, err
	}
	dp, err := l.Entry(ctx, d.Index)
	if err != nil {
		return lines, err
	}
	de, leaf := dp.Entry, dp.LeafHash
	if de.Statement.ID != decl || de.Statement.Type != statement.TypeDeclare {
		return lines, fmt.Errorf("entry %d is %s %s, not declaration %s", d.Index, de.Statement.Type, de.Statement.ID, decl)
	}
	if err := client.Signed(spec, de.Statement); err != nil {
		return lines, fmt.Errorf("declaration: %w", err)
	}
	say("declaration %s at entry %d, leaf %x, signed by %s", decl, d.Index, leaf, de.Statement.Author)
	sp, err := l.Entry(ctx, sr.Selection.Index)
	if err != nil {
		return lines, err
	}
	se := sp.Entry
	var b statement.SelectBody
	if se.Statement.Type != statement.TypeSelect || se.Statement.Decode(&b) != nil || b.Declaration != decl {
		return lines, fmt.Errorf("entry %d is not the selection of %s", sr.Selection.Index, decl)
	}
	if err := client.Signed(spec, se.Statement); err != nil {
		return lines, fmt.Errorf("selection: %w", err)
	}
	if err := state.VerifySelection(spec, se.Statement.Author, leaf, b); err != nil {
		return lines, err
	}
	say("selection at entry %d by %s: the VRF proof verifies; u = %.6f, p = %.6f, selected = %v", sr.Selection.Index, se.Statement.Author, b.U, b.P, b.Selected)
	if b.P != d.P {
		return lines, fmt.Errorf("the selection used p = %v but the projection gives %v", b.P, d.P)
	}
	say("p matches the server's projection (surety audit --replay recomputes it from the log)")
	return lines, nil
}

func newVerifyCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "verify", Short: "Re-check facts from the log alone"}
	var srv, agr, decl, logKey string
	sel := &cobra.Command{
		Use:   "selection --agreement ID --declaration ID --log-key VKEY [--server URL]",
		Short: "Re-check a declaration's VRF selection from the log",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			k, err := keys.LoadPublic(logKey)
			if err != nil {
				return err
			}
			lines, err := VerifySelection(cmd.Context(), srv, agr, decl, k)
			fmt.Fprintln(cmd.OutOrStdout(), strings.Join(lines, "\n"))
			if err != nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "selection NOT verified: %v\n", err)
				return exitError{1}
			}
			fmt.Fprintln(cmd.OutOrStdout(), "selection verified")
			return nil
		},
	}
	sel.Flags().StringVar(&srv, "server", "http://127.0.0.1:8080", "server URL")
	sel.Flags().StringVar(&agr, "agreement", "il-kp-1993", "agreement id")
	sel.Flags().StringVar(&decl, "declaration", "", "declaration id")
	sel.Flags().StringVar(&logKey, "log-key", "", "the log's verifier key, or a file holding it")
	_ = sel.MarkFlagRequired("declaration")
	_ = sel.MarkFlagRequired("log-key")
	cmd.AddCommand(sel, newVerifyReportCmd())
	return cmd
}
