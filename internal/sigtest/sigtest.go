// Package sigtest makes, for tests, the Ed25519 signatures on which
// verifiers disagree: a signer who holds the key can write R so that RFC
// 8032's group equation holds with the cofactor and not without it, or
// write R in an encoding that is not its canonical one. Surety's rule
// (statement.Valid) takes the first and refuses the second, alone and in
// a batch alike.
package sigtest

import (
	"crypto/ed25519"
	"crypto/sha512"

	"filippo.io/edwards25519"
)

// SmallOrder returns key's signature of msg with a point of order 2,
// (0, -1), added to R: [S]B = R + [k]A fails by that point, which the
// cofactor clears, so the equation holds with the cofactor and not
// without it (Go's crypto/ed25519 refuses the signature).
func SmallOrder(key ed25519.PrivateKey, msg []byte) []byte {
	order2 := append(append([]byte{0xec}, repeat(0xff, 30)...), 0x7f) // y = p - 1
	return sign(key, msg, nonce(msg), mustPoint(order2), nil)
}

// NonCanonicalR returns key's signature of msg whose R is the identity
// written as y = p + 1: it decodes, so a verifier that does not insist on
// the canonical encoding finds the equation holds.
func NonCanonicalR(key ed25519.PrivateKey, msg []byte) []byte {
	enc := append(append([]byte{0xee}, repeat(0xff, 30)...), 0x7f)
	return sign(key, msg, edwards25519.NewScalar(), edwards25519.NewIdentityPoint(), enc)
}

// Plain returns key's signature of msg made by hand, as SmallOrder makes
// its own but with nothing added to R: a signature every verifier takes.
func Plain(key ed25519.PrivateKey, msg []byte) []byte {
	return sign(key, msg, nonce(msg), edwards25519.NewIdentityPoint(), nil)
}

// sign is RFC 8032's signature of msg for the nonce r, with small added to
// R and R written as enc, when given.
func sign(key ed25519.PrivateKey, msg []byte, r *edwards25519.Scalar, small *edwards25519.Point, enc []byte) []byte {
	h := sha512.Sum512(key.Seed())
	a, err := edwards25519.NewScalar().SetBytesWithClamping(h[:32])
	if err != nil {
		panic(err)
	}
	R := new(edwards25519.Point).ScalarBaseMult(r)
	R.Add(R, small)
	rb := R.Bytes()
	if enc != nil {
		rb = enc
	}
	d := sha512.New()
	d.Write(rb)
	d.Write(key.Public().(ed25519.PublicKey))
	d.Write(msg)
	k, err := edwards25519.NewScalar().SetUniformBytes(d.Sum(nil))
	if err != nil {
		panic(err)
	}
	return append(rb, edwards25519.NewScalar().MultiplyAdd(k, a, r).Bytes()...)
}

// nonce derives a nonce from msg; a test's signatures need not be secret.
func nonce(msg []byte) *edwards25519.Scalar {
	h := sha512.Sum512(append([]byte("sigtest nonce"), msg...))
	r, err := edwards25519.NewScalar().SetUniformBytes(h[:])
	if err != nil {
		panic(err)
	}
	return r
}

func mustPoint(b []byte) *edwards25519.Point {
	p, err := new(edwards25519.Point).SetBytes(b)
	if err != nil {
		panic(err)
	}
	return p
}

func repeat(c byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = c
	}
	return b
}
