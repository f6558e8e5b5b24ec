package names

import (
	"slices"
	"testing"
)

// TestScorerMemo compares the aliases of the real lists, each as a search
// would, with fifty of the index's names from a place that moves with each
// query, and with the names of its own entry, by a scorer that remembers
// similarities and by one that does not: two listed words numbered as one
// whose similarities differ, or a similarity kept from an earlier query,
// would tell them apart.
func TestScorerMemo(t *testing.T) {
	un, ofac, ix := loadReal(t)
	byEntry := map[int32][]int{}
	for i := range ix.names {
		byEntry[ix.names[i].entry] = append(byEntry[ix.names[i].entry], i)
	}
	// Listed words with one number are alike in what sim reads, their
	// nickname groups too.
	seen := map[uint32]*token{}
	for i := range ix.names {
		for j := range ix.names[i].f.toks {
			tk := &ix.names[i].f.toks[j]
			if tk.uid == 0 {
				t.Fatalf("%q: a listed word without a number", ix.names[i].listed)
			}
			if o, ok := seen[tk.uid]; ok && (o.simKey() != tk.simKey() || !slices.Equal(o.groups, tk.groups)) {
				t.Fatalf("listed words %+v and %+v share number %d", *o, *tk, tk.uid)
			}
			seen[tk.uid] = tk
		}
	}
	var memo, plain scorer
	k, compared, remembered := 0, 0, 0
	for ei, e := range append(un.Entries, ofac.Entries...) {
		for _, a := range e.Aliases {
			k++
			qf := parse(a.Name)
			memo.begin(qf)
			ids := byEntry[int32(ei)]
			for j := range 50 {
				ids = append(ids, (k*97+j)%len(ix.names))
			}
			for _, id := range ids {
				nm := &ix.names[id]
				for fi := range qf {
					before := memo.epoch
					got := memo.compare(&qf[fi], &nm.f, nm.acro, nil)
					want := plain.compare(&qf[fi], &nm.f, nm.acro, nil)
					if got != want || memo.epoch != before {
						t.Fatalf("%q against %q: %v remembering, %v not", a.Name, nm.listed, got, want)
					}
					compared++
				}
			}
		}
	}
	for _, m := range memo.memo {
		if m.epoch == memo.epoch {
			remembered++
		}
	}
	if compared < 100000 || remembered == 0 {
		t.Fatalf("%d comparisons, %d similarities remembered in the last search", compared, remembered)
	}
}
