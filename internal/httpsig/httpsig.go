// Package httpsig signs and verifies HTTP requests with HTTP Message
// Signatures (RFC 9421), with Ed25519 keys: the same keys principals sign
// their statements with. It builds the signature base of RFC 9421 section
// 2.5 from derived components (@method, @authority, @path, @query,
// @target-uri, @scheme) and header fields, serializes the structured fields
// with github.com/dunglas/httpsfv, and binds a request body with a
// Content-Digest (RFC 9530, sha-256).
//
// It knows nothing of principals or of which requests need a signature;
// the server and the client decide that.
package httpsig

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/dunglas/httpsfv"
)

// Label is the signature label Surety's clients use.
const Label = "surety"

// Alg is the algorithm name of Ed25519 signatures (RFC 9421 section 3.3.6).
const Alg = "ed25519"

// Errors that Verify wraps: ErrUnsigned when the request carries no
// signature, ErrInvalid when it carries one that does not verify.
var (
	ErrUnsigned = errors.New("request not signed")
	ErrInvalid  = errors.New("invalid request signature")
)

// Components are what Surety's clients cover: the method, the authority,
// the path and the query, and for a request with a body its digest.
func Components(r *http.Request) []string {
	cs := []string{"@method", "@authority", "@path", "@query"}
	if r.Header.Get("Content-Digest") != "" {
		cs = append(cs, "content-digest")
	}
	return cs
}

// SetDigest reads the request's body, sets its Content-Digest (sha-256) and
// puts the body back.
func SetDigest(r *http.Request) error {
	body, err := readBody(r)
	if err != nil || body == nil {
		return err
	}
	sum := sha256.Sum256(body)
	r.Header.Set("Content-Digest", "sha-256=:"+base64.StdEncoding.EncodeToString(sum[:])+":")
	return nil
}

// Sign signs the request as keyID with key, created at the given time,
// covering Components: it sets the Content-Digest of a body, and the
// Signature-Input and Signature fields under Label.
func Sign(r *http.Request, keyID string, key ed25519.PrivateKey, created time.Time) error {
	if err := SetDigest(r); err != nil {
		return err
	}
	params := httpsfv.NewParams()
	params.Add("created", created.Unix())
	params.Add("keyid", keyID)
	params.Add("alg", Alg)
	return SignWith(r, Label, Components(r), params, key)
}

// SignWith signs the request under label, covering the components with the
// parameters, and sets Signature-Input and Signature.
func SignWith(r *http.Request, label string, components []string, params *httpsfv.Params, key ed25519.PrivateKey) error {
	list := innerList(components, params)
	base, err := Base(r, list)
	if err != nil {
		return err
	}
	sig := ed25519.Sign(key, []byte(base))
	input := httpsfv.NewDictionary()
	input.Add(label, list)
	in, err := httpsfv.Marshal(input)
	if err != nil {
		return err
	}
	sigs := httpsfv.NewDictionary()
	sigs.Add(label, httpsfv.NewItem(sig))
	out, err := httpsfv.Marshal(sigs)
	if err != nil {
		return err
	}
	r.Header.Set("Signature-Input", in)
	r.Header.Set("Signature", out)
	return nil
}

func innerList(components []string, params *httpsfv.Params) httpsfv.InnerList {
	items := make([]httpsfv.Item, len(components))
	for i, c := range components {
		items[i] = httpsfv.NewItem(c)
	}
	return httpsfv.InnerList{Items: items, Params: params}
}

// Base returns the signature base of the request for the covered
// components and parameters of list (RFC 9421 section 2.5).
func Base(r *http.Request, list httpsfv.InnerList) (string, error) {
	var b strings.Builder
	seen := map[string]bool{}
	for _, it := range list.Items {
		name, ok := it.Value.(string)
		if !ok {
			return "", fmt.Errorf("%w: a covered component is not a string", ErrInvalid)
		}
		if len(it.Params.Names()) > 0 {
			return "", fmt.Errorf("%w: component %q has parameters, which Surety does not support", ErrInvalid, name)
		}
		if seen[name] {
			return "", fmt.Errorf("%w: component %q is covered twice", ErrInvalid, name)
		}
		seen[name] = true
		v, err := value(r, name)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "%q: %s\n", name, v)
	}
	params, err := httpsfv.Marshal(httpsfv.List{list})
	if err != nil {
		return "", err
	}
	fmt.Fprintf(&b, "%q: %s", "@signature-params", params)
	return b.String(), nil
}

