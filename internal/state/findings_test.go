package state_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/compliance"
	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/statement"
)

// TestFindingByBody: only a member of the body an obligation names as its
// finder may move the question; one member's no defeats a consensus and
// finds nothing; the approved question is a violation of the obligation's
// party, cited to the deciding vote; a question not decided in the body's
// days takes its default.
func TestFindingByBody(t *testing.T) {
	w := newLog(t, "agreed-framework-1994", "kp-us-1994", "1994-10-21")
	move := func(when, as, id, obligation string) error {
		return w.send(when, as, statement.TypeMove, id, statement.MoveBody{Body: "kedo-board", Obligation: obligation, Text: "an enrichment programme acknowledged"})
	}
	vote := func(when, as, q string, b agreement.Ballot) error {
		return w.send(when, as, statement.TypeVote, "v-"+as+"-"+strings.ReplaceAll(strings.ReplaceAll(q, ":", "-"), "/", "-"),
			statement.VoteBody{Body: "kedo-board", Question: q, Vote: b})
	}
	if err := move("2002-11-01", "kp-gdae", "m-0", "no-enrichment"); !errors.Is(err, state.ErrForbidden) {
		t.Errorf("a non-member's motion: %v", err)
	}
	if err := move("2002-11-01", "kedo-eb-us", "m-1", "freeze-yongbyon"); !errors.Is(err, state.ErrInvalid) {
		t.Errorf("a motion on an obligation the board does not find: %v", err)
	}
	members := []string{"kedo-eb-us", "kedo-eb-rok", "kedo-eb-japan", "kedo-eb-eu"}
	// One no: not approved at once, nothing found.
	if err := move("2002-11-01", "kedo-eb-us", "m-2", "no-enrichment"); err != nil {
		t.Fatal(err)
	}
	q := "finding:no-enrichment/m-2"
	for i, m := range members {
		b := agreement.Yes
		if i == 1 {
			b = agreement.No
		}
		err := vote("2002-11-02", m, q, b)
		if i <= 1 && err != nil {
			t.Fatal(err)
		}
		if i > 1 && !errors.Is(err, state.ErrConflict) {
			t.Errorf("a vote after the question fell: %v", err)
		}
	}
	// Approved by all four: a violation, cited to the last vote.
	if err := move("2002-11-05", "kedo-eb-us", "m-3", "no-enrichment"); err != nil {
		t.Fatal(err)
	}
	for _, m := range members {
		if err := vote("2002-11-14", m, "finding:no-enrichment/m-3", agreement.Yes); err != nil {
			t.Fatal(err)
		}
	}
	// Moved and left undecided: the default, not approved, at 30 days.
	if err := move("2002-11-15", "kedo-eb-us", "m-4", "npt"); err != nil {
		t.Fatal(err)
	}
	w.tick("2002-12-20")
	var found []state.Event
	var q4 *state.Question
	w.view(func(kv state.KV) error {
		es, err := state.Events(kv, at("2002-11-01"), at("2002-12-31"))
		for _, e := range es {
			if e.Kind == compliance.Found {
				found = append(found, e)
			}
		}
		if err == nil {
			q4, err = state.LoadQuestion(kv, "finding:npt/m-4")
		}
		return err
	})
	if len(found) != 1 || found[0].Party != "dprk" || found[0].Obligation != "no-enrichment" || found[0].Statement != "v-kedo-eb-eu-finding-no-enrichment-m-3" {
		t.Errorf("findings %+v; want one, of the approved motion, cited to its deciding vote", found)
	}
	if q4.Outcome != agreement.NotApproved || !q4.Decided.Equal(at("2002-12-15")) {
		t.Errorf("the undecided motion: %s at %s", q4.Outcome, q4.Decided)
	}
	if v := w.verdict(96, "dprk"); v.Verdict != compliance.NonCompliant || v.Reasons[0].Kind != compliance.Found {
		t.Errorf("period 96: dprk %s %+v", v.Verdict, v.Reasons)
	}
}
