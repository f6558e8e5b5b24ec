package inspection

import (
	"bytes"
	"crypto/sha512"
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	vrf "filippo.io/mostly-harmless/vrf-r255"
	"github.com/gtank/ristretto255"
)

// Sizes of the VRF encodings, as fixed by c2sp.org/vrf-r255.
const (
	KeySize    = 32 // private key (the scalar x) and public key
	SeedSize   = 32 // seed accepted by KeyFromSeed
	ProofSize  = 80 // Gamma || c || s
	OutputSize = 64 // beta, the VRF output
)

var (
	// ErrKey reports a VRF private or public key that is malformed or weak.
	ErrKey = errors.New("inspection: invalid VRF key")
	// ErrProof reports a VRF proof that does not verify for the given public
	// key and input.
	ErrProof = errors.New("inspection: invalid VRF proof")
)

// selectionDomain prefixes every selection input. The version is part of the
// agreement's replay semantics: changing the encoding changes every selection.
const selectionDomain = "surety/selection/v1\x00"

// seedDomain separates the derivation of a VRF private key from a seed from
// every other use of SHA-512 over the same bytes.
const seedDomain = "surety/vrf-key/v1\x00"

// identity is the ristretto255 encoding of the identity element. As a public
// key it would make every output the same, so Verify rejects it (the
// validate_key step of RFC 9381, Section 5.4.5, for this suite).
var identity [KeySize]byte

// Key is the inspectorate's VRF private key for ECVRF-RISTRETTO255-SHA512
// (RFC 9381, c2sp.org/vrf-r255).
type Key struct {
	sk *vrf.PrivateKey
}

// NewKey returns the Key whose private key is sk: the 32-byte little-endian
// canonical encoding of the non-zero scalar x, as in c2sp.org/vrf-r255.
func NewKey(sk []byte) (*Key, error) {
	if len(sk) != KeySize {
		return nil, fmt.Errorf("%w: private key is %d bytes, want %d", ErrKey, len(sk), KeySize)
	}
	k, err := vrf.NewPrivateKey(sk)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKey, err)
	}
	if bytes.Equal(k.PublicKey().Bytes(), identity[:]) {
		return nil, fmt.Errorf("%w: private key is zero", ErrKey)
	}
	return &Key{sk: k}, nil
}

// KeyFromSeed derives a Key from a 32-byte secret seed: the scalar is
// SHA-512("surety/vrf-key/v1\x00" || seed) reduced modulo the group order,
// which is the key generation c2sp.org/vrf-r255 recommends with the hash in
// place of a random source. The same seed always gives the same key.
func KeyFromSeed(seed []byte) (*Key, error) {
	if len(seed) != SeedSize {
		return nil, fmt.Errorf("%w: seed is %d bytes, want %d", ErrKey, len(seed), SeedSize)
	}
	h := sha512.New()
	h.Write([]byte(seedDomain))
	h.Write(seed)
	x, err := ristretto255.NewScalar().SetUniformBytes(h.Sum(nil))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKey, err)
	}
	return NewKey(x.Bytes())
}

// Public returns the 32-byte public key, the one recorded in the agreement
// and passed to Verify.
func (k *Key) Public() []byte {
	return k.sk.PublicKey().Bytes()
}

// Prove computes the VRF output for alpha and the proof that anyone holding
// the public key can check with Verify. The output is OutputSize bytes and
// the proof ProofSize bytes; both are fully determined by the key and alpha.
func Prove(key *Key, alpha []byte) (proof, output []byte) {
	pi := key.sk.Prove(alpha)
	return pi.Bytes(), pi.Hash()
}

// Verify checks that proof is the VRF proof for alpha under the public key
// pub and returns the output it proves. It returns an error wrapping ErrKey
// if pub is not a valid non-identity public key, and one wrapping ErrProof if
// the proof is malformed or does not verify. For a given pub and alpha, at
// most one proof verifies.
func Verify(pub, alpha, proof []byte) (output []byte, err error) {
	if len(pub) != KeySize {
		return nil, fmt.Errorf("%w: public key is %d bytes, want %d", ErrKey, len(pub), KeySize)
	}
	if bytes.Equal(pub, identity[:]) {
		return nil, fmt.Errorf("%w: public key is the identity element", ErrKey)
	}
	pk, err := vrf.NewPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKey, err)
	}
	pi, err := vrf.NewProof(proof)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrProof, err)
	}
	output, err = pk.Verify(pi, alpha)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrProof, err)
	}
	return output, nil
}

// SelectionInput returns the VRF input alpha for the declaration with leaf
// hash leafHash in the log of agreement:
//
//	"surety/selection/v1" || 0x00 || agreement || 0x00 || leafHash
//
// The prefix and the leaf hash have fixed lengths, so the agreement id is
// recovered from the length alone and no two (agreement, leafHash) pairs
// share an input, whatever bytes the id contains.
func SelectionInput(agreement string, leafHash [32]byte) []byte {
	alpha := make([]byte, 0, len(selectionDomain)+len(agreement)+1+len(leafHash))
	alpha = append(alpha, selectionDomain...)
	alpha = append(alpha, agreement...)
	alpha = append(alpha, 0)
	return append(alpha, leafHash[:]...)
}

// Uniform maps a VRF output to u in [0, 1): the first 8 bytes of output, read
// big-endian, divided by 2^64 and rounded down to a multiple of 2^-53, so
// that u is exact in a float64 and never reaches 1. It panics if output is
// shorter than 8 bytes; VRF outputs are OutputSize bytes.
func Uniform(output []byte) float64 {
	return math.Ldexp(float64(binary.BigEndian.Uint64(output)>>11), -53)
}

// Decide reports whether a consignment with selection probability p and VRF
// value u is selected for inspection: u < p. With u from Uniform, a
// consignment is selected with probability p, always when p = 1 and never
// when p = 0.
func Decide(u, p float64) bool {
	return u < p
}
