package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/surety/surety/internal/api"
	"github.com/surety/surety/internal/client"
	"github.com/surety/surety/internal/httpsig"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/screening/lists"
	"github.com/surety/surety/internal/server"
	"github.com/surety/surety/internal/statement"
)

// problemOf returns the problem an error of the client carries, or fails.
func problemOf(t *testing.T, what string, err error) *api.Problem {
	t.Helper()
	var p *api.Problem
	if !errors.As(err, &p) {
		t.Fatalf("%s: %v; want a problem", what, err)
	}
	return p
}

func wantProblem(t *testing.T, what string, err error, status int, kind string) {
	t.Helper()
	if p := problemOf(t, what, err); p.Status != status || p.Type != api.ProblemBase+kind {
		t.Errorf("%s: %d %s (%s); want %d %s", what, p.Status, p.Type, p.Detail, status, kind)
	}
}

// TestBlobs: a principal of the agreement uploads a blob with a signed
// request, in any number of parts, and reads it back whole; an unsigned
// upload, one signed by a stranger and one whose body is not the one
// signed are refused.
func TestBlobs(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	insp := f.as(t, "il-insp-nam-1", "il-insp-nam-1")
	data := bytes.Repeat([]byte("evidence photo "), 70000) // 1 MiB and more: several parts
	sum, err := insp.PutBlob(ctx, data)
	if want := sha256.Sum256(data); err != nil || sum != hex.EncodeToString(want[:]) {
		t.Fatalf("upload: %s, %v", sum, err)
	}
	resp, got := f.get(t, "/v1/blobs/"+sum)
	if resp.StatusCode != 200 || !bytes.Equal(got, data) || resp.ContentLength != int64(len(data)) {
		t.Errorf("blob back: %d, %d bytes of %d, Content-Length %d", resp.StatusCode, len(got), len(data), resp.ContentLength)
	}
	if resp, _ := f.get(t, "/v1/blobs/"+strings.Repeat("0", 64)); resp.StatusCode != 404 {
		t.Errorf("missing blob: %d", resp.StatusCode)
	}

	_, err = client.New(f.url).PutBlob(ctx, []byte("unsigned"))
	wantProblem(t, "an unsigned upload", err, 401, "unauthorized")
	_, err = f.as(t, "stranger", "stranger").PutBlob(ctx, []byte("a stranger's"))
	wantProblem(t, "an upload signed by a stranger", err, 401, "unauthorized")

	// A body other than the one signed.
	k, _ := keys.Derive("demo", "il-insp-nam-1")
	req, _ := http.NewRequest(http.MethodPost, f.url+"/v1/blobs", strings.NewReader("the signed evidence"))
	if err := httpsig.Sign(req, "il-insp-nam-1", k.Key, time.Now()); err != nil {
		t.Fatal(err)
	}
	req.Body = io.NopCloser(strings.NewReader("forged evidence!!!!"))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	forged := sha256.Sum256([]byte("forged evidence!!!!"))
	if r, _ := f.get(t, "/v1/blobs/"+hex.EncodeToString(forged[:])); resp.StatusCode != 401 || r.StatusCode != 404 {
		t.Errorf("a forged body: %d, and the forged blob reads %d", resp.StatusCode, r.StatusCode)
	}
}

// TestBlobSize: a blob of MaxBlob bytes is stored; one byte more is
// refused with 413, typed too-large, whether its length is declared or
// it comes chunked.
func TestBlobSize(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	c := f.as(t, "operator", "surety.local/il-kp-1993")
	big := bytes.Repeat([]byte{'s'}, server.MaxBlob+1)
	if _, err := c.PutBlob(ctx, big[:server.MaxBlob]); err != nil {
		t.Fatalf("a blob of MaxBlob bytes: %v", err)
	}
	_, err := c.PutBlob(ctx, big)
	wantProblem(t, "a blob of MaxBlob+1 bytes", err, 413, "too-large")

	k, _ := keys.Derive("demo", "surety.local/il-kp-1993")
	req, _ := http.NewRequest(http.MethodPost, f.url+"/v1/blobs", io.MultiReader(bytes.NewReader(big[:10]), bytes.NewReader(big[10:])))
	if err := httpsig.Sign(req, "operator", k.Key, time.Now()); err != nil {
		t.Fatal(err)
	}
	req.ContentLength = -1 // chunked
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var p api.Problem
	_ = json.Unmarshal(b, &p)
	if resp.StatusCode != 413 || p.Type != api.ProblemBase+"too-large" {
		t.Errorf("a chunked blob of MaxBlob+1 bytes: %d %s", resp.StatusCode, b)
	}
}

// TestBlobSweep: a sweep deletes the blobs that no statement cites, and
// keeps those a statement cites.
func TestBlobSweep(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	c := f.as(t, "operator", "surety.local/il-kp-1993")
	ed, err := lists.Fixture()
	if err != nil {
		t.Fatal(err)
	}
	canon, err := lists.Encode(ed)
	if err != nil {
		t.Fatal(err)
	}
	cited, err := c.PutBlob(ctx, canon)
	if err != nil {
		t.Fatal(err)
	}
	uncited, err := c.PutBlob(ctx, []byte("uploaded, never cited"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(statement.ListAdoptBody{Source: ed.Source, Date: ed.Date, SHA256: cited, Entries: len(ed.Entries)})
	if code, b := f.post(t, "/v1/statements", f.sign(t, statement.TypeListAdopt, "list-1", string(body))); code != 201 {
		t.Fatalf("list.adopt: %d %s", code, b)
	}
	srv := server.New(f.log, nil, nil)
	if n, err := srv.SweepBlobs(ctx, time.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Errorf("a sweep of blobs older than an hour: %d, %v", n, err)
	}
	if n, err := srv.SweepBlobs(ctx, time.Now().Add(2*time.Second)); err != nil || n != 1 {
		t.Errorf("sweep: %d, %v; want 1 deleted", n, err)
	}
	for sum, want := range map[string]int{cited: 200, uncited: 404} {
		if resp, _ := f.get(t, "/v1/blobs/"+sum); resp.StatusCode != want {
			t.Errorf("blob %s after the sweep: %d, want %d", sum[:8], resp.StatusCode, want)
		}
	}
}

// TestCheckpointNeedsTheOperator: only a request signed by the log's
// operator makes the server publish a checkpoint.
func TestCheckpointNeedsTheOperator(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	_, err := client.New(f.url).Do(ctx, http.MethodPost, "/v1/checkpoint", "", nil, nil)
	wantProblem(t, "an unsigned checkpoint request", err, 401, "unauthorized")
	_, err = f.as(t, "il-selector", "il-selector").Do(ctx, http.MethodPost, "/v1/checkpoint", "", nil, nil)
	wantProblem(t, "a checkpoint request signed by the selector", err, 403, "forbidden")
	var cp []byte
	if _, err := f.as(t, "operator", "surety.local/il-kp-1993").Do(ctx, http.MethodPost, "/v1/checkpoint", "", nil, &cp); err != nil || !strings.HasPrefix(string(cp), "surety.local/il-kp-1993\n1\n") {
		t.Errorf("the operator's checkpoint request: %v %q", err, cp)
	}
}
