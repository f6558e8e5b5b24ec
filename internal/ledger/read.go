package ledger

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"

	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/store"
)

// ErrNotFound is returned for a tile, entry or proof beyond the log.
var ErrNotFound = errors.New("not in the log")

// tileCache keeps full tiles, which never change, up to a number of them.
type tileCache struct {
	mu  sync.Mutex
	max int
	m   map[[2]uint64][]byte
}

func newTileCache(max int) *tileCache { return &tileCache{max: max, m: map[[2]uint64][]byte{}} }

func (c *tileCache) get(level uint8, index uint64) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[[2]uint64{uint64(level), index}]
}

func (c *tileCache) put(level uint8, index uint64, data []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[[2]uint64{uint64(level), index}] = data
}

// reader returns a tile reader over tx that uses the cache of full tiles.
func (l *Log) reader(tx store.ReadTx) tileReader {
	return func(level uint8, index uint64) ([]byte, error) {
		if d := l.tiles.get(level, index); d != nil {
			return d, nil
		}
		d, err := tx.Tile(l.opts.Log, level, index)
		if err != nil {
			return nil, err
		}
		if len(d) == TileWidth*32 {
			l.tiles.put(level, index, d)
		}
		return d, nil
	}
}

// Tile returns a hash tile: full when width is 0, else its first width
// hashes. A full tile exists once the tree has filled it.
func (l *Log) Tile(ctx context.Context, level uint8, index uint64, width int) ([]byte, error) {
	if index > maxIndex/TileWidth {
		return nil, fmt.Errorf("%w: tile %d/%d is beyond any log", ErrNotFound, level, index)
	}
	want := width
	if want == 0 {
		want = TileWidth
	}
	var data []byte
	err := l.opts.Store.View(ctx, func(tx store.ReadTx) error {
		d, err := l.reader(tx)(level, index)
		if errors.Is(err, store.ErrNotFound) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if len(d) < want*32 {
			return ErrNotFound
		}
		data = d[:want*32]
		return nil
	})
	return data, err
}

// maxIndex bounds the indexes of entries and tiles: no log holds 2^63
// entries, and the stores index them as signed 64-bit numbers.
const maxIndex = math.MaxInt64

// Entries returns the data of entries [from, to).
func (l *Log) Entries(ctx context.Context, from, to uint64) ([][]byte, error) {
	if to < from || to > maxIndex {
		return nil, fmt.Errorf("%w: entries %d to %d are beyond any log", ErrNotFound, from, to)
	}
	var out [][]byte
	err := l.opts.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		out, err = tx.Entries(l.opts.Log, from, to)
		if errors.Is(err, store.ErrNotFound) {
			return ErrNotFound
		}
		return err
	})
	return out, err
}

// EntryBundle returns a tlog-tiles entry bundle: the entries of tile index,
// each behind its length as two big-endian bytes; full when width is 0.
func (l *Log) EntryBundle(ctx context.Context, index uint64, width int) ([]byte, error) {
	if width == 0 {
		width = TileWidth
	}
	if index >= maxIndex/TileWidth {
		return nil, fmt.Errorf("%w: entry bundle %d is beyond any log", ErrNotFound, index)
	}
	first := index * TileWidth
	es, err := l.Entries(ctx, first, first+uint64(width))
	if err != nil {
		return nil, err
	}
	return Bundle(es), nil
}

// Bundle encodes entries as a tlog-tiles entry bundle.
func Bundle(entries [][]byte) []byte {
	var n int
	for _, e := range entries {
		n += 2 + len(e)
	}
	b := make([]byte, 0, n)
	for _, e := range entries {
		b = binary.BigEndian.AppendUint16(b, uint16(len(e)))
		b = append(b, e...)
	}
	return b
}

// ParseBundle splits a tlog-tiles entry bundle into its entries.
func ParseBundle(b []byte) ([][]byte, error) {
	var out [][]byte
	for len(b) > 0 {
		if len(b) < 2 {
			return nil, errors.New("entry bundle: truncated length")
		}
		n := int(binary.BigEndian.Uint16(b))
		if len(b) < 2+n {
			return nil, errors.New("entry bundle: truncated entry")
		}
		out = append(out, b[2:2+n])
		b = b[2+n:]
	}
	return out, nil
}

