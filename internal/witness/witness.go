// Package witness is the Surety witness: it cosigns the checkpoints of
// agreement logs, following the C2SP tlog-witness protocol, and it is the
// client a log uses to ask a witness for a cosignature.
//
// A witness knows a fixed set of logs, each by its origin line and checkpoint
// key. For each log it remembers the last tree it cosigned, and it cosigns a
// new checkpoint only when a consistency proof shows that the new tree extends
// that one. Its record is durable: once a cosignature for a tree has left the
// witness, no other tree of that size or smaller will ever be cosigned for that
// log, across restarts and crashes.
//
// The package knows nothing of agreements, statements or the store: it sees
// logs only through their signed checkpoints.
//
// # Protocol
//
// POST <prefix>/add-checkpoint takes a body of an "old <size>" line, up to 63
// base64 consistency-proof lines, an empty line and a signed checkpoint note.
// The answers are:
//
//   - 200 with the witness's cosignature/v1 note signature lines;
//   - 400 for a malformed request, or an old size above the checkpoint's;
//   - 403 when no signature of the log's key verifies;
//   - 404 for an origin the witness does not know;
//   - 409 with Content-Type text/x.tlog.size and the cosigned size as body when
//     the old size is not the size last cosigned;
//   - 409 with a text body when the checkpoint has the cosigned size but
//     another root hash: a fork, which is refused and not recorded;
//   - 422 when the consistency proof does not verify.
package witness

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"

	"github.com/transparency-dev/formats/log"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"
)

// The errors of add-checkpoint, shared by the witness and its client. The
// witness answers each with the status in statuses; the client turns each
// status back into the same error. A *ConflictError is the fifth answer.
var (
	ErrMalformed  = errors.New("malformed request")
	ErrSignature  = errors.New("checkpoint not signed by the log's key")
	ErrUnknownLog = errors.New("unknown log")
	ErrFork       = errors.New("checkpoint forks from the cosigned tree")
	ErrProof      = errors.New("consistency proof does not verify")
)

var statuses = []struct {
	err  error
	code int
}{
	{ErrMalformed, http.StatusBadRequest},
	{ErrSignature, http.StatusForbidden},
	{ErrUnknownLog, http.StatusNotFound},
	{ErrFork, http.StatusConflict},
	{ErrProof, http.StatusUnprocessableEntity},
}

// ConflictError reports that the old size of a request is not the size of
// the tree the witness last cosigned for the log. Size is that size (zero if
// it never cosigned one): a log that retries with Size as its old size, and
// a proof from there, can be cosigned.
type ConflictError struct {
	Size uint64
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("witness last cosigned size %d", e.Size)
}

// sizeType is the Content-Type of a 409 answer that carries a tree size.
const sizeType = "text/x.tlog.size"

// maxBody bounds a request: 63 proof lines and a checkpoint with up to 100
// signatures, the most a note may carry, fit well within it.
const maxBody = 1 << 20

// Log is a log the witness cosigns for: its checkpoints carry Origin as their
// first line and are signed with the key Verifier checks.
type Log struct {
	Origin   string
	Verifier note.Verifier
}

// Witness cosigns the checkpoints of its logs. Its methods are safe for
// concurrent use; requests for one log are handled one at a time.
type Witness struct {
	signer note.Signer
	dir    string
	logs   map[string]*entry
}

// entry is the witness's record of one log.
type entry struct {
	Log
	mu   sync.Mutex
	tree tree // the tree last cosigned; guarded by mu
}

// New returns a witness that cosigns with signer, a cosignature/v1 signer
// (see NewSigner), for logs, and keeps its record in files in dir, which it
// creates if needed. Only one Witness may use dir at a time.
func New(signer note.Signer, dir string, logs ...Log) (*Witness, error) {
	if signer == nil {
		return nil, errors.New("witness: no signer")
	}
	w := &Witness{signer: signer, dir: dir, logs: make(map[string]*entry, len(logs))}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("witness: state directory: %w", err)
	}
	for _, l := range logs {
		if l.Origin == "" || strings.Contains(l.Origin, "\n") || l.Verifier == nil {
			return nil, fmt.Errorf("witness: log %q: needs a one-line origin and a verifier", l.Origin)
		}
		if w.logs[l.Origin] != nil {
			return nil, fmt.Errorf("witness: log %q listed twice", l.Origin)
		}
		t, err := load(dir, l.Origin)
		if err != nil {
			return nil, fmt.Errorf("witness: log %q: %w", l.Origin, err)
		}
		w.logs[l.Origin] = &entry{Log: l, tree: t}
	}
	return w, nil
}

