package sim

import (
	"testing"
	"time"
)

// benchSimulate reports simulated consignments per second of whole
// Simulate calls on the 1993 agreement: the lanes' screening, the traffic,
// selection, inspection and the assurance formulas, on all cores.
func benchSimulate(b *testing.B, o Options) {
	spec := load(b, "israel-dprk-1993.yaml")
	var consignments float64
	start := time.Now()
	for b.Loop() {
		r, err := Simulate(spec, with(b, spec, o))
		if err != nil {
			b.Fatal(err)
		}
		for _, s := range r.Sites {
			consignments += s.Consignments.Value * float64(o.Runs*o.Periods)
		}
	}
	b.ReportMetric(consignments/time.Since(start).Seconds(), "consignments/s")
}

func BenchmarkSimulate(b *testing.B) {
	for _, ev := range []Evader{Adaptive, Naive} {
		b.Run(string(ev), func(b *testing.B) { benchSimulate(b, Options{Runs: 200, Periods: 12, Evader: ev, Seed: 1}) })
	}
	// Short of inspectors, every day's selections are sorted by priority.
	b.Run("adaptive-13", func(b *testing.B) {
		benchSimulate(b, Options{Runs: 200, Periods: 12, Evader: Adaptive, Seed: 1, Inspectors: 13})
	})
}

func BenchmarkSimulateVRF(b *testing.B) {
	benchSimulate(b, Options{Runs: 8, Periods: 1, Evader: Adaptive, Seed: 1, VRF: true})
}
