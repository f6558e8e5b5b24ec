package names

import (
	"strings"
	"sync"
	"unicode"
)

// Persian and Arabic, as Chinese, name an organisation by what it is:
// گروه صنعتی شهید همت is Shahid Hemmat Industrial Group, سازمان انرژی اتمی
// ایران the Atomic Energy Organization of Iran, and مركز الدراسات والبحوث
// العلمية the Scientific Studies and Research Center. Their words of trade,
// compared with the English of the lists by the consonants Arabic script
// writes (grwh against group, sazman against organization), met nothing:
// the first scored 0.55 against its listing, the second 0.18, the third
// found a welfare trust. In the name of an organisation, one with a word
// of arNouns (company, bank, center…), the words of trade, the legal forms
// and the kinds of institution are read in English, whole words only (an
// Arabic word with its article, al-, wal-, lil- or bil-, as the word),
// before the name is transliterated, and so is Iran, whose consonants
// alone (r-n) met line and Ryan; proper names, Sepah and Tejarat (تجارت,
// trade, the name of Bank Tejarat) among them, are not translated, since
// the lists write them so (Bank Sepah, Bank Tejarat), and so is Melli
// (ملی), whose National would make every National Bank Bank Melli. A
// person's name is left as written: its adjectives are names (اسلامی is
// Eslami, as in ESLAMI, Mansour; السوري al-Suri).

// arTerms lists, one English reading a line, the Persian and Arabic words
// read so, in Persian letters (ی and ک; Arabic ي and ك are read as them),
// Arabic ones without their article.
const arTerms = `
company: شرکت | شرکة
group: گروه | مجموعه | مجموعة
industrial: صنعتی | صناعیة
industries: صنایع | صناعات
industry: صنعت | صناعة
organization: سازمان | هیئة
energy: انرژی | طاقة
atomic: اتمی | ذریة
nuclear: هسته‌ای | هسته ای | نوویة
air: هواپیمایی | هوایی | طیران | جویة | ایر
airlines: خطوط جویة
shipping lines: کشتیرانی
shipping: شحن | ملاحة
republic: جمهوری | جمهوریة
islamic: اسلامی | إسلامیة | اسلامیة
iran: ایران | إیران
international: بین‌المللی | بین المللی | دولیة | دولی
trading: بازرگانی | تجارة
commercial: تجاری | تجاریة
engineering: مهندسی | هندسة
petrochemical: پتروشیمی
oil: نفت
tanker: نفتکش
ministry: وزارت | وزارة
defense: دفاع | دفاعی | دفاعیة
aerospace: هوافضا
aircraft: هواپیماسازی
electronics: الکترونیک
missile: موشکی
foundation: بنیاد
institute: موسسه | مؤسسه | مؤسسة | معهد
university: دانشگاه | جامعة
center: مرکز
studies: دراسات
research: بحوث | أبحاث
scientific: علمیة
bank: مصرف | بنک | بانک
syrian: سوری | سوریة
arab: عربی | عربیة
general: عامة
limited: محدودة
`

// arNouns are the readings of arTerms that say a name is an
// organisation's.
var arNouns = map[string]bool{
	"company": true, "group": true, "bank": true, "center": true, "organization": true, "institute": true,
	"ministry": true, "air": true, "airlines": true, "shipping lines": true, "foundation": true, "university": true,
	"industries": true,
}

// arWords maps a Persian or Arabic word to its English reading.
var arWords = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for line := range strings.SplitSeq(arTerms, "\n") {
		en, ws, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		for w := range strings.SplitSeq(ws, "|") {
			m[arLetters(strings.TrimSpace(w))] = strings.TrimSpace(en)
		}
	}
	return m
})

// arLetters writes the Arabic ي, ى and ك as the Persian ی and ک.
var arLetters = strings.NewReplacer("ي", "ی", "ى", "ی", "ك", "ک").Replace

// arArticles are the Arabic article and the particles joined before it:
// wa- (and), li- (for), bi- (by).
var arArticles = []string{"وال", "بال", "لل", "ال"}

// unarticled returns an Arabic word without its article.
func unarticled(w string) string {
	for _, a := range arArticles {
		if rest, ok := strings.CutPrefix(w, a); ok && rest != "" {
			return rest
		}
	}
	return w
}

// arabicWords returns name with the Persian and Arabic words of arTerms
// read in English; two-word terms (هسته ای, الخطوط الجوية) are read first.
func arabicWords(name string) string {
	if !hasScript(name, unicode.Arabic) {
		return name
	}
	ws := strings.Fields(arLetters(name))
	m := arWords()
	look := func(w string) (string, bool) {
		if en, ok := m[w]; ok {
			return en, true
		}
		en, ok := m[unarticled(w)]
		return en, ok
	}
	out := make([]string, 0, len(ws))
	org := false
	for i := 0; i < len(ws); i++ {
		if i+1 < len(ws) {
			pair := ws[i] + " " + ws[i+1]
			en, ok := m[pair]
			if !ok {
				en, ok = m[unarticled(ws[i])+" "+unarticled(ws[i+1])]
			}
			if ok {
				out = append(out, en)
				org = org || arNouns[en]
				i++
				continue
			}
		}
		if en, ok := look(ws[i]); ok {
			out = append(out, en)
			org = org || arNouns[en]
			continue
		}
		out = append(out, ws[i])
	}
	if !org {
		return name
	}
	return strings.Join(out, " ")
}
