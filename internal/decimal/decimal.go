// Package decimal rounds the figures Surety records (scores, risks,
// selection probabilities, delivered quantities) to six decimals, the same
// way on every machine, so that every replay of the log computes the same
// state.
package decimal

import "math"

// Round6 rounds x to six decimals, halves away from zero.
func Round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }
