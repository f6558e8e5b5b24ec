package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/surety/surety/internal/client"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/ledger"
	"github.com/surety/surety/internal/screening/lists"
	"github.com/surety/surety/internal/server"
	"github.com/surety/surety/internal/statement"
	"github.com/surety/surety/internal/testenv"
)

// The OFAC files served by the test server: two entries in the legacy CSV
// form, with "-0- " for empty fields.
var testOFAC = map[string]string{
	"sdn.csv": "9345,\"KOREA MINING DEVELOPMENT TRADING CORPORATION\",-0- ,\"NPWMD] [DPRK2\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"a.k.a. 'KOMID'.\"\r\n" +
		"15659,\"YO'N, Cho'ng-Nam\",\"individual\",\"NPWMD\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n",
	"alt.csv": "9345,8816,\"aka\",\"NORTH KOREAN MINING DEVELOPMENT TRADING CORPORATION\",-0- \r\n",
	"add.csv": "9345,11532,\"Central District\",\"Pyongyang\",\"Korea, North\",-0- \r\n",
}

// listServer serves the fixture UN list and the OFAC files; broken, when
// set, makes it answer the UN list with a web page and alt.csv with 404.
func listServer(t *testing.T, broken *atomic.Bool) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /un/consolidated.xml", func(w http.ResponseWriter, r *http.Request) {
		if broken.Load() {
			w.Write([]byte("<html><body>Service unavailable</body></html>"))
			return
		}
		w.Write(lists.FixtureXML())
	})
	mux.HandleFunc("GET /ofac/{file}", func(w http.ResponseWriter, r *http.Request) {
		f, ok := testOFAC[r.PathValue("file")]
		if !ok || broken.Load() && r.PathValue("file") == "alt.csv" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(f))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestListsFetch(t *testing.T) {
	var broken atomic.Bool
	srv := listServer(t, &broken)
	dir := filepath.Join(t.TempDir(), "lists")
	args := []string{"lists", "fetch", "--dir", dir, "--un-url", srv.URL + "/un/consolidated.xml", "--ofac-url", srv.URL + "/ofac/"}
	var out, errb bytes.Buffer
	if code := run(args, &out, &errb); code != 0 {
		t.Fatalf("fetch: exit %d: %s", code, errb.String())
	}
	want := map[string][]byte{"consolidated.xml": lists.FixtureXML()}
	for name, s := range testOFAC {
		want[name] = []byte(s)
	}
	check := func() {
		t.Helper()
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(ents) != len(want) {
			var names []string
			for _, e := range ents {
				names = append(names, e.Name())
			}
			t.Errorf("dir holds %v, want only the four list files", names)
		}
		for name, w := range want {
			got, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil || !bytes.Equal(got, w) {
				t.Errorf("%s: %d bytes (%v), want the %d served", name, len(got), err, len(w))
			}
		}
	}
	check()
	var ofacSize int
	for _, s := range testOFAC {
		ofacSize += len(s)
	}
	for _, line := range []string{
		"un: " + filepath.Join(dir, "consolidated.xml") + ", " + byteSize(int64(len(want["consolidated.xml"]))) + ", un 2026-02-27 (27 entries)\n",
		"ofac: " + dir + " {sdn.csv,alt.csv,add.csv}, " + byteSize(int64(ofacSize)) + ", 2 entries\n",
	} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("output %q does not say %q", out.String(), line)
		}
	}

	// The files fetched read as lists.
	out.Reset()
	if code := run([]string{"lists", "diff", filepath.Join(dir, "consolidated.xml"), filepath.Join(dir, "consolidated.xml")}, &out, &errb); code != 0 {
		t.Fatalf("diff: exit %d: %s", code, errb.String())
	}

	// A page that is not the list, or a file missing, replaces nothing and
	// leaves no temporary file.
	broken.Store(true)
	for _, source := range []string{"un", "ofac"} {
		errb.Reset()
		if code := run(append(args, "--source", source), &out, &errb); code != 1 {
			t.Errorf("fetch %s from a broken server: exit %d", source, code)
		}
		msg := map[string]string{"un": "not a UN list", "ofac": "fetch alt.csv: GET " + srv.URL + "/ofac/alt.csv: 404 Not Found"}[source]
		if !strings.Contains(errb.String(), msg) {
			t.Errorf("fetch %s: error %q does not say %q", source, errb.String(), msg)
		}
		check()
	}
	errb.Reset()
	if code := run(append(args, "--source", "eu"), &out, &errb); code != 1 || !strings.Contains(errb.String(), `--source "eu" is not known`) {
		t.Errorf("--source eu: exit %d, %q", code, errb.String())
	}
}

