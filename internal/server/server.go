// Package server is Surety's HTTP interface: the statement API under /v1/,
// the log's checkpoint and tiles under /log/<agreement>/ as C2SP
// tlog-tiles, proofs, blobs and metrics. Errors are RFC 9457 problem+json,
// mapped from the domain's errors in one table.
package server

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/api"
	"github.com/surety/surety/internal/ledger"
	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/statement"
	"github.com/surety/surety/internal/store"
)

// Server serves one agreement's log.
type Server struct {
	Log       *ledger.Log
	Publisher *ledger.Publisher
	Logger    *slog.Logger

	mux         *http.ServeMux
	byAddress   *buckets
	byPrincipal *buckets
	registry    *prometheus.Registry
	appends     *prometheus.CounterVec
	latency     prometheus.Histogram
}

// New returns a server for the log; pub may be nil for a read-only server.
func New(l *ledger.Log, pub *ledger.Publisher, logger *slog.Logger) *Server {
	if logger == nil {
		logger = slog.Default()
	}
	s := &Server{Log: l, Publisher: pub, Logger: logger, mux: http.NewServeMux(), registry: prometheus.NewRegistry()}
	s.appends = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "surety_statements_total", Help: "Statements submitted, by outcome.",
	}, []string{"outcome"})
	s.latency = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "surety_append_seconds", Help: "Time from receipt to durable commit of a statement.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
	})
	s.registry.MustRegister(s.appends, s.latency, prometheus.NewGoCollector())
	s.SetLimits(DefaultLimits)

	s.handle("POST /v1/statements", s.postStatement)
	s.handle("GET /v1/statements/{index}", s.getStatement)
	s.handle("GET /v1/proof/inclusion", s.getInclusion)
	s.handle("GET /v1/proof/consistency", s.getConsistency)
	s.handle("POST /v1/checkpoint", s.postCheckpoint)
	s.handle("POST /v1/blobs", s.postBlob)
	s.handle("GET /v1/blobs/{sum}", s.getBlob)
	s.handle("GET /v1/state", s.getState)
	s.handle("GET /v1/agreement", s.getAgreement)
	s.handle("GET /v1/declarations", s.getDeclarations)
	s.handle("GET /v1/declarations/{id}", s.getRecord(func(kv state.KV, id string) (any, error) {
		d, err := state.LoadDeclaration(kv, id)
		if err != nil {
			return nil, err
		}
		return state.ViewDeclaration(kv, d)
	}))
	s.handle("GET /v1/declarations/{id}/selection", s.getSelection)
	s.handle("GET /v1/sites/{id}/queue", s.getQueue)
	s.handle("GET /v1/selections/pending", s.getPendingSelections)
	s.handle("POST /v1/sealed/selections", s.postSealed)
	s.handle("GET /v1/sealed/due", s.getDue)
	s.handle("GET /v1/challenges/{id}", s.getRecord(func(kv state.KV, id string) (any, error) { return state.LoadChallenge(kv, id) }))
	s.handle("GET /v1/periods/{period}/assurance", s.getAssurance)
	s.handle("GET /v1/periods/{period}/verdicts", s.getVerdicts)
	s.handle("GET /v1/incentives", s.getIncentives)
	s.handle("GET /v1/milestones", s.getMilestones)
	s.handle("GET /v1/events", s.getEvents)
	s.handle("GET /v1/licences/{id}", s.getRecord(func(kv state.KV, id string) (any, error) { return state.LoadLicence(kv, id) }))
	s.handle("GET /v1/disputes/{id}", s.getRecord(func(kv state.KV, id string) (any, error) { return state.LoadDispute(kv, id) }))
	s.handle("GET /log/{agreement}/checkpoint", s.getCheckpoint)
	s.handle("GET /log/{agreement}/tile/", s.getTile)
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{}))
	return s
}

