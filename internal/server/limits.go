package server

import (
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limits bound the requests one client may make: each client address,
// and each principal that signs its requests (RFC 9421), has a token
// bucket (golang.org/x/time/rate) that refills at a rate per second and
// holds a burst. A request finding its bucket empty is refused with 429
// and a Retry-After of the seconds until a token is there.
type Limits struct {
	// Address is the rate of requests of one client address, and
	// AddressBurst how many it may make at once.
	Address      rate.Limit
	AddressBurst int
	// Principal is the rate of signed requests of one principal, and
	// PrincipalBurst how many it may make at once. Statements are signed
	// within their envelope, not as requests: only Address limits them.
	Principal      rate.Limit
	PrincipalBurst int
}

// DefaultLimits are generous enough for a bulk ingest of 20,000 statements
// from one address at full speed, and for the demonstration, while a
// flood from one address is held to 10,000 requests a second.
var DefaultLimits = Limits{Address: 10000, AddressBurst: 50000, Principal: 100, PrincipalBurst: 1000}

// errLimited answers a request beyond its client's rate.
var errLimited = errors.New("rate limited")

// limitedError is a request refused for its client's rate, with the time
// until the client may try again.
type limitedError struct {
	who   string
	retry time.Duration
}

func (e *limitedError) Error() string {
	return fmt.Sprintf("%s makes requests faster than the server's limit; try again in %s", e.who, e.retry.Round(time.Millisecond))
}

func (e *limitedError) Unwrap() error { return errLimited }

// retryAfter is the Retry-After of e, in whole seconds, at least 1.
func (e *limitedError) retryAfter() string {
	return strconv.Itoa(max(1, int(math.Ceil(e.retry.Seconds()))))
}

// buckets are the token buckets of one kind of client, by key.
type buckets struct {
	rate  rate.Limit
	burst int

	mu    sync.Mutex
	m     map[string]*bucket
	swept time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newBuckets(r rate.Limit, burst int) *buckets {
	return &buckets{rate: r, burst: burst, m: map[string]*bucket{}}
}

// take takes a token from key's bucket, or returns an error that says how
// long until there is one.
func (b *buckets) take(who, key string, now time.Time) error {
	if b.rate == rate.Inf {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	// A bucket unused for as long as it takes to fill is full: forget it.
	idle := time.Minute
	if b.rate > 0 {
		idle = max(idle, time.Duration(float64(b.burst)/float64(b.rate)*float64(time.Second)))
	}
	if now.Sub(b.swept) > time.Minute {
		for k, v := range b.m {
			if now.Sub(v.seen) > idle {
				delete(b.m, k)
			}
		}
		b.swept = now
	}
	v := b.m[key]
	if v == nil {
		v = &bucket{lim: rate.NewLimiter(b.rate, b.burst)}
		b.m[key] = v
	}
	v.seen = now
	r := v.lim.ReserveN(now, 1)
	if !r.OK() {
		return &limitedError{who: who, retry: time.Minute}
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return &limitedError{who: who, retry: d}
	}
	return nil
}

// SetLimits sets the rate limits, before the server serves.
func (s *Server) SetLimits(l Limits) {
	s.byAddress = newBuckets(l.Address, l.AddressBurst)
	s.byPrincipal = newBuckets(l.Principal, l.PrincipalBurst)
}

// clientAddress is the address a request came from, without its port.
// Surety reads no forwarding headers: behind a proxy, every client has the
// proxy's address.
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
