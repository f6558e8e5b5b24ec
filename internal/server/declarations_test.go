package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/surety/surety/examples"

	"github.com/surety/surety/internal/api"
	"github.com/surety/surety/internal/client"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/ledger"
	"github.com/surety/surety/internal/screening"
	"github.com/surety/surety/internal/screening/lists"
	"github.com/surety/surety/internal/server"
	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/statement"
	"github.com/surety/surety/internal/store"
	"github.com/surety/surety/internal/testenv"
)

// world is a 1993 log on a controlled clock, with the fixture list adopted.
type world struct {
	t    *testing.T
	url  string
	log  *ledger.Log
	st   store.Store
	now  time.Time
	seq  int
	docs []byte
}

func newWorld(t *testing.T) *world { return newWorldEdited(t, func(doc string) string { return doc }) }

// newWorldEdited is newWorld with the 1993 agreement edited.
func newWorldEdited(t *testing.T, edit func(string) string) *world {
	raw, err := os.ReadFile("../../examples/israel-dprk-1993.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc := []byte(edit(string(raw)))
	w := &world{t: t, st: testenv.SQLite(t), now: time.Date(1993, 8, 2, 8, 0, 0, 0, time.UTC), docs: doc}
	w.log, err = ledger.Open(context.Background(), ledger.Options{Store: w.st, Log: "il-kp-1993", Now: func() time.Time { return w.now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.log.Close)
	srv := httptest.NewServer(server.New(w.log, nil, nil))
	t.Cleanup(srv.Close)
	w.url = srv.URL
	body, _ := json.Marshal(statement.AdoptBody{Document: string(doc)})
	w.must(w.send("surety.local/il-kp-1993", "operator", statement.TypeAdopt, "adopt", string(body)))
	ed, err := lists.Fixture()
	if err != nil {
		t.Fatal(err)
	}
	blob, err := lists.Encode(ed)
	if err != nil {
		t.Fatal(err)
	}
	op, _ := keys.Derive("demo", "surety.local/il-kp-1993")
	if _, err := client.New(w.url).Signing("operator", op.Key).PutBlob(context.Background(), blob); err != nil {
		t.Fatalf("blob: %v", err)
	}
	sum := sha256.Sum256(blob)
	lb, _ := json.Marshal(statement.ListAdoptBody{Source: ed.Source, Date: ed.Date, SHA256: hex.EncodeToString(sum[:]), Entries: len(ed.Entries)})
	w.must(w.send("surety.local/il-kp-1993", "operator", statement.TypeListAdopt, "list-1", string(lb)))
	return w
}

func (w *world) send(keyName, author, typ, id, body string) (int, []byte) {
	k, err := keys.Derive("demo", keyName)
	if err != nil {
		w.t.Fatal(err)
	}
	env, err := statement.Sign(k, statement.Payload{Type: typ, Agreement: "il-kp-1993", ID: id, Author: author, Time: w.now, Body: json.RawMessage(body)})
	if err != nil {
		w.t.Fatal(err)
	}
	f := &fixture{url: w.url}
	return f.post(w.t, "/v1/statements", env)
}

func (w *world) must(code int, b []byte) {
	w.t.Helper()
	if code != 201 {
		w.t.Fatalf("%d %s", code, b)
	}
}

func (w *world) declare(id string, d screening.Declaration) (int, []byte) {
	b, _ := json.Marshal(d)
	return w.send("kp-export-authority", "kp-export-authority", statement.TypeDeclare, id, string(b))
}

func (w *world) record(id string) state.Declaration {
	w.t.Helper()
	var d state.Declaration
	resp, b := (&fixture{url: w.url}).get(w.t, "/v1/declarations/"+id)
	if resp.StatusCode != 200 {
		w.t.Fatalf("declaration %s: %d %s", id, resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, &d); err != nil {
		w.t.Fatal(err)
	}
	return d
}

func TestDeclarationsScreened(t *testing.T) {
	w := newWorld(t)
	w.must(w.declare("d-rodong", examples.Rodong(w.now.Add(72*time.Hour))))
	w.must(w.declare("d-textile", examples.Garments(w.now.Add(48*time.Hour))))
	w.must(w.declare("d-late", examples.Garments(w.now.Add(6*time.Hour))))

	r := w.record("d-rodong")
	for _, f := range []string{"list_hit", "item_hit", "mismatch", "destination"} {
		if !slices.Contains(r.Flags, f) {
			t.Errorf("the Rodong shipment lacks flag %s: %v", f, r.Flags)
		}
	}
	if r.Screening.Risk < 0.8 || r.P != 1 || len(r.Lists) != 1 {
		t.Errorf("Rodong shipment: risk %v, p %v, lists %v; want mandatory selection", r.Screening.Risk, r.P, r.Lists)
	}
	txt := w.record("d-textile")
	if len(txt.Flags) != 0 || txt.P != 0.55 {
		t.Errorf("textiles: flags %v, p %v; want none and the floor 0.55", txt.Flags, txt.P)
	}
	late := w.record("d-late")
	if !late.Late || !slices.Contains(late.Flags, state.FlagLate) || late.Screening.Risk <= txt.Screening.Risk {
		t.Errorf("a declaration inside the 24h lead time: late %v, flags %v, risk %v", late.Late, late.Flags, late.Screening.Risk)
	}

	// Every bad field is named.
	bad := examples.Garments(w.now.Add(48 * time.Hour))
	bad.Items[0].HSCode = "88O2.60"
	bad.Destination = "Iran"
	bad.Seals = []string{"KP-1", "KP 2", "KP-1"}
	code, b := w.declare("d-bad", bad)
	if code != 422 || !strings.Contains(string(b), `items[0].hs_code: \"88O2.60\" is not an HS code (digits only, 6–10)`) || !strings.Contains(string(b), "destination") ||
		!strings.Contains(string(b), `seals[1]: \"KP 2\" is not a seal number`) || !strings.Contains(string(b), `seals[2]: \"KP-1\" is listed twice`) {
		t.Errorf("bad declaration: %d %s", code, b)
	}
	// Only declarants declare.
	db, _ := json.Marshal(examples.Garments(w.now.Add(48 * time.Hour)))
	if code, b := w.send("il-treasury", "il-treasury", statement.TypeDeclare, "d-x", string(db)); code != 403 {
		t.Errorf("a declaration by the benefactor's treasury: %d %s", code, b)
	}

	var list []api.DeclarationSummary
	_, lb := (&fixture{url: w.url}).get(t, "/v1/declarations?agreement=il-kp-1993&flag=list_hit")
	_ = json.Unmarshal(lb, &list)
	if len(list) != 1 || list[0].ID != "d-rodong" {
		t.Errorf("flag=list_hit: %s", lb)
	}
	_, lb = (&fixture{url: w.url}).get(t, "/v1/declarations?site=fnj&from=1993-08-03")
	list = nil
	_ = json.Unmarshal(lb, &list)
	if len(list) != 1 || list[0].ID != "d-textile" {
		t.Errorf("site=fnj from 1993-08-03: %s", lb)
	}
}

func TestAmendAndWithdraw(t *testing.T) {
	w := newWorld(t)
	w.must(w.declare("d-1", examples.Garments(w.now.Add(48*time.Hour))))
	changed := examples.Garments(w.now.Add(50 * time.Hour))
	changed.Site, changed.Mode, changed.Carrier = "kpnam", "sea", screening.Carrier{Vessel: "Mangyongbong", IMO: "8322090"}
	ab, _ := json.Marshal(statement.AmendBody{Declaration: "d-1", Reason: "moved to the sea route", New: changed})
	w.must(w.send("kp-export-authority", "kp-export-authority", statement.TypeAmend, "a-1", string(ab)))
	r := w.record("d-1")
	if r.Status != state.Amended || r.Body.Site != "kpnam" || len(r.Amendments) != 1 || !slices.Contains(r.Flags, "amended") {
		t.Errorf("after amendment: %+v", r)
	}
	var list []api.DeclarationSummary
	_, lb := (&fixture{url: w.url}).get(t, "/v1/declarations?site=fnj")
	_ = json.Unmarshal(lb, &list)
	if len(list) != 0 {
		t.Errorf("the amended declaration is still listed at its old site: %s", lb)
	}
	wb, _ := json.Marshal(statement.WithdrawBody{Declaration: "d-1", Reason: "cancelled"})
	w.must(w.send("kp-export-authority", "kp-export-authority", statement.TypeWithdraw, "w-1", string(wb)))
	if r := w.record("d-1"); r.Status != state.Withdrawn || !slices.Contains(r.Flags, state.FlagWithdrawn) {
		t.Errorf("after withdrawal: %+v", r)
	}
	if code, b := w.send("kp-export-authority", "kp-export-authority", statement.TypeWithdraw, "w-2", string(wb)); code != 409 {
		t.Errorf("withdrawing twice: %d %s", code, b)
	}
	var pending []state.Pending
	_, pb := (&fixture{url: w.url}).get(t, "/v1/selections/pending")
	_ = json.Unmarshal(pb, &pending)
	if len(pending) != 0 {
		t.Errorf("a withdrawn declaration awaits selection: %s", pb)
	}
}

// TestReplayScreensAlike replays the log into a fresh store, as an auditor
// does, and gets the same declarations, screening included.
func TestReplayScreensAlike(t *testing.T) {
	w := newWorld(t)
	w.must(w.declare("d-rodong", examples.Rodong(w.now.Add(72*time.Hour))))
	w.must(w.declare("d-textile", examples.Garments(w.now.Add(48*time.Hour))))
	ctx := context.Background()
	h, _ := w.log.Head(ctx)
	es, err := w.log.Entries(ctx, 0, h.Size)
	if err != nil {
		t.Fatal(err)
	}
	copySt := testenv.SQLite(t)
	for _, e := range es {
		le, _ := ledger.ParseEntry(e)
		sums, _ := state.BlobsOf(le.Statement)
		for _, s := range sums {
			var b []byte
			err := w.st.View(ctx, func(tx store.ReadTx) error {
				var err error
				b, err = tx.Blob(s)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := store.PutBlob(ctx, copySt, "il-kp-1993", s, b); err != nil {
				t.Fatal(err)
			}
		}
	}
	cp, err := ledger.Open(ctx, ledger.Options{Store: copySt, Log: "il-kp-1993"})
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	if err := cp.Replay(ctx, es); err != nil {
		t.Fatal(err)
	}
	a, _ := w.log.Dump(ctx)
	b, _ := cp.Dump(ctx)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("the replayed state differs from the server's")
	}
}
