package cli

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"
)

// poster is one of a bench's clients: one keep-alive HTTP/1.1 connection,
// on which it sends a request and reads its answer before it sends the
// next. It writes and reads in the goroutine that posts, with net/http's
// own Request.Write and ReadResponse. An http.Transport hands each request
// to two goroutines of its own and back; on two cores those hand-offs took
// CPU from the server the bench measures (docs/performance.md).
type poster struct {
	ctx  context.Context
	url  *url.URL
	ct   string
	conn net.Conn
	stop func() bool
	br   *bufio.Reader
	bw   *bufio.Writer
}

// post sends body and returns the answer's status and body. It dials
// again when the server closed the connection after its last answer, and
// gives up when its context ends.
func (p *poster) post(body []byte) (int, []byte, error) {
	if p.conn == nil {
		var d net.Dialer
		c, err := d.DialContext(p.ctx, "tcp", p.url.Host)
		if err != nil {
			return 0, nil, fmt.Errorf("POST %s: %w", p.url, err)
		}
		p.conn, p.br, p.bw = c, bufio.NewReader(c), bufio.NewWriter(c)
		p.stop = context.AfterFunc(p.ctx, func() { c.SetDeadline(time.Unix(1, 0)) })
	}
	req := &http.Request{
		Method: http.MethodPost, URL: p.url, Host: p.url.Host, ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": {p.ct}},
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
	}
	if err := req.Write(p.bw); err != nil {
		return 0, nil, p.fail(err)
	}
	if err := p.bw.Flush(); err != nil {
		return 0, nil, p.fail(err)
	}
	resp, err := http.ReadResponse(p.br, req)
	if err != nil {
		return 0, nil, p.fail(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return 0, nil, p.fail(err)
	}
	if resp.Close {
		p.close()
	}
	return resp.StatusCode, b, nil
}

func (p *poster) fail(err error) error {
	p.close()
	return fmt.Errorf("POST %s: %w", p.url, err)
}

// close closes the connection, if open.
func (p *poster) close() {
	if p.conn != nil {
		p.stop()
		p.conn.Close()
		p.conn = nil
	}
}
