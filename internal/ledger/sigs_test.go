package ledger_test

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/secure-systems-lab/go-securesystemslib/dsse"

	"github.com/surety/surety/internal/ledger"
	"github.com/surety/surety/internal/sigtest"
	"github.com/surety/surety/internal/statement"
	"github.com/surety/surety/internal/testenv"
)

// resign replaces an envelope's signature with what sign makes of its
// payload's DSSE encoding, keeping its key id.
func resign(t *testing.T, env []byte, sign func(msg, sig []byte) []byte) []byte {
	t.Helper()
	var e map[string]any
	if err := json.Unmarshal(env, &e); err != nil {
		t.Fatal(err)
	}
	payload, err := base64.StdEncoding.DecodeString(e["payload"].(string))
	if err != nil {
		t.Fatal(err)
	}
	s := e["signatures"].([]any)[0].(map[string]any)
	raw, err := base64.StdEncoding.DecodeString(s["sig"].(string))
	if err != nil {
		t.Fatal(err)
	}
	s["sig"] = base64.StdEncoding.EncodeToString(sign(dsse.PAE(statement.PayloadType, payload), raw))
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// spoil changes one byte of an envelope's signature: the statement reaches
// the check of its signature, and fails it.
func spoil(t *testing.T, env []byte, at int) []byte {
	return resign(t, env, func(_, sig []byte) []byte {
		sig[at] ^= 0x01
		return sig
	})
}

// crowd appends envs in that order from enough clients at once that the
// log checks their signatures in batches whatever its cores (16 Appends a
// core crowd it), and returns each one's error.
func crowd(log *ledger.Log, envs [][]byte) []error {
	errs := make([]error, len(envs))
	var wg sync.WaitGroup
	next := make(chan int)
	for range max(64, 32*runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for i := range next {
				_, errs[i] = log.Append(context.Background(), envs[i])
			}
		})
	}
	for i := range envs {
		next <- i
	}
	close(next)
	wg.Wait()
	return errs
}

// TestBadSignaturesAmongGood sends badly signed statements among good
// ones from many clients at once, as an outsider who wants the server's
// batches of signatures to fail would: every good statement is taken, in
// whatever batch it shared with a bad one, every bad one is refused for
// its signature, and none of them is in the log.
func TestBadSignaturesAmongGood(t *testing.T) {
	both(t, func(t *testing.T, b testenv.Backend) {
		f := open(t, b)
		const good, bad = 600, 40
		// A bad one after every fifteen good ones, spoilt in R and in S
		// by turns.
		var envs [][]byte
		var isBad []bool
		for i := range good {
			envs, isBad = append(envs, f.tick(t, fmt.Sprint("good-", i))), append(isBad, false)
			if k := i / 15; i%15 == 14 && k < bad {
				envs = append(envs, spoil(t, f.tick(t, fmt.Sprint("bad-", k)), []int{3, 40}[k%2]))
				isBad = append(isBad, true)
			}
		}
		for i, err := range crowd(f.log, envs) {
			switch {
			case !isBad[i] && err != nil:
				t.Errorf("good statement %d refused: %v", i, err)
			case isBad[i] && !errors.Is(err, statement.ErrSignature):
				t.Errorf("badly signed statement %d: %v, want a refused signature", i, err)
			}
		}
		h, es, _ := reference(t, f.log)
		if h.Size != 1+good {
			t.Errorf("the log holds %d entries, want the adoption and %d ticks", h.Size, good)
		}
		for _, data := range es {
			e, err := ledger.ParseEntry(data)
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(e.Statement.ID, "bad-") {
				t.Errorf("badly signed %s is in the log", e.Statement.ID)
			}
		}
	})
}

// TestForgedSignatures appends, alone and among many, the signatures a
// signer can make for verifiers to disagree on (see sigtest): the log takes
// the one whose R has a point of small order added, as its rule says,
// whether it was checked alone or in a batch, and refuses the one whose R
// is not written canonically; and a replay of the log, which checks each
// signature alone, takes what the server took.
func TestForgedSignatures(t *testing.T) {
	both(t, func(t *testing.T, b testenv.Backend) {
		f := open(t, b)
		small := func(id string) []byte {
			return resign(t, f.tick(t, id), func(msg, _ []byte) []byte { return sigtest.SmallOrder(f.op.Key, msg) })
		}
		noncanonical := func(id string) []byte {
			return resign(t, f.tick(t, id), func(msg, _ []byte) []byte { return sigtest.NonCanonicalR(f.op.Key, msg) })
		}
		// Go's crypto/ed25519 would refuse the first: it is the kind the
		// rules tell apart.
		var e struct {
			Payload    string
			Signatures []struct{ Sig string }
		}
		if err := json.Unmarshal(small("probe"), &e); err != nil {
			t.Fatal(err)
		}
		payload, _ := base64.StdEncoding.DecodeString(e.Payload)
		sig, _ := base64.StdEncoding.DecodeString(e.Signatures[0].Sig)
		if ed25519.Verify(f.op.Public(), dsse.PAE(statement.PayloadType, payload), sig) {
			t.Fatal("crypto/ed25519 takes the small-order signature: it tells nothing apart")
		}

		ctx := context.Background()
		if _, err := f.log.Append(ctx, small("small-alone")); err != nil {
			t.Errorf("alone, R with a point of small order: %v", err)
		}
		if _, err := f.log.Append(ctx, noncanonical("noncanonical-alone")); !errors.Is(err, statement.ErrSignature) {
			t.Errorf("alone, R not canonical: %v, want a refused signature", err)
		}
		// Forged ones among 400 good ones while the log is crowded: one
		// with R small-order after every ten good ones, so that many are
		// checked in batches, and one with R not canonical.
		envs := make([][]byte, 0, 441)
		forged := map[int]bool{}
		for i := range 400 {
			if i%10 == 5 {
				forged[len(envs)] = true
				envs = append(envs, small(fmt.Sprint("small-", i)))
			}
			if i == 200 {
				forged[len(envs)] = false
				envs = append(envs, noncanonical("noncanonical-crowded"))
			}
			envs = append(envs, f.tick(t, fmt.Sprint("good-", i)))
		}
		for i, err := range crowd(f.log, envs) {
			taken, ok := forged[i]
			switch {
			case ok && taken && err != nil:
				t.Errorf("among many, R with a point of small order: %v", err)
			case ok && !taken && !errors.Is(err, statement.ErrSignature):
				t.Errorf("among many, R not canonical: %v, want a refused signature", err)
			case !ok && err != nil:
				t.Errorf("good statement %d refused: %v", i, err)
			}
		}
		// The replay checks every signature alone, against the key in
		// force at its index, and must take both forged ones.
		checkLog(t, f.log, f.st, nil)
		if h, _, _ := reference(t, f.log); h.Size != 1+1+40+400 {
			t.Errorf("the log holds %d entries, want the adoption, 41 forged ticks and 400 others", h.Size)
		}
	})
}
