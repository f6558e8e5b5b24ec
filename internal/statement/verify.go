package statement

import (
	"crypto/ed25519"

	"github.com/hdevalence/ed25519consensus"
	"github.com/secure-systems-lab/go-securesystemslib/dsse"
)

// Valid reports whether sig is pub's Ed25519 signature of msg by the rule
// every statement's signature is held to, alone or in a Batch: RFC 8032's
// group equation with the cofactor, [8][S]B = [8]R + [8][k]A (section
// 5.1.7), with S below the group's order and R, the signature's first
// half, in its one canonical encoding.
//
// The equation with the cofactor is the one a batch checks, so it is the
// one a signature checked alone must meet too: were a signature checked
// alone without the cofactor (as Go's crypto/ed25519 checks it) and in a
// batch with it, one the signer made with a point of small order in R
// would be taken or refused depending on whether it shared a batch, and a
// replay of the log, which checks each alone, could disagree with the
// server. The two rules differ only on such
// signatures, which no signer makes unless it sets out to, and only with
// its own key: they prove the key signed as well as any other.
func Valid(pub ed25519.PublicKey, msg, sig []byte) bool {
	return wellFormed(sig) && ed25519consensus.Verify(pub, msg, sig)
}

// wellFormed reports whether sig has a signature's length and R in its
// canonical encoding.
func wellFormed(sig []byte) bool {
	return len(sig) == ed25519.SignatureSize && canonicalPoint(sig[:32])
}

// canonicalPoint reports whether the 32 bytes of a point's encoding hold
// its y coordinate below p = 2^255 - 19, as RFC 8032's decoding requires
// (section 5.1.3): y is at least p only when its low byte is at least
// 0xed, the thirty bytes above it are 0xff and the top byte, less the sign
// bit of x, is 0x7f.
func canonicalPoint(b []byte) bool {
	if b[31]&0x7f != 0x7f || b[0] < 0xed {
		return true
	}
	for _, c := range b[1:31] {
		if c != 0xff {
			return true
		}
	}
	return false
}

// Batch checks the signatures of many statements at once, in about half
// the time per signature that checking each alone takes, by the rule of
// Valid. Its answer is all or nothing: when Verify says no, at least one
// signature is bad, and Statement.Verify tells which.
type Batch struct {
	v   ed25519consensus.BatchVerifier
	n   int
	bad bool // a statement added cannot verify: another key, or a non-canonical R
}

// NewBatch returns an empty batch with room for n signatures.
func NewBatch(n int) *Batch {
	return &Batch{v: ed25519consensus.NewPreallocatedBatchVerifier(n)}
}

// Add adds s's signature, to be checked against pub.
func (b *Batch) Add(s *Statement, pub ed25519.PublicKey) {
	b.n++
	if !s.signedWith(pub) || !wellFormed(s.sig) {
		b.bad = true
		return
	}
	b.v.Add(pub, dsse.PAE(PayloadType, s.payload), s.sig)
}

// Verify reports whether every signature added is valid. An empty batch
// is not.
func (b *Batch) Verify() bool { return !b.bad && b.n > 0 && b.v.Verify() }
