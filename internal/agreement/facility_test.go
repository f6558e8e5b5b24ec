package agreement

import (
	"os"
	"regexp"
	"slices"
	"testing"
	"time"
)

// TestFacilityInvalid mutates the JCPOA's facility limits and the Agreed
// Framework's continuity rules into invalid ones: each problem is located
// at its line and field and says how to fix it.
func TestFacilityInvalid(t *testing.T) {
	for _, tc := range []struct {
		name, file, old, new, want string
	}{
		{"unknown-quantity", "jcpoa-2015.yaml", `quantity: heavy_water`, "quantity: plutonium",
			`obligations[8].limits[0].quantity: obligation heavy-water-limit limits unknown quantity "plutonium"; use one of enrichment_level, stockpile, installed_centrifuges, heavy_water`},
		{"unit-of-another-quantity", "jcpoa-2015.yaml", `unit: kg UF6`, "unit: t",
			`obligations[7].limits[0].unit: stockpile is stated in "kg UF6" or "kg U", not "t"`},
		{"negative-limit", "jcpoa-2015.yaml", `max: 130`, "max: -130",
			`obligations[8].limits[0].max: max of heavy_water is -130; a limit is a finite number, zero or more`},
		{"no-bound", "jcpoa-2015.yaml", `, max: 3.67`, "",
			`obligations[6].limits[0]: the limit on enrichment_level sets neither max nor min; give at least one`},
		{"min-above-max", "jcpoa-2015.yaml", `max: 3.67`, "max: 3.67, min: 5",
			`obligations[6].limits[0].min: the limit on enrichment_level has min 5 above max 3.67`},
		{"limit-on-access", "jcpoa-2015.yaml", `    response_time: 14d\n`, "    response_time: 14d\n    limits: [{quantity: stockpile, unit: kg U, max: 1}]\n",
			`obligations[4].limits: an access obligation takes no limits; its fields are sites, response_time, escalation`},
		{"limits-unmonitored", "jcpoa-2015.yaml", `(id: enrichment-level(?s:.*?))    monitored_by: iaea\n`, "$1",
			`obligations[6].monitored_by: obligation enrichment-level states limits or continuity, which the monitoring party's statements check; name it with monitored_by`},
		{"monitored-by-non-inspectorate", "jcpoa-2015.yaml", `(id: enrichment-level(?s:.*?))monitored_by: iaea`, "${1}monitored_by: unsc",
			`obligations[6].monitored_by: obligation enrichment-level is monitored by unsc, an observer; only an inspectorate measures and reports seals and cameras`},
		// Who asks for approval and who decides (resolution 2231, Annex B).
		{"approved-by-unknown-body", "jcpoa-2015.yaml", `approved_by: security-council`, "approved_by: council",
			`obligations[1].approved_by: obligation arms-approval references unknown body council`},
		{"approved-by-on-facility", "jcpoa-2015.yaml", `(id: enrichment-level(?s:.*?))    monitored_by: iaea\n`, "${1}    monitored_by: iaea\n    approved_by: joint-commission\n",
			`obligations[6].approved_by: a facility obligation takes no approved_by`},
		{"requester-unknown", "jcpoa-2015.yaml", `requester: suppliers`, "requester: exporters",
			`procurement.requester: the procurement channel references unknown party exporters`},
		{"nsg-part-3", "jcpoa-2015.yaml", `nsg: \[1, 2\]`, "nsg: [1, 3]",
			`controlled_items[2].source.nsg[1]: NSG guidelines part 3 does not exist; use 1 (nuclear items) or 2 (dual-use items)`},
		{"two-sources", "jcpoa-2015.yaml", `nsg: \[1, 2\]`, "nsg: [1, 2]\n      mtcr: [1]",
			`controlled_items[2].source: category nsg-items cites more than one of the MTCR, the UN Register and the NSG`},
		{"requested-by-unknown", "jcpoa-2015.yaml", `requested_by: iran`, "requested_by: persia",
			`obligations[3].requested_by: obligation arms-from-iran references unknown party persia`},
		{"any-among-others", "jcpoa-2015.yaml", `destinations: \[any\]`, "destinations: [any, SY]",
			`obligations[3].destinations[0]: destination "any" covers every destination and stands alone`},
		{"extend-a-body-step", "jcpoa-2015.yaml", `body: security-council, on_notice: true\}`, "body: security-council, on_notice: true, extend_by: joint-commission}",
			`dispute.steps[3].extend_by: dispute step security-council is decided by body security-council, and its days are that body's; drop extend_by`},
		{"extend-by-unknown-body", "jcpoa-2015.yaml", `days: 15, extend_by: joint-commission\}`, "days: 15, extend_by: commission}",
			`dispute.steps[0].extend_by: dispute step joint-commission references unknown body commission`},
		{"device-elsewhere", "agreed-framework-1994.yaml", `site: yongbyon-fuel\}`, "site: kpnam}",
			`obligations[0].continuity.seals[2].site: device seal-fuel-line is at kpnam, which is not one of obligation freeze-yongbyon's sites`},
		{"device-twice", "agreed-framework-1994.yaml", `id: cam-reprocessing`, "id: cam-5mwe-hall",
			`obligations[0].continuity.cameras[2].id: device id "cam-5mwe-hall" is used twice; ids must be unique`},
		{"bad-allowance", "agreed-framework-1994.yaml", `camera_outage: 72h`, "camera_outage: three days",
			`obligations[0].continuity.camera_outage: "three days" is not a duration`},
		{"unknown-class", "agreed-framework-1994.yaml", `breach: violation`, "breach: access_denied",
			`obligations[0].continuity.breach: a loss of continuity is a breach of class "access_denied"; name one of violation, discrepancy`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base, err := os.ReadFile("../../examples/" + tc.file)
			if err != nil {
				t.Fatal(err)
			}
			re := regexp.MustCompile(tc.old)
			if !re.Match(base) {
				t.Fatalf("%q does not occur in %s", tc.old, tc.file)
			}
			loc := re.FindSubmatchIndex(base)
			doc := string(base[:loc[0]]) + string(re.Expand(nil, []byte(tc.new), base, loc)) + string(base[loc[1]:])
			_, err = Parse("bad.yaml", []byte(doc))
			if err == nil {
				t.Fatalf("Parse accepted the document; want %s", tc.want)
			}
			located := regexp.MustCompile(`(?m)^bad\.yaml:\d+:\d+: ` + regexp.QuoteMeta(tc.want))
			if !located.MatchString(err.Error()) {
				t.Errorf("problems:\n%s\nwant a located\n%s", err, tc.want)
			}
		})
	}
}

