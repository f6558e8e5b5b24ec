package items

import (
	"slices"
	"strconv"
	"strings"
)

// annexRule is one rule of a control list's structure: an item of the MTCR
// Annex or a category of the UN Register of Conventional Arms, what it
// covers, and how a declared item is recognised as one: by HS code prefix,
// by a case-insensitive RE2 pattern on its description, or, when both are
// given, by both at once (an HS heading that covers the item among others,
// narrowed by the description).
type annexRule struct {
	item    string // the Annex sub-item (3.A.1) or Register category (VII)
	what    string
	hs      []string // digits
	pattern string
}

// mtcrAnnex follows the structure of the MTCR Equipment, Software and
// Technology Annex: Category I items 1 (complete delivery systems) and 2
// (complete subsystems), Category II items 3 to 20. It holds the goods an
// export declaration may carry, as surety reads them from a description and
// HS code; software and technology are not goods. The HS codes are those of
// HS 2022 (8807 for parts of spacecraft and launch vehicles, which HS 2017
// numbered 8803, kept for declarations under the older edition). An HS
// heading that covers much besides the item is narrowed by a pattern; a
// subheading that names the item (8411.11, 8411.12: turbojets and turbofans)
// is enough alone, as is a description that names it under any code, and the
// inspector checks the Annex's parameters (range, payload, thrust, particle
// size) at the post. The goods a missile programme buys abroad most
// (complete missiles, rocket motors, gyroscopes and accelerometers,
// propellants and their chemicals) are read in French, Spanish, Portuguese,
// Italian and German too, in which trade papers name them ("perclorato de
// amonio", "moteur-fusée"): written in another Latin-script language, they
// read to the English patterns as nothing at all. The chemicals are read by
// their CAS Registry Numbers too, which trade papers give beside or instead
// of a name, and ammonium perchlorate by its CAS index name (perchloric
// acid, ammonium salt): hydrazine 302-01-2, UDMH 57-14-7, MMH 60-34-4,
// dinitrogen tetroxide 10544-72-6, ammonium perchlorate 7790-98-9, ammonium
// dinitramide 140456-78-6, RDX 121-82-4, HMX 2691-41-0, CL-20 135285-90-4,
// hydrazinium nitroformate 20773-28-8, HTPB 69102-90-5 (TestCASNumbers
// checks their check digits). So are the trade and trivial names of the
// liquid propellants a missile programme that buys Soviet-pattern engines
// writes: heptyl (geptil, the Russian name of UDMH), Dimazine (a trade name
// of UDMH), Aerozine 50 (hydrazine and UDMH half and half), AK-27I and
// AK-27P (nitric acid with 27 % dinitrogen tetroxide, inhibited: red fuming
// nitric acid), and VascoMax, a trade name of maraging steels.
var mtcrAnnex = []annexRule{
	{"1.A.1", "complete rocket systems: ballistic missiles, space launch vehicles, sounding rockets", nil,
		`ballistic missile|missile balistique|misil bal[ií]stico|ballistische rakete|missile balistico|space launch vehicle|satellite launch vehicle|sounding rocket|carrier rocket|\b(scud|rodong|ro-dong|nodong|no-dong|hwasong|musudan|taepodong|unha|shahab|ghadr|sejjil|khorramshahr)\b`},
	{"1.A.1", "complete rocket systems: launch vehicles under HS 8802.60", []string{"880260"}, `launch vehicle|rocket|missile`},
	{"1.A.2", "complete unmanned aerial vehicle systems, including cruise missiles", nil, `cruise missile|land[- ]attack missile|anti[- ]ship missile`},
	{"2.A.1.a", "individual rocket stages", nil, `(rocket|missile) stage|(first|second|third|upper) stage`},
	{"2.A.1.b", "re-entry vehicles", nil, `re-?entry vehicle|heat ?shield`},
	{"2.A.1.c", "rocket engines and motors", nil, `rocket (motor|engine)|moteur[- ](de )?fus[eé]e|motor (de )?cohete|raketen(motor|triebwerk)|motore a razzo|motor de foguete`},
	{"2.A.1.c", "rocket engines: reaction engines under HS 8412.10", []string{"841210"}, `rocket|missile|liquid[- ]propellant|solid[- ]propellant`},
	{"2.A.1.d", "guidance sets", nil, `guidance (set|system|section)`},
	{"2.A.1.e", "thrust vector control subsystems: jet vanes, thrust tabs", nil, `thrust vector|\bjet vanes?\b|\bthrust tabs?\b`},
	{"2.A.1.f", "weapon or warhead safing, arming, fuzing and firing mechanisms", nil, `(safing|arming)[, ]+(and )?(arming|fuzing|firing)`},
	{"2.A.1", "parts of launch vehicles and missiles under HS 8807 (8803 before HS 2022)", []string{"8807", "8803"}, `rocket|missile|launch vehicle|re-?entry|stage|nose ?cone|fairing`},
	{"3.A.1", "turbojet and turbofan engines", []string{"841111", "841112"}, ""},
	{"3.A.1", "turbojet and turbofan engines", nil, `turbo[- ]?(jet|fan)`},
	{"3.A.2", "ramjet, scramjet, pulse jet and combined cycle engines", nil, `ram ?jet|scram ?jet|pulse ?jet|combined[- ]cycle engine`},
	{"3.A.3", "rocket motor cases, their insulation and nozzles", nil, `motor case|rocket nozzle|nozzle throat|case insulation`},
	{"3.A.4", "staging and separation mechanisms and interstages", nil, `separation mechanism|staging mechanism|interstage`},
	{"3.A.5", "liquid propellant control systems and turbopumps", nil, `turbo ?pump|propellant (control|feed) (system|valve)`},
	{"3.A.8", "liquid propellant tanks", nil, `propellant tank`},
	{"3.A.10", "combustion chambers and nozzles for rocket engines", nil, `combustion chamber`},
	{"3.B.3", "flow-forming machines", nil, `flow[- ]?form(ing)? machine|flow[- ]?forming|spin[- ]?forming machine|shear[- ]spinning`},
	{"4.B.3", "propellant production equipment: mixers and mills", nil, `(batch|continuous|propellant) mixer|fluid energy mill`},
	{"4.C.1", "composite and double-base propellants", nil, `composite propellant|double[- ]base propellant|solid propellant|rocket propellant|propergol|propulsante s[oó]lido|propelente s[oó]lido|festtreibstoff|propellente solido`},
	{"4.C.2", "fuel substances: rocket and missile fuels", nil, `(rocket|missile) fuel`},
	{"4.C.2.a", "hydrazine", nil, `\bhydrazine?\b|\bhidracina\b|\bidrazina\b|\b302-01-2\b`},
	{"4.C.2.b", "hydrazine derivatives: UDMH, MMH", nil, `\budmh\b|\b(heptyl|geptil|dimazine|aerozine)\b|dim[eé]thyl[- ]?hydrazine?|hydrazine,? 1,1-dimethyl|hydrazine,? methyl\b|dimetil[- ]?h?idra[cz]i?na|\bmmh\b|monomethyl[- ]?hydrazine|\b(57-14-7|60-34-4)\b`},
	{"4.C.2.c", "aluminium powder", []string{"7603"}, ""},
	{"4.C.2.c", "aluminium powder", nil, `alumin(i)?um powder|powdered alumin(i)?um|spherical alumin(i)?um`},
	{"4.C.2.d", "zirconium, beryllium, magnesium and boron powders", nil, `(zirconium|beryllium|magnesium|boron) powder`},
	{"4.C.4.a", "liquid oxidisers: nitrogen tetroxide, red fuming nitric acid", nil, `nitrogen tetroxide|t[eé]troxyde d'azote|tetr[oó]xido de nitr[oó]geno|di ?stickstoff ?tetroxid|tetrossido di azoto|\bn2o4\b|red fuming nitric acid|nitric acid,? (inhibited )?red fuming|acide nitrique fumant|[aá]cido n[ií]trico fumante|rauchende salpeters[aä]ure|\bi?rfna\b|\bak-?27[ip]?\b|mixed oxides of nitrogen|\b10544-72-6\b`},
	{"4.C.4.b", "solid oxidisers: ammonium perchlorate, ammonium dinitramide, RDX, HMX", nil, `ammonium ?perchlorat(e)?|perchlorate of ammonium|perchlorate d'ammonium|perclorato de am[oô]ni[oa]|perclorato di ammonio|perchloric acid,? ammonium salt|ammonium salt of perchloric acid|\bnh4clo4\b|ammonium dinitramide|\b(hmx|rdx|cl-?20)\b|hexogen|cyclonite|octogen|cyclotrimethylene[- ]?trinitramine|cyclotetramethylene[- ]?tetranitramine|hexahydro-?(1,3,5-)?trinitro-?(1,3,5-)?(s-)?triazine|triazine,? hexahydro-?(1,3,5-)?trinitro|octahydro-?(1,3,5,7-)?tetranitro-?(1,3,5,7-)?tetrazocine|tetrazocine,? octahydro-?(1,3,5,7-)?tetranitro|hydrazinium nitroformate|\b(7790-98-9|140456-78-6|121-82-4|2691-41-0|135285-90-4|20773-28-8)\b`},
	{"4.C.4.b", "solid oxidisers: perchlorates under HS 2829.90", []string{"282990"}, `perchlorate`},
	{"4.C.5", "polymeric binders: HTPB, CTPB", nil, `\b(htpb|ctpb)\b|(hydroxyl?|carboxy|carboxyl)[- ]?terminated polybutadiene|(poly)?butadiene,?( homopolymer,?)? (hydroxyl?|carboxy|carboxyl)[- ]?terminated|\b69102-90-5\b`},
	{"6.B.1", "filament winding, fibre placement and tape laying machines", nil, `filament[- ]?wind(ing|er)|fib(er|re)[- ]placement|tape[- ]laying`},
	{"6.C.1", "resin-impregnated fibre prepregs", nil, `prepreg|pre-?impregnated`},
	{"6.C.2", "resaturated pyrolised (carbon-carbon) materials", nil, `carbon[- ]carbon (composite|material|preform|billet|component|part|nozzle|throat|exit cone|nose ?tip|brake|disc)`},
	{"6.C.8", "maraging steel", nil, `maraging|\bvascomax\b`},
	{"9.A.3", "gyroscopes and accelerometers", nil, `gyroscope|\bgyros?\b|accelerometer|giroscopio|gyroskop|acc[eé]l[eé]rom[eè]tre|aceler[oó]metro|accelerometro|beschleunigungs(sensor|messer)`},
	{"9.A.6", "inertial navigation and measurement systems", nil, `inertial (navigation|measurement|reference)|\bimus?\b`},
	{"9.A.6", "navigation instruments for missiles under HS 9014.20", []string{"901420"}, `inertial|gyro|guidance|missile|rocket`},
	{"10.A.1", "flight control systems and servo valves", nil, `flight control system|servo[- ]?valve`},
	{"11.A.1", "radar altimeters", nil, `radar altimeter`},
	{"12.A.1", "launch support equipment: transporter-erector-launchers", nil, `transporter[- ]erector|\btel\b|erector[- ]launcher|missile launcher|launch (canister|rail)`},
	{"14.A.1", "analogue-to-digital converters", nil, `analog(ue)?[- ]to[- ]digital converter`},
	{"15.B", "test equipment: vibration test systems, wind tunnels, rocket motor test stands", nil, `vibration test|shaker table|wind tunnel|(rocket|motor|engine) test (stand|bench)|thermal vacuum chamber`},
	{"17.C.1", "materials for reduced observables", nil, `radar[- ]absorb|stealth coating`},
	{"18.A.1", "radiation-hardened microcircuits", nil, `radiation[- ]hard`},
	{"19.A.2", "unmanned aerial vehicles for weapons delivery", nil, `unmanned combat|loitering munition|attack drone`},
}