// Handler returns the witness's HTTP interface: POST /add-checkpoint. Mount
// it at the witness's submission prefix with http.StripPrefix.
func (w *Witness) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /add-checkpoint", w.serveAdd)
	return mux
}

func (w *Witness) serveAdd(rw http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(rw, r.Body, maxBody))
	if err != nil {
		http.Error(rw, "reading request: "+err.Error(), http.StatusBadRequest)
		return
	}
	sigs, err := w.add(body)
	var conflict *ConflictError
	switch {
	case err == nil:
		rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
		rw.Write(sigs)
		return
	case errors.As(err, &conflict):
		rw.Header().Set("Content-Type", sizeType)
		rw.WriteHeader(http.StatusConflict)
		fmt.Fprintf(rw, "%d\n", conflict.Size)
		return
	}
	for _, s := range statuses {
		if errors.Is(err, s.err) {
			http.Error(rw, err.Error(), s.code)
			return
		}
	}
	slog.ErrorContext(r.Context(), "witness: add-checkpoint", "err", err)
	http.Error(rw, "internal error", http.StatusInternalServerError)
}

// add checks the add-checkpoint request body, records the checkpoint and
// returns the witness's cosignature lines for it.
func (w *Witness) add(body []byte) ([]byte, error) {
	old, prf, cp, err := parseRequest(body)
	if err != nil {
		return nil, err
	}
	origin, _, ok := bytes.Cut(cp, []byte("\n"))
	if !ok {
		return nil, fmt.Errorf("%w: no checkpoint", ErrMalformed)
	}
	e := w.logs[string(origin)]
	if e == nil {
		return nil, fmt.Errorf("%w %q", ErrUnknownLog, origin)
	}
	n, err := note.Open(cp, note.VerifierList(e.Verifier))
	if err != nil {
		var unverified *note.UnverifiedNoteError
		var invalid *note.InvalidSignatureError
		if errors.As(err, &unverified) || errors.As(err, &invalid) {
			return nil, fmt.Errorf("%w: %v", ErrSignature, err)
		}
		return nil, fmt.Errorf("%w: checkpoint: %v", ErrMalformed, err)
	}
	var c log.Checkpoint
	if _, err := c.Unmarshal([]byte(n.Text)); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if !strings.HasPrefix(n.Text, string(c.Marshal())) || len(c.Hash) != sha256.Size {
		return nil, fmt.Errorf("%w: checkpoint not in canonical form", ErrMalformed)
	}
	if old > c.Size {
		return nil, fmt.Errorf("%w: old size %d exceeds checkpoint size %d", ErrMalformed, old, c.Size)
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	if old != e.tree.Size {
		return nil, &ConflictError{Size: e.tree.Size}
	}
	if e.tree.Hash != nil {
		if c.Size == e.tree.Size && !bytes.Equal(c.Hash, e.tree.Hash) {
			slog.Warn("witness: refused fork", "origin", c.Origin, "size", c.Size, "checkpoint", string(cp))
			return nil, fmt.Errorf("%w: size %d", ErrFork, c.Size)
		}
		if err := proof.VerifyConsistency(rfc6962.DefaultHasher, old, c.Size, prf, e.tree.Hash, c.Hash); err != nil {
			slog.Warn("witness: refused proof", "origin", c.Origin, "old", old, "size", c.Size, "err", err, "checkpoint", string(cp))
			return nil, fmt.Errorf("%w: %d to %d: %v", ErrProof, old, c.Size, err)
		}
	}

	signed, err := note.Sign(&note.Note{Text: n.Text}, w.signer)
	if err != nil {
		return nil, fmt.Errorf("cosigning: %w", err)
	}
	next := tree{Size: c.Size, Hash: c.Hash}
	if !next.equal(e.tree) {
		if err := store(w.dir, e.Origin, next); err != nil {
			return nil, err
		}
		e.tree = next
	}
	return signed[len(n.Text)+1:], nil
}
