package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/surety/surety/examples"
	"github.com/surety/surety/internal/statement"
)

// TestReportCommands drives `surety report` and `surety verify report`
// against a live server whose first period closed with a prohibited
// finding.
func TestReportCommands(t *testing.T) {
	s := startSite(t)
	ctx := context.Background()
	s.ok(statement.TypeDeclare, "d-komid", "kp-export-authority", examples.Rodong(s.clk.now().Add(72*time.Hour)))
	if _, _, _, err := s.selector().Run(ctx); err != nil {
		t.Fatal(err)
	}
	s.ok(statement.TypeReport, "r-1", "il-insp-nam-1", statement.ReportBody{Declaration: "d-komid", Site: "kpnam", Outcome: statement.Prohibited,
		Reveal: s.revealOf("il-insp-nam-1", "kpnam", "d-komid"), SealsFound: []statement.SealCheck{{Seal: "KP-NAM-0931", State: statement.SealIntact}},
		Findings: []statement.Finding{{Item: 0, Finding: "Rodong missile engine sections", Category: "mtcr-cat1"}},
		Start:    s.clk.now(), End: s.clk.now().Add(time.Hour)})
	s.clk.set(s.clk.now().Add(37 * 24 * time.Hour)) // past 1993-08-31 and the 7 days' grace
	s.ok(statement.TypeClockTick, "tick-1", "operator", statement.ClockTickBody{})
	if _, err := s.r.Publisher.Publish(ctx, true); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	vkey := filepath.Join(dir, "log.vkey")
	if err := os.WriteFile(vkey, []byte(s.r.Spec.Parties[4].Principals[0].Key+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	surety := func(args ...string) (code int, stdout, stderr string) {
		var out, errb bytes.Buffer
		code = run(args, &out, &errb)
		return code, out.String(), errb.String()
	}
	html := filepath.Join(dir, "period-1.html")
	code, out, errs := surety("report", "--server", s.r.URL, "--agreement", "il-kp-1993", "--period", "1", "--format", "html", "--log-key", vkey, "--out", html)
	if code != 0 || !strings.Contains(out, "wrote "+html+": period 1 of il-kp-1993") {
		t.Fatalf("report: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = surety("verify", "report", html, "--log-key", vkey)
	if code != 0 || !strings.Contains(out, "report of il-kp-1993, period 1 (html)") || !strings.HasSuffix(out, "report verified\n") {
		t.Fatalf("verify report: exit %d\n%s%s", code, out, errs)
	}

	// With no --log-key, the report uses the key of the adopted agreement
	// and says so.
	code, md, errs := surety("report", "--server", s.r.URL, "--period", "1")
	if code != 0 || !strings.Contains(errs, "using the log key of the agreement the server adopted") || !strings.Contains(md, "# Compliance report: il-kp-1993, period 1") {
		t.Fatalf("report to stdout: exit %d\n%s", code, errs)
	}
	mdFile := filepath.Join(dir, "period-1.md")
	edited := strings.Replace(md, "prohibited items found at kpnam", "nothing found at kpnam", 1)
	if err := os.WriteFile(mdFile, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs = surety("verify", "report", mdFile, "--log-key", vkey)
	if code != 1 || !strings.Contains(errs, "report not verified: the Markdown text differs from the report embedded in it") {
		t.Errorf("verify an edited report: exit %d\n%s", code, errs)
	}

	code, _, errs = surety("report", "--server", s.r.URL, "--period", "2", "--log-key", vkey)
	if code != 1 || !strings.Contains(errs, "period 2 has not closed") {
		t.Errorf("report of an open period: exit %d\n%s", code, errs)
	}
	code, _, errs = surety("report", "--server", s.r.URL, "--period", "1", "--format", "pdf", "--log-key", vkey)
	if code != 1 || !strings.Contains(errs, `--format "pdf": use md, json or html`) {
		t.Errorf("report --format pdf: exit %d\n%s", code, errs)
	}
}
