package app

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"

	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/witness"
	"github.com/transparency-dev/formats/note"
)

// StartWitness runs a witness for the given log keys on addr, within the
// bounds of n, and returns its URL and a function that stops it.
func StartWitness(key *keys.Signer, addr, dir string, n Network, logKeys ...string) (string, func(), error) {
	signer, err := witness.NewSigner(key.Name, key.Key)
	if err != nil {
		return "", nil, err
	}
	var logs []witness.Log
	for _, k := range logKeys {
		v, err := note.NewVerifier(k)
		if err != nil {
			return "", nil, fmt.Errorf("--log %q: %w", k, err)
		}
		logs = append(logs, witness.Log{Origin: v.Name(), Verifier: v})
	}
	w, err := witness.New(signer, dir, logs...)
	if err != nil {
		return "", nil, err
	}
	ln, err := n.listen(addr)
	if err != nil {
		return "", nil, err
	}
	srv := n.server(w.Handler(), slog.Default())
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(os.Stderr, "witness:", err)
		}
	}()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}
