// Package statement signs, parses and verifies Surety statements: DSSE
// envelopes (payload type application/vnd.surety.statement+json) carrying a
// payload that names the statement's type, agreement, id, author and time,
// and its body. It is the one place statements are signed and verified, and
// the one reading of their payloads: Parse takes only a payload in its
// canonical encoding (Canonical), which every JSON parser reads alike.
//
// It knows nothing of the log, the agreement's rules or storage.
package statement

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/secure-systems-lab/go-securesystemslib/dsse"

	"github.com/surety/surety/internal/keys"
)

// PayloadType is the DSSE payload type of every Surety statement.
const PayloadType = "application/vnd.surety.statement+json"

// MaxSize is the largest envelope accepted, in bytes. A log entry wraps the
// envelope and must stay within the tlog-tiles limit of 65,535 bytes.
const MaxSize = 65535 - 64

// Errors that Parse and Verify wrap.
var (
	ErrTooLarge  = errors.New("statement too large")
	ErrMalformed = errors.New("malformed statement")
	ErrSignature = errors.New("bad signature")
	// ErrUnknownType: the statement type is not one of Types.
	ErrUnknownType = errors.New("unknown statement type")
)

// Payload is what a statement says.
type Payload struct {
	// Type is the statement type, e.g. "declaration.submit".
	Type string `json:"type"`
	// Agreement is the agreement id, which names the log.
	Agreement string `json:"agreement"`
	// ID is unique in the agreement, chosen by the author.
	ID string `json:"id"`
	// Author is the principal id that signs.
	Author string `json:"author"`
	// Time is the author's clock when signing.
	Time time.Time `json:"time"`
	// Body is the type's content, a JSON object.
	Body json.RawMessage `json:"body"`
}

// Statement is a parsed envelope whose shape has been checked. Its
// signature has not: call Verify.
type Statement struct {
	Payload
	// Envelope is the canonical envelope bytes: compact JSON with the
	// payload in standard base64.
	Envelope []byte
	// Sum is the SHA-256 of Envelope.
	Sum [32]byte
	// KeyID is the key id the signature names.
	KeyID string

	payload []byte
	sig     []byte
}