// TestFacilityFigures checks the example agreements' facility limits and
// sunsets against the texts: the JCPOA's Annex I (5,060 IR-1 centrifuges
// for 10 years, enrichment to 3.67% and a stockpile under 300 kg UF6 for
// 15 years, 130 t of heavy water) counted from Implementation Day, and the
// seals and cameras on the frozen facilities at Yongbyon.
func TestFacilityFigures(t *testing.T) {
	s := load(t, "jcpoa-2015.yaml")
	impl := date("2016-01-16")
	tl := s.Resolve(func(c Condition) (time.Time, bool) {
		return impl, c.By == "iaea" && c.Steps[0] == "enrichment-capacity"
	})
	for _, c := range []struct {
		obligation string
		quantity   Quantity
		unit       string
		max        float64
		until      string
		site       string
	}{
		{"centrifuge-limit", InstalledCentrifuges, "count", 5060, "2026-01-16", "natanz"},
		{"enrichment-level", EnrichmentLevel, "% U-235", 3.67, "2031-01-16", "natanz"},
		{"enriched-stockpile", Stockpile, "kg UF6", 300, "2031-01-16", "natanz"},
		{"heavy-water-limit", HeavyWater, "t", 130, "2031-01-16", "arak"},
	} {
		o := s.Obligation(c.obligation)
		if o == nil {
			t.Errorf("the JCPOA has no obligation %s", c.obligation)
			continue
		}
		if len(o.Limits) != 1 || o.Limits[0].Quantity != c.quantity || o.Limits[0].Unit != c.unit || o.Limits[0].Max == nil || *o.Limits[0].Max != c.max {
			t.Errorf("%s limits %+v; want %s at most %v %s", o.ID, o.Limits, c.quantity, c.max, c.unit)
		}
		if o.MonitoredBy != "iaea" || !slices.Equal(o.Sites, []string{c.site}) {
			t.Errorf("%s at %v monitored by %s; want %s, by the iaea", o.ID, o.Sites, o.MonitoredBy, c.site)
		}
		from, until := tl.Eval(*o.From), tl.Eval(*o.Until)
		if from.At == nil || !from.At.Equal(impl) || until.At == nil || !until.At.Equal(date(c.until)) {
			t.Errorf("%s in force %v – %v; want Implementation Day %s – %s", o.ID, from, until, impl.Format(time.DateOnly), c.until)
		}
	}

	af := load(t, "agreed-framework-1994.yaml")
	q := af.Obligation("freeze-yongbyon").Continuity
	if q == nil || len(q.Seals) == 0 || len(q.Cameras) == 0 || q.Breach != Violation || q.CameraOutage == nil || q.CameraOutage.String() != "72h" || q.SealBroken != nil {
		t.Errorf("the freeze's continuity %+v; want seals and cameras, 72 hours for a camera, none for a seal, a loss a violation", q)
	}
}
