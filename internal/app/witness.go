package app

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/witness"
	"github.com/transparency-dev/formats/note"
)

// StartWitness runs a witness for the given log keys on addr and returns
// its URL and a function that stops it.
func StartWitness(key *keys.Signer, addr, dir string, logKeys ...string) (string, func(), error) {
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
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: w.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(os.Stderr, "witness:", err)
		}
	}()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}
