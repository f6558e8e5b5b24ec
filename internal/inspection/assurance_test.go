package inspection

import (
	"errors"
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"
)

func near(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// bruteDetect enumerates every m-subset of the consignments and returns the
// minimum and the mean, over those subsets, of the probability that at least
// one of them is inspected. For m > len(p) it uses the single subset of all
// consignments, the documented rule for evaders outside declared traffic.
func bruteDetect(p []float64, m int) (lo, mean float64) {
	m = min(m, len(p))
	lo = 1
	count := 0
	for set := range uint(1) << len(p) {
		if bits.OnesCount(set) != m {
			continue
		}
		miss := 1.0
		for i, x := range p {
			if set&(1<<i) != 0 {
				miss *= 1 - x
			}
		}
		lo = min(lo, 1-miss)
		mean += 1 - miss
		count++
	}
	return lo, mean / float64(count)
}

func TestDetectBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1993, 2015))
	for trial := range 300 {
		n := trial % 11
		p := make([]float64, n)
		for i := range p {
			switch rng.IntN(6) {
			case 0:
				p[i] = 0
			case 1:
				p[i] = 1
			case 2:
				p[i] = 0.02 // a shared floor, so ties occur
			default:
				p[i] = rng.Float64()
			}
		}
		for m := 0; m <= n+2; m++ {
			wantMin, wantMean := bruteDetect(p, m)
			adaptive, err := DetectAdaptive(p, m)
			if err != nil {
				t.Fatal(err)
			}
			random, err := DetectRandom(p, m)
			if err != nil {
				t.Fatal(err)
			}
			if !near(adaptive, wantMin, 1e-12) {
				t.Errorf("DetectAdaptive(%v, %d) = %v, brute force min %v", p, m, adaptive, wantMin)
			}
			if !near(random, wantMean, 1e-12) {
				t.Errorf("DetectRandom(%v, %d) = %v, brute force mean %v", p, m, random, wantMean)
			}
		}
	}
}

func TestDetectEdges(t *testing.T) {
	for _, c := range []struct {
		name     string
		p        []float64
		m        int
		adaptive float64
		random   float64
	}{
		{"empty period", nil, 3, 0, 0},
		{"no violations", []float64{0.5, 0.9}, 0, 0, 0},
		{"one violation, least watched", []float64{0.9, 0.1, 0.5}, 1, 0.1, 0.5},
		{"more violations than declarations", []float64{0.5, 0.5}, 5, 0.75, 0.75},
		{"zero floor lets one through", []float64{0, 1, 1}, 1, 0, 2.0 / 3},
		{"certain inspection", []float64{1, 1}, 2, 1, 1},
	} {
		adaptive, err := DetectAdaptive(c.p, c.m)
		if err != nil || !near(adaptive, c.adaptive, 1e-15) || math.Signbit(adaptive) {
			t.Errorf("%s: DetectAdaptive = %v, %v, want %v", c.name, adaptive, err, c.adaptive)
		}
		random, err := DetectRandom(c.p, c.m)
		if err != nil || !near(random, c.random, 1e-15) {
			t.Errorf("%s: DetectRandom = %v, %v, want %v", c.name, random, err, c.random)
		}
	}
}

func TestDetectRejects(t *testing.T) {
	for _, c := range []struct {
		name string
		p    []float64
		m    int
	}{
		{"negative violations", []float64{0.5}, -1},
		{"negative probability", []float64{0.5, -0.1}, 1},
		{"probability above 1", []float64{1.5}, 1},
		{"NaN probability", []float64{math.NaN()}, 1},
	} {
		if _, err := DetectAdaptive(c.p, c.m); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: DetectAdaptive error %v, want ErrInvalid", c.name, err)
		}
		if _, err := DetectRandom(c.p, c.m); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: DetectRandom error %v, want ErrInvalid", c.name, err)
		}
	}
}

// TestDetectLarge checks both detection figures on a period of 100,000
// consignments against closed forms: a uniform floor, and two risk bands,
// where a random m-subset draws a hypergeometric number from each band.
func TestDetectLarge(t *testing.T) {
	const n, m = 100_000, 50

	uniform := make([]float64, n)
	for i := range uniform {
		uniform[i] = 0.01
	}
	want, _ := DetectFloor(0.01, m)
	for name, detect := range map[string]func([]float64, int) (float64, error){
		"DetectAdaptive": DetectAdaptive, "DetectRandom": DetectRandom,
	} {
		if got, err := detect(uniform, m); err != nil || !near(got, want, 1e-12) {
			t.Errorf("%s on a uniform floor of 0.01 = %v, %v, want %v", name, got, err, want)
		}
	}

	// Tiny probabilities must keep their precision: no 1 - (1 - x).
	tiny := make([]float64, 1000)
	for i := range tiny {
		tiny[i] = 1e-12
	}
	wantTiny := -math.Expm1(3 * math.Log1p(-1e-12))
	if got, _ := DetectRandom(tiny, 3); !near(got, wantTiny, 1e-12) {
		t.Errorf("DetectRandom on p = 1e-12 = %v, want %v", got, wantTiny)
	}

	const high, pHigh, pLow = 1000, 0.5, 0.01
	bands := make([]float64, n)
	for i := range bands {
		bands[i] = pLow
		if i%(n/high) == 0 {
			bands[i] = pHigh
		}
	}
	wantRandom := 0.0
	for k := 0; k <= m; k++ {
		// P(k of the m fall in the high band), hypergeometric.
		logP := lchoose(high, k) + lchoose(n-high, m-k) - lchoose(n, m)
		miss := math.Pow(1-pHigh, float64(k)) * math.Pow(1-pLow, float64(m-k))
		wantRandom += math.Exp(logP) * (1 - miss)
	}
	if got, err := DetectRandom(bands, m); err != nil || !near(got, wantRandom, 1e-9) {
		t.Errorf("DetectRandom on two bands = %v, %v, want %v", got, err, wantRandom)
	}
	if got, err := DetectAdaptive(bands, m); err != nil || !near(got, want, 1e-12) {
		t.Errorf("DetectAdaptive on two bands = %v, %v, want the floor's %v", got, err, want)
	}
}

