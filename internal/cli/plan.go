package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/compliance"
	"github.com/surety/surety/internal/inspection"
)

func newPlanCmd() *cobra.Command {
	var path, out string
	cmd := &cobra.Command{
		Use:   "plan --agreement FILE",
		Short: "Plan the inspectors each site needs to meet the agreement's detection goal",
		Long: `Plan reads the agreement's traffic assumptions (consignments per day and
inspector-hours per inspection by mode at each site, shift hours, days per
period) and prints, per site and overall, the floor sampling rate that meets
the detection goal against an adaptive evader, the inspections and
inspector-hours it takes a day, the inspectors needed on duty, the roster
comparison, and how the inspectors needed grow with traffic and with the goal.

Inspectors needed are those on duty each day, one shift each, every day of the
period; a roster that rotates staff for rest days, leave or travel needs more.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(out); err != nil {
				return err
			}
			s, err := loadAgreement(path)
			if err != nil {
				return err
			}
			r, err := inspection.Plan(s)
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			// The guarantee against one violation is the floor: an
			// adaptive evader hides in the least-watched consignment.
			lev := compliance.Leverage(s, s.Resolve(nil), s.Verification.Sampling.Floor)
			if out == "json" {
				return writeJSON(cmd.OutOrStdout(), struct {
					inspection.Report
					Leverage []compliance.Lever `json:"leverage"`
				}{r, lev})
			}
			if err := writePlan(cmd.OutOrStdout(), r); err != nil {
				return err
			}
			return writeLeverage(cmd.OutOrStdout(), s, lev)
		},
	}
	cmd.Flags().StringVar(&path, "agreement", "", "the agreement `FILE`")
	_ = cmd.MarkFlagRequired("agreement")
	outputFlag(cmd, &out)
	cmd.AddCommand(newPlanSampleCmd())
	return cmd
}

func newPlanSampleCmd() *cobra.Command {
	var (
		population, defects int
		beta                float64
		out                 string
	)
	cmd := &cobra.Command{
		Use:   "sample --population N --defects M --beta B",
		Short: "Print the fixed sample that finds one of M defects among N items with non-detection at most B",
		Long: `Sample prints the smallest number of items to draw without replacement from a
population of N items, M of them defective, so that the chance of drawing no
defective item is at most B: exact, from the hypergeometric distribution, and
approximation, the IAEA formula ⌈N(1 − B^(1/M))⌉, which is never smaller.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(out); err != nil {
				return err
			}
			if population < 1 {
				return fmt.Errorf("--population %d: want at least 1 item", population)
			}
			if defects < 1 || defects > population {
				return fmt.Errorf("--defects %d: want 1 to the population, %d", defects, population)
			}
			if !(beta > 0 && beta < 1) {
				return fmt.Errorf("--beta %v: the non-detection probability must be between 0 and 1 exclusive, e.g. 0.1", beta)
			}
			exact, err := inspection.SampleSize(population, defects, beta)
			if err != nil {
				return err
			}
			approx, err := inspection.SampleSizeIAEA(population, defects, beta)
			if err != nil {
				return err
			}
			if out == "json" {
				return writeJSON(cmd.OutOrStdout(), struct {
					Population    int     `json:"population"`
					Defects       int     `json:"defects"`
					Beta          float64 `json:"beta"`
					Exact         int     `json:"exact"`
					Approximation int     `json:"approximation"`
				}{population, defects, beta, exact, approx})
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "population %s, defects %s, non-detection at most %s\n", num(float64(population)), num(float64(defects)), num(beta))
			tw := table(w)
			fmt.Fprintf(tw, "exact\t%d\n", exact)
			fmt.Fprintf(tw, "approximation\t%d\n", approx)
			return tw.Flush()
		},
	}
	cmd.Flags().IntVar(&population, "population", 0, "the population size `N`")
	cmd.Flags().IntVar(&defects, "defects", 0, "the defective items `M` to find at least one of")
	cmd.Flags().Float64Var(&beta, "beta", 0, "the non-detection probability `B` allowed")
	for _, f := range []string{"population", "defects", "beta"} {
		_ = cmd.MarkFlagRequired(f)
	}
	outputFlag(cmd, &out)
	return cmd
}

