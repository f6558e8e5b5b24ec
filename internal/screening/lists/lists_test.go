package lists

import (
	"bytes"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/surety/surety/internal/testenv"
)

// sharedData returns the reference data directory, skipping the test when it
// is missing.
func sharedData(tb testing.TB) string {
	tb.Helper()
	return testenv.SharedData(tb, "")
}

var reference struct {
	once     sync.Once
	un, ofac Edition
	err      error
}

// loadReal loads the reference editions once, skipping the test without
// them.
func loadReal(tb testing.TB) (un, ofac Edition) {
	tb.Helper()
	dir := sharedData(tb)
	reference.once.Do(func() { reference.un, reference.ofac, reference.err = Reference(dir) })
	if reference.err != nil {
		tb.Fatal(reference.err)
	}
	return reference.un, reference.ofac
}

func TestFixture(t *testing.T) {
	ed, err := Fixture()
	if err != nil {
		t.Fatal(err)
	}
	if ed.Source != SourceUN || ed.Date != "2026-02-27" || len(ed.Entries) != 27 {
		t.Fatalf("fixture is %v, want un 2026-02-27 with 27 entries", ed)
	}
	komid, ok := ed.Entry("KPe.001")
	if !ok {
		t.Fatal("fixture has no KPe.001")
	}
	want := Entry{
		Ref:       "KPe.001",
		Kind:      Entity,
		Name:      "KOREA MINING DEVELOPMENT TRADING CORPORATION",
		Aliases:   []Alias{{Name: "CHANGGWANG SINYONG CORPORATION", Type: AKA, Quality: Strong}},
		Programs:  []string{"DPRK"},
		Listed:    "2009-04-24",
		Countries: []string{"Democratic People's Republic of Korea"},
		Addresses: []Address{{City: "Pyongyang", Country: "Democratic People's Republic of Korea"}},
	}
	if diff := cmp.Diff(want, komid); diff != "" {
		t.Errorf("KPe.001 (-want +got):\n%s", diff)
	}
	for ref, name := range map[string]string{
		"KPe.002": "KOREA RYONBONG GENERAL CORPORATION",
		"KPe.003": "TANCHON COMMERCIAL BANK",
		"IRe.067": "SHAHID HEMMAT INDUSTRIAL GROUP (SHIG)",
		"KPi.033": "RI WON HO",
	} {
		if e, _ := ed.Entry(ref); e.Name != name {
			t.Errorf("%s is %q, want %q", ref, e.Name, name)
		}
	}
	soleimani, _ := ed.Entry("IRi.039")
	if got := soleimani.Aliases[1]; got != (Alias{Name: "Haji Qassem", Type: AKA, Quality: Weak}) {
		t.Errorf("IRi.039 alias Low read as %+v, want a weak aka", got)
	}
	raw := FixtureXML()
	raw[0] = 'x'
	if _, err := Fixture(); err != nil {
		t.Errorf("FixtureXML shares its bytes: %v", err)
	}
}

// TestFixtureInRealList checks each fixture entry against the UN list it was
// written from: the same reference, name and listing date.
func TestFixtureInRealList(t *testing.T) {
	un, _ := loadReal(t)
	fx, err := Fixture()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range fx.Entries {
		real, ok := un.Entry(e.Ref)
		if !ok {
			t.Errorf("%s is not in %v", e.Ref, un)
			continue
		}
		if real.Name != e.Name || real.Listed != e.Listed || real.Kind != e.Kind || !slices.Equal(real.Programs, e.Programs) {
			t.Errorf("%s: fixture %q listed %s %v, UN list %q listed %s %v", e.Ref, e.Name, e.Listed, e.Programs, real.Name, real.Listed, real.Programs)
		}
		for _, a := range e.Aliases {
			if !slices.Contains(real.Aliases, a) {
				t.Errorf("%s: alias %+v is not in the UN list", e.Ref, a)
			}
		}
	}
}

