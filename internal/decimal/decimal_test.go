package decimal

import "testing"

func TestRound6(t *testing.T) {
	for _, c := range []struct{ in, want float64 }{
		{0.1234564, 0.123456}, {0.1234565, 0.123457}, {-0.1234565, -0.123457},
		{-0.0000004, 0}, {2.5e-7, 0}, {5e-7, 1e-6}, {-5e-7, -1e-6}, {1234.5, 1234.5},
	} {
		if got := Round6(c.in); got != c.want {
			t.Errorf("Round6(%v) = %v; want %v", c.in, got, c.want)
		}
	}
}
