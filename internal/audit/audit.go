// Package audit follows an agreement's log over HTTP, as any party can: it
// verifies the checkpoint's signature and the witnesses' cosignatures,
// checks that the log only grew since the last audit, replays every new
// entry into its own copy of the log (verifying each statement's signature
// against the keys in force at that point and applying it with the same
// projector the server runs), and compares the root and every tile it
// rebuilt with what the log serves.
package audit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	flog "github.com/transparency-dev/formats/log"
	fnote "github.com/transparency-dev/formats/note"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/ledger"
	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/statement"
	"github.com/surety/surety/internal/store"
	"github.com/surety/surety/internal/store/sqlite"
)

// Config says what to audit and whom to trust.
type Config struct {
	// Server is the log server's base URL.
	Server string
	// Agreement is the agreement id, which names the log.
	Agreement string
	// LogKey is the log's verifier key; its name is the log's origin.
	LogKey string
	// Quorum is how many of the agreement's witnesses must have cosigned;
	// zero means the agreement's own log.quorum, and less than that is
	// refused.
	Quorum int
	// MaxAge is the oldest a quorum's cosignatures may be; a checkpoint
	// cosigned longer ago is stale, for the log may be withholding what
	// followed it. Zero means no limit.
	MaxAge time.Duration
	// Now is the auditor's clock, for MaxAge; nil means time.Now.
	Now func() time.Time
	// Dir keeps the auditor's copy of the log between runs; empty means a
	// fresh copy in a temporary directory.
	Dir string
	// Client is the HTTP client; nil means one with the auditor's limits.
	Client *http.Client
	// Progress, if set, is told how many entries are done.
	Progress func(done, total uint64)
	// Replay compares every projected row the auditor recomputed (the
	// declarations and their screening, selections, verdicts, tranches…)
	// with the state the server publishes: it replays the log to the size
	// the state reflects, proved consistent with the verified checkpoint.
	Replay bool
	// Timeout bounds each request to the server, and each wait for more of
	// the state dump; zero means 30 s.
	Timeout time.Duration
	// MaxState bounds the bytes of the state dump; zero means 4 GiB.
	MaxState int64
}

// Report says what an audit verified.
type Report struct {
	Origin    string   `json:"origin"`
	From      uint64   `json:"from"`
	To        uint64   `json:"to"`
	Root      []byte   `json:"root"`
	Cosigners []string `json:"cosigners"`
	// Quorum is the cosignatures required.
	Quorum int `json:"quorum"`
	// Cosigned is when a quorum of witnesses last cosigned, by their
	// cosignatures' timestamps.
	Cosigned time.Time `json:"cosigned,omitzero"`
	Tiles    int       `json:"tiles_checked"`
	Dir      string    `json:"dir"`
	// Rows is how many projected rows the replay compared.
	Rows int `json:"rows_compared,omitempty"`
	// State is the log size the compared state reflects, which the replay
	// reached past the checkpoint with a consistency proof.
	State uint64 `json:"state_size,omitempty"`
}

// Failure is an inconsistency the audit found: evidence of misconduct or
// tampering, as opposed to a failure to reach the server.
type Failure struct{ Msg string }

func (f *Failure) Error() string { return f.Msg }

func fail(format string, args ...any) error { return &Failure{fmt.Sprintf(format, args...)} }

// The most bytes the auditor reads of each answer: a log cannot need more.
const (
	maxNote   = 64 << 10                                 // a checkpoint with its cosignatures
	maxProof  = 64 << 10                                 // a proof: at most 64 hashes
	maxBundle = ledger.TileWidth * (2 + ledger.MaxEntry) // an entry bundle
	maxTile   = ledger.TileWidth * 32                    // a hash tile
	maxBlob   = 32 << 20                                 // a blob
	maxRow    = 4 << 20                                  // one row of the state dump
	maxEntry  = 4 * ledger.MaxEntry                      // an entry, as JSON
)

