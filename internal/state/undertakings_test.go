package state_test

import (
	"strings"
	"testing"

	"github.com/surety/surety/internal/compliance"
	"github.com/surety/surety/internal/statement"
)

// TestUndertakingOverdue: an undertaking not done by its due time is a
// breach of the party that undertook it, in every period until it is
// done; done late, it is cured, and the next period is clean of it.
func TestUndertakingOverdue(t *testing.T) {
	w := newEdited(t, func(doc string) string {
		return strings.Replace(doc, "\nincentives:\n", `
  - id: open-posts
    name: Open the inspection posts
    kind: undertaking
    party: dprk
    done: posts-open
    due: {milestone: entry-into-force, offset: 1mo}

incentives:
`, 1)
	})
	w.run(0, 3, map[string]func(){
		"1993-08-02T09:00": w.payT1,
		"1993-10-15T09:00": func() {
			w.now = at("1993-10-15T09:00")
			w.ok("il-inspection-office", statement.TypeVerified, "posts", statement.VerifiedBody{Steps: []string{"sunan-post-open", "nampo-post-open"}})
		},
	})
	w.tick("1993-12-08")
	overdue := func(p int) (bool, bool) {
		v := w.verdict(p, "dprk")
		var found, cured bool
		for _, r := range v.Reasons {
			found = found || (r.Kind == compliance.Overdue && r.Ref == "open-posts")
		}
		for _, n := range v.Notes {
			cured = cured || (n.Kind == compliance.Cured && n.Ref == "open-posts")
		}
		return found, cured
	}
	if found, _ := overdue(1); found {
		t.Errorf("period 1, before the due time: the undertaking is overdue")
	}
	for _, p := range []int{2, 3} {
		if found, _ := overdue(p); !found || w.verdict(p, "dprk").Verdict != compliance.NonCompliant {
			t.Errorf("period %d: dprk %s %+v; want non_compliant for the overdue undertaking", p, w.verdict(p, "dprk").Verdict, w.verdict(p, "dprk").Reasons)
		}
	}
	if _, cured := overdue(3); !cured {
		t.Errorf("period 3: the posts opened on 15 October, yet the overdue undertaking is not cured: %+v", w.verdict(3, "dprk").Notes)
	}
	if found, _ := overdue(4); found {
		t.Errorf("period 4, after the posts opened: still overdue")
	}
}
