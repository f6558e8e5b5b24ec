package agreement

import (
	"os"
	"regexp"
	"testing"
)

// TestFacilityInvalid mutates the JCPOA's facility limits and the Agreed
// Framework's continuity rules into invalid ones: each problem is located
// at its line and field and says how to fix it.
func TestFacilityInvalid(t *testing.T) {
	for _, tc := range []struct {
		name, file, old, new, want string
	}{
		{"unknown-quantity", "jcpoa-2015.yaml", `quantity: heavy_water`, "quantity: plutonium",
			`obligations[7].limits[0].quantity: obligation heavy-water-limit limits unknown quantity "plutonium"; use one of enrichment_level, stockpile, installed_centrifuges, heavy_water`},
		{"unit-of-another-quantity", "jcpoa-2015.yaml", `unit: kg UF6`, "unit: t",
			`obligations[6].limits[0].unit: stockpile is stated in "kg UF6" or "kg U", not "t"`},
		{"negative-limit", "jcpoa-2015.yaml", `max: 130`, "max: -130",
			`obligations[7].limits[0].max: max of heavy_water is -130; a limit is a finite number, zero or more`},
		{"no-bound", "jcpoa-2015.yaml", `, max: 3.67`, "",
			`obligations[5].limits[0]: the limit on enrichment_level sets neither max nor min; give at least one`},
		{"min-above-max", "jcpoa-2015.yaml", `max: 3.67`, "max: 3.67, min: 5",
			`obligations[5].limits[0].min: the limit on enrichment_level has min 5 above max 3.67`},
		{"limit-on-access", "jcpoa-2015.yaml", `    response_time: 24d\n`, "    response_time: 24d\n    limits: [{quantity: stockpile, unit: kg U, max: 1}]\n",
			`obligations[3].limits: an access obligation takes no limits; its fields are sites, response_time`},
		{"limits-unmonitored", "jcpoa-2015.yaml", `(id: enrichment-level(?s:.*?))    monitored_by: iaea\n`, "$1",
			`obligations[5].monitored_by: obligation enrichment-level states limits or continuity, which the monitoring party's statements check; name it with monitored_by`},
		{"monitored-by-non-inspectorate", "jcpoa-2015.yaml", `(id: enrichment-level(?s:.*?))monitored_by: iaea`, "${1}monitored_by: unsc",
			`obligations[5].monitored_by: obligation enrichment-level is monitored by unsc, an observer; only an inspectorate measures and reports seals and cameras`},
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