// Run audits the log once.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.MaxState <= 0 {
		cfg.MaxState = 4 << 30
	}
	if cfg.Client == nil {
		cfg.Client = newClient(cfg.Timeout)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	logV, err := note.NewVerifier(strings.TrimSpace(cfg.LogKey))
	if err != nil {
		return nil, fmt.Errorf("audit: log key: %w", err)
	}

	dir := cfg.Dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "surety-audit-"); err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("audit: state directory: %w", err)
	}
	db, err := sqlite.Open(filepath.Join(dir, cfg.Agreement+".db"))
	if err != nil {
		return nil, err
	}
	defer db.Close()
	copyLog, err := ledger.Open(ctx, ledger.Options{Store: db, Log: cfg.Agreement})
	if err != nil {
		return nil, err
	}
	defer copyLog.Close()

	a := &auditor{cfg: cfg, base: strings.TrimSuffix(cfg.Server, "/")}
	raw, err := a.get(ctx, "/log/"+cfg.Agreement+"/checkpoint", maxNote)
	if err != nil {
		return nil, err
	}
	cp, _, _, err := flog.ParseCheckpoint(raw, logV.Name(), logV)
	if err != nil {
		return nil, fail("the checkpoint does not verify with the log key %s: %v", logV.Name(), err)
	}
	rep := &Report{Origin: cp.Origin, To: cp.Size, Root: cp.Hash, Dir: cfg.Dir}
	if err := a.cosigned(ctx, rep, raw, logV, cp); err != nil {
		return rep, err
	}

	// The copy may be ahead of the checkpoint it last verified, having
	// replayed to the size of a state dump: it must hold the checkpoint's
	// tree as a prefix.
	h, err := copyLog.Head(ctx)
	if err != nil {
		return nil, err
	}
	verified := h.Size
	if prev, err := copyLog.Checkpoint(ctx); err == nil {
		if c, _, _, err := flog.ParseCheckpoint(prev, logV.Name(), logV); err == nil {
			verified = c.Size
		}
	}
	rep.From = min(h.Size, cp.Size)
	switch {
	case cp.Size < verified:
		return rep, fail("the log shrank: it was verified at size %d and now shows %d", verified, cp.Size)
	case cp.Size <= h.Size:
		root, err := copyLog.RootAt(ctx, cp.Size)
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(cp.Hash, root) {
			return rep, fail("forked history: the log was verified to size %d, whose tree of size %d has root %x, and now shows root %x for that size", h.Size, cp.Size, root, cp.Hash)
		}
	case h.Size > 0:
		p, err := a.consistency(ctx, h.Size, cp.Size)
		if err != nil {
			return nil, err
		}
		if err := proof.VerifyConsistency(rfc6962.DefaultHasher, h.Size, cp.Size, p, h.Root, cp.Hash); err != nil {
			return rep, fail("forked history: the log's tree of size %d is not an extension of the one verified at size %d: %v", cp.Size, h.Size, err)
		}
	}

	if err := a.replay(ctx, copyLog, db, h.Size, cp.Size); err != nil {
		return rep, err
	}
	root, err := copyLog.RootAt(ctx, cp.Size)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(root, cp.Hash) {
		return rep, a.changed(ctx, copyLog, h.Size, cp)
	}
	if rep.Tiles, err = a.compareTiles(ctx, copyLog, rep.From, cp.Size); err != nil {
		return rep, err
	}
	err = db.Update(ctx, cfg.Agreement, func(tx store.Tx) error { return tx.PutCheckpoint(cfg.Agreement, raw) })
	if err != nil {
		return nil, err
	}
	if cfg.Replay {
		if rep.Rows, rep.State, err = a.compareState(ctx, copyLog, db, cp); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// cosigned checks the checkpoint's cosignatures against the witnesses of
// the agreement the log adopted, its first entry: a quorum of them, no
// older than MaxAge.
func (a *auditor) cosigned(ctx context.Context, rep *Report, raw []byte, logV note.Verifier, cp *flog.Checkpoint) error {
	spec, err := a.adopted(ctx, cp)
	if err != nil {
		return err
	}
	_, pub, err := keys.ParsePublic(a.logPrincipalKey(spec))
	if err != nil {
		return fail("the adopted agreement %s names no usable log key: %v", spec.ID, err)
	}
	if _, mine, _ := keys.ParsePublic(a.cfg.LogKey); !pub.Equal(mine) {
		return fail("the log signs with %s, but the agreement it adopted names another log key: this is not the log the agreement set up", logV.Name())
	}
	vs := []note.Verifier{logV}
	names := map[string]bool{}
	for _, p := range spec.Parties {
		for _, pr := range p.Principals {
			if !slices.Contains(pr.Duties, agreement.Witness) {
				continue
			}
			ck, err := fnote.VKeyToCosignatureV1(strings.TrimSpace(pr.Key))
			if err != nil {
				return fail("witness %s's key in the adopted agreement: %v", pr.ID, err)
			}
			v, err := fnote.NewVerifierForCosignatureV1(ck)
			if err != nil {
				return fail("witness %s's key in the adopted agreement: %v", pr.ID, err)
			}
			vs, names[v.Name()] = append(vs, v), true
		}
	}
	quorum := spec.Log.Quorum
	switch {
	case a.cfg.Quorum > len(names):
		return fmt.Errorf("audit: --quorum %d: the agreement has only %d witnesses", a.cfg.Quorum, len(names))
	case a.cfg.Quorum > 0 && a.cfg.Quorum < quorum:
		return fmt.Errorf("audit: --quorum %d is below the agreement's log.quorum of %d; an audit may ask for more cosignatures, never fewer", a.cfg.Quorum, quorum)
	case a.cfg.Quorum > quorum:
		quorum = a.cfg.Quorum
	}
	n, err := note.Open(raw, note.VerifierList(vs...))
	if err != nil {
		return fail("the checkpoint's signatures: %v", err)
	}
	var times []time.Time
	for _, s := range n.Sigs {
		if !names[s.Name] {
			continue
		}
		rep.Cosigners = append(rep.Cosigners, s.Name)
		if t, err := fnote.CoSigV1Timestamp(s); err == nil {
			times = append(times, t)
		}
	}
	rep.Quorum = quorum
	if len(rep.Cosigners) < quorum {
		return fail("the checkpoint of size %d is cosigned by %d of the %d witnesses the agreement requires (%s); the log may be showing this auditor a view others do not see",
			cp.Size, len(rep.Cosigners), quorum, strings.Join(rep.Cosigners, ", "))
	}
	if quorum == 0 || a.cfg.MaxAge == 0 {
		return nil
	}
	// The quorum-th newest cosignature dates the quorum's view.
	slices.SortFunc(times, func(x, y time.Time) int { return y.Compare(x) })
	rep.Cosigned = times[quorum-1]
	if age := a.cfg.Now().Sub(rep.Cosigned); age > a.cfg.MaxAge {
		return fail("stale checkpoint: a quorum of witnesses last cosigned the log %s ago (at %s), more than the %s allowed; the log may be withholding newer entries from this auditor",
			age.Round(time.Second), rep.Cosigned.UTC().Format(time.RFC3339), a.cfg.MaxAge)
	}
	return nil
}

// replay copies entries [from, to) into the auditor's copy of the log, one
// entry bundle at a time, with the blobs they refer to. An entry the log
// does not serve is missing.
func (a *auditor) replay(ctx context.Context, copyLog *ledger.Log, db store.Store, from, to uint64) error {
	for start := from; start < to; {
		tile := start / ledger.TileWidth
		end := min((tile+1)*ledger.TileWidth, to)
		path := ledger.TilePath{Entries: true, Index: tile}
		if end%ledger.TileWidth != 0 {
			path.Width = int(end % ledger.TileWidth)
		}
		width := end - tile*ledger.TileWidth
		b, err := a.get(ctx, "/log/"+a.cfg.Agreement+"/"+path.String(), int64(width)*(2+ledger.MaxEntry))
		if isNotFound(err) {
			return a.missing(ctx, start, end, to)
		}
		if err != nil {
			return err
		}
		es, err := ledger.ParseBundle(b)
		if err != nil {
			return fail("entry bundle %s is malformed: %v", path, err)
		}
		if uint64(len(es)) != width {
			return fail("entry bundle %s holds %d entries; the log's size %d says %d: entries %d to %d are missing", path, len(es), to, width, tile*ledger.TileWidth+uint64(len(es)), end-1)
		}
		es = es[start-tile*ledger.TileWidth:]
		if err := a.fetchBlobs(ctx, db, es); err != nil {
			return err
		}
		if err := copyLog.Replay(ctx, es); err != nil {
			return fail("replaying the log: %v", err)
		}
		start = end
		if a.cfg.Progress != nil {
			a.cfg.Progress(start-from, to-from)
		}
	}
	return nil
}

func (a *auditor) logPrincipalKey(spec *agreement.Spec) string {
	for _, p := range spec.Parties {
		for _, pr := range p.Principals {
			if slices.Contains(pr.Duties, agreement.LogKey) {
				return pr.Key
			}
		}
	}
	return ""
}

// adopted returns the agreement the log adopted in its first entry, which
// it proves included in the checkpoint.
func (a *auditor) adopted(ctx context.Context, cp *flog.Checkpoint) (*agreement.Spec, error) {
	if cp.Size == 0 {
		return nil, fail("the log is empty: it has adopted no agreement")
	}
	path := ledger.TilePath{Entries: true}
	if cp.Size < ledger.TileWidth {
		path.Width = int(cp.Size)
	}
	b, err := a.get(ctx, "/log/"+a.cfg.Agreement+"/"+path.String(), maxBundle)
	if isNotFound(err) {
		return nil, a.missing(ctx, 0, min(cp.Size, ledger.TileWidth), cp.Size)
	}
	if err != nil {
		return nil, err
	}
	es, err := ledger.ParseBundle(b)
	if err != nil || len(es) == 0 {
		return nil, fail("entry bundle %s is malformed (%v)", path, err)
	}
	leaf := ledger.LeafHash(es[0])
	q := url.Values{"agreement": {a.cfg.Agreement}, "index": {"0"}, "size": {strconv.FormatUint(cp.Size, 10)}}
	pb, err := a.get(ctx, "/v1/proof/inclusion?"+q.Encode(), maxProof)
	if err != nil {
		return nil, err
	}
	var pr struct {
		Proof [][]byte `json:"proof"`
	}
	if err := json.Unmarshal(pb, &pr); err != nil {
		return nil, fmt.Errorf("audit: inclusion proof: %w", err)
	}
	if err := proof.VerifyInclusion(rfc6962.DefaultHasher, 0, cp.Size, leaf[:], pr.Proof, cp.Hash); err != nil {
		return nil, fail("entry 0, the adopted agreement, is not in the checkpoint's tree: %v", err)
	}
	e, err := ledger.ParseEntry(es[0])
	if err != nil {
		return nil, fail("entry 0: %v", err)
	}
	var body statement.AdoptBody
	if e.Statement.Type != statement.TypeAdopt || json.Unmarshal(e.Statement.Body, &body) != nil {
		return nil, fail("entry 0 is a %s, not the agreement's adoption", e.Statement.Type)
	}
	spec, err := agreement.Parse(a.cfg.Agreement+" (adopted)", []byte(body.Document))
	if err != nil {
		return nil, fail("the adopted agreement does not parse: %v", err)
	}
	return spec, nil
}

// newClient returns the auditor's HTTP client, which waits at most
// timeout for an answer's header.
func newClient(timeout time.Duration) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.ResponseHeaderTimeout = timeout
	return &http.Client{Transport: t}
}

