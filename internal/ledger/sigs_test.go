package ledger_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/surety/surety/internal/ledger"
	"github.com/surety/surety/internal/statement"
	"github.com/surety/surety/internal/testenv"
)

// spoil changes one byte of an envelope's signature, keeping its key id:
// the statement reaches the check of its signature, and fails it.
func spoil(t *testing.T, env []byte, at int) []byte {
	t.Helper()
	var e map[string]any
	if err := json.Unmarshal(env, &e); err != nil {
		t.Fatal(err)
	}
	sig := e["signatures"].([]any)[0].(map[string]any)
	raw, err := base64.StdEncoding.DecodeString(sig["sig"].(string))
	if err != nil {
		t.Fatal(err)
	}
	raw[at] ^= 0x01
	sig["sig"] = base64.StdEncoding.EncodeToString(raw)
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBadSignaturesAmongGood sends badly signed statements among good
// ones from many clients at once, as an outsider who wants the server's
// batches of signatures to fail would: every good statement is taken, in
// whatever batch it shared with a bad one, every bad one is refused for
// its signature, and none of them is in the log.
func TestBadSignaturesAmongGood(t *testing.T) {
	both(t, func(t *testing.T, b testenv.Backend) {
		f := open(t, b)
		const good, bad = 600, 40
		envs := make([][]byte, 0, good+bad)
		for i := range good {
			envs = append(envs, f.tick(t, fmt.Sprint("good-", i)))
		}
		for i := range bad {
			// In R and in S, by turns.
			envs = append(envs, spoil(t, f.tick(t, fmt.Sprint("bad-", i)), []int{3, 40}[i%2]))
		}
		// Interleave them: a bad one after every fifteen good ones.
		order := make([]int, 0, len(envs))
		for i := range good {
			order = append(order, i)
			if i%15 == 14 && i/15 < bad {
				order = append(order, good+i/15)
			}
		}
		errs := make([]error, len(envs))
		var wg sync.WaitGroup
		next := make(chan int)
		// Enough clients that the log is crowded and batches, however
		// many cores it has (crowdPerCore is 16 a core).
		for range max(64, 32*runtime.GOMAXPROCS(0)) {
			wg.Go(func() {
				for i := range next {
					_, errs[i] = f.log.Append(context.Background(), envs[i])
				}
			})
		}
		for _, i := range order {
			next <- i
		}
		close(next)
		wg.Wait()
		for i, err := range errs {
			switch {
			case i < good && err != nil:
				t.Errorf("good statement %d refused: %v", i, err)
			case i >= good && !errors.Is(err, statement.ErrSignature):
				t.Errorf("badly signed statement %d: %v, want a refused signature", i-good, err)
			}
		}
		h, es, _ := reference(t, f.log)
		if h.Size != 1+good {
			t.Errorf("the log holds %d entries, want the adoption and %d ticks", h.Size, good)
		}
		for _, data := range es {
			e, err := ledger.ParseEntry(data)
			if err != nil {
				t.Fatal(err)
			}
			if e.Statement.ID[:4] == "bad-" {
				t.Errorf("badly signed %s is in the log", e.Statement.ID)
			}
		}
	})
}
