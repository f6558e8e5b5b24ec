package ledger

import (
	"context"
	"crypto/ed25519"
	"runtime"
	"time"

	"github.com/surety/surety/internal/statement"
)

// The signatures of statements that arrive together are checked together:
// a statement.Batch checks each of eight statements by one author in
// under half the time it takes alone, and of 32 in under a third. While
// the log is crowded, with crowdPerCore Appends or more under way a core,
// Appends hand their statements to the verifiers, one per core. A
// verifier takes a statement, waits up to sigWait for more, up to
// maxSigBatch, and checks what it has as one batch, or alone when it has
// one. With fewer Appends, each checks its own signature at once (see
// verifySig).
const (
	// crowdPerCore: with 16 Appends a core under way, the cores are busy
	// and a signature waiting for others costs nothing but its wait. With
	// fewer clients a statement's time in the server is mostly its
	// commit's, and a wait only adds to it. Measured with `surety bench
	// ingest` at 16, 32, 64 and 256 clients (docs/performance.md): from
	// 64 clients the batches take less CPU, at 256 they raise the
	// throughput, and at 16, without the threshold, the waits cost a fifth
	// of it. With the cheaper batches of one term a key, 8 was no better.
	crowdPerCore = 16
	// maxSigBatch bounds a batch: past 64 a batch checks a signature
	// hardly faster, and its statements wait longer for the last.
	maxSigBatch = 64
	// sigWait is how long a verifier waits for more signatures. A commit
	// and its answers take milliseconds, so the wait is a small part of a
	// statement's time in a crowded server.
	sigWait = 200 * time.Microsecond
	// afterBadBatch is how many signatures a verifier checks one by one
	// after a batch failed. A bad signature costs its batch a second
	// check, one by one, to find it: without the pause, an outsider who
	// posts a badly signed statement now and then could make every batch
	// fail, and the server spend on each signature its share of a batch
	// (11–32 µs) on top of the 41 µs it costs alone. With it, one bad signature costs at most one
	// batch, and the signatures after it what they cost alone.
	afterBadBatch = 1024
)

// sigCheck is one statement whose signature waits for a verifier.
type sigCheck struct {
	st   *statement.Statement
	pub  ed25519.PublicKey
	done chan error // buffered: the verifier never waits for the Append
}

// verifiers starts a verifier per core; they stop when quit is closed.
func (l *Log) verifiers() {
	for range runtime.GOMAXPROCS(0) {
		go l.verifier()
	}
}

func (l *Log) verifier() {
	alone := 0 // signatures left to check one by one (afterBadBatch)
	cs := make([]*sigCheck, 0, maxSigBatch)
	wait := time.NewTimer(sigWait)
	wait.Stop()
	for {
		cs = cs[:0]
		select {
		case c := <-l.sigs:
			cs = append(cs, c)
		case <-l.quit:
			return
		}
		if alone == 0 {
			wait.Reset(sigWait)
		gather:
			for len(cs) < maxSigBatch && l.inflight.Load() > int64(len(cs)) {
				select {
				case c := <-l.sigs:
					cs = append(cs, c)
				case <-wait.C:
					break gather
				}
			}
			wait.Stop()
		}
		if len(cs) > 1 && alone == 0 {
			b := statement.NewBatch(len(cs))
			for _, c := range cs {
				b.Add(c.st, c.pub)
			}
			if b.Verify() {
				for _, c := range cs {
					c.done <- nil
				}
				continue
			}
			alone = afterBadBatch
		}
		for _, c := range cs {
			c.done <- c.st.Verify(c.pub)
			alone = max(alone-1, 0)
		}
	}
}

// verifySig checks st's signature against pub, and returns what
// Statement.Verify returns. With fewer than crowdPerCore Appends under way
// a core, it checks it at once, holding a core: the cores are not all
// busy, and a wait for other signatures would only delay the answer.
// With more, it hands it to the verifiers, to be checked with the others
// waiting.
func (l *Log) verifySig(ctx context.Context, st *statement.Statement, pub ed25519.PublicKey) error {
	if l.inflight.Load() < l.crowd {
		if err := l.core(ctx); err != nil {
			return err
		}
		defer func() { <-l.cores }()
		return st.Verify(pub)
	}
	c := &sigCheck{st: st, pub: pub, done: make(chan error, 1)}
	select {
	case l.sigs <- c:
	case <-ctx.Done():
		return ctx.Err()
	case <-l.quit:
		return ErrClosed
	}
	select {
	case err := <-c.done:
		return err
	case <-l.quit:
		return ErrClosed
	}
}
