package ledger

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/testonly"

	"github.com/surety/surety/internal/store"
	"github.com/surety/surety/internal/testenv"
)

// buildTree stores the entries, tiles and head of a tree of n synthetic
// leaves, and returns the reference tree.
func buildTree(t testing.TB, st store.Store, log string, n int) *testonly.Tree {
	t.Helper()
	ref := testonly.New(hasher)
	tr := newTree()
	const batch = 4096
	for done := 0; done < n; {
		k := min(batch, n-done)
		leaves := make([][32]byte, k)
		entries := make([]store.Entry, k)
		for i := range leaves {
			data := fmt.Appendf(nil, "leaf %d", done+i)
			entries[i] = store.Entry{Data: data, ID: fmt.Sprint(done + i), Author: "a", Type: "t"}
			leaves[i] = LeafHash(data)
			ref.Append(leaves[i][:])
		}
		tiles, err := tr.append(leaves)
		if err != nil {
			t.Fatal(err)
		}
		err = st.Update(context.Background(), log, func(tx store.Tx) error {
			if err := tx.Append(log, uint64(done), entries); err != nil {
				return err
			}
			for _, tl := range tiles {
				if err := tx.PutTile(log, tl.level, tl.index, tl.data); err != nil {
					return err
				}
			}
			return tx.SetHead(log, store.Head{Size: tr.size, Root: tr.root()})
		})
		if err != nil {
			t.Fatal(err)
		}
		done += k
	}
	return ref
}

// TestProofsLargeLog checks inclusion and consistency proofs for random
// pairs on a 100,000-entry log, on both backends.
func TestProofsLargeLog(t *testing.T) {
	for _, b := range testenv.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			const n = 100_000
			ref := buildTree(t, st, "big", n)
			l, err := Open(context.Background(), Options{Store: st, Log: "big"})
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			ctx := context.Background()
			r := rand.New(rand.NewPCG(5, 6))
			for range 500 {
				a, z := 1+r.Uint64N(n), 1+r.Uint64N(n)
				if a > z {
					a, z = z, a
				}
				i := r.Uint64N(z)
				p, err := l.InclusionProof(ctx, i, z)
				if err != nil {
					t.Fatal(err)
				}
				if err := proof.VerifyInclusion(hasher, i, z, ref.LeafHash(i), p, ref.HashAt(z)); err != nil {
					t.Fatalf("inclusion of %d in %d: %v", i, z, err)
				}
				c, err := l.ConsistencyProof(ctx, a, z)
				if err != nil {
					t.Fatal(err)
				}
				if err := proof.VerifyConsistency(hasher, a, z, c, ref.HashAt(a), ref.HashAt(z)); err != nil {
					t.Fatalf("consistency %d→%d: %v", a, z, err)
				}
			}
		})
	}
}

// BenchmarkInclusionProof measures an inclusion proof on a 1,000,000-entry
// log, reading tiles from SQLite through the tile cache.
func BenchmarkInclusionProof(b *testing.B) {
	st := testenv.SQLite(b)
	const n = 1_000_000
	buildTree(b, st, "big", n)
	l, err := Open(context.Background(), Options{Store: st, Log: "big"})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	ctx := context.Background()
	r := rand.New(rand.NewPCG(7, 8))
	var lat []time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := l.InclusionProof(ctx, r.Uint64N(n), n); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
