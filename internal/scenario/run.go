package scenario

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/inspection"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/ledger"
	"github.com/surety/surety/internal/screening/lists"
	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/statement"
	"github.com/surety/surety/internal/store"
	"github.com/surety/surety/internal/store/sqlite"
)

// Run loads the script at path and runs it.
func Run(ctx context.Context, path string) (*Result, error) {
	s, err := Load(path)
	if err != nil {
		return nil, err
	}
	return s.Run(ctx)
}

// action is one thing a step does at a time.
type action struct {
	at   time.Time
	step *Step
	what string // statement, select, tick, blob, declare, decide, report
	n    int    // the repetition: of a repeated statement from 1, of a routine from 0
	decl string // the routine's declaration
}

// actions expands the steps into actions in time order; actions at one
// time keep the order of the script.
func (s *Script) actions() []action {
	var out []action
	for i := range s.Steps {
		st := &s.Steps[i]
		switch {
		case st.Type != "" && st.Every != nil:
			for n := 0; ; n++ {
				at := agreement.Duration{N: st.Every.N * n, Unit: st.Every.Unit}.AddTo(st.At)
				if at.After(*st.Until) {
					break
				}
				out = append(out, action{at: at, step: st, what: "statement", n: n + 1})
			}
		case st.Type != "":
			out = append(out, action{at: st.At, step: st, what: "statement"})
		case st.Select:
			out = append(out, action{at: st.At, step: st, what: "select"})
		case st.Tick != nil:
			out = append(out, action{at: *st.Tick, step: st, what: "tick"})
		case st.Blob != nil:
			out = append(out, action{at: st.At, step: st, what: "blob"})
		case st.Routine != nil:
			r := st.Routine
			for n := 0; ; n++ {
				at := agreement.Duration{N: r.Every.N * n, Unit: r.Every.Unit}.AddTo(r.From)
				if at.After(r.Until) {
					break
				}
				id := routineID(r.Site, at)
				out = append(out,
					action{at: at, step: st, what: "declare", n: n, decl: id},
					action{at: at.Add(time.Minute), step: st, what: "decide", decl: id},
					action{at: at.Add(time.Hour), step: st, what: "report", n: n, decl: id})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].at.Before(out[j].at) })
	return out
}

// run is a scenario running against a fresh in-memory instance.
type run struct {
	s        *Script
	ctx      context.Context
	log      *ledger.Log
	now      time.Time
	signers  map[string]*keys.Signer
	vrf      *inspection.Key
	selector string
	blobs    map[string]string
	series   map[*Step]*series
	watch    watch
	periods  int
	res      *Result
	// sealed are the selector's decisions not yet revealed, by
	// declaration, and reveals the times they fall due: the consignment's
	// departure, when the selector reveals what no inspection did.
	sealed  map[string]statement.Decision
	reveals []due
	// salts is where the commitments' salts come from: a stream seeded by
	// the agreement id, so that a replay writes the same log.
	salts io.Reader
}

// due is a sealed decision's reveal time.
type due struct {
	at   time.Time
	decl string
}

// series counts what a repeated step or a routine did, for its one line.
type series struct {
	line                       int // its line in the timeline
	appended, selected, report int
}

