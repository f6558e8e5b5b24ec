package statement

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"testing"

	"github.com/secure-systems-lab/go-securesystemslib/dsse"

	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/sigtest"
)

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
	other, _ := keys.Derive("test", "someone-else")

	for _, c := range []struct {
		name  string
		sig   []byte
		valid bool
	}{
		{"as signed", st.sig, true},
		{"made by hand", sigtest.Plain(k.Key, msg), true},
		// RFC 8032's equation holds; without the cofactor, as Go's
		// crypto/ed25519 checks it, it does not.
		{"R with a point of order 2 added", sigtest.SmallOrder(k.Key, msg), true},
		{"R written non-canonically", sigtest.NonCanonicalR(k.Key, msg), false},
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