// writePlan prints a plan: the goal and the floor, the traffic assumptions,
// the inspectors per site, the per-period comparison with a fixed sample,
// the answer in one sentence, and the sensitivity tables.
func writePlan(w io.Writer, r inspection.Report) error {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	g := r.Goal
	p("Plan for %s\n", r.Agreement)
	p("  goal: detect at least one of %d violation%s per period (%s) with probability %s\n", g.Violations, plural(g.Violations), r.Period, num(g.Probability))
	p("  floor rate for the goal: %.4f = 1 − (1 − %s)^(1/%d)\n", r.Rate, num(g.Probability), g.Violations)
	p("  An adaptive evader hides in the least-watched traffic, so the guarantee rests on\n")
	p("  the floor alone: risk weighting adds inspections above it, not to the guarantee.\n")
	verdict := "meets the goal"
	if !r.Meets {
		verdict = fmt.Sprintf("short of the goal; raise the floor to %.4f", r.Rate)
	}
	p("  the agreement's floor %s detects %.4f: %s\n", num(r.Floor), r.Detection, verdict)

	p("\nAssumptions\n")
	tw := table(w)
	fmt.Fprintf(tw, "  SITE\tNAME\tMODE\tPER DAY\tHOURS/INSPECTION\tDAYS/PERIOD\n")
	for _, s := range r.Sites {
		for _, m := range s.Modes {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", s.Site, s.Name, m.Mode, num(m.PerDay), num(m.HoursPerInspection), num(s.Days))
		}
	}
	tw.Flush()
	p("  %s-hour shifts: each inspector works one shift a day, every day of the period,\n", num(r.ShiftHours))
	p("  with no relief for rest days, leave or travel, which a roster must add.\n")

	p("\nInspectors needed on duty a day\n")
	tw = table(w)
	fmt.Fprintf(tw, "  SITE\tINSPECTIONS/DAY\tINSPECTOR-HOURS/DAY\tINSPECTORS\tAT FLOOR %s\n", num(r.Floor))
	for _, s := range r.Sites {
		fmt.Fprintf(tw, "  %s\t%.2f\t%.2f\t%d\t%d\n", s.Site, s.Goal.Inspections, s.Goal.Hours, s.Goal.Inspectors, s.Floor.Inspectors)
	}
	t := r.Total
	fmt.Fprintf(tw, "  total\t%.2f\t%.2f\t%d\t%d\n", t.Goal.Inspections, t.Goal.Hours, t.Goal.Inspectors, t.Floor.Inspectors)
	tw.Flush()
	need := max(t.Goal.Inspectors, t.Floor.Inspectors)
	p("  roster: %d inspector%s", r.Roster, plural(r.Roster))
	if r.RosterNote != "" {
		p(" (%s)", r.RosterNote)
	}
	if r.Covered {
		p(" covers the %d needed: %d spare\n", need, r.Roster-need)
	} else {
		p(" is %d short of the %d needed\n", need-r.Roster, need)
	}

	p("\nPer period: independent selection or a fixed sample\n")
	tw = table(w)
	fmt.Fprintf(tw, "  SITE\tCONSIGNMENTS N\tSELECTED AT %.4f\tFIXED SAMPLE n\n", r.Rate)
	for _, s := range r.Sites {
		fmt.Fprintf(tw, "  %s\t%d\t%.1f ± %.1f\t%d\n", s.Site, s.Consignments, s.Expected, s.Spread, s.Sample)
	}
	fmt.Fprintf(tw, "  total\t%d\t%.1f ± %.1f\t%d\n", t.Consignments, t.Expected, t.Spread, t.Sample)
	tw.Flush()
	p("  Selecting every consignment independently meets the goal whatever N turns out\n")
	p("  to be, with a number of inspections that varies as shown; a fixed sample of n\n")
	p("  meets it only if drawn from all N consignments, known in advance.\n")

	var parts []string
	for i, s := range r.Sites {
		verb := ""
		if i == 0 {
			verb = "needs "
		}
		parts = append(parts, fmt.Sprintf("%s (%s) %s%d", s.Name, s.Site, verb, s.Goal.Inspectors))
	}
	last := r.Sites[len(r.Sites)-1].Goal.Inspectors
	p("\nAnswer: to detect at least one of %d violation%s a period with probability %s, %s inspector%s on duty a day",
		g.Violations, plural(g.Violations), num(g.Probability), joinAnd(parts), plural(last))
	if len(r.Sites) > 1 {
		p(": %d in all", t.Goal.Inspectors)
	}
	p(", against a roster of %d.\n", r.Roster)

	p("\nInspectors needed as traffic grows (rate %.4f)\n", r.Rate)
	tw = table(w)
	fmt.Fprintf(tw, "  TRAFFIC")
	for _, s := range r.Sites {
		fmt.Fprintf(tw, "\t%s", s.Site)
	}
	fmt.Fprintf(tw, "\tTOTAL\n")
	for _, row := range r.Traffic {
		fmt.Fprintf(tw, "  ×%s", num(row.Factor))
		for _, n := range row.Sites {
			fmt.Fprintf(tw, "\t%d", n)
		}
		fmt.Fprintf(tw, "\t%d\n", row.Total)
	}
	tw.Flush()

	p("\nInspectors needed by goal, all sites (floor rate in brackets; * the agreement's goal)\n")
	tw = table(w)
	var violations []int
	for _, row := range r.Goals {
		if row.Probability != r.Goals[0].Probability {
			break
		}
		violations = append(violations, row.Violations)
	}
	fmt.Fprintf(tw, "  PROBABILITY")
	for _, m := range violations {
		fmt.Fprintf(tw, "\t%d VIOLATION%s", m, strings.ToUpper(plural(m)))
	}
	fmt.Fprintf(tw, "\n")
	for i, row := range r.Goals {
		if i%len(violations) == 0 {
			fmt.Fprintf(tw, "  %s", num(row.Probability))
		}
		mark := ""
		if row.Probability == g.Probability && row.Violations == g.Violations {
			mark = " *"
		}
		fmt.Fprintf(tw, "\t%d (%.4f)%s", row.Inspectors, row.Rate, mark)
		if i%len(violations) == len(violations)-1 {
			fmt.Fprintf(tw, "\n")
		}
	}
	return tw.Flush()
}

