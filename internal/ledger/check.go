package ledger

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"time"

	"github.com/surety/surety/internal/store"
)

// The ledger checks itself against what a database writer may have
// changed behind its back: on start and before it signs a checkpoint, it
// recomputes the right edge of the tree from the stored tiles and entries,
// and the digest of the projected state from the stored rows, and compares
// them with the stored head. A mismatch names what is wrong and stops the
// log: it appends and signs nothing more until the store is repaired
// (`surety rebuild` recomputes the state from the entries).

// ErrDamaged is wrapped by the errors of a store whose tree or state
// differs from what the log committed.
var ErrDamaged = errors.New("ledger: the store is damaged")

// digest is a multiset hash of the projected state: the sum, modulo
// 2^256, of the SHA-256 of every row. A batch updates it with the rows it
// writes (adding the new row's hash and subtracting the old one's), so that
// keeping it costs O(writes); checking it costs one pass over the rows.
type digest [32]byte

// rowSum is the hash of one state row.
func rowSum(kind, key string, value []byte) digest {
	h := sha256.New()
	var n [8]byte
	for _, f := range [][]byte{[]byte(kind), []byte(key), value} {
		binary.BigEndian.PutUint64(n[:], uint64(len(f)))
		h.Write(n[:])
		h.Write(f)
	}
	return digest(h.Sum(nil))
}

// add adds x to d, modulo 2^256.
func (d *digest) add(x digest) {
	var carry uint64
	for i := 24; i >= 0; i -= 8 {
		var s uint64
		s, carry = bits.Add64(binary.BigEndian.Uint64(d[i:]), binary.BigEndian.Uint64(x[i:]), carry)
		binary.BigEndian.PutUint64(d[i:], s)
	}
}

// sub subtracts x from d, modulo 2^256.
func (d *digest) sub(x digest) {
	var borrow uint64
	for i := 24; i >= 0; i -= 8 {
		var s uint64
		s, borrow = bits.Sub64(binary.BigEndian.Uint64(d[i:]), binary.BigEndian.Uint64(x[i:]), borrow)
		binary.BigEndian.PutUint64(d[i:], s)
	}
}

// stateDigest hashes every state row of the log.
func stateDigest(tx store.ReadTx, log string) (digest, error) {
	var d digest
	err := tx.Dump(log, func(kind, key string, value []byte) error {
		d.add(rowSum(kind, key, value))
		return nil
	})
	return d, err
}

// verify checks the store's head h against the tiles, the entries and the
// state rows of tx, and returns the tree's right edge. The edge is the last,
// partial tile of each level: the hashes of the level-0 one must be the
// leaf hashes of the last entries, each hash of a higher one the root of
// the full tile below it, and the tree they make must have the head's root.
// The state rows must hash to the head's state digest; a head that has
// none, written before the ledger kept it, gets the rows' digest.
func verify(tx store.ReadTx, log string, read tileReader, h store.Head, state bool) (tip, error) {
	n := h.Size
	t, err := loadTree(n, read)
	if err != nil {
		return tip{}, fmt.Errorf("%w: %w", ErrDamaged, err)
	}
	for level := 0; n>>(TileHeight*level) > 0; level++ {
		count := n >> (TileHeight * level)
		w, index := count%TileWidth, count/TileWidth
		if w == 0 {
			continue
		}
		path := TilePath{Level: uint8(level), Index: index, Width: int(w)}
		stored := t.edge[level]
		if level == 0 {
			es, err := tx.Entries(log, index*TileWidth, index*TileWidth+w)
			if err != nil {
				return tip{}, fmt.Errorf("%w: entries of %s: %w", ErrDamaged, path, err)
			}
			for i, e := range es {
				if lh := LeafHash(e); !bytes.Equal(stored[i*32:(i+1)*32], lh[:]) {
					return tip{}, fmt.Errorf("%w: tile %s: hash %d is not the leaf hash of entry %d", ErrDamaged, path, i, index*TileWidth+uint64(i))
				}
			}
			continue
		}
		for i := range w {
			below := TilePath{Level: uint8(level - 1), Index: index*TileWidth + i}
			data, err := read(below.Level, below.Index)
			if err == nil && len(data) != TileWidth*32 {
				err = fmt.Errorf("holds %d hashes, not %d", len(data)/32, TileWidth)
			}
			if err != nil {
				return tip{}, fmt.Errorf("%w: tile %s: %w", ErrDamaged, below, err)
			}
			if !bytes.Equal(stored[i*32:(i+1)*32], subtreeRoot(data)) {
				return tip{}, fmt.Errorf("%w: tile %s: hash %d is not the root of tile %s below it", ErrDamaged, path, i, below)
			}
		}
	}
	if root := t.root(); n > 0 && !bytes.Equal(root, h.Root) {
		return tip{}, fmt.Errorf("%w: the head of size %d has root %x, but its tiles make %x", ErrDamaged, n, h.Root, root)
	}
	at := tip{tree: t, time: h.Time}
	copy(at.state[:], h.State)
	if !state && h.State != nil {
		return at, nil
	}
	d, err := stateDigest(tx, log)
	if err != nil {
		return tip{}, err
	}
	if h.State == nil {
		at.state = d
	} else if d != at.state {
		return tip{}, fmt.Errorf("%w: the projected state does not hash to the digest committed with entry %d: a state row was changed outside the log; run `surety rebuild` to recompute the state from the entries", ErrDamaged, n)
	}
	return at, nil
}

// Verify checks the stored head against the tree's tiles and entries and
// the state's rows, in one snapshot, and returns it. A mismatch stops the
// log: it appends nothing more, and Verify returns the error again. The
// tree's edge is checked every time; the state, a pass over every row,
// every time if full, and otherwise as often as keeps its cost within a
// tenth of the time, so that a log under load and with a large state
// spends its cores on appends.
func (l *Log) Verify(ctx context.Context, full bool) (store.Head, error) {
	if err := l.damage(); err != nil {
		return store.Head{}, err
	}
	var h store.Head
	err := l.opts.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		if h, err = tx.Head(l.opts.Log); err != nil {
			return err
		}
		start := time.Now()
		state := full || start.Sub(l.stateChecked) >= 10*l.stateCheck
		if _, err = verify(tx, l.opts.Log, l.reader(tx), h, state); err == nil && state {
			l.stateChecked, l.stateCheck = start, time.Since(start)
		}
		return err
	})
	if errors.Is(err, ErrDamaged) {
		l.damaged.CompareAndSwap(nil, &err)
		l.opts.Logger.Error("ledger: the store is damaged; the log stops", "log", l.opts.Log, "err", err)
	}
	if h.Size == 0 {
		h.Root = EmptyRoot[:]
	}
	return h, err
}

// damage returns the error that stopped the log, if any.
func (l *Log) damage() error {
	if p := l.damaged.Load(); p != nil {
		return *p
	}
	return nil
}
