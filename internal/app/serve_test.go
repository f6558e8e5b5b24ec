package app

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	flog "github.com/transparency-dev/formats/log"
	fnote "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"

	"github.com/surety/surety/internal/api"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/statement"
	"github.com/surety/surety/internal/store"
	"github.com/surety/surety/internal/testenv"
)

const example = "../../examples/israel-dprk-1993.yaml"

// witnessed starts the agreement's two witnesses and returns their URLs
// and keys, and the log key.
func witnessed(t *testing.T) (map[string]string, []*keys.Signer, *keys.Signer) {
	t.Helper()
	logKey, _ := keys.Derive("demo", "surety.local/il-kp-1993")
	urls := map[string]string{}
	var ws []*keys.Signer
	for _, name := range []string{"il-witness", "kp-witness"} {
		k, _ := keys.Derive("demo", name)
		u, stop, err := StartWitness(k, "127.0.0.1:0", filepath.Join(t.TempDir(), name), Network{}, logKey.VKey())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(stop)
		urls[name], ws = u, append(ws, k)
	}
	return urls, ws, logKey
}

func signTick(t *testing.T, k *keys.Signer, id string) []byte {
	t.Helper()
	env, err := statement.Sign(k, statement.Payload{Type: "clock.tick", Agreement: "il-kp-1993", ID: id, Author: "operator", Time: time.Now(), Body: []byte("{}")})
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func post(t *testing.T, client *http.Client, url string, env []byte) (*http.Response, error) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+"/v1/statements", strings.NewReader(string(env)))
	req.Header.Set("Content-Type", "application/json")
	return client.Do(req)
}

// TestCloseCosignsTheLastEntries: a server that stops publishes a
// checkpoint of every entry it appended, cosigned by the witnesses.
func TestCloseCosignsTheLastEntries(t *testing.T) {
	urls, ws, logKey := witnessed(t)
	db := "sqlite:" + filepath.Join(t.TempDir(), "log.db")
	r, err := Serve(context.Background(), ServeConfig{Agreement: example, DB: db, Addr: "127.0.0.1:0", LogKey: logKey,
		Witnesses: urls, Interval: time.Hour, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 9 {
		resp, err := post(t, http.DefaultClient, r.URL, signTick(t, logKey, fmt.Sprintf("t-%d", i)))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("append: %s", resp.Status)
		}
	}
	r.Close()

	st, err := OpenStore(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var cp []byte
	if err := st.View(context.Background(), func(tx store.ReadTx) error {
		cp, err = tx.Checkpoint("il-kp-1993")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	logV, _ := note.NewVerifier(logKey.VKey())
	var wvs []note.Verifier
	for _, w := range ws {
		ck, _ := fnote.VKeyToCosignatureV1(w.VKey())
		v, _ := fnote.NewVerifierForCosignatureV1(ck)
		wvs = append(wvs, v)
	}
	c, _, n, err := flog.ParseCheckpoint(cp, logV.Name(), logV, wvs...)
	if err != nil {
		t.Fatal(err)
	}
	if c.Size != 10 || len(n.Sigs) != 3 {
		t.Fatalf("the last checkpoint is of size %d with %d signatures; want 10 with the log's and two witnesses'", c.Size, len(n.Sigs))
	}
}

// TestCommitTimeoutAnswers503: while another connection holds a lock the
// commit needs, a statement is answered 503 with a problem, in about the
// commit timeout, and the server accepts statements again once the lock is
// gone.
func TestCommitTimeoutAnswers503(t *testing.T) {
	url := testenv.PostgresURL(t)
	_, _, logKey := witnessed(t)
	r, err := Serve(context.Background(), ServeConfig{Agreement: example, DB: url, Addr: "127.0.0.1:0", LogKey: logKey,
		Interval: time.Hour, CommitTimeout: 500 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	lock, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lock.Exec("LOCK TABLE logs IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := post(t, client, r.URL, signTick(t, logKey, "locked"))
	if err != nil {
		t.Fatalf("no answer while the store is locked: %v", err)
	}
	var p api.Problem
	_ = json.NewDecoder(resp.Body).Decode(&p)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Content-Type") != "application/problem+json" || !strings.HasSuffix(p.Type, "/unavailable") {
		t.Fatalf("answer while the store is locked: %s %s %+v", resp.Status, resp.Header.Get("Content-Type"), p)
	}
	if err := lock.Rollback(); err != nil {
		t.Fatal(err)
	}
	resp, err = post(t, client, r.URL, signTick(t, logKey, "free"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("answer once the lock is gone: %s", resp.Status)
	}
}
