package report

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	flog "github.com/transparency-dev/formats/log"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/client"
	"github.com/surety/surety/internal/compliance"
	"github.com/surety/surety/internal/ledger"
	"github.com/surety/surety/internal/statement"
)

// ErrNotVerified wraps every reason a report fails to verify.
var ErrNotVerified = errors.New("report not verified")

// Result is what Verify established.
type Result struct {
	Agreement string
	Period    int
	// Format is the form the report came in: json, md or html.
	Format string
	// Origin, Size and Root are the verified checkpoint's.
	Origin string
	Size   uint64
	Root   []byte
	// Statements is the number of entries proved included and signed;
	// Citations the number of the report's references to them.
	Statements int
	Citations  int
}

// Verify checks a report, in any of its forms, offline against the log key
// (a note verifier key): the checkpoint's signature; for every cited
// statement, its leaf hash, its inclusion proof in the checkpoint's tree,
// and its signature by its author's key in the agreement that entry 0
// adopts; that every reason, violation, action, change, milestone and
// inspection refers to a statement the report carries, with the same id
// and log time; that each inspection says what its signed report says; and
// for Markdown and HTML, that the rendered text is that of the embedded
// report. Every failure wraps ErrNotVerified and names the problem.
func Verify(b []byte, logKey string) (*Result, error) {
	format, js, err := extract(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotVerified, err)
	}
	res, err := verify(format, js, b, logKey)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotVerified, err)
	}
	return res, nil
}

func verify(format string, js, file []byte, logKey string) (*Result, error) {
	var r Report
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("the embedded report is not valid report JSON: %v", err)
	}
	if r.Version != Version {
		return nil, fmt.Errorf("the report is of version %d; this surety reads version %d", r.Version, Version)
	}
	if format != JSON {
		again, err := r.Render(format)
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(again, file) {
			return nil, fmt.Errorf("the %s text differs from the report embedded in it, from line %d: the rendered part was edited", names[format], firstDiff(again, file))
		}
	}

	v, err := note.NewVerifier(logKey)
	if err != nil {
		return nil, fmt.Errorf("log key: %v", err)
	}
	cp, _, _, err := flog.ParseCheckpoint([]byte(r.Checkpoint), v.Name(), v)
	if err != nil {
		return nil, fmt.Errorf("the checkpoint does not verify with the log key %s: %v", v.Name(), err)
	}
	entries := map[uint64]*ledger.Entry{}
	for i, s := range r.Statements {
		if i > 0 && s.Index <= r.Statements[i-1].Index {
			return nil, fmt.Errorf("the statements are not in increasing order of index at entry %d", s.Index)
		}
		if s.Index >= cp.Size {
			return nil, fmt.Errorf("entry %d is beyond the checkpoint's tree size %d", s.Index, cp.Size)
		}
		leaf := ledger.LeafHash(s.Entry)
		if hex.EncodeToString(leaf[:]) != s.LeafHash {
			return nil, fmt.Errorf("entry %d: its bytes hash to the leaf %x, not to the stated %s: the entry was altered", s.Index, leaf, s.LeafHash)
		}
		if err := proof.VerifyInclusion(rfc6962.DefaultHasher, s.Index, cp.Size, leaf[:], s.Proof, cp.Hash); err != nil {
			return nil, fmt.Errorf("entry %d is not included in the checkpoint's tree of size %d: %v", s.Index, cp.Size, err)
		}
		e, err := ledger.ParseEntry(s.Entry)
		if err != nil {
			return nil, fmt.Errorf("entry %d: %v", s.Index, err)
		}
		st := e.Statement
		if st.Type != s.Type || st.ID != s.ID || st.Author != s.Author || !e.Time.Equal(s.Time) {
			return nil, fmt.Errorf("entry %d is %s %s by %s logged at %s; the report says %s %s by %s at %s",
				s.Index, st.Type, st.ID, st.Author, e.Time.Format(timeFormat), s.Type, s.ID, s.Author, s.Time.Format(timeFormat))
		}
		if st.Agreement != r.Agreement {
			return nil, fmt.Errorf("entry %d is a statement of agreement %s, not %s", s.Index, st.Agreement, r.Agreement)
		}
		entries[s.Index] = e
	}
	adopt, ok := entries[0]
	if !ok {
		return nil, errors.New("the report does not carry entry 0, the agreement's adoption, with its proof")
	}
	spec, err := client.Adopted(adopt, logKey)
	if err != nil {
		return nil, err
	}
	if spec.ID != r.Agreement || spec.Title != r.Title || spec.Origin() != cp.Origin {
		return nil, fmt.Errorf("entry 0 adopts %s (%q) with log origin %s; the report is of %s (%q) against a checkpoint of %s",
			spec.ID, spec.Title, spec.Origin(), r.Agreement, r.Title, cp.Origin)
	}
	for _, s := range r.Statements[1:] {
		if err := client.Signed(spec, entries[s.Index].Statement); err != nil {
			return nil, fmt.Errorf("entry %d (%s %s): %v", s.Index, s.Type, s.ID, err)
		}
	}

	res := &Result{Agreement: r.Agreement, Period: r.Period, Format: format, Origin: cp.Origin, Size: cp.Size, Root: cp.Hash, Statements: len(entries)}
	cites := func(where string, es []compliance.Event) error {
		for i, ev := range es {
			if ev.Statement == "" && ev.Index == 0 {
				continue
			}
			what := fmt.Sprintf("%s %d (%s)", where, i+1, ev.Kind)
			e, ok := entries[ev.Index]
			switch {
			case !ok:
				return fmt.Errorf("%s cites entry %d, which the report does not carry with a proof", what, ev.Index)
			case ev.Statement != "" && e.Statement.ID != ev.Statement:
				return fmt.Errorf("%s cites statement %s at entry %d, but entry %d is %s", what, ev.Statement, ev.Index, ev.Index, e.Statement.ID)
			case ev.Statement != "" && !factTime(spec, ev, e).Equal(ev.Time):
				return fmt.Errorf("%s is dated %s, but its statement at entry %d makes it at %s", what, ev.Time.Format(timeFormat), ev.Index, factTime(spec, ev, e).Format(timeFormat))
			}
			res.Citations++
		}
		return nil
	}
	for _, v := range r.Verdicts {
		if err := cites("the verdict on "+v.Party+", reason", v.Reasons); err != nil {
			return nil, err
		}
		if err := cites("the verdict on "+v.Party+", note", v.Notes); err != nil {
			return nil, err
		}
	}
	whys := make([]compliance.Event, len(r.Actions))
	for i, a := range r.Actions {
		whys[i] = a.Why
	}
	for _, s := range []struct {
		where string
		es    []compliance.Event
	}{{"fact", r.Facts}, {"later fact", r.Later}, {"the cause of action", whys}, {"change", r.Changes}, {"milestone", r.Milestones}} {
		if err := cites(s.where, s.es); err != nil {
			return nil, err
		}
	}
	for i, in := range r.Inspections {
		if in.Statement == "" && in.Index == 0 {
			if in.Outcome != statement.NotPerformed {
				return nil, fmt.Errorf("inspection %d (%s) cites no report; only a missed deadline, not_performed, has none", i+1, in.Outcome)
			}
			continue
		}
		e, ok := entries[in.Index]
		if !ok {
			return nil, fmt.Errorf("inspection %d cites entry %d, which the report does not carry with a proof", i+1, in.Index)
		}
		if e.Statement.Type != statement.TypeReport && e.Statement.Type != statement.TypeReveal {
			return nil, fmt.Errorf("inspection %d cites entry %d, which is %s, neither an inspection report nor a reveal", i+1, in.Index, e.Statement.Type)
		}
		signed, err := inspection(in.Index, e, in.Site, in.Declaration)
		if err != nil {
			return nil, fmt.Errorf("entry %d: %v", in.Index, err)
		}
		want, _ := json.Marshal(signed)
		got, _ := json.Marshal(in)
		if !bytes.Equal(want, got) {
			return nil, fmt.Errorf("inspection %d differs from the signed report at entry %d: the report says %s; the statement says %s", i+1, in.Index, got, want)
		}
		res.Citations++
	}
	if err := judge(spec, &r, entries); err != nil {
		return nil, err
	}
	return res, nil
}