// value returns a component's value in the signature base.
func value(r *http.Request, name string) (string, error) {
	switch name {
	case "@method":
		return strings.ToUpper(r.Method), nil
	case "@authority":
		return authority(r), nil
	case "@path":
		if p := r.URL.EscapedPath(); p != "" {
			return p, nil
		}
		return "/", nil
	case "@query":
		return "?" + r.URL.RawQuery, nil
	case "@scheme":
		return scheme(r), nil
	case "@target-uri":
		u := *r.URL
		u.Scheme, u.Host = scheme(r), authority(r)
		return u.String(), nil
	}
	if strings.HasPrefix(name, "@") {
		return "", fmt.Errorf("%w: derived component %q is not supported", ErrInvalid, name)
	}
	if name != strings.ToLower(name) {
		return "", fmt.Errorf("%w: field name %q is not lowercase", ErrInvalid, name)
	}
	vs, ok := r.Header[http.CanonicalHeaderKey(name)]
	if !ok && name == "host" {
		vs, ok = []string{r.Host}, r.Host != ""
	}
	if !ok {
		return "", fmt.Errorf("%w: covered field %q is not in the request", ErrInvalid, name)
	}
	trimmed := make([]string, len(vs))
	for i, v := range vs {
		trimmed[i] = strings.TrimSpace(v)
	}
	return strings.Join(trimmed, ", "), nil
}

func authority(r *http.Request) string {
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	host = strings.ToLower(host)
	if s := scheme(r); s == "http" && strings.HasSuffix(host, ":80") || s == "https" && strings.HasSuffix(host, ":443") {
		host = host[:strings.LastIndexByte(host, ':')]
	}
	return host
}

func scheme(r *http.Request) string {
	switch {
	case r.URL.Scheme != "":
		return r.URL.Scheme
	case r.TLS != nil:
		return "https"
	}
	return "http"
}

// Signed is a verified signature: who signed, and when.
type Signed struct {
	KeyID   string
	Created time.Time
}

