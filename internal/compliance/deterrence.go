package compliance

import (
	"fmt"
	"time"

	"github.com/surety/surety/internal/agreement"
)

// Deterrence says whether a period's detection deters one violation: an
// undertaker caught loses what it still stands to lose (Loss); one not
// caught keeps the gain the agreement declares for one violation (Gain).
// Detection deters when
//
//	detection × loss ≥ (1 − detection) × gain,
//
// the condition under which a rational undertaker prefers compliance in an
// inspection game (Avenhaus and Canty). Detection is the adaptive
// detection of one violation.
type Deterrence struct {
	Detection float64 `json:"detection"`
	Loss      int64   `json:"loss"`
	Gain      int64   `json:"gain"`
	Currency  string  `json:"currency"`
	Deters    bool    `json:"deters"`
	// Unvalued names the incentives at stake that the agreement gives no
	// value, which Loss leaves out.
	Unvalued []string `json:"unvalued,omitempty"`
}

// Text says the condition in words.
func (d Deterrence) Text() string {
	verb := "deters"
	if !d.Deters {
		verb = "does not deter"
	}
	return fmt.Sprintf("detection %.3f × %s %s at stake vs %.3f × %s %s gained: %s", d.Detection, agreement.Group(d.Loss), d.Currency,
		1-d.Detection, agreement.Group(d.Gain), d.Currency, verb)
}

// Deter computes the deterrence of a detection probability given what the
// undertaker stands to lose. It returns nil when the agreement declares no
// gain from a violation.
func Deter(spec *agreement.Spec, detection float64, stake Stake) *Deterrence {
	g := spec.Verification.Gain
	if g == nil {
		return nil
	}
	d := &Deterrence{Detection: detection, Loss: stake.Amount, Gain: g.Amount, Currency: g.Currency, Unvalued: stake.Unvalued}
	d.Deters = Deters(detection, d.Loss, d.Gain)
	return d
}

// Deters reports whether a detection probability deters a violation worth
// gain to an undertaker who stands to lose loss if caught.
func Deters(detection float64, loss, gain int64) bool {
	return detection*float64(loss) >= (1-detection)*float64(gain)
}

// Stake is what the undertaker still stands to lose: the tranches not yet
// paid (nor forfeited, nor suspended for good), what is still to be
// delivered, and the relief not yet given or that a consequence can still
// restore, valued as the agreement declares.
type Stake struct {
	Amount   int64
	Unvalued []string
}

// AtStake values what the undertaker still stands to lose at a time, given
// the timeline, the incentives as they stand and the breaches. A delivery
// is valued until its schedule ends; one with no end in sight counts as
// unvalued.
func AtStake(spec *agreement.Spec, tl *agreement.Timeline, in Incentives, breaches []Breach, at time.Time) Stake {
	var s Stake
	final := map[string]bool{}
	for _, b := range breaches {
		if b.Status == BreachFinal {
			final[b.ID] = true
		}
	}
	for _, t := range in.Tranches {
		if t.Status.Pending() || t.Status == TrancheSuspended && !final[t.Breach] {
			s.Amount += t.Amount
		}
	}
	for _, inc := range spec.Incentives {
		switch inc.Kind {
		case agreement.InKind:
			i := indexOf(in.Deliveries, func(d Delivery) bool { return d.ID == inc.ID })
			if i < 0 || in.Deliveries[i].Status == DeliveryEnded || in.Deliveries[i].Status == DeliverySuspended && final[in.Deliveries[i].Breach] {
				continue
			}
			var end *time.Time
			if inc.Until != nil {
				end = tl.Eval(*inc.Until).At
			}
			if inc.UnitValue == nil || end == nil || inc.Per == nil {
				s.Unvalued = append(s.Unvalued, inc.ID)
				continue
			}
			if days := end.Sub(at).Hours() / 24; days > 0 {
				s.Amount += int64(inc.Quantity * days / inc.Per.Days() * float64(inc.UnitValue.Amount))
			}
		case agreement.Relief:
			i := indexOf(in.Relief, func(r Relief) bool { return r.ID == inc.ID })
			if i < 0 || in.Relief[i].Status == ReliefRestored || in.Relief[i].Status == ReliefInEffect && !restorable(spec, inc.ID) {
				continue
			}
			if inc.Value == nil {
				s.Unvalued = append(s.Unvalued, inc.ID)
				continue
			}
			s.Amount += inc.Value.Amount
		}
	}
	return s
}

