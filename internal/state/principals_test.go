package state

import (
	"encoding/json"
	"errors"
	"testing"
)

// TestAuthor checks the projector's decoded authors against the record
// they come from: a key revoked, a principal's record put back as it was
// before (a batch applied again over other writes), and a principal
// removed are each seen at the next statement, as LoadPrincipal sees them.
func TestAuthor(t *testing.T) {
	kv := memKV{}
	put := func(pr Principal) {
		b, err := json.Marshal(pr)
		if err != nil {
			t.Fatal(err)
		}
		if err := kv.Put(kindPrincipal, pr.ID, b); err != nil {
			t.Fatal(err)
		}
	}
	p := NewProjector()
	check := func(what string, want bool) {
		t.Helper()
		pr, err := p.author(kv, "kp-declarant")
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if got := pr.current("k1"); got != want {
			t.Errorf("%s: k1 current %v, want %v", what, got, want)
		}
		lp, err := LoadPrincipal(kv, "kp-declarant")
		if err != nil || lp.current("k1") != pr.current("k1") || len(lp.Keys) != len(pr.Keys) {
			t.Errorf("%s: the projector's author %+v, LoadPrincipal %+v (%v)", what, pr, lp, err)
		}
	}
	at := uint64(7)
	open := Principal{ID: "kp-declarant", Party: "KP", Keys: []Key{{ID: "k1", Public: make([]byte, 32), Added: 1}}}
	revoked := open
	revoked.Keys = []Key{{ID: "k1", Public: make([]byte, 32), Added: 1, Revoked: &at}}
	put(open)
	check("added", true)
	check("read again", true)
	put(revoked)
	check("revoked", false)
	put(open)
	check("the revocation undone", true)
	delete(kv[kindPrincipal], "kp-declarant")
	if _, err := p.author(kv, "kp-declarant"); !errors.Is(err, ErrForbidden) {
		t.Errorf("a principal no longer held: %v", err)
	}
}