// Handle adds a handler to the server's mux, for packages that extend the
// API.
func (s *Server) Handle(pattern string, h func(w http.ResponseWriter, r *http.Request) error) {
	s.handle(pattern, h)
}

func (s *Server) handle(pattern string, h func(w http.ResponseWriter, r *http.Request) error) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.problem(w, r, err)
		}
	})
}

// ServeHTTP serves the API, within the rate of the client's address. A
// path it does not serve, or a method a path does not take, is answered
// with a problem, as every other error.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	addr := clientAddress(r)
	if err := s.byAddress.take("address "+addr, addr, time.Now()); err != nil {
		s.problem(w, r, err)
		return
	}
	h, pattern := s.mux.Handler(r)
	if pattern != "" {
		s.mux.ServeHTTP(w, r)
		return
	}
	// The mux's own answer: 404, 405 with Allow, or a redirect to the
	// cleaned path.
	c := &captured{header: http.Header{}, status: http.StatusOK}
	h.ServeHTTP(c, r)
	switch c.status {
	case http.StatusNotFound:
		s.problem(w, r, &Error{Status: http.StatusNotFound, Kind: "not-found",
			Msg: fmt.Sprintf("the API has no %s; docs/api.md lists its paths", r.URL.Path)})
	case http.StatusMethodNotAllowed:
		allow := c.header.Get("Allow")
		w.Header().Set("Allow", allow)
		s.problem(w, r, &Error{Status: http.StatusMethodNotAllowed, Kind: "method-not-allowed",
			Msg: fmt.Sprintf("%s takes %s, not %s", r.URL.Path, allow, r.Method)})
	default:
		maps.Copy(w.Header(), c.header)
		w.WriteHeader(c.status)
	}
}

// captured keeps the status and header a handler answers with, and drops
// its body.
type captured struct {
	header http.Header
	status int
}

func (c *captured) Header() http.Header         { return c.header }
func (c *captured) Write(b []byte) (int, error) { return len(b), nil }
func (c *captured) WriteHeader(status int)      { c.status = status }

// Error is an error with its HTTP status and problem kind ("bad-request"
// if empty), for request problems the handlers find themselves.
type Error struct {
	Status int
	Kind   string
	Msg    string
}

func (e *Error) Error() string { return e.Msg }

func badRequest(format string, args ...any) error {
	return &Error{Status: http.StatusBadRequest, Msg: fmt.Sprintf(format, args...)}
}

// jsonBody refuses a request whose body is not declared as JSON.
func jsonBody(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	if typ, _, err := mime.ParseMediaType(ct); err != nil || typ != "application/json" {
		return &Error{Status: http.StatusUnsupportedMediaType, Kind: "unsupported-media-type",
			Msg: fmt.Sprintf("Content-Type is %q; send the body as application/json", ct)}
	}
	return nil
}

// statuses maps the domain's errors to HTTP statuses and problem types, in
// one table.
var statuses = []struct {
	err    error
	status int
	kind   string
}{
	{statement.ErrTooLarge, http.StatusRequestEntityTooLarge, "too-large"},
	{statement.ErrMalformed, http.StatusBadRequest, "malformed"},
	{statement.ErrSignature, http.StatusForbidden, "bad-signature"},
	{state.ErrForbidden, http.StatusForbidden, "forbidden"},
	{state.ErrConflict, http.StatusConflict, "conflict"},
	{state.ErrInvalid, http.StatusUnprocessableEntity, "invalid"},
	{state.ErrUnknownType, http.StatusBadRequest, "unknown-type"},
	{ledger.ErrNotFound, http.StatusNotFound, "not-found"},
	{store.ErrNotFound, http.StatusNotFound, "not-found"},
	{ledger.ErrClosed, http.StatusServiceUnavailable, "closed"},
	{ledger.ErrUnavailable, http.StatusServiceUnavailable, "unavailable"},
	{ledger.ErrDamaged, http.StatusServiceUnavailable, "damaged"},
	{errUnauthorized, http.StatusUnauthorized, "unauthorized"},
	{errTooLarge, http.StatusRequestEntityTooLarge, "too-large"},
	{errLimited, http.StatusTooManyRequests, "rate-limited"},
}

