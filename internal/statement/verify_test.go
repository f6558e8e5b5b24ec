package statement

import (
	"crypto/ed25519"
	"crypto/sha512"
	"errors"
	"fmt"
	"testing"

	"filippo.io/edwards25519"
	"github.com/secure-systems-lab/go-securesystemslib/dsse"

	"github.com/surety/surety/internal/keys"
)

// forge signs st again with k and the point R chosen by the signer: the
// signature of RFC 8032 for the nonce r, with the point of small order t
// added to R, written in the encoding enc gives (nil: its canonical one).
func forge(t *testing.T, st *Statement, k *keys.Signer, r *edwards25519.Scalar, small *edwards25519.Point, enc func(*edwards25519.Point) []byte) []byte {
	t.Helper()
	h := sha512.Sum512(k.Key.Seed())
	a, err := edwards25519.NewScalar().SetBytesWithClamping(h[:32])
	if err != nil {
		t.Fatal(err)
	}
	R := new(edwards25519.Point).ScalarBaseMult(r)
	R.Add(R, small)
	rb := R.Bytes()
	if enc != nil {
		rb = enc(R)
	}
	d := sha512.New()
	d.Write(rb)
	d.Write(k.Public())
	d.Write(dsse.PAE(PayloadType, st.payload))
	kh, err := edwards25519.NewScalar().SetUniformBytes(d.Sum(nil))
	if err != nil {
		t.Fatal(err)
	}
	s := edwards25519.NewScalar().MultiplyAdd(kh, a, r)
	return append(rb, s.Bytes()...)
}

// point decodes a point's encoding, which must be valid.
func point(t *testing.T, b []byte) *edwards25519.Point {
	t.Helper()
	p, err := new(edwards25519.Point).SetBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestValid checks the signature rule on signatures a signer could make
// to be read one way by one verifier and another way by another: Valid
// and a Batch must give every statement the same answer, whichever
// statements share its batch, or a replay of the log would disagree with
// the server that took it.
func TestValid(t *testing.T) {
	k, env := sample(t)
	st, err := Parse(env)
	if err != nil {
		t.Fatal(err)
	}
	msg := dsse.PAE(PayloadType, st.payload)
	nonce, err := edwards25519.NewScalar().SetCanonicalBytes(append([]byte{7}, make([]byte, 31)...))
	if err != nil {
		t.Fatal(err)
	}
	identity := edwards25519.NewIdentityPoint()
	// (0, -1), of order 2: y = p - 1.
	order2 := point(t, append(append([]byte{0xec}, bytesOf(0xff, 30)...), 0x7f))
	other, _ := keys.Derive("test", "someone-else")

	for _, c := range []struct {
		name  string
		sig   []byte
		valid bool
	}{
		{"as signed", st.sig, true},
		{"the nonce's R, made by hand", forge(t, st, k, nonce, identity, nil), true},
		// [S]B = R + [k]A fails by a point of order 2, which the cofactor
		// clears: RFC 8032's equation holds, the cofactorless check of
		// Go's crypto/ed25519 does not.
		{"R with a point of order 2 added", forge(t, st, k, nonce, order2, nil), true},
		// The identity written as y = p + 1, which decodes: a verifier
		// that does not insist on the canonical encoding accepts it.
		{"R of zero written non-canonically", forge(t, st, k, edwards25519.NewScalar(), identity, func(*edwards25519.Point) []byte {
			return append(append([]byte{0xee}, bytesOf(0xff, 30)...), 0x7f)
		}), false},
		{"S above the group's order", func() []byte {
			s := append([]byte(nil), st.sig...)
			s[63] |= 0xf0
			return s
		}(), false},
		{"another's signature", ed25519.Sign(other.Key, msg), false},
		{"short", st.sig[:63], false},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := *st
			s.sig = c.sig
			if got := Valid(k.Public(), msg, c.sig); got != c.valid {
				t.Errorf("Valid = %v, want %v", got, c.valid)
			}
			if err := s.Verify(k.Public()); (err == nil) != c.valid || err != nil && !errors.Is(err, ErrSignature) {
				t.Errorf("Verify: %v, want valid %v", err, c.valid)
			}
			// In a batch with good signatures, ahead of them and behind.
			for _, n := range []int{1, 2, 9} {
				b := NewBatch(n)
				for i := range n {
					if i == n/2 {
						b.Add(&s, k.Public())
					} else {
						b.Add(st, k.Public())
					}
				}
				if got := b.Verify(); got != c.valid {
					t.Errorf("a batch of %d holding it: Verify = %v, want %v", n, got, c.valid)
				}
			}
		})
	}
	if NewBatch(0).Verify() {
		t.Error("an empty batch verified")
	}
	b := NewBatch(2)
	b.Add(st, k.Public())
	b.Add(st, other.Public())
	if b.Verify() {
		t.Error("a batch with a statement checked against another key verified")
	}
}

func bytesOf(c byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = c
	}
	return b
}

// BenchmarkBatch measures a signature's check in batches of n, against
// BenchmarkVerify's one alone.
func BenchmarkBatch(b *testing.B) {
	k, env := sample(b)
	st, err := Parse(env)
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{2, 8, 32, 64} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for i := 0; i < b.N; i += n {
				v := NewBatch(n)
				for range n {
					v.Add(st, k.Public())
				}
				if !v.Verify() {
					b.Fatal("the batch did not verify")
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e3, "µs/signature")
		})
	}
}
