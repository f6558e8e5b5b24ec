package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/surety/surety/internal/app"
	"github.com/surety/surety/internal/client"
	"github.com/surety/surety/internal/inspection"
	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/statement"
)

func newSelectorCmd() *cobra.Command {
	var pf principalFlags
	var vrfPath string
	var interval time.Duration
	var once bool
	cmd := &cobra.Command{
		Use:   "selector --key FILE --vrf-key FILE [--server URL] [--agreement ID]",
		Short: "Follow new declarations, commit to their selection, and reveal it after departure",
		Long: "The inspectorate's selector follows the declarations awaiting selection. For\n" +
			"each it computes the VRF (C2SP vrf-r255) over the agreement id and the\n" +
			"declaration's leaf hash, takes u from the output and decides u < p. It\n" +
			"stores the round's decisions, each with a fresh salt, sealed with the\n" +
			"server (one signed request; only the inspectorate can read them back) and\n" +
			"logs one selection.commit with the SHA-256 commitment to each, which looks\n" +
			"the same whatever the decision. Once consignments have left or been\n" +
			"withdrawn it logs their decisions in one selection.reveal, which the\n" +
			"server checks against the commitment and the VRF proof. A selected\n" +
			"consignment's inspection report reveals its decision instead.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := pf.sender()
			if err != nil {
				return err
			}
			vrf, err := inspection.LoadKeyFile(vrfPath)
			if err != nil {
				return err
			}
			sel := &app.Selector{Sender: s, VRF: vrf, Logger: newLogger(os.Stderr)}
			for {
				n, k, r, err := sel.Run(cmd.Context())
				if err != nil {
					return err
				}
				if n > 0 || r > 0 || once {
					fmt.Fprintf(cmd.OutOrStdout(), "committed to %d decision%s (%d selected, sealed); revealed %d\n", n, plural(n), k, r)
				}
				if once {
					return nil
				}
				select {
				case <-cmd.Context().Done():
					return nil
				case <-time.After(interval):
				}
			}
		},
	}
	pf.add(cmd)
	cmd.Flags().StringVar(&vrfPath, "vrf-key", "", "the selector's VRF key file (surety keys generate --vrf)")
	cmd.Flags().DurationVar(&interval, "interval", 500*time.Millisecond, "how often to look for new declarations")
	cmd.Flags().BoolVar(&once, "once", false, "commit to what is pending, reveal what is due, and exit")
	_ = cmd.MarkFlagRequired("vrf-key")
	return cmd
}

func newInspectCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "inspect", Short: "See a site's inspection queue and file inspection reports"}
	cmd.AddCommand(newInspectQueueCmd(), newInspectReportCmd())
	return cmd
}

func newInspectQueueCmd() *cobra.Command {
	var pf principalFlags
	var site, out string
	cmd := &cobra.Command{
		Use:   "queue --key FILE --site SITE [--server URL]",
		Short: "List the consignments selected at a site and not yet inspected, by deadline",
		Long: "The queue is sealed: the server answers only a request signed (RFC 9421)\n" +
			"by a principal of the inspectorate (an inspector at the site, a\n" +
			"coordinator or the selector). Each item carries the decision the\n" +
			"inspection report reveals; surety inspect report attaches it.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(out); err != nil {
				return err
			}
			s, err := pf.sender()
			if err != nil {
				return err
			}
			q, err := s.Queue(cmd.Context(), site)
			if err != nil {
				return err
			}
			if out == "json" {
				return writeJSON(cmd.OutOrStdout(), q)
			}
			if len(q) == 0 {
				fmt.Fprintf(cmd.OutOrStdout(), "nothing to inspect at %s\n", site)
				return nil
			}
			tw := table(cmd.OutOrStdout())
			fmt.Fprintln(tw, "DEADLINE\tDECLARATION\tSTATE")
			for _, it := range q {
				st := "sealed; the report reveals it"
				if it.Denied {
					st = "inspectors turned away; inspect again to cure"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\n", it.Deadline.Format(time.RFC3339), it.Declaration, st)
			}
			return tw.Flush()
		},
	}
	pf.add(cmd)
	cmd.Flags().StringVar(&site, "site", "", "site id")
	outputFlag(cmd, &out)
	_ = cmd.MarkFlagRequired("site")
	return cmd
}

