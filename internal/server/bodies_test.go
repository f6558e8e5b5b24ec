package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/statement"
)

// TestBodyVotes: where the agreement names a body for a dispute step, the
// server takes the step's decision from the body's members' votes only:
// a non-member's vote and the parties' dispute.step are refused as
// forbidden, with a problem that says who decides, and the member's vote
// resolves the dispute.
func TestBodyVotes(t *testing.T) {
	w := newWorldEdited(t, func(doc string) string {
		doc = strings.Replace(doc, "days: 30}\n  outcome: record", "days: 30, body: good-offices}\n  outcome: record", 1)
		return doc + "\nbodies:\n  - id: good-offices\n    name: Good offices of the United States\n    members: [us-observer]\n    rule: consensus\n"
	})
	body := func(v any) string {
		b, _ := json.Marshal(v)
		return string(b)
	}
	w.must(w.send("il-envoy", "il-envoy", statement.TypeDisputeRaise, "dispute-1", body(statement.RaiseBody{Against: "dprk", Description: "late declarations at Nampo"})))
	w.must(w.send("il-envoy", "il-envoy", statement.TypeDisputeStep, "dispute-1-on", body(statement.StepBody{Dispute: "dispute-1", Note: "to the good offices"})))

	const q = "dispute:dispute-1/good-offices"
	vote := statement.VoteBody{Body: "good-offices", Question: q, Vote: "yes"}
	for _, tc := range []struct{ author, typ, body, want string }{
		{"kp-export-authority", statement.TypeVote, body(vote), "kp-export-authority is not a member of body good-offices"},
		{"il-envoy", statement.TypeVote, body(vote), "il-envoy is not a member of body good-offices"},
		{"il-envoy", statement.TypeDisputeStep, body(statement.StepBody{Dispute: "dispute-1", Resolved: true}), "decided by body good-offices: its members vote on question " + q},
	} {
		w.seq++
		code, b := w.send(tc.author, tc.author, tc.typ, fmt.Sprintf("refused-%d", w.seq), tc.body)
		if code != 403 || !strings.Contains(string(b), tc.want) || !strings.Contains(string(b), `"status":403`) {
			t.Errorf("%s by %s: %d %s; want 403 saying %q", tc.typ, tc.author, code, b, tc.want)
		}
	}
	w.must(w.send("us-observer", "us-observer", statement.TypeVote, "vote-us", body(vote)))
	err := w.log.View(context.Background(), func(kv state.KV) error {
		d, err := state.LoadDispute(kv, "dispute-1")
		if err != nil {
			return err
		}
		if d.Status != state.DisputeResolved {
			t.Errorf("after the good offices' vote the dispute is %s", d.Status)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