// classify returns the HTTP status and problem kind of an error.
func classify(err error) (status int, kind string) {
	var he *Error
	if errors.As(err, &he) {
		if he.Kind == "" {
			return he.Status, "bad-request"
		}
		return he.Status, he.Kind
	}
	for _, e := range statuses {
		if errors.Is(err, e.err) {
			return e.status, e.kind
		}
	}
	return http.StatusInternalServerError, "internal"
}

func (s *Server) problem(w http.ResponseWriter, r *http.Request, err error) {
	p := api.Problem{Detail: err.Error()}
	var kind string
	p.Status, kind = classify(err)
	p.Type = api.ProblemBase + kind
	p.Title = http.StatusText(p.Status)
	if p.Status == http.StatusInternalServerError {
		s.Logger.Error("server: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		p.Detail = "internal error; the server log has the details"
	}
	var le *limitedError
	if errors.As(err, &le) {
		w.Header().Set("Retry-After", le.retryAfter())
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func (s *Server) postStatement(w http.ResponseWriter, r *http.Request) error {
	start := time.Now()
	if err := jsonBody(r); err != nil {
		s.appends.WithLabelValues("rejected").Inc()
		return err
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, statement.MaxSize+1))
	if err != nil {
		s.appends.WithLabelValues("rejected").Inc()
		return fmt.Errorf("%w: the body exceeds %d bytes; put large content in a blob", statement.ErrTooLarge, statement.MaxSize)
	}
	res, err := s.Log.Append(r.Context(), body)
	if err != nil {
		s.appends.WithLabelValues("rejected").Inc()
		return err
	}
	s.latency.Observe(time.Since(start).Seconds())
	status := http.StatusCreated
	if res.Existing {
		status = http.StatusOK
		s.appends.WithLabelValues("existing").Inc()
	} else {
		s.appends.WithLabelValues("appended").Inc()
	}
	out := api.AppendResponse{Index: res.Index, LeafHash: hex.EncodeToString(res.LeafHash[:]), Time: res.Time}
	if s.Publisher != nil {
		rc, err := res.Receipt(s.Publisher.Signer, s.Publisher.Origin, s.Log.ID())
		if err != nil {
			return err
		}
		out.Receipt = string(rc)
	}
	return writeJSON(w, status, out)
}

func (s *Server) getStatement(w http.ResponseWriter, r *http.Request) error {
	i, err := strconv.ParseUint(r.PathValue("index"), 10, 64)
	if err != nil {
		return badRequest("index %q is not a whole number", r.PathValue("index"))
	}
	es, err := s.Log.Entries(r.Context(), i, i+1)
	if err != nil {
		return err
	}
	e, err := ledger.ParseEntry(es[0])
	if err != nil {
		return err
	}
	lh := ledger.LeafHash(es[0])
	return writeJSON(w, http.StatusOK, api.EntryResponse{Index: i, LeafHash: hex.EncodeToString(lh[:]), Time: e.Time, Statement: e.Envelope, Payload: e.Statement.Payload})
}

func (s *Server) agreementParam(r *http.Request) error {
	if a := r.URL.Query().Get("agreement"); a != "" && a != s.Log.ID() {
		return fmt.Errorf("%w: this server holds the log of %s, not %s", ledger.ErrNotFound, s.Log.ID(), a)
	}
	return nil
}

func uintParam(r *http.Request, name string) (uint64, error) {
	v := r.URL.Query().Get(name)
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, badRequest("query parameter %s=%q is not a whole number", name, v)
	}
	return n, nil
}

func (s *Server) getInclusion(w http.ResponseWriter, r *http.Request) error {
	if err := s.agreementParam(r); err != nil {
		return err
	}
	i, err := uintParam(r, "index")
	if err != nil {
		return err
	}
	n, err := uintParam(r, "size")
	if err != nil {
		return err
	}
	p, err := s.Log.InclusionProof(r.Context(), i, n)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, api.ProofResponse{Index: &i, Size: n, Proof: p})
}

