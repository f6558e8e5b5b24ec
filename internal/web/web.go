// Package web is Surety's dashboard: pages rendered on the server from the
// same state the API serves, a plot of each period's detection drawn as
// SVG, and a small JavaScript module with which the browser checks the
// record itself: the checkpoint's signature and its witnesses'
// cosignatures (Ed25519 in WebCrypto), and each statement's inclusion in
// the signed tree, from the served checkpoint, entry bundle and proof.
package web

import (
	"bytes"
	"context"
	"embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/compliance"
	"github.com/surety/surety/internal/inspection"
	"github.com/surety/surety/internal/ledger"
	"github.com/surety/surety/internal/server"
	"github.com/surety/surety/internal/state"
)

//go:embed templates/*.html static/*
var files embed.FS

// Dashboard serves the pages of one agreement's log.
type Dashboard struct {
	srv      *server.Server
	log      *ledger.Log
	pages    map[string]*template.Template
	sessions *sessions
}

// Register adds the dashboard's pages to the API server: the overview at
// /, a page for every statement at /statements/{index}, the detection
// plot, and the scripts and style under /static/.
func Register(s *server.Server, l *ledger.Log) error {
	d := &Dashboard{srv: s, log: l, pages: map[string]*template.Template{}, sessions: newSessions()}
	funcs := template.FuncMap{"day": day, "pct": pct, "words": words, "left": left}
	for _, page := range []string{"overview", "statement", "work"} {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(files, "templates/layout.html", "templates/"+page+".html")
		if err != nil {
			return fmt.Errorf("web: %w", err)
		}
		d.pages[page] = t
	}
	static, err := fs.Sub(files, "static")
	if err != nil {
		return fmt.Errorf("web: %w", err)
	}
	assets := http.StripPrefix("/static/", http.FileServerFS(static))
	s.Handle("GET /{$}", d.overview)
	s.Handle("GET /statements/{index}", d.statement)
	s.Handle("GET /plots/detection.svg", d.detectionPlot)
	s.Handle("GET /plots/tranches.svg", d.tranchePlot)
	s.Handle("GET /plots/traffic.svg", d.trafficPlot)
	s.Handle("GET /plots/planner.svg", d.plannerPlot)
	s.Handle("GET /work", d.work)
	s.Handle("POST /signin/challenge", d.postChallenge)
	s.Handle("POST /signin", d.postSignIn)
	s.Handle("POST /signout", d.postSignOut)
	s.Handle("POST /draft", d.postDraft)
	s.Handle("GET /static/", func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Cache-Control", "no-cache")
		assets.ServeHTTP(w, r)
		return nil
	})
	return nil
}

// Keys are what the browser checks the checkpoint with: the log's
// verifier key and the witnesses', from the adopted agreement, and how
// many cosignatures the agreement asks for.
type Keys struct {
	Origin    string   `json:"origin"`
	Log       string   `json:"log"`
	Witnesses []string `json:"witnesses"`
	Quorum    int      `json:"quorum"`
}

func keysOf(spec *agreement.Spec) Keys {
	k := Keys{Origin: spec.Origin(), Quorum: spec.Log.Quorum}
	for _, p := range spec.Parties {
		for _, pr := range p.Principals {
			switch {
			case slices.Contains(pr.Duties, agreement.LogKey):
				k.Log = strings.TrimSpace(pr.Key)
			case slices.Contains(pr.Duties, agreement.Witness):
				k.Witnesses = append(k.Witnesses, strings.TrimSpace(pr.Key))
			}
		}
	}
	return k
}

// page is what every page's layout needs.
type page struct {
	Title     string
	Agreement *agreement.Spec
	// Verify is the JSON the verification script reads: the keys, the
	// log's paths and, on a statement's page, the statement's index.
	Verify template.JS
}

func (d *Dashboard) verifyData(spec *agreement.Spec, extra map[string]any) (template.JS, error) {
	v := map[string]any{"keys": keysOf(spec), "log": "/log/" + d.log.ID() + "/"}
	for k, x := range extra {
		v[k] = x
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("web: %w", err)
	}
	return template.JS(b), nil
}

// overviewPage is the overview's content.
type overviewPage struct {
	page
	Milestones []milestoneRow
	Periods    []compliance.Period
	Incentives *state.Incentives
	Checkpoint string
	// Plotted says whether any closed period has an assurance figure.
	Plotted bool
	// Tranches says whether the agreement pays in tranches, and Planned
	// whether the planner can answer for it (it declares, and states its
	// traffic).
	Tranches bool
	Planned  bool
	Disputes []state.Dispute
	// Challenges are the challenge inspections asked for, the latest
	// first, and Now the log's time their clocks run against.
	Challenges []state.Challenge
	Now        time.Time
}

type milestoneRow struct {
	ID, Name string
	Reached  *time.Time
}