func lchoose(n, k int) float64 {
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return a - b - c
}

// TestRiskWeightingOnlyAdds: raising any consignment's probability above the
// floor never lowers the adaptive figure, and the adaptive figure never
// exceeds the random one.
func TestRiskWeightingOnlyAdds(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const floor, m = 0.05, 4
	p := make([]float64, 200)
	for i := range p {
		p[i] = floor
	}
	base, _ := DetectAdaptive(p, m)
	for range 1000 {
		p[rng.IntN(len(p))] = floor + rng.Float64()*(1-floor)
		adaptive, _ := DetectAdaptive(p, m)
		random, _ := DetectRandom(p, m)
		if adaptive < base {
			t.Fatalf("risk weighting lowered the adaptive figure from %v to %v", base, adaptive)
		}
		if adaptive > random+1e-15 {
			t.Fatalf("adaptive figure %v exceeds the random one %v", adaptive, random)
		}
		base = adaptive
	}
}

func TestFloorRate(t *testing.T) {
	// The floor for 90% against 5 violations is the IAEA sampling fraction
	// for beta = 0.1, M = 5: 1000 consignments need 370 inspections.
	f, err := FloorRate(0.9, 5)
	if err != nil {
		t.Fatal(err)
	}
	if !near(f, 1-math.Pow(0.1, 0.2), 1e-15) {
		t.Errorf("FloorRate(0.9, 5) = %v, want %v", f, 1-math.Pow(0.1, 0.2))
	}
	if n := int(math.Ceil(1000 * f)); n != 370 {
		t.Errorf("1000 × FloorRate(0.9, 5) rounds up to %d, want 370", n)
	}

	// FloorRate inverts DetectFloor, including for goals so small that
	// 1 - (1 - goal) would lose most of their digits.
	rng := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		goal := math.Ldexp(rng.Float64(), -rng.IntN(40))
		m := 1 + rng.IntN(100)
		f, err := FloorRate(goal, m)
		if err != nil {
			t.Fatal(err)
		}
		if d, _ := DetectFloor(f, m); !near(d, goal, 1e-13*goal) {
			t.Fatalf("DetectFloor(FloorRate(%v, %d) = %v) = %v", goal, m, f, d)
		}
	}

	for _, c := range []struct {
		goal float64
		m    int
		want float64
	}{
		{0, 5, 0},
		{1, 5, 1},
		{0.5, 1, 0.5},
		{0.75, 2, 0.5},
		{1e-12, 4, 2.5000000000009375e-13}, // x/4 + 3x²/32, lost to 1 - (1-x)^(1/4)
	} {
		if got, err := FloorRate(c.goal, c.m); err != nil || !near(got, c.want, 1e-15*c.want) {
			t.Errorf("FloorRate(%v, %d) = %v, %v, want %v", c.goal, c.m, got, err, c.want)
		}
	}
}

func TestDetectFloor(t *testing.T) {
	for _, c := range []struct {
		f    float64
		m    int
		want float64
	}{
		{0.5, 0, 0},
		{0.5, 1, 0.5},
		{0.5, 2, 0.75},
		{0, 10, 0},
		{1, 1, 1},
		{0.1, 5, 1 - math.Pow(0.9, 5)},
	} {
		if got, err := DetectFloor(c.f, c.m); err != nil || !near(got, c.want, 1e-15) || math.Signbit(got) {
			t.Errorf("DetectFloor(%v, %d) = %v, %v, want %v", c.f, c.m, got, err, c.want)
		}
	}
}

func TestFloorRejects(t *testing.T) {
	for _, c := range []struct {
		goal float64
		m    int
	}{{0.9, 0}, {0.9, -1}, {-0.1, 5}, {1.1, 5}, {math.NaN(), 5}} {
		if _, err := FloorRate(c.goal, c.m); !errors.Is(err, ErrInvalid) {
			t.Errorf("FloorRate(%v, %d) error %v, want ErrInvalid", c.goal, c.m, err)
		}
	}
	for _, c := range []struct {
		f float64
		m int
	}{{0.1, -1}, {-0.1, 5}, {1.1, 5}, {math.NaN(), 5}} {
		if _, err := DetectFloor(c.f, c.m); !errors.Is(err, ErrInvalid) {
			t.Errorf("DetectFloor(%v, %d) error %v, want ErrInvalid", c.f, c.m, err)
		}
	}
}

func benchPeriod() []float64 {
	rng := rand.New(rand.NewPCG(5, 6))
	bands := []float64{0.02, 0.1, 0.5, 0.9}
	p := make([]float64, 100_000)
	for i := range p {
		p[i] = bands[rng.IntN(len(bands))]
	}
	return p
}

func BenchmarkDetectAdaptive(b *testing.B) {
	p := benchPeriod()
	for b.Loop() {
		if _, err := DetectAdaptive(p, 50); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDetectRandom(b *testing.B) {
	p := benchPeriod()
	for b.Loop() {
		if _, err := DetectRandom(p, 50); err != nil {
			b.Fatal(err)
		}
	}
}
