package inspection

import (
	"fmt"
	"math"
)

// SampleSize returns the smallest number n of items to draw without
// replacement from a population of N items, M of them defective, such that
// the probability of drawing no defective item is at most beta. That
// probability is hypergeometric:
//
//	C(N-M, n) / C(N, n) = ∏_{i<n} (N-M-i)/(N-i) = ∏_{j<M} (N-n-j)/(N-j)
//
// SampleSize evaluates the M-factor form, which falls as n grows, and
// searches n in [1, N-M+1] by bisection. For N = 1000, M = 5, beta = 0.1 it
// returns 369.
func SampleSize(N, M int, beta float64) (int, error) {
	if err := checkSample(N, M, beta); err != nil {
		return 0, err
	}
	// nonDetection(N, M, N-M+1) = 0 <= beta, so the search has an answer.
	lo, hi := 1, N-M+1
	for lo < hi {
		n := lo + (hi-lo)/2
		if nonDetection(N, M, n) <= beta {
			hi = n
		} else {
			lo = n + 1
		}
	}
	return lo, nil
}

// SampleSizeIAEA returns the IAEA attribute-sampling approximation to
// SampleSize: ⌈N(1 - beta^(1/M))⌉. It treats the M defects as independent,
// each missed with probability 1 - n/N, which overstates the chance of
// missing them all, so it never returns less than SampleSize. For N = 1000,
// M = 5, beta = 0.1 it returns 370.
func SampleSizeIAEA(N, M int, beta float64) (int, error) {
	if err := checkSample(N, M, beta); err != nil {
		return 0, err
	}
	// 1 - beta^(1/M), without cancellation when beta^(1/M) is near 1.
	return int(math.Ceil(float64(N) * -math.Expm1(math.Log(beta)/float64(M)))), nil
}

// nonDetection returns the probability that a sample of n items drawn
// without replacement from N items, M of them defective, contains no defect.
func nonDetection(N, M, n int) float64 {
	q := 1.0
	for j := range M {
		q *= float64(N-n-j) / float64(N-j)
	}
	return q
}

func checkSample(N, M int, beta float64) error {
	if N < 1 {
		return fmt.Errorf("%w: population %d, want at least 1", ErrInvalid, N)
	}
	if M < 1 || M > N {
		return fmt.Errorf("%w: %d defects in a population of %d, want 1 to %d", ErrInvalid, M, N, N)
	}
	if !(beta > 0 && beta < 1) {
		return fmt.Errorf("%w: non-detection probability %v is outside (0, 1)", ErrInvalid, beta)
	}
	return nil
}
