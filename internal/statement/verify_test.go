package statement

import (
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

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

// TestBatchAgrees checks a Batch against Valid on batches of statements
// by several authors, in random order, among them bad signatures, forged
// ones and ones checked against another author's key: a batch verifies
// exactly when every signature in it is valid. A batch that gathered the
// terms of one key wrongly (a term given to another key, or dropped)
// would say yes to some of these batches or no to good ones.
func TestBatchAgrees(t *testing.T) {
	a := newAuthors(t)
	r := rand.New(rand.NewPCG(1, 2))
	valid, invalid := 0, 0
	for range 400 {
		n, got, want := a.batch(r)
		if got != want {
			t.Fatalf("a batch of %d: Verify = %v, but its signatures checked alone say %v", n, got, want)
		}
		if want {
			valid++
		} else {
			invalid++
		}
	}
	if valid < 100 || invalid < 100 {
		t.Fatalf("%d valid batches and %d invalid: too few of one kind to tell", valid, invalid)
	}
}

// FuzzBatch is TestBatchAgrees with the fuzzer choosing the batches.
func FuzzBatch(f *testing.F) {
	a := newAuthors(f)
	f.Add(uint64(1), uint64(2))
	f.Fuzz(func(t *testing.T, s1, s2 uint64) {
		if n, got, want := a.batch(rand.New(rand.NewPCG(s1, s2))); got != want {
			t.Fatalf("a batch of %d: Verify = %v, but its signatures checked alone say %v", n, got, want)
		}
	})
}

// authors are three authors' keys, and eight statements by each.
type authors struct {
	signers []*keys.Signer
	sts     []*Statement
}

func newAuthors(t testing.TB) *authors {
	a := &authors{}
	for i := range 3 {
		k, err := keys.Derive("test", fmt.Sprintf("author-%d", i))
		if err != nil {
			t.Fatal(err)
		}
		a.signers = append(a.signers, k)
		for j := range 8 {
			env, err := Sign(k, Payload{Type: "declaration.submit", Agreement: "il-kp-1993", ID: fmt.Sprintf("d-%d-%d", i, j), Author: k.Name,
				Time: time.Date(1993, 8, 1, 12, 0, 0, 0, time.UTC), Body: json.RawMessage(`{"site":"fnj"}`)})
			if err != nil {
				t.Fatal(err)
			}
			st, err := Parse(env)
			if err != nil {
				t.Fatal(err)
			}
			a.sts = append(a.sts, st)
		}
	}
	return a
}

// batch checks a batch of 1 to 12 of the statements, chosen by r, a sixth
// of them spoilt one way or another, and returns its size, the batch's
// answer and the answer of its signatures checked alone.
func (a *authors) batch(r *rand.Rand) (n int, got, want bool) {
	n = 1 + r.IntN(12)
	b := NewBatch(n)
	want = true
	for range n {
		i := r.IntN(len(a.sts))
		s, k := *a.sts[i], a.signers[i/8]
		if r.IntN(6) == 0 {
			msg := dsse.PAE(PayloadType, s.payload)
			switch r.IntN(8) {
			case 0: // a bit of S flipped
				s.sig = append([]byte(nil), s.sig...)
				s.sig[32+r.IntN(31)] ^= 1 << r.IntN(8)
			case 1: // a bit of R flipped
				s.sig = append([]byte(nil), s.sig...)
				s.sig[r.IntN(31)] ^= 1 << r.IntN(8)
			case 2:
				s.sig = sigtest.SmallOrder(k.Key, msg)
			case 3:
				s.sig = sigtest.NonCanonicalR(k.Key, msg)
			case 4: // signed by another author, under this one's key id
				s.sig = ed25519.Sign(a.signers[(i/8+1)%len(a.signers)].Key, msg)
			}
		}
		want = want && Valid(k.Public(), dsse.PAE(PayloadType, s.payload), s.sig)
		b.Add(&s, k.Public())
	}
	return n, b.Verify(), want
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
