// Package keys creates, derives, stores and parses the ed25519 keys of
// Surety's principals, in the signed-note key formats: a private key is a
// note signer key ("PRIVATE+KEY+name+hash+data") and a public key is a note
// verifier key ("name+hash+data"). It knows nothing of statements or logs.
package keys

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// algEd25519 is the signed-note algorithm byte for Ed25519 keys.
const algEd25519 = 1

// Signer is a principal's private key with its name.
type Signer struct {
	Name string
	Key  ed25519.PrivateKey
	skey string
}

// Public returns the public half of the key.
func (s *Signer) Public() ed25519.PublicKey { return s.Key.Public().(ed25519.PublicKey) }

// VKey returns the note verifier key of the signer.
func (s *Signer) VKey() string {
	v, err := note.NewEd25519VerifierKey(s.Name, s.Public())
	if err != nil {
		panic(err) // the name was validated when the signer was made
	}
	return v
}

// SKey returns the note signer key string: the private key file's content.
func (s *Signer) SKey() string { return s.skey }

// Note returns the signer as a signed-note signer, for checkpoints.
func (s *Signer) Note() note.Signer {
	n, err := note.NewSigner(s.skey)
	if err != nil {
		panic(err) // skey was produced by note.GenerateKey
	}
	return n
}

// Generate makes a fresh random key named name.
func Generate(name string) (*Signer, error) { return generate(rand.Reader, name) }

// Derive makes the key named name from a published seed. Derived keys are
// for demonstrations and test scenarios only: anyone who knows the seed can
// sign as the principal.
func Derive(seed, name string) (*Signer, error) {
	h := sha256.Sum256([]byte("surety/keys/v1\x00" + seed + "\x00" + name))
	return generate(bytes.NewReader(h[:]), name)
}

func generate(r io.Reader, name string) (*Signer, error) {
	skey, _, err := note.GenerateKey(r, name)
	if err != nil {
		return nil, fmt.Errorf("key %q: %w", name, err)
	}
	return ParseSigner(skey)
}

// ParseSigner parses a note signer key string.
func ParseSigner(skey string) (*Signer, error) {
	skey = strings.TrimSpace(skey)
	if _, err := note.NewSigner(skey); err != nil {
		return nil, fmt.Errorf("not a signer key (want PRIVATE+KEY+name+hash+data): %w", err)
	}
	parts := strings.SplitN(skey, "+", 5)
	data, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil || len(data) != 1+ed25519.SeedSize || data[0] != algEd25519 {
		return nil, errors.New("signer key is not an Ed25519 key")
	}
	return &Signer{Name: parts[2], Key: ed25519.NewKeyFromSeed(data[1:]), skey: skey}, nil
}

// ParsePublic parses a public key given either as a note verifier key
// ("name+hash+data") or as the standard base64 of the 32 key bytes. The name
// is empty for the base64 form.
func ParsePublic(s string) (name string, key ed25519.PublicKey, err error) {
	s = strings.TrimSpace(s)
	if data, err := base64.StdEncoding.DecodeString(s); err == nil && len(data) == ed25519.PublicKeySize {
		return "", ed25519.PublicKey(data), nil
	}
	v, err := note.NewVerifier(s)
	if err != nil {
		return "", nil, fmt.Errorf("not a verifier key (name+hash+data) nor the base64 of 32 key bytes: %w", err)
	}
	data, _ := base64.StdEncoding.DecodeString(strings.SplitN(s, "+", 3)[2])
	if len(data) != 1+ed25519.PublicKeySize || data[0] != algEd25519 {
		return "", nil, errors.New("verifier key is not an Ed25519 key")
	}
	return v.Name(), ed25519.PublicKey(data[1:]), nil
}

// ErrExists is returned by Write for a key file that holds another key.
var ErrExists = errors.New("a key file exists")

// Write stores the key in dir as NAME.key (mode 0600) and NAME.vkey, and
// returns the two paths. File names replace '/' in the key name with '_'.
// It refuses to replace a NAME.key that holds another key unless force.
func Write(dir string, s *Signer, force bool) (keyPath, vkeyPath string, err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", "", fmt.Errorf("key directory: %w", err)
	}
	base := filepath.Join(dir, strings.ReplaceAll(s.Name, "/", "_"))
	keyPath, vkeyPath = base+".key", base+".vkey"
	if err := Fresh(keyPath, []byte(s.skey+"\n"), force); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(keyPath, []byte(s.skey+"\n"), 0o600); err != nil {
		return "", "", fmt.Errorf("write private key: %w", err)
	}
	if err := os.Chmod(keyPath, 0o600); err != nil {
		return "", "", fmt.Errorf("write private key: %w", err)
	}
	if err := os.WriteFile(vkeyPath, []byte(s.VKey()+"\n"), 0o644); err != nil {
		return "", "", fmt.Errorf("write verifier key: %w", err)
	}
	return keyPath, vkeyPath, nil
}

// Fresh refuses, unless force, to let a private key file at path be
// written with data when it exists and holds something else.
func Fresh(path string, data []byte, force bool) error {
	old, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) || err == nil && (force || bytes.Equal(old, data)) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("private key %s: %w", path, err)
	}
	return fmt.Errorf("%w: %s holds another private key; move it away first, or give --force to replace it (what it signs for is lost)", ErrExists, path)
}

// Exposed warns, on the default logger, when a private key file may be
// read by others than its owner, or written by anyone else.
func Exposed(path string) {
	fi, err := os.Stat(path)
	if err != nil {
		return
	}
	if m := fi.Mode().Perm(); m&0o077 != 0 {
		slog.Warn(fmt.Sprintf("private key %s has mode %04o: others can read or change it; chmod 600 %s", path, m, path))
	}
}

// Load reads a private key file written by Write. It warns when others
// than the owner can read or write the file.
func Load(path string) (*Signer, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read key: %w", err)
	}
	Exposed(path)
	s, err := ParseSigner(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// LoadPublic reads a verifier key from a file, or takes the argument itself
// when it is not a readable file.
func LoadPublic(pathOrKey string) (string, error) {
	if b, err := os.ReadFile(pathOrKey); err == nil {
		return strings.TrimSpace(string(b)), nil
	}
	return strings.TrimSpace(pathOrKey), nil
}
