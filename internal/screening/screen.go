package screening

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/decimal"
	"github.com/surety/surety/internal/screening/glyphs"
	"github.com/surety/surety/internal/screening/items"
	"github.com/surety/surety/internal/screening/lists"
	"github.com/surety/surety/internal/screening/names"
)

// Context is what a declaration is screened against: the agreement, the
// lists and relief in force, and the declaration's own history, all as of
// the declaration's position in the log.
type Context struct {
	Spec *agreement.Spec
	// Rules are the agreement's controlled-item categories, compiled once
	// with items.Compile; nil when the agreement has none.
	Rules *items.Rules
	// Index holds the names of the list editions in force; nil when none
	// has been adopted.
	Index *names.Index
	// Nomenclature, when set, names declared HS codes in the words of HS
	// 2022. The log's projection leaves it nil, so that a replay depends on
	// nothing outside the log.
	Nomenclature *items.Nomenclature
	// Lifted are the Refs lifted by sanctions relief.
	Lifted map[string]bool
	// InForce are the obligations in force at the declaration's log time.
	InForce []agreement.Obligation
	// Late is set when the declaration was made after departure or inside
	// the lead time.
	Late bool
	// Amendments is how many times the declaration has been amended.
	Amendments int
}

// Result is a declaration's screening: its risk, the reasons for it, and
// what each party and item matched.
type Result struct {
	// Risk is in [0, 1], rounded to six decimals.
	Risk float64 `json:"risk"`
	// Reasons are the signals that fired, in the order of Screen's formula.
	Reasons []Reason `json:"reasons"`
	// Names are the parties' hits on the lists, by role.
	Names []NameHit `json:"names,omitempty"`
	// Items are the items that fell in a controlled category or whose
	// description does not fit their HS code.
	Items []ItemResult `json:"items,omitempty"`
	// Flags are the signals that fired, sorted.
	Flags []string `json:"flags"`
}

// NameHit is a hit of one of the declaration's parties, or of its vessel,
// on a list.
type NameHit struct {
	// Role is consignor, consignee, end_user or vessel.
	Role string `json:"role"`
	names.Hit
	// Identity says whether the party's date of birth, identifier or
	// country confirms the hit or clears it; for a vessel, whether its IMO
	// number does.
	Identity *Identity `json:"identity,omitempty"`
}

// ItemResult is what screening found about one item.
type ItemResult struct {
	// Index is the item's index in the declaration.
	Index    int             `json:"index"`
	Matches  []items.Match   `json:"matches,omitempty"`
	Mismatch *items.Mismatch `json:"mismatch,omitempty"`
	// Unread says which words of the description are in another script,
	// which the item rules and the HS check do not read, as in "Cyrillic:
	// перхлорат аммония".
	Unread string `json:"unread,omitempty"`
}

// namesPerRole is how many hits Screen keeps for each party: the best
// speaks for the risk, and two more let the inspector see what else the
// name is near.
const namesPerRole = 3

