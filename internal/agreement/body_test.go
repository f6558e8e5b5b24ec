package agreement

import "testing"

// TestTally decides questions under each rule, vote by vote: a question
// is carried once the votes meet the rule, lost once they no longer can,
// and open in between.
func TestTally(t *testing.T) {
	eight := []string{"cn", "fr", "de", "ru", "uk", "us", "eu", "ir"}
	consensus := Body{ID: "jc", Members: eight, Rule: Consensus}
	fiveOfEight := Body{ID: "jc", Members: eight, Rule: Quorum, Quorum: 5}
	council := Body{ID: "unsc", Members: []string{"cn", "fr", "ru", "uk", "us", "a", "b", "c", "d"}, Rule: ReverseVeto, Quorum: 7,
		Vetoes: []string{"cn", "fr", "ru", "uk", "us"}}
	votes := func(yes, no, abstain []string) map[string]Ballot {
		m := map[string]Ballot{}
		for _, v := range yes {
			m[v] = Yes
		}
		for _, v := range no {
			m[v] = No
		}
		for _, v := range abstain {
			m[v] = Abstain
		}
		return m
	}
	for _, tc := range []struct {
		name    string
		body    Body
		votes   map[string]Ballot
		outcome Outcome
	}{
		{"consensus: seven of eight is not yet consensus", consensus, votes(eight[:7], nil, nil), ""},
		{"consensus: all eight", consensus, votes(eight, nil, nil), Approved},
		{"consensus: one no ends it", consensus, votes(eight[:1], []string{"ir"}, nil), NotApproved},
		{"consensus: an abstention ends it", consensus, votes(eight[:7], nil, []string{"ir"}), NotApproved},
		{"5 of 8: four yes stays open", fiveOfEight, votes(eight[:4], nil, nil), ""},
		{"5 of 8: five yes carries over three no", fiveOfEight, votes(eight[:5], eight[5:], nil), Approved},
		{"5 of 8: four no leave only four", fiveOfEight, votes(nil, eight[:4], nil), NotApproved},
		{"5 of 8: three no leave five possible", fiveOfEight, votes(eight[3:5], eight[:3], nil), ""},
		{"reverse veto: seven yes, a permanent member yet to vote", council, votes([]string{"cn", "fr", "ru", "uk", "a", "b", "c"}, nil, nil), ""},
		{"reverse veto: seven yes, one permanent member abstaining", council, votes([]string{"cn", "fr", "ru", "uk", "a", "b", "c"}, nil, []string{"us"}), Approved},
		{"reverse veto: one veto defeats eight yes", council, votes([]string{"cn", "fr", "ru", "uk", "a", "b", "c", "d"}, []string{"us"}, nil), NotApproved},
		{"reverse veto: three no from elected members leave six", council, votes(nil, []string{"a", "b", "c"}, nil), NotApproved},
		{"a non-member's vote counts for nothing", fiveOfEight, votes([]string{"cn", "fr", "de", "ru", "xx"}, nil, nil), ""},
	} {
		if got := tc.body.Tally(tc.votes); got != tc.outcome {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.outcome)
		}
	}
}
