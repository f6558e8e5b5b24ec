package agreement

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/surety/surety/internal/keys"
)

func mustVKey(name string) string {
	s, err := keys.Derive("test", name)
	if err != nil {
		panic(err)
	}
	return s.VKey()
}

func load(t *testing.T, name string) *Spec {
	t.Helper()
	s, err := Load(filepath.Join("..", "..", "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestExamplesValid(t *testing.T) {
	paths, err := filepath.Glob("../../examples/*-[0-9][0-9][0-9][0-9].yaml") // the agreements, not their .traffic.yaml models
	if err != nil || len(paths) < 3 {
		t.Fatalf("want the three example agreements, got %v (%v)", paths, err)
	}
	for _, p := range paths {
		if _, err := Load(p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}

func TestJCPOATimeline(t *testing.T) {
	s := load(t, "jcpoa-2015.yaml")
	v := s.Show(nil)
	ms := map[string]When{}
	for _, m := range v.Milestones {
		ms[m.ID] = m.When
	}
	obs := map[string]ObligationView{}
	for _, o := range v.Obligations {
		obs[o.ID] = o
	}
	for _, c := range []struct {
		what string
		got  When
		at   string
		late string
	}{
		{"adoption", ms["adoption"], "2015-10-18", ""},
		{"termination", ms["termination"], "2025-10-18", ""},
		{"transition", ms["transition"], "", "2023-10-18"},
		{"arms sunset", obs["arms-approval"].Until, "", "2020-10-18"},
		{"missile sunset", obs["missile-approval"].Until, "", "2023-10-18"},
	} {
		if c.at != "" && (c.got.At == nil || !c.got.At.Equal(date(c.at))) {
			t.Errorf("%s = %v, want %s", c.what, c.got, c.at)
		}
		if c.late != "" && (c.got.At != nil || c.got.Latest == nil || !c.got.Latest.Equal(date(c.late))) {
			t.Errorf("%s = %v, want %s at the latest", c.what, c.got, c.late)
		}
	}
	if ms["implementation"].Known() {
		t.Errorf("implementation resolved without the IAEA's report: %v", ms["implementation"])
	}
}

// TestJCPOAAsWritten checks the JCPOA example against the texts: Iran
// declares nothing and nothing is inspected at its ports; the supplying
// states ask for approval; nuclear items go to the Joint Commission's
// channel in 20/30/45 working days, arms and missiles to the Security
// Council; the dispute runs 15 + 15 + 5 + 30 days; the limits sunset at
// 10 and 15 years; the relief has three parts and snapback restores the
// UN part only; Section Q runs 14 + 7 + 3 days, 5 of 8 deciding; and no
// access is given within 24 hours.
func TestJCPOAAsWritten(t *testing.T) {
	s := load(t, "jcpoa-2015.yaml")
	if s.Declares() {
		t.Error("Iran declares consignments, which neither the JCPOA nor resolution 2231 asks")
	}
	for _, st := range s.Sites {
		if st.ExitPoint() {
			t.Errorf("site %s is an exit point where the IAEA would inspect: the texts name none", st.ID)
		}
	}
	for _, p := range s.Parties {
		for _, pr := range p.Principals {
			if slices.Contains(pr.Duties, Declarant) || slices.Contains(pr.Duties, Selector) {
				t.Errorf("principal %s holds %v: nothing is declared or selected", pr.ID, pr.Duties)
			}
		}
	}
	pc := s.Procurement
	if pc == nil || pc.Requester != "suppliers" || pc.Body != "joint-commission" || pc.WorkingDays != 20 || pc.ExtendedWorkingDays != 30 || pc.DisagreementWorkingDays != 45 {
		t.Fatalf("procurement %+v; want the suppliers asking, the Joint Commission deciding in 20/30/45 working days", pc)
	}
	if i := slices.IndexFunc(s.Parties, func(p Party) bool { return p.ID == "suppliers" }); i < 0 || s.Parties[i].Role == Undertaker {
		t.Errorf("the requester, party %d; want the supplying states, not Iran", i)
	}
	ob := map[string]Obligation{}
	for _, o := range s.Obligations {
		ob[o.ID] = o
		if o.Kind == Access && o.ResponseTime != nil && o.ResponseTime.Approx() <= 24*time.Hour {
			t.Errorf("obligation %s gives access within %s, which the texts do not", o.ID, o.ResponseTime)
		}
	}
	if o := ob["arms-from-iran"]; o.RequestedBy != "iran" || !o.Covers("SY") || !o.Covers("VE") || o.Until == nil || o.Until.Earliest == nil {
		t.Errorf("arms from Iran (Annex B, paragraph 6(b)): %+v; want Iran asking, for any destination, until the arms sunset", o)
	}
	for id, body := range map[string]string{"nuclear-approval": "", "arms-approval": "security-council", "missile-approval": "security-council", "arms-from-iran": "security-council"} {
		o := ob[id]
		if o.Kind != LicensedTransfer || o.ApprovedBy != body || o.FoundBy != "security-council" {
			t.Errorf("obligation %s: %+v; want approval by %q, a transfer without it found by the Security Council", id, o, body)
		}
	}
	if !slices.Contains(ob["nuclear-approval"].Items, "nsg-items") {
		t.Errorf("the procurement channel covers %v; want the NSG items of Annex B, paragraph 2", ob["nuclear-approval"].Items)
	}
	sunset := map[string]string{"centrifuge-limit": "10y", "enrichment-level": "15y", "enriched-stockpile": "15y", "heavy-water-limit": "15y"}
	for id, y := range sunset {
		u := ob[id].Until
		if u == nil || u.Milestone != "implementation" || u.Offset == nil || u.Offset.String() != y {
			t.Errorf("obligation %s ends %v; want %s after Implementation Day", id, u, y)
		}
	}
	for id, limit := range map[string]float64{"enrichment-level": 3.67, "enriched-stockpile": 300, "heavy-water-limit": 130, "centrifuge-limit": 5060} {
		if l := ob[id].Limits; len(l) != 1 || l[0].Max == nil || *l[0].Max != limit {
			t.Errorf("obligation %s limits %+v; want at most %v", id, l, limit)
		}
	}
	var days []int
	for _, st := range s.Dispute.Steps {
		days = append(days, st.Days)
	}
	if !slices.Equal(days, []int{15, 15, 5, 30}) || !s.Dispute.Steps[3].OnNotice || s.Dispute.Steps[3].Body != "security-council" {
		t.Errorf("dispute steps %v; want 15 + 15 + 5 + 30, the Council's on notice", s.Dispute.Steps)
	}
	if !slices.Equal(s.Dispute.Incentives, []string{"un-relief"}) {
		t.Errorf("snapback restores %v; want the UN relief only", s.Dispute.Incentives)
	}
	var relief []string
	for _, in := range s.Incentives {
		relief = append(relief, in.ID)
	}
	if !slices.Equal(relief, []string{"eu-relief", "us-relief", "un-relief"}) {
		t.Errorf("relief %v; want the EU, US and UN parts", relief)
	}
	if e := ob["iaea-access"].Escalation; ob["iaea-access"].ResponseTime.String() != "14d" || e == nil || e.Days != 7 || e.Comply.String() != "3d" || e.Body != "joint-commission-access" {
		t.Errorf("Section Q: %v then %+v; want 14 + 7 + 3 days", ob["iaea-access"].ResponseTime, e)
	}
	if b := s.Body("joint-commission-access"); b == nil || b.Rule != Quorum || b.Quorum != 5 || len(b.Members) != 8 {
		t.Errorf("the Joint Commission on access: %+v; want 5 of 8", b)
	}
}

func TestResolveWithMetConditions(t *testing.T) {
	s := load(t, "jcpoa-2015.yaml")
	impl, broader := date("2016-01-16"), date("2019-06-01")
	met := func(c Condition) (time.Time, bool) {
		switch strings.Join(c.Steps, ",") {
		case "broader-conclusion":
			return broader, true
		case "enrichment-capacity,enriched-stockpile,fordow-conversion,arak-core-removed,additional-protocol":
			return impl, true
		}
		return time.Time{}, false
	}
	tl := s.Resolve(met)
	if w := tl.Milestone("implementation"); w.At == nil || !w.At.Equal(impl) {
		t.Errorf("implementation = %v, want %s", w, impl)
	}
	// The Broader Conclusion before Adoption + 8 years brings Transition Day forward.
	if w := tl.Milestone("transition"); w.At == nil || !w.At.Equal(broader) {
		t.Errorf("transition = %v, want %s", w, broader)
	}
	// Without it, Transition Day is Adoption + 8 years exactly.
	tl = s.Resolve(func(c Condition) (time.Time, bool) {
		if c.Steps[0] == "broader-conclusion" {
			return time.Time{}, false
		}
		return met(c)
	})
	if w := tl.Milestone("transition"); w.At != nil || w.Latest == nil || !w.Latest.Equal(date("2023-10-18")) {
		t.Errorf("transition = %v, want 2023-10-18 at the latest", w)
	}
}

func TestTranchesSum1993(t *testing.T) {
	s := load(t, "israel-dprk-1993.yaml")
	var sum int64
	for _, in := range s.Incentives {
		for _, tr := range in.Tranches {
			sum += tr.Amount
		}
		if in.Kind == Tranches && (in.Total.Amount != 1_000_000_000 || in.Total.Currency != "USD") {
			t.Errorf("total %v, want 1,000,000,000 USD", in.Total)
		}
	}
	if sum != 1_000_000_000 {
		t.Errorf("tranches sum to %d, want 1,000,000,000", sum)
	}
}

// TestBasis1993 checks that the 1993 offer marks what is record and what
// is assumption: the tranche split, Nampo port (the offer named airports)
// and the inspection rules are assumptions; the airports are record.
func TestBasis1993(t *testing.T) {
	s := load(t, "israel-dprk-1993.yaml")
	for _, about := range []string{"incentives.investment", "sites.kpnam", "verification", "milestones.signature"} {
		if Assumed(s.Basis, about) == "" {
			t.Errorf("%s is not marked as an assumption", about)
		}
	}
	if a := Assumed(s.Basis, "sites.fnj"); a != "" {
		t.Errorf("the airport is marked as an assumption: %s", a)
	}
	record := func(about string) bool {
		return slices.ContainsFunc(s.Basis, func(b Basis) bool { return b.About == about && b.Record != "" })
	}
	for _, about := range []string{"sites.fnj", "incentives.investment", "obligations.no-missile-transfers"} {
		if !record(about) {
			t.Errorf("%s cites no record", about)
		}
	}
}

// TestAgreedFrameworkAsWritten checks the Framework's provisions against
// its text: fuel oil reaching 500,000 t a year after a first year of about
// 150,000 t; a freeze that ends in dismantlement, not with the first
// reactor unit; the DPRK's and the US's duties as obligations that bear a
// verdict; and no 24-hour challenge access, which the text does not have.
func TestAgreedFrameworkAsWritten(t *testing.T) {
	s := load(t, "agreed-framework-1994.yaml")
	v := s.Show(nil)
	var first, full *DeliveryView
	for i, d := range v.Deliveries {
		switch d.ID {
		case "hfo-first-year":
			first = &v.Deliveries[i]
		case "hfo":
			full = &v.Deliveries[i]
		}
	}
	if first == nil || first.Total != 150000 || first.Start.At == nil || !first.Start.At.Equal(date("1995-01-21")) {
		t.Errorf("the first year's fuel oil: %+v; want 150,000 t from 1995-01-21", first)
	}
	if full == nil || full.Quantity != 500000 || full.Per != "1y" || full.Start.At == nil || !full.Start.At.Equal(date("1995-10-21")) {
		t.Errorf("the full rate: %+v; want 500,000 t a year from 1995-10-21", full)
	}
	ob := map[string]Obligation{}
	for _, o := range s.Obligations {
		ob[o.ID] = o
		if o.Kind == Access || o.ResponseTime != nil {
			t.Errorf("obligation %s gives challenge access within %v, which the Framework does not", o.ID, o.ResponseTime)
		}
	}
	if f := ob["freeze-yongbyon"]; f.Until != nil {
		t.Errorf("the freeze ends at %s; it leads to dismantlement instead", f.Until)
	}
	for id, party := range map[string]string{"dismantle": "dprk", "safeguards": "dprk", "spent-fuel": "dprk",
		"lwr": "us", "ease-trade": "us", "liaison-office": "us", "assurances": "us"} {
		if o, ok := ob[id]; !ok || o.Kind != Undertake || o.Party != party {
			t.Errorf("obligation %s: %+v; want an undertaking of %s", id, o, party)
		}
	}
	tl := s.Resolve(nil)
	if w := tl.Eval(*ob["lwr"].Due); w.At == nil || w.At.Year() != 2003 {
		t.Errorf("the reactors are due %v; want the target of 2003", w)
	}
	if w := tl.Eval(*ob["ease-trade"].Due); w.At == nil || !w.At.Equal(date("1995-01-21")) {
		t.Errorf("trade barriers eased by %v; want three months after 1994-10-21", w)
	}
	if !strings.Contains(ob["lwr"].Name, "2,000 MWe") {
		t.Errorf("the reactors: %q; want about 2,000 MWe", ob["lwr"].Name)
	}
	if ob["safeguards"].Due.Milestone != "key-components" {
		t.Errorf("safeguards compliance due at %v; want before the key nuclear components", ob["safeguards"].Due)
	}
}

func TestDurations(t *testing.T) {
	for _, c := range []struct{ d, from, want string }{
		{"90d", "2015-07-20", "2015-10-18"},
		{"8y", "2015-10-18", "2023-10-18"},
		{"9mo", "1993-07-31", "1994-04-30"},
		{"1mo", "2024-01-31", "2024-02-29"},
		{"1y", "2024-02-29", "2025-02-28"},
		{"2w", "2020-01-01", "2020-01-15"},
	} {
		d, err := ParseDuration(c.d)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.AddTo(date(c.from)).Format(time.DateOnly); got != c.want {
			t.Errorf("%s + %s = %s, want %s", c.from, c.d, got, c.want)
		}
	}
	if got := MustDuration("24h").AddTo(date("2020-01-01")); !got.Equal(date("2020-01-02")) {
		t.Errorf("24h added gives %v", got)
	}
	for _, bad := range []string{"", "d", "1", "1 d", "-1d", "+1d", "1.5d", "1m", "1yr"} {
		if _, err := ParseDuration(bad); err == nil {
			t.Errorf("ParseDuration(%q) accepted", bad)
		}
	}
}

func TestSchema(t *testing.T) {
	b, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Defs map[string]struct {
			Properties           map[string]any `json:"properties"`
			AdditionalProperties *bool          `json:"additionalProperties"`
			Required             []string       `json:"required"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	spec, ok := s.Defs["Spec"]
	if !ok {
		t.Fatalf("schema has no Spec definition")
	}
	for _, f := range []string{"parties", "controlled_items", "milestones", "verification", "bodies"} {
		if _, ok := spec.Properties[f]; !ok {
			t.Errorf("Spec lacks property %s", f)
		}
	}
	// Required keys are those check requires, not every key without omitempty.
	if !slices.Contains(spec.Required, "parties") || slices.Contains(spec.Required, "log") || len(s.Defs["Weights"].Required) > 0 {
		t.Errorf("required keys: Spec %v, Weights %v", spec.Required, s.Defs["Weights"].Required)
	}
	if spec.AdditionalProperties == nil || *spec.AdditionalProperties {
		t.Errorf("Spec allows unknown fields in the schema")
	}
	// A body needs its members and its rule; the procurement channel names
	// an approver or a body.
	if !slices.Contains(s.Defs["Body"].Required, "members") || !slices.Contains(s.Defs["Body"].Required, "rule") || slices.Contains(s.Defs["Procurement"].Required, "approver") {
		t.Errorf("required keys: Body %v, Procurement %v", s.Defs["Body"].Required, s.Defs["Procurement"].Required)
	}
	// The milestone's trigger fields are inlined, as in the YAML.
	if _, ok := s.Defs["Milestone"].Properties["offset"]; !ok {
		t.Errorf("Milestone lacks the inlined trigger field offset")
	}
}

// FuzzParse checks that Parse never panics, and that whatever it accepts is
// valid and can be shown.
func FuzzParse(f *testing.F) {
	paths, _ := filepath.Glob("../../examples/*-[0-9][0-9][0-9][0-9].yaml") // the agreements, not their .traffic.yaml models
	paths = append(paths, "testdata/minimal.yaml")
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("surety: v1\nid: x\n"))
	f.Add([]byte("- a\n- b\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("fuzz.yaml", data)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		if ps := s.Validate(); len(ps) > 0 {
			t.Fatalf("accepted a document with problems: %v", ps)
		}
		_ = s.Show(nil)
	})
}

func TestObligationsInForce(t *testing.T) {
	s := load(t, "jcpoa-2015.yaml")
	impl := date("2016-01-16")
	tl := s.Resolve(func(c Condition) (time.Time, bool) {
		return impl, c.Steps[0] == "enrichment-capacity"
	})
	obs := map[string]Obligation{}
	for _, o := range s.Obligations {
		obs[o.ID] = o
	}
	for _, c := range []struct {
		id, at string
		want   bool
	}{
		{"arms-approval", "2016-01-15", false}, // before Implementation Day
		{"arms-approval", "2018-05-01", true},
		{"arms-approval", "2020-10-18", false}, // Adoption + 5 years
		{"missile-approval", "2023-10-17", true},
		{"missile-approval", "2023-10-18", false},
		{"iaea-access", "2030-01-01", true}, // no sunset
	} {
		if got := tl.Active(obs[c.id], date(c.at)); got != c.want {
			t.Errorf("%s in force on %s: %v, want %v", c.id, c.at, got, c.want)
		}
	}
	// Without the IAEA's report, nothing that starts at Implementation is in force.
	if n := len(s.Resolve(nil).InForce(date("2018-01-01"))); n != 0 {
		t.Errorf("%d obligations in force without Implementation Day", n)
	}
}

// TestMaxSkew: log.max_skew defaults to 24 hours and takes a fixed length.
func TestMaxSkew(t *testing.T) {
	base, err := os.ReadFile("testdata/minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse("minimal.yaml", base)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Log.Skew(); got.Approx() != 24*time.Hour || got.String() != "24h" {
		t.Errorf("default max_skew %s", got)
	}
	doc := strings.Replace(string(base), "title: Minimal agreement", "title: Minimal agreement\nlog:\n  max_skew: 90min", 1)
	if s, err = Parse("skew.yaml", []byte(doc)); err != nil {
		t.Fatal(err)
	}
	if got := s.Log.Skew(); got.Approx() != 90*time.Minute {
		t.Errorf("max_skew %s, want 90min", got)
	}
}