// Verify checks the request's signature under Label: it must cover at
// least Components (the method, authority, path and query, and the body's
// digest), name an ed25519 key, and be created
// within maxAge of now (and not after it, but for a minute of skew). keys
// returns the public keys of keyid; any one may have signed. The error
// wraps ErrUnsigned or ErrInvalid.
//
// Verify reads no body: it replaces the request's body with one that
// checks the Content-Digest as the handler reads it, and fails the read
// that ends it, wrapping ErrInvalid, on a mismatch. A handler must read
// the body to its end before it acts on it.
func Verify(r *http.Request, keys func(keyID string) ([]ed25519.PublicKey, error), now time.Time, maxAge time.Duration) (Signed, error) {
	var s Signed
	in, sig := r.Header.Values("Signature-Input"), r.Header.Values("Signature")
	if len(in) == 0 && len(sig) == 0 {
		return s, ErrUnsigned
	}
	inputs, err := httpsfv.UnmarshalDictionary(in)
	if err != nil {
		return s, fmt.Errorf("%w: Signature-Input: %v", ErrInvalid, err)
	}
	sigs, err := httpsfv.UnmarshalDictionary(sig)
	if err != nil {
		return s, fmt.Errorf("%w: Signature: %v", ErrInvalid, err)
	}
	m, ok := inputs.Get(Label)
	if !ok {
		return s, fmt.Errorf("%w: no signature labelled %q", ErrInvalid, Label)
	}
	list, ok := m.(httpsfv.InnerList)
	if !ok {
		return s, fmt.Errorf("%w: Signature-Input %q is not an inner list", ErrInvalid, Label)
	}
	sm, ok := sigs.Get(Label)
	item, isItem := sm.(httpsfv.Item)
	raw, isBytes := item.Value.([]byte)
	if !ok || !isItem || !isBytes {
		return s, fmt.Errorf("%w: Signature %q is not a byte sequence", ErrInvalid, Label)
	}
	var covered []string
	for _, it := range list.Items {
		if name, ok := it.Value.(string); ok {
			covered = append(covered, name)
		}
	}
	if err := digest(r); err != nil {
		return s, err
	}
	for _, c := range Components(r) {
		if !slices.Contains(covered, c) {
			return s, fmt.Errorf("%w: the signature does not cover %s", ErrInvalid, c)
		}
	}
	keyID, _ := param[string](list.Params, "keyid")
	created, ok := param[int64](list.Params, "created")
	if keyID == "" || !ok {
		return s, fmt.Errorf("%w: the signature names no keyid or created time", ErrInvalid)
	}
	if alg, ok := param[string](list.Params, "alg"); ok && alg != Alg {
		return s, fmt.Errorf("%w: algorithm %q; Surety verifies %s", ErrInvalid, alg, Alg)
	}
	s = Signed{KeyID: keyID, Created: time.Unix(created, 0)}
	if age := now.Sub(s.Created); age > maxAge || age < -time.Minute {
		return s, fmt.Errorf("%w: the signature was created at %s, more than %s from the server's time %s", ErrInvalid,
			s.Created.UTC().Format(time.RFC3339), maxAge, now.UTC().Format(time.RFC3339))
	}
	if exp, ok := param[int64](list.Params, "expires"); ok && now.After(time.Unix(exp, 0)) {
		return s, fmt.Errorf("%w: the signature expired", ErrInvalid)
	}
	base, err := Base(r, list)
	if err != nil {
		return s, err
	}
	pubs, err := keys(keyID)
	if err != nil {
		return s, err
	}
	for _, pub := range pubs {
		if ed25519.Verify(pub, []byte(base), raw) {
			return s, nil
		}
	}
	return s, fmt.Errorf("%w: the signature does not verify with a current key of %s", ErrInvalid, keyID)
}

// readBody reads the request's body, if it has one, and puts it back.
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, nil
}

// digest makes the request's body check itself against its Content-Digest
// as it is read, so that a body of any size is checked without being held:
// the read that ends the body fails, wrapping ErrInvalid, if the body does
// not match, or if a body that has no Content-Digest is not empty. A
// Content-Digest that names no sha-256 is refused at once.
func digest(r *http.Request) error {
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	c := &checked{body: r.Body, sum: sha256.New()}
	if v := r.Header.Values("Content-Digest"); len(v) > 0 {
		d, err := httpsfv.UnmarshalDictionary(v)
		if err != nil {
			return fmt.Errorf("%w: Content-Digest: %v", ErrInvalid, err)
		}
		m, ok := d.Get("sha-256")
		item, _ := m.(httpsfv.Item)
		want, isBytes := item.Value.([]byte)
		if !ok || !isBytes {
			return fmt.Errorf("%w: the Content-Digest names no sha-256", ErrInvalid)
		}
		c.want = want
	}
	r.Body = c
	return nil
}

// checked is a body that checks its Content-Digest as it is read.
type checked struct {
	body io.ReadCloser
	sum  hash.Hash
	want []byte // nil: there is no Content-Digest
	n    int64
}

func (c *checked) Read(p []byte) (int, error) {
	n, err := c.body.Read(p)
	c.sum.Write(p[:n])
	c.n += int64(n)
	if err == io.EOF {
		switch {
		case c.want == nil && c.n > 0:
			return n, fmt.Errorf("%w: a request with a body must carry its Content-Digest", ErrInvalid)
		case c.want != nil && !bytes.Equal(c.sum.Sum(nil), c.want):
			return n, fmt.Errorf("%w: the body does not match its Content-Digest (sha-256)", ErrInvalid)
		}
	}
	return n, err
}

func (c *checked) Close() error { return c.body.Close() }

func param[T any](p *httpsfv.Params, name string) (T, bool) {
	var zero T
	if p == nil {
		return zero, false
	}
	v, ok := p.Get(name)
	if !ok {
		return zero, false
	}
	t, ok := v.(T)
	return t, ok
}
