package audit_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/surety/surety/internal/audit"
	"github.com/surety/surety/internal/client"
	"github.com/surety/surety/internal/statement"
)

// submit appends n clock ticks at once, so that commits answer several
// of them with one batch note, and returns their receipts.
func (e *env) submit(t *testing.T, url, prefix string, n int) [][]byte {
	out := make([][]byte, n)
	var wg sync.WaitGroup
	for i := range n {
		env, err := statement.Sign(e.logKey, statement.Payload{Type: "clock.tick", Agreement: "il-kp-1993",
			ID: fmt.Sprintf("%s-%d", prefix, i), Author: "operator", Time: time.Now(), Body: []byte("{}")})
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			a, err := client.New(url).Submit(context.Background(), env)
			if err != nil {
				t.Error(err)
				return
			}
			if a.Receipt == "" {
				t.Errorf("no receipt for %s-%d", prefix, i)
			}
			out[i] = []byte(a.Receipt)
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	return out
}

func copyFile(t *testing.T, from, to string) {
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestReceiptsCatchRollback plays an operator who drops 9 acknowledged
// statements: it restores the database as it was before them, with its
// cosigned checkpoint, and serves on. Each receipt it gave is evidence
// against it, before and after it appends other statements in their
// place, and the witnesses refuse the new history.
func TestReceiptsCatchRollback(t *testing.T) {
	e := newEnv(t)
	db := filepath.Join(e.dir, "log.db")
	r := e.serve(t, "log.db")
	e.fill(t, r, "a", 10)
	r.Close()
	copyFile(t, db, db+".before")

	r = e.serve(t, "log.db")
	receipts := e.submit(t, r.URL, "b", 9)
	if _, err := r.Publisher.Publish(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	if _, err := audit.Run(context.Background(), e.config(r, "")); err != nil {
		t.Fatal(err)
	}
	check := func(rc []byte) (*audit.ReceiptReport, error) {
		return audit.VerifyReceipt(context.Background(), audit.ReceiptCheck{Server: r.URL, LogKey: e.logKey.VKey(), Receipt: rc})
	}
	shared := 0
	for _, rc := range receipts {
		rep, err := check(rc)
		if err != nil {
			t.Fatalf("an honest log fails its receipt: %v", err)
		}
		_, note, _ := strings.Cut(string(rc), "\n\n")
		if n := strings.Split(note, "\n"); len(n) > 4 && n[4] != "1" {
			shared++
		}
		if rep.Receipt.Index < 11 || rep.Size != 20 {
			t.Errorf("receipt %+v", rep)
		}
	}
	t.Logf("%d of %d receipts came from a batch of several statements", shared, len(receipts))
	// A receipt altered by its holder, to promise the entry after its own,
	// does not verify.
	lines := strings.Split(string(receipts[0]), "\n")
	i, _ := strconv.Atoi(lines[1])
	lines[1] = strconv.Itoa(i + 1)
	forged := strings.Join(lines, "\n")
	if _, err := check([]byte(forged)); err == nil || audit.IsFailure(err) {
		t.Fatalf("a forged receipt: %v", err)
	}

	// The rollback.
	r.Close()
	for _, suffix := range []string{"-wal", "-shm"} {
		os.Remove(db + suffix)
	}
	copyFile(t, db+".before", db)
	r = e.serve(t, "log.db")
	for _, rc := range receipts {
		_, err := check(rc)
		mustFail(t, err, "cannot hold it")
	}
	e.submit(t, r.URL, "c", 12)
	if _, err := r.Publisher.Publish(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	_, err := check(receipts[3])
	mustFail(t, err, "holds another entry at that index")
	if !strings.Contains(err.Error(), "surety receipt v2") {
		t.Errorf("the evidence does not quote the receipt: %v", err)
	}
	// The witnesses, which saw size 20, cosign nothing of the new history,
	// so even a fresh audit, with no memory of its own, fails.
	_, err = audit.Run(context.Background(), e.config(r, ""))
	mustFail(t, err, "cosigned by 0 of the 2 witnesses")
}