func (d *Dashboard) overview(w http.ResponseWriter, r *http.Request) error {
	var p overviewPage
	err := d.log.View(r.Context(), func(kv state.KV) error {
		spec, err := d.spec(kv)
		if err != nil {
			return err
		}
		p.Agreement, p.Title = spec, spec.Title
		ms, err := state.Milestones(kv)
		if err != nil {
			return err
		}
		reached := map[string]time.Time{}
		for _, m := range ms {
			reached[m.ID] = m.Time
		}
		for _, m := range spec.Milestones {
			row := milestoneRow{ID: m.ID, Name: m.Name}
			if t, ok := reached[m.ID]; ok {
				row.Reached = &t
			}
			p.Milestones = append(p.Milestones, row)
		}
		if p.Periods, err = state.Periods(kv); err != nil {
			return err
		}
		slices.Reverse(p.Periods) // the latest first
		for _, pr := range p.Periods {
			if pr.Assurance != nil && len(pr.Assurance.Detection) > 0 {
				p.Plotted = true
			}
		}
		p.Incentives, err = state.LoadIncentives(kv)
		if err != nil {
			return err
		}
		p.Tranches = len(p.Incentives.Tranches) > 0
		_, planErr := inspection.Plan(spec)
		p.Planned = planErr == nil
		if p.Disputes, err = state.Disputes(kv); err != nil {
			return err
		}
		if p.Challenges, err = state.Challenges(kv); err != nil {
			return err
		}
		slices.SortFunc(p.Challenges, func(a, b state.Challenge) int { return b.Time.Compare(a.Time) })
		p.Now = d.log.Now()
		p.Verify, err = d.verifyData(spec, nil)
		return err
	})
	if err != nil {
		return err
	}
	cp, err := d.log.Checkpoint(r.Context())
	if err != nil {
		return err
	}
	p.Checkpoint = string(cp)
	return d.render(w, "overview", p)
}

// statementPage is a statement's page.
type statementPage struct {
	page
	Index    uint64
	Time     time.Time
	Type     string
	ID       string
	Author   string
	Key      string
	Body     string
	LeafHash string
	Events   []compliance.Event
}

func (d *Dashboard) statement(w http.ResponseWriter, r *http.Request) error {
	i, err := strconv.ParseUint(r.PathValue("index"), 10, 64)
	if err != nil {
		return fmt.Errorf("%w: statement index %q is not a whole number", ledger.ErrNotFound, r.PathValue("index"))
	}
	es, err := d.log.Entries(r.Context(), i, i+1)
	if err != nil {
		return err
	}
	e, err := ledger.ParseEntry(es[0])
	if err != nil {
		return err
	}
	lh := ledger.LeafHash(es[0])
	p := statementPage{Index: i, Time: e.Time, Type: e.Statement.Type, ID: e.Statement.ID, Author: e.Statement.Author,
		LeafHash: base64.StdEncoding.EncodeToString(lh[:])}
	var body bytes.Buffer
	if err := json.Indent(&body, e.Statement.Body, "", "  "); err != nil {
		return fmt.Errorf("web: statement %d: %w", i, err)
	}
	p.Body = body.String()
	err = d.log.View(r.Context(), func(kv state.KV) error {
		spec, err := d.spec(kv)
		if err != nil {
			return err
		}
		p.Agreement, p.Title = spec, fmt.Sprintf("Statement %d: %s %s", i, p.Type, p.ID)
		if pr := principal(spec, p.Author); pr != nil {
			p.Key = pr.Key
		}
		// What the statement changed: the events it caused, which the
		// state records at the statement's log time.
		evs, err := state.Events(kv, e.Time, e.Time.Add(time.Millisecond))
		if err != nil {
			return err
		}
		for _, ev := range evs {
			if ev.Index == i && ev.Statement == p.ID {
				p.Events = append(p.Events, ev)
			}
		}
		p.Verify, err = d.verifyData(spec, map[string]any{"index": i})
		return err
	})
	if err != nil {
		return err
	}
	return d.render(w, "statement", p)
}

// adopted returns the agreement the log adopted.
func (d *Dashboard) adopted(ctx context.Context) (*agreement.Spec, error) {
	var spec *agreement.Spec
	err := d.log.View(ctx, func(kv state.KV) error {
		var err error
		spec, err = d.spec(kv)
		return err
	})
	return spec, err
}

func (d *Dashboard) spec(kv state.KV) (*agreement.Spec, error) {
	spec, err := d.log.Projector().Spec(kv)
	if err == nil && spec == nil {
		err = fmt.Errorf("%w: no agreement adopted", ledger.ErrNotFound)
	}
	return spec, err
}

func (d *Dashboard) render(w http.ResponseWriter, name string, data any) error {
	var b bytes.Buffer
	if err := d.pages[name].Execute(&b, data); err != nil {
		return fmt.Errorf("web: page %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
	_, err := w.Write(b.Bytes())
	return err
}

func day(t time.Time) string { return state.Day(t) }

// left says how long is left from now until a deadline, in hours or days,
// or that it has passed.
func left(now, deadline time.Time) string {
	switch d := deadline.Sub(now); {
	case d <= 0:
		return "passed"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d.Hours())) + " h left"
	default:
		return strconv.Itoa(int(d.Hours()/24)) + " days left"
	}
}

func pct(x float64) string { return strconv.FormatFloat(x, 'f', 4, 64) }

func words(v any) string { return strings.ReplaceAll(fmt.Sprint(v), "_", " ") }
