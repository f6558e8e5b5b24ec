package ledger

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"
)

// The headers of the receipt's texts. A checkpoint's second line is its
// size, a number, and its first the log's origin, so neither a receipt nor
// a batch note reads as a checkpoint, nor the reverse.
const (
	// receiptHeader opens the receipt of one entry: its index, its leaf
	// hash and its path to the root of its batch, then the batch's signed
	// note.
	receiptHeader = "surety receipt v2"
	// batchHeader opens the signed note of a batch.
	batchHeader = "surety batch v1"
	// receiptV1 opens a receipt of the first form, a signed note per
	// entry. Such receipts are still opened: they are evidence their
	// holders keep.
	receiptV1 = "surety receipt v1"
)

// Receipt is the log's signed promise, given with the answer to an append,
// that a statement is in the log: the entry at Index has LeafHash and was
// sequenced at Time. Any later checkpoint of the log must include it; one
// that does not is, with the receipt, evidence that the log was rolled
// back.
type Receipt struct {
	Origin    string
	Agreement string
	Index     uint64
	LeafHash  [32]byte
	Time      time.Time
}

// Batch is the run of entries one commit appended, all with one log time.
// The log key signs it once: a note naming its first index, its size and
// the root of an RFC 6962 tree over its leaf hashes. The receipt of each
// of its entries is that note with the entry's path to the root, so a
// commit costs one signature however many statements it answers.
type Batch struct {
	First  uint64
	Leaves [][32]byte
	Time   time.Time

	once  sync.Once
	nodes map[compact.NodeID][]byte // every perfect subtree's hash
	note  []byte
	err   error
}

// batchText is the text of a batch's signed note, a line per field.
func batchText(origin, agreement string, first, size uint64, root []byte, t time.Time) string {
	return batchHeader + "\n" + origin + "\n" + agreement + "\n" +
		strconv.FormatUint(first, 10) + "\n" + strconv.FormatUint(size, 10) + "\n" +
		base64.StdEncoding.EncodeToString(root) + "\n" +
		t.UTC().Format(time.RFC3339Nano) + "\n"
}

// sign hashes the batch's tree and signs its note, once.
func (b *Batch) sign(s note.Signer, origin, agreement string) {
	b.once.Do(func() {
		if len(b.Leaves) == 0 {
			b.err = errors.New("ledger: a batch without entries has no receipt")
			return
		}
		b.nodes = make(map[compact.NodeID][]byte, 2*len(b.Leaves))
		visit := func(id compact.NodeID, h []byte) { b.nodes[id] = h }
		rf := compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}
		r := rf.NewEmptyRange(0)
		for i := range b.Leaves {
			if err := r.Append(b.Leaves[i][:], visit); err != nil {
				b.err = fmt.Errorf("ledger: receipt tree: %w", err)
				return
			}
		}
		root, err := r.GetRootHash(nil)
		if err != nil {
			b.err = fmt.Errorf("ledger: receipt tree: %w", err)
			return
		}
		text := batchText(origin, agreement, b.First, uint64(len(b.Leaves)), root, b.Time)
		if b.note, err = note.Sign(&note.Note{Text: text}, s); err != nil {
			b.err = fmt.Errorf("ledger: sign receipt: %w", err)
		}
	})
}

// Receipt returns the receipt of the batch's entry at index, signing the
// batch's note with the log key on the first call.
func (b *Batch) Receipt(s note.Signer, origin, agreement string, index uint64) ([]byte, error) {
	b.sign(s, origin, agreement)
	if b.err != nil {
		return nil, b.err
	}
	size := uint64(len(b.Leaves))
	if index < b.First || index-b.First >= size {
		return nil, fmt.Errorf("ledger: entry %d is not in the batch of entries %d to %d", index, b.First, b.First+size-1)
	}
	i := index - b.First
	nodes, err := proof.Inclusion(i, size)
	if err != nil {
		return nil, fmt.Errorf("ledger: receipt path: %w", err)
	}
	hashes := make([][]byte, len(nodes.IDs))
	for k, id := range nodes.IDs {
		hashes[k] = b.nodes[id]
	}
	path, err := nodes.Rehash(hashes, rfc6962.DefaultHasher.HashChildren)
	if err != nil {
		return nil, fmt.Errorf("ledger: receipt path: %w", err)
	}
	var w bytes.Buffer
	w.Grow(len(receiptHeader) + 24 + 45*(len(path)+1) + 1 + len(b.note))
	w.WriteString(receiptHeader + "\n" + strconv.FormatUint(index, 10) + "\n" + base64.StdEncoding.EncodeToString(b.Leaves[i][:]) + "\n")
	for _, h := range path {
		w.WriteString(base64.StdEncoding.EncodeToString(h) + "\n")
	}
	w.WriteString("\n")
	w.Write(b.note)
	return w.Bytes(), nil
}

