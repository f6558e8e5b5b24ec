package agreement

import (
	"slices"
	"strconv"
	"strings"
)

// Ballot is one member's vote on a question put to a body.
type Ballot string

// The ballots.
const (
	Yes     Ballot = "yes"
	No      Ballot = "no"
	Abstain Ballot = "abstain"
)

// Ballots lists the ballots a member may cast.
var Ballots = []Ballot{Yes, No, Abstain}

// Member reports whether the principal is a member of the body.
func (b Body) Member(principal string) bool { return slices.Contains(b.Members, principal) }

// Tally says what the votes cast so far, by member, come to under the
// body's rule: Approved once they carry the question, NotApproved once
// they can no longer carry it, and "" while it stays open. Votes of
// non-members count for nothing.
func (b Body) Tally(votes map[string]Ballot) Outcome {
	n, yes, no, cast := len(b.Members), 0, 0, 0
	for _, m := range b.Members {
		switch votes[m] {
		case Yes:
			yes++
		case No:
			no++
		}
		if votes[m] != "" {
			cast++
		}
	}
	switch b.Rule {
	case Consensus:
		if yes == n {
			return Approved
		}
		if cast > yes {
			return NotApproved
		}
	case Quorum:
		if yes >= b.Quorum {
			return Approved
		}
		if n-(cast-yes) < b.Quorum {
			return NotApproved
		}
	case ReverseVeto:
		vetoed := slices.ContainsFunc(b.Vetoes, func(m string) bool { return votes[m] == No })
		if vetoed || n-(cast-yes) < b.Quorum {
			return NotApproved
		}
		voted := !slices.ContainsFunc(b.Vetoes, func(m string) bool { return votes[m] == "" })
		if yes >= b.Quorum && voted {
			return Approved
		}
	}
	return ""
}

// RuleText says the body's rule in a few words.
func (b Body) RuleText() string {
	var s string
	switch b.Rule {
	case Consensus:
		s = "consensus of all " + strconv.Itoa(len(b.Members))
	case Quorum:
		s = strconv.Itoa(b.Quorum) + " of " + strconv.Itoa(len(b.Members))
	case ReverseVeto:
		s = "a resolution needs " + strconv.Itoa(b.Quorum) + " of " + strconv.Itoa(len(b.Members))
		if len(b.Vetoes) > 0 {
			s += " and no veto by " + strings.Join(b.Vetoes, ", ")
		}
	default:
		s = string(b.Rule)
	}
	return s + "; undecided by the deadline: " + strings.ReplaceAll(string(b.Outcome()), "_", " ")
}