// TestBenchScreen runs `bench screen` with a few queries when the
// reference data is there, and checks its error when it is not.
func TestBenchScreen(t *testing.T) {
	var out, errb bytes.Buffer
	cmd := newBenchScreenCmd()
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	cmd.SetArgs([]string{"--data", t.TempDir()})
	if err := cmd.Execute(); err == nil || !strings.Contains(err.Error(), "reference data not found") || !strings.Contains(err.Error(), "give --data") {
		t.Errorf("bench screen without data: %v", err)
	}
	data := testenv.SharedData(t, "")
	out.Reset()
	cmd = newBenchScreenCmd()
	cmd.SetOut(&out)
	cmd.SetArgs([]string{"--data", data, "--n", "600", "--output", "json"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	var r struct {
		Editions []string        `json:"editions"`
		Queries  int             `json:"queries"`
		PerSec   float64         `json:"queries_per_second"`
		Meets    map[string]bool `json:"meets"`
	}
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	if r.Queries != 600 || r.PerSec <= 0 || len(r.Editions) != 2 || len(r.Meets) != 4 || !strings.HasPrefix(r.Editions[0], "un 2026-02-27") {
		t.Errorf("bench screen: %s", out.String())
	}
	out.Reset()
	cmd = newBenchScreenCmd()
	cmd.SetOut(&out)
	cmd.SetArgs([]string{"--data", data, "--n", "300"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"queries/s (one core)", ">= 20000", "p99", "<= 1ms", "index memory", "<= 200 MB", "index build", "<= 2s", "hits:"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("bench screen output does not say %q:\n%s", s, out.String())
		}
	}
}

// TestListsImportAdopt imports the fixture UN list into a running server:
// the edition is uploaded as a blob and adopted with list.adopt, signed by
// the inspectorate's coordinator.
func TestListsImportAdopt(t *testing.T) {
	doc, err := os.ReadFile("../../examples/israel-dprk-1993.yaml")
	if err != nil {
		t.Fatal(err)
	}
	l, err := ledger.Open(context.Background(), ledger.Options{Store: testenv.SQLite(t), Log: "il-kp-1993"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	op, _ := keys.Derive("demo", "surety.local/il-kp-1993")
	srv := httptest.NewServer(server.New(l, &ledger.Publisher{Log: l, Origin: "surety.local/il-kp-1993", Signer: op.Note()}, nil))
	t.Cleanup(srv.Close)
	body, _ := json.Marshal(statement.AdoptBody{Document: string(doc)})
	env, err := statement.Sign(op, statement.Payload{Type: statement.TypeAdopt, Agreement: "il-kp-1993", ID: "adopt", Author: "operator", Time: time.Now(), Body: body})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.New(srv.URL).Submit(context.Background(), env); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	coord, _ := keys.Derive("demo", "il-inspection-office")
	keyPath, _, err := keys.Write(dir, coord, false)
	if err != nil {
		t.Fatal(err)
	}
	xml := filepath.Join(dir, "un.xml")
	if err := os.WriteFile(xml, lists.FixtureXML(), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	args := []string{"lists", "import", xml, "--format", "un-xml", "--server", srv.URL, "--key", keyPath, "--agreement", "il-kp-1993", "--output", "json"}
	if code := run(args, &out, &errb); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errb.String())
	}
	var s ListSummary
	if err := json.Unmarshal(out.Bytes(), &s); err != nil {
		t.Fatal(err)
	}
	if s.ID != "list-un-2026-02-27" || s.Index == nil || *s.Index != 1 || s.Entries != 27 {
		t.Errorf("summary %s", out.String())
	}
	// The blob is the canonical edition.
	var blob []byte
	if _, err := client.New(srv.URL).Do(context.Background(), http.MethodGet, "/v1/blobs/"+s.SHA256, "", nil, &blob); err != nil {
		t.Fatal(err)
	}
	ed, err := lists.Decode(blob)
	if err != nil || ed.String() != "un 2026-02-27 (27 entries)" {
		t.Errorf("blob: %v, %v", ed, err)
	}
	// Adopting the same edition again is refused: its id is taken.
	errb.Reset()
	if code := run(args, &out, &errb); code != 1 || !strings.Contains(errb.String(), `"list-un-2026-02-27" is already in the log at index 1`) {
		t.Errorf("import again: exit %d: %s", code, errb.String())
	}
}