// missing reports the entries of [from, end) that the log of size size
// does not serve, one by one.
func (a *auditor) missing(ctx context.Context, from, end, size uint64) error {
	var gone []string
	for i := from; i < end; i++ {
		_, err := a.get(ctx, "/v1/statements/"+strconv.FormatUint(i, 10), maxEntry)
		if isNotFound(err) {
			gone = append(gone, strconv.FormatUint(i, 10))
		} else if err != nil {
			return err
		}
	}
	if len(gone) == 0 {
		return fail("entries %d to %d are missing: the log of size %d does not serve their entry bundle", from, end-1, size)
	}
	what := "entry " + gone[0] + " is"
	if len(gone) > 1 {
		what = "entries " + strings.Join(gone, ", ") + " are"
	}
	return fail("%s missing: the checkpoint of size %d commits to it, but the log does not serve it", what, size)
}

// changed finds the entry of [from, cp.Size) that differs from what the
// checkpoint signs: the first whose leaf hash is not the one the log's
// level-0 tile holds, where an inclusion proof shows that the checkpoint
// commits to the tile's hash.
func (a *auditor) changed(ctx context.Context, local *ledger.Log, from uint64, cp *flog.Checkpoint) error {
	for idx := from / ledger.TileWidth; idx*ledger.TileWidth < cp.Size; idx++ {
		p := ledger.TilePath{Index: idx}
		if rem := cp.Size - idx*ledger.TileWidth; rem < ledger.TileWidth {
			p.Width = int(rem)
		}
		served, err := a.get(ctx, "/log/"+a.cfg.Agreement+"/"+p.String(), maxTile)
		if err != nil {
			return err
		}
		mine, err := local.Tile(ctx, 0, idx, p.Width)
		if err != nil {
			return err
		}
		for i := 0; i+32 <= len(mine) && i+32 <= len(served); i += 32 {
			index := idx*ledger.TileWidth + uint64(i/32)
			if index < from || bytes.Equal(mine[i:i+32], served[i:i+32]) {
				continue
			}
			pr, err := a.inclusion(ctx, index, cp.Size)
			if err != nil {
				return err
			}
			if proof.VerifyInclusion(rfc6962.DefaultHasher, index, cp.Size, served[i:i+32], pr, cp.Hash) == nil {
				return fail("entry %d was changed: it hashes to %x, but the checkpoint of size %d signs %x for it", index, mine[i:i+32], cp.Size, served[i:i+32])
			}
		}
	}
	return fail("the entries the log serves from %d to %d do not hash to the root %x of its checkpoint of size %d, and its tiles and proofs do not show which was changed", from, cp.Size, cp.Hash, cp.Size)
}

