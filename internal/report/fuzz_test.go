package report_test

import (
	"os"
	"testing"

	"github.com/surety/surety/internal/report"
)

// FuzzVerify: Verify reads untrusted files; whatever they hold, it answers
// with a result or an error and never panics.
func FuzzVerify(f *testing.F) {
	golden, err := os.ReadFile("testdata/period-1.md")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(golden)
	f.Add([]byte(`{"version":1,"statements":[{"index":0}]}`))
	f.Add([]byte("```json surety-report\n{}\n```\n"))
	f.Add([]byte(`<script type="application/json" id="surety-report">{"version":1}</script>`))
	const logKey = "surety.local/il-kp-1993+7d84e133+Ae/F5kbnxjWh8dCTaZmFasaRBVFEkaVekELUE43O77Hi"
	f.Fuzz(func(t *testing.T, b []byte) {
		res, err := report.Verify(b, logKey)
		if err == nil && (res.Agreement != "il-kp-1993" || res.Statements == 0) {
			t.Errorf("verified %q as %+v", b, res)
		}
	})
}
