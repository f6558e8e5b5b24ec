package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/surety/surety/internal/client"
	"github.com/surety/surety/internal/inspection"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/server"
	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/statement"
)

// Selector decides selections with the inspectorate's VRF key.
type Selector struct {
	Sender *sender
	VRF    *inspection.Key
	Logger *slog.Logger
}

// NewSelector returns a selector signing as key's principal.
func NewSelector(server, agreement string, key *keys.Signer, author string, vrf *inspection.Key, now func() time.Time) *Selector {
	if author == "" {
		author = key.Name
	}
	return &Selector{Sender: &sender{key: key, author: author, agreement: agreement, client: client.New(server), now: now}, VRF: vrf, Logger: slog.Default()}
}

// Run decides every declaration awaiting selection, once, and returns how
// many it decided and how many of them were selected.
func (s *Selector) Run(ctx context.Context) (decided, selected int, err error) {
	var pending []server.PendingSelection
	if err := s.Sender.client.Get(ctx, "/v1/selections/pending?limit=1000", &pending); err != nil {
		return 0, 0, err
	}
	for _, d := range pending {
		leaf, err := hex.DecodeString(d.LeafHash)
		if err != nil || len(leaf) != 32 {
			return decided, selected, fmt.Errorf("declaration %s has leaf hash %q", d.ID, d.LeafHash)
		}
		b := state.DecideSelection(s.VRF, s.Sender.agreement, d.ID, [32]byte(leaf), d.P)
		if _, err := s.Sender.send(ctx, statement.TypeSelect, "sel-"+d.ID, b); err != nil {
			var p *client.Problem
			if errors.As(err, &p) && (p.Status == 409 || p.Status == 422) {
				// Decided meanwhile, withdrawn, or amended since listed: the
				// next round sees its new state.
				s.Logger.Info("selector: skipped", "declaration", d.ID, "reason", p.Detail)
				continue
			}
			return decided, selected, err
		}
		decided++
		if b.Selected {
			selected++
		}
	}
	return decided, selected, nil
}

func newSelectorCmd() *cobra.Command {
	var pf principalFlags
	var vrfPath string
	var interval time.Duration
	var once bool
	cmd := &cobra.Command{
		Use:   "selector --key FILE --vrf-key FILE [--server URL] [--agreement ID]",
		Short: "Follow new declarations and decide their selection with the VRF",
		Long: "The inspectorate's selector follows the declarations awaiting selection. For\n" +
			"each it computes the VRF (C2SP vrf-r255) over the agreement id and the\n" +
			"declaration's leaf hash, takes u from the output, and submits\n" +
			"selection.decide with the proof, p, u and the decision u < p.",
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
			sel := &Selector{Sender: s, VRF: vrf, Logger: newLogger(os.Stderr)}
			for {
				n, k, err := sel.Run(cmd.Context())
				if err != nil {
					return err
				}
				if n > 0 || once {
					fmt.Fprintf(cmd.OutOrStdout(), "decided %d selections, %d selected\n", n, k)
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
	cmd.Flags().BoolVar(&once, "once", false, "decide what is pending and exit")
	_ = cmd.MarkFlagRequired("vrf-key")
	return cmd
}

func newInspectCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "inspect", Short: "See a site's inspection queue and file inspection reports"}
	cmd.AddCommand(newInspectQueueCmd(), newInspectReportCmd())
	return cmd
}

func newInspectQueueCmd() *cobra.Command {
	var srv, site, out string
	cmd := &cobra.Command{
		Use:   "queue --site SITE [--server URL]",
		Short: "List the consignments selected at a site and not yet inspected, by deadline",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(out); err != nil {
				return err
			}
			var q []state.Selection
			if err := client.New(srv).Get(cmd.Context(), "/v1/sites/"+site+"/queue", &q); err != nil {
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
			fmt.Fprintln(tw, "DEADLINE\tDECLARATION\tP\tU")
			for _, s := range q {
				fmt.Fprintf(tw, "%s\t%s\t%.3f\t%.3f\n", s.Deadline.Format(time.RFC3339), s.Declaration, s.P, s.U)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&srv, "server", "http://127.0.0.1:8080", "server URL")
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
			"reason), findings, seals, start, end. Each --evidence file is uploaded as a\n" +
			"blob and added to the report's evidence by its SHA-256.",
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
				sum, err := s.client.PutBlob(cmd.Context(), data)
				if err != nil {
					return err
				}
				if want := sha256.Sum256(data); sum != hex.EncodeToString(want[:]) {
					return fmt.Errorf("the server stored %s under %s", f, sum)
				}
				kind := "document"
				if ext := strings.ToLower(filepath.Ext(f)); ext == ".jpg" || ext == ".jpeg" || ext == ".png" {
					kind = "photo"
				}
				b.Evidence = append(b.Evidence, statement.Evidence{SHA256: sum, Kind: kind, Name: filepath.Base(f)})
			}
			if id == "" {
				id = newID("report-")
			}
			a, err := s.send(cmd.Context(), statement.TypeReport, id, b)
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
	show.Flags().StringVar(&srv, "server", "http://127.0.0.1:8080", "server URL")
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
	a, err := s.send(cmd.Context(), typ, id, body)
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "%s %s at index %d\n", typ, id, a.Index)
	return nil
}
