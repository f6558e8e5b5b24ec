package cli

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/traffic"
)

func newAgreementCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "agreement",
		Short: "Check, show and describe agreement files",
	}
	cmd.AddCommand(newAgreementCheckCmd(), newAgreementShowCmd(), newAgreementSchemaCmd())
	return cmd
}

func newAgreementCheckCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "check FILE...",
		Short: "Validate agreement files and traffic models; exit 1 and list every problem if any is invalid",
		Long: "check validates each agreement file, and each traffic model (NAME.traffic.yaml)\n" +
			"against the agreement beside it (NAME.yaml), listing every problem with its\n" +
			"file:line:col and how to fix it.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			bad := 0
			for _, path := range args {
				spec, err := checkFile(path)
				if err == nil {
					fmt.Fprintf(cmd.OutOrStdout(), "%s: ok\n", path)
					if spec == nil {
						continue
					}
					for _, n := range spec.Notes() {
						fmt.Fprintf(cmd.OutOrStdout(), "%s: note: %s\n", n.Pos, n.Msg)
					}
					continue
				}
				bad++
				var ps agreement.Problems
				if errors.As(err, &ps) {
					for _, p := range ps {
						fmt.Fprintln(cmd.ErrOrStderr(), p.Error())
					}
					fmt.Fprintf(cmd.ErrOrStderr(), "%s: %d problem%s\n", path, len(ps), plural(len(ps)))
					continue
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "%s: %v\n", path, err)
			}
			if bad > 0 {
				return exitError{1}
			}
			return nil
		},
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func newAgreementShowCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "show FILE",
		Short: "Print the agreement's resolved timeline, schedules, obligations, sites and policy",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(out); err != nil {
				return err
			}
			s, err := loadAgreement(args[0])
			if err != nil {
				return err
			}
			v := s.Show(nil)
			if out == "json" {
				return writeJSON(cmd.OutOrStdout(), v)
			}
			return writeView(cmd.OutOrStdout(), v)
		},
	}
	outputFlag(cmd, &out)
	return cmd
}

// checkFile loads an agreement, or a traffic model with the agreement
// beside it; it returns the agreement, whose notes it has, or nil for a
// traffic model.
func checkFile(path string) (*agreement.Spec, error) {
	base, ok := strings.CutSuffix(path, ".traffic.yaml")
	if !ok {
		return agreement.Load(path)
	}
	spec, err := agreement.Load(base + ".yaml")
	if err != nil {
		return nil, fmt.Errorf("the agreement beside it, %s.yaml, is not valid: %w", base, err)
	}
	if _, err := traffic.Load(spec, base+".yaml"); err != nil {
		return nil, err
	}
	return nil, nil
}

// loadAgreement loads an agreement, turning its problems into one error
// that lists them all.
func loadAgreement(path string) (*agreement.Spec, error) {
	s, err := agreement.Load(path)
	var ps agreement.Problems
	if errors.As(err, &ps) {
		return nil, fmt.Errorf("%s is not a valid agreement (run surety agreement check):\n%w", path, err)
	}
	return s, err
}

func newAgreementSchemaCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of the agreement spec, for editors",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			b, err := agreement.Schema()
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s\n", b)
			return err
		},
	}
}