// compareState compares the state the server publishes with the state
// the auditor recomputes from the log, at the log size the server says the
// state reflects: it replays the log to that size, beyond the checkpoint
// cp, and proves that size consistent with cp. Both are read as streams,
// row by row, in the order of kind and key. It returns the rows compared
// and the size.
func (a *auditor) compareState(ctx context.Context, local *ledger.Log, db store.Store, cp *flog.Checkpoint) (int, uint64, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	path := "/v1/state?agreement=" + url.QueryEscape(a.cfg.Agreement)
	resp, err := a.open(ctx, cancel, path)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	size, err := strconv.ParseUint(resp.Header.Get("Surety-Log-Size"), 10, 64)
	if err != nil {
		return 0, 0, fmt.Errorf("audit: GET %s: no Surety-Log-Size header says which log size the state reflects; the server is older than this auditor", path)
	}
	h, err := local.Head(ctx)
	if err != nil {
		return 0, 0, err
	}
	switch {
	case size < cp.Size:
		return 0, 0, fmt.Errorf("audit: the server's state reflects %d entries, fewer than its checkpoint's %d; audit again", size, cp.Size)
	case size < h.Size:
		root, err := local.RootAt(ctx, size)
		if err != nil {
			return 0, 0, err
		}
		// The copy is ahead, from an earlier replay: its state is of
		// another size. Compare at the copy's size on the next run.
		return 0, 0, fmt.Errorf("audit: the server's state reflects %d entries (root %x), fewer than this auditor's copy holds (%d); audit again once the log has grown", size, root, h.Size)
	case size > h.Size:
		if err := a.replay(ctx, local, db, h.Size, size); err != nil {
			return 0, 0, err
		}
		root, err := local.RootAt(ctx, size)
		if err != nil {
			return 0, 0, err
		}
		p, err := a.consistency(ctx, cp.Size, size)
		if err != nil {
			return 0, 0, err
		}
		if err := proof.VerifyConsistency(rfc6962.DefaultHasher, cp.Size, size, p, cp.Hash, root); err != nil {
			return 0, 0, fail("forked history: the entries up to %d, which the server's state reflects, are not an extension of its checkpoint of size %d: %v", size, cp.Size, err)
		}
	}

	body := &guard{r: resp.Body, max: a.cfg.MaxState, row: maxRow, idle: a.cfg.Timeout, cancel: cancel, what: "GET " + path}
	defer body.stop()
	dec := json.NewDecoder(body)
	if t, err := dec.Token(); err != nil || t != json.Delim('[') {
		return 0, 0, a.streamErr(path, err, "does not start a JSON array")
	}
	var prev *ledger.StateRow
	next := func() (*ledger.StateRow, error) {
		if !dec.More() {
			return nil, nil
		}
		var r ledger.StateRow
		if err := dec.Decode(&r); err != nil {
			return nil, a.streamErr(path, err, "is not a JSON array of rows")
		}
		body.mark()
		if prev != nil && order(*prev, r) >= 0 {
			return nil, fail("the server's state is not in the order of kind and key: %s comes after %s", name(r), name(*prev))
		}
		prev = &r
		return &r, nil
	}
	var diffs []string
	n := 0
	diff := func(format string, args ...any) {
		if n++; n <= 20 {
			diffs = append(diffs, fmt.Sprintf(format, args...))
		}
	}
	served, err := next()
	if err != nil {
		return 0, 0, err
	}
	rows := 0
	err = local.State(ctx, func(store.Head) error { return nil }, func(mine ledger.StateRow) error {
		rows++
		for served != nil && order(*served, mine) < 0 {
			diff("%s: on the server only (%s); nothing in the log gives it", name(*served), clip(served.Value))
			if served, err = next(); err != nil {
				return err
			}
		}
		if served == nil || order(*served, mine) > 0 {
			diff("%s: missing on the server; the log gives %s", name(mine), clip(mine.Value))
			return nil
		}
		if !jsonEqual(served.Value, mine.Value) {
			diff("%s: the server says %s; the log gives %s", name(mine), clip(served.Value), clip(mine.Value))
		}
		served, err = next()
		return err
	})
	for err == nil && served != nil {
		diff("%s: on the server only (%s); nothing in the log gives it", name(*served), clip(served.Value))
		served, err = next()
	}
	if err != nil {
		return rows, size, err
	}
	if t, err := dec.Token(); err != nil || t != json.Delim(']') {
		return rows, size, a.streamErr(path, err, "does not end its JSON array")
	}
	if n > 0 {
		more := ""
		if n > 20 {
			more = fmt.Sprintf("\n(and %d more)", n-20)
		}
		return rows, size, fail("the server's projected state at size %d differs from the replay of its log in %d rows:\n%s%s", size, n, strings.Join(diffs, "\n"), more)
	}
	return rows, size, nil
}

