package eval

import (
	"math/rand/v2"
	"strings"
)

// Unlisted names are what screening mostly sees: names that are not listed.
// UnlistedName draws one as `surety bench screen` does, from Korean family
// names and syllables, Persian given names and syllables, and English trade
// words, so that most are like listed names without being any. Each is a
// query that should not hit; some do by chance (a Korean name of three
// common syllables may be a listed one).
//
// Thresholds are chosen on the tuning split with the share of unlisted
// names that hit held to at most MostUnlisted, on names drawn with
// TuningSeed; `surety bench screen` reports the share on its own draw.

// MostUnlisted is the largest share of unlisted names that may hit at the
// default threshold: the 6.5% of the bench's unlisted names that hit at the
// threshold of 0.75 the matcher had before the threshold was chosen this
// way, so that no change buys recall with more false hits.
const MostUnlisted = 0.065

// TuningSeed seeds the draw of unlisted names that thresholds are chosen
// on; the bench draws its own with another seed.
var TuningSeed = [2]uint64{7, 11}

var (
	koreanSurnames = []string{"Kim", "Ri", "Pak", "Choe", "Jong", "Kang", "Jo", "Yun", "Jang", "Han", "Hwang", "Ko"}
	koreanSyll     = []string{"yong", "chol", "su", "il", "nam", "song", "hyok", "myong", "kwang", "jin", "ho", "chun", "sok", "won", "hak", "gil", "bom", "ryong", "dae", "hui"}
	persianFirst   = []string{"Mohammad", "Ali", "Reza", "Hossein", "Hassan", "Mehdi", "Amir", "Javad", "Saeed", "Omid", "Farid", "Babak", "Kaveh", "Dariush", "Parviz"}
	persianSyll    = []string{"ka", "ri", "mi", "za", "de", "ha", "sha", "ba", "na", "far", "pour", "zadeh", "ni", "vand", "dust", "ra", "ta", "lo", "gh", "es"}
	tradeWords     = []string{"Golden", "Star", "Ocean", "United", "Eastern", "Pacific", "Bright", "Silver", "Harbor", "Lotus", "Summit", "Crystal", "Delta", "Phoenix", "Jade"}
	tradeKinds     = []string{"Trading Co", "Logistics LLC", "Shipping Ltd", "Electronics", "Machinery Corp", "Import Export", "Holdings", "Textiles"}
)

// UnlistedName draws a name that is most likely not listed.
func UnlistedName(rng *rand.Rand) string {
	pick := func(s []string) string { return s[rng.IntN(len(s))] }
	switch rng.IntN(3) {
	case 0:
		return pick(koreanSurnames) + " " + pick(koreanSyll) + " " + pick(koreanSyll)
	case 1:
		last := pick(persianSyll) + pick(persianSyll) + pick(persianSyll)
		return pick(persianFirst) + " " + strings.ToUpper(last[:1]) + last[1:]
	default:
		return pick(tradeWords) + " " + pick(tradeWords) + " " + pick(tradeKinds)
	}
}

// Choose returns the threshold, on a grid of 0.01 from 0.51 to 0.99, with
// the highest F1 on the pairs among those at which at most MostUnlisted of
// the unlisted names' best scores reach it, the lowest of equals; 0.5 is
// the score at which names told apart are held (see names.Explanation's
// Differs). best are the unlisted names' best scores against the lists.
func Choose(pairs []Pair, scores, best []float64) Result {
	var chosen Result
	for t := 51; t <= 99; t++ {
		th := float64(t) / 100
		if Share(best, th) > MostUnlisted {
			continue
		}
		if r := Measure(pairs, scores, th); r.F1 > chosen.F1+1e-12 {
			chosen = r
		}
	}
	return chosen
}

// Share is the share of scores at or above the threshold.
func Share(scores []float64, threshold float64) float64 {
	if len(scores) == 0 {
		return 0
	}
	n := 0
	for _, s := range scores {
		if s >= threshold {
			n++
		}
	}
	return float64(n) / float64(len(scores))
}
