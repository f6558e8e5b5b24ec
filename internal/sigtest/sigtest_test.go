package sigtest

import (
	"crypto/ed25519"
	"testing"

	"github.com/hdevalence/ed25519consensus"
)

// TestForged checks that each signature is the kind it claims to be: the
// plain one verifies everywhere, the small-order one only with the
// cofactor, the non-canonical one only where R's encoding is not checked.
func TestForged(t *testing.T) {
	pub, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte("a statement")
	for _, c := range []struct {
		name               string
		sig                []byte
		stdlib, cofactored bool
	}{
		{"plain", Plain(key, msg), true, true},
		{"small order", SmallOrder(key, msg), false, true},
		{"non-canonical R", NonCanonicalR(key, msg), false, true},
	} {
		if got := ed25519.Verify(pub, msg, c.sig); got != c.stdlib {
			t.Errorf("%s: crypto/ed25519 says %v, want %v", c.name, got, c.stdlib)
		}
		if got := ed25519consensus.Verify(pub, msg, c.sig); got != c.cofactored {
			t.Errorf("%s: the equation with the cofactor says %v, want %v", c.name, got, c.cofactored)
		}
	}
}
