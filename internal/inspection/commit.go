package inspection

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// A selection is sealed until it no longer helps an evader: the selector
// logs a commitment to its decision before the selection deadline, and
// reveals the decision later, when the inspectors present themselves or,
// for a consignment not selected, after it has left. The commitment binds
// the agreement, the declaration and its leaf hash, the VRF proof, p, u,
// the decision and a fresh random salt; without the salt, nobody can test
// a guessed decision against it, and without the selector's VRF key,
// nobody can compute the proof.

// commitDomain separates selection commitments from every other hash.
const commitDomain = "surety selection commitment v1"

// Commitment returns the commitment to a decision: the SHA-256 of the
// length-prefixed fields, so that no two decisions encode alike.
func Commitment(agreement, declaration string, leafHash [32]byte, proof []byte, p, u float64, selected bool, salt [32]byte) [32]byte {
	h := sha256.New()
	field := func(b []byte) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	num := func(x float64) []byte { return binary.BigEndian.AppendUint64(nil, math.Float64bits(x)) }
	decision := []byte{0}
	if selected {
		decision[0] = 1
	}
	field([]byte(commitDomain))
	field([]byte(agreement))
	field([]byte(declaration))
	field(leafHash[:])
	field(proof)
	field(num(p))
	field(num(u))
	field(decision)
	field(salt[:])
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// Salt reads a fresh salt for a commitment from r; nil means crypto/rand.
func Salt(r io.Reader) ([32]byte, error) {
	var s [32]byte
	if r == nil {
		r = rand.Reader
	}
	if _, err := io.ReadFull(r, s[:]); err != nil {
		return s, fmt.Errorf("inspection: no randomness for a salt: %w", err)
	}
	return s, nil
}
