package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/surety/surety/internal/api"
	"github.com/surety/surety/internal/client"
	"github.com/surety/surety/internal/inspection"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/statement"
)

// Selector decides selections with the inspectorate's VRF key.
type Selector struct {
	Sender *Sender
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
	return &Selector{Sender: &Sender{Key: key, Author: author, Agreement: agreement, Client: client.New(server), Now: now}, VRF: vrf, Logger: slog.Default()}
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
	var pending []state.Pending
	if err := s.Sender.Client.Get(ctx, fmt.Sprintf("/v1/selections/pending?limit=%d", api.MaxSealedBatch), &pending); err != nil {
		return 0, 0, 0, err
	}
	sealed := s.Sender.Signed()
	if len(pending) > 0 {
		decisions := map[string]statement.Decision{}
		batch := make([]statement.Decision, 0, len(pending))
		commits := map[string]statement.Commitment{}
		for _, d := range pending {
			leaf, err := hex.DecodeString(d.LeafHash)
			if err != nil || len(leaf) != 32 {
				return 0, 0, 0, fmt.Errorf("declaration %s has leaf hash %q", d.ID, d.LeafHash)
			}
			r, c, err := state.Decide(s.VRF, s.Rand, s.Sender.Agreement, d.ID, [32]byte(leaf), d.P)
			if err != nil {
				return 0, 0, 0, err
			}
			decisions[d.ID], commits[d.ID] = r, c
			batch = append(batch, r)
		}
		var answer api.SealedAnswer
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
		for _, round := range Rounds(ms) {
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
	if err := sealed.Get(ctx, fmt.Sprintf("/v1/sealed/due?limit=%d", api.MaxSealedBatch), &due); err != nil {
		return committed, selected, revealed, err
	}
	for _, round := range Rounds(due) {
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

// Rounds splits items into rounds whose JSON fits one statement.
func Rounds[T any](items []T) [][]T {
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
	_, err := s.Sender.Send(ctx, typ, id, body(items))
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
	var p *api.Problem
	return errors.As(err, &p) && (p.Status == 409 || p.Status == 422)
}