// unRegister follows the seven categories of the UN Register of
// Conventional Arms. Small arms and light weapons are not in categories
// I–VII: pistols and revolvers (9302), sporting and hunting rifles and
// shotguns (9303), air guns (9304), their parts and their cartridges are
// not Register arms, and no rule here names them.
var unRegister = []annexRule{
	{"I, II", "battle tanks and armoured combat vehicles", []string{"8710"}, ""},
	{"I", "battle tanks", nil, `battle tank`},
	{"II", "armoured combat vehicles", nil, `armou?red (combat|personnel|fighting) vehicle|infantry fighting vehicle`},
	{"III", "large-calibre artillery systems", []string{"930110"}, ""},
	{"III", "large-calibre artillery systems", nil, `howitzer|artillery|multiple (launch )?rocket (launcher|system)|\bmlrs\b|field gun`},
	{"III", "mortars", []string{"93"}, `\bmortar`},
	{"IV", "combat aircraft and unmanned combat aerial vehicles", nil, `combat aircraft|fighter (jet|aircraft)|bomber aircraft|unmanned combat`},
	{"IV", "combat aircraft under HS 88", []string{"88"}, `military|fighter|combat|bomber`},
	{"V", "attack helicopters", nil, `attack helicopter|helicopter gunship|combat helicopter`},
	{"VI", "warships", []string{"890610"}, ""},
	{"VI", "warships", nil, `warship|frigate|corvette|destroyer|submarine`},
	{"VII", "missiles and missile launchers", []string{"930120"}, ""},
	{"VII", "missiles and missile launchers", []string{"930690"}, `missile|rocket`},
	{"VII", "missiles and missile launchers", nil, `missile launcher|guided missile|\bmanpads\b|man-portable air`},
}

