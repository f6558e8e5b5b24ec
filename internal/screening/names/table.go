package names

import (
	"maps"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// variants folds spellings of one name, syllable or word to one canonical
// spelling, applied per word after case and diacritics are folded. Each line
// is "canonical: variant variant ...". Only spellings that the
// romanisation-neutral key (see key) does not already bring together need a
// line, but a line that repeats one is harmless.
//
// Korean lines cover the family names and given-name syllables that the
// McCune-Reischauer, Revised and DPRK romanisations spell differently; Persian
// and Arabic lines cover the given names and words that English, French and
// scholarly transliterations spell differently. The last lines fold the
// abbreviations of words of trade, and the words that one organisation's
// name has in Persian, Arabic or another European language (sarrafi,
// khayriyya, bonyad, Stiftelse, fundación), to the English word that its
// translated listing uses; and an airline's Airlines or Airways to the Air
// its other listings write (Pouya Air, Pouya Airlines); and the pinyin of
// the Chinese words of trade (maoyi, guoji, keji) to the English that a
// name in Chinese characters is read in (see hanTerms), as OFAC writes
// some Chinese names (Dalian Zhenghua Maoyi Youxian Gongsi), and the
// romanised Korean ones (muyok, unhaeng, hoesa; Choson Taesong Unhaeng),
// as a DPRK document may write a name the lists give in English, and more
// of the romanised Persian ones (sazman, gorooh, jomhuri, havapeymaei), and
// the Russian ones as transliterated (kommercheskii, torgovaia,
// korporatsiia), as a declaration in Russian writes a name; and the
// names one armed group goes by (ISIL, ISIS, Daesh), which the UN list
// and OFAC's write each their own way (ISIL-YEMEN, ISIS-MOZAMBIQUE).
// Eslami and Melli are not folded to Islamic and National: they are
// surnames too (ESLAMI, Mansour), and the lists write Bank Melli.
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

mohammad: muhammad mohamad mohammed muhammed mohamed mohamud muhamad mouhamad mohd mhd mahomed
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
seyed: seyyed sayed sayyed sayyid syed seyyid
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
omar: umar oumar
osama: usama
othman: uthman osman
abu: abou
al: el ul
abdul: abdel abdol abdoul abdal abdelh
hezbollah: hizballah hizbullah hizbollah

international: intl
manufacturing: mfg
shipping: shpg
services: svcs svc
national: natl
management: mgmt
association: assn
development: dev gostaresh
technology: tech
engineering: engg mohandesi
investment: invest
cement: siman
exchange: sarafi sarrafi
advanced: pishro
media: rasaneh
shipping: kashtirani keshtirani kashtiraani
oil: naft
tanker: naftkesh
steel: foulad fulad
petrochemical: petroshimi
industrial: sanati
industries: sanaye sanayi
charitable: charity welfare benevolent khayriyya khairiya
isil: isis daesh daish
foundation: muassasa muassasat muassassa muassassat moassese moassesse bonyad stiftelse stiftung fundacion fundacao fondation fondazione vakfi
society: jamiya jamiyat jamiat
army: jaish jaysh jeish jeysh
front: jabhat jabha jabhet
movement: harakat haraka harakah
brigade: liwa liwaa
battalion: katibat katiba katibah
resistance: moghavemat moqavemat moghavemate moqavemate
force: niru niroo nirooye niruyeh niruye nirouye
unit: vahed vahede
cooperative: taavon taavoni
revolution: enghelab enqelab inqilab
guards: pasdaran
air: airlines airline airways havapeymaei havapeymayi havapeimaei
trading: maoyi shangmao
export: jinchukou
international: guoji
technology: keji jishu
joint: lianhe
machinery: jixie
shipping: chuanwu hangyun
industrial: gongye shiye
development: fazhan kaifa
mining: kuangye
group: jituan gorooh goruh gorouh
bank: yinhang
korea: chaoxian
china: zhongguo
logistics: wuliu
energy: nengyuan enerzhi energi
chemical: huagong
electronics: dianzi
holdings: konggu
investment: touzi tuja
korea: choson chosun joseon
commercial: kommercheskii kommercheskiy kommercheskij kommercheskaia kommercheskaya
trading: torgovaia torgovaya torgovyi torgovyy torgovoi torgovoy torgovli
development: razvitiia razvitiya
korea: korean koreiskaia koreyskaya koreiskii koreyskiy
iran: iranian
international: mezhdunarodnaia mezhdunarodnaya mezhdunarodnyi mezhdunarodnyy
mining: gornodobyvaiushchei gornodobyvayushchey gornorudnaia gornorudnaya
industry: promyshlennosti
organization: sazman sazeman sazmane sazemane
republic: jomhuri jomhouri
trading: muyok muyeok muyuk
bank: unhaeng eunhaeng
commercial: sangop sangeop sangup
mining: kwangop gwangeop kwangup
development: kaebal gaebal
joint: hapyong habyong hapyoung
united: ryonhap yonhap
machinery: kigye gigye
international: kukje gukje
technology: kisul gisul
industrial: kongop gongeop
`

// legalForms are the words of legal forms and company designators. They are
// left out of the words compared, unless a name has nothing else, but still
// count for initials (MITEC is Modern Industries TEchnique Company): so
// the words for company in other languages are legal forms as written
// (hoesa, gongsi), not folded to company, whose C would not be their
// initial. (Kompaniya is left a word: as a legal form beside OOO it cost
// the acronym KPSK its match with OOO Krymskaya Pervaya Strakhovaya
// Kompaniya, a pair of the tuning split.)
const legalForms = `corporation corp co company companies cos ltd limited llc inc incorporated
jsc pjsc ojsc cjsc zao oao ooo pao ao gmbh ag ab sa sas sarl srl spa plc bv nv pte pty pvt
fze fzco fzc fz llp lp bhd sdn kk ltda cv eirl general kg ohg kgaa sl sal sae sro spzoo
eood ood ead tov fsue fgup gup npp fau fgbu fku ano kft zrt nyrt oyj aps
doo sherkat sirketi gongsi zonggongsi hoesa chonghoesa`

// legalPhraseTable folds legal forms written out in words, across
// jurisdictions, to one abbreviation, which is a legal-form word: each line
// is "abbreviation: phrase | phrase ...", phrases as folded (lower case,
// without diacritics, transliterated). The form alone never makes a match:
// it is left out of the words compared. The forms of Latin America are
// written as the lists write them, with full stops (Y CIA. S. EN C., S. DE
// R.L. DE C.V., S.P.R. DE R.L.): a form of single letters apart (c a, s a
// c) would take a person's initials, and C.A. (compania anonima) is left
// out, since a person's initials C. A. are read as one word ca.
const legalPhraseTable = `
ag: aktiengesellschaft
kgaa: kommanditgesellschaft auf aktien
kg: kommanditgesellschaft
gmbh: gesellschaft mit beschrankter haftung | gesellschaft mbh
ab: aktiebolag | aktiebolaget
bv: besloten vennootschap
nv: naamloze vennootschap
sa: sociedad anonima | societe anonyme | sociedade anonima | societa anonima | spolka akcyjna | s a
sarl: societe a responsabilite limitee | s a r l
srl: sociedad de responsabilidad limitada | societa a responsabilita limitata | societate cu raspundere limitata | s r l
sl: sociedad limitada
ltda: sociedade limitada | limitada
spa: societa per azioni | s p a
sas: societe par actions simplifiee
spzoo: spolka z ograniczona odpowiedzialnoscia | sp z o o | sp zoo
sro: spolecnost s rucenim omezenym | s r o
ooo: obshchestvo s ogranichennoy otvetstvennostyu | obshchestvo s ogranichennoi otvetstvennostiu | obshchestvo s ogranichennoj otvetstvennostju | obschestvo s ogranichennoy otvetstvennostyu | obshchestvo s ogranichennoi otvetstvennostyu | obshchestvo s ogranichennoy otvetstvennostiu
tov: tovarystvo z obmezhenoyu vidpovidalnistyu | tovarystvo z obmezhenoiu vidpovidalnistiu
ao: aktsionernoe obshchestvo | aktsionernoye obshchestvo | aktsionernoe obshchestvo
zao: zakrytoe aktsionernoe obshchestvo | zakrytoye aktsionernoye obshchestvo
oao: otkrytoe aktsionernoe obshchestvo | otkrytoye aktsionernoye obshchestvo
pao: publichnoe aktsionernoe obshchestvo | publichnoye aktsionernoye obshchestvo
fgup: federalnoe gosudarstvennoe unitarnoe predpriyatie | federalnoye gosudarstvennoye unitarnoye predpriyatiye
fsue: federal state unitary enterprise | federal sue
npp: nauchno proizvodstvennoe predpriyatie | nauchno proizvodstvennoye predpriyatiye
fau: federalnoe avtonomnoe uchrezhdenie | federalnoye avtonomnoye uchrezhdeniye | federal autonomous institution
fgbu: federalnoe gosudarstvennoe byudzhetnoe uchrezhdenie | federalnoye gosudarstvennoye byudzhetnoye uchrezhdeniye | federal state budgetary institution
fku: federalnoe kazennoe uchrezhdenie | federalnoye kazennoye uchrezhdeniye | federal government institution
ano: avtonomnaya nekommercheskaya organizatsiya | autonomous non commercial organization | autonomous nonprofit organization | autonomous non profit organization
gup: state unitary enterprise
llc: limited liability company | limited liability co | l l c | youxian zeren gongsi
jsc: joint stock company | joint stock co | joint-stock company | joint stock corporation | private joint stock company | private joint stock corporation | sherkat sahami khass | sherkat sahami aam | sherkat sahami
pjsc: public joint stock company
ojsc: open joint stock company
cjsc: closed joint stock company
plc: public limited company | p l c
llp: limited liability partnership
lp: limited partnership
ltd: limited company | private limited company | pvt ltd | private limited | limited sirketi | ltd sti | youxian gongsi
as: anonim sirketi
doo: drustvo sa ogranicenom odgovornoscu | d o o
inc: incorporated
kk: kabushiki kaisha | kabushiki gaisha
fze: free zone establishment
fzco: free zone company
sal: societe anonyme libanaise | s a l
sae: societe anonyme egyptienne | s a e
eood: ednolichno druzhestvo s ogranichena otgovornost
ood: druzhestvo s ogranichena otgovornost
cv: de capital variable | capital variable
srl: s de rl
spr: sociedad de produccion rural | spr de rl
scs: sociedad en comandita simple | sociedad en comandita | s en c
sac: sociedad anonima cerrada
cia: y cia | y compania
`

// tradeTails are words that add nothing to the word of trade before them:
// a shipping line's name is written with Shipping Lines or Shipping alone
// (KALAN KISH SHIPPING LINES, KALAN KISH SHIPPING CO), and Persian writes
// one word for both (Kashtirani). Each line is "word: tail tail ...". The
// tail is compared with nothing, but stays in the name's initials (IRISL).
const tradeTails = `
shipping: lines line
`

// stopWords are dropped everywhere, initials included; e and ye are the
// Persian ezafe that joins a word to the next (Hafez-e Darya, Daryay-e
// Aria), written as a word of its own once the hyphen is folded; ve and
// va are and in Turkish and Persian (Sanayi ve Ticaret, Tarh va Toseh), y
// in Spanish (Restaurant Folklor y Cantina, which as an initial had met
// The Yangon Restaurant).
const stopWords = `of the and for de del des du und et e ye fi ve va y`

// genericWords are kept but weigh little: the country and trade words that
// half the names on a DPRK or Iran list share, and name particles and
// titles (Shaykh, Mullah, Mawlawi, Ustad, Haji, Dr) and military ranks
// (Marshal, Gen., Col.; not Major, a surname too), which one listing of a
// person gives and another leaves out, and the words that name the kind
// of institution in several languages (establishment and Anstalt,
// directorate and department, plant, works, zavod and kombinat; foundation,
// charity and welfare, mu'assasa and bonyad), which translations of one
// organisation's name render differently.
const genericWords = `korea korean dprk dprkn north iran iranian islamic republic democratic people peoples
international trading trade group joint venture stock holding holdings enterprise enterprises
industrial industries industry jv bank banking foundation organization organisation association society
front movement brigade brigades battalion center centre institute committee council exchange services
establishment anstalt directorate department administration authority office plant factory works kombinat zavod agency bureau
charitable relief
al el ul bin ibn bint ben ould abu abou haji haj hajji seyed sheikh shaikh shaykh mullah mulla mawlawi maulvi
maulavi qari ustad ustadh mr mrs ms messrs dr doctor prof professor
marshal gen colonel col brigadier lieutenant lt captain capt admiral commander sgt comrade`

// tradeWords mark an organisation's name, besides legal forms: a name with
// one is not a person's, whose fuller forms add given names and
// patronymics (see form.org).
const tradeWordList = `bank banking trading trade group holding holdings enterprise enterprises industrial
industries industry company corporation shipping lines logistics services service fund trust
insurance investment investments capital finance financial exchange import export foundation
organization organisation association society institute ministry department office centre
center bureau agency committee council university academy factory plant works mining
development commercial general national international maritime marine air airlines airways
petroleum petrochemical energy oil gas chemical chemicals technology technologies
engineering construction manufacturing electronics machinery equipment brigade brigades
battalion army front movement party network associated associates management
transport transportation freight cargo aviation products solutions partners ventures`

// tradeAdjectives are the words of trade that qualify an organisation's
// kind rather than name another (a commercial bank is a bank).
var tradeAdjectives = map[string]bool{"commercial": true, "international": true, "general": true, "national": true, "industrial": true, "financial": true, "maritime": true, "marine": true}

// chainWords join a person to a parent: in a name with one, the order of
// the names tells father from son (Salman bin Mohammad is not Mohammad bin
// Salman).
const chainWordList = `bin ibn bint ben ould`

// translationTable gives words of an organisation's name that another
// language's name translates, where the word is a proper name too and so
// is not folded by variants: "english: word word". A query's word aligns
// with the listed English word as one word (Sherkat-e Melli-ye Naft-e Iran,
// National Iranian Oil Company), but not the other way round: the lists
// write Bank Melli as it is, Melli is a surname, and a National Bank is not
// Bank Melli.
const translationTable = `
national: melli
`

// nicknameTable gathers given names with their short forms and their
// spellings in other languages; a word may be in several groups (Ted is
// Theodore and Edward). Each line is one group. A name and its nickname
// align as one word.
const nicknameTable = `
theodore ted teddy theo fyodor fedor fedir
edward ted ed eddie ned
william bill billy will willy wilhelm guillermo
robert bob bobby rob robbie
richard dick rick ricky rich
james jim jimmy jamie
benjamin bibi ben benny binyamin
katherine kate katie kathy catherine katharine kathryn ekaterina yekaterina kateryna katerina katya
margaret maggie peggy meg
elizabeth liz beth betty eliza elisabeth yelizaveta
alexander alex sasha aleksandr alexandr oleksandr aliaksandr alyaksandr aleksander alexandre alejandro iskander iskandar
alexandra sasha aleksandra oleksandra
peter pete petr pyotr piotr petro pierre pedro
michael mike mikhail mykhailo michel miguel
nicholas nick nikolai nikolay mykola mikalai nicolas
dmitri dmitry dmitriy dzmitry dmytro dima
yuri yury yuriy jurij jury iouri yurii
sergei sergey serhiy serhii sergiy siarhei serghei serghiei serge
vladimir volodymyr uladzimir vova
andrei andrey andriy andrii andrew
vasili vasily vasiliy vasyl
evgeny yevgeny yevgeniy evgeni evgenii yevhen yauhen eugene
anatoly anatoliy anatolii
gennady gennadiy gennadii hennadiy
grigory grigoriy hryhoriy ryhor gregory
igor ihor
konstantin kostya kostiantyn kostyantyn kanstantsin costantin
aleksei alexey alexei aleksey oleksiy oleksii olexiy aliaksei alexis
pavel paul pavlo paval
mikhail misha
ivan vanya
olga olha volha
viktor victor viktar
anthony tony antonio anton
joseph joe josef
francisco pancho paco
jose pepe chepe
jesus chuy chucho
eduardo lalo
ignacio nacho
guillermo memo
alberto beto
roberto beto
guadalupe lupe
antonio tono
enrique quique kike
rafael rafa
alfonso poncho
ramon moncho
salvador chava
manuel manolo
rosario charo
concepcion concha
dolores lola
patricia patty patsy trish
`

// common are family names and given-name parts so frequent among Korean and
// Persian names that two of them matching say little: a name made only of
// them, such as Mohammad Ali or Kim Yong, is never read as a partial match of
// a longer one. Two of them that the key does not fold together are two
// names, never one misspelt (Myong and Kyong, Hassan and Hossein; see sim).
// Spellings are canonical.
const common = `kim ri pak choe jo jong kang jang han oh yun im sin so ryu ro hwang hong song mun
chon jon ko ku ju paek pae cha ra ho son yu min woo chu chi ji ryang ryom kwak
il nam chol yong su jin hyok myong kwang chun sok won hak man chang sik ok hui
ryong sun hae bok gil kil bom pom dae tae thae hwa hun gun guk kuk gyu kyu kyong
jun jae je se sam ung un pyong tok to pong bong sop chan gon hyon hyong ryol yon
hwan kum rim sang wan uk thaek nyo nyong mi hye tong
mohammad ali reza hossein hassan ahmad mahmoud abbas amir mehdi javad mohsen
abdollah ebrahim esmail qasem hamid saeed jafar yousef morteza mostafa karim
akbar asghar naser rasoul seyed gholam gholamreza alireza hosseini abdul abd`

// countryWords returns the words of the English names of the ISO 3166
// countries, as golang.org/x/text names them (Laos, Syria, South Korea),
// folded, without the words that name no one country (south, united,
// islands). A country's name in an organisation's says where it is, not
// which it is: the Bank of Laos and a Laos trading bank are not one.
func countryWords() []string {
	skip := map[string]bool{}
	for _, w := range strings.Fields(`and of the south north east west united states kingdom republic
democratic people peoples new saint st island islands federated federation central african arab
sar china kinshasa brazzaville outlying us british virgin heard mcdonald minor territories
equatorial guinea french polynesia caledonia sao tome principe isle man
martin vincent lucia helena jordan chad georgia salvador israel barthelemy christmas
norfolk marshall cook ivory coast cape verde`) {
		skip[w] = true
	}
	names := display.English.Regions()
	var ws []string
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			r, err := language.ParseRegion(string([]rune{a, b}))
			if err != nil || !r.IsCountry() {
				continue
			}
			for _, w := range fold(names.Name(r)) {
				if len(w.s) >= 3 && !skip[w.s] {
					ws = append(ws, w.s)
				}
			}
		}
	}
	return ws
}

type phrase struct {
	words []string
	canon string
}

var (
	longLegal   []string // legal-form words of seven letters or more
	canon       = map[string]string{}
	classes     = map[string]class{}
	commonNames = map[string]bool{}
	phrases     = map[string][]phrase{} // by first word
	tradeWords  = map[string]bool{}
	countries   = map[string]bool{}   // the words of countries' names
	tails       = map[string]string{} // a tail and the word of trade it follows
	chainWords  = map[string]bool{}
	nicknames   = map[string][]uint16{} // the groups of each name
	// translated gives the listed English word a query's word of
	// translationTable translates.
	translated = map[string]string{}
)

func init() {
	readTable(variants, canon)
	// Persian and Arabic words ending in a vowel are romanised with a
	// final h or without it (rasaneh, rasane; khayriyya, khayriyyah): a
	// variant of one spelling is a variant of the other, unless that is a
	// word of the table already. Korean syllables (suh, su) are other
	// names: the rule starts at four letters without the h.
	for v, c := range maps.Clone(canon) {
		n := len(v)
		other := v + "h"
		if v[n-1] == 'h' && isVowel(v[n-2]) {
			other = v[:n-1]
		} else if !isVowel(v[n-1]) {
			continue
		}
		if len(other) < 4 {
			continue
		}
		if _, ok := canon[other]; !ok && other != c {
			canon[other] = c
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
	for _, w := range countryWords() {
		if _, ok := classes[w]; !ok {
			classes[w] = generic
		}
		countries[w] = true
	}
	for _, w := range strings.Fields(common) {
		commonNames[w] = true
	}
	for line := range strings.SplitSeq(legalPhraseTable, "\n") {
		c, ps, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		c = strings.TrimSpace(c)
		classes[c] = legal
		for p := range strings.SplitSeq(ps, "|") {
			ws := strings.FieldsFunc(p, func(r rune) bool { return r == ' ' || r == '-' })
			phrases[ws[0]] = append(phrases[ws[0]], phrase{ws, c})
		}
	}
	readTable(tradeTails, tails)
	for _, w := range strings.Fields(tradeWordList) {
		tradeWords[w] = true
	}
	for _, w := range strings.Fields(chainWordList) {
		chainWords[w] = true
	}
	// A spelling the variants fold is what its canonical word is: Intl a
	// generic word as International is, bonyad a generic word of trade as
	// foundation is. A class of its own stands.
	for v, c := range canon {
		if cl, ok := classes[c]; ok {
			if _, own := classes[v]; !own {
				classes[v] = cl
			}
		}
		if tradeWords[c] {
			tradeWords[v] = true
		}
	}
	g := uint16(0)
	for line := range strings.SplitSeq(nicknameTable, "\n") {
		ws := strings.Fields(line)
		if len(ws) == 0 {
			continue
		}
		g++
		for _, w := range ws {
			nicknames[w] = append(nicknames[w], g)
		}
	}
	readTable(translationTable, translated)
}

// readTable reads the lines "head: word word ..." of a table into m, each
// word to its head.
func readTable(table string, m map[string]string) {
	for line := range strings.SplitSeq(table, "\n") {
		head, ws, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		for _, w := range strings.Fields(ws) {
			m[w] = strings.TrimSpace(head)
		}
	}
}
