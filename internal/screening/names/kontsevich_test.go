package names

import (
	"slices"
	"testing"
)

func TestKoreanReadings(t *testing.T) {
	for _, c := range []struct {
		name string
		want []string
	}{
		// A final н is ng or n, ng first; the customary е of a closed
		// syllable is o after ч and с, yo after other consonants.
		{"Ким Чен Ын", []string{"kim chong ung", "kim chon ung", "kim chong un", "kim chon un"}},
		{"Чхве Рён Хэ", []string{"choe ryong hae", "choe ryon hae"}},
		{"Пхеньян", []string{"phyongyang", "phyonyang", "phyongyan", "phyonyan"}},
		{"Чхоллима", []string{"chollima"}},
		{"Ли Су Ё", []string{"li su yo"}},
		{"Ким Ир Сен", []string{"kim il song", "kim il son"}},
		// A place's name made a Russian adjective is the place.
		{"Танчхонский банк", []string{"tangchong банк", "tanchong банк", "tangchon банк", "tanchon банк"}},
		{"Умар Ясир", nil}, // р ends no syllable but Ир
		// A word that is not Korean syllables is kept as written (нк
		// ends no syllable).
		{"Корё Банк", []string{"koryo Банк"}},
		// Four syllables in н: the fourth is read ng only.
		{"Сон Чон Ын Хён", []string{
			"song chong ung hyong", "son chong ung hyong", "song chon ung hyong", "son chon ung hyong",
			"song chong un hyong", "son chong un hyong", "song chon un hyong", "son chon un hyong"}},
		// Russian names, look-alike letters inside a Latin word, Latin.
		{"Борис Великанов", nil},
		{"Тaеgu Ѕilvеr", nil},
		{"Kim Jong Un", nil},
	} {
		if got := koreanReadings(c.name); !slices.Equal(got, c.want) {
			t.Errorf("koreanReadings(%q) = %q, want %q", c.name, got, c.want)
		}
	}
}
