package ledger_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	flog "github.com/transparency-dev/formats/log"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/merkle/testonly"
	"golang.org/x/mod/sumdb/note"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/ledger"
	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/statement"
	"github.com/surety/surety/internal/store"
	"github.com/surety/surety/internal/testenv"
)

const example = "../../examples/israel-dprk-1993.yaml"

type fixture struct {
	log  *ledger.Log
	st   store.Store
	spec *agreement.Spec
	op   *keys.Signer // the log key, principal "operator"
	now  time.Time
}

func key(t testing.TB, name string) *keys.Signer {
	k, err := keys.Derive("demo", name)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// open starts a log on a fresh store and adopts the 1993 agreement.
func open(t *testing.T, b testenv.Backend) *fixture {
	t.Helper()
	doc, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	return openDoc(t, b, doc)
}

// openDoc starts a log on a fresh store and adopts the agreement doc.
func openDoc(t *testing.T, b testenv.Backend, doc []byte) *fixture {
	t.Helper()
	spec, err := agreement.Parse(example, doc)
	if err != nil {
		t.Fatal(err)
	}
	st := b.Open(t)
	f := &fixture{st: st, spec: spec, op: key(t, spec.Origin()), now: time.Date(1993, 8, 1, 0, 0, 0, 0, time.UTC)}
	f.log, err = ledger.Open(context.Background(), ledger.Options{Store: st, Log: spec.ID, Now: func() time.Time { return f.now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.log.Close)
	body, _ := json.Marshal(statement.AdoptBody{Document: string(doc)})
	if _, err := f.log.Append(context.Background(), f.sign(t, f.op, "operator", statement.TypeAdopt, "adopt", string(body))); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) sign(t testing.TB, k *keys.Signer, author, typ, id, body string) []byte {
	t.Helper()
	env, err := statement.Sign(k, statement.Payload{Type: typ, Agreement: f.spec.ID, ID: id, Author: author, Time: f.now, Body: json.RawMessage(body)})
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// TestAgreementSkew: the log takes a statement whose author time is within
// the agreement's log.max_skew of the log time, either way, and refuses
// one beyond it.
func TestAgreementSkew(t *testing.T) {
	doc, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	doc = bytes.Replace(doc, []byte("\nlog:\n"), []byte("\nlog:\n  max_skew: 1h\n"), 1)
	f := openDoc(t, testenv.Backend{Name: "sqlite", Open: testenv.SQLite}, doc)
	for _, c := range []struct {
		off time.Duration
		ok  bool
	}{{-59 * time.Minute, true}, {59 * time.Minute, true}, {-61 * time.Minute, false}, {61 * time.Minute, false}} {
		_, err := f.log.Append(context.Background(), f.signAt(t, f.now.Add(c.off), fmt.Sprint("skew", c.off)))
		if c.ok && err != nil || !c.ok && (!errors.Is(err, state.ErrInvalid) || !strings.Contains(err.Error(), "log.max_skew 1h")) {
			t.Errorf("signed %v from the log time: %v", c.off, err)
		}
	}
}

// signAt signs a clock tick with the author's clock at at.
func (f *fixture) signAt(t testing.TB, at time.Time, id string) []byte {
	t.Helper()
	env, err := statement.Sign(f.op, statement.Payload{Type: statement.TypeClockTick, Agreement: f.spec.ID, ID: id, Author: "operator", Time: at, Body: json.RawMessage("{}")})
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// unsigned wraps a payload, as given, in an envelope whose signature has
// the right shape; the log refuses a payload that is not canonical before
// it verifies the signature.
func unsigned(payload string) []byte {
	b, _ := json.Marshal(map[string]any{
		"payloadType": statement.PayloadType,
		"payload":     base64.StdEncoding.EncodeToString([]byte(payload)),
		"signatures":  []map[string]string{{"keyid": "", "sig": base64.StdEncoding.EncodeToString(make([]byte, 64))}},
	})
	return b
}

func (f *fixture) tick(t testing.TB, id string) []byte {
	return f.sign(t, f.op, "operator", statement.TypeClockTick, id, "{}")
}

func both(t *testing.T, fn func(t *testing.T, b testenv.Backend)) {
	for _, b := range testenv.Backends() {
		t.Run(b.Name, func(t *testing.T) { fn(t, b) })
	}
}

// TestProofsEverySize appends 1,000 statements concurrently and checks,
// for every size from 1 to 1,000, the root, an inclusion proof and a
// consistency proof with transparency-dev/merkle's verifier.
func TestProofsEverySize(t *testing.T) {
	both(t, func(t *testing.T, b testenv.Backend) {
		f := open(t, b)
		ctx := context.Background()
		const n = 999 // plus the adoption
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := f.log.Append(ctx, f.tick(t, fmt.Sprintf("tick-%d", i))); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		h, _, ref := reference(t, f.log)
		if h.Size != n+1 {
			t.Fatalf("head %d; want %d", h.Size, n+1)
		}
		r := rand.New(rand.NewPCG(3, 4))
		for size := uint64(1); size <= h.Size; size++ {
			root, err := f.log.RootAt(ctx, size)
			if err != nil || !bytes.Equal(root, ref.HashAt(size)) {
				t.Fatalf("root at %d: %x, %v", size, root, err)
			}
			i := r.Uint64N(size)
			p, err := f.log.InclusionProof(ctx, i, size)
			if err != nil {
				t.Fatal(err)
			}
			if err := proof.VerifyInclusion(rfc6962.DefaultHasher, i, size, ref.LeafHash(i), p, root); err != nil {
				t.Fatalf("inclusion of %d in %d: %v", i, size, err)
			}
			old := 1 + r.Uint64N(size)
			c, err := f.log.ConsistencyProof(ctx, old, size)
			if err != nil {
				t.Fatal(err)
			}
			if err := proof.VerifyConsistency(rfc6962.DefaultHasher, old, size, c, ref.HashAt(old), root); err != nil {
				t.Fatalf("consistency %d→%d: %v", old, size, err)
			}
		}
	})
}

// TestRejectionsLeaveNoTrace sends good and bad statements in one burst:
// the bad ones are refused with the right error and nothing of them is
// written, the good ones land.
func TestRejectionsLeaveNoTrace(t *testing.T) {
	both(t, func(t *testing.T, b testenv.Backend) {
		f := open(t, b)
		ctx := context.Background()
		stranger := key(t, "stranger")
		treasury := key(t, "il-treasury")
		first := f.tick(t, "dup")
		cases := []struct {
			name string
			env  []byte
			want error
		}{
			{"good 1", f.tick(t, "good-1"), nil},
			{"unknown author", f.sign(t, stranger, "stranger", statement.TypeClockTick, "s-1", "{}"), state.ErrForbidden},
			{"wrong key", f.sign(t, stranger, "operator", statement.TypeClockTick, "s-2", "{}"), state.ErrForbidden},
			{"duty not held", f.sign(t, treasury, "il-treasury", statement.TypeClockTick, "s-3", "{}"), state.ErrForbidden},
			{"unknown type", unsigned(`{"type":"launch.missile","agreement":"il-kp-1993","id":"s-4","author":"operator","time":"1993-08-01T00:00:00Z","body":{}}`), state.ErrUnknownType},
			{"bad body", unsigned(`{"type":"clock.tick","agreement":"il-kp-1993","id":"s-5","author":"operator","time":"1993-08-01T00:00:00Z","body":{"x":1}}`), statement.ErrMalformed},
			{"author twice", unsigned(`{"type":"clock.tick","agreement":"il-kp-1993","id":"s-7","author":"operator","author":"il-treasury","time":"1993-08-01T00:00:00Z","body":{}}`), statement.ErrMalformed},
			{"signed two days early", f.signAt(t, f.now.Add(-48*time.Hour), "s-8"), state.ErrInvalid},
			{"signed in year 1", f.signAt(t, time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC), "s-9"), state.ErrInvalid},
			{"signed in 9999", f.signAt(t, time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), "s-10"), state.ErrInvalid},
			{"second adoption", f.sign(t, f.op, "operator", statement.TypeAdopt, "s-6", `{"document":"surety: v1"}`), state.ErrInvalid},
			{"good 2", f.tick(t, "good-2"), nil},
		}
		if _, err := f.log.Append(ctx, first); err != nil {
			t.Fatal(err)
		}
		before, _ := f.log.Head(ctx)
		var wg sync.WaitGroup
		errs := make([]error, len(cases))
		for i, c := range cases {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = f.log.Append(ctx, c.env)
			}()
		}
		// The same id with other content is a conflict; the same bytes are
		// the same entry.
		dupErr := func() error {
			_, err := f.log.Append(ctx, f.sign(t, f.op, "operator", statement.TypeClockTick, "dup", `{}`))
			return err
		}
		wg.Wait()
		for i, c := range cases {
			if c.want == nil && errs[i] != nil || c.want != nil && !errors.Is(errs[i], c.want) {
				t.Errorf("%s: got %v, want %v", c.name, errs[i], c.want)
			}
		}
		f.now = f.now.Add(time.Second)
		if err := dupErr(); !errors.Is(err, state.ErrConflict) {
			t.Errorf("duplicate id: got %v, want a conflict", err)
		}
		res, err := f.log.Append(ctx, first)
		if err != nil || !res.Existing || res.Index != 1 {
			t.Errorf("resubmitting identical bytes: %+v, %v; want the original index 1", res, err)
		}
		after, _ := f.log.Head(ctx)
		if after.Size != before.Size+2 {
			t.Errorf("log grew from %d to %d; want exactly the two good statements", before.Size, after.Size)
		}
		err = f.st.View(ctx, func(tx store.ReadTx) error {
			for _, id := range []string{"s-1", "s-2", "s-3", "s-4", "s-5", "s-6"} {
				if _, err := tx.Statement(f.spec.ID, id); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("rejected statement %s left a trace: %v", id, err)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func dump(t *testing.T, st store.Store, log string) []string {
	var rows []string
	err := st.View(context.Background(), func(tx store.ReadTx) error {
		return tx.Dump(log, func(kind, key string, value []byte) error {
			rows = append(rows, kind+"|"+key+"|"+string(value))
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestRebuildIdentical replays the log into a dropped state and compares
// every row, after key changes that the replay must apply in order.
func TestRebuildIdentical(t *testing.T) {
	both(t, func(t *testing.T, b testenv.Backend) {
		f := open(t, b)
		ctx := context.Background()
		office := key(t, "il-inspection-office")
		newKey := key(t, "il-insp-fnj-3")
		rotated := key(t, "il-insp-fnj-1-rotated")
		steps := [][]byte{
			f.sign(t, office, "il-inspection-office", statement.TypeKeyAdd, "k-1",
				fmt.Sprintf(`{"principal":"il-insp-fnj-3","key":%q,"party":"il-inspectorate","duties":["inspector"],"sites":["fnj"]}`, newKey.VKey())),
			f.sign(t, key(t, "il-insp-fnj-1"), "il-insp-fnj-1", statement.TypeKeyAdd, "k-2", fmt.Sprintf(`{"principal":"il-insp-fnj-1","key":%q}`, rotated.VKey())),
			f.sign(t, rotated, "il-insp-fnj-1", statement.TypeKeyRevoke, "k-3", fmt.Sprintf(`{"principal":"il-insp-fnj-1","key_id":%q}`, statement.KeyID(key(t, "il-insp-fnj-1").Public()))),
			f.tick(t, "t-1"),
		}
		for _, s := range steps {
			if _, err := f.log.Append(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		// The revoked key can no longer sign.
		old := f.sign(t, key(t, "il-insp-fnj-1"), "il-insp-fnj-1", statement.TypeKeyAdd, "k-4", fmt.Sprintf(`{"principal":"il-insp-fnj-1","key":%q}`, key(t, "x").VKey()))
		if _, err := f.log.Append(ctx, old); !errors.Is(err, state.ErrForbidden) {
			t.Errorf("a revoked key signed: %v", err)
		}
		before := dump(t, f.st, f.spec.ID)
		if len(before) < 10 {
			t.Fatalf("state has only %d rows", len(before))
		}
		if err := f.log.Rebuild(ctx); err != nil {
			t.Fatal(err)
		}
		after := dump(t, f.st, f.spec.ID)
		if fmt.Sprint(before) != fmt.Sprint(after) {
			t.Errorf("rebuild changed the state:\nbefore %v\nafter  %v", before, after)
		}
	})
}

// TestCheckpoint signs a checkpoint and verifies it with sumdb/note and
// transparency-dev/formats, not only our own code.
func TestCheckpoint(t *testing.T) {
	f := open(t, testenv.Backend{Name: "sqlite", Open: testenv.SQLite})
	ctx := context.Background()
	for i := range 5 {
		if _, err := f.log.Append(ctx, f.tick(t, fmt.Sprint("c-", i))); err != nil {
			t.Fatal(err)
		}
	}
	pub := &ledger.Publisher{Log: f.log, Origin: f.spec.Origin(), Signer: f.op.Note()}
	cp, err := pub.Publish(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	v, err := note.NewVerifier(f.op.VKey())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := note.Open(cp, note.VerifierList(v)); err != nil {
		t.Fatalf("sumdb/note does not verify the checkpoint: %v", err)
	}
	c, _, _, err := flog.ParseCheckpoint(cp, f.spec.Origin(), v)
	if err != nil {
		t.Fatalf("formats/log does not parse it: %v", err)
	}
	h, _ := f.log.Head(ctx)
	if c.Size != h.Size || !bytes.Equal(c.Hash, h.Root) || c.Origin != "surety.local/il-kp-1993" {
		t.Errorf("checkpoint %+v, head %d %x", c, h.Size, h.Root)
	}
	stored, err := f.log.Checkpoint(ctx)
	if err != nil || !bytes.Equal(stored, cp) {
		t.Errorf("stored checkpoint differs: %v", err)
	}
}

// TestReopen closes and reopens the log: the tree's edge is rebuilt from
// the tiles and appending goes on with the same roots.
func TestReopen(t *testing.T) {
	both(t, func(t *testing.T, b testenv.Backend) {
		f := open(t, b)
		ctx := context.Background()
		ref := testonly.New(rfc6962.DefaultHasher)
		for i := range 300 {
			if _, err := f.log.Append(ctx, f.tick(t, fmt.Sprint("r-", i))); err != nil {
				t.Fatal(err)
			}
		}
		f.log.Close()
		l2, err := ledger.Open(ctx, ledger.Options{Store: f.st, Log: f.spec.ID, Now: func() time.Time { return f.now }})
		if err != nil {
			t.Fatal(err)
		}
		defer l2.Close()
		for i := range 300 {
			if _, err := l2.Append(ctx, f.tick(t, fmt.Sprint("s-", i))); err != nil {
				t.Fatal(err)
			}
		}
		es, _ := l2.Entries(ctx, 0, 601)
		ref.AppendData(es...)
		h, _ := l2.Head(ctx)
		if !bytes.Equal(h.Root, ref.Hash()) {
			t.Errorf("root after reopen %x, reference %x", h.Root, ref.Hash())
		}
	})
}
