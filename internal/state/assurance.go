package state

import (
	"fmt"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/compliance"
	"github.com/surety/surety/internal/statement"
)

// Assurance is a period's statement of what inspection bought.
type Assurance = compliance.Assurance

// PeriodAssurance computes the assurance statement of period n over the
// declarations departing in it: what became of each selected consignment,
// and whose fault it was when it was not inspected.
func PeriodAssurance(kv KV, spec *agreement.Spec, n int) (*Assurance, error) {
	from, to, ok := Timeline(kv, spec).Period(n)
	if !ok {
		return nil, fmt.Errorf("%w: period %d is not known: periods count from 1, and the first starts when verification does", ErrInvalid, n)
	}
	ds, err := Declarations(kv, "", from, to, "", 0)
	if err != nil {
		return nil, err
	}
	samples := make([]compliance.Sample, 0, len(ds))
	for _, d := range ds {
		sel, committed, err := LoadSelection(kv, d.ID)
		if err != nil {
			return nil, err
		}
		s := compliance.Sample{P: d.P, Withdrawn: d.Status == Withdrawn, Selected: sel.Selected()}
		if committed && sel.Unrevealed && sel.Reveal == nil {
			// Nobody can check a selection never revealed: it counts as
			// a selection not inspected, the inspectorate's failure.
			s.Selected, s.State = true, compliance.Missed
		}
		if s.Selected && !s.Withdrawn && sel.Reveal != nil {
			in, found, err := LoadInspection(kv, d.ID)
			if err != nil {
				return nil, err
			}
			switch {
			case !found:
				s.State = compliance.Pending
			case in.Outcome == statement.AccessDenied:
				s.State = compliance.Denied
			case in.Outcome == statement.NotPerformed:
				s.State = compliance.Missed
			default:
				s.State = compliance.Inspected
			}
		}
		samples = append(samples, s)
	}
	return compliance.Assess(n, from, to, spec.Verification.Goal, samples)
}
