package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/surety/surety/internal/api"
	"github.com/surety/surety/internal/state"
)

// Blobs hold what is too large for a statement: list editions and
// evidence. A principal of the agreement uploads one with a signed request
// (RFC 9421); the server streams it to the store in parts as it arrives
// and names it by its SHA-256, and streams it back a part at a time. A
// blob that no statement of the log cites within the blob time (Sweep) is
// deleted.

// MaxBlob is the largest blob accepted, in bytes.
const MaxBlob = 32 << 20

// errTooLarge answers a body beyond its limit.
var errTooLarge = errors.New("too large")

func (s *Server) postBlob(w http.ResponseWriter, r *http.Request) error {
	if r.ContentLength > MaxBlob {
		return fmt.Errorf("%w: the blob is %d bytes; blobs are at most %d bytes", errTooLarge, r.ContentLength, MaxBlob)
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxBlob)
	if _, err := s.signer(r, member); err != nil {
		return err
	}
	bw, err := s.Log.Store().CreateBlob(r.Context(), s.Log.ID())
	if err != nil {
		return err
	}
	body := &reading{r: r.Body}
	h := sha256.New()
	// A small buffer: a stalled upload holds it.
	n, err := io.CopyBuffer(io.MultiWriter(h, bw), body, make([]byte, 8<<10))
	if err != nil {
		_ = bw.Abort()
		if body.err != nil {
			return bodyError(body.err, MaxBlob)
		}
		return err
	}
	sum := [32]byte(h.Sum(nil))
	if err := bw.Commit(sum); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, api.BlobResponse{SHA256: hex.EncodeToString(sum[:]), Size: int(n)})
}

// reading is a body that keeps the error of its reads, to tell them from
// the store's.
type reading struct {
	r   io.Reader
	err error
}

func (b *reading) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF {
		b.err = err
	}
	return n, err
}

func (s *Server) getBlob(w http.ResponseWriter, r *http.Request) error {
	raw, err := hex.DecodeString(r.PathValue("sum"))
	if err != nil || len(raw) != sha256.Size {
		return badRequest("%q is not a hex SHA-256", r.PathValue("sum"))
	}
	b, err := s.Log.Store().OpenBlob(r.Context(), [32]byte(raw))
	if err != nil {
		return err
	}
	defer b.Close()
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.FormatInt(b.Size(), 10))
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	if _, err := io.Copy(w, b); err != nil {
		// The answer has begun: the client sees it cut short.
		s.Logger.Debug("server: blob download broke off", "sha256", r.PathValue("sum"), "err", err)
	}
	return nil
}

// SweepBlobs deletes the blobs uploaded to the log before the given time
// that no statement in the log cites, and returns how many it deleted.
func (s *Server) SweepBlobs(ctx context.Context, before time.Time) (int, error) {
	return s.Log.Store().SweepBlobs(ctx, s.Log.ID(), before, func(sum [32]byte) (bool, error) {
		var cited bool
		err := s.Log.View(ctx, func(kv state.KV) error {
			var err error
			cited, err = state.Cited(kv, sum)
			return err
		})
		return cited, err
	})
}

// Sweep deletes, every so often until ctx is done, the blobs that no
// statement has cited within ttl of their upload: a blob goes between ttl
// and ttl plus a tenth of it (at most an hour) after its upload.
func (s *Server) Sweep(ctx context.Context, ttl time.Duration) {
	every := min(max(ttl/10, time.Second), time.Hour)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := s.SweepBlobs(ctx, time.Now().Add(-ttl))
		if err != nil && ctx.Err() == nil {
			s.Logger.Error("server: sweep blobs", "err", err)
		}
		if n > 0 {
			s.Logger.Info("server: deleted blobs no statement cited", "blobs", n, "within", ttl)
		}
	}
}
