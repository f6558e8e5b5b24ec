package witness

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"

	fnote "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"
)

// algCosignature is the signed-note key type of Ed25519 cosignature/v1 keys.
const algCosignature = 0x04

// NewSigner returns the Ed25519 cosignature/v1 signer named name (by
// convention a schema-less URL naming the witness) for key. Its signatures
// carry the time they were made.
func NewSigner(name string, key ed25519.PrivateKey) (note.Signer, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("witness: key of %d bytes is not an Ed25519 private key", len(key))
	}
	vkey, err := VerifierKey(name, key.Public().(ed25519.PublicKey))
	if err != nil {
		return nil, err
	}
	v, err := fnote.NewVerifierForCosignatureV1(vkey)
	if err != nil {
		return nil, fmt.Errorf("witness: %w", err)
	}
	skey := fmt.Sprintf("PRIVATE+KEY+%s+%08x+%s", name, v.KeyHash(),
		base64.StdEncoding.EncodeToString(append([]byte{algCosignature}, key.Seed()...)))
	s, err := fnote.NewSignerForCosignatureV1(skey)
	if err != nil {
		return nil, fmt.Errorf("witness: %w", err)
	}
	return s, nil
}

// VerifierKey returns the signed-note verifier key of the Ed25519
// cosignature/v1 key named name with public key pub: what logs and clients
// configure to check the witness's cosignatures.
func VerifierKey(name string, pub ed25519.PublicKey) (string, error) {
	vkey, err := note.NewEd25519VerifierKey(name, pub)
	if err != nil {
		return "", fmt.Errorf("witness: %w", err)
	}
	vkey, err = fnote.VKeyToCosignatureV1(vkey)
	if err != nil {
		return "", fmt.Errorf("witness: %w", err)
	}
	return vkey, nil
}
