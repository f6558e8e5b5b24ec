package cli

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/surety/surety/internal/api"
	"github.com/surety/surety/internal/app"
	"github.com/surety/surety/internal/client"
	"github.com/surety/surety/internal/inspection"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/statement"
)

// SelectionResult is what the sealed selection of logged declarations
// costs the server: the selector's decisions stored sealed and committed
// to, in rounds of up to api.MaxSealedBatch, and after departure
// revealed, in rounds as large. The selector's own work (its VRF proofs
// and signatures) is left out, as the signing of the declarations is.
type SelectionResult struct {
	Declarations  int     `json:"declarations"`
	Selected      int     `json:"selected"`
	CommitSeconds float64 `json:"commit_seconds"`
	RevealSeconds float64 `json:"reveal_seconds"`
	// PerSecond is declarations through the whole cycle: declared,
	// committed to and revealed; Ratio is PerSecond over the rate of
	// declarations alone, measured in the same run.
	PerSecond float64 `json:"declarations_per_second_with_selection"`
	Ratio     float64 `json:"ratio_to_declarations_alone"`
}

// benchClock is the started server's clock: real time plus an offset, so
// that the bench can let consignments leave.
type benchClock struct{ offset atomic.Int64 }

func (c *benchClock) now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *benchClock) advance(d time.Duration) { c.offset.Add(int64(d)) }

// BenchSelection commits to and reveals the selection of every
// declaration awaiting one at url, as the demo seed's selector, and
// measures the server's time for it. The statements of a round go at
// once. decl is the declarations' own
// ingest, whose rate the cycle's is compared with.
func BenchSelection(ctx context.Context, url, agreement string, clk *benchClock, decl IngestResult) (SelectionResult, error) {
	k, err := keys.Derive("demo", "il-selector")
	if err != nil {
		return SelectionResult{}, err
	}
	vrf, err := inspection.KeyFromSeed(inspection.DeriveSeed("demo", "il-selector"))
	if err != nil {
		return SelectionResult{}, err
	}
	s := &app.Sender{Key: k, Author: "il-selector", Agreement: agreement, Client: client.New(url), Now: clk.now}
	sealed := s.Signed()
	var res SelectionResult
	var commitTime, revealTime time.Duration
	const page = 10000 // the most GET /v1/selections/pending and /v1/sealed/due answer
	for {
		var pending []state.Pending
		if err := s.Client.Get(ctx, fmt.Sprintf("/v1/selections/pending?limit=%d", page), &pending); err != nil {
			return res, err
		}
		if len(pending) == 0 {
			break
		}
		ds := make([]statement.Decision, len(pending))
		ms := make([]statement.Commitment, len(pending))
		for i, d := range pending {
			leaf, err := hex.DecodeString(d.LeafHash)
			if err != nil || len(leaf) != 32 {
				return res, fmt.Errorf("declaration %s has leaf hash %q", d.ID, d.LeafHash)
			}
			if ds[i], ms[i], err = state.Decide(vrf, nil, agreement, d.ID, [32]byte(leaf), d.P); err != nil {
				return res, err
			}
			if ds[i].Selected {
				res.Selected++
			}
		}
		start := time.Now()
		var posts []func() error
		for part := range slices.Chunk(ds, api.MaxSealedBatch) {
			posts = append(posts, func() error {
				var answer api.SealedAnswer
				if err := sealed.Post(ctx, "/v1/sealed/selections", part, &answer); err != nil {
					return err
				}
				if len(answer.Refused) > 0 {
					return fmt.Errorf("the server refused %d decisions; the first: %s", len(answer.Refused), answer.Refused[0].Detail)
				}
				return nil
			})
		}
		if err := all(posts); err != nil {
			return res, err
		}
		if err := sendAll(ctx, s, statement.TypeCommit, fmt.Sprintf("bench-sel-%d", time.Now().UnixNano()), app.Rounds(ms),
			func(part []statement.Commitment) any { return statement.CommitBody{Commitments: part} }); err != nil {
			return res, err
		}
		commitTime += time.Since(start)
		res.Declarations += len(pending)
	}
	// The consignments leave (three days after they were declared).
	clk.advance(73 * time.Hour)
	for {
		start := time.Now()
		var due []statement.Decision
		if err := sealed.Get(ctx, fmt.Sprintf("/v1/sealed/due?limit=%d", page), &due); err != nil {
			return res, err
		}
		if len(due) == 0 {
			break
		}
		if err := sendAll(ctx, s, statement.TypeReveal, fmt.Sprintf("bench-reveal-%d", time.Now().UnixNano()), app.Rounds(due),
			func(part []statement.Decision) any { return statement.RevealBody{Decisions: part} }); err != nil {
			return res, err
		}
		revealTime += time.Since(start)
	}
	res.CommitSeconds, res.RevealSeconds = commitTime.Seconds(), revealTime.Seconds()
	res.PerSecond = float64(res.Declarations) / (decl.Seconds + res.CommitSeconds + res.RevealSeconds)
	res.Ratio = res.PerSecond / decl.PerSecond
	return res, nil
}

// sendAll sends the statements of a round at once, from several clients,
// as a busy selector would, so that the server checks one while it
// sequences another.
func sendAll[T any](ctx context.Context, s *app.Sender, typ, id string, parts [][]T, body func([]T) any) error {
	var fns []func() error
	for i, part := range parts {
		fns = append(fns, func() error {
			_, err := s.Send(ctx, typ, fmt.Sprintf("%s-%d", id, i), body(part))
			return err
		})
	}
	return all(fns)
}

// all runs fns, eight at a time, and joins their errors.
func all(fns []func() error) error {
	errs := make([]error, len(fns))
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i, fn := range fns {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			errs[i] = fn()
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}
