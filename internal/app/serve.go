// Package app runs Surety's services: the log server with its publisher
// and witnesses, the inspectorate's selector, and the demonstration that
// drives them. The CLI, the scenarios and the tests start them from here.
package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/ledger"
	"github.com/surety/surety/internal/server"
	"github.com/surety/surety/internal/statement"
	"github.com/surety/surety/internal/store"
	"github.com/surety/surety/internal/store/postgres"
	"github.com/surety/surety/internal/store/sqlite"
	"github.com/surety/surety/internal/web"
)

// OpenStore opens the store a --db flag names: sqlite:PATH (or a bare
// path), or a postgres:// URL.
func OpenStore(ctx context.Context, db string) (store.Store, error) {
	switch {
	case strings.HasPrefix(db, "postgres://"), strings.HasPrefix(db, "postgresql://"):
		return postgres.Open(ctx, db)
	case strings.HasPrefix(db, "sqlite:"):
		return sqlite.Open(strings.TrimPrefix(db, "sqlite:"))
	case strings.Contains(db, "://"):
		return nil, fmt.Errorf("--db %q: use sqlite:PATH or a postgres:// URL", db)
	}
	return sqlite.Open(db)
}

// ServeConfig is what a log server needs.
type ServeConfig struct {
	Agreement string // the agreement file
	DB        string
	Addr      string
	LogKey    *keys.Signer
	Witnesses map[string]string // witness principal id → URL
	Interval  time.Duration
	// Refresh is how often an unchanged tree's checkpoint is cosigned
	// again; zero means the package's Refresh.
	Refresh time.Duration
	// CommitTimeout bounds the commit of one batch of statements; zero
	// means the ledger's default (see ledger.Options).
	CommitTimeout time.Duration
	Now           func() time.Time
	Logger        *slog.Logger
	// Network bounds the server's connections.
	Network Network
	// Limits are the rate limits; zero means server.DefaultLimits.
	Limits server.Limits
	// BlobTTL is how long a blob may go uncited before it is deleted;
	// zero means DefaultBlobTTL.
	BlobTTL time.Duration
}

// Refresh is how often a log server has its checkpoint cosigned again
// while its tree is unchanged; audit's default --max-age is six times as
// long.
const Refresh = 10 * time.Minute

// DefaultBlobTTL is how long a blob may go uncited by any statement
// before the server deletes it.
const DefaultBlobTTL = 24 * time.Hour

// Running is a started log server.
type Running struct {
	Spec      *agreement.Spec
	Store     store.Store
	Log       *ledger.Log
	Publisher *ledger.Publisher
	Server    *server.Server
	URL       string

	http   *http.Server
	cancel context.CancelFunc
	done   chan struct{}
	logger *slog.Logger
	close  sync.Once
}

// Close stops the server, the publisher and the log, publishes a last
// checkpoint of every entry, cosigned by the witnesses that answer, and
// closes the store. Closing again does nothing.
func (r *Running) Close() {
	r.close.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = r.http.Shutdown(ctx)
		r.cancel()
		<-r.done
		r.Log.Close()
		pctx, pcancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer pcancel()
		if _, err := r.Publisher.Publish(pctx, false); err != nil {
			r.logger.Error("serve: the last checkpoint", "err", err)
		}
		_ = r.Store.Close()
	})
}