// extract finds the canonical JSON in a report file and says which form
// the file is.
func extract(b []byte) (format string, js []byte, err error) {
	if bytes.HasPrefix(bytes.TrimSpace(b), []byte("{")) {
		return JSON, b, nil
	}
	if _, rest, ok := bytes.Cut(b, []byte(htmlOpen)); ok {
		js, _, ok := bytes.Cut(rest, []byte(htmlClose))
		if !ok {
			return "", nil, fmt.Errorf("the HTML report's %s element is not closed", htmlOpen)
		}
		return HTML, js, nil
	}
	lines := strings.SplitAfter(string(b), "\n")
	for i, l := range lines {
		fence, info, ok := strings.Cut(strings.TrimSuffix(l, "\n"), mdInfo)
		if !ok || info != "" || len(fence) < 3 || strings.Trim(fence, "`") != "" {
			continue
		}
		var sb strings.Builder
		for _, l := range lines[i+1:] {
			if strings.TrimSuffix(l, "\n") == fence {
				return Markdown, []byte(sb.String()), nil
			}
			sb.WriteString(l)
		}
		return "", nil, errors.New("the Markdown report's JSON block is not closed")
	}
	return "", nil, errors.New("no Surety report found: expected report JSON, a Markdown report with a ```" + mdInfo + " block, or an HTML report with a " + htmlOpen + " element")
}

// firstDiff returns the first line at which a and b differ, from 1.
func firstDiff(a, b []byte) int {
	n := 1
	for i := 0; i < len(a) && i < len(b) && a[i] == b[i]; i++ {
		if a[i] == '\n' {
			n++
		}
	}
	return n
}

// factTime is when a fact citing an entry happened: at the entry's log
// time, or, for a loss of continuity whose allowance ran out after the
// statement that reported the seal broken or the camera off, at the end of
// the allowance.
func factTime(spec *agreement.Spec, ev compliance.Event, e *ledger.Entry) time.Time {
	if e.Statement.Type != statement.TypeContinuity || ev.Kind.Class() == "" {
		return e.Time
	}
	var b statement.ContinuityBody
	if e.Statement.Decode(&b) != nil {
		return e.Time
	}
	o := spec.Obligation(b.Obligation)
	if o == nil || o.Continuity == nil {
		return e.Time
	}
	_, kind, ok := o.Continuity.Device(b.Device)
	if !ok {
		return e.Time
	}
	if end := o.Continuity.Allowance(kind).AddTo(b.At); end.After(e.Time) {
		return end
	}
	return e.Time
}
