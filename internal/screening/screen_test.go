package screening

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/decimal"
	"github.com/surety/surety/internal/screening/items"
	"github.com/surety/surety/internal/screening/lists"
	"github.com/surety/surety/internal/screening/names"
	"github.com/surety/surety/internal/testenv"
)

// israelDPRK loads the 1993 agreement from the examples.
func israelDPRK(t testing.TB) *agreement.Spec {
	t.Helper()
	spec, err := agreement.Load(filepath.Join("..", "..", "examples", "israel-dprk-1993.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// inForce returns the agreement's obligations in force on 1994-03-01, when
// the no-transfer obligations bind.
func inForce(spec *agreement.Spec) []agreement.Obligation {
	return spec.Resolve(nil).InForce(time.Date(1994, 3, 1, 0, 0, 0, 0, time.UTC))
}

// rodong is a Rodong component shipment to Iran, declared as mining
// equipment under the HS code of launch vehicles, with KOMID as consignor.
func rodong() Declaration {
	return Declaration{
		Site:        "kpnam",
		Departure:   time.Date(1994, 3, 2, 6, 0, 0, 0, time.UTC),
		Mode:        "sea",
		Carrier:     Carrier{Vessel: "Kang Nam 1", IMO: "9074729"},
		Consignor:   Party{Name: "KOMID", Address: "Central District, Pyongyang", Country: "KP"},
		Consignee:   Party{Name: "Shahid Hemmat Industrial Group", Address: "Tehran", Country: "IR"},
		EndUser:     Party{Name: "Shahid Hemmat Industrial Group", Address: "Tehran", Country: "IR"},
		Destination: "IR",
		Items: []Item{{
			Description: "Mining equipment", HSCode: "880260", Quantity: 2, Unit: "pcs", WeightKg: 7400,
			Value: Value{Amount: 2400000, Currency: "USD"}, Control: "not controlled",
		}},
	}
}

// textiles is an ordinary garment shipment to China.
func textiles() Declaration {
	d := rodong()
	d.Consignor = Party{Name: "Pyongyang Sonbong Garment Factory", Country: "KP"}
	d.Consignee = Party{Name: "Dandong Huaxin Apparel Co., Ltd.", Address: "Dandong", Country: "CN"}
	d.EndUser = d.Consignee
	d.Destination = "CN"
	d.Items = []Item{
		{Description: "Women's cotton blouses", HSCode: "620630", Quantity: 12000, Unit: "pcs", WeightKg: 2400, Value: Value{Amount: 36000, Currency: "USD"}},
		{Description: "Men's padded jackets, polyester", HSCode: "620140", Quantity: 5000, Unit: "pcs", WeightKg: 4100, Value: Value{Amount: 60000, Currency: "USD"}},
	}
	return d
}

func fixtureIx(t testing.TB) *names.Index {
	t.Helper()
	ed, err := lists.Fixture()
	if err != nil {
		t.Fatal(err)
	}
	return names.NewIndex(ed)
}

// context is the screening context of spec on 1994-03-01 against ix.
func context(spec *agreement.Spec, ix *names.Index) Context {
	return Context{Spec: spec, Rules: items.Compile(spec), Index: ix, InForce: inForce(spec)}
}

func TestScreenRodong(t *testing.T) {
	spec := israelDPRK(t)
	d := rodong()
	if err := d.Validate(spec); err != nil {
		t.Fatalf("the test declaration is invalid: %v", err)
	}
	r := Screen(d, context(spec, fixtureIx(t)))
	if want := []string{"destination", "item_hit", "list_hit", "mismatch"}; !slices.Equal(r.Flags, want) {
		t.Errorf("flags %v, want %v", r.Flags, want)
	}
	if r.Risk != 1 {
		t.Errorf("risk %v, want 1", r.Risk)
	}
	var roles []string
	for _, n := range r.Names {
		roles = append(roles, n.Role+" "+n.Ref)
	}
	if want := []string{"consignor KPe.001", "consignee IRe.067", "end_user IRe.067"}; !slices.Equal(roles, want) {
		t.Errorf("names %v, want %v", roles, want)
	}
	if len(r.Items) != 1 || r.Items[0].Index != 0 || r.Items[0].Mismatch == nil ||
		!slices.Contains(r.Items[0].Matches, items.Match{Category: "mtcr-cat1", Rule: "hs_prefix 880260"}) {
		t.Fatalf("items %+v", r.Items)
	}
	w := spec.Verification.Sampling.Weights
	wantReasons := map[string][2]float64{ // weight, value
		"list_hit":    {w.ListHit, 1},
		"item_hit":    {w.ItemHit, 1},
		"mismatch":    {w.Mismatch, 1},
		"destination": {w.Destination, 1},
	}
	for _, x := range r.Reasons {
		wv, ok := wantReasons[x.Signal]
		if !ok || x.Weight != wv[0] || x.Value != wv[1] || x.Contribution != decimal.Round6(wv[0]*wv[1]) {
			t.Errorf("reason %+v, want weight %v value %v", x, wv[0], wv[1])
		}
		if s := x.String(); !strings.HasPrefix(s, x.Signal+" +") {
			t.Errorf("reason %q does not name its signal first", s)
		}
		delete(wantReasons, x.Signal)
	}
	if len(wantReasons) > 0 {
		t.Errorf("no reasons for %v", wantReasons)
	}
	text := func(signal string) string {
		i := slices.IndexFunc(r.Reasons, func(x Reason) bool { return x.Signal == signal })
		return r.Reasons[i].Text
	}
	for signal, parts := range map[string][]string{
		"list_hit":    {`consignor "KOMID" matches un KPe.001 KOREA MINING DEVELOPMENT TRADING CORPORATION`, "acronym KOMID", `consignee "Shahid Hemmat Industrial Group" matches un IRe.067`},
		"item_hit":    {`items[0] "Mining equipment" (HS 880260) falls in mtcr-cat1 (hs_prefix 880260)`},
		"mismatch":    {"items[0]: 'Mining equipment' describes", "(84.30/84.74)", "declared under 8802.60, spacecraft and launch vehicles"},
		"destination": {"destination IR is named by no-missile-transfers (no_transfer of mtcr-cat1, mtcr-cat2), and items[0] falls in its categories", "destination IR is named by no-arms-transfers"},
	} {
		for _, p := range parts {
			if !strings.Contains(text(signal), p) {
				t.Errorf("%s reason %q does not say %q", signal, text(signal), p)
			}
		}
	}
}

func TestScreenTextiles(t *testing.T) {
	spec := israelDPRK(t)
	d := textiles()
	if err := d.Validate(spec); err != nil {
		t.Fatalf("the test declaration is invalid: %v", err)
	}
	for _, ix := range []*names.Index{fixtureIx(t), realIndex(t)} {
		r := Screen(d, context(spec, ix))
		want := Result{Risk: 0, Reasons: []Reason{}, Flags: []string{}}
		if diff := cmp.Diff(want, r, cmpopts.IgnoreUnexported(names.Hit{})); diff != "" {
			t.Errorf("Screen (-want +got):\n%s", diff)
		}
		b, _ := json.Marshal(r)
		if string(b) != `{"risk":0,"reasons":[],"flags":[]}` {
			t.Errorf("JSON %s", b)
		}
	}
}
func TestScreenLifted(t *testing.T) {
	spec := israelDPRK(t)
	c := context(spec, fixtureIx(t))
	c.Lifted = map[string]bool{"KPe.001": true}
	r := Screen(rodong(), c)
	for _, n := range r.Names {
		if n.Ref == "KPe.001" {
			t.Errorf("lifted KPe.001 hit: %+v", n)
		}
	}
	if !slices.Contains(r.Flags, SignalList) {
		t.Error("the consignee's hit went with KOMID's relief")
	}
	c.Lifted["IRe.067"] = true
	r = Screen(rodong(), c)
	if slices.Contains(r.Flags, SignalList) || len(r.Names) != 0 {
		t.Errorf("list hit with every listed party lifted: %v %+v", r.Flags, r.Names)
	}
	// Snapback: the same declaration against the set without the entries.
	c.Lifted = nil
	if r = Screen(rodong(), c); !slices.Contains(r.Flags, SignalList) {
		t.Error("no list hit after snapback")
	}
	// No list edition adopted yet.
	c.Index = nil
	if r = Screen(rodong(), c); slices.Contains(r.Flags, SignalList) || r.Names != nil {
		t.Errorf("list hit without an index: %v", r.Flags)
	}
}

// TestScreenSignals checks the route, end-user, late and amendment signals
// and the sum that makes the risk.
func TestScreenSignals(t *testing.T) {
	spec := *israelDPRK(t)
	spec.Verification.Sampling.Weights.Transshipment = []string{"AE", "SG"}
	d := textiles()
	d.Transit = []string{"CN", "SG", "AE"}
	d.EndUser = Party{Name: "Vostok Trading LLC", Country: "RU"}
	r := Screen(d, Context{Spec: &spec, Index: fixtureIx(t), InForce: inForce(&spec), Late: true, Amendments: 1})
	want := []Reason{
		{Signal: "route", Weight: 0.3, Value: 1, Contribution: 0.3, Text: "transit through SG, AE, listed for transshipment"},
		{Signal: "end_user", Weight: 0.3, Value: 1, Contribution: 0.3, Text: `end user "Vostok Trading LLC" is in RU, consignee "Dandong Huaxin Apparel Co., Ltd." in CN`},
		{Signal: "late", Weight: 0.2, Value: 1, Contribution: 0.2, Text: "declared after departure or inside the lead time"},
		{Signal: "amended", Weight: 0.1, Value: 0.5, Contribution: 0.05, Text: "amended 1 time; value min(1, 1/2)"},
	}
	if diff := cmp.Diff(want, r.Reasons); diff != "" {
		t.Errorf("reasons (-want +got):\n%s", diff)
	}
	if r.Risk != 0.85 || !slices.Equal(r.Flags, []string{"amended", "end_user", "late", "route"}) {
		t.Errorf("risk %v flags %v, want 0.85 [amended end_user late route]", r.Risk, r.Flags)
	}
	// An end user in a prohibited country is a prohibited destination.
	d.EndUser.Country = "SY"
	r = Screen(d, Context{Spec: &spec, InForce: inForce(&spec), Amendments: 5})
	if !slices.Contains(r.Flags, SignalDestination) || r.Risk != 1 {
		t.Errorf("flags %v risk %v", r.Flags, r.Risk)
	}
	if i := slices.IndexFunc(r.Reasons, func(x Reason) bool { return x.Signal == SignalAmended }); r.Reasons[i].Value != 1 {
		t.Errorf("five amendments give %v, want 1", r.Reasons[i].Value)
	}
	// Before entry into force no transfer obligation binds.
	r = Screen(rodong(), Context{Spec: &spec, InForce: spec.Resolve(nil).InForce(time.Date(1993, 7, 2, 0, 0, 0, 0, time.UTC))})
	if slices.Contains(r.Flags, SignalDestination) {
		t.Errorf("destination flagged before entry into force: %v", r.Reasons)
	}
}

// TestScreenDeterministic screens the same declaration against two
// separately loaded copies of the agreement and two indexes and compares
// the JSON bytes.
func TestScreenDeterministic(t *testing.T) {
	var out [2][]byte
	for i := range out {
		spec := israelDPRK(t)
		d := rodong()
		d.Items = append(d.Items, textiles().Items...)
		d.Transit = []string{"CN"}
		c := context(spec, fixtureIx(t))
		c.Amendments = 1
		r := Screen(d, c)
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = b
	}
	if !bytes.Equal(out[0], out[1]) {
		t.Errorf("two screenings differ:\n%s\n%s", out[0], out[1])
	}
}

// declaration10 is a realistic ten-item declaration: the Rodong shipment's
// parties with ordinary goods and two controlled items.
func declaration10() Declaration {
	d := rodong()
	d.Consignee = Party{Name: "Shahid Bagheri Industrial Group", Address: "Tehran", Country: "IR"}
	d.EndUser = Party{Name: "Kaveh Pars Trading Co.", Address: "Bandar Abbas", Country: "IR"}
	d.Transit = []string{"CN", "AE"}
	for _, it := range []struct{ desc, hs string }{
		{"Mining equipment", "880260"},
		{"Anthracite coal", "270111"},
		{"Women's cotton blouses", "620630"},
		{"Zinc concentrate", "260800"},
		{"Ferrosilicon", "720221"},
		{"Dried pine mushrooms", "071239"},
		{"Gyroscopes for inertial navigation", "901420"},
		{"Spare parts for excavators", "843149"},
		{"Human hair wigs", "670420"},
		{"Frozen crab meat", "030614"},
	} {
		d.Items = append(d.Items, Item{Description: it.desc, HSCode: it.hs, Quantity: 10, Unit: "pcs", WeightKg: 100, Value: Value{Amount: 1000, Currency: "USD"}})
	}
	d.Items = d.Items[1:]
	return d
}

// BenchmarkScreen screens a ten-item declaration against the fixture index
// and, with the reference data, the UN 2026 and OFAC index.
func BenchmarkScreen(b *testing.B) {
	spec := israelDPRK(b)
	d := declaration10()
	run := func(b *testing.B, ix *names.Index) {
		c := context(spec, ix)
		c.Amendments = 1
		for b.Loop() {
			Screen(d, c)
		}
	}
	b.Run("fixture", func(b *testing.B) { run(b, fixtureIx(b)) })
	b.Run("un+ofac", func(b *testing.B) { run(b, realIndex(b)) })
}

var reference struct {
	once sync.Once
	ix   *names.Index
	err  error
}

// realIndex indexes the UN 2026 and OFAC lists once, skipping the test
// without the reference data.
func realIndex(tb testing.TB) *names.Index {
	tb.Helper()
	dir := testenv.SharedData(tb, "")
	reference.once.Do(func() {
		var un, ofac lists.Edition
		un, ofac, reference.err = lists.Reference(dir)
		reference.ix = names.NewIndex(un, ofac)
	})
	if reference.err != nil {
		tb.Fatal(reference.err)
	}
	return reference.ix
}
