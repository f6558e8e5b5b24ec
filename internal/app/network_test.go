package app

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/surety/surety/internal/api"
	"github.com/surety/surety/internal/client"
	"github.com/surety/surety/internal/httpsig"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/server"
	"github.com/surety/surety/internal/statement"
	"github.com/surety/surety/internal/store"
)

// serveTest serves the 1993 example on loopback within n, on a clock that
// starts on 2 August 1993, with the operator's key.
func serveTest(t *testing.T, n Network) (*Running, *keys.Signer, func() time.Time) {
	return serveWith(t, ServeConfig{Network: n})
}

func serveWith(t *testing.T, cfg ServeConfig) (*Running, *keys.Signer, func() time.Time) {
	t.Helper()
	k, err := keys.Derive("demo", "surety.local/il-kp-1993")
	if err != nil {
		t.Fatal(err)
	}
	launch, from := time.Now(), time.Date(1993, 8, 2, 8, 0, 0, 0, time.UTC)
	now := func() time.Time { return from.Add(time.Since(launch)) }
	cfg.Agreement, cfg.DB, cfg.Addr, cfg.LogKey, cfg.Now = "../../examples/israel-dprk-1993.yaml", "sqlite:"+filepath.Join(t.TempDir(), "s.db"), "127.0.0.1:0", k, now
	cfg.Logger = slog.New(slog.DiscardHandler)
	r, err := Serve(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return r, k, now
}

// uploadHead is the head of a blob upload of size bytes signed by the
// operator: the signature covers a Content-Digest that the body, sent
// slowly or not at all, need never match.
func uploadHead(t *testing.T, r *Running, k *keys.Signer, size int) []byte {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, r.URL+"/v1/blobs", strings.NewReader("a body never sent"))
	if err := httpsig.Sign(req, "operator", k.Key, time.Now()); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "POST /v1/blobs HTTP/1.1\r\nHost: %s\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n", req.Host, size)
	for _, h := range []string{"Content-Digest", "Signature-Input", "Signature"} {
		fmt.Fprintf(&b, "%s: %s\r\n", h, req.Header.Get(h))
	}
	b.WriteString("\r\n")
	return b.Bytes()
}

func dial(t *testing.T, r *Running) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(r.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// tick submits a clock.tick signed by the operator and returns how long
// the server took to accept it.
func tick(t *testing.T, r *Running, k *keys.Signer, now func() time.Time, id string) time.Duration {
	t.Helper()
	env, err := statement.Sign(k, statement.Payload{Type: statement.TypeClockTick, Agreement: "il-kp-1993", ID: id, Author: "operator", Time: now(), Body: json.RawMessage("{}")})
	if err != nil {
		t.Fatal(err)
	}
	c := client.New(r.URL)
	c.HTTP.Timeout = 20 * time.Second
	start := time.Now()
	if _, err := c.Submit(context.Background(), env); err != nil {
		t.Fatalf("statement %s: %v", id, err)
	}
	return time.Since(start)
}

func heapInuse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// TestHold holds 2,000 connections that never finish their header, 300
// signed uploads that stall past their first part, 300 idle keep-alive
// connections and 10 downloads of a 32 MiB blob that stop reading, all
// against one server on loopback. While the uploads' first parts are
// still being written, the server's heap (the test's clients share the
// process, and hold little) has grown by less than 128 MiB, and a signed
// statement is accepted within 2 seconds. Holding whole blobs, the
// downloads alone would take 320 MiB.
func TestHold(t *testing.T) {
	if testing.Short() {
		t.Skip("holds 2,600 connections")
	}
	const (
		held, uploads, idle, downloads = 2000, 300, 300, 10
		sent                           = store.BlobPart // one part of each upload reaches the store
		bound                          = 128 << 20
		latency                        = 2 * time.Second
	)
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	// Each connection takes a descriptor at each end.
	need := uint64(2*(held+uploads+idle+downloads) + 200)
	if lim.Cur < need {
		lim.Cur = min(need, lim.Max)
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
		if lim.Cur < need {
			t.Skipf("%d file descriptors allowed; the test needs %d", lim.Cur, need)
		}
	}
	// Every connection is held for the whole test.
	r, k, now := serveTest(t, Network{HeaderTimeout: time.Minute})
	tick(t, r, k, now, "warm")

	big := bytes.Repeat([]byte("32 MiB of evidence, "), server.MaxBlob/20)
	sum := sha256.Sum256(big)
	if _, err := client.New(r.URL).Signing("operator", k.Key).PutBlob(context.Background(), big); err != nil {
		t.Fatal(err)
	}
	big = nil
	base := heapInuse()
	t.Logf("heap in use before: %d MiB", base>>20)

	start := time.Now()
	for range held {
		c := dial(t, r)
		if _, err := c.Write([]byte("POST /v1/statements HTTP/1.1\r\nHost: surety\r\n")); err != nil {
			t.Fatal(err)
		}
	}
	chunk := bytes.Repeat([]byte{'e'}, sent+1000)
	var wg sync.WaitGroup
	for range uploads {
		c := dial(t, r)
		head := uploadHead(t, r, k, server.MaxBlob)
		wg.Go(func() {
			if _, err := c.Write(append(head, chunk...)); err != nil {
				t.Error(err)
			}
		})
	}
	for range idle {
		c := dial(t, r)
		wg.Go(func() {
			fmt.Fprintf(c, "GET /v1/agreement HTTP/1.1\r\nHost: surety\r\n\r\n")
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				t.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		})
	}
	for range downloads {
		c := dial(t, r)
		wg.Go(func() {
			fmt.Fprintf(c, "GET /v1/blobs/%x HTTP/1.1\r\nHost: surety\r\n\r\n", sum)
			_, _ = io.ReadFull(c, make([]byte, 64<<10)) // and read no more
		})
	}
	wg.Wait()
	t.Logf("%d connections open in %v", held+uploads+idle+downloads, time.Since(start).Round(time.Millisecond))
	took := tick(t, r, k, now, "under-siege")
	inuse := heapInuse()
	t.Logf("heap in use while held: %d MiB (%d MiB more); a statement accepted in %v", inuse>>20, (int64(inuse)-int64(base))>>20, took.Round(time.Millisecond))
	if inuse > base+bound {
		t.Errorf("the heap grew by %d MiB; the bound is %d MiB", (inuse-base)>>20, bound>>20)
	}
	if took > latency {
		t.Errorf("a signed statement took %v; the bound is %v", took, latency)
	}
}

// closedWithin reports whether the server closes c within d: a read
// returns EOF or an error other than the test's own deadline.
func closedWithin(c net.Conn, d time.Duration) bool {
	_ = c.SetReadDeadline(time.Now().Add(d))
	buf := make([]byte, 64<<10)
	for {
		_, err := c.Read(buf)
		if err == nil {
			continue // an answer, such as 408, before the close
		}
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			return false
		}
		return true
	}
}

