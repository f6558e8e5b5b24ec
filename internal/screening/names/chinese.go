package names

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Chinese writes an organisation's name by its meaning, each character a
// syllable: 朝鲜矿业开发贸易公司 is Korea Mining Development Trading
// Company, which transliteration reads as chao xian kuang ye kai fa mao yi
// gong si and so matched nothing, while its legal form (有限公司, you xian
// gong si, Co. Ltd.) and words such as international (国际, guo ji) and
// shipping (海运, hai yun) counted as distinctive syllables: 国际海运有限公司,
// International Shipping Co. Ltd., scored 0.89 against the listed 沈忠國際
// 海運有限公司. The words of trade, the legal forms and the countries that
// such names are made of are read in English before the name is
// transliterated, in simplified and in traditional characters; the rest,
// the name proper (华信, Huaxin), is transliterated as before.

// hanTerms lists, one English reading a line, the Chinese words read so.
const hanTerms = `
joint stock company: 股份有限公司
limited liability company: 有限责任公司 | 有限責任公司
co ltd: 有限公司 | 株式会社 | 株式會社
general corporation: 总公司 | 總公司
company: 公司 | 会社 | 會社
group: 集团 | 集團
international: 国际 | 國際
trading: 贸易 | 貿易 | 商贸 | 商貿
export: 进出口 | 進出口
commercial bank: 商业银行 | 商業銀行
bank: 银行 | 銀行
credit: 信用
insurance: 保险 | 保險
finance: 金融
national: 国家 | 國家
air: 航空
tanker: 油轮 | 油輪
korea: 朝鲜 | 朝鮮 | 韩国 | 韓國
china: 中国 | 中國
iran: 伊朗
islamic: 伊斯兰 | 伊斯蘭
republic: 共和国 | 共和國
hong kong: 香港
shipping: 海运 | 海運 | 船务 | 船務 | 航运 | 航運
technology: 技术 | 技術 | 科技
machinery: 机械 | 機械
industrial: 工业 | 工業 | 实业 | 實業
development: 发展 | 發展 | 开发 | 開發
mining: 矿业 | 礦業
logistics: 物流
energy: 能源
oil: 石油
chemical: 化工
electronics: 电子 | 電子
holdings: 控股
investment: 投资 | 投資
joint venture: 合营 | 合營 | 合资 | 合資
joint: 联合 | 聯合
revolutionary: 革命
guard: 卫队 | 衛隊
committee: 委员会 | 委員會
general bureau: 总局 | 總局
institute: 研究所
academy: 研究院
university: 大学 | 大學
representative office: 代表处 | 代表處
`

// hanReplacer reads the words of hanTerms.
var hanReplacer = sync.OnceValue(func() *strings.Replacer { return termReplacer(hanTerms) })

// termReplacer returns a replacer of the words of a table of lines
// "english: word | word", each by its English between spaces, the longest
// word first, since a replacer takes at a place the first of its words
// that matches there.
func termReplacer(table string) *strings.Replacer {
	type term struct{ word, en string }
	var ts []term
	for line := range strings.SplitSeq(table, "\n") {
		en, ws, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		for w := range strings.SplitSeq(ws, "|") {
			ts = append(ts, term{strings.TrimSpace(w), " " + strings.TrimSpace(en) + " "})
		}
	}
	slices.SortStableFunc(ts, func(a, b term) int { return cmp.Compare(len(b.word), len(a.word)) })
	var args []string
	for _, t := range ts {
		args = append(args, t.word, t.en)
	}
	return strings.NewReplacer(args...)
}

// hanWords returns name with the Chinese words of hanTerms read in English.
func hanWords(name string) string {
	if !hasScript(name, unicode.Han) {
		return name
	}
	return hanReplacer().Replace(name)
}

// hasScript reports whether s has a letter of script. A name all in ASCII,
// as most are, is not looked through.
func hasScript(s string, script *unicode.RangeTable) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return strings.ContainsFunc(s[i:], func(r rune) bool { return unicode.Is(script, r) })
		}
	}
	return false
}
