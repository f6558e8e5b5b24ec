package report

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/surety/surety/internal/compliance"
)

// The forms of a report.
const (
	JSON     = "json"
	Markdown = "md"
	HTML     = "html"
)

var names = map[string]string{JSON: "JSON", Markdown: "Markdown", HTML: "HTML"}

// Where the Markdown and HTML forms embed the JSON.
const (
	mdInfo    = "json surety-report"
	htmlOpen  = `<script type="application/json" id="surety-report">`
	htmlClose = "</script>"
)

const timeFormat = "2006-01-02 15:04:05 UTC"

// Render returns the report in a form: json, md or html. Rendering is
// deterministic, so Verify can render a report again and compare.
func (r *Report) Render(format string) ([]byte, error) {
	switch format {
	case JSON:
		return r.JSON()
	case Markdown:
		return r.Markdown()
	case HTML:
		return r.HTML()
	}
	return nil, fmt.Errorf("unknown report format %q; use md, json or html", format)
}

// JSON returns the canonical form: indented JSON in which <, > and & are
// escaped, so that the other forms can embed it verbatim.
func (r *Report) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// checkpoint returns the origin, tree size and root of the checkpoint
// note, as it reads, for display; Verify checks its signature.
func (r *Report) checkpoint() (origin, size, root string) {
	lines := strings.SplitN(r.Checkpoint, "\n", 4)
	for len(lines) < 3 {
		lines = append(lines, "")
	}
	return lines[0], lines[1], lines[2]
}

func when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeFormat)
}

var mdEscaper = strings.NewReplacer("\\", "\\\\", "`", "\\`", "*", "\\*", "_", "\\_", "[", "\\[", "]", "\\]",
	"<", "&lt;", ">", "&gt;", "|", "\\|", "\r\n", " ", "\n", " ", "\r", " ")

// md escapes text for Markdown prose and table cells.
func md(s string) string { return mdEscaper.Replace(s) }

