package ledger

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
)

// receiptHeader opens a receipt's text. A checkpoint's second line is its
// size, a number, so no receipt reads as a checkpoint, nor the reverse.
const receiptHeader = "surety receipt v1"

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

// Text is the receipt's signed text, a line per field.
func (r Receipt) Text() string {
	return receiptHeader + "\n" + r.Origin + "\n" + r.Agreement + "\n" +
		strconv.FormatUint(r.Index, 10) + "\n" +
		base64.StdEncoding.EncodeToString(r.LeafHash[:]) + "\n" +
		r.Time.UTC().Format(time.RFC3339Nano) + "\n"
}

// SignReceipt signs r with the log key as a signed note.
func SignReceipt(s note.Signer, r Receipt) ([]byte, error) {
	b, err := note.Sign(&note.Note{Text: r.Text()}, s)
	if err != nil {
		return nil, fmt.Errorf("ledger: sign receipt: %w", err)
	}
	return b, nil
}

// OpenReceipt verifies a receipt's signature with the log's verifier key
// and parses it. The receipt's origin must be the key's name.
func OpenReceipt(msg []byte, v note.Verifier) (Receipt, error) {
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		var unknown *note.UnverifiedNoteError
		if errors.As(err, &unknown) {
			return Receipt{}, fmt.Errorf("the receipt is not signed by the log key %s", v.Name())
		}
		return Receipt{}, fmt.Errorf("the receipt does not verify with the log key %s: %w", v.Name(), err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) != 7 || lines[0] != receiptHeader || lines[6] != "" {
		return Receipt{}, fmt.Errorf("the note signed by %s is not a receipt (%q)", v.Name(), receiptHeader)
	}
	r := Receipt{Origin: lines[1], Agreement: lines[2]}
	if r.Origin != v.Name() {
		return Receipt{}, fmt.Errorf("the receipt is for log %q, but the key is %q's", r.Origin, v.Name())
	}
	if r.Index, err = strconv.ParseUint(lines[3], 10, 64); err != nil {
		return Receipt{}, fmt.Errorf("the receipt's index %q: %w", lines[3], err)
	}
	h, err := base64.StdEncoding.DecodeString(lines[4])
	if err != nil || len(h) != 32 {
		return Receipt{}, fmt.Errorf("the receipt's leaf hash %q is not 32 bytes of base64", lines[4])
	}
	copy(r.LeafHash[:], h)
	if r.Time, err = time.Parse(time.RFC3339Nano, lines[5]); err != nil {
		return Receipt{}, fmt.Errorf("the receipt's time %q: %w", lines[5], err)
	}
	return r, nil
}
