package inspection

import (
	"errors"
	"math"
	"math/big"
	"math/bits"
	"testing"
)

// bruteMiss enumerates every sample of n of N items, the first M of them
// defective, and returns the exact fraction of samples with no defect.
func bruteMiss(N, M, n int) *big.Rat {
	defects := uint(1)<<M - 1
	var miss, total int64
	for set := range uint(1) << N {
		if bits.OnesCount(set) != n {
			continue
		}
		total++
		if set&defects == 0 {
			miss++
		}
	}
	return big.NewRat(miss, total)
}

// productMiss is ∏_{i<n} (N-M-i)/(N-i) in exact arithmetic.
func productMiss(N, M, n int) *big.Rat {
	r := big.NewRat(1, 1)
	for i := range n {
		r.Mul(r, big.NewRat(int64(N-M-i), int64(N-i)))
	}
	return r
}

func TestSampleSizeBruteForce(t *testing.T) {
	betas := []float64{0.01, 0.0937, 0.2713, 0.618}
	for N := 1; N <= 12; N++ {
		for M := 1; M <= N; M++ {
			miss := make([]*big.Rat, N+1)
			for n := range N + 1 {
				miss[n] = bruteMiss(N, M, n)
				if p := productMiss(N, M, n); miss[n].Cmp(p) != 0 {
					t.Fatalf("N=%d M=%d n=%d: enumeration gives %v, product %v", N, M, n, miss[n], p)
				}
				if f, _ := miss[n].Float64(); n > 0 && !near(nonDetection(N, M, n), f, 1e-14) {
					t.Errorf("nonDetection(%d, %d, %d) = %v, want %v", N, M, n, nonDetection(N, M, n), f)
				}
			}
			for _, beta := range betas {
				b := new(big.Rat).SetFloat64(beta)
				want := 1
				for miss[want].Cmp(b) > 0 {
					want++
				}
				got, err := SampleSize(N, M, beta)
				if err != nil || got != want {
					t.Errorf("SampleSize(%d, %d, %v) = %d, %v, want %d", N, M, beta, got, err, want)
				}
				iaea, err := SampleSizeIAEA(N, M, beta)
				if err != nil || iaea < want || iaea > N {
					t.Errorf("SampleSizeIAEA(%d, %d, %v) = %d, %v, want %d to %d", N, M, beta, iaea, err, want, N)
				}
			}
		}
	}
}

func TestSampleSizeIAEAExample(t *testing.T) {
	const N, M, beta = 1000, 5, 0.1
	exact, err := SampleSize(N, M, beta)
	if err != nil || exact != 369 {
		t.Errorf("SampleSize(1000, 5, 0.1) = %d, %v, want 369", exact, err)
	}
	approx, err := SampleSizeIAEA(N, M, beta)
	if err != nil || approx != 370 {
		t.Errorf("SampleSizeIAEA(1000, 5, 0.1) = %d, %v, want 370", approx, err)
	}
	// In exact arithmetic, 368 falls short and 369 suffices.
	tenth := big.NewRat(1, 10)
	if productMiss(N, M, 368).Cmp(tenth) <= 0 || productMiss(N, M, 369).Cmp(tenth) > 0 {
		t.Errorf("exact non-detection: %v at 368, %v at 369, around 1/10",
			productMiss(N, M, 368).FloatString(6), productMiss(N, M, 369).FloatString(6))
	}
}

func TestSampleSizeLarge(t *testing.T) {
	for _, c := range []struct {
		N, M int
		beta float64
	}{
		{100_000, 50, 0.05}, {100_000, 1, 0.2}, {1_000_000, 8, 0.01}, {50, 50, 0.5}, {7, 3, 1e-9},
	} {
		n, err := SampleSize(c.N, c.M, c.beta)
		if err != nil {
			t.Fatal(err)
		}
		if nonDetection(c.N, c.M, n) > c.beta || (n > 1 && nonDetection(c.N, c.M, n-1) <= c.beta) {
			t.Errorf("SampleSize(%d, %d, %v) = %d is not the smallest sufficient sample", c.N, c.M, c.beta, n)
		}
		iaea, _ := SampleSizeIAEA(c.N, c.M, c.beta)
		if iaea < n {
			t.Errorf("SampleSizeIAEA(%d, %d, %v) = %d, below the exact %d", c.N, c.M, c.beta, iaea, n)
		}
	}
}

func TestSampleSizeEdges(t *testing.T) {
	for _, c := range []struct {
		N, M int
		beta float64
		want int
	}{
		{1, 1, 0.5, 1},
		{10, 10, 0.01, 1},   // every item is defective
		{10, 1, 0.01, 10},   // one defect, near certainty: inspect all
		{10, 1, 0.95, 1},    // a single draw misses with 0.9
		{10, 1, 0.9, 1},     // exactly at beta
		{1000, 999, 0.5, 1}, // one good item
	} {
		if got, err := SampleSize(c.N, c.M, c.beta); err != nil || got != c.want {
			t.Errorf("SampleSize(%d, %d, %v) = %d, %v, want %d", c.N, c.M, c.beta, got, err, c.want)
		}
	}
}

func TestSampleSizeRejects(t *testing.T) {
	for _, c := range []struct {
		name string
		N, M int
		beta float64
	}{
		{"empty population", 0, 0, 0.1},
		{"negative population", -5, 1, 0.1},
		{"no defects", 10, 0, 0.1},
		{"more defects than items", 10, 11, 0.1},
		{"beta zero", 10, 1, 0},
		{"beta one", 10, 1, 1},
		{"beta NaN", 10, 1, math.NaN()},
	} {
		if _, err := SampleSize(c.N, c.M, c.beta); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: SampleSize error %v, want ErrInvalid", c.name, err)
		}
		if _, err := SampleSizeIAEA(c.N, c.M, c.beta); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: SampleSizeIAEA error %v, want ErrInvalid", c.name, err)
		}
	}
}

func BenchmarkSampleSize(b *testing.B) {
	for b.Loop() {
		if _, err := SampleSize(1_000_000, 50, 0.05); err != nil {
			b.Fatal(err)
		}
	}
}
