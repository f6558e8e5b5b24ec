package ledger_test

import (
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/ledger"
)

// TestReceipt signs a receipt and opens it; a receipt signed by another key,
// altered, or a checkpoint offered as one is refused.
func TestReceipt(t *testing.T) {
	k, _ := keys.Derive("demo", "surety.local/il-kp-1993")
	v, _ := note.NewVerifier(k.VKey())
	r := ledger.Receipt{Origin: "surety.local/il-kp-1993", Agreement: "il-kp-1993", Index: 41, LeafHash: [32]byte{1, 2, 3}, Time: time.Date(1993, 8, 1, 0, 0, 0, 5, time.UTC)}
	b, err := ledger.SignReceipt(k.Note(), r)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ledger.OpenReceipt(b, v)
	if err != nil || got != r {
		t.Fatalf("opened %+v, %v; want %+v", got, err, r)
	}
	other, _ := keys.Derive("other", "surety.local/il-kp-1993")
	b2, _ := ledger.SignReceipt(other.Note(), r)
	if _, err := ledger.OpenReceipt(b2, v); err == nil || !strings.Contains(err.Error(), "not signed by the log key") {
		t.Errorf("another key's receipt: %v", err)
	}
	if _, err := ledger.OpenReceipt([]byte(strings.Replace(string(b), "\n41\n", "\n42\n", 1)), v); err == nil {
		t.Error("an altered receipt opened")
	}
	cp, _ := note.Sign(&note.Note{Text: ledger.CheckpointBody(r.Origin, 42, make([]byte, 32))}, k.Note())
	if _, err := ledger.OpenReceipt(cp, v); err == nil || !strings.Contains(err.Error(), "is not a receipt") {
		t.Errorf("a checkpoint as a receipt: %v", err)
	}
}

// BenchmarkReceipt is what a receipt adds to each append: one signature.
func BenchmarkReceipt(b *testing.B) {
	k, _ := keys.Derive("demo", "surety.local/il-kp-1993")
	r := ledger.Receipt{Origin: "surety.local/il-kp-1993", Agreement: "il-kp-1993", Index: 41, Time: time.Now()}
	s := k.Note()
	for b.Loop() {
		if _, err := ledger.SignReceipt(s, r); err != nil {
			b.Fatal(err)
		}
	}
}
