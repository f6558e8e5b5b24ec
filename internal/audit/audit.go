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
	// with the state the server publishes.
	Replay bool
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
}

// Failure is an inconsistency the audit found: evidence of misconduct or
// tampering, as opposed to a failure to reach the server.
type Failure struct{ Msg string }

func (f *Failure) Error() string { return f.Msg }

func fail(format string, args ...any) error { return &Failure{fmt.Sprintf(format, args...)} }

// Run audits the log once.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Client == nil {
		cfg.Client = newClient()
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
	raw, err := a.get(ctx, "/log/"+cfg.Agreement+"/checkpoint")
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

	h, err := copyLog.Head(ctx)
	if err != nil {
		return nil, err
	}
	rep.From = h.Size
	switch {
	case cp.Size < h.Size:
		return rep, fail("the log shrank: it was verified at size %d and now shows %d", h.Size, cp.Size)
	case cp.Size == h.Size && !bytes.Equal(cp.Hash, h.Root):
		return rep, fail("forked history: the log was verified at size %d with root %x, and now shows root %x for that size", h.Size, h.Root, cp.Hash)
	case h.Size > 0 && cp.Size > h.Size:
		p, err := a.consistency(ctx, h.Size, cp.Size)
		if err != nil {
			return nil, err
		}
		if err := proof.VerifyConsistency(rfc6962.DefaultHasher, h.Size, cp.Size, p, h.Root, cp.Hash); err != nil {
			return rep, fail("forked history: the log's tree of size %d is not an extension of the one verified at size %d: %v", cp.Size, h.Size, err)
		}
	}

	// Replay the new entries, one entry bundle at a time.
	for start := h.Size; start < cp.Size; {
		tile := start / ledger.TileWidth
		end := min((tile+1)*ledger.TileWidth, cp.Size)
		path := ledger.TilePath{Entries: true, Index: tile}
		if end%ledger.TileWidth != 0 {
			path.Width = int(end % ledger.TileWidth)
		}
		b, err := a.get(ctx, "/log/"+cfg.Agreement+"/"+path.String())
		if err != nil {
			return nil, err
		}
		es, err := ledger.ParseBundle(b)
		if err != nil || uint64(len(es)) != end-tile*ledger.TileWidth {
			return rep, fail("entry bundle %s is malformed: %d entries, want %d (%v)", path, len(es), end-tile*ledger.TileWidth, err)
		}
		es = es[start-tile*ledger.TileWidth:]
		if err := a.fetchBlobs(ctx, db, es); err != nil {
			return rep, err
		}
		if err := copyLog.Replay(ctx, es); err != nil {
			return rep, fail("replaying the log: %v", err)
		}
		start = end
		if cfg.Progress != nil {
			cfg.Progress(start-h.Size, cp.Size-h.Size)
		}
	}
	got, err := copyLog.Head(ctx)
	if err != nil {
		return nil, err
	}
	if got.Size != cp.Size || !bytes.Equal(got.Root, cp.Hash) {
		return rep, fail("the entries the log serves hash to root %x at size %d, but its checkpoint says %x: an entry was changed", got.Root, got.Size, cp.Hash)
	}
	if rep.Tiles, err = a.compareTiles(ctx, copyLog, h.Size, cp.Size); err != nil {
		return rep, err
	}
	if cfg.Replay {
		if rep.Rows, err = a.compareState(ctx, copyLog); err != nil {
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
	b, err := a.get(ctx, "/log/"+a.cfg.Agreement+"/"+path.String())
	if err != nil {
		return nil, err
	}
	es, err := ledger.ParseBundle(b)
	if err != nil || len(es) == 0 {
		return nil, fail("entry bundle %s is malformed (%v)", path, err)
	}
	leaf := ledger.LeafHash(es[0])
	q := url.Values{"agreement": {a.cfg.Agreement}, "index": {"0"}, "size": {strconv.FormatUint(cp.Size, 10)}}
	pb, err := a.get(ctx, "/v1/proof/inclusion?"+q.Encode())
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

// newClient returns the auditor's HTTP client.
func newClient() *http.Client { return &http.Client{Timeout: time.Minute} }

// compareState compares the state the auditor recomputed from the log with
// the state the server publishes, row by row.
func (a *auditor) compareState(ctx context.Context, local *ledger.Log) (int, error) {
	b, err := a.get(ctx, "/v1/state?agreement="+url.QueryEscape(a.cfg.Agreement))
	if err != nil {
		return 0, err
	}
	var served []ledger.StateRow
	if err := json.Unmarshal(b, &served); err != nil {
		return 0, fmt.Errorf("audit: state: %w", err)
	}
	mine, err := local.Dump(ctx)
	if err != nil {
		return 0, err
	}
	key := func(r ledger.StateRow) string { return r.Kind + " " + r.Key }
	theirs := make(map[string]json.RawMessage, len(served))
	for _, r := range served {
		theirs[key(r)] = r.Value
	}
	var diffs []string
	for _, r := range mine {
		v, ok := theirs[key(r)]
		switch {
		case !ok:
			diffs = append(diffs, fmt.Sprintf("%s: missing on the server; the log gives %s", key(r), clip(r.Value)))
		case !jsonEqual(v, r.Value):
			diffs = append(diffs, fmt.Sprintf("%s: the server says %s; the log gives %s", key(r), clip(v), clip(r.Value)))
		}
		delete(theirs, key(r))
	}
	for k, v := range theirs {
		diffs = append(diffs, fmt.Sprintf("%s: on the server only (%s); nothing in the log gives it", k, clip(v)))
	}
	if n := len(diffs); n > 0 {
		slices.Sort(diffs)
		more := ""
		if n > 20 {
			more = fmt.Sprintf("\n(and %d more)", n-20)
			diffs = diffs[:20]
		}
		return len(mine), fail("the server's projected state differs from the replay of its log in %d rows:\n%s%s", n, strings.Join(diffs, "\n"), more)
	}
	return len(mine), nil
}

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

func (a *auditor) get(ctx context.Context, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.base+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := a.cfg.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("audit: GET %s: %w", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("audit: GET %s: %s: %s", path, resp.Status, bytes.TrimSpace(b))
	}
	return b, nil
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
			b, err := a.get(ctx, "/v1/blobs/"+hex.EncodeToString(sum[:]))
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
	b, err := a.get(ctx, "/v1/proof/consistency?"+q.Encode())
	if err != nil {
		return nil, err
	}
	var r struct {
		Proof [][]byte `json:"proof"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("audit: consistency proof: %w", err)
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
			served, err := a.get(ctx, "/log/"+a.cfg.Agreement+"/"+p.String())
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
