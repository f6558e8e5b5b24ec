package ledger

import (
	"crypto/sha256"
	"fmt"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"
)

var (
	hasher  = rfc6962.DefaultHasher
	factory = compact.RangeFactory{Hash: hasher.HashChildren}
)

// LeafHash returns the RFC 6962 leaf hash of an entry.
func LeafHash(entry []byte) [32]byte {
	var h [32]byte
	copy(h[:], hasher.HashLeaf(entry))
	return h
}

// EmptyRoot is the root hash of the empty tree.
var EmptyRoot = sha256.Sum256(nil)

// tileReader reads the stored hashes of a tile.
type tileReader func(level uint8, index uint64) ([]byte, error)

// tree is the right edge of a log's Merkle tree: what appending needs. It
// holds the compact range of the whole tree and, per tile level, the hashes
// of the last, partial tile.
type tree struct {
	size uint64
	rng  *compact.Range
	edge [][]byte // edge[L]: the partial tile at level L
}

func newTree() *tree { return &tree{rng: factory.NewEmptyRange(0)} }

// loadTree rebuilds the right edge of a tree of size n from its tiles.
func loadTree(n uint64, read tileReader) (*tree, error) {
	t := &tree{size: n}
	ids := compact.RangeNodes(0, n, nil)
	hashes := make([][]byte, len(ids))
	for i, id := range ids {
		h, err := nodeHash(read, id)
		if err != nil {
			return nil, fmt.Errorf("ledger: load tree of size %d: %w", n, err)
		}
		hashes[i] = h
	}
	rng, err := factory.NewRange(0, n, hashes)
	if err != nil {
		return nil, fmt.Errorf("ledger: load tree of size %d: %w", n, err)
	}
	t.rng = rng
	for level := 0; n>>(TileHeight*level) > 0; level++ {
		count := n >> (TileHeight * level)
		w := count % TileWidth
		var part []byte
		if w > 0 {
			data, err := read(uint8(level), count/TileWidth)
			if err != nil {
				return nil, fmt.Errorf("ledger: load tile %d/%d: %w", level, count/TileWidth, err)
			}
			if uint64(len(data)) < w*32 {
				return nil, fmt.Errorf("ledger: tile %d/%d holds %d hashes, want %d", level, count/TileWidth, len(data)/32, w)
			}
			part = append([]byte(nil), data[:w*32]...)
		}
		t.edge = append(t.edge, part)
	}
	return t, nil
}

// clone returns a copy that append may change without touching t.
func (t *tree) clone() *tree {
	hs := t.rng.Hashes()
	cp := make([][]byte, len(hs))
	copy(cp, hs)
	rng, _ := factory.NewRange(t.rng.Begin(), t.rng.End(), cp)
	edge := make([][]byte, len(t.edge))
	for i, e := range t.edge {
		edge[i] = append([]byte(nil), e...)
	}
	return &tree{size: t.size, rng: rng, edge: edge}
}

// tile is a tile's new content.
type tile struct {
	level uint8
	index uint64
	data  []byte
}

// append adds leaf hashes and returns every tile they change, partial or
// full, in the order to store them.
func (t *tree) append(leaves [][32]byte) ([]tile, error) {
	for _, l := range leaves {
		if err := t.rng.Append(l[:], nil); err != nil {
			return nil, fmt.Errorf("ledger: append to compact range: %w", err)
		}
	}
	old, size := t.size, t.size+uint64(len(leaves))
	// The new nodes at level 0 are the leaves; at each level above, they
	// are the roots of the tiles just filled at the level below.
	news := make([][]byte, len(leaves))
	for i := range leaves {
		news[i] = leaves[i][:]
	}
	var out []tile
	for level := 0; len(news) > 0; level++ {
		if level == len(t.edge) {
			t.edge = append(t.edge, nil)
		}
		count := old >> (TileHeight * level)
		index := count / TileWidth
		buf := t.edge[level]
		var filled [][]byte
		for _, h := range news {
			buf = append(buf, h...)
			if len(buf) == TileWidth*32 {
				out = append(out, tile{uint8(level), index, buf})
				filled = append(filled, subtreeRoot(buf))
				index++
				buf = nil
			}
		}
		if len(buf) > 0 {
			out = append(out, tile{uint8(level), index, buf})
		}
		t.edge[level] = append([]byte(nil), buf...)
		news = filled
	}
	t.size = size
	return out, nil
}

// root returns the tree's root hash.
func (t *tree) root() []byte {
	if t.size == 0 {
		return EmptyRoot[:]
	}
	r, err := t.rng.GetRootHash(nil)
	if err != nil {
		panic(err) // a range starting at 0 always has a root
	}
	return r
}

// subtreeRoot hashes a power-of-two run of hashes, 32 bytes each, up to the
// root of their perfect subtree.
func subtreeRoot(data []byte) []byte {
	level := make([][]byte, len(data)/32)
	for i := range level {
		level[i] = data[i*32 : (i+1)*32]
	}
	for len(level) > 1 {
		next := make([][]byte, len(level)/2)
		for i := range next {
			next[i] = hasher.HashChildren(level[2*i], level[2*i+1])
		}
		level = next
	}
	return level[0]
}

// nodeHash returns the hash of the perfect-subtree node id from the tiles.
// A node at tree level h lies in tile level h/8: it is stored there when h
// is a multiple of 8, and otherwise hashed up from 2^(h%8) stored hashes.
func nodeHash(read tileReader, id compact.NodeID) ([]byte, error) {
	tl, r := id.Level/TileHeight, id.Level%TileHeight
	first := id.Index << r
	n := uint64(1) << r
	tileIdx, off := first/TileWidth, first%TileWidth
	data, err := read(uint8(tl), tileIdx)
	if err != nil {
		return nil, fmt.Errorf("tile %d/%d: %w", tl, tileIdx, err)
	}
	if uint64(len(data)) < (off+n)*32 {
		return nil, fmt.Errorf("tile %d/%d holds %d hashes; node %d/%d needs %d", tl, tileIdx, len(data)/32, id.Level, id.Index, off+n)
	}
	return subtreeRoot(data[off*32 : (off+n)*32]), nil
}