var (
	typeRE = regexp.MustCompile(`^[a-z]+(\.[a-z_]+)+$`)
	idRE   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$`)
)

// KeyID returns the key id of a public key: the SHA-256 key id that DSSE
// envelopes name.
func KeyID(pub ed25519.PublicKey) string {
	id, err := dsse.SHA256KeyID(pub)
	if err != nil {
		panic(err) // an ed25519 key always marshals
	}
	return id
}

// Sign signs p with the author's key and returns the canonical envelope.
func Sign(s *keys.Signer, p Payload) ([]byte, error) {
	if len(p.Body) == 0 {
		p.Body = json.RawMessage("{}")
	}
	payload, err := Canonical(p)
	if err != nil {
		return nil, fmt.Errorf("statement: %w", err)
	}
	es, err := dsse.NewEnvelopeSigner(signer{s})
	if err != nil {
		return nil, fmt.Errorf("statement: %w", err)
	}
	env, err := es.SignPayload(context.Background(), PayloadType, payload)
	if err != nil {
		return nil, fmt.Errorf("statement: sign: %w", err)
	}
	b, err := json.Marshal(env)
	if err != nil {
		return nil, fmt.Errorf("statement: encode envelope: %w", err)
	}
	if _, err := Parse(b); err != nil {
		return nil, err
	}
	return b, nil
}

// Parse checks an envelope's size and shape and decodes its payload, which
// must be canonical (see Canonical).
func Parse(b []byte) (*Statement, error) {
	if len(b) > MaxSize {
		return nil, fmt.Errorf("%w: %d bytes, the limit is %d; put large content in a blob and reference its hash", ErrTooLarge, len(b), MaxSize)
	}
	// Unmarshal passes over a key that is not a field; an envelope with one
	// is not canonical, and the walk below refuses it by name.
	var env dsse.Envelope
	if err := json.Unmarshal(b, &env); err != nil {
		return nil, fmt.Errorf("%w: envelope is not DSSE JSON: %v", ErrMalformed, err)
	}
	if env.PayloadType != PayloadType {
		return nil, fmt.Errorf("%w: payloadType is %q, want %q", ErrMalformed, env.PayloadType, PayloadType)
	}
	if len(env.Signatures) != 1 {
		return nil, fmt.Errorf("%w: %d signatures; a statement has exactly one, by its author", ErrMalformed, len(env.Signatures))
	}
	payload, err := env.DecodeB64Payload()
	if err != nil {
		return nil, fmt.Errorf("%w: payload: %v", ErrMalformed, err)
	}
	sig, err := base64.StdEncoding.DecodeString(env.Signatures[0].Sig)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return nil, fmt.Errorf("%w: signature is not a base64 ed25519 signature", ErrMalformed)
	}
	p, err := decodePayload(payload)
	if err != nil {
		return nil, err
	}
	// The canonical form: standard base64, compact JSON, fixed field order.
	env.Payload = base64.StdEncoding.EncodeToString(payload)
	env.Signatures[0].Sig = base64.StdEncoding.EncodeToString(sig)
	canon, err := json.Marshal(env)
	if err != nil {
		return nil, fmt.Errorf("statement: encode envelope: %w", err)
	}
	// The canonical envelope has each key once; another might not.
	if !bytes.Equal(canon, b) {
		if err := walk(b, reflect.TypeFor[dsse.Envelope](), "envelope", nil); err != nil {
			return nil, err
		}
	}
	return &Statement{
		Payload:  p,
		Envelope: canon,
		Sum:      sha256.Sum256(canon),
		KeyID:    env.Signatures[0].KeyID,
		payload:  payload,
		sig:      sig,
	}, nil
}

// decodePayload decodes a payload and checks that it is canonical.
func decodePayload(payload []byte) (Payload, error) {
	// As in Parse, a key that is not a field is refused by the walk below.
	var p Payload
	if err := json.Unmarshal(payload, &p); err != nil {
		if err := walk(payload, reflect.TypeFor[Payload](), "payload", nil); err != nil {
			return p, err
		}
		return p, fmt.Errorf("%w: payload: %v; a payload has exactly the fields type, agreement, id, author, time and body", ErrMalformed, strings.TrimPrefix(err.Error(), "json: "))
	}
	if err := p.check(); err != nil {
		return p, err
	}
	// Canonical writes each key once, spelt exactly: a payload equal to it
	// has no other reading. Another is checked for what makes it so.
	canon, err := Canonical(p)
	if err == nil && bytes.Equal(canon, payload) {
		return p, nil
	}
	if err := walk(payload, reflect.TypeFor[Payload](), "payload", nil); err != nil {
		return p, err
	}
	if err != nil {
		return p, err
	}
	return p, fmt.Errorf("%w: the payload is not canonical: %s (docs/api.md, \"Canonical payloads\"; surety statement sign writes it so)", ErrMalformed, difference(payload, canon, "payload"))
}

func (p Payload) check() error {
	field := func(name, v string, re *regexp.Regexp, hint string) error {
		if v == "" {
			return fmt.Errorf("%w: payload.%s is missing", ErrMalformed, name)
		}
		if re != nil && !re.MatchString(v) {
			return fmt.Errorf("%w: payload.%s %q %s", ErrMalformed, name, v, hint)
		}
		return nil
	}
	for _, err := range []error{
		field("type", p.Type, typeRE, "is not a statement type such as declaration.submit"),
		field("agreement", p.Agreement, nil, ""),
		field("id", p.ID, idRE, "must be 1–128 letters, digits or . _ : / -, starting with a letter or digit"),
		field("author", p.Author, nil, ""),
	} {
		if err != nil {
			return err
		}
	}
	if p.Time.IsZero() {
		return fmt.Errorf("%w: payload.time is missing; give the author's clock in RFC 3339", ErrMalformed)
	}
	if len(p.Body) == 0 || p.Body[0] != '{' {
		return fmt.Errorf("%w: payload.body must be a JSON object", ErrMalformed)
	}
	return nil
}

// Verify checks the signature against pub, by the DSSE protocol and the
// rule of Valid.
func (s *Statement) Verify(pub ed25519.PublicKey) error {
	if !s.signedWith(pub) {
		return fmt.Errorf("%w: signed with key %s, not %s", ErrSignature, s.KeyID, KeyID(pub))
	}
	if !Valid(pub, s.message(), s.sig) {
		return fmt.Errorf("%w: the signature does not verify with the author's key %s", ErrSignature, KeyID(pub))
	}
	return nil
}

// message returns what the signature signs: DSSE's pre-authentication
// encoding of the payload.
func (s *Statement) message() []byte { return dsse.PAE(PayloadType, s.payload) }

// signedWith reports whether the envelope's key id, where it gives one, is
// pub's.
func (s *Statement) signedWith(pub ed25519.PublicKey) bool {
	return s.KeyID == "" || s.KeyID == KeyID(pub)
}

// Decode decodes the body into v, rejecting unknown fields.
func (s *Statement) Decode(v any) error { return DecodeBody(s.Body, v) }

// DecodeBody decodes a statement body into v, rejecting unknown fields.
func DecodeBody(body json.RawMessage, v any) error {
	d := json.NewDecoder(bytes.NewReader(body))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return fmt.Errorf("%w: body: %v", ErrMalformed, err)
	}
	return nil
}

// signer adapts a principal's key to the DSSE signer interface.
type signer struct{ k *keys.Signer }

func (s signer) Sign(_ context.Context, data []byte) ([]byte, error) {
	return ed25519.Sign(s.k.Key, data), nil
}

func (s signer) KeyID() (string, error) { return KeyID(s.k.Public()), nil }

func (s signer) Public() crypto.PublicKey { return s.k.Public() }

func (s signer) Verify(_ context.Context, data, sig []byte) error {
	if !Valid(s.k.Public(), data, sig) {
		return ErrSignature
	}
	return nil
}
