package inspection

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// hexBytes decodes a hex string in a test vector file.
type hexBytes []byte

func (h *hexBytes) UnmarshalText(text []byte) error {
	b, err := hex.DecodeString(string(text))
	*h = b
	return err
}

func readVectors[T any](t *testing.T, name string) []T {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var file struct{ Vectors []T }
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(file.Vectors) == 0 {
		t.Fatalf("%s: no vectors", name)
	}
	return file.Vectors
}

func mustKey(t testing.TB, label string) *Key {
	t.Helper()
	seed := sha256.Sum256([]byte(label))
	k, err := KeyFromSeed(seed[:])
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func leaf(i int) [32]byte {
	return sha256.Sum256(binary.BigEndian.AppendUint64(nil, uint64(i)))
}

// TestC2SPVectors runs the c2sp.org/vrf-r255 test vectors through the
// wrapper: key, proof, output, and verification.
func TestC2SPVectors(t *testing.T) {
	type vector struct {
		SK, PK, Alpha, Pi, Beta hexBytes
	}
	for i, v := range readVectors[vector](t, "vrf-r255.json") {
		key, err := NewKey(v.SK)
		if err != nil {
			t.Fatalf("vector %d: NewKey: %v", i, err)
		}
		if got := key.Public(); !bytes.Equal(got, v.PK) {
			t.Errorf("vector %d: public key %x, want %x", i, got, v.PK)
		}
		proof, output := Prove(key, v.Alpha)
		if !bytes.Equal(proof, v.Pi) {
			t.Errorf("vector %d: proof %x, want %x", i, proof, v.Pi)
		}
		if !bytes.Equal(output, v.Beta) {
			t.Errorf("vector %d: output %x, want %x", i, output, v.Beta)
		}
		got, err := Verify(v.PK, v.Alpha, v.Pi)
		if err != nil {
			t.Fatalf("vector %d: Verify: %v", i, err)
		}
		if !bytes.Equal(got, v.Beta) {
			t.Errorf("vector %d: verified output %x, want %x", i, got, v.Beta)
		}
	}
}

// TestSelectionVectors pins the whole selection pipeline: seed to key,
// agreement and leaf hash to alpha, alpha to proof and output, output to u.
// Changing any step changes every past selection, so replays would fail.
func TestSelectionVectors(t *testing.T) {
	type vector struct {
		Seed, SK, PK          hexBytes
		Agreement             string
		Leaf, Alpha, Pi, Beta hexBytes
		U                     float64
	}
	for _, v := range readVectors[vector](t, "selection.json") {
		t.Run(v.Agreement, func(t *testing.T) {
			key, err := KeyFromSeed(v.Seed)
			if err != nil {
				t.Fatal(err)
			}
			fromSK, err := NewKey(v.SK)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(key.Public(), v.PK) || !bytes.Equal(fromSK.Public(), v.PK) {
				t.Errorf("public keys %x (seed) and %x (sk), want %x", key.Public(), fromSK.Public(), v.PK)
			}
			alpha := SelectionInput(v.Agreement, [32]byte(v.Leaf))
			if !bytes.Equal(alpha, v.Alpha) {
				t.Errorf("SelectionInput = %x, want %x", alpha, v.Alpha)
			}
			proof, output := Prove(key, alpha)
			if !bytes.Equal(proof, v.Pi) || !bytes.Equal(output, v.Beta) {
				t.Errorf("Prove = %x, %x, want %x, %x", proof, output, v.Pi, v.Beta)
			}
			verified, err := Verify(v.PK, v.Alpha, v.Pi)
			if err != nil || !bytes.Equal(verified, v.Beta) {
				t.Errorf("Verify = %x, %v, want %x", verified, err, v.Beta)
			}
			if u := Uniform(v.Beta); u != v.U {
				t.Errorf("Uniform = %v, want %v", u, v.U)
			}
		})
	}
}

func TestVerifyRejectsMutatedProof(t *testing.T) {
	key := mustKey(t, "mutated proof")
	alpha := SelectionInput("il-kp-1993", leaf(1))
	proof, _ := Prove(key, alpha)
	for i := range len(proof) * 8 {
		forged := bytes.Clone(proof)
		forged[i/8] ^= 1 << (i % 8)
		if out, err := Verify(key.Public(), alpha, forged); !errors.Is(err, ErrProof) {
			t.Fatalf("proof with bit %d flipped: Verify = %x, %v, want ErrProof", i, out, err)
		}
	}
	for _, forged := range [][]byte{nil, proof[:ProofSize-1], append(bytes.Clone(proof), 0)} {
		if _, err := Verify(key.Public(), alpha, forged); !errors.Is(err, ErrProof) {
			t.Errorf("proof of %d bytes: Verify error %v, want ErrProof", len(forged), err)
		}
	}
}

func TestVerifyRejectsWrongKeyOrInput(t *testing.T) {
	key := mustKey(t, "inspectorate")
	other := mustKey(t, "someone else")
	alpha := SelectionInput("il-kp-1993", leaf(1))
	proof, _ := Prove(key, alpha)

	if _, err := Verify(other.Public(), alpha, proof); !errors.Is(err, ErrProof) {
		t.Errorf("wrong public key: Verify error %v, want ErrProof", err)
	}
	for name, in := range map[string][]byte{
		"other leaf":      SelectionInput("il-kp-1993", leaf(2)),
		"other agreement": SelectionInput("jcpoa-2015", leaf(1)),
	} {
		if _, err := Verify(key.Public(), in, proof); !errors.Is(err, ErrProof) {
			t.Errorf("%s: Verify error %v, want ErrProof", name, err)
		}
	}
}

func TestVerifyRejectsBadPublicKey(t *testing.T) {
	key := mustKey(t, "inspectorate")
	alpha := SelectionInput("il-kp-1993", leaf(1))
	proof, _ := Prove(key, alpha)
	nonCanonical := bytes.Repeat([]byte{0xff}, KeySize)
	for name, pub := range map[string][]byte{
		"identity":      make([]byte, KeySize),
		"short":         key.Public()[:KeySize-1],
		"long":          append(key.Public(), 0),
		"non-canonical": nonCanonical,
	} {
		if _, err := Verify(pub, alpha, proof); !errors.Is(err, ErrKey) {
			t.Errorf("%s public key: Verify error %v, want ErrKey", name, err)
		}
	}
}

func TestNewKeyRejects(t *testing.T) {
	for name, sk := range map[string][]byte{
		"zero":          make([]byte, KeySize),
		"non-canonical": bytes.Repeat([]byte{0xff}, KeySize),
		"short":         make([]byte, KeySize-1),
	} {
		if _, err := NewKey(sk); !errors.Is(err, ErrKey) {
			t.Errorf("%s private key: NewKey error %v, want ErrKey", name, err)
		}
	}
	if _, err := KeyFromSeed(make([]byte, SeedSize+1)); !errors.Is(err, ErrKey) {
		t.Errorf("33-byte seed: KeyFromSeed error %v, want ErrKey", err)
	}
}

func TestKeyFromSeedDeterministic(t *testing.T) {
	a, b, c := mustKey(t, "seed one"), mustKey(t, "seed one"), mustKey(t, "seed two")
	if !bytes.Equal(a.Public(), b.Public()) {
		t.Error("the same seed gave two keys")
	}
	if bytes.Equal(a.Public(), c.Public()) {
		t.Error("two seeds gave the same key")
	}
	alpha := SelectionInput("il-kp-1993", leaf(7))
	p1, o1 := Prove(a, alpha)
	p2, o2 := Prove(b, alpha)
	if !bytes.Equal(p1, p2) || !bytes.Equal(o1, o2) {
		t.Error("Prove is not deterministic")
	}
	if len(p1) != ProofSize || len(o1) != OutputSize {
		t.Errorf("proof and output are %d and %d bytes, want %d and %d", len(p1), len(o1), ProofSize, OutputSize)
	}
}

func TestSelectionInput(t *testing.T) {
	var h [32]byte
	for i := range h {
		h[i] = byte(i)
	}
	got := SelectionInput("il-kp-1993", h)
	want := append([]byte("surety/selection/v1\x00il-kp-1993\x00"), h[:]...)
	if !bytes.Equal(got, want) {
		t.Errorf("SelectionInput = %q, want %q", got, want)
	}

	// Ids that share a prefix, or contain the separator, still give
	// distinct inputs.
	var z [32]byte
	seen := map[string]string{}
	for _, c := range []struct {
		agreement string
		leaf      [32]byte
	}{
		{"a", z}, {"a\x00", z}, {"", z}, {"a", h}, {"ab", z}, {"a\x00" + string(z[:31]), z},
	} {
		in := string(SelectionInput(c.agreement, c.leaf))
		id := c.agreement + "/" + hex.EncodeToString(c.leaf[:])
		if prev, ok := seen[in]; ok {
			t.Errorf("%q and %q share the input %x", prev, id, in)
		}
		seen[in] = id
	}
}

func TestUniform(t *testing.T) {
	out := func(b ...byte) []byte { return append(b, make([]byte, OutputSize-len(b))...) }
	for _, c := range []struct {
		output []byte
		want   float64
	}{
		{out(), 0},
		{out(0x80), 0.5},
		{out(0x40), 0.25},
		{out(0xc0), 0.75},
		{out(0, 0, 0, 0, 0, 0, 0x08), math.Ldexp(1, -53)}, // lowest bit that counts
		{out(0, 0, 0, 0, 0, 0, 0, 0xff), 0},               // below 2^-53, dropped
		{bytes.Repeat([]byte{0xff}, OutputSize), 1 - math.Ldexp(1, -53)},
	} {
		if got := Uniform(c.output); got != c.want {
			t.Errorf("Uniform(%x) = %v, want %v", c.output[:8], got, c.want)
		}
	}
}

func TestDecide(t *testing.T) {
	maxU := Uniform(bytes.Repeat([]byte{0xff}, 8))
	for _, c := range []struct {
		u, p float64
		want bool
	}{
		{0, 0, false},
		{0, 1e-9, true},
		{0.3, 0.3, false},
		{0.2999, 0.3, true},
		{maxU, 1, true},
		{maxU, 0.999999, false},
	} {
		if got := Decide(c.u, c.p); got != c.want {
			t.Errorf("Decide(%v, %v) = %v, want %v", c.u, c.p, got, c.want)
		}
	}
}

// TestSelectionFrequency selects 20,000 synthetic declarations in four risk
// bands with the real VRF and checks that each band's selected fraction, and
// the spread of u over ten bins, are within 4 standard deviations of what
// sampling at p predicts. The key is fixed, so the test is deterministic.
func TestSelectionFrequency(t *testing.T) {
	const perBand = 5000
	bands := []float64{0.02, 0.1, 0.5, 0.9}
	key := mustKey(t, "surety selection frequency test")
	pub := key.Public()
	var bins [10]int
	for b, p := range bands {
		selected := 0
		for j := range perBand {
			i := b*perBand + j
			alpha := SelectionInput("il-kp-1993", leaf(i))
			proof, output := Prove(key, alpha)
			if i%100 == 0 {
				verified, err := Verify(pub, alpha, proof)
				if err != nil || !bytes.Equal(verified, output) {
					t.Fatalf("declaration %d: Verify = %x, %v, want %x", i, verified, err, output)
				}
			}
			u := Uniform(output)
			bins[int(u*10)]++
			if Decide(u, p) {
				selected++
			}
		}
		mean, sd := perBand*p, math.Sqrt(perBand*p*(1-p))
		if math.Abs(float64(selected)-mean) > 4*sd {
			t.Errorf("band p = %v: %d of %d selected, want %.0f ± %.0f", p, selected, perBand, mean, 4*sd)
		}
	}
	n := float64(perBand * len(bands))
	mean, sd := n/10, math.Sqrt(n*0.1*0.9)
	for i, c := range bins {
		if math.Abs(float64(c)-mean) > 4*sd {
			t.Errorf("u in [%.1f, %.1f): %d of %.0f, want %.0f ± %.0f", float64(i)/10, float64(i+1)/10, c, n, mean, 4*sd)
		}
	}
}

// FuzzVerify checks uniqueness: for a public key and an input, the only proof
// Verify accepts is the one Prove makes, so the inspectorate cannot choose
// among outputs.
func FuzzVerify(f *testing.F) {
	key := mustKey(f, "inspectorate")
	alpha := SelectionInput("il-kp-1993", leaf(1))
	proof, _ := Prove(key, alpha)
	f.Add(alpha, proof)
	f.Add(alpha, append(bytes.Clone(proof[:ProofSize-1]), proof[ProofSize-1]^0x80))
	f.Add([]byte("surety/selection/v1\x00"), make([]byte, ProofSize))
	f.Fuzz(func(t *testing.T, alpha, proof []byte) {
		output, err := Verify(key.Public(), alpha, proof)
		if err != nil {
			return
		}
		wantProof, wantOutput := Prove(key, alpha)
		if !bytes.Equal(proof, wantProof) || !bytes.Equal(output, wantOutput) {
			t.Fatalf("Verify accepted proof %x with output %x; the honest proof is %x with output %x", proof, output, wantProof, wantOutput)
		}
	})
}

func BenchmarkProve(b *testing.B) {
	key := mustKey(b, "inspectorate")
	alpha := SelectionInput("il-kp-1993", leaf(1))
	for b.Loop() {
		Prove(key, alpha)
	}
}

func BenchmarkVerify(b *testing.B) {
	key := mustKey(b, "inspectorate")
	alpha := SelectionInput("il-kp-1993", leaf(1))
	proof, _ := Prove(key, alpha)
	pub := key.Public()
	for b.Loop() {
		if _, err := Verify(pub, alpha, proof); err != nil {
			b.Fatal(err)
		}
	}
}

// TestCommitment: a commitment binds every field of the decision; changing
// any one, the decision above all, gives another.
func TestCommitment(t *testing.T) {
	leaf := [32]byte{1}
	salt, err := Salt(nil)
	if err != nil {
		t.Fatal(err)
	}
	base := Commitment("il-kp-1993", "d-1", leaf, []byte("proof"), 0.55, 0.3, true, salt)
	others := map[string][32]byte{
		"decision":    Commitment("il-kp-1993", "d-1", leaf, []byte("proof"), 0.55, 0.3, false, salt),
		"salt":        Commitment("il-kp-1993", "d-1", leaf, []byte("proof"), 0.55, 0.3, true, mustSalt(t)),
		"declaration": Commitment("il-kp-1993", "d-2", leaf, []byte("proof"), 0.55, 0.3, true, salt),
		"agreement":   Commitment("il-kp-1994", "d-1", leaf, []byte("proof"), 0.55, 0.3, true, salt),
		"leaf":        Commitment("il-kp-1993", "d-1", [32]byte{2}, []byte("proof"), 0.55, 0.3, true, salt),
		"proof":       Commitment("il-kp-1993", "d-1", leaf, []byte("proof!"), 0.55, 0.3, true, salt),
		"p":           Commitment("il-kp-1993", "d-1", leaf, []byte("proof"), 0.56, 0.3, true, salt),
		"u":           Commitment("il-kp-1993", "d-1", leaf, []byte("proof"), 0.55, 0.31, true, salt),
		// Field boundaries are length-prefixed: moving a byte between two
		// fields changes the commitment.
		"boundary": Commitment("il-kp-1993d", "-1", leaf, []byte("proof"), 0.55, 0.3, true, salt),
	}
	for name, c := range others {
		if c == base {
			t.Errorf("changing the %s leaves the commitment unchanged", name)
		}
	}
	if again := Commitment("il-kp-1993", "d-1", leaf, []byte("proof"), 0.55, 0.3, true, salt); again != base {
		t.Error("the same decision commits differently")
	}
}

func mustSalt(t *testing.T) [32]byte {
	s, err := Salt(nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
