package agreement

import (
	"fmt"
	"slices"
)

// Notes are the readings the engine applies where the agreement is
// silent, each with the field it is about and, from Parse, its position: a
// suspension with no end is read strictly; an inspectorate with no
// inspection obligation bears no verdict for its failures; a withheld
// breach with no cure period can be cured at any time. They are not
// problems; `surety agreement check` prints them so that negotiators see
// what the text leaves open.
func (s *Spec) Notes() Problems {
	if s.notes == nil {
		return s.readings()
	}
	return s.notes
}

func (s *Spec) readings() Problems {
	ns := Problems{}
	add := func(path, format string, args ...any) {
		ns = append(ns, Problem{Path: path, Msg: fmt.Sprintf(format, args...)})
	}
	for i, q := range s.Consequences {
		path := at("consequences", i)
		switch {
		case (q.Effect == SuspendTranches || q.Effect == SuspendDeliveries) && q.Restore == "" && q.ForfeitAfter == nil:
			add(path, "%s of %s on %s by %s names no end (restore or forfeit_after): it is read strictly, as final: what it suspends is never restored", q.Effect, q.Incentive, q.On, q.Party)
		case q.Effect == WithholdTranches && q.Cure == nil:
			add(path, "%s of %s on %s by %s names no cure period: the tranches stay withheld until the breach is cured, without limit", q.Effect, q.Incentive, q.On, q.Party)
		}
	}
	for i, p := range s.Parties {
		if p.Role != Inspectorate || !s.Declares() {
			continue
		}
		if !slices.ContainsFunc(s.Obligations, func(o Obligation) bool { return o.Kind == Inspect && o.Party == p.ID }) {
			add(at("parties", i), "the inspectorate %s has no inspection obligation: selections it fails to inspect lower the assurance and are charged to it, but it bears no verdict", p.ID)
		}
	}
	if s.Verification.Gain == nil && s.Declares() {
		add("verification", "no gain from a violation is declared (verification.gain): the periods' statements cannot say whether detection deters")
	}
	return ns
}
