package sim

import "math"

// z95 is the standard normal quantile of the two-sided 95% interval.
const z95 = 1.959963984540054

// wilson returns the proportion k/n with its Wilson score interval at 95%,
// which stays inside [0, 1] and keeps its coverage near 0 and 1.
func wilson(k, n int) Estimate {
	p, nn := float64(k)/float64(n), float64(n)
	z2 := z95 * z95
	d := 1 + z2/nn
	centre := (p + z2/(2*nn)) / d
	half := z95 / d * math.Sqrt(p*(1-p)/nn+z2/(4*nn*nn))
	return Estimate{Value: p, Low: max(0, centre-half), High: min(1, centre+half)}
}

// acc accumulates a figure's mean and sum of squared deviations (Welford),
// and merges with another (Chan et al.) without the cancellation of
// summing squares.
type acc struct {
	n, mean, m2 float64
}

func (a *acc) add(x float64) {
	a.n++
	d := x - a.mean
	a.mean += d / a.n
	a.m2 += d * (x - a.mean)
}

func (a *acc) merge(b acc) {
	if b.n == 0 {
		return
	}
	n := a.n + b.n
	d := b.mean - a.mean
	a.mean += d * b.n / n
	a.m2 += b.m2 + d*d*a.n*b.n/n
	a.n = n
}

// estimate returns the mean with its normal 95% interval.
func (a acc) estimate() Estimate {
	if a.n < 2 {
		return Estimate{Value: a.mean, Low: a.mean, High: a.mean}
	}
	half := z95 * math.Sqrt(a.m2/(a.n-1)/a.n)
	return Estimate{Value: a.mean, Low: a.mean - half, High: a.mean + half}
}