// Screen screens a declaration and scores its risk as the package
// documentation describes. It is deterministic: the same declaration and
// context give a Result with the same JSON bytes.
func Screen(d Declaration, c Context) Result {
	spec := c.Spec
	if spec == nil {
		spec = &agreement.Spec{}
	}
	w := spec.Verification.Sampling.Weights
	var r Result

	// Names, the vessel, and look-alike letters.
	r.Names, r.Reasons = c.parties(d, spec)
	if x, why := mixedScript(d); why != nil {
		r.Reasons = append(r.Reasons, weigh(SignalMixed, w.ListHit, x, strings.Join(why, "; ")))
	}

	// Items.
	var hit, mismatched []string
	for i, it := range d.Items {
		ir := ItemResult{Index: i}
		if c.Rules != nil {
			ir.Matches = c.Rules.Classify(it.Description, it.HSCode)
		}
		check := items.Check
		if c.Nomenclature != nil {
			check = c.Nomenclature.Check
		}
		if m, ok := check(it.Description, it.HSCode); ok {
			ir.Mismatch = &m
			mismatched = append(mismatched, fmt.Sprintf("items[%d]: %s", i, m.Why))
		}
		// Words the rules cannot read count as a mismatch: an evader who
		// names the goods in another script ("перхлорат аммония" under
		// 3824.90) would otherwise pass both the item rules and the HS
		// check. The agreement's declarations describe goods in English.
		if script, words := glyphs.Foreign(it.Description); words != nil {
			text := strings.Join(words, " ")
			ir.Unread = script + ": " + text
			mismatched = append(mismatched, fmt.Sprintf("items[%d]: %q is written in %s script, which the item rules and the HS check do not read; describe the goods in English", i, text, script))
		}
		if ir.Matches == nil && ir.Mismatch == nil && ir.Unread == "" {
			continue
		}
		if ir.Matches != nil {
			hit = append(hit, fmt.Sprintf("items[%d] %q (HS %s) falls in %s", i, it.Description, it.HSCode, categories(ir.Matches)))
		}
		r.Items = append(r.Items, ir)
	}
	if hit != nil {
		r.Reasons = append(r.Reasons, weigh(SignalItem, w.ItemHit, 1, strings.Join(hit, "; ")))
	}
	if mismatched != nil {
		r.Reasons = append(r.Reasons, weigh(SignalMismatch, w.Mismatch, 1, strings.Join(mismatched, "; ")))
	}

	// Destination and route.
	if ps := prohibited(d, c.InForce, r.Items); ps != nil {
		r.Reasons = append(r.Reasons, weigh(SignalDestination, w.Destination, 1, strings.Join(ps, "; ")))
	}
	if ts := transshipped(d, w.Transshipment); ts != nil {
		r.Reasons = append(r.Reasons, weigh(SignalRoute, w.Route, 1, "transit through "+strings.Join(ts, ", ")+", listed for transshipment"))
	}
	if elsewhere(d) {
		r.Reasons = append(r.Reasons, weigh(SignalEndUser, w.EndUser, 1,
			fmt.Sprintf("end user %q is in %s, consignee %q in %s", d.EndUser.Name, d.EndUser.Country, d.Consignee.Name, d.Consignee.Country)))
	}

	// History.
	if c.Late {
		r.Reasons = append(r.Reasons, weigh(SignalLate, w.Late, 1, "declared after departure or inside the lead time"))
	}
	if c.Amendments > 0 {
		x := min(1, float64(c.Amendments)/2)
		times := "times"
		if c.Amendments == 1 {
			times = "time"
		}
		r.Reasons = append(r.Reasons, weigh(SignalAmended, w.Amendment, x, fmt.Sprintf("amended %d %s; value min(1, %d/2)", c.Amendments, times, c.Amendments)))
	}

	var sum float64
	r.Flags = []string{}
	if r.Reasons == nil {
		r.Reasons = []Reason{}
	}
	for _, x := range r.Reasons {
		sum += x.Contribution
		r.Flags = append(r.Flags, x.Signal)
	}
	slices.Sort(r.Flags)
	r.Risk = decimal.Round6(min(1, sum))
	return r
}

