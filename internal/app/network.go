package app

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"syscall"
	"time"

	"golang.org/x/net/netutil"
)

// Network bounds what clients may hold of a server (serve or witness):
// the time to read a request's header, to read the whole request (a blob
// upload included), to write the answer (a blob download included), and
// to keep an idle connection open; and how many connections it serves at
// once. Connections beyond MaxConns wait, unaccepted, until one closes.
// A zero field takes DefaultNetwork's.
type Network struct {
	HeaderTimeout time.Duration
	ReadTimeout   time.Duration
	WriteTimeout  time.Duration
	IdleTimeout   time.Duration
	MaxConns      int
}

// DefaultNetwork lets a 32 MiB blob through at 1 MiB/s, in either
// direction, and holds 4,096 connections.
var DefaultNetwork = Network{
	HeaderTimeout: 10 * time.Second,
	ReadTimeout:   time.Minute,
	WriteTimeout:  time.Minute,
	IdleTimeout:   2 * time.Minute,
	MaxConns:      4096,
}

// withDefaults fills the zero fields from DefaultNetwork.
func (n Network) withDefaults() Network {
	d := DefaultNetwork
	for _, f := range []struct{ v, def *time.Duration }{
		{&n.HeaderTimeout, &d.HeaderTimeout}, {&n.ReadTimeout, &d.ReadTimeout},
		{&n.WriteTimeout, &d.WriteTimeout}, {&n.IdleTimeout, &d.IdleTimeout},
	} {
		if *f.v <= 0 {
			*f.v = *f.def
		}
	}
	if n.MaxConns <= 0 {
		n.MaxConns = d.MaxConns
	}
	return n
}

// listen listens on addr, holding at most n.MaxConns connections.
func (n Network) listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, fmt.Errorf("%s is in use, by another server: choose another address with --addr HOST:PORT (127.0.0.1:0 picks a free port): %w", addr, err)
	}
	if err != nil {
		return nil, err
	}
	return netutil.LimitListener(ln, n.withDefaults().MaxConns), nil
}

// server returns an HTTP server of h with n's timeouts.
func (n Network) server(h http.Handler, logger *slog.Logger) *http.Server {
	n = n.withDefaults()
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: n.HeaderTimeout,
		ReadTimeout:       n.ReadTimeout,
		WriteTimeout:      n.WriteTimeout,
		IdleTimeout:       n.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelDebug),
	}
}
