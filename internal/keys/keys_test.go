package keys

import (
	"crypto/ed25519"
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/mod/sumdb/note"
)

func TestDeriveIsDeterministic(t *testing.T) {
	a, err := Derive("demo", "il-treasury")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Derive("demo", "il-treasury")
	c, _ := Derive("demo", "kp-export-authority")
	d, _ := Derive("other", "il-treasury")
	if a.VKey() != b.VKey() {
		t.Errorf("the same seed and name gave two keys")
	}
	if a.VKey() == d.VKey() || a.Public().Equal(c.Public()) {
		t.Errorf("different seeds or names gave the same key")
	}
}

func TestRoundTripAndSign(t *testing.T) {
	s, err := Generate("alice")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	kp, vp, err := Write(dir, s)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(kp)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("private key mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
	loaded, err := Load(kp)
	if err != nil {
		t.Fatal(err)
	}
	vk, err := LoadPublic(vp)
	if err != nil {
		t.Fatal(err)
	}
	name, pub, err := ParsePublic(vk)
	if err != nil || name != "alice" || !pub.Equal(s.Public()) {
		t.Fatalf("ParsePublic(%q) = %q, %x, %v", vk, name, pub, err)
	}
	// The base64 form parses to the same key, with no name.
	name, pub2, err := ParsePublic(base64.StdEncoding.EncodeToString(pub))
	if err != nil || name != "" || !pub2.Equal(pub) {
		t.Fatalf("base64 form: %q %x %v", name, pub2, err)
	}
	// A note signed with the loaded key verifies with the verifier key.
	v, err := note.NewVerifier(vk)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := note.Sign(&note.Note{Text: "hello\n"}, loaded.Note())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := note.Open(msg, note.VerifierList(v)); err != nil {
		t.Fatalf("note does not verify: %v", err)
	}
	sig := ed25519.Sign(loaded.Key, []byte("x"))
	if !ed25519.Verify(pub, []byte("x"), sig) {
		t.Fatal("raw signature does not verify")
	}
}

func TestNamesWithSlashes(t *testing.T) {
	s, err := Derive("demo", "surety.local/il-kp-1993")
	if err != nil {
		t.Fatal(err)
	}
	kp, _, err := Write(t.TempDir(), s)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(kp) != "surety.local_il-kp-1993.key" {
		t.Errorf("key file %s", kp)
	}
}

func TestParseErrors(t *testing.T) {
	for _, bad := range []string{"", "abc", "name+12345678+AAAA", base64.StdEncoding.EncodeToString(make([]byte, 31))} {
		if _, _, err := ParsePublic(bad); err == nil {
			t.Errorf("ParsePublic(%q) accepted", bad)
		}
	}
	if _, err := ParseSigner("PRIVATE+KEY+x+00000000+AAAA"); err == nil {
		t.Error("ParseSigner accepted a malformed key")
	}
}
