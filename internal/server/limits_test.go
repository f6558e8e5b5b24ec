package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/surety/surety/internal/api"
	"github.com/surety/surety/internal/server"
)

// TestRateLimits: a client address beyond its burst, and a principal
// beyond its burst of signed requests, are answered 429 with Retry-After,
// as problem+json; another principal is not held back by the first.
func TestRateLimits(t *testing.T) {
	f := start(t)
	ctx := context.Background()

	srv := server.New(f.log, nil, nil)
	srv.SetLimits(server.Limits{Address: 0.5, AddressBurst: 3, Principal: 1000, PrincipalBurst: 1000})
	hs := httptest.NewServer(srv)
	defer hs.Close()
	for i := range 3 {
		if resp, err := http.Get(hs.URL + "/v1/agreement"); err != nil || resp.StatusCode != 200 {
			t.Fatalf("request %d within the burst: %v %v", i, resp, err)
		}
	}
	resp, err := http.Get(hs.URL + "/v1/agreement")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p api.Problem
	_ = json.NewDecoder(resp.Body).Decode(&p)
	retry, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
	if resp.StatusCode != 429 || resp.Header.Get("Content-Type") != "application/problem+json" || p.Type != api.ProblemBase+"rate-limited" || retry < 1 || retry > 2 {
		t.Errorf("a request beyond the address's burst: %d %q, Retry-After %q, %+v", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Retry-After"), p)
	}

	srv = server.New(f.log, nil, nil)
	srv.SetLimits(server.Limits{Address: 1000, AddressBurst: 1000, Principal: 1, PrincipalBurst: 2})
	hs = httptest.NewServer(srv)
	defer hs.Close()
	op := f.as(t, "operator", "surety.local/il-kp-1993")
	op.Base = hs.URL
	for i := range 2 {
		if _, err := op.PutBlob(ctx, []byte("evidence "+strconv.Itoa(i))); err != nil {
			t.Fatalf("upload %d within the burst: %v", i, err)
		}
	}
	_, err = op.PutBlob(ctx, []byte("one too many"))
	wantProblem(t, "an upload beyond the principal's burst", err, 429, "rate-limited")
	insp := f.as(t, "il-insp-nam-1", "il-insp-nam-1")
	insp.Base = hs.URL
	if _, err := insp.PutBlob(ctx, []byte("another principal's")); err != nil {
		t.Errorf("another principal's upload: %v", err)
	}
}
