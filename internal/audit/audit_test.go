package audit_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	_ "modernc.org/sqlite" // to tamper with the server's database

	"github.com/surety/surety/internal/app"
	"github.com/surety/surety/internal/audit"
	"github.com/surety/surety/internal/client"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/ledger"
	"github.com/surety/surety/internal/statement"
	"github.com/surety/surety/internal/witness"
)

const example = "../../examples/israel-dprk-1993.yaml"

type env struct {
	dir       string
	logKey    *keys.Signer
	witnesses []*keys.Signer
	urls      map[string]string
	stops     []func()
}

func key(t *testing.T, name string) *keys.Signer {
	k, err := keys.Derive("demo", name)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// newEnv starts the agreement's two witnesses.
func newEnv(t *testing.T) *env {
	e := &env{dir: t.TempDir(), logKey: key(t, "surety.local/il-kp-1993"), urls: map[string]string{}}
	for _, name := range []string{"il-witness", "kp-witness"} {
		k := key(t, name)
		u, stop, err := app.StartWitness(k, "127.0.0.1:0", filepath.Join(e.dir, name), app.Network{}, e.logKey.VKey())
		if err != nil {
			t.Fatal(err)
		}
		e.witnesses = append(e.witnesses, k)
		e.urls[name] = u
		e.stops = append(e.stops, stop)
		t.Cleanup(stop)
	}
	return e
}

func (e *env) serve(t *testing.T, db string) *app.Running {
	r, err := app.Serve(context.Background(), app.ServeConfig{
		Agreement: example, DB: "sqlite:" + filepath.Join(e.dir, db), Addr: "127.0.0.1:0",
		LogKey: e.logKey, Witnesses: e.urls, Interval: time.Hour,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return r
}

// fill appends n clock ticks and publishes a checkpoint.
func (e *env) fill(t *testing.T, r *app.Running, prefix string, n int) {
	c := client.New(r.URL)
	for i := range n {
		env, err := statement.Sign(e.logKey, statement.Payload{Type: "clock.tick", Agreement: "il-kp-1993",
			ID: fmt.Sprintf("%s-%d", prefix, i), Author: "operator", Time: time.Now(), Body: []byte("{}")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Submit(context.Background(), env); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.Publisher.Publish(context.Background(), true); err != nil {
		t.Fatal(err)
	}
}

func (e *env) config(r *app.Running, state string) audit.Config {
	return audit.Config{Server: r.URL, Agreement: "il-kp-1993", LogKey: e.logKey.VKey(), Dir: state, MaxAge: time.Hour}
}

func mustFail(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("audit passed; want a failure mentioning %q", want)
	}
	if !audit.IsFailure(err) || !strings.Contains(err.Error(), want) {
		t.Fatalf("audit error %v; want a failure mentioning %q", err, want)
	}
}

func TestAuditLiveLog(t *testing.T) {
	e := newEnv(t)
	r := e.serve(t, "log.db")
	e.fill(t, r, "a", 300)
	state := filepath.Join(e.dir, "auditor")
	rep, err := audit.Run(context.Background(), e.config(r, state))
	if err != nil {
		t.Fatal(err)
	}
	if rep.To != 301 || len(rep.Cosigners) != 2 || rep.Tiles < 2 {
		t.Errorf("report %+v", rep)
	}
	// The next audit starts where this one stopped.
	e.fill(t, r, "b", 20)
	rep, err = audit.Run(context.Background(), e.config(r, state))
	if err != nil {
		t.Fatal(err)
	}
	if rep.From != 301 || rep.To != 321 {
		t.Errorf("incremental audit from %d to %d, want 301 to 321", rep.From, rep.To)
	}
}

func tamper(t *testing.T, path, query string, args ...any) {
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	res, err := db.Exec(query, args...)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("tampering changed %d rows", n)
	}
}

func TestAuditCatchesChangedEntry(t *testing.T) {
	e := newEnv(t)
	r := e.serve(t, "log.db")
	e.fill(t, r, "a", 10)
	if _, err := audit.Run(context.Background(), e.config(r, "")); err != nil {
		t.Fatal(err)
	}
	// Move the last entry's log time an hour on: still a well-formed,
	// signed entry, in time order, and within the agreement's max_skew of
	// its author's time.
	path := filepath.Join(e.dir, "log.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	var data []byte
	err = db.QueryRow(`SELECT data FROM entries WHERE idx = 10`).Scan(&data)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	old, err := ledger.ParseEntry(data)
	if err != nil {
		t.Fatal(err)
	}
	at := func(t time.Time) []byte { return []byte(`"time":"` + t.Format(time.RFC3339Nano) + `"`) }
	tamper(t, path, `UPDATE entries SET data = ? WHERE idx = 10`, bytes.Replace(data, at(old.Time), at(old.Time.Add(time.Hour)), 1))
	_, err = audit.Run(context.Background(), e.config(r, ""))
	mustFail(t, err, "entry 10 was changed")
}

func TestAuditCatchesChangedTile(t *testing.T) {
	e := newEnv(t)
	r := e.serve(t, "log.db")
	e.fill(t, r, "a", 10)
	tamper(t, filepath.Join(e.dir, "log.db"), `UPDATE tiles SET data = zeroblob(32) || substr(data, 33) WHERE level = 0 AND idx = 0`)
	_, err := audit.Run(context.Background(), e.config(r, ""))
	mustFail(t, err, "tile tile/0/000.p/11 served by the log differs")
}

func TestAuditCatchesMissingCosignature(t *testing.T) {
	e := newEnv(t)
	r := e.serve(t, "log.db")
	e.stops[1]() // the DPRK's witness goes away
	e.fill(t, r, "a", 3)
	_, err := audit.Run(context.Background(), e.config(r, ""))
	mustFail(t, err, "cosigned by 1 of the 2 witnesses the agreement requires")
	// The auditor may not settle for fewer than the agreement's quorum.
	c := e.config(r, "")
	c.Quorum = 1
	if _, err := audit.Run(context.Background(), c); err == nil || !strings.Contains(err.Error(), "below the agreement's log.quorum of 2") {
		t.Fatalf("audit with --quorum 1: %v", err)
	}
}

// TestAuditCatchesStaleCheckpoint: a log that stops publishing (and so
// may be withholding what it appended since) is caught by the age of its
// witnesses' cosignatures.
func TestAuditCatchesStaleCheckpoint(t *testing.T) {
	e := newEnv(t)
	r := e.serve(t, "log.db")
	e.fill(t, r, "a", 3)
	c := e.config(r, "")
	rep, err := audit.Run(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Quorum != 2 || time.Since(rep.Cosigned) > time.Minute {
		t.Errorf("quorum %d cosigned %s", rep.Quorum, rep.Cosigned)
	}
	c.Now = func() time.Time { return time.Now().Add(2 * time.Hour) }
	_, err = audit.Run(context.Background(), c)
	mustFail(t, err, "stale checkpoint")
}

// TestForkIsRefused runs a second log with the same key and origin but
// another history: the witness refuses to cosign it, and an auditor that
// verified the first sees the fork.
func TestForkIsRefused(t *testing.T) {
	e := newEnv(t)
	r := e.serve(t, "log.db")
	e.fill(t, r, "a", 5)
	state := filepath.Join(e.dir, "auditor")
	if _, err := audit.Run(context.Background(), e.config(r, state)); err != nil {
		t.Fatal(err)
	}

	// The fork: same agreement, same log key, other entries of the same
	// size. It is cosigned by the witnesses' keys run afresh, as colluding
	// or compromised witnesses would: only the auditor's memory catches it.
	urls := e.urls
	e.urls = map[string]string{}
	for _, k := range e.witnesses {
		u, stop, err := app.StartWitness(k, "127.0.0.1:0", filepath.Join(e.dir, "forgetful-"+k.Name), app.Network{}, e.logKey.VKey())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(stop)
		e.urls[k.Name] = u
	}
	fork := e.serve(t, "fork.db")
	e.urls = urls
	e.fill(t, fork, "b", 5)
	cp, err := fork.Log.Checkpoint(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	_, err = witness.AddCheckpoint(context.Background(), http.DefaultClient, e.urls["il-witness"], 6, nil, logSigned(t, e, cp))
	if !errors.Is(err, witness.ErrFork) {
		t.Fatalf("the witness answered %v; want a refused fork", err)
	}
	_, err = audit.Run(context.Background(), e.config(fork, state))
	// The fork carries a quorum of valid cosignatures: only the auditor's
	// kept copy tells the two histories apart, which is why audit keeps it
	// by default.
	mustFail(t, err, "forked history")
}

// logSigned returns the checkpoint with only the log's signature.
func logSigned(t *testing.T, e *env, cp []byte) []byte {
	v, err := note.NewVerifier(e.logKey.VKey())
	if err != nil {
		t.Fatal(err)
	}
	n, err := note.Open(cp, note.VerifierList(v))
	if err != nil {
		t.Fatal(err)
	}
	out, err := note.Sign(&note.Note{Text: n.Text}, e.logKey.Note())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(n.Text, "surety.local/il-kp-1993\n6\n") {
		t.Fatalf("fork checkpoint %q", n.Text)
	}
	return out
}

// TestReplayCatchesTamperedVerdict closes a period, then changes the
// server's verdict in its database: a replay of the log disagrees.
func TestReplayCatchesTamperedVerdict(t *testing.T) {
	e := newEnv(t)
	clk := time.Date(1993, 8, 2, 8, 0, 0, 0, time.UTC)
	r, err := app.Serve(context.Background(), app.ServeConfig{
		Agreement: example, DB: "sqlite:" + filepath.Join(e.dir, "log.db"), Addr: "127.0.0.1:0",
		LogKey: e.logKey, Witnesses: e.urls, Interval: time.Hour, Now: func() time.Time { return clk },
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	tick := func(id string) {
		env, _ := statement.Sign(e.logKey, statement.Payload{Type: "clock.tick", Agreement: "il-kp-1993", ID: id, Author: "operator", Time: clk, Body: []byte("{}")})
		if _, err := client.New(r.URL).Submit(context.Background(), env); err != nil {
			t.Fatal(err)
		}
	}
	tick("t-1")
	clk = time.Date(1993, 9, 10, 0, 0, 0, 0, time.UTC) // past period 1's end and grace
	tick("t-2")
	if _, err := r.Publisher.Publish(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	c := e.config(r, "")
	c.Replay = true
	rep, err := audit.Run(context.Background(), c)
	if err != nil {
		t.Fatalf("replay of an honest log: %v", err)
	}
	if rep.Rows < 10 {
		t.Errorf("compared %d rows", rep.Rows)
	}
	tamper(t, filepath.Join(e.dir, "log.db"), `UPDATE state SET value = CAST(replace(CAST(value AS TEXT), '"verdict":"', '"verdict":"non_') AS BLOB) WHERE kind = 'period' AND key = '000001'`)
	_, err = audit.Run(context.Background(), c)
	mustFail(t, err, "period 000001: the server says")
}