// joinAnd joins phrases as "a", "a and b" or "a, b and c".
func joinAnd(parts []string) string {
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// writeLeverage prints, run by run of periods, what the undertaker stands
// to lose if caught, were the agreement kept to schedule, and whether the
// detection of one violation deters it, against the gain the agreement
// declares.
func writeLeverage(w io.Writer, s *agreement.Spec, lev []compliance.Lever) error {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	g := s.Verification.Gain
	if g == nil {
		p("\nDeterrence: the agreement declares no gain from a violation (verification.gain), so whether detection deters cannot be said.\n")
		return nil
	}
	p("\nDeterrence: what %s stands to lose if caught, the schedule kept, against %s %s gained by one violation\n", undertaker(s), agreement.Group(g.Amount), g.Currency)
	tw := table(w)
	fmt.Fprintf(tw, "  PERIODS\tFROM\tTO\tAT STAKE\tDETECTION\tDETERS\n")
	for _, l := range lev {
		deters := "yes"
		if !l.Deters {
			deters = "NO"
		}
		fmt.Fprintf(tw, "  %d–%d\t%s\t%s\t%s %s\t%.4f\t%s\n", l.First, l.Last, l.From.Format(time.DateOnly), l.To.Format(time.DateOnly), agreement.Group(l.Loss), l.Currency, l.Detection, deters)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, l := range lev {
		if !l.Deters {
			p("  From period %d (%s) the leverage is too small: %s.\n", l.First, l.From.Format(time.DateOnly), l.Text())
			break
		}
	}
	if len(lev) > 0 && len(lev[0].Unvalued) > 0 {
		p("  Not valued (the agreement gives them no value): %s.\n", strings.Join(lev[0].Unvalued, ", "))
	}
	return nil
}

func undertaker(s *agreement.Spec) string {
	for _, p := range s.Parties {
		if p.Role == agreement.Undertaker {
			return p.ID
		}
	}
	return "the undertaker"
}
