package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/surety/surety/examples"

	"github.com/surety/surety/internal/api"
	"github.com/surety/surety/internal/client"
	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/statement"
)

// decision matches what would tell a selected consignment from another:
// a decision, its u, its proof or its salt, in any JSON answer.
var decision = regexp.MustCompile(`"(selected|u|proof|salt)":\s*(true|false|"|[0-9])`)

// evader reads the server as an undertaker would: every public endpoint,
// with no key.
type evader struct {
	t   *testing.T
	url string
	agr string
}

// get reads path and returns the status and the body.
func (e evader) get(path string) (int, []byte) {
	e.t.Helper()
	resp, err := http.Get(e.url + path)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp.StatusCode, b
}

// global reads the endpoints that are about no one declaration and
// checks that none shows a decision on any of ids: no object that names
// one of them carries a decision, u, proof or salt.
func (e evader) global(from, to time.Time, ids []string) {
	e.t.Helper()
	q := url.Values{"from": {from.Format(time.RFC3339)}, "to": {to.Format(time.RFC3339)}}.Encode()
	for _, p := range []string{"/v1/state", "/v1/declarations?limit=10000", "/v1/events?" + q, "/v1/selections/pending",
		"/v1/periods/1/assurance", "/v1/incentives", "/v1/milestones", "/log/" + e.agr + "/checkpoint",
		"/v1/sites/fnj/queue", "/v1/sites/kpnam/queue", "/v1/sealed/due"} {
		code, b := e.get(p)
		var x any
		if json.Unmarshal(b, &x) == nil {
			if leak := leaks(x, ids); leak != "" {
				e.t.Errorf("GET %s (%d) shows a decision before the reveal: %s", p, code, leak)
			}
		}
		if (strings.Contains(p, "queue") || strings.Contains(p, "sealed")) && code != http.StatusUnauthorized {
			e.t.Errorf("unsigned GET %s: %d; want 401", p, code)
		}
	}
	_, b := e.get("/metrics")
	for _, id := range ids {
		if strings.Contains(string(b), id) {
			e.t.Errorf("the metrics name %s", id)
		}
	}
}

// leaks returns the first JSON object under x that names one of ids and
// shows a decision.
func leaks(x any, ids []string) string {
	switch x := x.(type) {
	case map[string]any:
		raw, _ := json.Marshal(x)
		names := false
		for _, v := range x {
			if s, ok := v.(string); ok && slices.Contains(ids, s) {
				names = true
			}
		}
		if names && decision.Match(raw) {
			return string(raw)
		}
		for _, v := range x {
			if l := leaks(v, ids); l != "" {
				return l
			}
		}
	case []any:
		for _, v := range x {
			if l := leaks(v, ids); l != "" {
				return l
			}
		}
	case string:
		// State rows hold records as JSON text.
		var y any
		if strings.HasPrefix(x, "{") && json.Unmarshal([]byte(x), &y) == nil {
			return leaks(y, ids)
		}
	}
	return ""
}

// about reads every public answer about one declaration and returns it
// with what names that declaration replaced, so that the answers about two
// declarations compare: the id, the leaf hash, the commitment and the
// indexes of its entries.
func (e evader) about(id string) map[string]any {
	e.t.Helper()
	out := map[string]any{}
	var d state.Declaration
	var sr api.SelectionResponse
	for _, p := range []string{"/v1/declarations/" + id, "/v1/declarations/" + id + "/selection"} {
		code, b := e.get(p)
		if code != http.StatusOK {
			e.t.Fatalf("GET %s: %d %s", p, code, b)
		}
		out[strings.ReplaceAll(p, id, "ID")] = b
	}
	_, raw := e.get("/v1/declarations/" + id)
	_ = json.Unmarshal(raw, &d)
	_, raw = e.get("/v1/declarations/" + id + "/selection")
	_ = json.Unmarshal(raw, &sr)
	if sr.Selection == nil {
		e.t.Fatalf("%s has no selection commitment", id)
	}
	code, b := e.get(fmt.Sprint("/v1/statements/", d.Index))
	if code != http.StatusOK {
		e.t.Fatalf("GET statement %d: %d", d.Index, code)
	}
	var er api.EntryResponse
	if err := json.Unmarshal(b, &er); err != nil {
		e.t.Fatal(err)
	}
	// The signature differs as the bytes do; its size must not.
	out["declaration entry size"] = len(er.Statement)
	er.Statement = nil
	b, _ = json.Marshal(er)
	out["declaration entry"] = b
	// The commitment is one of a round's, in one entry for the round: the
	// same entry for every declaration of the round, each commitment alike.
	code, b = e.get(fmt.Sprint("/v1/statements/", sr.Selection.Index))
	if code != http.StatusOK {
		e.t.Fatalf("GET statement %d: %d", sr.Selection.Index, code)
	}
	if err := json.Unmarshal(b, &er); err != nil {
		e.t.Fatal(err)
	}
	var round statement.CommitBody
	if err := json.Unmarshal(er.Payload.Body, &round); err != nil {
		e.t.Fatal(err)
	}
	out["commitment entry"] = fmt.Sprint(er.Payload.Type, " ", er.Payload.ID, " of ", len(round.Commitments))
	for _, m := range round.Commitments {
		if m.Declaration == id {
			b, _ := json.Marshal(m)
			out["commitment"] = b
		}
	}
	_, b = e.get("/v1/declarations?limit=10000")
	var list []json.RawMessage
	_ = json.Unmarshal(b, &list)
	for _, it := range list {
		if strings.Contains(string(it), `"id":"`+id+`"`) {
			out["in the list"] = []byte(it)
		}
	}
	_, b = e.get("/v1/state")
	var rows []map[string]json.RawMessage
	_ = json.Unmarshal(b, &rows)
	var mine []any
	for _, r := range rows {
		if raw, _ := json.Marshal(r); strings.Contains(string(raw), id) {
			mine = append(mine, raw)
		}
	}
	out["state rows"] = mine
	replace := []string{id, "ID", d.LeafHash, "LEAF", sr.Selection.Commitment, "COMMITMENT"}
	for k, v := range out {
		out[k] = normalise(v, replace)
	}
	return out
}

