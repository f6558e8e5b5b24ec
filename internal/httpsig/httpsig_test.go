package httpsig_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dunglas/httpsfv"

	"github.com/surety/surety/internal/httpsig"
)

// The test key of RFC 9421 appendix B.1.4, test-key-ed25519, as its JWK
// gives it: d is the private seed, x the public key.
const (
	rfcSeed   = "n4Ni-HpISpVObnQMW0wOhCKROaIKqKtW_2ZYb2p9KcU"
	rfcPublic = "JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs"
)

func rfcKey(t *testing.T) ed25519.PrivateKey {
	t.Helper()
	seed, err := base64.RawURLEncoding.DecodeString(rfcSeed)
	if err != nil {
		t.Fatal(err)
	}
	k := ed25519.NewKeyFromSeed(seed)
	pub, _ := base64.RawURLEncoding.DecodeString(rfcPublic)
	if !bytes.Equal(k.Public().(ed25519.PublicKey), pub) {
		t.Fatal("the test key's seed does not give its public key")
	}
	return k
}

// testRequest is the test-request message of RFC 9421 section 2.4.
func testRequest(t *testing.T) *http.Request {
	t.Helper()
	r, err := http.NewRequest(http.MethodPost, "http://example.com/foo?param=Value&Pet=dog", strings.NewReader(`{"hello": "world"}`))
	if err != nil {
		t.Fatal(err)
	}
	r.Host = "example.com"
	r.Header.Set("Date", "Tue, 20 Apr 2021 02:07:55 GMT")
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Content-Digest", "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:")
	r.Header.Set("Content-Length", "18")
	return r
}

// TestRFC9421Ed25519 signs the test request as appendix B.2.6 does and
// gets the signature base and the signature the RFC prints.
func TestRFC9421Ed25519(t *testing.T) {
	r := testRequest(t)
	params := httpsfv.NewParams()
	params.Add("created", int64(1618884473))
	params.Add("keyid", "test-key-ed25519")
	components := []string{"date", "@method", "@path", "@authority", "content-type", "content-length"}
	items := make([]httpsfv.Item, len(components))
	for i, c := range components {
		items[i] = httpsfv.NewItem(c)
	}
	base, err := httpsig.Base(r, httpsfv.InnerList{Items: items, Params: params})
	if err != nil {
		t.Fatal(err)
	}
	wantBase := `"date": Tue, 20 Apr 2021 02:07:55 GMT
"@method": POST
"@path": /foo
"@authority": example.com
"content-type": application/json
"content-length": 18
"@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"`
	if base != wantBase {
		t.Fatalf("signature base:\n%s\nwant:\n%s", base, wantBase)
	}
	if err := httpsig.SignWith(r, "sig-b26", components, params, rfcKey(t)); err != nil {
		t.Fatal(err)
	}
	wantSig := "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:"
	if got := r.Header.Get("Signature"); got != wantSig {
		t.Errorf("Signature: %s\nwant       %s", got, wantSig)
	}
	wantInput := `sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"`
	if got := r.Header.Get("Signature-Input"); got != wantInput {
		t.Errorf("Signature-Input: %s\nwant             %s", got, wantInput)
	}
}