// Run replays the script against a fresh in-memory store and ledger, the
// same engine as the server's: every statement is signed by its principal's
// derived key and appended with ledger.Log.Append at the step's log time.
func (s *Script) Run(ctx context.Context) (*Result, error) {
	st, err := sqlite.Open("")
	if err != nil {
		return nil, err
	}
	defer st.Close()
	r := &run{s: s, ctx: ctx, signers: map[string]*keys.Signer{}, blobs: map[string]string{}, series: map[*Step]*series{}, sealed: map[string]statement.Decision{},
		watch: newWatch(), now: s.Start.UTC(), salts: rand.NewChaCha8(sha256.Sum256([]byte("surety scenario salts " + s.spec.ID))),
		res: &Result{Title: s.Title, Script: s.path, Agreement: s.spec.ID, Timeline: []Line{}, Periods: []Close{}}}
	r.log, err = ledger.Open(ctx, ledger.Options{Store: st, Log: s.spec.ID, Now: func() time.Time { return r.now },
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return nil, err
	}
	defer r.log.Close()
	if err := r.adopt(st); err != nil {
		return nil, err
	}
	for _, a := range s.actions() {
		if err := r.tickCloses(a.at); err != nil {
			return nil, fmt.Errorf("%s: before the step: %w", a.step.pos, err)
		}
		r.now = a.at.UTC()
		if err := r.do(st, a); err != nil {
			return nil, fmt.Errorf("%s: %w", a.step.pos, err)
		}
	}
	h, err := r.log.Head(ctx)
	if err != nil {
		return nil, err
	}
	r.res.Entries, r.res.End = h.Size, h.Time
	r.summarize()
	err = r.log.View(ctx, func(kv state.KV) error {
		in, err := state.LoadIncentives(kv)
		if err == nil {
			r.res.Incentives = incentives(in)
		}
		return err
	})
	sort.SliceStable(r.res.Timeline, func(i, j int) bool { return r.res.Timeline[i].Time.Before(r.res.Timeline[j].Time) })
	return r.res, err
}

// adopt appends the agreement and, if the script says so, the fixture list.
func (r *run) adopt(st store.Store) error {
	op, ok := r.s.withDuty(agreement.LogKey)
	if !ok {
		return fmt.Errorf("%s: agreement %s has no principal with the log duty", r.s.path, r.s.spec.ID)
	}
	a, err := r.append(op.ID, statement.TypeAdopt, "adopt-"+r.s.spec.ID, statement.AdoptBody{Document: string(r.s.doc)})
	if err != nil {
		return fmt.Errorf("%s: adopting %s: %w", r.s.path, r.s.Agreement, err)
	}
	r.line(a.Index, fmt.Sprintf("%s adopt-%s by %s: %s", statement.TypeAdopt, r.s.spec.ID, op.ID, r.s.spec.Title))
	if err := r.observe(a.Index, statement.TypeAdopt); err != nil {
		return err
	}
	if !r.s.Fixture {
		return nil
	}
	ed, err := lists.Fixture()
	if err != nil {
		return err
	}
	canon, err := lists.Encode(ed)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(canon)
	if err := store.PutBlob(r.ctx, st, r.s.spec.ID, sum, canon); err != nil {
		return err
	}
	id := "list-" + ed.Source + "-" + ed.Date
	a, err = r.append(op.ID, statement.TypeListAdopt, id, statement.ListAdoptBody{Source: ed.Source, Date: ed.Date, SHA256: hex.EncodeToString(sum[:]), Entries: len(ed.Entries)})
	if err != nil {
		return fmt.Errorf("%s: adopting the fixture list: %w", r.s.path, err)
	}
	text := fmt.Sprintf("%s %s by %s: the fixture edition, %s", statement.TypeListAdopt, id, op.ID, ed)
	if note := ed.StandIn(r.now); note != "" {
		text += ", " + note
	}
	r.line(a.Index, text)
	return r.observe(a.Index, statement.TypeListAdopt)
}

func (r *run) do(st store.Store, a action) error {
	step := a.step
	switch a.what {
	case "statement":
		id := strings.ReplaceAll(step.ID, "{n}", fmt.Sprint(a.n))
		body, err := r.body(step.Body)
		if err != nil {
			return err
		}
		return r.statement(step, id, body)
	case "select":
		return r.decide(nil, "")
	case "tick":
		id := "tick-" + r.now.Format(time.RFC3339)
		res, err := r.append(r.operator(), statement.TypeClockTick, id, statement.ClockTickBody{})
		if err != nil {
			return fmt.Errorf("%s %s: %w", statement.TypeClockTick, id, err)
		}
		if !res.Existing { // a tick the period's close made already
			r.line(res.Index, statement.TypeClockTick+" "+id)
		}
		return r.observe(res.Index, statement.TypeClockTick)
	case "blob":
		data := []byte(step.Blob.Content)
		sum := sha256.Sum256(data)
		if err := store.PutBlob(r.ctx, st, r.s.spec.ID, sum, data); err != nil {
			return err
		}
		r.blobs[step.Blob.Name] = hex.EncodeToString(sum[:])
		r.res.Timeline = append(r.res.Timeline, Line{Time: r.now,
			Text: fmt.Sprintf("blob %s stored: %d bytes, sha256 %s", step.Blob.Name, len(data), r.blobs[step.Blob.Name])})
		return nil
	case "declare":
		site := r.s.site(step.Routine.Site)
		d := r.s.routineDeclaration(site, a.n, r.now.Add(72*time.Hour))
		res, err := r.append(r.declarant(site.Party), statement.TypeDeclare, a.decl, d)
		if err != nil {
			return fmt.Errorf("routine declaration %s: %w", a.decl, err)
		}
		r.count(step).appended++
		return r.observe(res.Index, statement.TypeDeclare)
	case "decide":
		return r.decide(step, a.decl)
	case "report":
		dec, sealed := r.sealed[a.decl]
		if !sealed || !dec.Selected {
			return nil
		}
		site := step.Routine.Site
		ins := r.s.inspectors(site)
		b := statement.ReportBody{Declaration: a.decl, Site: site, Outcome: statement.Cleared, Reveal: &dec,
			Findings: []statement.Finding{}, Start: r.now.Add(-40 * time.Minute), End: r.now.Add(-10 * time.Minute)}
		res, err := r.append(ins[a.n%len(ins)], statement.TypeReport, "rep-"+a.decl, b)
		if err != nil {
			return fmt.Errorf("routine report on %s: %w", a.decl, err)
		}
		delete(r.sealed, a.decl)
		r.count(step).report++
		return r.observe(res.Index, statement.TypeReport)
	}
	return fmt.Errorf("scenario: unknown action %q", a.what)
}

// statement appends a statement step, or checks that it is refused as the
// step expects.
func (r *run) statement(step *Step, id string, body json.RawMessage) error {
	revealed := ""
	if step.Type == statement.TypeReport {
		var err error
		if body, revealed, err = r.sealedReport(body); err != nil {
			return err
		}
	}
	res, err := r.append(step.As, step.Type, id, body)
	if err == nil && revealed != "" {
		delete(r.sealed, revealed)
	}
	if step.Expect != "" {
		if err == nil {
			return fmt.Errorf("%s %s was appended at #%d, but the step expects a refusal mentioning %q", step.Type, id, res.Index, step.Expect)
		}
		if !strings.Contains(err.Error(), step.Expect) {
			return fmt.Errorf("%s %s was refused, but not for %q: %w", step.Type, id, step.Expect, err)
		}
		r.res.Timeline = append(r.res.Timeline, Line{Time: r.now, Text: fmt.Sprintf("%s %s by %s: refused", step.Type, id, step.As),
			Detail: []string{err.Error()}})
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s %s by %s: %w", step.Type, id, step.As, err)
	}
	if step.Every != nil {
		r.count(step).appended++
		return r.observe(res.Index, step.Type)
	}
	r.line(res.Index, fmt.Sprintf("%s %s by %s", step.Type, id, step.As))
	r.watch.follow(step.Type, id)
	detail, err := r.detail(step.Type, id, body)
	if err != nil {
		return err
	}
	r.res.Timeline[len(r.res.Timeline)-1].Detail = detail
	if err := r.observe(res.Index, step.Type); err != nil {
		return err
	}
	if step.Type == statement.TypeWithdraw {
		// A withdrawn consignment will not leave: its decision is due now.
		var w statement.WithdrawBody
		if err := json.Unmarshal(body, &w); err != nil {
			return err
		}
		return r.reveal(w.Declaration)
	}
	return nil
}

// tickCloses ticks the log's clock at each period's close due by t, as a
// server's operator would, so that every period closes at its own time and
// its incentives are shown as they stood then; and the selector reveals,
// at each consignment's departure by t, the decisions no inspection
// revealed.
func (r *run) tickCloses(t time.Time) error {
	for {
		var at time.Time
		var found bool
		err := r.log.View(r.ctx, func(kv state.KV) error {
			var err error
			at, found, err = state.NextDue(kv, "period")
			return err
		})
		if err != nil {
			return err
		}
		if len(r.reveals) > 0 && !r.reveals[0].at.After(t) && (!found || !r.reveals[0].at.After(at)) {
			if err := r.revealNext(); err != nil {
				return err
			}
			continue
		}
		if !found || at.After(t) {
			return nil
		}
		n := r.periods
		r.now = at
		id := "tick-" + at.Format(time.RFC3339)
		res, err := r.append(r.operator(), statement.TypeClockTick, id, statement.ClockTickBody{})
		if err != nil {
			return fmt.Errorf("%s %s: %w", statement.TypeClockTick, id, err)
		}
		if err := r.observe(res.Index, statement.TypeClockTick); err != nil {
			return err
		}
		if r.periods == n {
			return fmt.Errorf("the tick at %s closed no period, though one was due then", at.Format(time.RFC3339))
		}
	}
}

// count returns the series of a repeated statement or routine, with its
// line in the timeline.
func (r *run) count(step *Step) *series {
	s := r.series[step]
	if s == nil {
		s = &series{line: len(r.res.Timeline)}
		r.series[step] = s
		r.res.Timeline = append(r.res.Timeline, Line{Time: r.now})
	}
	return s
}

// summarize writes the line of each repeated statement and routine.
func (r *run) summarize() {
	for step, s := range r.series {
		l := &r.res.Timeline[s.line]
		if rt := step.Routine; rt != nil {
			l.Text = fmt.Sprintf("routine at %s every %s from %s until %s: %d declarations, %d selected, %d cleared", rt.Site, rt.Every,
				day(rt.From), day(rt.Until), s.appended, s.selected, s.report)
			continue
		}
		l.Text = fmt.Sprintf("%s %s by %s, every %s from %s until %s: %d appended", step.Type, step.ID, step.As,
			step.Every, day(step.At), day(*step.Until), s.appended)
	}
}

// decide decides the declarations awaiting selection with the selector's
// VRF key: only decl for a routine's own, or all of them for a select step.
func (r *run) decide(routine *Step, decl string) error {
	var pending []state.Pending
	err := r.log.View(r.ctx, func(kv state.KV) error {
		var err error
		pending, err = state.Unselected(kv, 0)
		return err
	})
	if err != nil {
		return err
	}
	if err := r.selectorKey(); err != nil {
		return err
	}
	var detail []string
	var round []statement.Commitment
	var decisions []statement.Decision
	var chosen []state.Pending
	for _, d := range pending {
		if routine != nil && d.ID != decl {
			continue
		}
		leaf, err := hex.DecodeString(d.LeafHash)
		if err != nil || len(leaf) != 32 {
			return fmt.Errorf("declaration %s has leaf hash %q", d.ID, d.LeafHash)
		}
		b, commit, err := state.Decide(r.vrf, r.salts, r.s.spec.ID, d.ID, [32]byte(leaf), d.P)
		if err != nil {
			return err
		}
		round, decisions, chosen = append(round, commit), append(decisions, b), append(chosen, d)
	}
	if len(round) == 0 {
		return nil
	}
	// One selection.commit for the round, as the selector logs it.
	id := "sel-" + round[0].Declaration
	if len(round) > 1 {
		id = fmt.Sprintf("sel-round-%d", r.now.Unix())
	}
	res, err := r.append(r.selector, statement.TypeCommit, id, statement.CommitBody{Commitments: round})
	if err != nil {
		return fmt.Errorf("%s %s: %w", statement.TypeCommit, id, err)
	}
	for i, d := range chosen {
		b := decisions[i]
		r.sealed[d.ID] = b
		at, _ := slices.BinarySearchFunc(r.reveals, d.Departure, func(x due, t time.Time) int { return x.at.Compare(t) })
		r.reveals = slices.Insert(r.reveals, at, due{at: d.Departure, decl: d.ID})
		if routine != nil && b.Selected {
			r.count(routine).selected++
		}
		word := "not selected"
		if b.Selected {
			word = "selected"
		}
		detail = append(detail, fmt.Sprintf("%s %s: p %s, u %.4f", d.ID, word, num(b.P), b.U))
	}
	if err := r.observe(res.Index, statement.TypeCommit); err != nil {
		return err
	}
	if routine == nil {
		text := fmt.Sprintf("select: %s commits to its decisions on %s awaiting selection, sealed until each is revealed", r.selector, plural(len(detail), "declaration"))
		r.res.Timeline = append(r.res.Timeline, Line{Time: r.now, Index: &res.Index, Text: text, Detail: detail})
	}
	return nil
}

// revealNext has the selector reveal the next decision due: at its
// consignment's departure, unless an inspection report revealed it.
func (r *run) revealNext() error {
	d := r.reveals[0]
	r.reveals = r.reveals[1:]
	if d.at.After(r.now) {
		r.now = d.at
	}
	return r.reveal(d.decl)
}

// reveal has the selector reveal its decision on decl now, if it is still
// sealed: at departure, or once the declaration is withdrawn.
func (r *run) reveal(decl string) error {
	b, sealed := r.sealed[decl]
	if !sealed {
		return nil
	}
	delete(r.sealed, decl)
	res, err := r.append(r.selector, statement.TypeReveal, "reveal-"+decl, statement.RevealBody{Decisions: []statement.Decision{b}})
	if err != nil {
		return fmt.Errorf("%s reveal-%s: %w", statement.TypeReveal, decl, err)
	}
	return r.observe(res.Index, statement.TypeReveal)
}

// sealedReport adds to an inspection report of a declaration the decision
// it reveals, as the inspectorate's queue gives it, unless the script gives
// one or the decision is revealed already; decl is the declaration whose
// decision it reveals, if any.
func (r *run) sealedReport(body json.RawMessage) (_ json.RawMessage, decl string, err error) {
	var b map[string]any
	if err := json.Unmarshal(body, &b); err != nil {
		return nil, "", err
	}
	decl, _ = b["declaration"].(string)
	dec, sealed := r.sealed[decl]
	if _, given := b["reveal"]; !sealed || given {
		return body, "", nil
	}
	b["reveal"] = dec
	body, err = json.Marshal(b)
	return body, decl, err
}

// append signs a statement as a principal and appends it at the current
// time.
func (r *run) append(as, typ, id string, body any) (ledger.Result, error) {
	k, err := r.signer(as)
	if err != nil {
		return ledger.Result{}, err
	}
	b, ok := body.(json.RawMessage)
	if !ok {
		if b, err = json.Marshal(body); err != nil {
			return ledger.Result{}, err
		}
	}
	env, err := statement.Sign(k, statement.Payload{Type: typ, Agreement: r.s.spec.ID, ID: id, Author: as, Time: r.now, Body: b})
	if err != nil {
		return ledger.Result{}, err
	}
	return r.log.Append(r.ctx, env)
}

// signer derives a principal's key from the seed and checks it is the
// agreement's.
func (r *run) signer(id string) (*keys.Signer, error) {
	if k := r.signers[id]; k != nil {
		return k, nil
	}
	pr, ok := r.s.principal(id)
	if !ok {
		return nil, fmt.Errorf("%s is not a principal of agreement %s", id, r.s.spec.ID)
	}
	name, pub, err := keys.ParsePublic(pr.Key)
	if err != nil {
		return nil, fmt.Errorf("principal %s: %w", id, err)
	}
	if name == "" {
		name = id
	}
	k, err := keys.Derive(r.s.Seed, name)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(k.Public(), pub) {
		return nil, fmt.Errorf("the key derived for %s (name %q) from seed %q is not the agreement's key of %s; the script signs only for agreements whose keys come from its seed", id, name, r.s.Seed, id)
	}
	r.signers[id] = k
	return k, nil
}

// selectorKey derives the VRF key of the agreement's selector and checks
// it is the agreement's.
func (r *run) selectorKey() error {
	if r.vrf != nil {
		return nil
	}
	pr, ok := r.s.withDuty(agreement.Selector)
	if !ok {
		return fmt.Errorf("agreement %s has no selector to decide selections", r.s.spec.ID)
	}
	vrf, err := inspection.KeyFromSeed(inspection.DeriveSeed(r.s.Seed, pr.ID))
	if err != nil {
		return err
	}
	if vrf.PublicString() != pr.VRF {
		return fmt.Errorf("the VRF key derived for %s from seed %q is not its vrf_key in the agreement", pr.ID, r.s.Seed)
	}
	r.vrf, r.selector = vrf, pr.ID
	return nil
}

// operator returns the principal holding the log key.
func (r *run) operator() string {
	pr, _ := r.s.withDuty(agreement.LogKey)
	return pr.ID
}

// declarant returns a party's first declarant.
func (r *run) declarant(party string) string {
	for _, p := range r.s.spec.Parties {
		for _, pr := range p.Principals {
			if p.ID == party && slices.Contains(pr.Duties, agreement.Declarant) {
				return pr.ID
			}
		}
	}
	return ""
}

// body turns a step's body into JSON, with each "blob:NAME" string replaced
// by the blob's SHA-256.
func (r *run) body(b map[string]any) (json.RawMessage, error) {
	var sub func(v any) (any, error)
	sub = func(v any) (any, error) {
		switch x := v.(type) {
		case string:
			name, ok := strings.CutPrefix(x, "blob:")
			if !ok {
				return x, nil
			}
			sum, ok := r.blobs[name]
			if !ok {
				return nil, fmt.Errorf("the body refers to blob %q, which no earlier blob step stored", name)
			}
			return sum, nil
		case map[string]any:
			out := make(map[string]any, len(x))
			for k, e := range x {
				s, err := sub(e)
				if err != nil {
					return nil, err
				}
				out[k] = s
			}
			return out, nil
		case []any:
			out := make([]any, len(x))
			for i, e := range x {
				s, err := sub(e)
				if err != nil {
					return nil, err
				}
				out[i] = s
			}
			return out, nil
		}
		return v, nil
	}
	if b == nil {
		return json.RawMessage("{}"), nil
	}
	v, err := sub(b)
	if err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

// line adds a step's line to the timeline at the current time.
func (r *run) line(index uint64, text string) {
	r.res.Timeline = append(r.res.Timeline, Line{Time: r.now, Index: &index, Text: text})
}
