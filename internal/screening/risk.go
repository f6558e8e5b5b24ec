package screening

import (
	"fmt"
	"slices"
	"strings"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/decimal"
	"github.com/surety/surety/internal/screening/items"
)

// The screening signals: the flags Screen sets and the signals its reasons
// name.
const (
	SignalList        = "list_hit"
	SignalMixed       = "mixed_script"
	SignalItem        = "item_hit"
	SignalMismatch    = "mismatch"
	SignalDestination = "destination"
	SignalRoute       = "route"
	SignalEndUser     = "end_user"
	SignalLate        = "late"
	SignalAmended     = "amended"
)

// Reason is one signal that fired and what it adds to the risk.
type Reason struct {
	Signal string `json:"signal"`
	// Weight is the agreement's weight of the signal; Value is the
	// signal's strength in [0, 1]; Contribution is their product, rounded
	// to six decimals.
	Weight       float64 `json:"weight"`
	Value        float64 `json:"value"`
	Contribution float64 `json:"contribution"`
	// Text says what fired, in plain words.
	Text string `json:"text"`
}

// String gives the reason as one line, as in
// "destination +0.700: destination IR is a destination of ...".
func (r Reason) String() string {
	return fmt.Sprintf("%s +%.3f: %s", r.Signal, r.Contribution, r.Text)
}

// prohibited says which obligations in force name the declaration's
// destination, or its end user's country, among their destinations: those
// of kind no_transfer or licensed_transfer. It returns one phrase per
// obligation, or nil.
func prohibited(d Declaration, inForce []agreement.Obligation, results []ItemResult) []string {
	var out []string
	for _, o := range inForce {
		if o.Kind != agreement.NoTransfer && o.Kind != agreement.LicensedTransfer {
			continue
		}
		var where []string
		if o.Covers(d.Destination) {
			where = append(where, "destination "+d.Destination)
		}
		if c := d.EndUser.Country; c != d.Destination && o.Covers(c) {
			where = append(where, "end user's country "+c)
		}
		if where == nil {
			continue
		}
		s := fmt.Sprintf("%s is named by %s (%s of %s)", strings.Join(where, " and "), o.ID, o.Kind, strings.Join(o.Items, ", "))
		var in []string
		for _, r := range results {
			if slices.ContainsFunc(r.Matches, func(m items.Match) bool { return slices.Contains(o.Items, m.Category) }) {
				in = append(in, fmt.Sprintf("items[%d]", r.Index))
			}
		}
		switch len(in) {
		case 0:
		case 1:
			s += ", and " + in[0] + " falls in its categories"
		default:
			s += ", and " + strings.Join(in, ", ") + " fall in its categories"
		}
		out = append(out, s)
	}
	return out
}

// transshipped returns the transit countries that are listed transshipment
// countries, in the declaration's order.
func transshipped(d Declaration, listed []string) []string {
	var out []string
	for _, c := range d.Transit {
		if slices.Contains(listed, c) && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// elsewhere reports whether the end user is in another country than the
// consignee.
func elsewhere(d Declaration) bool {
	return d.EndUser.Country != "" && d.Consignee.Country != "" && d.EndUser.Country != d.Consignee.Country
}

// weigh returns the reason for a signal of the given weight and value.
func weigh(signal string, w, x float64, text string) Reason {
	return Reason{Signal: signal, Weight: w, Value: decimal.Round6(x), Contribution: decimal.Round6(w * x), Text: text}
}
