package app

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	fnote "github.com/transparency-dev/formats/note"

	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/statement"
	"golang.org/x/mod/sumdb/note"
)

// TestServeChecksTheLogKey: a server refuses a log key that is not the
// agreement's log principal's.
func TestServeChecksTheLogKey(t *testing.T) {
	for _, c := range []struct {
		name, want string
	}{
		{"surety.local/il-kp-1994", `the log key is named "surety.local/il-kp-1994", but the agreement's log origin is "surety.local/il-kp-1993"`},
	} {
		k, err := keys.Derive("other", c.name)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Serve(context.Background(), ServeConfig{Agreement: "../../examples/israel-dprk-1993.yaml",
			DB: "sqlite:" + filepath.Join(t.TempDir(), "s.db"), Addr: "127.0.0.1:0", LogKey: k})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v; want %q", c.name, err, c.want)
		}
	}
	k, _ := keys.Derive("other", "surety.local/il-kp-1993")
	_, err := Serve(context.Background(), ServeConfig{Agreement: "../../examples/israel-dprk-1993.yaml",
		DB: "sqlite:" + filepath.Join(t.TempDir(), "s.db"), Addr: "127.0.0.1:0", LogKey: k})
	if err == nil || !strings.Contains(err.Error(), "does not match principal") {
		t.Errorf("a key of the right name from another seed: %v", err)
	}
}

// TestRounds: a round's items are split so that each statement's body
// stays within the bound, in order, none lost.
func TestRounds(t *testing.T) {
	var ms []statement.Commitment
	for i := range 2000 {
		ms = append(ms, statement.Commitment{Declaration: fmt.Sprintf("d-%d", i), P: 0.55, Commitment: strings.Repeat("ab", 32)})
	}
	rs := Rounds(ms)
	n := 0
	for _, r := range rs {
		b, _ := json.Marshal(statement.CommitBody{Commitments: r})
		if len(b) > roundBytes+64 {
			t.Errorf("a round of %d is %d bytes", len(r), len(b))
		}
		for _, m := range r {
			if m.Declaration != fmt.Sprintf("d-%d", n) {
				t.Fatalf("item %d is %s", n, m.Declaration)
			}
			n++
		}
	}
	if n != len(ms) || len(rs) < 2 {
		t.Errorf("%d rounds carry %d of %d", len(rs), n, len(ms))
	}
	if Rounds([]statement.Commitment(nil)) != nil {
		t.Error("no items make rounds")
	}
}

// TestRefresh: an idle log has its checkpoint cosigned again, so that the
// age of the witnesses' cosignatures tells an auditor that it is current.
func TestRefresh(t *testing.T) {
	logKey, _ := keys.Derive("demo", "surety.local/il-kp-1993")
	dir := t.TempDir()
	urls := map[string]string{}
	for _, id := range []string{"il-witness", "kp-witness"} {
		k, _ := keys.Derive("demo", id)
		u, stop, err := StartWitness(k, "127.0.0.1:0", filepath.Join(dir, id), Network{}, logKey.VKey())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(stop)
		urls[id] = u
	}
	r, err := Serve(context.Background(), ServeConfig{Agreement: "../../examples/israel-dprk-1993.yaml",
		DB: "sqlite:" + filepath.Join(dir, "s.db"), Addr: "127.0.0.1:0", LogKey: logKey, Witnesses: urls,
		Interval: 20 * time.Millisecond, Refresh: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cosigned := func() time.Time {
		cp, err := r.Log.Checkpoint(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		v, err := note.NewVerifier(logKey.VKey())
		if err != nil {
			t.Fatal(err)
		}
		n, err := note.Open(cp, note.VerifierList(v))
		if err != nil {
			t.Fatal(err)
		}
		var newest time.Time
		for _, s := range n.UnverifiedSigs {
			if ts, err := fnote.CoSigV1Timestamp(s); err == nil && ts.After(newest) {
				newest = ts
			}
		}
		return newest
	}
	first := cosigned()
	if first.IsZero() {
		t.Fatal("the first checkpoint is not cosigned")
	}
	// Cosignatures are dated to the second.
	deadline := time.Now().Add(5 * time.Second)
	for cosigned().Equal(first) {
		if time.Now().After(deadline) {
			t.Fatal("the idle log's checkpoint was not cosigned again")
		}
		time.Sleep(100 * time.Millisecond)
	}
}