// streamErr is the error of a state dump that failed to decode: the
// guard's failure or timeout, or a malformed dump.
func (a *auditor) streamErr(path string, err error, what string) error {
	if err == nil || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("audit: GET %s: the state dump ends early", path)
	}
	var f *Failure
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &f):
		return f
	case errors.As(err, &syn), errors.As(err, &typ):
		return fail("the server's state dump %s: %v", what, err)
	}
	return fmt.Errorf("audit: GET %s: %w", path, err)
}

// order compares two rows by kind, then key, in byte order.
func order(a, b ledger.StateRow) int {
	if c := strings.Compare(a.Kind, b.Kind); c != 0 {
		return c
	}
	return strings.Compare(a.Key, b.Key)
}

func name(r ledger.StateRow) string { return r.Kind + " " + r.Key }

func jsonEqual(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(a, b)
	}
	return reflect.DeepEqual(x, y)
}

func clip(v json.RawMessage) string {
	if len(v) > 160 {
		return string(v[:160]) + "…"
	}
	return string(v)
}

type auditor struct {
	cfg  Config
	base string
}

// statusError is an answer other than 200.
type statusError struct {
	path   string
	status string
	code   int
	body   []byte
}

func (e *statusError) Error() string {
	return fmt.Sprintf("audit: GET %s: %s: %s", e.path, e.status, bytes.TrimSpace(e.body))
}