// parties screens the parties' names, their identifiers and the vessel
// against the index, and returns their hits and the list reason: its value
// is the best score of a hit not cleared, 1 for a hit confirmed by a date of
// birth, an identifier or a country, or by a vessel's IMO number.
func (c Context) parties(d Declaration, spec *agreement.Spec) ([]NameHit, []Reason) {
	if c.Index == nil {
		return nil, nil
	}
	threshold := cmp.Or(spec.Verification.MatchThreshold, names.DefaultThreshold)
	var out []NameHit
	var best float64
	var said []string
	note := func(role, what string, h NameHit) {
		// A name that extends a listed organisation's (names.Query.Related)
		// is another organisation, perhaps the listed one's branch,
		// subsidiary or front: it counts for its score of 0.5.
		verb := "matches"
		if h.Why.Extends {
			verb = "extends"
		}
		switch {
		case h.Identity != nil && h.Identity.Status == Cleared:
			said = append(said, fmt.Sprintf("%s %s would match %s %s %s at %.3f (%s), but is cleared: %s", role, what, h.Source, h.Ref, h.Name, h.Score, h.Why, h.Identity.Why))
			return
		case h.Identity != nil && h.Identity.Status == Confirmed:
			best = 1
			said = append(said, fmt.Sprintf("%s %s %s %s %s %s at %.3f (%s), confirmed: %s", role, what, verb, h.Source, h.Ref, h.Name, h.Score, h.Why, h.Identity.Why))
		default:
			best = max(best, h.Score)
			said = append(said, fmt.Sprintf("%s %s %s %s %s %s at %.3f (%s)", role, what, verb, h.Source, h.Ref, h.Name, h.Score, h.Why))
		}
	}
	seen := map[string][]names.Hit{}
	for _, p := range []struct {
		role  string
		party Party
	}{{"consignor", d.Consignor}, {"consignee", d.Consignee}, {"end_user", d.EndUser}} {
		role := strings.ReplaceAll(p.role, "_", " ")
		if id := strings.TrimSpace(p.party.ID); id != "" {
			for _, typ := range partyIDs {
				for _, h := range c.Index.Identified(typ, id, c.Lifted) {
					nh := NameHit{Role: p.role, Hit: h, Identity: &Identity{Confirmed, "identifier " + id + " is the listed " + typ}}
					out = append(out, nh)
					note(role, fmt.Sprintf("%q by identifier", p.party.Name), nh)
				}
			}
		}
		// The party's name and the names it joins, whose particulars the
		// declaration gives, and the name its address says it is in care
		// of or acts for, whose particulars it does not.
		all := joined(p.party.Name)
		if other, how := careOf(p.party.Address); other != "" {
			all = append(all, named{other, fmt.Sprintf("%q (%s, in its address)", other, how), false})
		}
		for _, n := range all {
			if strings.TrimSpace(n.name) == "" {
				continue
			}
			hits, ok := seen[n.name]
			if !ok {
				hits = c.Index.Search(names.Query{Name: n.name, Limit: namesPerRole, Threshold: threshold, Lifted: c.Lifted, Related: true})
				seen[n.name] = hits
			}
			what := n.what
			spoken := false
			for _, h := range hits {
				nh := NameHit{Role: p.role, Hit: h}
				if n.own {
					if id := identify(p.party, c.Index.Entry(h)); id.Status != "" {
						nh.Identity = &id
					}
				}
				out = append(out, nh)
				// The best hit not cleared speaks for the name, and so do
				// the hits its particulars confirm or clear.
				if nh.Identity != nil || !spoken {
					note(role, what, nh)
					spoken = spoken || nh.Identity == nil || nh.Identity.Status == Confirmed
				}
			}
		}
	}
	// The vessel: by its IMO number among listed vessels' numbers, and by
	// its name among listed vessels, cleared when the listed vessel's IMO
	// number is another.
	if imo := d.Carrier.IMO; imo != "" {
		for _, h := range c.Index.Identified(lists.IMO, imo, c.Lifted) {
			nh := NameHit{Role: "vessel", Hit: h, Identity: &Identity{Confirmed, "IMO " + imo + " is the listed vessel's"}}
			out = append(out, nh)
			note("vessel", fmt.Sprintf("%q (IMO %s)", d.Carrier.Vessel, imo), nh)
		}
	}
	// A ship's former names are written beside its name (Orvel Star (ex
	// Salvor Star)): each is screened.
	if v := d.Carrier.Vessel; strings.TrimSpace(v) != "" {
		for _, n := range joined(v) {
			// The best hit of each entry, by the name with or without
			// the ship's number.
			var hits []names.Hit
			for _, name := range shipNames(n.name) {
				for _, h := range c.Index.Search(names.Query{Name: name, Limit: namesPerRole, Threshold: threshold, Lifted: c.Lifted, Kind: lists.Vessel}) {
					switch i := slices.IndexFunc(hits, func(x names.Hit) bool { return x.Ref == h.Ref }); {
					case i < 0:
						hits = append(hits, h)
					case h.Score > hits[i].Score:
						hits[i] = h
					}
				}
			}
			slices.SortStableFunc(hits, func(a, b names.Hit) int { return cmp.Compare(b.Score, a.Score) })
			for _, h := range hits {
				if slices.ContainsFunc(out, func(x NameHit) bool { return x.Role == "vessel" && x.Ref == h.Ref }) {
					continue
				}
				nh := NameHit{Role: "vessel", Hit: h}
				if id := vesselIdentity(d.Carrier.IMO, c.Index.Entry(h)); id.Status != "" {
					nh.Identity = &id
				}
				out = append(out, nh)
				note("vessel", n.what, nh)
			}
		}
	}
	if said == nil {
		return out, nil
	}
	return out, []Reason{weigh(SignalList, spec.Verification.Sampling.Weights.ListHit, best, strings.Join(said, "; "))}
}

