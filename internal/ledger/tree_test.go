package ledger

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/testonly"
)

// memTiles is a tile store in memory, for testing the tree alone.
type memTiles map[[2]uint64][]byte

func (m memTiles) read(level uint8, index uint64) ([]byte, error) {
	d, ok := m[[2]uint64{uint64(level), index}]
	if !ok {
		return nil, fmt.Errorf("no tile %d/%d", level, index)
	}
	return d, nil
}

func (m memTiles) put(ts []tile) {
	for _, t := range ts {
		m[[2]uint64{uint64(t.level), t.index}] = append([]byte(nil), t.data...)
	}
}

func leaf(data []byte) [32]byte { return LeafHash(data) }

// TestKnownRoots checks the roots of the RFC 6962 test vectors, sizes 1 to
// 8, and a known inclusion proof.
func TestKnownRoots(t *testing.T) {
	tiles := memTiles{}
	tr := newTree()
	if !bytes.Equal(tr.root(), testonly.EmptyRootHash()) {
		t.Fatalf("empty root %x", tr.root())
	}
	for i, in := range testonly.LeafInputs() {
		ts, err := tr.append([][32]byte{leaf(in)})
		if err != nil {
			t.Fatal(err)
		}
		tiles.put(ts)
		if want := testonly.RootHashes()[i+1]; !bytes.Equal(tr.root(), want) {
			t.Errorf("root at size %d = %x, want %x", i+1, tr.root(), want)
		}
	}
	// RFC 6962 test vector: leaf 0 of the tree of size 8.
	nodes, _ := proof.Inclusion(0, 8)
	hashes := make([][]byte, len(nodes.IDs))
	for i, id := range nodes.IDs {
		h, err := nodeHash(tiles.read, id)
		if err != nil {
			t.Fatal(err)
		}
		hashes[i] = h
	}
	p, err := nodes.Rehash(hashes, hasher.HashChildren)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
		"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		"6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
	}
	for i := range want {
		if hex.EncodeToString(p[i]) != want[i] {
			t.Errorf("proof[%d] = %x, want %s", i, p[i], want[i])
		}
	}
}

// TestTreeAgainstReference appends in random batch sizes across several
// tile boundaries, reloads the right edge from the tiles now and then, and
// compares roots and every proof with the reference tree.
func TestTreeAgainstReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	ref := testonly.New(hasher)
	tiles := memTiles{}
	tr := newTree()
	for tr.size < 70000 {
		n := 1 + r.IntN(700)
		batch := make([][32]byte, n)
		for i := range batch {
			batch[i] = leaf(fmt.Appendf(nil, "entry %d", tr.size+uint64(i)))
			ref.Append(batch[i][:])
		}
		ts, err := tr.append(batch)
		if err != nil {
			t.Fatal(err)
		}
		tiles.put(ts)
		if !bytes.Equal(tr.root(), ref.Hash()) {
			t.Fatalf("root at size %d differs from the reference", tr.size)
		}
		if r.IntN(5) == 0 {
			if tr, err = loadTree(tr.size, tiles.read); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(tr.root(), ref.Hash()) {
				t.Fatalf("reloaded root at size %d differs", tr.size)
			}
		}
	}
	size := tr.size
	for range 300 {
		i, n := r.Uint64N(size), 1+r.Uint64N(size)
		if i >= n {
			i, n = n-1, i+1
		}
		nodes, _ := proof.Inclusion(i, n)
		hashes := make([][]byte, len(nodes.IDs))
		for k, id := range nodes.IDs {
			var err error
			if hashes[k], err = nodeHash(tiles.read, id); err != nil {
				t.Fatal(err)
			}
		}
		p, err := nodes.Rehash(hashes, hasher.HashChildren)
		if err != nil {
			t.Fatal(err)
		}
		if err := proof.VerifyInclusion(hasher, i, n, ref.LeafHash(i), p, ref.HashAt(n)); err != nil {
			t.Fatalf("inclusion of %d in %d: %v", i, n, err)
		}
	}
}
