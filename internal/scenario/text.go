package scenario

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/surety/surety/internal/compliance"
)

// WriteText writes the result for reading: the timeline with each period's
// close in place, then the incentives at the end. Adjacent periods that
// closed quietly (every party compliant, nothing done, no incentive's
// status changed) are written as one. The text depends only on the result,
// so it is the same on every run.
func (res *Result) WriteText(w io.Writer) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "scenario   %s\n", res.Title)
	fmt.Fprintf(b, "script     %s\n", filepath.Base(res.Script))
	fmt.Fprintf(b, "agreement  %s\n", res.Agreement)
	fmt.Fprintf(b, "log        %d entries, the last at %s\n", res.Entries, stamp(res.End))
	byN := map[int]*Close{}
	for i := range res.Periods {
		byN[res.Periods[i].Period] = &res.Periods[i]
	}
	tl := res.Timeline
	for i := 0; i < len(tl); i++ {
		l := tl[i]
		if l.Period == 0 {
			idx := ""
			if l.Index != nil {
				idx = "#" + strconv.FormatUint(*l.Index, 10)
			}
			fmt.Fprintf(b, "\n%s  %-6s %s", stamp(l.Time), idx, l.Text)
			for _, d := range l.Detail {
				fmt.Fprintf(b, "\n%26s%s", "", d)
			}
			continue
		}
		first := byN[l.Period]
		last := first
		if quiet(first, byN[first.Period-1]) {
			for i+1 < len(tl) && tl[i+1].Period != 0 && quiet(byN[tl[i+1].Period], last) {
				i++
				last = byN[tl[i].Period]
			}
		}
		if last != first {
			fmt.Fprintf(b, "\n%s         periods %d–%d closed (%s – %s), the last at %s: every party compliant each time; nothing changed",
				stamp(first.Closed), first.Period, last.Period, day(first.From), day(last.To), stamp(last.Closed))
			writeIncentives(b, last.Incentives)
			continue
		}
		writeClose(b, first)
	}
	fmt.Fprintf(b, "\n\nincentives at the end\n")
	in := res.Incentives
	for _, t := range in.Tranches {
		fmt.Fprintf(b, "  %-4s %15s %s  %-9s  %s\n", t.ID, group(t.Amount), t.Currency, t.Status, t.Cause)
	}
	for _, d := range in.Deliveries {
		fmt.Fprintf(b, "  %s  %s\n", d.ID, delivery(d))
	}
	for _, r := range in.Relief {
		fmt.Fprintf(b, "  %s  %s\n", r.ID, relief(r))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// quiet reports whether c closed quietly after prev: every verdict
// compliant with nothing noted, no action, and the incentives' statuses
// unchanged.
func quiet(c, prev *Close) bool {
	if c == nil || prev == nil || len(c.Actions) > 0 {
		return false
	}
	for _, v := range c.Verdicts {
		if v.Verdict != compliance.Compliant || len(v.Notes) > 0 {
			return false
		}
	}
	return statuses(c.Incentives) == statuses(prev.Incentives)
}

func statuses(in Incentives) string {
	var s []string
	for _, t := range in.Tranches {
		s = append(s, t.ID+"="+string(t.Status))
	}
	for _, d := range in.Deliveries {
		s = append(s, fmt.Sprintf("%s=%s/%v", d.ID, d.Status, d.Shortfall > 0))
	}
	for _, r := range in.Relief {
		s = append(s, r.ID+"="+string(r.Status))
	}
	return strings.Join(s, " ")
}

func writeClose(b *strings.Builder, c *Close) {
	fmt.Fprintf(b, "\n%s         period %d closed (%s – %s) by #%d %s", stamp(c.Closed), c.Period, day(c.From), day(c.To), c.By, c.ByType)
	const ind = "\n                          "
	a := c.Assurance
	met := "below the goal"
	if a.MeetsGoal {
		met = "meets the goal"
	}
	if a.Declared == a.Withdrawn {
		fmt.Fprintf(b, "%sassurance: nothing declared", ind)
	} else {
		denied := ""
		if a.Denied > 0 {
			denied = fmt.Sprintf(", %d denied", a.Denied)
		}
		fmt.Fprintf(b, "%sassurance: %d declared, %d selected, %d inspected%s, %d not performed; detection of %s %s (goal %s): %s",
			ind, a.Declared-a.Withdrawn, a.Selected, a.Inspected, denied, a.NotPerformed, plural(a.Violations, "violation"), num(a.Detection), num(a.Goal), met)
	}
	if d := a.Deterrence; d != nil {
		fmt.Fprintf(b, "%sdeterrence: %s", ind, d.Text())
	}
	for _, v := range c.Verdicts {
		fmt.Fprintf(b, "%s%s (%s): %s", ind, v.Party, v.Role, v.Verdict)
		for _, r := range v.Reasons {
			fmt.Fprintf(b, "%s  - %s: %s%s", ind, r.Kind, r.Text, r.ref())
		}
		for _, r := range v.Notes {
			fmt.Fprintf(b, "%s  note %s: %s%s", ind, r.Kind, r.Text, r.ref())
		}
	}
	if len(c.Actions) > 0 {
		fmt.Fprintf(b, "%sconsequences:", ind)
		for _, act := range c.Actions {
			fmt.Fprintf(b, "%s  - %s", ind, act)
		}
	}
	writeIncentives(b, c.Incentives)
}

// writeIncentives writes the incentives' statuses in a few lines.
func writeIncentives(b *strings.Builder, in Incentives) {
	const ind = "\n                          "
	var tranches []string
	inc := ""
	for _, t := range in.Tranches {
		if t.Incentive != inc && len(tranches) > 0 {
			fmt.Fprintf(b, "%s%s: %s", ind, inc, strings.Join(tranches, ", "))
			tranches = nil
		}
		inc = t.Incentive
		tranches = append(tranches, t.ID+" "+string(t.Status))
	}
	if len(tranches) > 0 {
		fmt.Fprintf(b, "%s%s: %s", ind, inc, strings.Join(tranches, ", "))
	}
	for _, d := range in.Deliveries {
		fmt.Fprintf(b, "%s%s: %s", ind, d.ID, delivery(d))
	}
	for _, r := range in.Relief {
		fmt.Fprintf(b, "%s%s: %s", ind, r.ID, relief(r))
	}
}

func delivery(d Delivery) string {
	s := fmt.Sprintf("%s, %s %s delivered", d.Status, grouped(d.Delivered), d.Unit)
	if d.Checked == 0 {
		return s + "; no installment checked yet"
	}
	s += fmt.Sprintf("; %s owed by installment %d", grouped(d.Owed), d.Checked)
	if d.Shortfall > 0 {
		s += fmt.Sprintf(", %s short", grouped(d.Shortfall))
	}
	return s
}

func relief(r Relief) string {
	what := strings.Join(append(slices.Clone(r.Measures), r.Entries...), " ")
	switch r.Status {
	case compliance.ReliefInEffect:
		s := "in_effect, lifted: " + what
		if len(r.Reimposed) > 0 {
			s += "; reimposed outside the mechanism: " + strings.Join(r.Reimposed, " ")
		}
		return s
	case compliance.ReliefRestored:
		return "restored: " + what
	}
	return string(r.Status) + ", to lift: " + what
}

// stamp writes a log time to the minute.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") }

// group writes a whole number with thousands separators.
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// grouped writes a quantity with thousands separators and at most one
// decimal.
func grouped(x float64) string {
	tenths := int64(x*10 + 0.5)
	s := group(tenths / 10)
	if f := tenths % 10; f != 0 {
		s += "." + strconv.FormatInt(f, 10)
	}
	return s
}

// plural writes a count with its noun, plural unless the count is one.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// ref cites the statement behind a reason, if one is.
func (r Reason) ref() string {
	if r.Statement == "" {
		return ""
	}
	return fmt.Sprintf(" [#%d %s]", r.Index, r.Statement)
}