func TestEncodeDeterministic(t *testing.T) {
	ed, err := Fixture()
	if err != nil {
		t.Fatal(err)
	}
	b1, err := Encode(ed)
	if err != nil {
		t.Fatal(err)
	}
	// The same edition with entries, programs and countries in another
	// order encodes to the same bytes.
	shuffled := ed
	shuffled.Entries = slices.Clone(ed.Entries)
	slices.Reverse(shuffled.Entries)
	shuffled.Entries[0].Countries = []string{"Iran", "Iran"}
	shuffled.Entries[0].Programs = []string{"Iran", "DPRK"}
	ed2 := ed
	ed2.Entries = slices.Clone(ed.Entries)
	for i := range ed2.Entries {
		if ed2.Entries[i].Ref == shuffled.Entries[0].Ref {
			ed2.Entries[i].Countries = []string{"Iran"}
			ed2.Entries[i].Programs = []string{"DPRK", "Iran"}
		}
	}
	b2, err := Encode(shuffled)
	if err != nil {
		t.Fatal(err)
	}
	b3, err := Encode(ed2)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b2, b3) {
		t.Errorf("reordered edition encodes differently:\n%s\n%s", b2, b3)
	}
	again, err := Encode(ed)
	if err != nil || !bytes.Equal(b1, again) {
		t.Errorf("encoding twice differs (%v)", err)
	}
	got, err := Decode(b1)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ed, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(string(b1), `{"source":"un","date":"2026-02-27","entries":[{"ref":"IRe.004","kind":"entity","name":"AMMUNITION AND METALLURGY INDUSTRIES GROUP (AMIG)"`) {
		t.Errorf("encoding starts %.120s", b1)
	}
}

func TestEncodeRejects(t *testing.T) {
	ed := Edition{Source: SourceUN, Date: "2026-02-27", Entries: []Entry{{Ref: "KPe.001", Kind: "company", Name: "KOMID"}}}
	if _, err := Encode(ed); err == nil || !strings.Contains(err.Error(), `kind "company"`) {
		t.Errorf("Encode of a bad kind: %v", err)
	}
	ed.Entries = []Entry{{Ref: "KPe.001", Kind: Entity, Name: "A"}, {Ref: "KPe.001", Kind: Entity, Name: "B"}}
	if _, err := Encode(ed); err == nil || !strings.Contains(err.Error(), "repeated") {
		t.Errorf("Encode of a repeated ref: %v", err)
	}
}