// proofHashes fetches the hashes of a proof's nodes and folds them.
func (l *Log) proofHashes(ctx context.Context, size uint64, nodes proof.Nodes) ([][]byte, error) {
	var hashes [][]byte
	err := l.opts.Store.View(ctx, func(tx store.ReadTx) error {
		h, err := tx.Head(l.opts.Log)
		if err != nil {
			return err
		}
		if size > h.Size {
			return fmt.Errorf("%w: size %d is beyond the log's %d", ErrNotFound, size, h.Size)
		}
		read := l.reader(tx)
		hashes = make([][]byte, len(nodes.IDs))
		for i, id := range nodes.IDs {
			if hashes[i], err = nodeHash(read, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return nodes.Rehash(hashes, hasher.HashChildren)
}

// InclusionProof proves that entry index is in the tree of size size.
func (l *Log) InclusionProof(ctx context.Context, index, size uint64) ([][]byte, error) {
	if index >= size {
		return nil, fmt.Errorf("%w: index %d is not below size %d", ErrNotFound, index, size)
	}
	nodes, err := proof.Inclusion(index, size)
	if err != nil {
		return nil, err
	}
	return l.proofHashes(ctx, size, nodes)
}

// ConsistencyProof proves that the tree of size old is a prefix of the tree
// of size new.
func (l *Log) ConsistencyProof(ctx context.Context, old, new uint64) ([][]byte, error) {
	if old > new {
		return nil, fmt.Errorf("%w: old size %d is above new size %d", ErrNotFound, old, new)
	}
	nodes, err := proof.Consistency(old, new)
	if err != nil {
		return nil, err
	}
	return l.proofHashes(ctx, new, nodes)
}

// RootAt returns the root hash of the tree of size n, from the tiles.
func (l *Log) RootAt(ctx context.Context, n uint64) ([]byte, error) {
	if n == 0 {
		return EmptyRoot[:], nil
	}
	ids := compact.RangeNodes(0, n, nil)
	var hashes [][]byte
	err := l.opts.Store.View(ctx, func(tx store.ReadTx) error {
		h, err := tx.Head(l.opts.Log)
		if err != nil {
			return err
		}
		if n > h.Size {
			return fmt.Errorf("%w: size %d is beyond the log's %d", ErrNotFound, n, h.Size)
		}
		read := l.reader(tx)
		for _, id := range ids {
			x, err := nodeHash(read, id)
			if err != nil {
				return err
			}
			hashes = append(hashes, x)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	rng, err := factory.NewRange(0, n, hashes)
	if err != nil {
		return nil, err
	}
	return rng.GetRootHash(nil)
}

// View runs fn over the projected state in a read-only transaction.
func (l *Log) View(ctx context.Context, fn func(kv state.KV) error) error {
	return l.opts.Store.View(ctx, func(tx store.ReadTx) error { return fn(readKV{tx, l.opts.Log}) })
}

// StateRow is one row of the projected state.
type StateRow struct {
	Kind  string          `json:"kind"`
	Key   string          `json:"key"`
	Value json.RawMessage `json:"value"`
}

// State reads the log's projected state in one snapshot: it calls head
// with the log's head, whose entries the state reflects, then row with
// every row, ordered by kind and key in byte order, a page at a time, and
// stops at the first error either returns.
func (l *Log) State(ctx context.Context, head func(store.Head) error, row func(StateRow) error) error {
	return l.opts.Store.View(ctx, func(tx store.ReadTx) error {
		h, err := tx.Head(l.opts.Log)
		if err != nil {
			return err
		}
		if h.Size == 0 {
			h.Root = EmptyRoot[:]
		}
		if err := head(h); err != nil {
			return err
		}
		return tx.Dump(l.opts.Log, func(kind, key string, value []byte) error {
			v := json.RawMessage(bytes.Clone(value))
			if !json.Valid(value) {
				v, _ = json.Marshal(string(value))
			}
			return row(StateRow{Kind: kind, Key: key, Value: v})
		})
	})
}

// Dump returns every row of the log's projected state, ordered by kind and
// key.
func (l *Log) Dump(ctx context.Context) ([]StateRow, error) {
	rows := []StateRow{}
	err := l.State(ctx, func(store.Head) error { return nil }, func(r StateRow) error {
		rows = append(rows, r)
		return nil
	})
	return rows, err
}
