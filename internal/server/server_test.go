package server_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"

	"github.com/surety/surety/internal/api"
	"github.com/surety/surety/internal/client"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/ledger"
	"github.com/surety/surety/internal/server"
	"github.com/surety/surety/internal/statement"
	"github.com/surety/surety/internal/testenv"
)

type fixture struct {
	url string
	op  *keys.Signer
	log *ledger.Log
}

func start(t *testing.T) *fixture {
	doc, err := os.ReadFile("../../examples/israel-dprk-1993.yaml")
	if err != nil {
		t.Fatal(err)
	}
	l, err := ledger.Open(context.Background(), ledger.Options{Store: testenv.SQLite(t), Log: "il-kp-1993"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	op, _ := keys.Derive("demo", "surety.local/il-kp-1993")
	pub := &ledger.Publisher{Log: l, Origin: "surety.local/il-kp-1993", Signer: op.Note()}
	srv := httptest.NewServer(server.New(l, pub, nil))
	t.Cleanup(srv.Close)
	f := &fixture{url: srv.URL, op: op, log: l}
	body, _ := json.Marshal(statement.AdoptBody{Document: string(doc)})
	if code, b := f.post(t, "/v1/statements", f.sign(t, statement.TypeAdopt, "adopt", string(body))); code != http.StatusCreated {
		t.Fatalf("adopt: %d %s", code, b)
	}
	return f
}

func (f *fixture) sign(t *testing.T, typ, id, body string) []byte {
	return f.signAt(t, time.Now(), typ, id, body)
}

func (f *fixture) signAt(t *testing.T, at time.Time, typ, id, body string) []byte {
	env, err := statement.Sign(f.op, statement.Payload{Type: typ, Agreement: "il-kp-1993", ID: id, Author: "operator", Time: at, Body: json.RawMessage(body)})
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// unsigned wraps a payload, as given, in an envelope whose signature has
// the right shape; the server refuses a payload that is not canonical
// before it verifies the signature.
func unsigned(payload string) []byte {
	b, _ := json.Marshal(map[string]any{
		"payloadType": statement.PayloadType,
		"payload":     base64.StdEncoding.EncodeToString([]byte(payload)),
		"signatures":  []map[string]string{{"keyid": "", "sig": base64.StdEncoding.EncodeToString(make([]byte, 64))}},
	})
	return b
}

// problem sends a request and decodes its answer as a problem.
func (f *fixture) problem(t *testing.T, method, path, contentType string, body []byte) (*http.Response, api.Problem) {
	t.Helper()
	req, err := http.NewRequest(method, f.url+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var p api.Problem
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("%s %s: %d with Content-Type %q: %s", method, path, resp.StatusCode, ct, b)
	} else if err := json.Unmarshal(b, &p); err != nil {
		t.Errorf("%s %s: not a problem: %s", method, path, b)
	}
	return resp, p
}

// TestRequestProblems: what the server does not serve, it answers with a
// problem of the right status and type.
func TestRequestProblems(t *testing.T) {
	f := start(t)
	tick := f.sign(t, "clock.tick", "t", "{}")
	for _, c := range []struct {
		name, method, path, contentType string
		body                            []byte
		status                          int
		kind                            string
	}{
		{"the last uint64 index", "GET", "/v1/statements/18446744073709551615", "", nil, 404, "not-found"},
		{"an index past int64", "GET", "/v1/statements/9223372036854775808", "", nil, 404, "not-found"},
		{"a hash tile past int64", "GET", "/log/il-kp-1993/tile/0/x036/x028/x797/x018/x963/x968", "", nil, 404, "not-found"},
		{"statement as text", "POST", "/v1/statements", "text/plain", tick, 415, "unsupported-media-type"},
		{"statement as a form", "POST", "/v1/statements", "application/x-www-form-urlencoded", tick, 415, "unsupported-media-type"},
		{"statement without a type", "POST", "/v1/statements", "", tick, 415, "unsupported-media-type"},
		{"sealed selections as text", "POST", "/v1/sealed/selections", "text/plain", []byte("[]"), 415, "unsupported-media-type"},
		{"unknown path", "GET", "/v1/nothing", "", nil, 404, "not-found"},
		{"unknown root path", "GET", "/", "", nil, 404, "not-found"},
		{"wrong method", "DELETE", "/v1/statements", "", nil, 405, "method-not-allowed"},
		{"too large a blob", "POST", "/v1/blobs", "application/octet-stream", make([]byte, server.MaxBlob+1<<10), 413, "too-large"},
	} {
		resp, p := f.problem(t, c.method, c.path, c.contentType, c.body)
		if resp.StatusCode != c.status || p.Status != c.status || p.Type != api.ProblemBase+c.kind || p.Detail == "" {
			t.Errorf("%s: %d %+v, want %d %s", c.name, resp.StatusCode, p, c.status, c.kind)
		}
		if c.status == 405 && resp.Header.Get("Allow") != "POST" {
			t.Errorf("%s: Allow %q, want POST", c.name, resp.Header.Get("Allow"))
		}
	}
	// JSON with parameters is JSON.
	resp, err := http.Post(f.url+"/v1/statements", "application/json; charset=utf-8", bytes.NewReader(tick))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("application/json; charset=utf-8: %d", resp.StatusCode)
	}
}

func (f *fixture) post(t *testing.T, path string, body []byte) (int, []byte) {
	resp, err := http.Post(f.url+path, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func (f *fixture) get(t *testing.T, path string) (*http.Response, []byte) {
	resp, err := http.Get(f.url + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func TestProblems(t *testing.T) {
	f := start(t)
	stranger, _ := keys.Derive("demo", "stranger")
	foreign, _ := statement.Sign(stranger, statement.Payload{Type: "clock.tick", Agreement: "il-kp-1993", ID: "x", Author: "stranger", Time: time.Now(), Body: json.RawMessage("{}")})
	for _, c := range []struct {
		name   string
		body   []byte
		status int
		kind   string
	}{
		{"too large", bytes.Repeat([]byte("x"), 70000), 413, "too-large"},
		{"malformed", []byte("{}"), 400, "malformed"},
		{"forbidden", foreign, 403, "forbidden"},
		{"unknown type", unsigned(`{"type":"missile.launch","agreement":"il-kp-1993","id":"m","author":"operator","time":"1993-08-01T00:00:00Z","body":{}}`), 400, "unknown-type"},
		{"unknown body field", unsigned(`{"type":"clock.tick","agreement":"il-kp-1993","id":"c","author":"operator","time":"1993-08-01T00:00:00Z","body":{"a":1}}`), 400, "malformed"},
		{"author twice", unsigned(`{"type":"clock.tick","agreement":"il-kp-1993","id":"c","author":"operator","author":"il-treasury","time":"1993-08-01T00:00:00Z","body":{}}`), 400, "malformed"},
		{"author time far from the log time", f.signAt(t, time.Now().Add(-25*time.Hour), "clock.tick", "c", "{}"), 422, "invalid"},
	} {
		code, b := f.post(t, "/v1/statements", c.body)
		var p api.Problem
		if err := json.Unmarshal(b, &p); err != nil {
			t.Fatalf("%s: not problem+json: %s", c.name, b)
		}
		if code != c.status || p.Status != c.status || p.Type != api.ProblemBase+c.kind || p.Detail == "" {
			t.Errorf("%s: %d %+v, want %d %s", c.name, code, p, c.status, c.kind)
		}
	}
	code, b := f.post(t, "/v1/statements", f.sign(t, "clock.tick", "ok", "{}"))
	if code != http.StatusCreated || !strings.Contains(string(b), `"index":1`) {
		t.Errorf("a good statement after the bad ones: %d %s", code, b)
	}
}

func TestTilesAndProofs(t *testing.T) {
	f := start(t)
	for i := range 300 {
		if code, b := f.post(t, "/v1/statements", f.sign(t, "clock.tick", fmt.Sprint("t", i), "{}")); code != 201 {
			t.Fatalf("%d %s", code, b)
		}
	}
	// 301 entries: one full level-0 tile and a partial one of 45.
	resp, full := f.get(t, "/log/il-kp-1993/tile/0/000")
	if resp.StatusCode != 200 || len(full) != 256*32 || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("full tile: %d, %d bytes, %q", resp.StatusCode, len(full), resp.Header.Get("Cache-Control"))
	}
	resp, part := f.get(t, "/log/il-kp-1993/tile/0/001.p/45")
	if resp.StatusCode != 200 || len(part) != 45*32 {
		t.Fatalf("partial tile: %d, %d bytes", resp.StatusCode, len(part))
	}
	if resp, _ := f.get(t, "/log/il-kp-1993/tile/0/001.p/46"); resp.StatusCode != 404 {
		t.Errorf("a partial tile beyond the tree: %d", resp.StatusCode)
	}
	if resp, _ := f.get(t, "/log/il-kp-1993/tile/0/1"); resp.StatusCode != 404 {
		t.Errorf("a non-canonical path: %d", resp.StatusCode)
	}
	// Bundle 2^56 starts at entry 2^64, which wraps to entry 0: it is
	// beyond any log, not bundle 000.
	if resp, b := f.get(t, "/log/il-kp-1993/tile/entries/x072/x057/x594/x037/x927/936"); resp.StatusCode != 404 || strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("entry bundle 2^56: %d %q, %d bytes", resp.StatusCode, resp.Header.Get("Cache-Control"), len(b))
	}
	resp, bundle := f.get(t, "/log/il-kp-1993/tile/entries/001.p/45")
	es, err := ledger.ParseBundle(bundle)
	if resp.StatusCode != 200 || err != nil || len(es) != 45 {
		t.Fatalf("entry bundle: %d %v %d", resp.StatusCode, err, len(es))
	}
	// The last leaf hash of the partial tile is the hash of the last entry.
	if lh := ledger.LeafHash(es[44]); !bytes.Equal(lh[:], part[44*32:]) {
		t.Errorf("tile and entry bundle disagree")
	}
	var e api.EntryResponse
	_, b := f.get(t, "/v1/statements/300")
	if err := json.Unmarshal(b, &e); err != nil || e.Payload.ID != "t299" {
		t.Fatalf("statement 300: %s", b)
	}
	var p api.ProofResponse
	_, b = f.get(t, "/v1/proof/inclusion?agreement=il-kp-1993&index=300&size=301")
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	h, _ := f.log.Head(context.Background())
	lh := ledger.LeafHash(es[44])
	if err := proof.VerifyInclusion(rfc6962.DefaultHasher, 300, 301, lh[:], p.Proof, h.Root); err != nil {
		t.Errorf("served inclusion proof: %v", err)
	}
	if resp, _ := f.get(t, "/v1/proof/inclusion?agreement=other&index=0&size=1"); resp.StatusCode != 404 {
		t.Errorf("another agreement: %d", resp.StatusCode)
	}
	var cp []byte
	_, err = f.as(t, "operator", "surety.local/il-kp-1993").Do(context.Background(), http.MethodPost, "/v1/checkpoint", "", nil, &cp)
	if err != nil || !strings.HasPrefix(string(cp), "surety.local/il-kp-1993\n301\n") {
		t.Errorf("checkpoint: %v %s", err, cp)
	}
	resp, served := f.get(t, "/log/il-kp-1993/checkpoint")
	if resp.StatusCode != 200 || !bytes.Equal(served, cp) {
		t.Errorf("served checkpoint differs")
	}
}

// as returns a client signing its requests as principal, with the demo
// key named keyName.
func (f *fixture) as(t *testing.T, principal, keyName string) *client.Client {
	k, err := keys.Derive("demo", keyName)
	if err != nil {
		t.Fatal(err)
	}
	return client.New(f.url).Signing(principal, k.Key)
}
