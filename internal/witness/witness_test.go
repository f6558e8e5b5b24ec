package witness

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	tlog "github.com/transparency-dev/formats/log"
	fnote "github.com/transparency-dev/formats/note"
	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/merkle/testonly"
	"golang.org/x/mod/sumdb/note"
)

const witnessName = "witness.surety.example/w1"

// testLog is an agreement log's checkpoint key.
type testLog struct {
	origin   string
	signer   note.Signer
	verifier note.Verifier
}

func newTestLog(t *testing.T, origin string) *testLog {
	t.Helper()
	skey, vkey, err := note.GenerateKey(rand.Reader, origin)
	if err != nil {
		t.Fatal(err)
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	return &testLog{origin: origin, signer: s, verifier: v}
}

func (l *testLog) Log() Log { return Log{Origin: l.origin, Verifier: l.verifier} }

// checkpoint returns the checkpoint of tr at size, signed by the log.
func (l *testLog) checkpoint(t *testing.T, tr *testonly.Tree, size uint64) []byte {
	t.Helper()
	return sign(t, string(tlog.Checkpoint{Origin: l.origin, Size: size, Hash: tr.HashAt(size)}.Marshal()), l.signer)
}

func sign(t *testing.T, text string, signers ...note.Signer) []byte {
	t.Helper()
	b, err := note.Sign(&note.Note{Text: text}, signers...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// newTree returns an RFC 6962 tree of size leaves named after tag.
func newTree(tag string, size int) *testonly.Tree {
	tr := testonly.New(rfc6962.DefaultHasher)
	grow(tr, tag, size)
	return tr
}

func grow(tr *testonly.Tree, tag string, size int) {
	for i := int(tr.Size()); i < size; i++ {
		tr.AppendData(fmt.Appendf(nil, "%s entry %d", tag, i))
	}
}

func consistency(t *testing.T, tr *testonly.Tree, old, size uint64) [][]byte {
	t.Helper()
	p, err := tr.ConsistencyProof(old, size)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// testWitness is a witness served over loopback.
type testWitness struct {
	url      string
	dir      string
	signer   note.Signer
	verifier note.Verifier
}

func newTestWitness(t *testing.T, logs ...Log) *testWitness {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSigner(witnessName, priv)
	if err != nil {
		t.Fatal(err)
	}
	vkey, err := VerifierKey(witnessName, pub)
	if err != nil {
		t.Fatal(err)
	}
	v, err := fnote.NewVerifierForCosignatureV1(vkey)
	if err != nil {
		t.Fatal(err)
	}
	tw := &testWitness{dir: t.TempDir(), signer: s, verifier: v}
	tw.restart(t, logs...)
	return tw
}

// restart serves a new Witness on tw's key and state directory.
func (tw *testWitness) restart(t *testing.T, logs ...Log) {
	t.Helper()
	w, err := New(tw.signer, tw.dir, logs...)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(w.Handler())
	t.Cleanup(srv.Close)
	tw.url = srv.URL
}

func (tw *testWitness) add(old uint64, proof [][]byte, cp []byte) ([]byte, error) {
	return AddCheckpoint(context.Background(), http.DefaultClient, tw.url, old, proof, cp)
}

// cosign asks for a cosignature of cp and checks it.
func (tw *testWitness) cosign(t *testing.T, l *testLog, old uint64, proof [][]byte, cp []byte) {
	t.Helper()
	sigs, err := tw.add(old, proof, cp)
	if err != nil {
		t.Fatalf("add-checkpoint old %d: %v", old, err)
	}
	cosigned := append(bytes.Clone(cp), sigs...)
	n, err := note.Open(cosigned, note.VerifierList(tw.verifier))
	if err != nil {
		t.Fatalf("cosignature does not verify: %v\n%s", err, cosigned)
	}
	if len(n.Sigs) != 1 || n.Sigs[0].Name != witnessName {
		t.Fatalf("verified signatures %v, want one by %s", n.Sigs, witnessName)
	}
	ts, err := fnote.CoSigV1Timestamp(n.Sigs[0])
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(ts); d < -time.Minute || d > time.Minute {
		t.Errorf("cosignature time %v, want about now", ts)
	}
	if _, _, _, err := tlog.ParseCheckpoint(cosigned, l.origin, l.verifier, tw.verifier); err != nil {
		t.Errorf("cosigned checkpoint: %v", err)
	}
}

// post sends body to add-checkpoint and returns the answer.
func (tw *testWitness) post(t *testing.T, body []byte) (code int, typ, answer string) {
	t.Helper()
	resp, err := http.Post(tw.url+"/add-checkpoint", "text/plain", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

func TestAddCheckpoint(t *testing.T) {
	l := newTestLog(t, "surety.example/il-kp-1993")
	tw := newTestWitness(t, l.Log())
	tr := newTree("il-kp", 5)

	// First contact.
	cp5 := l.checkpoint(t, tr, 5)
	tw.cosign(t, l, 0, nil, cp5)

	// Growth with a consistency proof, and re-cosigning the same tree.
	grow(tr, "il-kp", 12)
	cp12 := l.checkpoint(t, tr, 12)
	tw.cosign(t, l, 5, consistency(t, tr, 5, 12), cp12)
	tw.cosign(t, l, 12, nil, cp12)

	// A checkpoint with an extension line is cosigned whole.
	ext := sign(t, string(tlog.Checkpoint{Origin: l.origin, Size: 12, Hash: tr.HashAt(12)}.Marshal())+"period 1993-Q3\n", l.signer)
	tw.cosign(t, l, 12, nil, ext)

	stranger := newTestLog(t, "surety.example/jcpoa-2015")
	impostor := newTestLog(t, l.origin)
	tampered := bytes.Clone(cp12)
	if i := len(tampered) - 20; tampered[i] == 'A' {
		tampered[i] = 'B'
	} else {
		tampered[i] = 'A'
	}
	fork := newTree("forged", 12)
	next := newTree("il-kp", 13)
	badProof := consistency(t, next, 12, 13)
	badProof[0] = rfc6962.DefaultHasher.HashLeaf([]byte("forged"))
	padded := fmt.Sprintf("%s\n012\n%s\n", l.origin, base64.StdEncoding.EncodeToString(tr.HashAt(12)))

	for _, tc := range []struct {
		name string
		body []byte
		code int
		want error
	}{
		{"stale old size", encodeRequest(5, consistency(t, tr, 5, 12), cp12), http.StatusConflict, &ConflictError{Size: 12}},
		{"first contact again", encodeRequest(0, nil, cp12), http.StatusConflict, &ConflictError{Size: 12}},
		{"unknown origin", encodeRequest(0, nil, stranger.checkpoint(t, tr, 12)), http.StatusNotFound, ErrUnknownLog},
		{"other key", encodeRequest(12, nil, impostor.checkpoint(t, tr, 12)), http.StatusForbidden, ErrSignature},
		{"tampered signature", encodeRequest(12, nil, tampered), http.StatusForbidden, ErrSignature},
		{"fork", encodeRequest(12, nil, l.checkpoint(t, fork, 12)), http.StatusConflict, ErrFork},
		{"bad proof", encodeRequest(12, badProof, l.checkpoint(t, next, 13)), http.StatusUnprocessableEntity, ErrProof},
		{"proof of a fork", encodeRequest(12, consistency(t, newTree("forged", 20), 12, 20), l.checkpoint(t, newTree("forged", 20), 20)), http.StatusUnprocessableEntity, ErrProof},
		{"proof at the same size", encodeRequest(12, badProof[:1], cp12), http.StatusUnprocessableEntity, ErrProof},
		{"shrinking", encodeRequest(12, nil, cp5), http.StatusBadRequest, ErrMalformed},
		{"size with a leading zero", encodeRequest(12, nil, sign(t, padded, l.signer)), http.StatusBadRequest, ErrMalformed},
		{"no checkpoint", []byte("old 12\n\n"), http.StatusBadRequest, ErrMalformed},
		{"no blank line", []byte("old 12\n"), http.StatusBadRequest, ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, typ, answer := tw.post(t, tc.body)
			if code != tc.code {
				t.Errorf("status %d (%s), want %d", code, answer, tc.code)
			}
			var conflict *ConflictError
			if errors.As(tc.want, &conflict) {
				if typ != "text/x.tlog.size" || answer != fmt.Sprintf("%d\n", conflict.Size) {
					t.Errorf("answer %q of type %q, want %q of type text/x.tlog.size", answer, typ, fmt.Sprintf("%d\n", conflict.Size))
				}
			} else if typ == "text/x.tlog.size" {
				t.Errorf("answer of type %s", typ)
			}

			old, proof, cp, err := parseRequest(tc.body)
			if err != nil {
				return // the client cannot send it
			}
			_, err = tw.add(old, proof, cp)
			var got *ConflictError
			switch {
			case conflict != nil:
				if !errors.As(err, &got) || *got != *conflict {
					t.Errorf("client error %v, want %v", err, conflict)
				}
			case !errors.Is(err, tc.want) || errors.As(err, &got):
				t.Errorf("client error %v, want %v", err, tc.want)
			}
		})
	}

	// Nothing refused was recorded: the log grows on from 12.
	tw.cosign(t, l, 12, nil, cp12)
	grow(tr, "il-kp", 40)
	tw.cosign(t, l, 12, consistency(t, tr, 12, 40), l.checkpoint(t, tr, 40))

	if code, _, _ := tw.post(t, nil); code != http.StatusBadRequest {
		t.Errorf("empty body: status %d, want 400", code)
	}
	resp, err := http.Get(tw.url + "/add-checkpoint")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: status %d, want 405", resp.StatusCode)
	}
}

func TestRestart(t *testing.T) {
	l := newTestLog(t, "surety.example/agreed-framework-1994")
	tw := newTestWitness(t, l.Log())
	tr := newTree("af", 8)
	tw.cosign(t, l, 0, nil, l.checkpoint(t, tr, 8))

	tw.restart(t, l.Log())
	if _, err := tw.add(8, nil, l.checkpoint(t, newTree("forged", 8), 8)); !errors.Is(err, ErrFork) {
		t.Errorf("fork after restart: %v, want %v", err, ErrFork)
	}
	var conflict *ConflictError
	if _, err := tw.add(0, nil, l.checkpoint(t, tr, 8)); !errors.As(err, &conflict) || conflict.Size != 8 {
		t.Errorf("first contact after restart: %v, want size 8", err)
	}
	grow(tr, "af", 9)
	tw.cosign(t, l, 8, consistency(t, tr, 8, 9), l.checkpoint(t, tr, 9))
}

func TestConcurrent(t *testing.T) {
	l := newTestLog(t, "surety.example/il-kp-1993")
	tw := newTestWitness(t, l.Log())
	const n = 16

	// First contacts of n sizes at once: one wins, the others learn its size.
	base := newTree("base", n)
	won := race(t, n, func(i int) ([]byte, error) {
		return tw.add(0, nil, l.checkpoint(t, base, uint64(i+1)))
	})
	size := uint64(won + 1)

	// n forks from that size at once: one wins, and no other is ever cosigned.
	forks := make([]*testonly.Tree, n)
	for i := range forks {
		forks[i] = newTree("base", int(size))
		forks[i].AppendData(fmt.Appendf(nil, "fork %d", i))
	}
	won = race(t, n, func(i int) ([]byte, error) {
		return tw.add(size, consistency(t, forks[i], size, size+1), l.checkpoint(t, forks[i], size+1))
	})
	for i, f := range forks {
		_, err := tw.add(size+1, nil, l.checkpoint(t, f, size+1))
		if i == won && err != nil || i != won && !errors.Is(err, ErrFork) {
			t.Errorf("fork %d (winner %d): %v", i, won, err)
		}
	}
}

// race runs add(0) to add(n-1) at once and returns the one that succeeds,
// checking that every other one meets the size the winner recorded.
func race(t *testing.T, n int, add func(i int) ([]byte, error)) int {
	t.Helper()
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { _, errs[i] = add(i) })
	}
	wg.Wait()
	won := -1
	for i, err := range errs {
		var conflict *ConflictError
		switch {
		case err == nil && won < 0:
			won = i
		case err == nil:
			t.Fatalf("requests %d and %d both cosigned", won, i)
		case !errors.As(err, &conflict):
			t.Fatalf("request %d: %v", i, err)
		}
	}
	if won < 0 {
		t.Fatal("no request cosigned")
	}
	return won
}

func TestNew(t *testing.T) {
	l := newTestLog(t, "surety.example/jcpoa-2015")
	tw := newTestWitness(t, l.Log())
	tw.cosign(t, l, 0, nil, l.checkpoint(t, newTree("jcpoa", 3), 3))

	if _, err := New(tw.signer, tw.dir, l.Log(), l.Log()); err == nil {
		t.Error("New with a log listed twice succeeded")
	}
	if _, err := New(tw.signer, tw.dir, Log{Origin: "a\nb", Verifier: l.verifier}); err == nil {
		t.Error("New with a two-line origin succeeded")
	}
	if err := os.WriteFile(filepath.Join(tw.dir, file(l.origin)), []byte(`{"origin":"x"`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(tw.signer, tw.dir, l.Log()); err == nil {
		t.Error("New over a damaged state file succeeded")
	}
}

func TestKey(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSigner(witnessName, priv)
	if err != nil {
		t.Fatal(err)
	}
	vkey, err := VerifierKey(witnessName, pub)
	if err != nil {
		t.Fatal(err)
	}
	v, err := fnote.NewVerifierForCosignatureV1(vkey)
	if err != nil {
		t.Fatal(err)
	}
	// The key ID is SHA-256(name || "\n" || 0x04 || public key)[:4].
	id := sha256.Sum256(append([]byte(witnessName+"\n\x04"), pub...))
	if want := binary.BigEndian.Uint32(id[:]); s.KeyHash() != want || v.KeyHash() != want {
		t.Errorf("key hashes %08x and %08x, want %08x", s.KeyHash(), v.KeyHash(), want)
	}
	if s.Name() != witnessName || v.Name() != witnessName {
		t.Errorf("names %q and %q, want %q", s.Name(), v.Name(), witnessName)
	}
	if _, err := NewSigner(witnessName, priv[:31]); err == nil {
		t.Error("NewSigner with a short key succeeded")
	}
}