func newInspectReportCmd() *cobra.Command {
	var pf principalFlags
	var id string
	var evidence []string
	cmd := &cobra.Command{
		Use:   "report --key FILE [--evidence FILE...] REPORT.json",
		Short: "File a signed inspection report, uploading its evidence",
		Long: "REPORT.json is the report's body: declaration (or challenge), site, outcome\n" +
			"(cleared, discrepancy, prohibited, access_denied or not_performed with a\n" +
			"reason), findings, seals (applied), seals_found, start, end. Each --evidence\n" +
			"file is uploaded as a blob and added to the report's evidence by its\n" +
			"SHA-256. The first report on a consignment reveals its sealed selection:\n" +
			"the command reads it from the site's queue (signed) and attaches it.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := pf.sender()
			if err != nil {
				return err
			}
			raw, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			var b statement.ReportBody
			if err := statement.DecodeBody(raw, &b); err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			for _, f := range evidence {
				data, err := os.ReadFile(f)
				if err != nil {
					return err
				}
				sum, err := s.PutBlob(cmd.Context(), data)
				if err != nil {
					return fmt.Errorf("upload %s: %w", f, err)
				}
				kind := "document"
				if ext := strings.ToLower(filepath.Ext(f)); ext == ".jpg" || ext == ".jpeg" || ext == ".png" {
					kind = "photo"
				}
				b.Evidence = append(b.Evidence, statement.Evidence{SHA256: sum, Kind: kind, Name: filepath.Base(f)})
			}
			if b.Declaration != "" && b.Reveal == nil {
				// The first report on a consignment reveals its selection.
				q, err := s.Queue(cmd.Context(), b.Site)
				if err != nil {
					return fmt.Errorf("read the queue of %s for the decision the report reveals: %w", b.Site, err)
				}
				for _, it := range q {
					if it.Declaration == b.Declaration {
						b.Reveal = it.Reveal
					}
				}
			}
			if id == "" {
				id = newID("report-")
			}
			a, err := s.Send(cmd.Context(), statement.TypeReport, id, b)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "report %s (%s) at index %d\n", id, b.Outcome, a.Index)
			return nil
		},
	}
	pf.add(cmd)
	cmd.Flags().StringVar(&id, "id", "", "statement id (default: generated)")
	cmd.Flags().StringArrayVar(&evidence, "evidence", nil, "a photo or document to attach (repeatable)")
	return cmd
}

func newChallengeCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "challenge", Short: "File allegations, request challenge inspections and answer them"}
	var pf principalFlags
	var site, decl, allegation, desc, id string
	allege := &cobra.Command{
		Use:   "allege --key FILE --description TEXT [--site S] [--declaration D]",
		Short: "File an allegation (allegation.file)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return sendAndReport(cmd, &pf, statement.TypeAllegation, id, "allegation-", statement.AllegationBody{Site: site, Declaration: decl, Description: desc})
		},
	}
	request := &cobra.Command{
		Use:   "request --key FILE --site S --description TEXT [--allegation A] [--declaration D]",
		Short: "Request a challenge inspection (challenge.request)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return sendAndReport(cmd, &pf, statement.TypeChallenge, id, "challenge-", statement.ChallengeBody{Allegation: allegation, Site: site, Declaration: decl, Description: desc})
		},
	}
	for _, c := range []*cobra.Command{allege, request} {
		c.Flags().StringVar(&site, "site", "", "site id")
		c.Flags().StringVar(&decl, "declaration", "", "declaration id")
		c.Flags().StringVar(&desc, "description", "", "what happened, in plain words")
		c.Flags().StringVar(&id, "id", "", "statement id (default: generated)")
	}
	request.Flags().StringVar(&allegation, "allegation", "", "the allegation it follows")
	var challenge, at, reason string
	var grant, refuse bool
	respond := &cobra.Command{
		Use:   "respond --key FILE --challenge C (--grant --at TIME | --refuse) [--reason TEXT]",
		Short: "Answer a challenge request (challenge.response)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if grant == refuse {
				return errors.New("give exactly one of --grant and --refuse")
			}
			b := statement.ResponseBody{Challenge: challenge, Granted: grant, Reason: reason}
			if grant {
				t, err := time.Parse(time.RFC3339, at)
				if err != nil {
					return fmt.Errorf("--at %q: give the time access is granted in RFC 3339", at)
				}
				b.At = t
			}
			return sendAndReport(cmd, &pf, statement.TypeResponse, id, "response-", b)
		},
	}
	respond.Flags().StringVar(&challenge, "challenge", "", "the challenge id")
	respond.Flags().BoolVar(&grant, "grant", false, "grant access")
	respond.Flags().BoolVar(&refuse, "refuse", false, "refuse access")
	respond.Flags().StringVar(&at, "at", "", "when access is granted (RFC 3339)")
	respond.Flags().StringVar(&reason, "reason", "", "the reason, in plain words")
	respond.Flags().StringVar(&id, "id", "", "statement id (default: generated)")
	for _, c := range []*cobra.Command{allege, request, respond} {
		pf.add(c)
	}
	var srv, out string
	show := &cobra.Command{
		Use:   "show ID [--server URL]",
		Short: "Show a challenge: its deadline, answer and inspection",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var ch state.Challenge
			if err := client.New(srv).Get(cmd.Context(), "/v1/challenges/"+args[0], &ch); err != nil {
				return err
			}
			return writeJSON(cmd.OutOrStdout(), ch)
		},
	}
	serverVar(show, &srv)
	outputFlag(show, &out)
	cmd.AddCommand(allege, request, respond, show)
	return cmd
}

func sendAndReport(cmd *cobra.Command, pf *principalFlags, typ, id, prefix string, body any) error {
	s, err := pf.sender()
	if err != nil {
		return err
	}
	if id == "" {
		id = newID(prefix)
	}
	a, err := s.Send(cmd.Context(), typ, id, body)
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "%s %s at index %d\n", typ, id, a.Index)
	return nil
}
