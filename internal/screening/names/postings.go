package names

import (
	"math/bits"
	"slices"
)

// postings maps each key of the index to the names filed under it: an
// open-addressing table of keys, at most half full, over one array of name
// ids. A lookup reads one slot, or a few in a row, and then the ids, where
// a Go map of slices reads its control word, its slot and the slice's
// array: the index answers a score of lookups a query, most of them for
// keys no name has (a query word with a letter deleted), and the table's
// misses end at the first empty slot.
type postings struct {
	slots []slot
	shift uint8 // 64 less the bits of len(slots)
	ids   []int32
}

// slot is one key and where its ids lie; n is 0 in an empty slot.
type slot struct {
	key    uint64
	off, n uint32
}

// newPostings packs the lists of m, each in the order it was filed.
func newPostings(m map[uint64][]int32) postings {
	size := 1 << max(4, bits.Len(uint(2*len(m))))
	p := postings{slots: make([]slot, size), shift: uint8(64 - bits.Len(uint(size-1)))}
	// In key order, so that the table is the same from one build to the next.
	keys := make([]uint64, 0, len(m))
	var n int
	for k, ids := range m {
		keys = append(keys, k)
		n += len(ids)
	}
	slices.Sort(keys)
	p.ids = make([]int32, 0, n)
	for _, k := range keys {
		ids := m[k]
		i := p.home(k)
		for p.slots[i].n != 0 {
			i = (i + 1) & uint64(len(p.slots)-1)
		}
		p.slots[i] = slot{key: k, off: uint32(len(p.ids)), n: uint32(len(ids))}
		p.ids = append(p.ids, ids...)
	}
	return p
}

// home is the first slot key may be in: the key's top bits after a
// Fibonacci multiplication, which spreads keys whose low bits agree.
func (p *postings) home(k uint64) uint64 {
	return (k * 0x9e3779b97f4a7c15) >> p.shift
}

// get returns the ids filed under k, nil when there are none.
func (p *postings) get(k uint64) []int32 {
	if len(p.slots) == 0 {
		return nil
	}
	last := uint64(len(p.slots) - 1)
	for i := p.home(k); ; i = (i + 1) & last {
		s := &p.slots[i]
		if s.n == 0 {
			return nil
		}
		if s.key == k {
			return p.ids[s.off : s.off+s.n : s.off+s.n]
		}
	}
}