// shipType is the designator of a ship's type that shipping writes before
// its name and the lists do not: M/V, MV or M.V. (motor vessel), M/T
// (motor tanker), M/S (motor ship), M/Y, SS (steamship), F/V, R/V, and the
// words vessel, ship and tanker.
var shipType = regexp.MustCompile(`(?i)^\s*(?:(?:m|f|r)\s*[/.]?\s*[vtsy]|s\s*[/.]?\s*s|vessel|ship|tanker)\b[\s.:]*`)

// shipSuffix is the word that Korean, Chinese and Japanese ship names end
// with, the ship's "number": Ho (호, 號, 号) and Maru (丸). Some listings
// write it (JANG JA SAN CHONG NYON HO), others not (CHONG CHON GANG).
var shipSuffix = regexp.MustCompile(`(?i)(?:\s+(?:ho|maru)|호|號|号|丸)\s*$`)

// shipNames returns the names a vessel's name is screened by: without the
// designator of its type (see shipName), and, when it ends with the ship's
// number (see shipSuffix), without that too: "Chong Chon Gang Ho", a word
// more of a common Korean name part, matched nothing of CHONG CHON GANG.
func shipNames(s string) []string {
	n := shipName(s)
	if loc := shipSuffix.FindStringIndex(n); loc != nil && utf8.RuneCountInString(strings.TrimSpace(n[:loc[0]])) >= 2 {
		return []string{n, n[:loc[0]]}
	}
	return []string{n}
}

// shipName returns a vessel's name without the designator of its type
// (see shipType): "MV CHONG CHON GANG", whose words are common Korean name
// parts, scored 0.5 against the listed CHONG CHON GANG with the MV beside
// them.
func shipName(s string) string {
	if n := shipType.ReplaceAllString(s, ""); strings.TrimSpace(n) != "" {
		return n
	}
	return s
}

// named is a name screened for a party or the vessel: what the reason
// calls it, and whether the party's particulars speak for it.
type named struct {
	name, what string
	own        bool
}

// joined returns a name and the names it joins (nameParts), each as the
// reasons call it; the particulars given with the name speak for all.
func joined(name string) []named {
	out := []named{{name, fmt.Sprintf("%q", name), true}}
	for _, part := range nameParts(name) {
		out = append(out, named{part, fmt.Sprintf("%q (in its name %q)", part, name), true})
	}
	return out
}