// restorable reports whether a consequence or the dispute process can
// restore what a relief lifted: relief in effect is still at stake.
func restorable(spec *agreement.Spec, relief string) bool {
	for _, q := range spec.Consequences {
		if q.Effect == agreement.RestoreRelief && q.Incentive == relief {
			return true
		}
	}
	if d := spec.Dispute; d != nil {
		for _, id := range d.Incentives {
			if id == relief {
				return true
			}
		}
	}
	return false
}

func indexOf[T any](s []T, f func(T) bool) int {
	for i, v := range s {
		if f(v) {
			return i
		}
	}
	return -1
}

// Lever is what the undertaker stands to lose over a run of periods if the
// agreement is kept to schedule, and whether a detection deters over it.
type Lever struct {
	// First and Last are the run's periods, From and To its times.
	First, Last int
	From, To    time.Time
	Deterrence
}

// Leverage follows the undertaker's stake period by period, supposing the
// benefactor pays and delivers on schedule and relief comes at its
// milestone: a tranche still counts in the periods that begin before its
// due date. It runs until the undertaker's last obligation ends (or, with
// none that ends, the last incentive), and joins periods whose stake is
// the same. The detection is that of one violation, which the evader's
// gain is weighed against. It returns nil when the agreement declares no
// gain.
func Leverage(spec *agreement.Spec, tl *agreement.Timeline, detection float64) []Lever {
	if spec.Verification.Gain == nil {
		return nil
	}
	end := leverEnd(spec, tl)
	var out []Lever
	for n := 1; n < 10000; n++ {
		from, to, ok := tl.Period(n)
		if !ok || end.IsZero() || !from.Before(end) {
			break
		}
		d := *Deter(spec, detection, AtStake(spec, tl, scheduled(spec, tl, from), nil, from))
		if k := len(out) - 1; k >= 0 && out[k].Loss == d.Loss {
			out[k].Last, out[k].To = n, to
			continue
		}
		out = append(out, Lever{First: n, Last: n, From: from, To: to, Deterrence: d})
	}
	return out
}

// leverEnd is when the undertaker's obligations end: the latest sunset of
// its obligations, or, if one never ends, the last incentive's date.
func leverEnd(spec *agreement.Spec, tl *agreement.Timeline) time.Time {
	var end time.Time
	later := func(t *time.Time) {
		if t != nil && t.After(end) {
			end = *t
		}
	}
	endless := false
	for _, o := range spec.Obligations {
		if p := partyOf(spec, o.Party); p == nil || p.Role != agreement.Undertaker {
			continue
		}
		if o.Until == nil {
			endless = true
			continue
		}
		later(tl.Eval(*o.Until).At)
	}
	if endless || end.IsZero() {
		for _, in := range spec.Incentives {
			for _, t := range in.Tranches {
				later(tl.Eval(t.Due).At)
			}
			if in.Until != nil {
				later(tl.Eval(*in.Until).At)
			}
		}
	}
	return end
}

// scheduled are the incentives as they would stand at a time if the
// agreement were kept to schedule.
func scheduled(spec *agreement.Spec, tl *agreement.Timeline, at time.Time) Incentives {
	var in Incentives
	for _, inc := range spec.Incentives {
		switch inc.Kind {
		case agreement.Tranches:
			for _, t := range inc.Tranches {
				st := TrancheScheduled
				if due := tl.Eval(t.Due).At; due != nil && !due.After(at) {
					st = TranchePaid
				}
				in.Tranches = append(in.Tranches, Tranche{ID: t.ID, Incentive: inc.ID, Amount: t.Amount, Status: st})
			}
		case agreement.InKind:
			in.Deliveries = append(in.Deliveries, Delivery{ID: inc.ID, Status: DeliveryActive})
		case agreement.Relief:
			st := ReliefPending
			if m := tl.Milestone(inc.At); m.At != nil && !m.At.After(at) {
				st = ReliefInEffect
			}
			in.Relief = append(in.Relief, Relief{ID: inc.ID, Status: st})
		}
	}
	return in
}

func partyOf(spec *agreement.Spec, id string) *agreement.Party {
	for i := range spec.Parties {
		if spec.Parties[i].ID == id {
			return &spec.Parties[i]
		}
	}
	return nil
}
