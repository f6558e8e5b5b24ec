package names

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// A DPRK organisation's name in Korean is written in words of trade run
// together (조선광업개발무역회사, Korea Mining Development Trading Company),
// which the lists give in English, sometimes in romanised Korean (Choson
// Taesong Unhaeng beside Korea Daesong Bank). Read syllable by syllable,
// the Korean name met only the romanised listings: 조선광업개발무역회사,
// 단천상업은행 (Tanchon Commercial Bank) and 고려은행 (Koryo Bank) matched
// nothing. The words of trade, legal forms and kinds of institution are
// also read in English, in a further form of the name (see parse), the
// name as transliterated staying for the romanised listings.

// koTerms lists, one English reading a line, the Korean words read so, in
// the DPRK's spellings and the South's where they differ (련합, 연합).
const koTerms = `
korea: 조선
trading: 무역
general corporation: 총회사
co ltd: 주식회사 | 유한회사
company: 회사 | 상사
corporation: 공사
commercial: 상업
credit: 신용
bank: 은행
insurance: 보험
national: 민족
chemical: 화학
electronics: 전자
mining: 광업
development: 개발
joint venture: 합영 | 합작
united: 련합 | 연합
machinery: 기계
shipping: 해운
international: 국제
technology: 기술
industrial: 공업
export import: 수출입
group: 그룹
general bureau: 총국
committee: 위원회
institute: 연구소 | 연구원
university: 대학
`

// koReplacer reads the words of koTerms.
var koReplacer = sync.OnceValue(func() *strings.Replacer { return termReplacer(koTerms) })

// koreanWords returns name with the Korean words of koTerms read in
// English, and whether it had any.
func koreanWords(name string) (string, bool) {
	if !hasScript(name, unicode.Hangul) {
		return name, false
	}
	r := koReplacer().Replace(name)
	return r, r != name
}

// koTitles are the titles and forms of address a Korean name is written
// with, before it as a word or after it, joined or not (김정은 동지,
// 김정은동지, 원수 김정은): comrade, marshal, general and the other ranks,
// chairman, secretary, teacher, doctor, professor. Read syllable by
// syllable they were words of the name (동지 as dong and ji), and 김정은
// 동지 matched KIM JUNG JONG rather than KIM Jong Un.
var koTitles = []string{"동지", "동무", "원수", "장군", "대장", "상장", "중장", "소장", "대좌", "상좌", "중좌", "소좌",
	"위원장", "총비서", "비서", "선생님", "선생", "박사", "교수"}

// hangulTitles returns name without the Korean titles of its words: a word
// that is a title, or a title ending a word of Korean syllables that keeps
// three or more without it, as a name of three is written with one (김정은
// 동지); a name of three ending as a title does (이원수) is not cut.
func hangulTitles(name string) string {
	if !hasScript(name, unicode.Hangul) {
		return name
	}
	ws := strings.Fields(name)
	out := ws[:0]
	for _, w := range ws {
		for _, t := range koTitles {
			if w == t {
				w = ""
				break
			}
			if rest, ok := strings.CutSuffix(w, t); ok && utf8.RuneCountInString(rest) >= 3 && !strings.ContainsFunc(rest, func(r rune) bool { return !isHangul(r) }) {
				w = rest
				break
			}
		}
		if w != "" {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}
