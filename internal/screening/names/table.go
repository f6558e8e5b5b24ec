package names

import "strings"

// variants folds spellings of one name, syllable or word to one canonical
// spelling, applied per word after case and diacritics are folded. Each line
// is "canonical: variant variant ...". Only spellings that the
// romanisation-neutral key (see key) does not already bring together need a
// line, but a line that repeats one is harmless.
//
// Korean lines cover the family names and given-name syllables that the
// McCune-Reischauer, Revised and DPRK romanisations spell differently; Persian
// and Arabic lines cover the given names and words that English, French and
// scholarly transliterations spell differently.
const variants = `
ri: li lee rhee yi rhie
pak: park bak
jong: chong jeong chung cheong jung joung
kim: gim
choe: choi chwe choy
jo: cho joe
ryu: yu yoo you ryoo
oh: o
ro: roh no noh
so: seo suh
sin: shin
yun: yoon
im: lim rim
kang: gang
jang: chang
han: hahn
hwang: whang
woo: u wu
chol: cheol chul
song: seong sung seung
sop: seob sub sup
yong: young yeong
myong: myung myeong
hyon: hyun hyeon
hyok: hyuk hyeok
sok: seok suk
kyong: kyung kyeong gyong gyeong
kwang: gwang
un: eun
sun: soon

mohammad: muhammad mohamad mohammed muhammed mohamed mohamud muhamad mouhamad mohd mahomed
hossein: hosein husain hussain hussein husayn hussayn hosain hosseyn husein
hosseini: hoseini husaini husseini huseini husayni
hassan: hasan
ahmad: ahmed
mahmoud: mahmud mahmood
abdollah: abdullah abdallah abdulla abdolah
qasem: ghasem qassem kasem qasim ghasim kasim ghassem
javad: jawad
mohsen: muhsin mohsin
mostafa: mustafa moustafa mostapha
yousef: yusuf yousuf youssef yusef yosef
ebrahim: ibrahim
esmail: ismail ismael esmaeil ismaeel
mehdi: mahdi
morteza: mortaza murtaza
reza: riza raza rida ridha
seyed: seyyed sayed sayyed sayyid syed
saeed: said saied saeid
baqer: bagher baqir
hamid: hameed
rasoul: rasul rasool
karim: kareem
naser: nasser nasir nassir
nour: nur noor
jafar: jaafar djafar
ali: aly
akbar: akber
ehsan: ihsan
eslami: islami
esmaeili: esmaeli ismaili esmaili ismaeli
soleimani: soleymani sulaimani sulaymani solaymani suleimani
fereidoun: fereydoun fereidun fereydun feridun
amir: ameer
omar: umar
osama: usama
othman: uthman osman
abu: abou
hezbollah: hizballah hizbullah hizbollah

first: 1st
second: 2nd
third: 3rd
fourth: 4th
fifth: 5th
sixth: 6th
seventh: 7th
eighth: 8th
ninth: 9th
tenth: 10th

international: intl
manufacturing: mfg
shipping: shpg
services: svcs svc
national: natl
management: mgmt
association: assn
development: dev
technology: tech
`

// legalForms are the words of legal forms and company designators. They are
// left out of the words compared, unless a name has nothing else, but still
// count for initials (MITEC is Modern Industries TEchnique Company).
const legalForms = `corporation corp co company companies cos ltd limited llc inc incorporated
jsc pjsc ojsc cjsc zao oao ooo pao gmbh ag sa sas sarl srl spa plc bv nv pte pty pvt
fze fzco fzc fz llp lp bhd sdn kk ltda cv eirl general`

// stopWords are dropped everywhere, initials included.
const stopWords = `of the and for de del des du und et`

// genericWords are kept but weigh little: the country and trade words that
// half the names on a DPRK or Iran list share, and name particles and
// honorifics.
const genericWords = `korea korean dprk dprkn north iran iranian islamic republic democratic people peoples
international trading trade group joint venture stock holding holdings enterprise enterprises
industrial industries industry jv
al el ul bin ibn bint haji haj hajji seyed sheikh shaikh mr mrs ms dr`

// common are family names and given-name parts so frequent among Korean and
// Persian names that two of them matching say little: a name made only of
// them, such as Mohammad Ali or Kim Yong, is never read as a partial match of
// a longer one. Spellings are canonical.
const common = `kim ri pak choe jo jong kang jang han oh yun im sin so ryu ro hwang hong song mun
chon jon ko ku ju paek pae cha ra ho son yu min woo chu chi ji ryang ryom kwak
il nam chol yong su jin hyok myong kwang chun sok won hak man chang sik ok hui
ryong sun hae bok gil kil bom pom dae tae thae hwa hun gun guk kuk gyu kyu kyong
jun jae je se sam ung un pyong tok to pong bong sop chan gon hyon hyong ryol yon
hwan kum rim sang wan uk thaek nyo nyong mi hye
mohammad ali reza hossein hassan ahmad mahmoud abbas amir mehdi javad mohsen
abdollah ebrahim esmail qasem hamid saeed jafar yousef morteza mostafa karim
akbar asghar naser rasoul seyed gholam gholamreza alireza hosseini abdul abd`

var (
	longLegal   []string // legal-form words of seven letters or more
	canon       = map[string]string{}
	classes     = map[string]class{}
	commonNames = map[string]bool{}
)

func init() {
	for line := range strings.SplitSeq(variants, "\n") {
		c, vs, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		c = strings.TrimSpace(c)
		for _, v := range strings.Fields(vs) {
			canon[v] = c
		}
	}
	for _, w := range strings.Fields(legalForms) {
		classes[w] = legal
		if len(w) >= 7 {
			longLegal = append(longLegal, w)
		}
	}
	for _, w := range strings.Fields(stopWords) {
		classes[w] = stop
	}
	for _, w := range strings.Fields(genericWords) {
		classes[w] = generic
	}
	for _, w := range strings.Fields(common) {
		commonNames[w] = true
	}
}
