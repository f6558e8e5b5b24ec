package witness

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// maxProof is the most consistency-proof lines a request may carry.
const maxProof = 63

// parseRequest splits an add-checkpoint request body into its old size,
// consistency proof and checkpoint note. It accepts only the canonical
// encoding, so that encodeRequest gives back body. It does not look inside
// the checkpoint.
func parseRequest(body []byte) (old uint64, proof [][]byte, checkpoint []byte, err error) {
	line, rest, ok := bytes.Cut(body, []byte("\n"))
	size, found := strings.CutPrefix(string(line), "old ")
	if !ok || !found {
		return 0, nil, nil, fmt.Errorf("%w: no old size line", ErrMalformed)
	}
	old, err = strconv.ParseUint(size, 10, 64)
	if err != nil || strconv.FormatUint(old, 10) != size {
		return 0, nil, nil, fmt.Errorf("%w: old size %q", ErrMalformed, size)
	}
	for {
		line, rest, ok = bytes.Cut(rest, []byte("\n"))
		if !ok {
			return 0, nil, nil, fmt.Errorf("%w: no empty line before the checkpoint", ErrMalformed)
		}
		if len(line) == 0 {
			break
		}
		if len(proof) == maxProof {
			return 0, nil, nil, fmt.Errorf("%w: more than %d proof lines", ErrMalformed, maxProof)
		}
		h, err := base64.StdEncoding.DecodeString(string(line))
		if err != nil || len(h) != sha256.Size || base64.StdEncoding.EncodeToString(h) != string(line) {
			return 0, nil, nil, fmt.Errorf("%w: proof line %q", ErrMalformed, line)
		}
		proof = append(proof, h)
	}
	if old == 0 && len(proof) > 0 {
		return 0, nil, nil, fmt.Errorf("%w: proof from size 0", ErrMalformed)
	}
	return old, proof, rest, nil
}

// encodeRequest returns the add-checkpoint request body for old, proof and
// checkpoint.
func encodeRequest(old uint64, proof [][]byte, checkpoint []byte) []byte {
	b := fmt.Appendf(nil, "old %d\n", old)
	for _, h := range proof {
		b = base64.StdEncoding.AppendEncode(b, h)
		b = append(b, '\n')
	}
	b = append(b, '\n')
	return append(b, checkpoint...)
}
