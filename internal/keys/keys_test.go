package keys

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
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
	kp, vp, err := Write(dir, s, false)
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
	kp, _, err := Write(t.TempDir(), s, false)
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

// TestWriteKeepsAnotherKey: a private key file that holds another key is
// not replaced unless forced; writing the same key again is harmless.
func TestWriteKeepsAnotherKey(t *testing.T) {
	dir := t.TempDir()
	a, _ := Generate("alice")
	b, _ := Generate("alice")
	kp, _, err := Write(dir, a, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Write(dir, a, false); err != nil {
		t.Errorf("writing the same key again: %v", err)
	}
	if _, _, err := Write(dir, b, false); !errors.Is(err, ErrExists) || !strings.Contains(err.Error(), "--force") {
		t.Errorf("replaced another key: %v", err)
	}
	if got, err := Load(kp); err != nil || !got.Public().Equal(a.Public()) {
		t.Fatalf("the first key is gone: %v", err)
	}
	if _, _, err := Write(dir, b, true); err != nil {
		t.Fatal(err)
	}
	if got, err := Load(kp); err != nil || !got.Public().Equal(b.Public()) {
		t.Fatalf("forced write did not replace the key: %v", err)
	}
}

// TestLoadWarnsOnExposedFile: a private key file others can read or write
// loads with a warning that says how to fix it.
func TestLoadWarnsOnExposedFile(t *testing.T) {
	var logged bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logged, nil)))
	defer slog.SetDefault(old)
	s, _ := Generate("alice")
	kp, _, err := Write(t.TempDir(), s, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		mode os.FileMode
		warn bool
	}{{0o600, false}, {0o400, false}, {0o640, true}, {0o602, true}, {0o666, true}} {
		logged.Reset()
		if err := os.Chmod(kp, c.mode); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(kp); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(logged.String(), "chmod 600"); got != c.warn {
			t.Errorf("mode %04o: warned %v, want %v: %q", c.mode, got, c.warn, logged.String())
		}
	}
}