// OpenReceipt verifies a receipt with the log's verifier key and parses
// it: the batch note's signature, then the entry's path to the batch's
// root. The receipt's origin must be the key's name.
func OpenReceipt(msg []byte, v note.Verifier) (Receipt, error) {
	if bytes.HasPrefix(msg, []byte(receiptV1+"\n")) {
		return openV1(msg, v)
	}
	head, signed, ok := bytes.Cut(msg, []byte("\n\n"))
	if !ok || !bytes.HasPrefix(head, []byte(receiptHeader+"\n")) {
		return Receipt{}, fmt.Errorf("the text is not a receipt: it must open with %q", receiptHeader)
	}
	lines := strings.Split(string(head), "\n")
	if len(lines) < 3 {
		return Receipt{}, fmt.Errorf("the receipt has %d lines before its signed note; it needs its header, the entry's index and its leaf hash", len(lines))
	}
	var r Receipt
	var err error
	if r.Index, err = strconv.ParseUint(lines[1], 10, 64); err != nil {
		return Receipt{}, fmt.Errorf("the receipt's index %q: %w", lines[1], err)
	}
	if r.LeafHash, err = hash32(lines[2]); err != nil {
		return Receipt{}, fmt.Errorf("the receipt's leaf hash: %w", err)
	}
	path := make([][]byte, 0, len(lines)-3)
	for _, l := range lines[3:] {
		h, err := hash32(l)
		if err != nil {
			return Receipt{}, fmt.Errorf("the receipt's path: %w", err)
		}
		path = append(path, h[:])
	}
	fields, err := openNote(signed, v, batchHeader, 8)
	if err != nil {
		return Receipt{}, err
	}
	r.Origin, r.Agreement = fields[1], fields[2]
	first, err := strconv.ParseUint(fields[3], 10, 64)
	if err != nil {
		return Receipt{}, fmt.Errorf("the batch's first index %q: %w", fields[3], err)
	}
	size, err := strconv.ParseUint(fields[4], 10, 64)
	if err != nil {
		return Receipt{}, fmt.Errorf("the batch's size %q: %w", fields[4], err)
	}
	root, err := hash32(fields[5])
	if err != nil {
		return Receipt{}, fmt.Errorf("the batch's root: %w", err)
	}
	if r.Time, err = time.Parse(time.RFC3339Nano, fields[6]); err != nil {
		return Receipt{}, fmt.Errorf("the batch's time %q: %w", fields[6], err)
	}
	if r.Index < first || r.Index-first >= size {
		return Receipt{}, fmt.Errorf("the receipt's entry %d is not in its batch, entries %d to %d", r.Index, first, first+size-1)
	}
	if err := proof.VerifyInclusion(rfc6962.DefaultHasher, r.Index-first, size, r.LeafHash[:], path, root[:]); err != nil {
		return Receipt{}, fmt.Errorf("the receipt's path does not lead from leaf %x to the root its batch note signs: %w", r.LeafHash, err)
	}
	return r, nil
}

// openV1 opens a receipt of the first form: a note per entry, signed.
func openV1(msg []byte, v note.Verifier) (Receipt, error) {
	fields, err := openNote(msg, v, receiptV1, 7)
	if err != nil {
		return Receipt{}, err
	}
	r := Receipt{Origin: fields[1], Agreement: fields[2]}
	if r.Index, err = strconv.ParseUint(fields[3], 10, 64); err != nil {
		return Receipt{}, fmt.Errorf("the receipt's index %q: %w", fields[3], err)
	}
	if r.LeafHash, err = hash32(fields[4]); err != nil {
		return Receipt{}, fmt.Errorf("the receipt's leaf hash: %w", err)
	}
	if r.Time, err = time.Parse(time.RFC3339Nano, fields[5]); err != nil {
		return Receipt{}, fmt.Errorf("the receipt's time %q: %w", fields[5], err)
	}
	return r, nil
}

// openNote verifies a signed note with the log key and returns its text's
// lines, which must be n (the last empty) under header, with the log key's
// name as the origin on the second.
func openNote(msg []byte, v note.Verifier, header string, n int) ([]string, error) {
	nt, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		var unknown *note.UnverifiedNoteError
		if errors.As(err, &unknown) {
			return nil, fmt.Errorf("the receipt is not signed by the log key %s", v.Name())
		}
		return nil, fmt.Errorf("the receipt does not verify with the log key %s: %w", v.Name(), err)
	}
	lines := strings.Split(nt.Text, "\n")
	if len(lines) != n || lines[0] != header || lines[n-1] != "" {
		return nil, fmt.Errorf("the note signed by %s is not a receipt (%q)", v.Name(), header)
	}
	if lines[1] != v.Name() {
		return nil, fmt.Errorf("the receipt is for log %q, but the key is %q's", lines[1], v.Name())
	}
	return lines, nil
}

// hash32 decodes a line holding a hash in base64.
func hash32(s string) ([32]byte, error) {
	var h [32]byte
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != 32 {
		return h, fmt.Errorf("%q is not 32 bytes of base64", s)
	}
	copy(h[:], b)
	return h, nil
}
