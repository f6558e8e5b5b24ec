package inspection

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"os"
	"strings"

	"github.com/surety/surety/internal/keys"
)

// A VRF key file holds the standard base64 of the key's 32-byte seed.

// GenerateSeed returns a fresh random seed for a VRF key.
func GenerateSeed() []byte {
	s := make([]byte, SeedSize)
	_, _ = rand.Read(s)
	return s
}

// DeriveSeed derives a VRF key seed from a published seed and a name, for
// demonstrations and test scenarios only.
func DeriveSeed(seed, name string) []byte {
	h := sha256.Sum256([]byte("surety/vrf/v1\x00" + seed + "\x00" + name))
	return h[:]
}

// KeyFileData is the content of the VRF key file of seed.
func KeyFileData(seed []byte) []byte {
	return []byte(base64.StdEncoding.EncodeToString(seed) + "\n")
}

// WriteKeyFile writes a VRF key seed to path with mode 0600.
func WriteKeyFile(path string, seed []byte) error {
	if err := os.WriteFile(path, KeyFileData(seed), 0o600); err != nil {
		return fmt.Errorf("write VRF key: %w", err)
	}
	return os.Chmod(path, 0o600)
}

// LoadKeyFile reads a VRF key written by WriteKeyFile. It warns when
// others than the owner can read or write the file.
func LoadKeyFile(path string) (*Key, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read VRF key: %w", err)
	}
	keys.Exposed(path)
	seed, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w: not base64", path, ErrKey)
	}
	return KeyFromSeed(seed)
}

// PublicString returns the public key as the agreement's vrf_key: standard
// base64.
func (k *Key) PublicString() string { return base64.StdEncoding.EncodeToString(k.Public()) }