func writeView(w io.Writer, v agreement.View) error {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	// mark flags a provision the file marks as an assumption.
	mark := func(about string) string {
		if agreement.Assumed(v.Basis, about) != "" {
			return " [assumption]"
		}
		return ""
	}
	p("%s — %s\n", v.ID, v.Title)
	p("log origin %s, %d witness%s (%s), quorum %d, author clocks within %s\n", v.Origin, len(v.Witnesses), pluralES(len(v.Witnesses)), strings.Join(v.Witnesses, ", "), v.Quorum, v.MaxSkew)

	p("\nParties\n")
	tw := table(w)
	for _, pt := range v.Parties {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", pt.ID, pt.Role, pt.Name)
		for _, pr := range pt.Principals {
			fmt.Fprintf(tw, "  \t\t  %s\n", pr)
		}
	}
	tw.Flush()

	p("\nMilestones\n")
	tw = table(w)
	for _, m := range v.Milestones {
		when := m.When.String()
		if !m.When.Known() && m.When.Latest == nil {
			when = "pending"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s%s\n", m.ID, when, m.Rule, mark("milestones."+m.ID))
	}
	tw.Flush()

	for _, t := range v.Tranches {
		p("\nTranches %s: %s → %s, total %s %s%s\n", t.ID, t.From, t.To, agreement.Group(t.Total.Amount), t.Total.Currency, mark("incentives."+t.ID))
		tw = table(w)
		var sum int64
		for _, tr := range t.Tranches {
			sum += tr.Amount
			cond := strings.Join(tr.Conditions, "; ")
			if cond != "" {
				cond = "if " + cond
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s %s\t%s\t%s\t%s\n", tr.ID, tr.Due, agreement.Group(tr.Amount), t.Total.Currency, tr.Rule, tr.Purpose, cond)
		}
		fmt.Fprintf(tw, "  total\t\t%s %s\t\t\t\n", agreement.Group(sum), t.Total.Currency)
		tw.Flush()
	}
	for _, d := range v.Deliveries {
		p("\nDeliveries %s: %s → %s, %s %s of %s per %s, in installments of %s%s\n", d.ID, d.From, d.To, num(d.Quantity), d.Unit, d.Commodity, d.Per, d.Installment, mark("incentives."+d.ID))
		p("  from %s until %s", d.Start, d.Until)
		if d.Installments > 0 {
			p(": %d installments, %s %s in all", d.Installments, num(d.Total), d.Unit)
		}
		p("\n")
	}
	for _, r := range v.Relief {
		p("\nRelief %s at %s (%s); snapback restores it\n", r.ID, r.At, r.When)
		for _, m := range r.Measures {
			p("  lifts %s: %s\n", m.ID, m.Name)
		}
		for _, e := range r.Entries {
			p("  lifts %s list entry %s %s\n", e.List, e.Ref, e.Name)
		}
	}

	p("\nObligations\n")
	tw = table(w)
	for _, o := range v.Obligations {
		fmt.Fprintf(tw, "  %s\t%s\t%s\tfrom %s\tuntil %s%s\n", o.ID, o.Party, o.Scope, o.From, o.Until, mark("obligations."+o.ID))
	}
	tw.Flush()
	if slices.ContainsFunc(v.Obligations, func(o agreement.ObligationView) bool { return len(o.Limits) > 0 || o.Continuity != nil }) {
		p("\nFacility monitoring\n")
		for _, o := range v.Obligations {
			for _, l := range o.Limits {
				p("  %s: limit %s\n", o.ID, l)
			}
			if o.Continuity != nil {
				lines := o.Continuity.Lines()
				p("  %s: continuity: %s\n", o.ID, lines[0])
				for _, l := range lines[1:] {
					p("    %s\n", l)
				}
			}
		}
	}

	p("\nSites\n")
	tw = table(w)
	for _, s := range v.Sites {
		code := s.IATA + s.LOCODE
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s%s\n", s.ID, s.Kind, code, s.Country, s.Name, mark("sites."+s.ID))
	}
	tw.Flush()

	vp := v.Verification
	sm := vp.Sampling
	p("\nVerification policy%s\n", mark("verification"))
	p("  periods of %s from %s, grace %s\n", vp.Period, vp.Start, orNone(vp.Grace.String()))
	if vp.Goal == (agreement.Goal{}) && sm.Floor == 0 {
		p("  nothing is declared, so nothing is sampled\n")
	} else {
		p("  goal: detect at least one of %d violation%s per period with probability %s\n", vp.Goal.Violations, plural(vp.Goal.Violations), num(vp.Goal.Probability))
		p("  sampling: floor %s, cap %s", num(sm.Floor), num(sm.Cap))
		if sm.Mandatory > 0 {
			p(", mandatory from risk %s", num(sm.Mandatory))
		}
		if sm.RevealWithin != nil {
			p(", decisions revealed within %s of departure", sm.RevealWithin)
		}
		p("\n")
		wt := sm.Weights
		p("  risk weights: list hit %s, item %s, mismatch %s, destination %s, route %s, end user %s, late %s, amendment %s\n",
			num(wt.ListHit), num(wt.ItemHit), num(wt.Mismatch), num(wt.Destination), num(wt.Route), num(wt.EndUser), num(wt.Late), num(wt.Amendment))
	}
	p("  roster: %d inspectors, %s-hour shifts", vp.Roster, num(vp.ShiftHours))
	if vp.RosterNote != "" {
		p(" (%s)", vp.RosterNote)
	}
	p("\n")
	for _, t := range vp.Traffic {
		for _, m := range t.Modes {
			p("  traffic at %s: %s consignments/day by %s, %s inspector-hours each\n", t.Site, num(m.PerDay), m.Mode, num(m.HoursPerInspection))
		}
	}
	if len(v.Consequences) > 0 {
		p("\nConsequences%s\n", mark("consequences"))
		for _, c := range v.Consequences {
			p("  %s by %s: %s", c.On, c.Party, c.Effect)
			switch {
			case c.Incentive != "":
				p(" %s", c.Incentive)
			case c.Obligation != "":
				p(" %s", c.Obligation)
			case c.Rate != 0:
				p(" at %v%% a year", c.Rate*100)
			}
			switch {
			case c.Cure != nil:
				p(" unless cured within %s", c.Cure)
			case c.Restore != "":
				p(", restored on a %s", c.Restore)
			}
			if c.ForfeitAfter != nil {
				p(", forfeited after %s", c.ForfeitAfter)
			}
			if (c.Effect == agreement.SuspendTranches || c.Effect == agreement.SuspendDeliveries) && c.Restore == "" && c.ForfeitAfter == nil {
				p(", for good (the agreement names no end)")
			}
			p("\n")
		}
	}
	if d := v.Dispute; d != nil {
		var steps []string
		for _, s := range d.Steps {
			step := fmt.Sprintf("%s %dd", s.ID, s.Days)
			if s.Body != "" {
				step += " (" + s.Body + " decides)"
			}
			if s.ExtendBy != "" {
				step += " (" + s.ExtendBy + " may extend)"
			}
			steps = append(steps, step)
		}
		p("\nDispute: %s = %d days, then %s", strings.Join(steps, " + "), d.TotalDays, d.Outcome)
		if n := len(d.Steps); n > 0 && d.Steps[n-1].Body != "" {
			p(" on its own when %s leaves the dispute unresolved", d.Steps[n-1].Body)
		}
		p("%s\n", mark("dispute"))
	}
	if pc := v.Procurement; pc != nil {
		who, extender := pc.Approver, "the approver"
		if pc.Body != "" {
			who, extender = "body "+pc.Body, "any of its members"
		}
		asks := "the undertaker"
		if pc.Requester != "" {
			asks = "party " + pc.Requester
		}
		p("\nProcurement channel: %s asks; %s decides, unless the obligation names its own body, within %d working days", asks, who, pc.WorkingDays)
		if pc.ExtendedWorkingDays > 0 {
			p("; %s may take %d, once", extender, pc.ExtendedWorkingDays)
		}
		if pc.DisagreementWorkingDays > 0 {
			p("; where the members disagree, the body decides again within %d", pc.DisagreementWorkingDays)
		}
		if pc.OnTimeout != "" {
			p("; unanswered requests: %s", pc.OnTimeout)
		}
		p("\n")
	}
	if len(v.Bodies) > 0 {
		p("\nBodies (decide by their members' decision.vote statements)\n")
		for _, b := range v.Bodies {
			p("  %s  %s: %s\n    members: %s\n", b.ID, b.Name, b.Rule, strings.Join(b.Members, ", "))
		}
	}
	if len(v.Basis) > 0 {
		p("\nRecord and assumptions\n")
		tw = table(w)
		for _, b := range v.Basis {
			about := b.About
			if b.Record != "" {
				fmt.Fprintf(tw, "  %s\trecord\t%s\n", about, b.Record)
				about = ""
			}
			if b.Assumption != "" {
				fmt.Fprintf(tw, "  %s\tASSUMPTION\t%s\n", about, b.Assumption)
			}
		}
		tw.Flush()
	}
	return nil
}

func pluralES(n int) string {
	if n == 1 {
		return ""
	}
	return "es"
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// num writes a number without needless decimals, grouping large integers.
func num(f float64) string {
	if f == float64(int64(f)) && f >= 1000 {
		return agreement.Group(int64(f))
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}