// TestVerify: a request Surety's client signs verifies; tampering with any
// covered part, the body, the time or the key fails, and so does a request
// with no signature at all.
func TestVerify(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	other, _, _ := ed25519.GenerateKey(nil)
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	keys := func(id string) ([]ed25519.PublicKey, error) {
		switch id {
		case "il-insp-nam-1":
			return []ed25519.PublicKey{other, pub}, nil
		case "il-insp-nam-2":
			return []ed25519.PublicKey{other}, nil
		}
		return nil, errors.New("unknown principal")
	}
	signed := func(method, url, body string) *http.Request {
		var r *http.Request
		if body == "" {
			r, _ = http.NewRequest(method, url, nil)
		} else {
			r, _ = http.NewRequest(method, url, strings.NewReader(body))
		}
		if err := httpsig.Sign(r, "il-insp-nam-1", priv, now.Add(-time.Minute)); err != nil {
			t.Fatal(err)
		}
		return r
	}
	if _, err := httpsig.Verify(signed("GET", "http://127.0.0.1:8080/v1/sites/kpnam/queue?limit=5", ""), keys, now, 5*time.Minute); err != nil {
		t.Fatalf("a signed read: %v", err)
	}
	if _, err := httpsig.Verify(signed("POST", "http://127.0.0.1:8080/v1/blobs", "evidence"), keys, now, 5*time.Minute); err != nil {
		t.Fatalf("a signed upload: %v", err)
	}
	tests := []struct {
		name   string
		tamper func(r *http.Request)
		want   error
	}{
		{"unsigned", func(r *http.Request) { r.Header.Del("Signature"); r.Header.Del("Signature-Input") }, httpsig.ErrUnsigned},
		{"another path", func(r *http.Request) { r.URL.Path = "/v1/sites/fnj/queue" }, httpsig.ErrInvalid},
		{"another query", func(r *http.Request) { r.URL.RawQuery = "limit=500" }, httpsig.ErrInvalid},
		{"another method", func(r *http.Request) { r.Method = "DELETE" }, httpsig.ErrInvalid},
		{"another host", func(r *http.Request) { r.Host = "evil.example" }, httpsig.ErrInvalid},
		{"another principal", func(r *http.Request) {
			r.Header.Set("Signature-Input", strings.Replace(r.Header.Get("Signature-Input"), "il-insp-nam-1", "il-insp-nam-2", 1))
		}, httpsig.ErrInvalid},
		{"flipped signature", func(r *http.Request) {
			r.Header.Set("Signature", strings.Replace(r.Header.Get("Signature"), ":", ":A", 1))
		}, httpsig.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := signed("GET", "http://127.0.0.1:8080/v1/sites/kpnam/queue?limit=5", "")
			tt.tamper(r)
			if _, err := httpsig.Verify(r, keys, now, 5*time.Minute); !errors.Is(err, tt.want) {
				t.Errorf("got %v; want %v", err, tt.want)
			}
		})
	}
	r := signed("POST", "http://127.0.0.1:8080/v1/blobs", "evidence")
	r.Body = readCloser("forged evidence")
	if _, err := httpsig.Verify(r, keys, now, 5*time.Minute); err != nil {
		t.Fatalf("the headers of a signed upload: %v", err)
	}
	if _, err := io.ReadAll(r.Body); !errors.Is(err, httpsig.ErrInvalid) {
		t.Errorf("reading a changed body: %v", err)
	}
	r = signed("POST", "http://127.0.0.1:8080/v1/blobs", "evidence")
	if _, err := httpsig.Verify(r, keys, now, 5*time.Minute); err != nil {
		t.Fatal(err)
	}
	if b, err := io.ReadAll(r.Body); err != nil || string(b) != "evidence" {
		t.Errorf("reading the signed body: %q, %v", b, err)
	}
	r = signed("POST", "http://127.0.0.1:8080/v1/blobs", "evidence")
	r.Header.Del("Content-Digest")
	if _, err := httpsig.Verify(r, keys, now, 5*time.Minute); !errors.Is(err, httpsig.ErrInvalid) {
		t.Errorf("a body without its digest: %v", err)
	}
	if _, err := httpsig.Verify(signed("GET", "http://127.0.0.1:8080/v1/sites/kpnam/queue", ""), keys, now.Add(time.Hour), 5*time.Minute); !errors.Is(err, httpsig.ErrInvalid) {
		t.Errorf("an hour-old signature: %v", err)
	}
}

type body struct{ *strings.Reader }

func (body) Close() error { return nil }

func readCloser(s string) body { return body{strings.NewReader(s)} }
