package witness

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"strings"
	"testing"
)

const checkpointNote = "surety.example/il-kp-1993\n2\nPlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n\n— surety.example/il-kp-1993 AAAAAAAA\n"

const hashLine = "jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n"

func TestParseRequest(t *testing.T) {
	for _, tc := range []struct {
		name  string
		body  string
		old   uint64
		proof int
	}{
		{"first contact", "old 0\n\n" + checkpointNote, 0, 0},
		{"proof", "old 1\n" + hashLine + hashLine + "\n" + checkpointNote, 1, 2},
		{"largest size", "old 18446744073709551615\n\n", 18446744073709551615, 0},
		{"most proof lines", "old 7\n" + strings.Repeat(hashLine, maxProof) + "\n", 7, maxProof},
	} {
		t.Run(tc.name, func(t *testing.T) {
			old, proof, cp, err := parseRequest([]byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if old != tc.old || len(proof) != tc.proof {
				t.Errorf("old %d with %d proof lines, want %d with %d", old, len(proof), tc.old, tc.proof)
			}
			if got := encodeRequest(old, proof, cp); string(got) != tc.body {
				t.Errorf("encoded again as %q", got)
			}
		})
	}

	for _, tc := range []struct{ name, body string }{
		{"empty", ""},
		{"no newline", "old 1"},
		{"no blank line", "old 1\n" + hashLine},
		{"leading zero", "old 01\n\n"},
		{"sign", "old +1\n\n"},
		{"negative", "old -1\n\n"},
		{"two spaces", "old  1\n\n"},
		{"capital", "OLD 1\n\n"},
		{"overflow", "old 18446744073709551616\n\n"},
		{"carriage return", "old 1\r\n\n"},
		{"proof from zero", "old 0\n" + hashLine + "\n"},
		{"short hash", "old 1\nAAAA\n\n"},
		{"unpadded hash", "old 1\n" + strings.TrimSuffix(hashLine, "=\n") + "\n\n"},
		{"noncanonical hash", "old 1\njrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swl=\n\n"},
		{"carriage return in hash", "old 1\n" + strings.TrimSuffix(hashLine, "\n") + "\r\n\n"},
		{"too many proof lines", "old 1\n" + strings.Repeat(hashLine, maxProof+1) + "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, _, err := parseRequest([]byte(tc.body)); !errors.Is(err, ErrMalformed) {
				t.Errorf("error %v, want %v", err, ErrMalformed)
			}
		})
	}
}

func FuzzParseRequest(f *testing.F) {
	f.Add([]byte("old 0\n\n" + checkpointNote))
	f.Add([]byte("old 1\n" + hashLine + hashLine + "\n" + checkpointNote))
	f.Add([]byte("old 01\n\n"))
	f.Add([]byte("old 1\n" + strings.Repeat(hashLine, maxProof+1) + "\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		old, proof, cp, err := parseRequest(body)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap %v", err, ErrMalformed)
			}
			return
		}
		if len(proof) > maxProof || old == 0 && len(proof) > 0 {
			t.Fatalf("accepted old %d with %d proof lines", old, len(proof))
		}
		for _, h := range proof {
			if len(h) != sha256.Size {
				t.Fatalf("accepted a proof hash of %d bytes", len(h))
			}
		}
		if got := encodeRequest(old, proof, cp); !bytes.Equal(got, body) {
			t.Fatalf("%q encoded again as %q", body, got)
		}
	})
}