func (s *Server) getConsistency(w http.ResponseWriter, r *http.Request) error {
	if err := s.agreementParam(r); err != nil {
		return err
	}
	old, err := uintParam(r, "old")
	if err != nil {
		return err
	}
	n, err := uintParam(r, "new")
	if err != nil {
		return err
	}
	p, err := s.Log.ConsistencyProof(r.Context(), old, n)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, api.ProofResponse{Old: &old, Size: n, Proof: p})
}

// postCheckpoint publishes a checkpoint now, with its cosignatures, at
// the request of the log's operator: a request signed by the principal
// holding the log duty.
func (s *Server) postCheckpoint(w http.ResponseWriter, r *http.Request) error {
	if s.Publisher == nil {
		return &Error{Status: http.StatusServiceUnavailable, Msg: "this server does not sign checkpoints"}
	}
	if _, err := s.signer(r, operator); err != nil {
		return err
	}
	b, err := s.Publisher.Publish(r.Context(), true)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, err = w.Write(b)
	return err
}

func (s *Server) logParam(r *http.Request) error {
	if a := r.PathValue("agreement"); a != s.Log.ID() {
		return fmt.Errorf("%w: this server holds the log of %s, not %s", ledger.ErrNotFound, s.Log.ID(), a)
	}
	return nil
}

func (s *Server) getCheckpoint(w http.ResponseWriter, r *http.Request) error {
	if err := s.logParam(r); err != nil {
		return err
	}
	b, err := s.Log.Checkpoint(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(b)
	return err
}

func (s *Server) getTile(w http.ResponseWriter, r *http.Request) error {
	if err := s.logParam(r); err != nil {
		return err
	}
	rest := strings.TrimPrefix(r.URL.Path, "/log/"+s.Log.ID()+"/")
	p, err := ledger.ParseTilePath(rest)
	if err != nil {
		return fmt.Errorf("%w: %v", ledger.ErrNotFound, err)
	}
	var b []byte
	if p.Entries {
		b, err = s.Log.EntryBundle(r.Context(), p.Index, p.Width)
	} else {
		b, err = s.Log.Tile(r.Context(), p.Level, p.Index, p.Width)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	if p.Width == 0 {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	_, err = w.Write(b)
	return err
}

// StateSize is the header of GET /v1/state that gives the log size whose
// entries the state reflects.
const StateSize = "Surety-Log-Size"

// getState streams the whole projected state, for auditors to compare
// with their replay, as a JSON array of rows written as they are read,
// all from one snapshot, whose log size the StateSize header gives.
func (s *Server) getState(w http.ResponseWriter, r *http.Request) error {
	if err := s.agreementParam(r); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	n := 0
	err := s.Log.State(r.Context(), func(h store.Head) error {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set(StateSize, strconv.FormatUint(h.Size, 10))
		w.WriteHeader(http.StatusOK)
		_, err := bw.WriteString("[\n")
		return err
	}, func(row ledger.StateRow) error {
		if n > 0 {
			bw.WriteByte(',')
		}
		n++
		return enc.Encode(row)
	})
	if err == nil {
		_, err = bw.WriteString("]\n")
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil && w.Header().Get(StateSize) != "" {
		// The answer has begun: end it broken rather than as valid JSON.
		s.Logger.Error("server: state stream failed", "err", err)
		panic(http.ErrAbortHandler)
	}
	return err
}

func hasSite(sites []agreement.Site, id string) bool {
	for _, s := range sites {
		if s.ID == id {
			return true
		}
	}
	return false
}
