package agreement

import (
	"os"
	"regexp"
	"testing"
)

// invalidCases mutate testdata/minimal.yaml, a valid agreement, into an
// invalid one: each replaces the first match of old (a regular expression)
// with new, and names the exact problems Parse must report.
var invalidCases = []struct {
	name, old, new, want string
}{
	{"basis-unknown-id", `\z`, "basis:\n  - about: sites.dock\n    record: the text\n",
		`bad.yaml:98:12: basis[0].about: about "sites.dock": the agreement has no site "dock"; known: port`},
	{"basis-unknown-section", `\z`, "basis:\n  - about: tranches\n    assumption: the split\n",
		`bad.yaml:98:12: basis[0].about: about "tranches" names no section; write SECTION or SECTION.ID, with SECTION one of consequences, controlled_items, dispute, incentives, log, milestones, obligations, parties, procurement, sites, verification`},
	{"basis-says-nothing", `\z`, "basis:\n  - about: verification\n",
		`bad.yaml:98:5: basis[0]: say what the provision rests on: add "record: ..." (the public text, with where it says it) or "assumption: ..."`},
	{"body-unknown-member", `  shift_hours: 8`, "  shift_hours: 8\nbodies:\n  - id: board\n    name: Board\n    members: [giver-treasury, taker-customs, giver-minister]\n    rule: consensus",
		`bad.yaml:100:46: bodies[0].members[2]: body board references unknown principal giver-minister; known: checker-insp, checker-selector, giver-treasury, op-log, taker-customs`},
	{"body-impossible-quorum", `  shift_hours: 8`, "  shift_hours: 8\nbodies:\n  - id: board\n    name: Board\n    members: [giver-treasury, taker-customs]\n    rule: quorum\n    quorum: 3",
		`bad.yaml:102:13: bodies[0].quorum: body board has quorum 3 of its 2 members, which is impossible; give "quorum: k" with k from 1 to 2`},
	{"body-zero-quorum", `  shift_hours: 8`, "  shift_hours: 8\nbodies:\n  - id: board\n    name: Board\n    members: [giver-treasury, taker-customs]\n    rule: quorum",
		`bad.yaml:98:5: bodies[0].quorum: body board has quorum 0 of its 2 members, which is impossible; give "quorum: k" with k from 1 to 2`},
	{"body-veto-not-member", `  shift_hours: 8`, "  shift_hours: 8\nbodies:\n  - id: council\n    name: Council\n    members: [giver-treasury, taker-customs]\n    rule: reverse_veto\n    quorum: 1\n    vetoes: [checker-insp]\n    default: approved",
		`bad.yaml:103:14: bodies[0].vetoes[0]: veto holder checker-insp is not a member of body council; add it to members or drop the veto
bad.yaml:104:14: bodies[0].default: a reverse veto lets the decision stand unless the resolution against it passes: its default is not_approved; drop the default of body council`},
	{"body-not-declared", `  shift_hours: 8`, "  shift_hours: 8\ndispute:\n  steps:\n    - {id: talks, days: 15, body: council}\n  outcome: record",
		`bad.yaml:99:35: dispute.steps[0].body: dispute step talks references unknown body council; known: none`},
	{"disagreement-without-body", `\z`, "procurement:\n  approver: giver\n  on_timeout: deny\n  working_days: 20\n  disagreement_working_days: 45\n",
		`bad.yaml:98:13: procurement.approver: party giver decides licences but none of its principals holds the approver duty
bad.yaml:101:30: procurement.disagreement_working_days: the disagreement limit applies where the members of the channel's body disagree; name procurement.body, or drop disagreement_working_days`},
	{"unknown-top-field", `title: Minimal agreement`, "title: Minimal agreement\ntitel: typo",
		`bad.yaml:4:1: titel: unknown field "titel"; did you mean "title"? Known fields of spec: basis, bodies, consequences, controlled_items, dispute, id, incentives, log, milestones, obligations, parties, procurement, sites, sources, summary, surety, title, verification`},
	{"unknown-nested-field", `        amount: 200`, "        amout: 200",
		`bad.yaml:83:9: incentives[0].tranches[1].amout: unknown field "amout"; did you mean "amount"? Known fields of tranche: amount, conditions, due, id, name, purpose`},
	{"bad-version", `surety: v1`, "surety: v2",
		`bad.yaml:1:9: surety: spec version is "v2"; this Surety reads "v1", so write "surety: v1"`},
	{"bad-id", `id: mini`, "id: Mini Deal",
		`bad.yaml:2:5: id: agreement id "Mini Deal" must be lower case letters, digits, '.', '_' or '-', starting with a letter or digit`},
	{"missing-title", `title: Minimal agreement\n`, "",
		`bad.yaml:1:1: title: the agreement needs a title; add "title: ..."`},
	{"duplicate-party", `  - id: taker\n`, "  - id: giver\n",
		`bad.yaml:12:9: parties[1].id: party id "giver" is used twice; ids must be unique
bad.yaml:45:12: sites[0].party: site port references unknown party taker; known: checker, giver, op
bad.yaml:62:12: obligations[0].party: obligation no-missiles references unknown party taker; known: checker, giver, op
bad.yaml:69:12: obligations[1].party: obligation declare references unknown party taker; known: checker, giver, op
bad.yaml:76:9: incentives[0].to: incentive money references unknown party taker; known: checker, giver, op`},
	{"bad-role", `role: inspectorate`, "role: inspector",
		`bad.yaml:5:3: parties: no party has the role inspectorate; every agreement needs a benefactor, an undertaker and an inspectorate
bad.yaml:22:11: parties[2].role: party checker has role "inspector"; use one of benefactor, undertaker, inspectorate, observer, operator`},
	{"missing-key", `        key: taker-customs\S+\n`, "",
		`bad.yaml:17:9: parties[1].principals[0].key: principal taker-customs has no key; add its ed25519 verifier key (surety keys generate prints one)`},
	{"bad-key", `key: taker-customs\S+`, "key: not-a-key",
		`bad.yaml:18:14: parties[1].principals[0].key: principal taker-customs: not a verifier key (name+hash+data) nor the base64 of 32 key bytes: malformed verifier id`},
	{"duty-of-another-role", `duties: \[declarant\]`, "duties: [declarant, inspector]\n        sites: [port]",
		`bad.yaml:19:29: parties[1].principals[0].duties[1]: principal taker-customs holds duty inspector, but an undertaker party's principals may not; only principals of an inspectorate party may hold inspector; move the principal or drop the duty`},
	{"unknown-duty", `duties: \[treasurer\]`, "duties: [banker]",
		`bad.yaml:11:18: parties[0].principals[0].duties[0]: unknown duty "banker"; use one of declarant, inspector, selector, coordinator, treasurer, envoy, approver, witness, log, auditor`},
	{"inspector-without-site", `        sites: \[port\]\n  - id: op`, "  - id: op",
		`bad.yaml:28:9: parties[2].principals[1].sites: inspector checker-insp is assigned to no site; list the sites it inspects`},
	{"inspector-unknown-site", `sites: \[port\]`, "sites: [airport]",
		`bad.yaml:31:17: parties[2].principals[1].sites[0]: inspector checker-insp references unknown site airport; known: port`},
	{"bad-locode", `locode: KPNAM`, "locode: KP-NAM",
		`bad.yaml:43:13: sites[0].locode: seaport port needs its five-character UN/LOCODE, e.g. "locode: KPNAM" (got "KP-NAM")`},
	{"locode-in-other-country", `locode: KPNAM`, "locode: IRBND",
		`bad.yaml:43:13: sites[0].locode: UN/LOCODE IRBND is in IR, but site port is in KP; fix the code or the country`},
	{"airport-without-iata", `kind: seaport\n    locode: KPNAM`, "kind: airport",
		`bad.yaml:40:5: sites[0].iata: airport port needs its three-letter IATA code, e.g. "iata: FNJ" (got "")`},
	{"site-unknown-party", `party: taker\ncontrolled`, "party: takr\ncontrolled",
		`bad.yaml:45:12: sites[0].party: site port references unknown party takr; known: checker, giver, op, taker`},
	{"bad-country", `country: KP\n    party: taker`, "country: XX\n    party: taker",
		`bad.yaml:43:13: sites[0].locode: UN/LOCODE KPNAM is in KP, but site port is in XX; fix the code or the country
bad.yaml:44:14: sites[0].country: "XX" is not an ISO 3166-1 alpha-2 country code (two capital letters, e.g. KP, IR)`},
	{"mtcr-item-out-of-range", `mtcr: \[1, 2\]`, "mtcr: [1, 21]",
		`bad.yaml:50:17: controlled_items[0].source.mtcr[1]: MTCR Annex item 21 does not exist; items run from 1 to 20 (1–2 Category I, 3–20 Category II)`},
	{"un-register-unknown", `mtcr: \[1, 2\]`, "un_register: [VIII]",
		`bad.yaml:50:21: controlled_items[0].source.un_register[0]: UN Register category "VIII" does not exist; use I to VII`},
	{"bad-hs-prefix", `"9306.90"`, `"93O6.90"`,
		`bad.yaml:51:19: controlled_items[0].hs_prefixes[0]: "93O6.90" is not an HS code prefix; write 2 to 10 digits, dots allowed (e.g. "8802.60")`},
	{"bad-pattern", `'missile'`, "'missile('",
		"bad.yaml:52:16: controlled_items[0].patterns[0]: pattern \"missile(\" is not a valid RE2 expression: error parsing regexp: missing closing ): `(?i)missile(`"},
	{"two-triggers", `    date: 2020-01-01`, "    date: 2020-01-01\n    milestone: later",
		`bad.yaml:54:5: milestones[0]: milestone start has 2 triggers; give exactly one of date, milestone, when, or earliest (use earliest for "whichever is earlier")
bad.yaml:54:5: milestones[0]: milestone start depends on itself via start → later → start; break the cycle`},
	{"milestone-cycle", `    date: 2020-01-01`, "    milestone: later",
		`bad.yaml:54:5: milestones[0]: milestone start depends on itself via start → later → start; break the cycle`},
	{"offset-without-milestone", `    date: 2020-01-01`, "    date: 2020-01-01\n    offset: 1y",
		`bad.yaml:56:13: milestones[0].offset: milestone start has an offset but no milestone to count it from; add "milestone: ..."`},
	{"bad-date", `2020-01-01`, "2020-13-01",
		`bad.yaml:55:11: milestones[0].date: "2020-13-01" is not a date; write YYYY-MM-DD (e.g. 2015-07-14)`},
	{"bad-duration", `offset: 1y`, "offset: 1 year",
		`bad.yaml:58:13: milestones[1].offset: "1 year" is not a duration; write a whole number and a unit: min, h, d, w, mo or y (e.g. "90d", "8y")`},
	{"zero-duration", `lead_time: 24h`, "lead_time: 0h",
		`bad.yaml:71:16: obligations[1].lead_time: duration "0h" must be positive`},
	{"unknown-milestone", `due: \{milestone: later\}`, "due: {milestone: implementation-day}",
		`bad.yaml:84:26: incentives[0].tranches[1].due.milestone: tranche t2 references unknown milestone implementation-day; known: later, start`},
	{"tranches-do-not-add-up", `amount: 200`, "amount: 100",
		`bad.yaml:79:7: incentives[0].tranches: the tranches of money add up to 200 USD, but its total is 300 USD; make them equal`},
	{"zero-tranche", `amount: 100\n`, "amount: 0\n",
		`bad.yaml:79:7: incentives[0].tranches: the tranches of money add up to 200 USD, but its total is 300 USD; make them equal
bad.yaml:80:17: incentives[0].tranches[0].amount: tranche t1 needs a positive amount`},
	{"bad-currency", `currency: USD`, "currency: usd",
		`bad.yaml:77:36: incentives[0].total.currency: "usd" is not an ISO 4217 currency code; write three capital letters, e.g. USD`},
	{"field-of-another-kind", `lead_time: 24h`, "lead_time: 24h\n    destinations: [IR]",
		`bad.yaml:72:19: obligations[1].destinations: a declaration obligation takes no destinations; its fields are sites, lead_time, late_tolerance, discrepancy_tolerance, withdrawal_is_violation, broken_seal_is_violation`},
	{"declaration-without-lead-time", `    lead_time: 24h\n`, "",
		`bad.yaml:67:5: obligations[1].lead_time: obligation declare needs lead_time, a duration such as "24h"`},
	{"unknown-item", `items: \[missiles\]`, "items: [missile]",
		`bad.yaml:63:13: obligations[0].items[0]: obligation no-missiles references unknown controlled-item category missile; known: missiles`},
	{"bad-destination", `destinations: \[IR\]`, "destinations: [Iran]",
		`bad.yaml:64:20: obligations[0].destinations[0]: "Iran" is not an ISO 3166-1 alpha-2 country code (two capital letters, e.g. KP, IR)`},
	{"sunset-before-start", `until: \{milestone: later\}`, "until: {date: 2019-01-01}",
		`bad.yaml:66:13: obligations[0].until: obligation no-missiles ends on 2019-01-01, not after it starts on 2020-01-01; fix from or until`},
	{"incentive-from-undertaker", `from: giver`, "from: taker",
		`bad.yaml:75:11: incentives[0].from: incentive money is given by taker, an undertaker; incentives come from a benefactor`},
	{"floor-above-cap", `floor: 0.1\n    cap: 1`, "floor: 0.5\n    cap: 0.2",
		`bad.yaml:93:10: verification.sampling.cap: the sampling cap 0.2 is below the floor 0.5; raise the cap`},
	{"goal-out-of-range", `probability: 0.9`, "probability: 1.5",
		`bad.yaml:90:23: verification.goal.probability: detection goal 1.5 must be between 0 and 1 exclusive, e.g. 0.9`},
	{"empty-roster", `roster: 10`, "roster: 0",
		`bad.yaml:95:11: verification.roster: the inspectorate's roster must be at least 1 inspector`},
	{"empty-tranche-condition", `\{compliant_periods: 2\}`, "{}",
		`bad.yaml:85:22: incentives[0].tranches[1].conditions[0]: tranche t2 has an empty condition; give compliant_periods or milestone`},
	{"type-error", `roster: 10`, "roster: many",
		`bad.yaml:95:11: verification.roster: "many" is not a whole number; write a whole number there`},
	{"syntax-error", `period: 1mo`, "period: [1mo",
		`bad.yaml:89:3: ',' or ']' must be specified`},
	{"log-key-named-otherwise", `key: surety.local/mini\S+`, "key: " + mustVKey("other.host/mini"),
		`bad.yaml:37:14: parties[3].principals[0].key: the log key's name is "other.host/mini" but the log's origin is "surety.local/mini"; name the key after the origin`},
	{"selector-without-vrf-key", `        vrf_key: \S+\n`, "",
		`bad.yaml:24:9: parties[2].principals[0].vrf_key: selector checker-selector has no VRF public key; add vrf_key (surety keys generate --vrf prints one)`},
	{"vrf-key-not-selector", `duties: \[treasurer\]`, "duties: [treasurer]\n        vrf_key: GJmpxy1UlD7nRFmb3XE3hBRllsvZN4PIm0vesGOnm3g=",
		`bad.yaml:12:18: parties[0].principals[0].vrf_key: principal giver-treasury has a VRF key but is not a selector; only selectors have one`},
	{"calendar-max-skew", `title: Minimal agreement`, "title: Minimal agreement\nlog:\n  max_skew: 1mo",
		`bad.yaml:5:13: log.max_skew: max_skew 1mo is a calendar length; write it in min, h, d or w, e.g. "24h"`},
	{"zero-max-skew", `title: Minimal agreement`, "title: Minimal agreement\nlog:\n  max_skew: 0h",
		`bad.yaml:5:13: log.max_skew: duration "0h" must be positive`},
	{"bad-max-skew", `title: Minimal agreement`, "title: Minimal agreement\nlog:\n  max_skew: a day",
		`bad.yaml:5:13: log.max_skew: "a day" is not a duration; write a whole number and a unit: min, h, d, w, mo or y (e.g. "90d", "8y")`},
	{"two-documents", `\z`, "---\nsurety: v1\n",
		`bad.yaml:98:1: a file holds one agreement; remove the second document or split the file`},
}

func TestInvalid(t *testing.T) {
	base, err := os.ReadFile("testdata/minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse("minimal.yaml", base); err != nil {
		t.Fatalf("the base document is invalid: %v", err)
	}
	seen := map[string]bool{}
	for _, tc := range invalidCases {
		t.Run(tc.name, func(t *testing.T) {
			if seen[tc.name] {
				t.Fatalf("case %s is listed twice", tc.name)
			}
			seen[tc.name] = true
			re := regexp.MustCompile(tc.old)
			loc := re.FindIndex(base)
			if loc == nil {
				t.Fatalf("%q does not occur in the base document", tc.old)
			}
			doc := string(base[:loc[0]]) + tc.new + string(base[loc[1]:])
			_, err := Parse("bad.yaml", []byte(doc))
			if err == nil {
				t.Fatalf("Parse accepted the document; want:\n%s", tc.want)
			}
			if got := err.Error(); got != tc.want {
				t.Errorf("problems:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
	if len(invalidCases) < 30 {
		t.Errorf("only %d invalid cases; keep at least 30", len(invalidCases))
	}
}