// normalise replaces the declaration's own names in JSON answers and sets
// each index and leaf hash to zero: they name entries, not decisions.
func normalise(v any, replace []string) any {
	switch v := v.(type) {
	case []byte:
		s := strings.NewReplacer(replace...).Replace(string(v))
		var x any
		if err := json.Unmarshal([]byte(s), &x); err != nil {
			return s
		}
		return zeroIndex(x)
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = normalise(x, replace)
		}
		return out
	}
	return v
}

func zeroIndex(x any) any {
	switch x := x.(type) {
	case map[string]any:
		for k, v := range x {
			if k == "index" || k == "leaf_hash" {
				x[k] = 0
			} else {
				x[k] = zeroIndex(v)
			}
		}
	case []any:
		for i, v := range x {
			x[i] = zeroIndex(v)
		}
	}
	return x
}

// TestEvader plays the undertaker over HTTP: before each departure it
// reads every public endpoint and the whole log, and the answers about a
// selected consignment are the answers about an unselected one; after
// departure anyone verifies every decision from the log alone.
func TestEvader(t *testing.T) {
	s := startSite(t)
	ctx := context.Background()
	ev := evader{t: t, url: s.r.URL, agr: "il-kp-1993"}
	logKey := s.r.Spec.Parties[4].Principals[0].Key
	for round := range 2 {
		// Alike consignments, declared at one instant, leave together.
		start := s.clk.now()
		dep := start.Add(72 * time.Hour)
		before, err := client.New(s.r.URL).Log(ctx, "il-kp-1993", logKey)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for i := range 12 {
			id := fmt.Sprintf("d-%d-%02d", round, i)
			s.ok(statement.TypeDeclare, id, "kp-export-authority", examples.Garments(dep))
			ids = append(ids, id)
		}
		_, assurance := ev.get("/v1/periods/1/assurance")
		committed, selected, _, err := s.selector().Run(ctx)
		if err != nil || committed != len(ids) {
			t.Fatalf("round %d: committed %d of %d: %v", round, committed, len(ids), err)
		}
		if selected == 0 || selected == len(ids) {
			t.Fatalf("round %d: %d of %d selected; the test needs both kinds", round, selected, len(ids))
		}
		if _, err := s.r.Publisher.Publish(ctx, true); err != nil {
			t.Fatal(err)
		}

		// The evader reads everything before the cargo leaves: the
		// commitments changed no figure, and no answer shows a decision.
		if _, after := ev.get("/v1/periods/1/assurance"); string(after) != string(assurance) {
			t.Errorf("round %d: the commitments changed the assurance:\n%s\n%s", round, assurance, after)
		}
		ev.global(start.Add(-time.Hour), dep.Add(time.Hour), ids)
		l, err := client.New(s.r.URL).Log(ctx, "il-kp-1993", logKey)
		if err != nil {
			t.Fatal(err)
		}
		for i := before.Size; i < l.Size; i++ {
			p, err := l.Entry(ctx, i)
			if err != nil {
				t.Fatal(err)
			}
			if typ := p.Entry.Statement.Type; typ == statement.TypeReveal || typ == statement.TypeReport {
				t.Errorf("entry %d is a %s before any departure", i, typ)
			}
			if decision.Match(p.Entry.Statement.Payload.Body) {
				t.Errorf("entry %d shows a decision: %s", i, p.Entry.Statement.Payload.Body)
			}
		}
		want := ev.about(ids[0])
		for _, id := range ids[1:] {
			if got := ev.about(id); !reflect.DeepEqual(got, want) {
				for k := range want {
					if !reflect.DeepEqual(got[k], want[k]) {
						t.Errorf("round %d: the answers about %s and %s differ at %s:\n%v\n%v", round, ids[0], id, k, want[k], got[k])
					}
				}
			}
		}
		// The inspectorate knows: its queue is the selected ones.
		q, err := s.as("il-insp-fnj-1").Queue(ctx, "fnj")
		if err != nil || len(q) != selected {
			t.Fatalf("round %d: the fnj queue has %d; %d were selected (%v)", round, len(q), selected, err)
		}

		// After departure the selector reveals; anyone verifies.
		s.clk.set(dep.Add(time.Hour))
		if _, _, n, err := s.selector().Run(ctx); err != nil || n != len(ids) {
			t.Fatalf("round %d: revealed %d of %d: %v", round, n, len(ids), err)
		}
		if _, err := s.r.Publisher.Publish(ctx, true); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, id := range ids {
			lines, revealed, err := VerifySelection(ctx, s.r.URL, "il-kp-1993", id, logKey)
			if err != nil || !revealed {
				t.Errorf("round %d: %s not verified: %v\n%s", round, id, err, strings.Join(lines, "\n"))
			}
			if strings.Contains(strings.Join(lines, "\n"), "selected = true") {
				n++
			}
		}
		if n != selected {
			t.Errorf("round %d: the log shows %d selected; the selector chose %d", round, n, selected)
		}
		s.clk.set(dep.Add(24 * time.Hour))
	}
}
