package ledger_test

import (
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/ledger"
)

const origin = "surety.local/il-kp-1993"

// batchOf returns a batch of n entries from first, with distinct leaves.
func batchOf(first uint64, n int) *ledger.Batch {
	b := &ledger.Batch{First: first, Time: time.Date(1993, 8, 1, 0, 0, 0, 5, time.UTC)}
	for i := range n {
		b.Leaves = append(b.Leaves, sha256.Sum256([]byte(strconv.Itoa(i))))
	}
	return b
}

// TestReceipt gives every entry of batches of every size up to 40 its
// receipt and opens each; a receipt signed by another key, one whose index,
// leaf or path is altered, one given for another entry's index, and a
// checkpoint offered as one are refused.
func TestReceipt(t *testing.T) {
	k, _ := keys.Derive("demo", origin)
	v, _ := note.NewVerifier(k.VKey())
	for n := 1; n <= 40; n++ {
		b := batchOf(100, n)
		for i := range n {
			rc, err := b.Receipt(k.Note(), origin, "il-kp-1993", 100+uint64(i))
			if err != nil {
				t.Fatalf("batch of %d, entry %d: %v", n, i, err)
			}
			got, err := ledger.OpenReceipt(rc, v)
			want := ledger.Receipt{Origin: origin, Agreement: "il-kp-1993", Index: 100 + uint64(i), LeafHash: b.Leaves[i], Time: b.Time}
			if err != nil || got != want {
				t.Fatalf("batch of %d, entry %d: opened %+v, %v; want %+v", n, i, got, err, want)
			}
		}
	}

	b := batchOf(40, 7)
	rc, err := b.Receipt(k.Note(), origin, "il-kp-1993", 41)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Receipt(k.Note(), origin, "il-kp-1993", 47); err == nil {
		t.Error("a receipt for an entry outside the batch was given")
	}
	other, _ := keys.Derive("other", origin)
	rc2, _ := batchOf(40, 7).Receipt(other.Note(), origin, "il-kp-1993", 41)
	if _, err := ledger.OpenReceipt(rc2, v); err == nil || !strings.Contains(err.Error(), "not signed by the log key") {
		t.Errorf("another key's receipt: %v", err)
	}
	lines := strings.Split(string(rc), "\n")
	leaf2 := base64.StdEncoding.EncodeToString(b.Leaves[2][:])
	altered := map[string]string{
		// The entry's index moved within its batch: the path no longer
		// leads to the root.
		"index": strings.Replace(string(rc), "\n41\n", "\n42\n", 1),
		// Another entry's leaf at this index.
		"leaf": strings.Replace(string(rc), lines[2], leaf2, 1),
		// A path hash changed.
		"path": strings.Replace(string(rc), lines[3], leaf2, 1),
		// The index outside the batch the note signs.
		"outside": strings.Replace(string(rc), "\n41\n", "\n39\n", 1),
		// The signed batch note's size changed.
		"note": strings.Replace(string(rc), "\n40\n7\n", "\n40\n8\n", 1),
	}
	for name, a := range altered {
		if a == string(rc) {
			t.Fatalf("%s: the alteration changed nothing", name)
		}
		if _, err := ledger.OpenReceipt([]byte(a), v); err == nil {
			t.Errorf("a receipt with its %s altered opened", name)
		}
	}
	cp, _ := note.Sign(&note.Note{Text: ledger.CheckpointBody(origin, 42, make([]byte, 32))}, k.Note())
	if _, err := ledger.OpenReceipt(cp, v); err == nil || !strings.Contains(err.Error(), "not a receipt") {
		t.Errorf("a checkpoint as a receipt: %v", err)
	}
	// A batch note alone is not a receipt either.
	_, signed, _ := strings.Cut(string(rc), "\n\n")
	if _, err := ledger.OpenReceipt([]byte(signed), v); err == nil || !strings.Contains(err.Error(), "not a receipt") {
		t.Errorf("a batch note as a receipt: %v", err)
	}
}

// TestReceiptV1 opens a receipt of the first form, a note signed per
// entry, which holders of old receipts keep as evidence.
func TestReceiptV1(t *testing.T) {
	k, _ := keys.Derive("demo", origin)
	v, _ := note.NewVerifier(k.VKey())
	leaf := [32]byte{1, 2, 3}
	text := "surety receipt v1\n" + origin + "\nil-kp-1993\n41\n" + base64.StdEncoding.EncodeToString(leaf[:]) + "\n1993-08-01T00:00:00.000000005Z\n"
	rc, err := note.Sign(&note.Note{Text: text}, k.Note())
	if err != nil {
		t.Fatal(err)
	}
	got, err := ledger.OpenReceipt(rc, v)
	want := ledger.Receipt{Origin: origin, Agreement: "il-kp-1993", Index: 41, LeafHash: leaf, Time: time.Date(1993, 8, 1, 0, 0, 0, 5, time.UTC)}
	if err != nil || got != want {
		t.Fatalf("opened %+v, %v; want %+v", got, err, want)
	}
	if _, err := ledger.OpenReceipt([]byte(strings.Replace(string(rc), "\n41\n", "\n42\n", 1)), v); err == nil {
		t.Error("an altered receipt of the first form opened")
	}
}

// BenchmarkReceipt is what receipts add to a commit of 32 statements: one
// signature, the batch's tree and each entry's path.
func BenchmarkReceipt(b *testing.B) {
	k, _ := keys.Derive("demo", origin)
	s := k.Note()
	leaves := batchOf(41, 32).Leaves
	for b.Loop() {
		bt := &ledger.Batch{First: 41, Leaves: leaves, Time: time.Now()}
		for i := range 32 {
			if _, err := bt.Receipt(s, origin, "il-kp-1993", 41+uint64(i)); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// FuzzOpenReceipt plays a holder who alters a receipt to promise what the
// log did not: whatever it opens must be one of the entries the batch
// note signed, at its own index, and nothing it is given may panic.
func FuzzOpenReceipt(f *testing.F) {
	k, _ := keys.Derive("demo", origin)
	v, _ := note.NewVerifier(k.VKey())
	b := batchOf(40, 5)
	for i := range 5 {
		rc, err := b.Receipt(k.Note(), origin, "il-kp-1993", 40+uint64(i))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(rc)
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		r, err := ledger.OpenReceipt(msg, v)
		if err != nil {
			return
		}
		i := r.Index - 40
		if r.Index < 40 || i >= 5 || r.LeafHash != b.Leaves[i] || !r.Time.Equal(b.Time) || r.Agreement != "il-kp-1993" {
			t.Fatalf("an altered receipt opened as %+v", r)
		}
	})
}