// Serve opens the store and the log, adopts the agreement if the log is
// new, and serves it on cfg.Addr until Close.
func Serve(ctx context.Context, cfg ServeConfig) (*Running, error) {
	doc, err := os.ReadFile(cfg.Agreement)
	if err != nil {
		return nil, err
	}
	spec, err := agreement.Parse(cfg.Agreement, doc)
	if err != nil {
		return nil, fmt.Errorf("%s is not a valid agreement:\n%w", cfg.Agreement, err)
	}
	if cfg.LogKey.Name != spec.Origin() {
		return nil, fmt.Errorf("the log key is named %q, but the agreement's log origin is %q; use the key of the log principal", cfg.LogKey.Name, spec.Origin())
	}
	logPr := LogPrincipal(spec)
	if _, pub, _ := keys.ParsePublic(logPr.Key); !pub.Equal(cfg.LogKey.Public()) {
		return nil, fmt.Errorf("the log key does not match principal %s's key in the agreement", logPr.ID)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	// Listen first: a taken address leaves nothing behind.
	ln, err := cfg.Network.listen(cfg.Addr)
	if err != nil {
		return nil, err
	}
	st, err := OpenStore(ctx, cfg.DB)
	if err != nil {
		ln.Close()
		return nil, err
	}
	l, err := ledger.Open(ctx, ledger.Options{Store: st, Log: spec.ID, Now: cfg.Now, Logger: cfg.Logger, CommitTimeout: cfg.CommitTimeout})
	if err != nil {
		ln.Close()
		st.Close()
		return nil, err
	}
	r := &Running{Spec: spec, Store: st, Log: l, logger: cfg.Logger}
	fail := func(err error) (*Running, error) {
		ln.Close()
		l.Close()
		st.Close()
		return nil, err
	}
	if err := adopt(ctx, l, spec, doc, cfg.LogKey, logPr.ID, cfg.Now); err != nil {
		return fail(err)
	}
	var peers []*ledger.WitnessPeer
	for _, p := range spec.Parties {
		for _, pr := range p.Principals {
			if !slices.Contains(pr.Duties, agreement.Witness) {
				continue
			}
			name, _, _ := keys.ParsePublic(pr.Key)
			if name == "" {
				name = pr.ID
			}
			u, ok := cfg.Witnesses[pr.ID]
			if !ok {
				cfg.Logger.Warn("serve: no URL for witness; its cosignature will be missing", "witness", pr.ID, "hint", "pass --witness "+pr.ID+"=URL")
				continue
			}
			peers = append(peers, &ledger.WitnessPeer{Name: name, URL: u})
		}
	}
	for id := range cfg.Witnesses {
		if !slices.ContainsFunc(peers, func(p *ledger.WitnessPeer) bool { return p.URL == cfg.Witnesses[id] }) {
			return fail(fmt.Errorf("--witness %s: the agreement has no witness principal %s", id, id))
		}
	}
	r.Publisher = &ledger.Publisher{Log: l, Origin: spec.Origin(), Signer: cfg.LogKey.Note(), Witnesses: peers, Refresh: cfg.Refresh}
	if r.Publisher.Refresh <= 0 {
		r.Publisher.Refresh = Refresh
	}
	if _, err := r.Publisher.Publish(ctx, true); err != nil {
		return fail(err)
	}
	r.Server = server.New(l, r.Publisher, cfg.Logger)
	if err := web.Register(r.Server, l); err != nil {
		return fail(err)
	}
	if cfg.Limits != (server.Limits{}) {
		r.Server.SetLimits(cfg.Limits)
	}

	r.URL = "http://" + ln.Addr().String()
	r.http = cfg.Network.server(r.Server, cfg.Logger)
	pctx, cancel := context.WithCancel(context.Background())
	r.cancel, r.done = cancel, make(chan struct{})
	interval := cfg.Interval
	if interval <= 0 {
		interval = time.Second
	}
	ttl := cfg.BlobTTL
	if ttl <= 0 {
		ttl = DefaultBlobTTL
	}
	var wg sync.WaitGroup
	wg.Go(func() { r.Publisher.Run(pctx, interval) })
	wg.Go(func() { r.Server.Sweep(pctx, ttl) })
	go func() {
		wg.Wait()
		close(r.done)
	}()
	go func() {
		if err := r.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			cfg.Logger.Error("serve: http", "err", err)
		}
	}()
	return r, nil
}

// LogPrincipal returns the agreement's principal with the log duty.
func LogPrincipal(spec *agreement.Spec) agreement.Principal {
	for _, p := range spec.Parties {
		for _, pr := range p.Principals {
			if slices.Contains(pr.Duties, agreement.LogKey) {
				return pr
			}
		}
	}
	return agreement.Principal{}
}

// adopt appends agreement.adopt to a new log, or checks that an existing
// log adopted this very document.
func adopt(ctx context.Context, l *ledger.Log, spec *agreement.Spec, doc []byte, key *keys.Signer, author string, now func() time.Time) error {
	h, err := l.Head(ctx)
	if err != nil {
		return err
	}
	if h.Size > 0 {
		var adopted []byte
		err := l.Store().View(ctx, func(tx store.ReadTx) error {
			var err error
			adopted, err = tx.Get(spec.ID, "agreement", "document")
			return err
		})
		if err != nil {
			return fmt.Errorf("the log of %s has entries but no adopted agreement: %w", spec.ID, err)
		}
		if string(adopted) != string(doc) {
			return fmt.Errorf("the log of %s adopted a different version of the agreement document; serve the adopted one (GET /v1/agreement) or start a new log", spec.ID)
		}
		return nil
	}
	if now == nil {
		now = time.Now
	}
	body, _ := json.Marshal(statement.AdoptBody{Document: string(doc)})
	env, err := statement.Sign(key, statement.Payload{Type: statement.TypeAdopt, Agreement: spec.ID, ID: "adopt", Author: author, Time: now(), Body: body})
	if err != nil {
		return err
	}
	if _, err := l.Append(ctx, env); err != nil {
		return fmt.Errorf("adopt the agreement: %w", err)
	}
	return nil
}