// compiled is an annex rule ready to match.
type compiled struct {
	annexRule
	source string // "MTCR" or "UN Register"
	pat    *pattern
}

var (
	mtcrCompiled     = compile("MTCR", mtcrAnnex)
	registerCompiled = compile("UN Register", unRegister)
)

func compile(source string, rules []annexRule) []compiled {
	out := make([]compiled, len(rules))
	for i, r := range rules {
		out[i] = compiled{annexRule: r, source: source}
		if r.pattern != "" {
			p := newPattern(r.pattern)
			if p == nil {
				panic("items: annex pattern " + r.pattern + " does not compile")
			}
			out[i].pat = p
		}
	}
	return out
}

// annexRules returns the rules of the control list a category cites: the
// MTCR Annex items by number, the Register categories by numeral.
func annexRules(mtcr []int, register []string) []*compiled {
	var out []*compiled
	for i := range mtcrCompiled {
		r := &mtcrCompiled[i]
		n, _ := strconv.Atoi(strings.SplitN(r.item, ".", 2)[0])
		if slices.Contains(mtcr, n) {
			out = append(out, r)
		}
	}
	for i := range registerCompiled {
		r := &registerCompiled[i]
		if slices.ContainsFunc(strings.Split(r.item, ", "), func(c string) bool { return slices.Contains(register, c) }) {
			out = append(out, r)
		}
	}
	return out
}

// match reports whether the rule fires on a description and HS code, and
// the text of the description its pattern matched.
func (r *compiled) match(code, desc, lower string) (string, bool) {
	if len(r.hs) > 0 && !slices.ContainsFunc(r.hs, func(h string) bool { return strings.HasPrefix(code, h) }) {
		return "", false
	}
	if r.pat == nil {
		return "", true
	}
	loc := r.pat.find(desc, lower)
	if loc == nil {
		return "", false
	}
	return desc[loc[0]:loc[1]], true
}

// rule writes what fired, as in "MTCR 3.A.1 turbojet and turbofan engines
// (hs_prefix 841111)"; the text a pattern matched is Match.Matched.
func (r *compiled) rule(code string) string {
	s := r.source + " " + r.item + " " + r.what
	for _, h := range r.hs {
		if strings.HasPrefix(code, h) {
			return s + " (hs_prefix " + h + ")"
		}
	}
	return s
}
