package state_test

import (
	"time"

	"testing"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/compliance"
	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/statement"
)

// TestSectionQ: a challenge refused within its 14 days is referred to the
// Joint Commission, not a breach; approved 5 of 8, Iran has 3 days, and a
// refusal then is final; not approved, the challenge is dropped with no
// breach.
func TestSectionQ(t *testing.T) {
	w := newLog(t, "jcpoa-2015", "jcpoa-2015", "2015-10-18")
	w.now = at("2016-01-16T12:00")
	w.ok("iaea-dg", statement.TypeVerified, "report-1", statement.VerifiedBody{Steps: []string{
		"enrichment-capacity", "enriched-stockpile", "fordow-conversion", "arak-core-removed", "additional-protocol"}})
	challenge := func(when, id string) {
		w.now = at(when)
		w.ok("iaea-dg", statement.TypeChallenge, id, statement.ChallengeBody{Site: "other-locations", Description: "a building"})
		w.now = at(when).AddDate(0, 0, 2)
		w.ok("ir-mfa", statement.TypeResponse, id+"-no", statement.ResponseBody{Challenge: id, Granted: false, Reason: "a military site"})
	}
	status := func(id string) state.ChallengeStatus {
		var s state.ChallengeStatus
		w.view(func(kv state.KV) error {
			ch, err := state.LoadChallenge(kv, id)
			if err == nil {
				s = ch.Status
			}
			return err
		})
		return s
	}
	refusals := func() int {
		n := 0
		w.view(func(kv state.KV) error {
			es, err := state.Events(kv, at("2016-01-01"), at("2018-01-01"))
			for _, e := range es {
				if e.Kind == compliance.ChallengeRefused {
					n++
				}
			}
			return err
		})
		return n
	}
	challenge("2017-03-01", "q-1")
	if s := status("q-1"); s != state.ChallengeReferred || refusals() != 0 {
		t.Fatalf("refused within the 14 days: %s, %d refusals; want referred and no breach", s, refusals())
	}
	for i, m := range []string{"e3eu3-fr", "e3eu3-de", "e3eu3-uk", "e3eu3-us", "e3eu3-coordinator"} {
		w.now = at("2017-03-04").Add(minutes(i))
		w.ok(m, statement.TypeVote, "v1-"+m, statement.VoteBody{Body: "joint-commission-access", Question: "access:q-1", Vote: agreement.Yes})
	}
	if s := status("q-1"); s != state.ChallengePending {
		t.Fatalf("approved 5 of 8: %s; want pending, Iran to comply", s)
	}
	w.tick("2017-03-08") // the 3 days to comply have passed
	if s := status("q-1"); s != state.ChallengeRefused || refusals() != 1 {
		t.Errorf("no access after the approval: %s, %d refusals; want refused, a breach", s, refusals())
	}

	challenge("2017-06-01", "q-2")
	for i, m := range []string{"e3eu3-fr", "e3eu3-de", "e3eu3-uk", "e3eu3-us"} {
		w.now = at("2017-06-04").Add(minutes(i))
		w.ok(m, statement.TypeVote, "v2-"+m, statement.VoteBody{Body: "joint-commission-access", Question: "access:q-2", Vote: agreement.Yes})
	}
	w.tick("2017-06-20")
	if s := status("q-2"); s != state.ChallengeDropped || refusals() != 1 {
		t.Errorf("four of eight: %s, %d refusals; want dropped and no new breach", s, refusals())
	}
}

func minutes(i int) time.Duration { return time.Duration(i) * time.Minute }
