package witness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// maxAnswer bounds the answer read from a witness.
const maxAnswer = 64 << 10

// AddCheckpoint asks the witness at prefix, its submission prefix, to cosign
// checkpoint, a signed checkpoint note, given proof, the consistency proof
// from oldSize, the size the witness last cosigned (zero at first contact,
// with an empty proof).
//
// It returns the witness's note signature lines: appended to checkpoint,
// they make a note that verifies with the witness's cosignature/v1 key. It
// returns a *ConflictError carrying the witness's size when oldSize is not
// that size, and an error wrapping ErrMalformed, ErrSignature,
// ErrUnknownLog, ErrFork or ErrProof when the witness answers with the
// status of that error.
func AddCheckpoint(ctx context.Context, client *http.Client, prefix string, oldSize uint64, proof [][]byte, checkpoint []byte) ([]byte, error) {
	if len(proof) > maxProof {
		return nil, fmt.Errorf("witness: proof of %d hashes, more than %d", len(proof), maxProof)
	}
	url := strings.TrimSuffix(prefix, "/") + "/add-checkpoint"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(encodeRequest(oldSize, proof, checkpoint)))
	if err != nil {
		return nil, fmt.Errorf("witness: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("witness: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return nil, fmt.Errorf("witness %s: reading answer: %w", url, err)
	}

	if resp.StatusCode == http.StatusOK {
		if err := checkSignatures(body); err != nil {
			return nil, fmt.Errorf("witness %s: %w", url, err)
		}
		return body, nil
	}
	if typ, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); resp.StatusCode == http.StatusConflict && typ == sizeType {
		size, ok := strings.CutSuffix(string(body), "\n")
		n, err := strconv.ParseUint(size, 10, 64)
		if !ok || err != nil {
			return nil, fmt.Errorf("witness %s: malformed size %q", url, body)
		}
		return nil, &ConflictError{Size: n}
	}
	msg := strings.TrimSpace(string(body[:min(len(body), 512)]))
	for _, s := range statuses {
		if resp.StatusCode == s.code {
			return nil, fmt.Errorf("witness %s: %w (%s)", url, s.err, msg)
		}
	}
	return nil, fmt.Errorf("witness %s: %s: %s", url, resp.Status, msg)
}

// checkSignatures checks that b is one or more note signature lines.
func checkSignatures(b []byte) error {
	if len(b) == 0 || b[len(b)-1] != '\n' {
		return errors.New("answer is not signature lines")
	}
	for line := range bytes.Lines(b) {
		if !bytes.HasPrefix(line, []byte("— ")) {
			return fmt.Errorf("answer line %q is not a signature", line)
		}
	}
	return nil
}