// nameParts returns the names a party's name joins, or nil: what it
// writes in brackets (Dalian Haitong Trading Co. (KOMID)), and, outside
// them, the names it joins with a slash, a semicolon, a bar, or a.k.a.,
// formerly, ex (a ship's former name), trading as, on behalf of, agent for
// and the like (Dalian Haitong Trading Co.; KOMID). A name joined to a
// listed one would otherwise extend it, or hide it. The name outside the
// brackets is not screened alone: its qualifier tells it apart (Bank X
// (France) is not Bank X (Germany)). Parts of fewer than three letters (the
// A of S/A) are left out.
func nameParts(name string) []string {
	if !strings.ContainsAny(name, "/;|([") && !marked(name, joinMarks) {
		return nil
	}
	var parts []string
	add := func(s string) {
		if s = strings.Trim(s, " ,.-:"); len(s) >= 3 {
			parts = append(parts, s)
		}
	}
	for _, m := range bracketed.FindAllStringSubmatch(name, -1) {
		for _, s := range joinMark.Split(m[1], -1) { // (ex Salvor Star)
			add(s)
		}
	}
	rest := bracketed.ReplaceAllString(name, " ")
	if split := joinMark.Split(rest, -1); len(split) > 1 {
		for _, s := range split {
			add(s)
		}
	}
	return parts
}

var (
	bracketed = regexp.MustCompile(`[(\[]([^)\]]*)[)\]]`)
	// joinMark is what joins two names of one party: a slash, a
	// semicolon, a bar, a word of joinWords or of careOfHow, or ex- before
	// a ship's former name.
	joinMark = regexp.MustCompile(`(?i)\s*(?:[/;|]|(?:^|\s)(?:` + alternation(append(slices.Clone(joinWords), careOfMarks()...)) + `)(?:[\s:]|$)|(?:^|\s)ex-)\s*`)
)

// joinWords say that a name is another name of the party beside it.
var joinWords = []string{"aka", "a.k.a", "a.k.a.", "also known as", "fka", "f.k.a", "f.k.a.", "formerly", "formerly known as",
	"previously", "trading as", "t/a", "d/b/a", "doing business as", "ex", "ex."}

// The marks as words, by which a text without any is passed over before
// the regular expressions look at it.
var (
	joinMarks = markWords(append(slices.Clone(joinWords), careOfMarks()...))
	careMarks = markWords(careOfMarks())
)

// markWords returns each mark's words.
func markWords(marks []string) [][]string {
	out := make([][]string, len(marks))
	for i, m := range marks {
		out[i] = strings.Fields(m)
	}
	return out
}

// marked reports whether s, in lower case, holds one of marks, word for
// word; the words of a mark are letters, slashes and dots (c/o, a.k.a.).
func marked(s string, marks [][]string) bool {
	ws := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && r != '/' && r != '.' })
	for i := range ws {
		for _, m := range marks {
			if i+len(m) <= len(ws) && slices.Equal(ws[i:i+len(m)], m) {
				return true
			}
		}
	}
	return false
}

// alternation writes words as the alternatives of a regular expression,
// the longest first, so that "attention of" is found before "attention".
func alternation(words []string) string {
	ws := slices.Clone(words)
	slices.SortStableFunc(ws, func(a, b string) int { return len(b) - len(a) })
	for i, w := range ws {
		ws[i] = regexp.QuoteMeta(w)
	}
	return strings.Join(ws, "|")
}

// careOf returns the name an address says its party is in care of, or
// acts for, or is for the attention of ("c/o Korea Mining Development
// Trading Corporation, Pyongyang", "on behalf of …", "attn …", "for
// account of …"), up to the next comma or semicolon, and how it says so;
// "" when it names none: a listed entity put in the address rather than the
// name is still screened.
func careOf(address string) (name, how string) {
	if !marked(address, careMarks) {
		return "", ""
	}
	m := careOfMark.FindStringSubmatch(address)
	if m == nil {
		return "", ""
	}
	mark := strings.ToLower(m[1])
	for _, h := range careOfHow {
		if slices.Contains(h.marks, mark) {
			how = h.how
		}
	}
	return strings.TrimSpace(m[2]), how
}