// Markdown returns the report as Markdown, with the JSON form embedded in
// a fenced block at the end.
func (r *Report) Markdown() ([]byte, error) {
	js, err := r.JSON()
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	origin, size, root := r.checkpoint()
	p("# Compliance report: %s, period %d\n\n", md(r.Agreement), r.Period)
	p("%s\n\n", md(r.Title))
	p("- Period %d: from %s to %s; closed %s\n", r.Period, when(r.From), when(r.To), when(r.Closed))
	p("- Checkpoint: %s, tree size %s, root `%s`\n", md(origin), md(size), root)
	p("- Statements cited: %d, each with its log entry and its inclusion proof in the JSON below\n\n", len(r.Statements))
	p("Check this report offline with `surety verify report FILE --log-key VKEY`.\n")

	p("\n## Verdicts\n\n| party | role | verdict | reasons | notes |\n| --- | --- | --- | ---: | ---: |\n")
	for _, v := range r.Verdicts {
		verdict := md(string(v.Verdict))
		if v.Verdict != compliance.Compliant {
			verdict = "**" + verdict + "**"
		}
		p("| %s | %s | %s | %d | %d |\n", md(v.Party), md(string(v.Role)), verdict, len(v.Reasons), len(v.Notes))
	}
	for _, v := range r.Verdicts {
		if len(v.Reasons) == 0 && len(v.Notes) == 0 {
			continue
		}
		p("\n### %s: %s\n\n", md(v.Party), md(string(v.Verdict)))
		mdEvents(&b, v.Reasons)
		if len(v.Notes) > 0 {
			p("\nNotes:\n\n")
			mdEvents(&b, v.Notes)
		}
	}

	p("\n## Assurance\n\n")
	if a := r.Assurance; a == nil {
		p("The period has no assurance statement.\n")
	} else {
		p("| declared | withdrawn | selected | inspected | denied | not performed | pending |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
		p("| %d | %d | %d | %d | %d | %d | %d |\n\n", a.Declared, a.Withdrawn, a.Selected, a.Inspected, a.Denied, a.NotPerformed, a.Pending)
		p("Goal: catch at least one of %d prohibited consignments with probability %v. %s\n\n", a.Goal.Violations, a.Goal.Probability, goal(a))
		p("| prohibited consignments | adaptive evader | random evader |\n| ---: | ---: | ---: |\n")
		for _, d := range a.Detection {
			p("| %d | %.4f | %.4f |\n", d.M, d.Adaptive, d.Random)
		}
		p("\nDeterrence: %s\n", md(deterrence(a)))
		p("\nThe detection figures rest on these assumptions; each line gives the detection against %d prohibited consignments were it to fail.\n\n", a.Goal.Violations)
		p("| assumption | detection if it failed | what it means |\n| --- | ---: | --- |\n")
		for _, s := range a.Assumptions {
			p("| %s | %.4f | %s |\n", md(s.Name), s.IfFailed, md(s.Text))
		}
	}
	if len(r.Suspended) > 0 {
		p("\n## Obligations suspended\n\n")
		for _, s := range r.Suspended {
			p("- %s of %s, from %s%s: %s\n", md(s.Obligation), md(s.Party), when(s.From), until(s.Until), md(s.Why.Text))
		}
	}

	p("\n## Inspections\n\n")
	if len(r.Inspections) == 0 {
		p("None.\n")
	}
	for _, in := range r.Inspections {
		p("- %s · %s · **%s**", when(in.Time), md(subject(in)), md(string(in.Outcome)))
		if in.Site != "" {
			p(" · at %s", md(in.Site))
		}
		if in.Author != "" {
			p(" · by %s", md(in.Author))
		}
		if in.Statement != "" {
			p(" · entry %d (%s)", in.Index, md(in.Statement))
		}
		p("\n")
		if in.Reason != "" {
			p("  - %s\n", md(in.Reason))
		}
		for _, f := range in.Findings {
			p("  - item %d", f.Item)
			if f.Category != "" {
				p(" (%s)", md(f.Category))
			}
			p(": %s\n", md(f.Finding))
		}
	}
	for _, s := range r.sections() {
		p("\n## %s\n\n", s.Title)
		if len(s.Events) == 0 {
			p("None.\n")
		}
		mdEvents(&b, s.Events)
	}

	p("\n## Cited statements\n\n| entry | type | id | author | logged | leaf hash |\n| ---: | --- | --- | --- | --- | --- |\n")
	for _, s := range r.Statements {
		p("| %d | %s | %s | %s | %s | `%s` |\n", s.Index, md(s.Type), md(s.ID), md(s.Author), when(s.Time), md(s.LeafHash))
	}

	fence := "```"
	for strings.Contains(string(js), fence) {
		fence += "`"
	}
	p("\n## Verifiable report\n\nThe report in its canonical JSON form, which `surety verify report` checks:\n\n")
	p("%s%s\n%s%s\n", fence, mdInfo, js, fence)
	return []byte(b.String()), nil
}

func mdEvents(b *strings.Builder, es []compliance.Event) {
	for _, e := range es {
		b.WriteString("-")
		if !e.Time.IsZero() {
			b.WriteString(" " + when(e.Time) + " ·")
		}
		b.WriteString(" `" + strings.ReplaceAll(string(e.Kind), "`", "'") + "` ·")
		if e.Party != "" {
			b.WriteString(" " + md(e.Party) + " ·")
		}
		b.WriteString(" " + md(e.Text))
		if e.Statement != "" || e.Index != 0 {
			fmt.Fprintf(b, " · entry %d", e.Index)
			if e.Statement != "" {
				b.WriteString(" (" + md(e.Statement) + ")")
			}
		}
		b.WriteString("\n")
	}
}

func subject(in Inspection) string {
	if in.Challenge != "" {
		return "challenge " + in.Challenge
	}
	return "declaration " + in.Declaration
}

func goal(a *compliance.Assurance) string {
	switch {
	case a.MeetsGoal:
		return "Met."
	case a.MeetsGoalButFor:
		return fmt.Sprintf("Not met, only through inspections not performed for causes other than the undertaker: had they been, %.4f.", a.ButFor)
	}
	return "Not met."
}

func deterrence(a *compliance.Assurance) string {
	if a.Deterrence == nil {
		return "not stated: the agreement declares no gain from a violation."
	}
	s := a.Deterrence.Text() + "."
	if len(a.Deterrence.Unvalued) > 0 {
		s += " Not valued: " + strings.Join(a.Deterrence.Unvalued, ", ") + "."
	}
	return s
}

func until(t time.Time) string {
	if t.IsZero() {
		return ", still suspended"
	}
	return " until " + when(t)
}

// sections are the report's lists of events, in order.
func (r *Report) sections() []section {
	acts := make([]compliance.Event, len(r.Actions))
	for i, a := range r.Actions {
		acts[i] = compliance.Event{Kind: compliance.Kind(a.Do), Time: r.Closed, Party: a.Party, Statement: a.Why.Statement, Index: a.Why.Index, Text: a.Text}
	}
	return []section{{"Facts of the period", r.Facts}, {"Cures and remedies after the period's end", r.Later},
		{"Consequences at close", acts}, {"Incentive changes", r.Changes}, {"Milestones reached", r.Milestones}}
}

//go:embed report.html
var htmlText string

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"when":    when,
	"subject": subject,
	"goal":    goal,
	"deter":   deterrence,
	"until":   until,
	"num":     func(f float64) string { return fmt.Sprintf("%.4f", f) },
}).Parse(htmlText))

// HTML returns the report as one self-contained HTML page, with the JSON
// form embedded in a script element.
func (r *Report) HTML() ([]byte, error) {
	js, err := r.JSON()
	if err != nil {
		return nil, err
	}
	origin, size, root := r.checkpoint()
	var b strings.Builder
	err = page.Execute(&b, struct {
		*Report
		Origin, Size, Root string
		Sections           []section
		JSON               template.JS
	}{r, origin, size, root, r.sections(), template.JS(js)})
	return []byte(b.String()), err
}

type section struct {
	Title  string
	Events []compliance.Event
}