func TestDecodeRejects(t *testing.T) {
	ok := `{"source":"un","date":"2026-02-27","entries":[{"ref":"KPe.001","kind":"entity","name":"KOMID"}]}`
	if _, err := Decode([]byte(ok)); err != nil {
		t.Fatalf("valid edition: %v", err)
	}
	for _, c := range []struct{ in, want string }{
		{``, "EOF"},
		{`{"source":"un"`, "unexpected EOF"},
		{ok + `{}`, "data after the edition"},
		{`{"source":"un","date":"2026-02-27","entries":[],"extra":1}`, `unknown field "extra"`},
		{`{"source":"eu","date":"2026-02-27","entries":[]}`, `source "eu"`},
		{`{"source":"un","date":"27/02/2026","entries":[]}`, `date "27/02/2026"`},
		{`{"source":"un","date":"2026-02-27"}`, "no entries"},
		{`{"source":"un","date":"2026-02-27","entries":[{"ref":"","kind":"entity","name":"A"}]}`, "entries[0]: empty ref"},
		{`{"source":"un","date":"2026-02-27","entries":[{"ref":"KPe.002","kind":"entity","name":"A"},{"ref":"KPe.001","kind":"entity","name":"B"}]}`, `entries[1]: ref "KPe.001" is out of order`},
		{`{"source":"un","date":"2026-02-27","entries":[{"ref":"KPe.001","kind":"entity","name":""}]}`, "entries[0] (KPe.001): empty name"},
		{`{"source":"un","date":"2026-02-27","entries":[{"ref":"KPe.001","kind":"entity","name":"A","aliases":[{"name":"B","type":"aka","quality":"good"}]}]}`, `aliases[0]: quality "good"`},
		{`{"source":"un","date":"2026-02-27","entries":[{"ref":"KPe.001","kind":"entity","name":"A","listed":"2009"}]}`, `listed "2009"`},
		{`{"source":"un","date":"2026-02-27","entries":[{"ref":"KPe.001","kind":"entity","name":"A","programs":["Iran","DPRK"]}]}`, "not in canonical form"},
		{`{"date":"2026-02-27","source":"un","entries":[]}`, "not in canonical form from byte 2"},
		{"{\"source\":\"un\",\"date\":\"2026-02-27\",\"entries\":[]}\n", "not in canonical form"},
		{`{"source":"un","date":"2026-02-27","entries":[{"ref":"KPe.001","kind":"entity","name":"\u004bOMID"}]}`, "not in canonical form"},
	} {
		_, err := Decode([]byte(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Decode(%.60q) = %v, want an error with %q", c.in, err, c.want)
		}
	}
}

func TestDiff(t *testing.T) {
	old := Edition{Source: SourceUN, Date: "2018-10-29", Entries: []Entry{
		{Ref: "IQe.003", Kind: Entity, Name: "GONE"},
		{Ref: "KPe.029", Kind: Entity, Name: "NATIONAL AEROSPACE DEVELOPMENT ADMINISTRATION", Aliases: []Alias{{"NADA", AKA, Strong}}},
		{Ref: "KPe.031", Kind: Entity, Name: "RECONNAISSANCE GENERAL BUREAU", Aliases: []Alias{{"RGB", AKA, Strong}}},
	}}
	new := Edition{Source: SourceUN, Date: "2026-02-27", Entries: []Entry{
		{Ref: "IRe.006", Kind: Entity, Name: "ATOMIC ENERGY ORGANISATION OF IRAN (AEOI)", Programs: []string{"Iran"}},
		{Ref: "KPe.029", Kind: Entity, Name: "NATIONAL AEROSPACE TECHNOLOGY ADMINISTRATION", Aliases: []Alias{{"NATA", AKA, Strong}, {"NADA", FKA, Strong}}},
		{Ref: "KPe.031", Kind: Entity, Name: "RECONNAISSANCE GENERAL BUREAU", Aliases: []Alias{{"RGB", AKA, Strong}}},
	}}
	got := Diff(old, new)
	want := Changes{
		Old:     "un 2018-10-29 (3 entries)",
		New:     "un 2026-02-27 (3 entries)",
		Added:   new.Entries[:1],
		Removed: old.Entries[:1],
		Changed: []Change{{
			Ref:     "KPe.029",
			Name:    "NATIONAL AEROSPACE TECHNOLOGY ADMINISTRATION",
			OldName: "NATIONAL AEROSPACE DEVELOPMENT ADMINISTRATION",
			Added:   []Alias{{"NATA", AKA, Strong}, {"NADA", FKA, Strong}},
			Removed: []Alias{{"NADA", AKA, Strong}},
		}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Diff (-want +got):\n%s", diff)
	}
	text := `un 2018-10-29 (3 entries) -> un 2026-02-27 (3 entries): 1 added, 1 removed, 1 changed
+ IRe.006 ATOMIC ENERGY ORGANISATION OF IRAN (AEOI) [Iran]
- IQe.003 GONE
~ KPe.029 NATIONAL AEROSPACE TECHNOLOGY ADMINISTRATION
    name was "NATIONAL AEROSPACE DEVELOPMENT ADMINISTRATION"
    + alias "NATA" (aka, strong)
    + alias "NADA" (fka, strong)
    - alias "NADA" (aka, strong)
`
	if diff := cmp.Diff(text, got.String()); diff != "" {
		t.Errorf("text (-want +got):\n%s", diff)
	}
}

// unRecords scans a UN list XML file with regular expressions, a method
// independent of ParseUN, and returns each reference's name and its aliases
// as name and quality, white space collapsed.
func unRecords(t *testing.T, path string) map[string][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	record := regexp.MustCompile(`(?s)<(INDIVIDUAL|ENTITY)>.*?</(INDIVIDUAL|ENTITY)>`)
	field := func(rec, tag string) string {
		m := regexp.MustCompile(`(?s)<` + tag + `>(.*?)</` + tag + `>`).FindStringSubmatch(rec)
		if m == nil {
			return ""
		}
		return strings.Join(strings.Fields(html.UnescapeString(m[1])), " ")
	}
	alias := regexp.MustCompile(`(?s)<(?:INDIVIDUAL|ENTITY)_ALIAS>(.*?)</(?:INDIVIDUAL|ENTITY)_ALIAS>`)
	out := map[string][]string{}
	for _, rec := range record.FindAllString(string(data), -1) {
		var name []string
		for _, tag := range []string{"FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"} {
			if v := field(rec, tag); v != "" {
				name = append(name, v)
			}
		}
		v := []string{strings.Join(name, " ")}
		for _, a := range alias.FindAllStringSubmatch(rec, -1) {
			for _, n := range regexp.MustCompile(`; |;| b\) `).Split(field(a[1], "ALIAS_NAME"), -1) {
				if n = strings.TrimSpace(n); n != "" {
					v = append(v, field(a[1], "QUALITY")+" "+n)
				}
			}
		}
		slices.Sort(v[1:])
		out[field(rec, "REFERENCE_NUMBER")] = slices.Compact(v)
	}
	return out
}

// TestDiffUN compares the UN lists of 2018-10-29 and 2026-02-27 and checks
// the result against a regular-expression scan of the files.
func TestDiffUN(t *testing.T) {
	dir := filepath.Join(sharedData(t), "un")
	oldPath, newPath := filepath.Join(dir, "consolidated-2018-10-29.xml"), filepath.Join(dir, "consolidated-2026-02-27.xml")
	old, err := LoadUN(oldPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	new, err := LoadUN(newPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	d := Diff(old, new)

	o, n := unRecords(t, oldPath), unRecords(t, newPath)
	var added, removed, changed []string
	for ref, v := range n {
		w, ok := o[ref]
		switch {
		case !ok:
			added = append(added, ref)
		case !slices.Equal(v, w):
			changed = append(changed, ref)
		}
	}
	for ref := range o {
		if _, ok := n[ref]; !ok {
			removed = append(removed, ref)
		}
	}
	refs := func(es []Entry) []string {
		var r []string
		for _, e := range es {
			r = append(r, e.Ref)
		}
		return r
	}
	var changedRefs []string
	for _, c := range d.Changed {
		changedRefs = append(changedRefs, c.Ref)
	}
	for _, c := range []struct {
		what      string
		got, want []string
	}{
		{"added", refs(d.Added), added},
		{"removed", refs(d.Removed), removed},
		{"changed", changedRefs, changed},
	} {
		slices.Sort(c.want)
		if diff := cmp.Diff(c.want, c.got); diff != "" {
			t.Errorf("%s refs (-scan +Diff):\n%s", c.what, diff)
		}
	}
	if len(d.Added) != 111 || len(d.Removed) != 201 {
		t.Errorf("%d added and %d removed, want 111 and 201", len(d.Added), len(d.Removed))
	}

	// Iran's Atomic Energy Organisation came back with the 2025 snapback.
	if i := slices.IndexFunc(d.Added, func(e Entry) bool { return e.Ref == "IRe.006" }); i < 0 || d.Added[i].Name != "ATOMIC ENERGY ORGANISATION OF IRAN (AEOI)" {
		t.Error("IRe.006 (AEOI) not added")
	}
	// NADA was renamed NATA; KOMID and Green Pine are unchanged (Green
	// Pine's 2018 alias only had a line break in it).
	for _, c := range d.Changed {
		switch c.Ref {
		case "KPe.029":
			if c.OldName != "NATIONAL AEROSPACE DEVELOPMENT ADMINISTRATION" || !slices.Contains(c.Added, Alias{"NATA", AKA, Strong}) ||
				!slices.Contains(c.Removed, Alias{"NADA", AKA, Strong}) || !slices.Contains(c.Added, Alias{"NADA", FKA, Strong}) {
				t.Errorf("KPe.029 change is %+v", c)
			}
		case "KPe.001", "KPe.010":
			t.Errorf("%s changed: %+v", c.Ref, c)
		}
	}
	if !strings.Contains(d.String(), "~ KPi.024 KIM YONG CHOL\n") {
		t.Error("text does not show KPi.024's new aliases")
	}
}

func BenchmarkParseUN(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(sharedData(b), "un", "consolidated-2026-02-27.xml"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ParseUN(bytes.NewReader(data), Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseOFAC(b *testing.B) {
	dir := filepath.Join(sharedData(b), "ofac")
	var files [3][]byte
	for i, n := range []string{"sdn.csv", "alt.csv", "add.csv"} {
		var err error
		if files[i], err = os.ReadFile(filepath.Join(dir, n)); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(len(files[0]) + len(files[1]) + len(files[2])))
	for b.Loop() {
		_, err := ParseOFAC(bytes.NewReader(files[0]), bytes.NewReader(files[1]), bytes.NewReader(files[2]), Options{Date: "2021-01-01"})
		if err != nil {
			b.Fatal(err)
		}
	}
}
