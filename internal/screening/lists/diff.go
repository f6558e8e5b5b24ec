package lists

import (
	"fmt"
	"slices"
	"strings"
)

// Changes is what changed from one edition of a list to the next, as far as
// screening is concerned: entries added and removed, and, per Ref kept,
// changes of primary name and aliases. Every list is sorted by Ref.
type Changes struct {
	Old, New string // the editions compared, as Edition.String gives them
	Added    []Entry
	Removed  []Entry
	Changed  []Change
}

// Change is how one entry present in both editions changed.
type Change struct {
	Ref     string
	Name    string // the primary name in the new edition
	OldName string // the primary name in the old edition, when it changed
	Added   []Alias
	Removed []Alias
}

// Diff compares two editions of a list by Ref. An alias counts as changed when
// its name, type or quality differs; white space was collapsed on import, so
// line breaks in the source do not count.
func Diff(old, new Edition) Changes {
	c := Changes{Old: old.String(), New: new.String()}
	o, n := sortedByRef(old.Entries), sortedByRef(new.Entries)
	i, j := 0, 0
	for i < len(o) || j < len(n) {
		switch {
		case j == len(n) || (i < len(o) && o[i].Ref < n[j].Ref):
			c.Removed = append(c.Removed, o[i])
			i++
		case i == len(o) || n[j].Ref < o[i].Ref:
			c.Added = append(c.Added, n[j])
			j++
		default:
			if ch, ok := change(o[i], n[j]); ok {
				c.Changed = append(c.Changed, ch)
			}
			i++
			j++
		}
	}
	return c
}

func sortedByRef(es []Entry) []Entry {
	if slices.IsSortedFunc(es, func(a, b Entry) int { return strings.Compare(a.Ref, b.Ref) }) {
		return es
	}
	es = slices.Clone(es)
	slices.SortStableFunc(es, func(a, b Entry) int { return strings.Compare(a.Ref, b.Ref) })
	return es
}

func change(o, n Entry) (Change, bool) {
	ch := Change{Ref: n.Ref, Name: n.Name}
	if o.Name != n.Name {
		ch.OldName = o.Name
	}
	for _, a := range n.Aliases {
		if !slices.Contains(o.Aliases, a) {
			ch.Added = append(ch.Added, a)
		}
	}
	for _, a := range o.Aliases {
		if !slices.Contains(n.Aliases, a) {
			ch.Removed = append(ch.Removed, a)
		}
	}
	return ch, ch.OldName != "" || ch.Added != nil || ch.Removed != nil
}

// String renders the changes as text, one line per entry or alias:
//
//	un 2018-10-29 (1093 entries) -> un 2026-02-27 (1003 entries): 111 added, 201 removed, 40 changed
//	+ IRe.006 ATOMIC ENERGY ORGANISATION OF IRAN (AEOI) [Iran]
//	- IQe.003 ...
//	~ KPi.008 RA KY'ONG-SU
//	    + alias "Ra Kyung-Su" (aka, strong)
func (c Changes) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s -> %s: %d added, %d removed, %d changed\n", c.Old, c.New, len(c.Added), len(c.Removed), len(c.Changed))
	for _, e := range c.Added {
		fmt.Fprintf(&b, "+ %s %s%s\n", e.Ref, e.Name, programs(e))
	}
	for _, e := range c.Removed {
		fmt.Fprintf(&b, "- %s %s%s\n", e.Ref, e.Name, programs(e))
	}
	for _, ch := range c.Changed {
		fmt.Fprintf(&b, "~ %s %s\n", ch.Ref, ch.Name)
		if ch.OldName != "" {
			fmt.Fprintf(&b, "    name was %q\n", ch.OldName)
		}
		for _, a := range ch.Added {
			fmt.Fprintf(&b, "    + alias %q (%s, %s)\n", a.Name, a.Type, a.Quality)
		}
		for _, a := range ch.Removed {
			fmt.Fprintf(&b, "    - alias %q (%s, %s)\n", a.Name, a.Type, a.Quality)
		}
	}
	return b.String()
}

func programs(e Entry) string {
	if len(e.Programs) == 0 {
		return ""
	}
	return " [" + strings.Join(e.Programs, ", ") + "]"
}
