package cli

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	flog "github.com/transparency-dev/formats/log"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/client"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/ledger"
	"github.com/surety/surety/internal/server"
	"github.com/surety/surety/internal/state"
)

// logReader reads entries of a log and proves them against its signed
// checkpoint: what a party holding only the log key can trust.
type logReader struct {
	c         *client.Client
	agreement string
	size      uint64
	root      []byte
}

func newLogReader(ctx context.Context, c *client.Client, agr, logKey string) (*logReader, error) {
	v, err := note.NewVerifier(logKey)
	if err != nil {
		return nil, fmt.Errorf("log key: %w", err)
	}
	var raw []byte
	if err := c.Get(ctx, "/log/"+agr+"/checkpoint", &raw); err != nil {
		return nil, err
	}
	cp, _, _, err := flog.ParseCheckpoint(raw, v.Name(), v)
	if err != nil {
		return nil, fmt.Errorf("the checkpoint does not verify with the log key: %w", err)
	}
	return &logReader{c: c, agreement: agr, size: cp.Size, root: cp.Hash}, nil
}

// entry fetches entry i from its entry bundle, proves its inclusion in the
// checkpoint's tree, and parses it.
func (r *logReader) entry(ctx context.Context, i uint64) (*ledger.Entry, [32]byte, error) {
	var leaf [32]byte
	if i >= r.size {
		return nil, leaf, fmt.Errorf("entry %d is beyond the checkpoint's size %d", i, r.size)
	}
	tile := i / ledger.TileWidth
	p := ledger.TilePath{Entries: true, Index: tile}
	if end := min((tile+1)*ledger.TileWidth, r.size); end%ledger.TileWidth != 0 {
		p.Width = int(end % ledger.TileWidth)
	}
	var b []byte
	if err := r.c.Get(ctx, "/log/"+r.agreement+"/"+p.String(), &b); err != nil {
		return nil, leaf, err
	}
	es, err := ledger.ParseBundle(b)
	if err != nil || uint64(len(es)) <= i-tile*ledger.TileWidth {
		return nil, leaf, fmt.Errorf("entry bundle %s is malformed", p)
	}
	data := es[i-tile*ledger.TileWidth]
	leaf = ledger.LeafHash(data)
	q := url.Values{"agreement": {r.agreement}, "index": {strconv.FormatUint(i, 10)}, "size": {strconv.FormatUint(r.size, 10)}}
	var pr server.ProofResponse
	if err := r.c.Get(ctx, "/v1/proof/inclusion?"+q.Encode(), &pr); err != nil {
		return nil, leaf, err
	}
	if err := proof.VerifyInclusion(rfc6962.DefaultHasher, i, r.size, leaf[:], pr.Proof, r.root); err != nil {
		return nil, leaf, fmt.Errorf("entry %d is not in the log's signed tree: %w", i, err)
	}
	e, err := ledger.ParseEntry(data)
	return e, leaf, err
}

// verifySigned checks an entry's statement signature with the key the
// agreement gives its author.
func verifySigned(spec *agreement.Spec, e *ledger.Entry) error {
	for _, p := range spec.Parties {
		for _, pr := range p.Principals {
			if pr.ID == e.Statement.Author {
				_, pub, err := keys.ParsePublic(pr.Key)
				if err != nil {
					return err
				}
				return e.Statement.Verify(pub)
			}
		}
	}
	return fmt.Errorf("%s is not a principal of the agreement", e.Statement.Author)
}

// VerifySelection re-checks a declaration's selection from the log: the
// entries are proved against the signed checkpoint, the statements'
// signatures against the adopted agreement's keys, and the VRF proof, u and
// the decision against the selector's VRF key and the declaration's leaf
// hash. It returns the lines of its report.
func VerifySelection(ctx context.Context, srv, agr, decl, logKey string) ([]string, error) {
	c := client.New(srv)
	r, err := newLogReader(ctx, c, agr, logKey)
	if err != nil {
		return nil, err
	}
	var lines []string
	say := func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) }
	adopt, _, err := r.entry(ctx, 0)
	if err != nil {
		return lines, err
	}
	var ab state.AdoptBody
	if err := adopt.Statement.Decode(&ab); err != nil {
		return lines, err
	}
	spec, err := agreement.Parse("adopted agreement", []byte(ab.Document))
	if err != nil {
		return lines, err
	}
	say("agreement %s adopted at entry 0; checkpoint of size %d verified", spec.ID, r.size)

	var d state.Declaration
	if err := c.Get(ctx, "/v1/declarations/"+url.PathEscape(decl), &d); err != nil {
		return lines, err
	}
	var sr server.SelectionResponse
	if err := c.Get(ctx, "/v1/declarations/"+url.PathEscape(decl)+"/selection", &sr); err != nil {
		return lines, err
	}
	de, leaf, err := r.entry(ctx, d.Index)
	if err != nil {
		return lines, err
	}
	if de.Statement.ID != decl || de.Statement.Type != state.TypeDeclare {
		return lines, fmt.Errorf("entry %d is %s %s, not declaration %s", d.Index, de.Statement.Type, de.Statement.ID, decl)
	}
	if err := verifySigned(spec, de); err != nil {
		return lines, fmt.Errorf("declaration: %w", err)
	}
	say("declaration %s at entry %d, leaf %x, signed by %s", decl, d.Index, leaf, de.Statement.Author)
	se, _, err := r.entry(ctx, sr.Selection.Index)
	if err != nil {
		return lines, err
	}
	var b state.SelectBody
	if se.Statement.Type != state.TypeSelect || se.Statement.Decode(&b) != nil || b.Declaration != decl {
		return lines, fmt.Errorf("entry %d is not the selection of %s", sr.Selection.Index, decl)
	}
	if err := verifySigned(spec, se); err != nil {
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
	cmd.AddCommand(sel)
	return cmd
}
