package scenario_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/surety/surety/internal/scenario"
)

// script writes a script for the 1993 agreement and returns its path.
func script(t *testing.T, steps string) string {
	t.Helper()
	abs, err := filepath.Abs("../../examples/israel-dprk-1993.yaml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "s.yaml")
	doc := "title: test\nagreement: " + abs + "\nstart: 1993-07-01T00:00:00Z\nsteps:\n" + steps
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestScriptErrors: every mistake is named with its line and column, or
// the step's position, and what to do.
func TestScriptErrors(t *testing.T) {
	pay := "{tranche: t1, amount: 200000000, currency: USD}"
	for _, tc := range []struct{ steps, want string }{
		{"  - {at: 1993-08-01T00:00:00Z, as: il-treasury, type: payment.record, id: p, bogus: 1}\n",
			`s.yaml:5:78: unknown field "bogus"`},
		{"  - {at: 1993-08-01T00:00:00Z, select: true, tick: 1993-08-02T00:00:00Z}\n",
			"s.yaml:5:5: a step is exactly one of"},
		{"  - {at: 1993-08-01T00:00:00Z, as: nobody, type: payment.record, id: p, body: " + pay + "}\n",
			"s.yaml:5:5: nobody is not a principal of agreement il-kp-1993"},
		{"  - {at: 1993-08-01T00:00:00Z, as: il-treasury, type: payment.make, id: p}\n",
			`type "payment.make" is not a statement type`},
		{"  - {at: 1993-08-01T00:00:00Z, every: 1mo, until: 1994-01-01T00:00:00Z, as: il-treasury, type: payment.record, id: p}\n",
			`a repeated statement's id holds "{n}"`},
		{"  - {at: 1993-06-01T00:00:00Z, select: true}\n",
			"is before the adoption"},
		{"  - {at: 1993-08-01T00:00:00Z, as: kp-export-authority, type: license.request, id: l, body: {certificate: \"blob:euc\"}}\n",
			`s.yaml:5:5: the body refers to blob "euc"`},
		{"  - {at: 1993-08-01T00:00:00Z, as: il-treasury, type: payment.record, id: p, body: " + pay + ", expect: suspended}\n",
			`payment.record p was appended at #1, but the step expects a refusal mentioning "suspended"`},
		{"  - {at: 1993-08-01T00:00:00Z, as: il-treasury, type: payment.record, id: p, body: {tranche: t1, amount: 1, currency: USD}}\n",
			"s.yaml:5:5: payment.record p by il-treasury: invalid: tranche t1 is 200,000,000 USD, not 1 USD"},
		{"  - routine: {site: kpnam, every: 0d, from: 1993-08-01T00:00:00Z, until: 1993-09-01T00:00:00Z}\n",
			`routine: every: "0d" must be positive`},
	} {
		_, err := scenario.Run(context.Background(), script(t, tc.steps))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v; want %q", strings.TrimSpace(tc.steps), err, tc.want)
		}
	}
}

// TestSeed: a seed that does not derive the agreement's keys is refused by
// name.
func TestSeed(t *testing.T) {
	path := script(t, "  - {at: 1993-08-01T00:00:00Z, select: true}\n")
	b, _ := os.ReadFile(path)
	if err := os.WriteFile(path, append([]byte("seed: other\n"), b...), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := scenario.Run(context.Background(), path)
	if err == nil || !strings.Contains(err.Error(), `the key derived for operator (name "surety.local/il-kp-1993") from seed "other" is not the agreement's key`) {
		t.Errorf("got %v", err)
	}
}

// TestJSON: the JSON result is the same bytes on every run, and holds each
// closed period.
func TestJSON(t *testing.T) {
	path := script(t, "  - {at: 1993-08-03T09:00:00Z, as: il-treasury, type: payment.record, id: pay-t1, body: {tranche: t1, amount: 200000000, currency: USD}}\n"+
		"  - tick: 1993-10-08T00:00:00Z\n")
	var runs [2][]byte
	for i := range runs {
		res, err := scenario.Run(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		if runs[i], err = json.Marshal(res); err != nil {
			t.Fatal(err)
		}
		if len(res.Periods) != 2 || res.Periods[0].Verdicts[0].Verdict != "compliant" || res.Incentives.Tranches[0].Status != "paid" {
			t.Errorf("periods %+v, tranches %+v", res.Periods, res.Incentives.Tranches)
		}
	}
	if !bytes.Equal(runs[0], runs[1]) {
		t.Error("two runs of one script give different JSON")
	}
}
