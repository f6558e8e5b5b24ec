package storetest

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/surety/surety/internal/store"
)

// Benchmark measures the store's hot paths: Updates appending batches as
// the ledger does, and the reads of an inclusion proof. It opens a new
// store for each.
func Benchmark(b *testing.B, open Open) {
	b.Run("Update", func(b *testing.B) { benchUpdate(b, open(b)) })
	b.Run("Read", func(b *testing.B) { benchRead(b, open(b)) })
}

// batch is the number of entries of an Update in benchUpdate.
const batch = 64

// benchEntry returns an entry of about 300 bytes carrying statement i.
func benchEntry(i uint64) store.Entry {
	e := entry(fmt.Sprintf("declaration-%08d", i))
	e.Data = append(e.Data, bytes.Repeat([]byte{' '}, 300-len(e.Data))...)
	return e
}

// appendBatch appends the entries [size, size+n) as the ledger would: with
// a state row per statement, the widened level-0 tile and the new head.
func appendBatch(tx store.Tx, size uint64, n int) error {
	es := make([]store.Entry, n)
	for i := range es {
		es[i] = benchEntry(size + uint64(i))
	}
	if err := tx.Append(log, size, es); err != nil {
		return err
	}
	for _, e := range es {
		if err := tx.Put(log, "declaration", e.ID, e.Data[:100]); err != nil {
			return err
		}
	}
	end := size + uint64(n)
	for t := size / 256; t*256 < end; t++ {
		w := min(end-t*256, 256)
		if err := tx.PutTile(log, 0, t, bytes.Repeat([]byte{byte(t)}, int(w)*32)); err != nil {
			return err
		}
	}
	return tx.SetHead(log, head(end))
}

func benchUpdate(b *testing.B, s store.Store) {
	var size uint64
	for b.Loop() {
		if err := s.Update(ctx, log, func(tx store.Tx) error { return appendBatch(tx, size, batch) }); err != nil {
			b.Fatal(err)
		}
		size += batch
	}
	b.ReportMetric(float64(size)/b.Elapsed().Seconds(), "entries/s")
}

// readSize is the size of the log benchRead reads.
const readSize = 1 << 17

func benchRead(b *testing.B, s store.Store) {
	for size := uint64(0); size < readSize; size += 1024 {
		if err := s.Update(ctx, log, func(tx store.Tx) error { return appendBatch(tx, size, 1024) }); err != nil {
			b.Fatal(err)
		}
	}
	update(b, s, log, func(tx store.Tx) error {
		for t := range uint64(readSize >> 16) {
			if err := tx.PutTile(log, 1, t, make([]byte, 256*32)); err != nil {
				return err
			}
		}
		return tx.PutTile(log, 2, 0, make([]byte, readSize>>16*32))
	})
	rng := rand.New(rand.NewPCG(1, 2))
	var took []time.Duration
	for b.Loop() {
		i := rng.Uint64N(readSize)
		start := time.Now()
		err := s.View(ctx, func(tx store.ReadTx) error {
			for level, index := range []uint64{i >> 8, i >> 16, 0} {
				if _, err := tx.Tile(log, uint8(level), index); err != nil {
					return err
				}
			}
			_, err := tx.Get(log, "declaration", benchEntry(i).ID)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(took[len(took)*99/100].Nanoseconds()), "p99-ns")
}
