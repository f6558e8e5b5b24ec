package inspection

import (
	"math"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/decimal"
)

// Probability is a declaration's selection probability under the sampling
// policy: p = min(cap, max(floor, gain·risk)), and p = 1 when the risk
// reaches the mandatory level. Gain 0 means 1; mandatory 0 means never. It
// is rounded to 6 decimals, so that every replay computes the same p.
func Probability(s agreement.Sampling, risk float64) float64 {
	if s.Mandatory > 0 && risk >= s.Mandatory {
		return 1
	}
	gain := s.Gain
	if gain == 0 {
		gain = 1
	}
	p := math.Min(s.Cap, math.Max(s.Floor, gain*risk))
	return decimal.Round6(p)
}