func isNotFound(err error) bool {
	var s *statusError
	return errors.As(err, &s) && s.code == http.StatusNotFound
}

// open sends a GET and returns the response of status 200; it cancels
// the request when no answer comes within the timeout.
func (a *auditor) open(ctx context.Context, cancel context.CancelFunc, path string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.base+path, nil)
	if err != nil {
		return nil, err
	}
	timer := time.AfterFunc(a.cfg.Timeout, cancel)
	resp, err := a.cfg.Client.Do(req)
	timer.Stop()
	if err != nil {
		return nil, fmt.Errorf("audit: GET %s: no answer within %s: %w", path, a.cfg.Timeout, err)
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		return nil, &statusError{path: path, status: resp.Status, code: resp.StatusCode, body: b}
	}
	return resp, nil
}

// get reads the answer to a GET, of at most limit bytes, within the
// timeout. A longer answer is a failure: nothing the log serves can be
// longer.
func (a *auditor) get(ctx context.Context, path string, limit int64) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, a.cfg.Timeout)
	defer cancel()
	resp, err := a.open(ctx, cancel, path)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("audit: GET %s: %w", path, err)
	}
	if int64(len(b)) > limit {
		return nil, fail("GET %s: the answer goes on past %d bytes, more than it can hold", path, limit)
	}
	return b, nil
}

// guard reads a stream for at most max bytes, and at most row bytes
// between marks; it cancels the request when no byte comes for idle.
type guard struct {
	r        io.Reader
	n, since int64
	max, row int64
	idle     time.Duration
	cancel   context.CancelFunc
	timer    *time.Timer
	what     string
	err      error // the limit the stream went past
}

