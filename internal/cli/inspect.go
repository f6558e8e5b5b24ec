package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
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
	// Rand is where the commitments' salts come from; nil means
	// crypto/rand.
	Rand   io.Reader
	Logger *slog.Logger
}

// NewSelector returns a selector signing as key's principal.
func NewSelector(server, agreement string, key *keys.Signer, author string, vrf *inspection.Key, now func() time.Time) *Selector {
	if author == "" {
		author = key.Name
	}
	return &Selector{Sender: &sender{key: key, author: author, agreement: agreement, client: client.New(server), now: now}, VRF: vrf, Logger: slog.Default()}
}

// Run commits to a decision on every declaration awaiting selection and
// reveals the decisions now due, once. It returns how many it committed
// to, how many of those were selected, and how many it revealed.
//
// The decisions are stored sealed with the server first, in one signed
// request (POST /v1/sealed/selections), and their commitments logged
// second, in one selection.commit: a logged commitment always has its
// decision to reveal. Decisions come due when their consignment has left
// or been withdrawn (GET /v1/sealed/due); the selector reveals them in one
// selection.reveal. A round the log refuses whole (a declaration withdrawn
// or amended meanwhile) is sent again one by one, and the refused ones
// wait for the next round.
func (s *Selector) Run(ctx context.Context) (committed, selected, revealed int, err error) {
	var pending []server.PendingSelection
	if err := s.Sender.client.Get(ctx, fmt.Sprintf("/v1/selections/pending?limit=%d", server.MaxSealedBatch), &pending); err != nil {
		return 0, 0, 0, err
	}
	sealed := s.Sender.signed()
	if len(pending) > 0 {
		decisions := map[string]statement.Decision{}
		batch := make([]statement.Decision, 0, len(pending))
		commits := map[string]statement.Commitment{}
		for _, d := range pending {
			leaf, err := hex.DecodeString(d.LeafHash)
			if err != nil || len(leaf) != 32 {
				return 0, 0, 0, fmt.Errorf("declaration %s has leaf hash %q", d.ID, d.LeafHash)
			}
			r, c, err := state.Decide(s.VRF, s.Rand, s.Sender.agreement, d.ID, [32]byte(leaf), d.P)
			if err != nil {
				return 0, 0, 0, err
			}
			decisions[d.ID], commits[d.ID] = r, c
			batch = append(batch, r)
		}
		var answer server.SealedAnswer
		if err := sealed.Post(ctx, "/v1/sealed/selections", batch, &answer); err != nil {
			return 0, 0, 0, err
		}
		for _, f := range answer.Refused {
			s.Logger.Info("selector: decision refused; the next round decides again", "declaration", f.Declaration, "reason", f.Detail)
		}
		ms := make([]statement.Commitment, 0, len(answer.Stored))
		for _, id := range answer.Stored {
			ms = append(ms, commits[id])
		}
		for _, round := range rounds(ms) {
			done, err := sendRound(ctx, s, statement.TypeCommit, "sel-", round, func(m statement.Commitment) string { return m.Declaration },
				func(ms []statement.Commitment) any { return statement.CommitBody{Commitments: ms} })
			if err != nil {
				return committed, selected, revealed, err
			}
			for _, id := range done {
				committed++
				if decisions[id].Selected {
					selected++
				}
			}
		}
	}
	var due []statement.Decision
	if err := sealed.Get(ctx, fmt.Sprintf("/v1/sealed/due?limit=%d", server.MaxSealedBatch), &due); err != nil {
		return committed, selected, revealed, err
	}
	for _, round := range rounds(due) {
		done, err := sendRound(ctx, s, statement.TypeReveal, "reveal-", round, func(d statement.Decision) string { return d.Declaration },
			func(ds []statement.Decision) any { return statement.RevealBody{Decisions: ds} })
		revealed += len(done)
		if err != nil {
			return committed, selected, revealed, err
		}
	}
	return committed, selected, revealed, nil
}

// roundBytes bounds the JSON of a round's items in one statement, so
// that its envelope, which encodes the body in base64, stays within
// statement.MaxSize.
const roundBytes = 40 << 10

// rounds splits items into rounds whose JSON fits one statement.
func rounds[T any](items []T) [][]T {
	var out [][]T
	start, size := 0, 0
	for i, it := range items {
		b, _ := json.Marshal(it)
		if size+len(b)+1 > roundBytes && i > start {
			out = append(out, items[start:i])
			start, size = i, 0
		}
		size += len(b) + 1
	}
	if start < len(items) {
		out = append(out, items[start:])
	}
	return out
}

// sendRound logs a round of items as one statement of type typ, its id the
// prefix and the declaration, or for several "round-" and a hash of
// theirs; refused whole, it sends them one
// by one and skips those refused. It returns the declarations logged.
func sendRound[T any](ctx context.Context, s *Selector, typ, prefix string, items []T, decl func(T) string, body func([]T) any) ([]string, error) {
	if len(items) == 0 {
		return nil, nil
	}
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = decl(it)
	}
	id := prefix + ids[0]
	if len(items) > 1 {
		sum := sha256.Sum256([]byte(strings.Join(ids, "\n")))
		id = prefix + "round-" + hex.EncodeToString(sum[:8])
	}
	_, err := s.Sender.send(ctx, typ, id, body(items))
	switch {
	case err == nil:
		return ids, nil
	case !refused(err) || len(items) == 1:
		if refused(err) {
			s.Logger.Info("selector: refused; the next round tries again", "type", typ, "declaration", ids[0], "reason", err)
			return nil, nil
		}
		return nil, err
	}
	var done []string
	for _, it := range items {
		d, err := sendRound(ctx, s, typ, prefix, []T{it}, decl, body)
		if err != nil {
			return done, err
		}
		done = append(done, d...)
	}
	return done, nil
}

// refused reports whether err is a refusal the next round resolves: the
// declaration was committed to or revealed meanwhile, withdrawn, or
// amended since it was listed.
func refused(err error) bool {
	var p *client.Problem
	return errors.As(err, &p) && (p.Status == 409 || p.Status == 422)
}

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
			sel := &Selector{Sender: s, VRF: vrf, Logger: newLogger(os.Stderr)}
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
			q, err := queue(cmd.Context(), s, site)
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

// queue reads a site's sealed queue, signed as the sender's principal.
func queue(ctx context.Context, s *sender, site string) ([]server.QueueItem, error) {
	var q []server.QueueItem
	err := s.signed().Get(ctx, "/v1/sites/"+url.PathEscape(site)+"/queue", &q)
	return q, err
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
			if b.Declaration != "" && b.Reveal == nil {
				// The first report on a consignment reveals its selection.
				q, err := queue(cmd.Context(), s, b.Site)
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
