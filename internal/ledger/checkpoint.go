package ledger

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/surety/surety/internal/store"
	"github.com/surety/surety/internal/witness"
)

// CheckpointBody is the C2SP tlog-checkpoint body: origin, size and root.
func CheckpointBody(origin string, size uint64, root []byte) string {
	return origin + "\n" + strconv.FormatUint(size, 10) + "\n" + base64.StdEncoding.EncodeToString(root) + "\n"
}

// WitnessPeer is a witness the log asks for cosignatures.
type WitnessPeer struct {
	// Name is the witness's key name.
	Name string
	// URL is the prefix of its add-checkpoint endpoint.
	URL string

	mu   sync.Mutex
	size uint64 // the size it last cosigned, as far as the log knows
}

// Publisher signs the log's checkpoints, gathers the witnesses'
// cosignatures and stores the result, which the log then serves.
type Publisher struct {
	Log       *Log
	Origin    string
	Signer    note.Signer
	Witnesses []*WitnessPeer
	Client    *http.Client
	// Refresh, if set, has a checkpoint of an unchanged tree signed and
	// cosigned again once the last is so old (by the wall clock, as the
	// witnesses' cosignatures are dated), so that auditors can tell an idle
	// log from one that withholds its newer checkpoints.
	Refresh time.Duration

	mu   sync.Mutex // one publication at a time
	last uint64
	at   time.Time // when last published
	once bool
}

// Publish signs a checkpoint of the current tree, unless the stored one is
// already of this size and force is false, asks every witness to cosign it,
// stores the note with the cosignatures it got, and returns it. It signs
// only a head that Log.Verify finds to be the root of the stored tiles and
// entries, with the state its batches committed.
func (p *Publisher) Publish(ctx context.Context, force bool) ([]byte, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	h, err := p.Log.Head(ctx)
	if err != nil {
		return nil, err
	}
	if p.once && h.Size == p.last && !force && (p.Refresh == 0 || time.Since(p.at) < p.Refresh) {
		return p.Log.Checkpoint(ctx)
	}
	if h, err = p.Log.Verify(ctx, force); err != nil {
		return nil, fmt.Errorf("ledger: refusing to sign a checkpoint: %w", err)
	}
	signed, err := note.Sign(&note.Note{Text: CheckpointBody(p.Origin, h.Size, h.Root)}, p.Signer)
	if err != nil {
		return nil, fmt.Errorf("ledger: sign checkpoint: %w", err)
	}
	out := signed
	var wg sync.WaitGroup
	cosigs := make([][]byte, len(p.Witnesses))
	for i, w := range p.Witnesses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := p.cosign(ctx, w, h.Size, signed)
			if err != nil {
				p.Log.opts.Logger.Warn("ledger: witness did not cosign", "witness", w.Name, "url", w.URL, "size", h.Size, "err", err)
				return
			}
			cosigs[i] = c
		}()
	}
	wg.Wait()
	for _, c := range cosigs {
		out = append(out, c...)
	}
	err = p.Log.opts.Store.Update(ctx, p.Log.opts.Log, func(tx store.Tx) error {
		return tx.PutCheckpoint(p.Log.opts.Log, out)
	})
	if err != nil {
		return nil, fmt.Errorf("ledger: store checkpoint: %w", err)
	}
	p.last, p.at, p.once = h.Size, time.Now(), true
	return out, nil
}

// cosign asks one witness to cosign, retrying once from the size it says
// it last cosigned.
func (p *Publisher) cosign(ctx context.Context, w *WitnessPeer, size uint64, signed []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	client := p.Client
	if client == nil {
		client = http.DefaultClient
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for attempt := 0; ; attempt++ {
		old := min(w.size, size)
		var pr [][]byte
		if old > 0 {
			var err error
			if pr, err = p.Log.ConsistencyProof(ctx, old, size); err != nil {
				return nil, err
			}
		}
		c, err := witness.AddCheckpoint(ctx, client, w.URL, old, pr, signed)
		var conflict *witness.ConflictError
		if errors.As(err, &conflict) && attempt == 0 && conflict.Size <= size {
			w.size = conflict.Size
			continue
		}
		if err != nil {
			return nil, err
		}
		w.size = size
		return c, nil
	}
}

// Run publishes every interval until ctx ends.
func (p *Publisher) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := p.Publish(ctx, false); err != nil && ctx.Err() == nil {
			p.Log.opts.Logger.Error("ledger: publish checkpoint", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Checkpoint returns the latest stored checkpoint, with its cosignatures.
func (l *Log) Checkpoint(ctx context.Context) ([]byte, error) {
	var b []byte
	err := l.opts.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		b, err = tx.Checkpoint(l.opts.Log)
		if errors.Is(err, store.ErrNotFound) {
			return ErrNotFound
		}
		return err
	})
	return bytes.Clone(b), err
}