func (g *guard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err // a decoder may ignore the error of a read that gave bytes
	}
	if g.timer == nil {
		g.timer = time.AfterFunc(g.idle, g.cancel)
	}
	n, err := g.r.Read(p)
	if n > 0 {
		g.timer.Reset(g.idle)
	}
	g.n += int64(n)
	g.since += int64(n)
	switch {
	case g.n > g.max:
		g.err = fail("%s: the answer goes on past %d bytes", g.what, g.max)
	case g.since > g.row:
		g.err = fail("%s: a row goes on past %d bytes", g.what, g.row)
	default:
		return n, err
	}
	return n, g.err
}

// mark starts a new row.
func (g *guard) mark() { g.since = 0 }

func (g *guard) stop() {
	if g.timer != nil {
		g.timer.Stop()
	}
}

// fetchBlobs copies into the auditor's store the blobs the entries refer
// to, checking that each hashes to its name: they are part of the record.
func (a *auditor) fetchBlobs(ctx context.Context, db store.Store, es [][]byte) error {
	for _, data := range es {
		e, err := ledger.ParseEntry(data)
		if err != nil {
			continue // Replay reports it with its index
		}
		sums, err := state.BlobsOf(e.Statement)
		if err != nil {
			continue
		}
		for _, sum := range sums {
			if r, err := db.OpenBlob(ctx, sum); err == nil {
				r.Close()
				continue
			}
			b, err := a.get(ctx, "/v1/blobs/"+hex.EncodeToString(sum[:]), maxBlob)
			if err != nil {
				return fail("blob %x, referred to by statement %s, is not served: %v", sum, e.Statement.ID, err)
			}
			if sha256.Sum256(b) != sum {
				return fail("blob %x served by the log does not hash to its name", sum)
			}
			if err := store.PutBlob(ctx, db, a.cfg.Agreement, sum, b); err != nil {
				return err
			}
		}
	}
	return nil
}

func (a *auditor) consistency(ctx context.Context, old, new uint64) ([][]byte, error) {
	q := url.Values{"agreement": {a.cfg.Agreement}, "old": {strconv.FormatUint(old, 10)}, "new": {strconv.FormatUint(new, 10)}}
	return a.proof(ctx, "/v1/proof/consistency?"+q.Encode())
}

func (a *auditor) inclusion(ctx context.Context, index, size uint64) ([][]byte, error) {
	q := url.Values{"agreement": {a.cfg.Agreement}, "index": {strconv.FormatUint(index, 10)}, "size": {strconv.FormatUint(size, 10)}}
	return a.proof(ctx, "/v1/proof/inclusion?"+q.Encode())
}

func (a *auditor) proof(ctx context.Context, path string) ([][]byte, error) {
	b, err := a.get(ctx, path, maxProof)
	if err != nil {
		return nil, err
	}
	var r struct {
		Proof [][]byte `json:"proof"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("audit: GET %s: %w", path, err)
	}
	return r.Proof, nil
}

// compareTiles fetches every hash tile that entries [old, size) touch and
// compares it with the tile rebuilt locally.
func (a *auditor) compareTiles(ctx context.Context, local *ledger.Log, old, size uint64) (int, error) {
	n := 0
	for level := 0; size>>(ledger.TileHeight*level) > 0; level++ {
		count := size >> (ledger.TileHeight * level)
		first := (old >> (ledger.TileHeight * level)) / ledger.TileWidth
		for idx := first; idx*ledger.TileWidth < count; idx++ {
			p := ledger.TilePath{Level: uint8(level), Index: idx}
			if rem := count - idx*ledger.TileWidth; rem < ledger.TileWidth {
				p.Width = int(rem)
			}
			served, err := a.get(ctx, "/log/"+a.cfg.Agreement+"/"+p.String(), maxTile)
			if err != nil {
				return n, err
			}
			mine, err := local.Tile(ctx, p.Level, p.Index, p.Width)
			if err != nil {
				return n, err
			}
			if !bytes.Equal(served, mine) {
				return n, fail("tile %s served by the log differs from the one rebuilt from its entries", p)
			}
			n++
		}
	}
	return n, nil
}

// IsFailure reports whether err is an inconsistency found by the audit.
func IsFailure(err error) bool {
	var f *Failure
	return errors.As(err, &f)
}