// TestTimeouts: the server closes a connection that sends no whole
// header, a request whose body comes too slowly, a connection idle past
// its time, and a download not read in time.
func TestTimeouts(t *testing.T) {
	r, k, _ := serveTest(t, Network{HeaderTimeout: 300 * time.Millisecond, ReadTimeout: time.Second, WriteTimeout: time.Second, IdleTimeout: 500 * time.Millisecond})

	c := dial(t, r)
	fmt.Fprintf(c, "GET /v1/agreement HTTP/1.1\r\n")
	if !closedWithin(c, 3*time.Second) {
		t.Error("a header never finished is not cut off")
	}

	c = dial(t, r)
	if _, err := c.Write(uploadHead(t, r, k, 1<<20)); err != nil {
		t.Fatal(err)
	}
	for range 4 {
		time.Sleep(200 * time.Millisecond)
		_, _ = c.Write([]byte("slow"))
	}
	if !closedWithin(c, 3*time.Second) {
		t.Error("a body sent too slowly is not cut off")
	}

	c = dial(t, r)
	fmt.Fprintf(c, "GET /v1/agreement HTTP/1.1\r\nHost: surety\r\n\r\n")
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	if !closedWithin(c, 3*time.Second) {
		t.Error("an idle keep-alive connection is not closed")
	}

	// More than the loopback's socket buffers hold.
	// (Stored directly: an upload this size takes more than the read
	// timeout under the race detector.)
	big := bytes.Repeat([]byte("a download nobody reads "), server.MaxBlob/24)
	if err := store.PutBlob(context.Background(), r.Store, "il-kp-1993", sha256.Sum256(big), big); err != nil {
		t.Fatal(err)
	}
	c = dial(t, r)
	fmt.Fprintf(c, "GET /v1/blobs/%x HTTP/1.1\r\nHost: surety\r\n\r\n", sha256.Sum256(big))
	time.Sleep(2 * time.Second)
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	got, _ := io.Copy(io.Discard, c)
	if got >= int64(len(big)) {
		t.Errorf("a download not read for twice the write timeout got all %d bytes", got)
	}
}

// TestMaxConns: connections beyond the cap wait until one closes.
func TestMaxConns(t *testing.T) {
	r, _, _ := serveTest(t, Network{MaxConns: 3})
	var held []net.Conn
	for range 3 {
		c := dial(t, r)
		fmt.Fprintf(c, "GET /v1/agreement HTTP/1.1\r\nHost: surety\r\n\r\n")
		if _, err := http.ReadResponse(bufio.NewReader(c), nil); err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	c := &http.Client{Timeout: 500 * time.Millisecond}
	if resp, err := c.Get(r.URL + "/v1/agreement"); err == nil {
		resp.Body.Close()
		t.Fatal("a fourth connection was served")
	}
	held[0].Close()
	c.Timeout = 5 * time.Second
	resp, err := c.Get(r.URL + "/v1/agreement")
	if err != nil {
		t.Fatalf("once one closed: %v", err)
	}
	resp.Body.Close()
}

// TestBlobTTL: the server deletes, on its own, a blob that no statement
// cites within the blob time.
func TestBlobTTL(t *testing.T) {
	r, k, _ := serveWith(t, ServeConfig{BlobTTL: time.Second})
	c := client.New(r.URL)
	sum, err := c.Signing("operator", k.Key).PutBlob(context.Background(), []byte("never cited"))
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(8 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		var b []byte
		err := c.Get(context.Background(), "/v1/blobs/"+sum, &b)
		var p *api.Problem
		if errors.As(err, &p) && p.Status == http.StatusNotFound {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("an uncited blob is still served 8 s after its upload, with a blob time of 1 s: %v", err)
		}
	}
}