// careOfHow are the ways an address names another party, each with the
// marks that say it; a party's name may say them too (see joinMark).
var careOfHow = []struct {
	how   string
	marks []string
}{
	{"in care of", []string{"c/o", "care of"}},
	{"on behalf of", []string{"on behalf of", "o/b/o", "acting for", "agent for", "agents for", "agent of", "agents of"}},
	{"for the attention of", []string{"attn", "attn.", "attention", "attention of", "for the attention of", "fao"}},
	{"for account of", []string{"for account of", "f/a/o"}},
}

// careOfMarks returns the marks of careOfHow.
func careOfMarks() []string {
	var ms []string
	for _, h := range careOfHow {
		ms = append(ms, h.marks...)
	}
	return ms
}

// careOfMark finds a mark of careOfHow, not inside a word, and what follows
// it up to a comma, a semicolon or the line's end.
var careOfMark = regexp.MustCompile(`(?i)(?:^|[^a-z])(` + alternation(careOfMarks()) + `)[:\s]([^,;\n]*)`)

// partyIDs are the identifier types a party's ID is looked up as.
var partyIDs = []string{lists.Passport, lists.NationalID, lists.Registration, lists.TaxID}

// vesselIdentity clears a vessel's name hit when the listed vessel has an
// IMO number and it is not the declared one: ships' names repeat, their IMO
// numbers do not, and the number is painted on the hull for the inspector
// to check.
func vesselIdentity(imo string, e lists.Entry) Identity {
	var listed []string
	for _, id := range e.IDs {
		if id.Type == lists.IMO {
			listed = append(listed, id.Number)
		}
	}
	if imo == "" || listed == nil {
		return Identity{}
	}
	if slices.Contains(listed, imo) {
		return Identity{Confirmed, "IMO " + imo + " is the listed vessel's"}
	}
	return Identity{Cleared, fmt.Sprintf("declared IMO %s, listed IMO %s", imo, strings.Join(listed, ", "))}
}

// mixedScript returns 1 and what it found when a party's or the vessel's
// name, or an item's description, disguises a Latin word with look-alike
// letters of another script or invisible characters, or a name writes
// digits or a small l for letters.
func mixedScript(d Declaration) (float64, []string) {
	type text struct {
		what, s string
		name    bool
	}
	texts := []text{{"consignor", d.Consignor.Name, true}, {"consignee", d.Consignee.Name, true}, {"end user", d.EndUser.Name, true}, {"vessel", d.Carrier.Vessel, true}}
	for i, it := range d.Items {
		texts = append(texts, text{fmt.Sprintf("items[%d] description", i), it.Description, false})
	}
	var why []string
	for _, t := range texts {
		disguised := glyphs.Disguised
		if t.name {
			disguised = glyphs.DisguisedName
		}
		if s, ok := disguised(t.s); ok {
			why = append(why, t.what+" "+s)
		}
	}
	if why == nil {
		return 0, nil
	}
	return 1, why
}

// categories writes an item's matches grouped by category, as in
// "mtcr-cat1 (hs_prefix 880260, pattern 'rocket (stage|motor|engine)', MTCR
// 1.A.1 complete rocket systems: launch vehicles under HS 8802.60
// (hs_prefix 880260))".
func categories(ms []items.Match) string {
	var parts []string
	for i := 0; i < len(ms); {
		j := i
		var rules []string
		var cited []string
		for ; j < len(ms) && ms[j].Category == ms[i].Category; j++ {
			// A control-list item is cited once, by the first rule of it
			// that fired.
			if it := ms[j].Item; it != "" {
				if slices.Contains(cited, it) {
					continue
				}
				cited = append(cited, it)
			}
			rule := ms[j].Rule
			if ms[j].Read != "" {
				rule += ", reading " + ms[j].Read
			}
			rules = append(rules, rule)
		}
		parts = append(parts, ms[i].Category+" ("+strings.Join(rules, ", ")+")")
		i = j
	}
	return strings.Join(parts, " and ")
}
