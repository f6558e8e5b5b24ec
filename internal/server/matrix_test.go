package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/inspection"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/ledger"
	"github.com/surety/surety/internal/server"
	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/statement"
	"github.com/surety/surety/internal/testenv"
)

// matrixRoles are the columns of the matrix in docs/api.md.
var matrixRoles = []agreement.Role{agreement.Benefactor, agreement.Undertaker, agreement.Inspectorate, agreement.Observer, agreement.Operator}

// readMatrix reads the authorization matrix of docs/api.md: for each
// statement type, the duties allowed to each role ("*" when the apply step
// decides).
func readMatrix(t *testing.T) map[string][]string {
	f, err := os.Open("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string][]string{}
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "### Who may make what"):
			in = true
		case in && strings.HasPrefix(line, "###"):
			in = false
		case in && strings.HasPrefix(line, "| `"):
			cells := strings.Split(strings.Trim(line, "| "), " | ")
			if len(cells) != 1+len(matrixRoles) {
				t.Fatalf("docs/api.md: matrix row %q has %d cells", line, len(cells))
			}
			m[strings.Trim(cells[0], "`")] = cells[1:]
		}
	}
	if len(m) == 0 {
		t.Fatal("docs/api.md has no matrix under \"### Who may make what\"")
	}
	return m
}

// TestMatrix tries every cell of the authorization matrix in docs/api.md
// against a running server: each role's principal with each duty its role
// may hold signs each statement type; a cell that names the duty must not
// be refused as forbidden, and every other must be.
func TestMatrix(t *testing.T) {
	doc := readMatrix(t)
	// The written matrix is the code's.
	for _, p := range state.Permits() {
		row, ok := doc[p.Type]
		if !ok {
			t.Errorf("docs/api.md: the matrix lacks %s", p.Type)
			continue
		}
		for i, r := range matrixRoles {
			var ds []string
			for _, d := range agreement.Duties[r] {
				if p.Allowed(r, d) {
					ds = append(ds, string(d))
				}
			}
			want := strings.Join(ds, ", ")
			switch {
			case len(p.Duties) == 0:
				want = "*"
			case want == "":
				want = "—"
			}
			if row[i] != want {
				t.Errorf("docs/api.md: %s by the %s: %q; the code allows %q", p.Type, r, row[i], want)
			}
		}
	}

	// An agreement with a principal of every duty each role may hold.
	raw, err := os.ReadFile("../../examples/israel-dprk-1993.yaml")
	if err != nil {
		t.Fatal(err)
	}
	spec, err := agreement.Parse("x", raw)
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	author := map[agreement.Role]map[agreement.Duty]string{}
	for _, p := range spec.Parties {
		author[p.Role] = map[agreement.Duty]string{}
		var add strings.Builder
		for _, d := range agreement.Duties[p.Role] {
			if d == agreement.LogKey {
				author[p.Role][d] = "operator"
				continue
			}
			id := fmt.Sprintf("m-%s-%s", p.Role, d)
			k, err := keys.Derive("demo", id)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&add, "      - id: %s\n        key: %s\n        duties: [%s]\n", id, k.VKey(), d)
			switch d {
			case agreement.Inspector:
				add.WriteString("        sites: [kpnam]\n")
			case agreement.Selector:
				vrf, err := inspection.KeyFromSeed(inspection.DeriveSeed("demo", id))
				if err != nil {
					t.Fatal(err)
				}
				fmt.Fprintf(&add, "        vrf_key: %s\n", vrf.PublicString())
			}
			author[p.Role][d] = id
		}
		marker := "  - id: " + p.ID + "\n"
		i := strings.Index(text, marker)
		j := strings.Index(text[i:], "    principals:\n")
		if i < 0 || j < 0 {
			t.Fatalf("no principals of %s in the example", p.ID)
		}
		at := i + j + len("    principals:\n")
		text = text[:at] + add.String() + text[at:]
	}
	if _, err := agreement.Parse("matrix.yaml", []byte(text)); err != nil {
		t.Fatalf("the matrix agreement: %v", err)
	}

	now := time.Date(1993, 8, 2, 8, 0, 0, 0, time.UTC)
	l, err := ledger.Open(context.Background(), ledger.Options{Store: testenv.SQLite(t), Log: spec.ID, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	srv := httptest.NewServer(server.New(l, nil, nil))
	t.Cleanup(srv.Close)
	w := &world{t: t, url: srv.URL, log: l, now: now}
	body, _ := json.Marshal(statement.AdoptBody{Document: text})
	w.must(w.send("surety.local/il-kp-1993", "operator", statement.TypeAdopt, "adopt", string(body)))

	cells := 0
	for typ, row := range doc {
		for i, r := range matrixRoles {
			if row[i] == "*" {
				continue
			}
			allowed := strings.Split(row[i], ", ")
			for _, d := range agreement.Duties[r] {
				id := author[r][d]
				key := id
				if id == "operator" {
					key = "surety.local/il-kp-1993"
				}
				w.seq++
				code, b := w.send(key, id, typ, fmt.Sprintf("m-%d", w.seq), "{}")
				refused := code == 403 && strings.Contains(string(b), "may not make "+typ)
				if slices.Contains(allowed, string(d)) == refused {
					t.Errorf("%s by a %s of the %s: %d %s; the matrix says %q", typ, d, r, code, b, row[i])
				}
				cells++
			}
		}
	}
	t.Logf("%d cells tried", cells)
}
