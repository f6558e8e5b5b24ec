package cli

import (
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/spf13/cobra"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/client"
	"github.com/surety/surety/internal/state"
)

func newTranchesCmd() *cobra.Command {
	var srv, agr, out string
	cmd := &cobra.Command{
		Use:   "tranches [--agreement ID] [--server URL]",
		Short: "Show the incentives' schedule against what happened, with causes",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(out); err != nil {
				return err
			}
			var in state.Incentives
			if err := client.New(srv).Get(cmd.Context(), "/v1/incentives?agreement="+url.QueryEscape(agr), &in); err != nil {
				return err
			}
			if out == "json" {
				return writeJSON(cmd.OutOrStdout(), in)
			}
			return writeIncentives(cmd.OutOrStdout(), &in)
		},
	}
	serverVar(cmd, &srv)
	cmd.Flags().StringVar(&agr, "agreement", "il-kp-1993", "agreement id")
	outputFlag(cmd, &out)
	return cmd
}

func day(t *time.Time) string {
	if t == nil {
		return "pending"
	}
	return t.Format(time.DateOnly)
}

// writeIncentives prints tranches, deliveries and relief as tables.
func writeIncentives(w io.Writer, in *state.Incentives) error {
	if len(in.Tranches) > 0 {
		tw := table(w)
		fmt.Fprintln(tw, "TRANCHE\tAMOUNT\tDUE\tSTATUS\tPAID\tRECEIPT\tCAUSE")
		var paid, total int64
		cur := ""
		for _, t := range in.Tranches {
			total += t.Amount
			cur = t.Currency
			p, r := "", ""
			if t.Payment != nil {
				paid += t.Amount
				p = t.Payment.Time.Format(time.DateOnly)
				if t.Payment.Late {
					p += " (late)"
				}
				if t.Payment.DuringHold {
					p += " (during a hold)"
				}
			}
			if t.Receipt != nil {
				r = "acknowledged"
				if t.Receipt.Disputed {
					r = "disputed"
				}
			}
			cause := t.Cause
			if t.Interest > 0 {
				cause = fmt.Sprintf("%s; interest owed: %s %s", cause, agreement.Group(t.Interest), t.Currency)
			}
			fmt.Fprintf(tw, "%s\t%s %s\t%s\t%s\t%s\t%s\t%s\n", t.ID, agreement.Group(t.Amount), t.Currency, day(t.Due), t.Status, p, r, cause)
		}
		fmt.Fprintf(tw, "paid\t%s of %s %s\t\t\t\t\t\n", agreement.Group(paid), agreement.Group(total), cur)
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	for _, d := range in.Deliveries {
		fmt.Fprintf(w, "\ndelivery %s: %s, %s; delivered %v %s", d.ID, d.Commodity, d.Status, d.Delivered, d.Unit)
		for _, r := range d.Records {
			if r.DuringHold {
				fmt.Fprintf(w, "; %v %s delivered during a hold (%s)", r.Amount, d.Unit, r.Statement)
			}
		}
		if d.Cause != "" {
			fmt.Fprintf(w, " (%s)", d.Cause)
		}
		fmt.Fprintln(w)
		tw := table(w)
		fmt.Fprintln(tw, "INSTALLMENT\tTO\tOWED\tDELIVERED\tSHORTFALL")
		for _, i := range d.Installment {
			fmt.Fprintf(tw, "%d\t%s\t%v\t%v\t%v\n", i.N, i.To.Format(time.DateOnly), i.Owed, i.Delivered, i.Shortfall)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	for _, r := range in.Relief {
		fmt.Fprintf(w, "\nrelief %s at %s: %s; entries %v\n", r.ID, r.At, r.Status, r.Entries)
		for _, h := range r.History {
			fmt.Fprintf(w, "  %s %s\n", h.Time.Format(time.DateOnly), h.Reason)
		}
	}
	return nil
}
