package screening

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/screening/items"
	"github.com/surety/surety/internal/screening/names"
)

// Context is what a declaration is screened against: the agreement, the
// lists and relief in force, and the declaration's own history, all as of
// the declaration's position in the log.
type Context struct {
	Spec *agreement.Spec
	// Rules are the agreement's controlled-item categories, compiled once
	// with items.Compile; nil when the agreement has none.
	Rules *items.Rules
	// Index holds the names of the list editions in force; nil when none
	// has been adopted.
	Index *names.Index
	// Lifted are the Refs lifted by sanctions relief.
	Lifted map[string]bool
	// InForce are the obligations in force at the declaration's log time.
	InForce []agreement.Obligation
	// Late is set when the declaration was made after departure or inside
	// the lead time.
	Late bool
	// Amendments is how many times the declaration has been amended.
	Amendments int
}

// Result is a declaration's screening: its risk, the reasons for it, and
// what each party and item matched.
type Result struct {
	// Risk is in [0, 1], rounded to six decimals.
	Risk float64 `json:"risk"`
	// Reasons are the signals that fired, in the order of Screen's formula.
	Reasons []Reason `json:"reasons"`
	// Names are the parties' hits on the lists, by role.
	Names []NameHit `json:"names,omitempty"`
	// Items are the items that fell in a controlled category or whose
	// description does not fit their HS code.
	Items []ItemResult `json:"items,omitempty"`
	// Flags are the signals that fired, sorted.
	Flags []string `json:"flags"`
}

// NameHit is a hit of one of the declaration's parties on a list.
type NameHit struct {
	// Role is consignor, consignee or end_user.
	Role string `json:"role"`
	names.Hit
}

// ItemResult is what screening found about one item.
type ItemResult struct {
	// Index is the item's index in the declaration.
	Index    int             `json:"index"`
	Matches  []items.Match   `json:"matches,omitempty"`
	Mismatch *items.Mismatch `json:"mismatch,omitempty"`
}

// namesPerRole is how many hits Screen keeps for each party.
const namesPerRole = 3

// Screen screens a declaration and scores its risk as the package
// documentation describes. It is deterministic: the same declaration and
// context give a Result with the same JSON bytes.
func Screen(d Declaration, c Context) Result {
	spec := c.Spec
	if spec == nil {
		spec = &agreement.Spec{}
	}
	w := spec.Verification.Sampling.Weights
	var r Result

	// Names.
	var best float64
	var named []string
	if c.Index != nil {
		threshold := cmp.Or(spec.Verification.MatchThreshold, names.DefaultThreshold)
		seen := map[string][]names.Hit{}
		for _, p := range []struct {
			role string
			name string
		}{{"consignor", d.Consignor.Name}, {"consignee", d.Consignee.Name}, {"end_user", d.EndUser.Name}} {
			if strings.TrimSpace(p.name) == "" {
				continue
			}
			hits, ok := seen[p.name]
			if !ok {
				hits = c.Index.Search(names.Query{Name: p.name, Limit: namesPerRole, Threshold: threshold, Lifted: c.Lifted})
				seen[p.name] = hits
			}
			for _, h := range hits {
				r.Names = append(r.Names, NameHit{Role: p.role, Hit: h})
			}
			if len(hits) > 0 {
				h := hits[0]
				best = max(best, h.Score)
				named = append(named, fmt.Sprintf("%s %q matches %s %s %s at %.3f (%s)", strings.ReplaceAll(p.role, "_", " "), p.name, h.Source, h.Ref, h.Name, h.Score, h.Why))
			}
		}
	}
	if named != nil {
		r.Reasons = append(r.Reasons, weigh(SignalList, w.ListHit, best, strings.Join(named, "; ")))
	}

	// Items.
	var hit, mismatched []string
	for i, it := range d.Items {
		ir := ItemResult{Index: i}
		if c.Rules != nil {
			ir.Matches = c.Rules.Classify(it.Description, it.HSCode)
		}
		if m, ok := items.Check(it.Description, it.HSCode); ok {
			ir.Mismatch = &m
			mismatched = append(mismatched, fmt.Sprintf("items[%d]: %s", i, m.Why))
		}
		if ir.Matches == nil && ir.Mismatch == nil {
			continue
		}
		if ir.Matches != nil {
			hit = append(hit, fmt.Sprintf("items[%d] %q (HS %s) falls in %s", i, it.Description, it.HSCode, categories(ir.Matches)))
		}
		r.Items = append(r.Items, ir)
	}
	if hit != nil {
		r.Reasons = append(r.Reasons, weigh(SignalItem, w.ItemHit, 1, strings.Join(hit, "; ")))
	}
	if mismatched != nil {
		r.Reasons = append(r.Reasons, weigh(SignalMismatch, w.Mismatch, 1, strings.Join(mismatched, "; ")))
	}

	// Destination and route.
	if ps := prohibited(d, c.InForce, r.Items); ps != nil {
		r.Reasons = append(r.Reasons, weigh(SignalDestination, w.Destination, 1, strings.Join(ps, "; ")))
	}
	if ts := transshipped(d, w.Transshipment); ts != nil {
		r.Reasons = append(r.Reasons, weigh(SignalRoute, w.Route, 1, "transit through "+strings.Join(ts, ", ")+", listed for transshipment"))
	}
	if elsewhere(d) {
		r.Reasons = append(r.Reasons, weigh(SignalEndUser, w.EndUser, 1,
			fmt.Sprintf("end user %q is in %s, consignee %q in %s", d.EndUser.Name, d.EndUser.Country, d.Consignee.Name, d.Consignee.Country)))
	}

	// History.
	if c.Late {
		r.Reasons = append(r.Reasons, weigh(SignalLate, w.Late, 1, "declared after departure or inside the lead time"))
	}
	if c.Amendments > 0 {
		x := min(1, float64(c.Amendments)/2)
		times := "times"
		if c.Amendments == 1 {
			times = "time"
		}
		r.Reasons = append(r.Reasons, weigh(SignalAmended, w.Amendment, x, fmt.Sprintf("amended %d %s; value min(1, %d/2)", c.Amendments, times, c.Amendments)))
	}

	var sum float64
	r.Flags = []string{}
	if r.Reasons == nil {
		r.Reasons = []Reason{}
	}
	for _, x := range r.Reasons {
		sum += x.Contribution
		r.Flags = append(r.Flags, x.Signal)
	}
	slices.Sort(r.Flags)
	r.Risk = round(min(1, sum))
	return r
}

// categories writes an item's matches grouped by category, as in
// "mtcr-cat1 (hs_prefix 880260, pattern 'rocket (stage|motor|engine)')".
func categories(ms []items.Match) string {
	var parts []string
	for i := 0; i < len(ms); {
		j := i
		var rules []string
		for ; j < len(ms) && ms[j].Category == ms[i].Category; j++ {
			rules = append(rules, ms[j].Rule)
		}
		parts = append(parts, ms[i].Category+" ("+strings.Join(rules, ", ")+")")
		i = j
	}
	return strings.Join(parts, " and ")
}
