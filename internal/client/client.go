// Package client talks to a Surety server over HTTP: it submits statements
// and blobs and reads the API, turning problem+json answers into errors. Log
// reads the log itself and proves each entry against the signed checkpoint,
// so that a reader holding only the log key need not trust the server.
package client

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/surety/surety/internal/api"
	"github.com/surety/surety/internal/httpsig"
)

// Client is a Surety API client.
type Client struct {
	Base string
	HTTP *http.Client
	// Principal and Key, when set, sign every request with HTTP Message
	// Signatures (RFC 9421), as the sealed endpoints require.
	Principal string
	Key       ed25519.PrivateKey
	// Now is the clock of the signatures' created times; nil means
	// time.Now.
	Now func() time.Time
}

// Signing returns a copy of the client that signs its requests as the
// principal with key.
func (c *Client) Signing(principal string, key ed25519.PrivateKey) *Client {
	d := *c
	d.Principal, d.Key = principal, key
	return &d
}

// New returns a client for the server at base, e.g. http://127.0.0.1:8080.
func New(base string) *Client {
	return &Client{Base: strings.TrimSuffix(base, "/"), HTTP: &http.Client{}}
}

// Do sends a request and decodes a JSON answer into out (if not nil). A
// non-2xx answer is returned as *api.Problem.
func (c *Client) Do(ctx context.Context, method, path, contentType string, body []byte, out any) (int, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.Base+path, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.Key != nil {
		now := time.Now
		if c.Now != nil {
			now = c.Now
		}
		if len(body) == 0 {
			req.Body = http.NoBody
		}
		if err := httpsig.Sign(req, c.Principal, c.Key, now()); err != nil {
			return 0, err
		}
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return 0, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if resp.StatusCode >= 300 {
		p := &api.Problem{Status: resp.StatusCode, Title: http.StatusText(resp.StatusCode), Detail: string(bytes.TrimSpace(b))}
		if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
			_ = json.Unmarshal(b, p)
		}
		return resp.StatusCode, p
	}
	if out != nil {
		if raw, ok := out.(*[]byte); ok {
			*raw = b
			return resp.StatusCode, nil
		}
		if err := json.Unmarshal(b, out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s %s: decode answer: %w", method, path, err)
		}
	}
	return resp.StatusCode, nil
}

// Get reads a JSON resource.
func (c *Client) Get(ctx context.Context, path string, out any) error {
	_, err := c.Do(ctx, http.MethodGet, path, "", nil, out)
	return err
}

// Post sends in as JSON and decodes a JSON answer into out (if not nil).
func (c *Client) Post(ctx context.Context, path string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	_, err = c.Do(ctx, http.MethodPost, path, "application/json", body, out)
	return err
}

// Appended is where a submitted statement landed.
type Appended struct {
	Index    uint64    `json:"index"`
	LeafHash string    `json:"leaf_hash"`
	Time     time.Time `json:"time"`
	// Receipt is the log's signed promise to include the entry.
	Receipt string `json:"receipt,omitempty"`
	// Existing is set when the same bytes were in the log already.
	Existing bool `json:"-"`
}

// Leaf returns the leaf hash as bytes.
func (a Appended) Leaf() ([32]byte, error) {
	var h [32]byte
	b, err := hex.DecodeString(a.LeafHash)
	if err != nil || len(b) != 32 {
		return h, fmt.Errorf("leaf hash %q is not 32 hex bytes", a.LeafHash)
	}
	copy(h[:], b)
	return h, nil
}

// Submit posts a signed statement envelope.
func (c *Client) Submit(ctx context.Context, envelope []byte) (Appended, error) {
	var a Appended
	code, err := c.Do(ctx, http.MethodPost, "/v1/statements", "application/json", envelope, &a)
	a.Existing = code == http.StatusOK
	return a, err
}

// PutBlob uploads content and returns its SHA-256 in hex. The server takes
// blobs only from principals of its agreement: the client must sign its
// requests (Signing).
func (c *Client) PutBlob(ctx context.Context, data []byte) (string, error) {
	var r struct {
		SHA256 string `json:"sha256"`
	}
	_, err := c.Do(ctx, http.MethodPost, "/v1/blobs", "application/octet-stream", data, &r)
	return r.SHA256, err
}
