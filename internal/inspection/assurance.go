package inspection

import (
	"errors"
	"fmt"
	"math"
)

// ErrInvalid reports an argument outside the domain of an assurance or
// sampling formula.
var ErrInvalid = errors.New("inspection: invalid argument")

// DetectAdaptive returns the detection probability against an adaptive
// evader, who knows every p[i] and hides in the m least-watched consignments:
// 1 - ∏(1 - p[i]) over the m smallest p[i]. It is the minimum, over every
// choice of m consignments, of the probability that one of them is
// inspected, and it is the figure a period's report states. If m exceeds
// len(p), it covers the len(p) declared consignments, as the package
// documentation explains.
func DetectAdaptive(p []float64, m int) (float64, error) {
	if err := checkDetect(p, m); err != nil {
		return 0, err
	}
	var logMiss float64
	for _, x := range smallest(p, m) {
		logMiss += math.Log1p(-x)
	}
	return detection(logMiss), nil
}

// DetectRandom returns the detection probability against an evader who picks
// m of the len(p) consignments uniformly at random: the mean of
// 1 - ∏(1 - p[i]) over every m-subset. It is computed exactly, in O(len(p)·m)
// time, by a recurrence on the subset means (see docs/assurance.md) in which
// every term is non-negative, so small probabilities keep full precision.
// If m exceeds len(p), it equals DetectAdaptive.
func DetectRandom(p []float64, m int) (float64, error) {
	if err := checkDetect(p, m); err != nil {
		return 0, err
	}
	m = min(m, len(p))
	// d[k] is the mean over the k-subsets of the first n consignments of the
	// probability that one of them is inspected. Adding consignment n+1 with
	// probability x, a k-subset of the first n+1 omits it with weight
	// (n+1-k)/(n+1) and includes it with weight k/(n+1):
	//
	//	d'[k] = ((n+1-k)·d[k] + k·(x + (1-x)·d[k-1])) / (n+1)
	d := make([]float64, m+1)
	for i, x := range p {
		n := float64(i + 1)
		for k := min(i+1, m); k >= 1; k-- {
			kf := float64(k)
			d[k] = ((n-kf)*d[k] + kf*(x+(1-x)*d[k-1])) / n
		}
	}
	return d[m], nil
}

// DetectFloor returns the detection probability against an adaptive evader
// with m violations when every consignment is inspected with probability f:
// 1 - (1 - f)^m. When f is the floor of the selection probabilities, it is
// the least DetectAdaptive can be.
func DetectFloor(f float64, m int) (float64, error) {
	if !(f >= 0 && f <= 1) {
		return 0, fmt.Errorf("%w: floor rate %v is outside [0, 1]", ErrInvalid, f)
	}
	if m < 0 {
		return 0, fmt.Errorf("%w: %d violations is negative", ErrInvalid, m)
	}
	return detection(float64(m) * math.Log1p(-f)), nil
}

// FloorRate returns the smallest uniform floor rate f such that an adaptive
// evader with m violations is inspected with probability at least goal:
// f = 1 - (1 - goal)^(1/m), to within a few ulps. The rate does not depend
// on the number of consignments, since each is selected independently; for
// goal = 1 - beta it is the IAEA sampling fraction of SampleSizeIAEA.
func FloorRate(goal float64, m int) (float64, error) {
	if !(goal >= 0 && goal <= 1) {
		return 0, fmt.Errorf("%w: detection goal %v is outside [0, 1]", ErrInvalid, goal)
	}
	if m < 1 {
		return 0, fmt.Errorf("%w: %d violations, want at least 1", ErrInvalid, m)
	}
	// -expm1(log1p(-x)) is 1 - (1 - x) without cancellation for small goals;
	// goal = 1 gives log1p(-1) = -Inf and so f = 1.
	return -math.Expm1(math.Log1p(-goal) / float64(m)), nil
}

// detection returns 1 - e^logMiss, the probability of at least one
// inspection when none happens with probability e^logMiss. Expm1 avoids the
// cancellation of 1 - e^x for x near 0, and subtracting from 0 rather than
// negating gives +0, not -0, when nothing can be caught.
func detection(logMiss float64) float64 {
	return 0 - math.Expm1(logMiss)
}

func checkDetect(p []float64, m int) error {
	if m < 0 {
		return fmt.Errorf("%w: %d violations is negative", ErrInvalid, m)
	}
	for i, x := range p {
		if !(x >= 0 && x <= 1) {
			return fmt.Errorf("%w: selection probability %v of consignment %d is outside [0, 1]", ErrInvalid, x, i)
		}
	}
	return nil
}

// smallest returns the m smallest values of p, in no particular order. It
// keeps a max-heap of the m smallest seen so far, so it runs in
// O(len(p)·log m) time and O(m) space.
func smallest(p []float64, m int) []float64 {
	if m >= len(p) {
		return p
	}
	h := make([]float64, 0, m)
	for _, x := range p {
		switch {
		case len(h) < m:
			h = append(h, x)
			for i := len(h) - 1; i > 0; {
				parent := (i - 1) / 2
				if h[parent] >= h[i] {
					break
				}
				h[parent], h[i] = h[i], h[parent]
				i = parent
			}
		case m > 0 && x < h[0]:
			h[0] = x
			for i := 0; ; {
				big, l, r := i, 2*i+1, 2*i+2
				if l < m && h[l] > h[big] {
					big = l
				}
				if r < m && h[r] > h[big] {
					big = r
				}
				if big == i {
					break
				}
				h[i], h[big] = h[big], h[i]
				i = big
			}
		}
	}
	return h
}
