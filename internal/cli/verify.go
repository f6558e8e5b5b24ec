package cli

import (
	"context"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/surety/surety/internal/api"
	"github.com/surety/surety/internal/audit"
	"github.com/surety/surety/internal/client"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/statement"
)

// VerifySelection re-checks a declaration's selection from the log: the
// entries are proved against the signed checkpoint and the statements'
// signatures against the adopted agreement's keys; the commitment
// (selection.commit) must come after the declaration, and the revealed
// decision (selection.reveal, or the inspection report that carried it)
// must open it, with a VRF proof, u and decision that verify against the
// committing selector's VRF key and the declaration's leaf hash. It returns
// the lines of its report, and whether the decision is revealed: before
// its reveal only the commitment can be checked.
func VerifySelection(ctx context.Context, srv, agr, decl, logKey string) (lines []string, revealed bool, err error) {
	c := client.New(srv)
	l, err := c.Log(ctx, agr, logKey)
	if err != nil {
		return nil, false, err
	}
	say := func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) }
	adopt, err := l.Entry(ctx, 0)
	if err != nil {
		return lines, false, err
	}
	spec, err := client.Adopted(adopt.Entry, logKey)
	if err != nil {
		return lines, false, err
	}
	say("agreement %s adopted at entry 0; checkpoint of size %d verified", spec.ID, l.Size)

	var d state.Declaration
	if err := c.Get(ctx, "/v1/declarations/"+url.PathEscape(decl), &d); err != nil {
		return lines, false, err
	}
	var sr api.SelectionResponse
	if err := c.Get(ctx, "/v1/declarations/"+url.PathEscape(decl)+"/selection", &sr); err != nil {
		return lines, false, err
	}
	dp, err := l.Entry(ctx, d.Index)
	if err != nil {
		return lines, false, err
	}
	de, leaf := dp.Entry, dp.LeafHash
	if de.Statement.ID != decl || de.Statement.Type != statement.TypeDeclare {
		return lines, false, fmt.Errorf("entry %d is %s %s, not declaration %s", d.Index, de.Statement.Type, de.Statement.ID, decl)
	}
	if err := client.Signed(spec, de.Statement); err != nil {
		return lines, false, fmt.Errorf("declaration: %w", err)
	}
	say("declaration %s at entry %d, leaf %x, signed by %s", decl, d.Index, leaf, de.Statement.Author)

	sel := sr.Selection
	cp, err := l.Entry(ctx, sel.Index)
	if err != nil {
		return lines, false, err
	}
	ce := cp.Entry
	var round statement.CommitBody
	if ce.Statement.Type != statement.TypeCommit || ce.Statement.Decode(&round) != nil {
		return lines, false, fmt.Errorf("entry %d is not a selection commitment", sel.Index)
	}
	i := slices.IndexFunc(round.Commitments, func(m statement.Commitment) bool { return m.Declaration == decl })
	if i < 0 {
		return lines, false, fmt.Errorf("entry %d commits to no decision on %s", sel.Index, decl)
	}
	cb := round.Commitments[i]
	if err := client.Signed(spec, ce.Statement); err != nil {
		return lines, false, fmt.Errorf("commitment: %w", err)
	}
	if sel.Index <= d.Index {
		return lines, false, fmt.Errorf("the commitment at entry %d comes before the declaration at entry %d", sel.Index, d.Index)
	}
	say("commitment %s… (%d of the round's %d) at entry %d by %s, logged %s, before the departure %s",
		cb.Commitment[:16], i+1, len(round.Commitments), sel.Index, ce.Statement.Author, ce.Time.UTC().Format(time.RFC3339), sel.Departure.UTC().Format(time.RFC3339))
	if sel.Reveal == nil {
		say("the decision is sealed until the consignment leaves; it must be revealed by %s", sel.RevealBy.UTC().Format(time.RFC3339))
		return lines, false, nil
	}

	rp, err := l.Entry(ctx, sel.Reveal.Index)
	if err != nil {
		return lines, false, err
	}
	re := rp.Entry
	var b statement.Decision
	switch re.Statement.Type {
	case statement.TypeReveal:
		var rb statement.RevealBody
		if re.Statement.Decode(&rb) != nil {
			return lines, false, fmt.Errorf("entry %d: the reveal does not decode", sel.Reveal.Index)
		}
		for _, d := range rb.Decisions {
			if d.Declaration == decl {
				b = d
			}
		}
	case statement.TypeReport:
		var rb statement.ReportBody
		if re.Statement.Decode(&rb) != nil || rb.Reveal == nil {
			return lines, false, fmt.Errorf("entry %d: the report carries no reveal", sel.Reveal.Index)
		}
		b = *rb.Reveal
	default:
		return lines, false, fmt.Errorf("entry %d is %s, which reveals no selection", sel.Reveal.Index, re.Statement.Type)
	}
	if b.Declaration != decl {
		return lines, false, fmt.Errorf("entry %d reveals the selection of %s, not %s", sel.Reveal.Index, b.Declaration, decl)
	}
	if err := client.Signed(spec, re.Statement); err != nil {
		return lines, false, fmt.Errorf("reveal: %w", err)
	}
	opened, err := state.CommitmentOf(spec.ID, leaf, b)
	if err != nil {
		return lines, false, err
	}
	if hex.EncodeToString(opened[:]) != cb.Commitment {
		return lines, false, fmt.Errorf("the decision revealed at entry %d does not open the commitment at entry %d", sel.Reveal.Index, sel.Index)
	}
	say("%s at entry %d by %s opens the commitment", re.Statement.Type, sel.Reveal.Index, re.Statement.Author)
	if err := state.VerifySelection(spec, ce.Statement.Author, leaf, b); err != nil {
		return lines, true, err
	}
	say("the VRF proof verifies with %s's key; u = %.6f, p = %.6f, selected = %v", ce.Statement.Author, b.U, b.P, b.Selected)
	if b.P != d.P {
		return lines, true, fmt.Errorf("the selection used p = %v but the projection gives %v", b.P, d.P)
	}
	say("p matches the server's projection (surety audit --replay recomputes it from the log)")
	return lines, true, nil
}

func newVerifyCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "verify", Short: "Re-check facts from the log alone"}
	var srv, agr, decl, logKey string
	sel := &cobra.Command{
		Use:   "selection --agreement ID --declaration ID --log-key VKEY [--server URL]",
		Short: "Re-check a declaration's sealed selection from the log: commitment, reveal and VRF proof",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			k, err := keys.LoadPublic(logKey)
			if err != nil {
				return err
			}
			lines, revealed, err := VerifySelection(cmd.Context(), srv, agr, decl, k)
			fmt.Fprintln(cmd.OutOrStdout(), strings.Join(lines, "\n"))
			if err != nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "selection NOT verified: %v\n", err)
				return exitError{1}
			}
			if !revealed {
				fmt.Fprintln(cmd.OutOrStdout(), "commitment verified; the decision is still sealed")
				return nil
			}
			fmt.Fprintln(cmd.OutOrStdout(), "selection verified")
			return nil
		},
	}
	serverVar(sel, &srv)
	sel.Flags().StringVar(&agr, "agreement", "il-kp-1993", "agreement id")
	sel.Flags().StringVar(&decl, "declaration", "", "declaration id")
	sel.Flags().StringVar(&logKey, "log-key", "", "the log's verifier key, or a file holding it")
	_ = sel.MarkFlagRequired("declaration")
	_ = sel.MarkFlagRequired("log-key")
	cmd.AddCommand(sel, newVerifyReportCmd(), newVerifyReceiptCmd())
	return cmd
}

func newVerifyReceiptCmd() *cobra.Command {
	var srv, logKey, cpPath string
	cmd := &cobra.Command{
		Use:   "receipt --log-key VKEY [--checkpoint FILE] [--server URL] RECEIPT",
		Short: "Prove that a statement the log acknowledged is still in it, or show its receipt as evidence of a rollback",
		Long: "A receipt is the log key's signed promise, given with every accepted statement\n" +
			"(statement submit keeps it in ENVELOPE.receipt), that the entry is at its\n" +
			"index. verify receipt checks the receipt's signature, then proves the entry's\n" +
			"inclusion in the server's latest checkpoint, or in --checkpoint FILE. A\n" +
			"checkpoint signed by the same key that cannot hold the entry, or that holds\n" +
			"another entry at its index, is evidence that the log was rolled back: the\n" +
			"command prints both signed notes and exits 1.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			k, err := keys.LoadPublic(logKey)
			if err != nil {
				return err
			}
			rc, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			c := audit.ReceiptCheck{Server: srv, LogKey: k, Receipt: rc}
			if cpPath != "" {
				if c.Checkpoint, err = os.ReadFile(cpPath); err != nil {
					return err
				}
			}
			rep, err := audit.VerifyReceipt(cmd.Context(), c)
			if audit.IsFailure(err) {
				fmt.Fprintf(cmd.ErrOrStderr(), "receipt FAILED: %v\n", err)
				return exitError{1}
			}
			if err != nil {
				return err
			}
			r := rep.Receipt
			fmt.Fprintf(cmd.OutOrStdout(), "receipt verified: entry %d of %s (leaf %x, logged %s) is in the checkpoint of size %d, root %x\n",
				r.Index, r.Agreement, r.LeafHash, r.Time.Format(time.RFC3339), rep.Size, rep.Root)
			return nil
		},
	}
	serverVar(cmd, &srv)
	cmd.Flags().StringVar(&logKey, "log-key", "", "the log's verifier key, or a file holding it")
	cmd.Flags().StringVar(&cpPath, "checkpoint", "", "a checkpoint to check against, instead of the server's latest")
	_ = cmd.MarkFlagRequired("log-key")
	return cmd
}
