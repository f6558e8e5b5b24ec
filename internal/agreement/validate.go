package agreement

import (
	"encoding/base64"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/surety/surety/internal/keys"
)

// Validate checks the agreement's semantics and returns every problem
// found, each with the path of the field it is about. Positions are filled
// in by Parse.
func (s *Spec) Validate() Problems {
	c := &checker{s: s}
	c.run()
	return c.ps
}

type checker struct {
	s          *Spec
	ps         Problems
	parties    map[string]*Party
	principals map[string]*Party
	sites      map[string]*Site
	items      map[string]bool
	milestones map[string]*Milestone
	incentives map[string]*Incentive
	tranches   map[string]bool
	bodies     map[string]*Body
	// resolvable is set when the milestones are sound enough to resolve.
	resolvable bool
}

func (c *checker) add(path, format string, args ...any) {
	c.ps = append(c.ps, Problem{Path: path, Msg: fmt.Sprintf(format, args...)})
}

func at(path string, parts ...any) string {
	var b strings.Builder
	b.WriteString(path)
	for _, p := range parts {
		switch v := p.(type) {
		case int:
			b.WriteString("[" + strconv.Itoa(v) + "]")
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(v)
		}
	}
	return b.String()
}

var (
	idRE     = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)
	hostRE   = regexp.MustCompile(`^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?$`)
	iataRE   = regexp.MustCompile(`^[A-Z]{3}$`)
	locodeRE = regexp.MustCompile(`^[A-Z]{2}[A-Z2-9]{3}$`)
	curRE    = regexp.MustCompile(`^[A-Z]{3}$`)
	hsRE     = regexp.MustCompile(`^[0-9]{2,10}$`)
)

func (c *checker) run() {
	s := c.s
	if s.Surety != Version {
		c.add("surety", "spec version is %q; this Surety reads %q, so write \"surety: %s\"", s.Surety, Version, Version)
	}
	c.id("id", "agreement", s.ID)
	if strings.TrimSpace(s.Title) == "" {
		c.add("title", "the agreement needs a title; add \"title: ...\"")
	}
	c.collect()
	c.log()
	c.checkParties()
	c.checkSites()
	c.checkItems()
	n := len(c.ps)
	c.checkMilestones()
	c.resolvable = len(c.ps) == n
	c.checkObligations()
	c.checkIncentives()
	c.checkVerification()
	c.checkConsequences()
	c.checkBodies()
	c.checkDispute()
	c.checkProcurement()
	c.checkBasis()
}

// singular names one provision of a section.
var singular = map[string]string{
	"parties": "party", "sites": "site", "controlled_items": "controlled item",
	"milestones": "milestone", "obligations": "obligation", "incentives": "incentive",
}

// checkBasis checks that each basis entry names a provision the agreement
// has, and says something of it.
func (c *checker) checkBasis() {
	s := c.s
	ids := func(n int, id func(int) string) map[string]bool {
		m := map[string]bool{}
		for i := range n {
			m[id(i)] = true
		}
		return m
	}
	sections := map[string]map[string]bool{
		"parties":          ids(len(s.Parties), func(i int) string { return s.Parties[i].ID }),
		"sites":            ids(len(s.Sites), func(i int) string { return s.Sites[i].ID }),
		"controlled_items": ids(len(s.Items), func(i int) string { return s.Items[i].ID }),
		"milestones":       ids(len(s.Milestones), func(i int) string { return s.Milestones[i].ID }),
		"obligations":      ids(len(s.Obligations), func(i int) string { return s.Obligations[i].ID }),
		"incentives":       ids(len(s.Incentives), func(i int) string { return s.Incentives[i].ID }),
		"log":              nil, "verification": nil, "consequences": nil,
		"dispute": nil, "procurement": nil,
	}
	for i, b := range s.Basis {
		path := at("basis", i)
		if strings.TrimSpace(b.Record) == "" && strings.TrimSpace(b.Assumption) == "" {
			c.add(path, "say what the provision rests on: add \"record: ...\" (the public text, with where it says it) or \"assumption: ...\"")
		}
		section, id, hasID := strings.Cut(b.About, ".")
		known, ok := sections[section]
		switch {
		case !ok:
			c.add(at(path, "about"), "about %q names no section; write SECTION or SECTION.ID, with SECTION one of %s", b.About, knownList(sections))
		case known == nil && hasID:
			c.add(at(path, "about"), "about %q: %s has no ids; write just %q", b.About, section, section)
		case known != nil && !hasID:
			c.add(at(path, "about"), "about %q: name one of the %s, as %s.ID; known: %s", b.About, section, section, knownList(known))
		case known != nil && !known[id]:
			c.add(at(path, "about"), "about %q: the agreement has no %s %q; known: %s", b.About, singular[section], id, knownList(known))
		}
	}
}

func (c *checker) id(path, what, id string) {
	if id == "" {
		c.add(path, "the %s needs an id; add \"id: ...\" (lower case letters, digits, '.', '_' or '-')", what)
		return
	}
	if !idRE.MatchString(id) {
		c.add(path, "%s id %q must be lower case letters, digits, '.', '_' or '-', starting with a letter or digit", what, id)
	}
}

// unique reports a repeated id; it returns false for a repeat.
func (c *checker) unique(seen map[string]bool, path, what, id string) bool {
	if id == "" {
		return true
	}
	if seen[id] {
		c.add(path, "%s id %q is used twice; ids must be unique", what, id)
		return false
	}
	seen[id] = true
	return true
}

// ref reports a reference that does not resolve.
func ref[V any](c *checker, path, from, what, id string, known map[string]V) bool {
	if id == "" {
		c.add(path, "%s needs a %s; known: %s", from, what, knownList(known))
		return false
	}
	if _, ok := known[id]; !ok {
		c.add(path, "%s references unknown %s %s; known: %s", from, what, id, knownList(known))
		return false
	}
	return true
}

func knownList[V any](m map[string]V) string {
	if len(m) == 0 {
		return "none"
	}
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ", ")
}

// collect indexes the ids every reference check needs, reporting repeats.
func (c *checker) collect() {
	s := c.s
	c.parties = map[string]*Party{}
	c.principals = map[string]*Party{}
	c.sites = map[string]*Site{}
	c.items = map[string]bool{}
	c.milestones = map[string]*Milestone{}
	c.incentives = map[string]*Incentive{}
	c.tranches = map[string]bool{}
	seen := map[string]bool{}
	for i := range s.Parties {
		p := &s.Parties[i]
		if c.unique(seen, at("parties", i, "id"), "party", p.ID) && p.ID != "" {
			c.parties[p.ID] = p
		}
	}
	seen = map[string]bool{}
	for i := range s.Parties {
		for j, pr := range s.Parties[i].Principals {
			if c.unique(seen, at("parties", i, "principals", j, "id"), "principal", pr.ID) && pr.ID != "" {
				c.principals[pr.ID] = &s.Parties[i]
			}
		}
	}
	seen = map[string]bool{}
	for i := range s.Sites {
		if c.unique(seen, at("sites", i, "id"), "site", s.Sites[i].ID) && s.Sites[i].ID != "" {
			c.sites[s.Sites[i].ID] = &s.Sites[i]
		}
	}
	seen = map[string]bool{}
	for i, it := range s.Items {
		if c.unique(seen, at("controlled_items", i, "id"), "controlled-item category", it.ID) && it.ID != "" {
			c.items[it.ID] = true
		}
	}
	seen = map[string]bool{}
	for i := range s.Milestones {
		m := &s.Milestones[i]
		if c.unique(seen, at("milestones", i, "id"), "milestone", m.ID) && m.ID != "" {
			c.milestones[m.ID] = m
		}
	}
	c.bodies = map[string]*Body{}
	seen = map[string]bool{}
	for i := range s.Bodies {
		b := &s.Bodies[i]
		if c.unique(seen, at("bodies", i, "id"), "body", b.ID) && b.ID != "" {
			c.bodies[b.ID] = b
		}
	}
	seen = map[string]bool{}
	for i := range s.Incentives {
		in := &s.Incentives[i]
		if c.unique(seen, at("incentives", i, "id"), "incentive", in.ID) && in.ID != "" {
			c.incentives[in.ID] = in
		}
		for j, t := range in.Tranches {
			if c.unique(c.tranches, at("incentives", i, "tranches", j, "id"), "tranche", t.ID) {
				c.id(at("incentives", i, "tranches", j, "id"), "tranche", t.ID)
			}
		}
	}
}

func (c *checker) log() {
	if h := c.s.Log.Host; h != "" && !hostRE.MatchString(h) {
		c.add("log.host", "log host %q is not a host name; write e.g. \"log.example.org\"", h)
	}
	witnesses := 0
	for _, p := range c.s.Parties {
		for _, pr := range p.Principals {
			if slices.Contains(pr.Duties, Witness) {
				witnesses++
			}
		}
	}
	if q := c.s.Log.Quorum; q < 0 || q > witnesses {
		c.add("log.quorum", "quorum %d is outside 0..%d, the number of principals with the witness duty", q, witnesses)
	}
	if d := c.s.Log.MaxSkew; d != nil {
		if err := d.check(); err != nil {
			c.add("log.max_skew", "%v", err)
		} else if !slices.Contains([]string{"min", "h", "d", "w"}, d.Unit) {
			c.add("log.max_skew", "max_skew %s is a calendar length; write it in min, h, d or w, e.g. \"24h\"", d)
		}
	}
}

// Duties lists the duties each party role's principals may hold.
var Duties = map[Role][]Duty{
	Benefactor:   {Treasurer, Envoy, Witness, Auditor},
	Undertaker:   {Declarant, Treasurer, Envoy, Witness, Auditor},
	Inspectorate: {Inspector, Selector, Coordinator, Envoy, Witness, Auditor},
	Observer:     {Approver, Coordinator, Envoy, Witness, Auditor},
	Operator:     {LogKey, Witness, Auditor},
}

func (c *checker) checkParties() {
	s := c.s
	if len(s.Parties) < 2 {
		c.add("parties", "an agreement needs at least two parties, a benefactor and an undertaker")
	}
	count := map[Role]int{}
	keyOwner := map[string]string{}
	logKeys := 0
	for i, p := range s.Parties {
		path := at("parties", i)
		c.id(at(path, "id"), "party", p.ID)
		if p.Name == "" {
			c.add(at(path, "name"), "party %s needs a name", p.ID)
		}
		allowed, ok := Duties[p.Role]
		if !ok {
			c.add(at(path, "role"), "party %s has role %q; use one of benefactor, undertaker, inspectorate, observer, operator", p.ID, p.Role)
		}
		count[p.Role]++
		if p.Country != "" {
			c.country(at(path, "country"), p.Country)
		}
		if len(p.Principals) == 0 {
			c.add(at(path, "principals"), "party %s has no principals; add at least one with its key", p.ID)
		}
		for j, pr := range p.Principals {
			pp := at(path, "principals", j)
			c.id(at(pp, "id"), "principal", pr.ID)
			if pr.Key == "" {
				c.add(at(pp, "key"), "principal %s has no key; add its ed25519 verifier key (surety keys generate prints one)", pr.ID)
			} else if name, k, err := keys.ParsePublic(pr.Key); err != nil {
				c.add(at(pp, "key"), "principal %s: %v", pr.ID, err)
			} else {
				ks := string(k)
				if other, dup := keyOwner[ks]; dup {
					c.add(at(pp, "key"), "principals %s and %s have the same key; give each principal its own", other, pr.ID)
				}
				keyOwner[ks] = pr.ID
				if slices.Contains(pr.Duties, LogKey) && name != "" && name != c.s.Origin() && idRE.MatchString(c.s.ID) {
					c.add(at(pp, "key"), "the log key's name is %q but the log's origin is %q; name the key after the origin", name, c.s.Origin())
				}
			}
			if len(pr.Duties) == 0 {
				c.add(at(pp, "duties"), "principal %s has no duties; give it at least one of %s", pr.ID, dutyList(allowed))
			}
			for k, d := range pr.Duties {
				if !slices.Contains(allDuties, d) {
					c.add(at(pp, "duties", k), "unknown duty %q; use one of %s", d, dutyList(allDuties))
					continue
				}
				if ok && !slices.Contains(allowed, d) {
					c.add(at(pp, "duties", k), "principal %s holds duty %s, but %s party's principals may not; %s", pr.ID, d, article(string(p.Role)), dutyOwner(d))
				}
				if d == LogKey {
					logKeys++
				}
			}
			if len(pr.Sites) > 0 && !slices.Contains(pr.Duties, Inspector) {
				c.add(at(pp, "sites"), "principal %s lists sites but is not an inspector; only inspectors are assigned to sites", pr.ID)
			}
			for k, site := range pr.Sites {
				ref(c, at(pp, "sites", k), "inspector "+pr.ID, "site", site, c.sites)
			}
			switch isSel := slices.Contains(pr.Duties, Selector); {
			case isSel && pr.VRF == "":
				c.add(at(pp, "vrf_key"), "selector %s has no VRF public key; add vrf_key (surety keys generate --vrf prints one)", pr.ID)
			case !isSel && pr.VRF != "":
				c.add(at(pp, "vrf_key"), "principal %s has a VRF key but is not a selector; only selectors have one", pr.ID)
			case isSel:
				if b, err := base64.StdEncoding.DecodeString(pr.VRF); err != nil || len(b) != 32 {
					c.add(at(pp, "vrf_key"), "selector %s's vrf_key is not the base64 of 32 bytes", pr.ID)
				}
			}
			if slices.Contains(pr.Duties, Inspector) && len(pr.Sites) == 0 {
				c.add(at(pp, "sites"), "inspector %s is assigned to no site; list the sites it inspects", pr.ID)
			}
		}
	}
	for _, r := range []Role{Benefactor, Undertaker, Inspectorate} {
		if count[r] == 0 && len(s.Parties) >= 2 {
			c.add("parties", "no party has the role %s; every agreement needs a benefactor, an undertaker and an inspectorate", r)
		}
	}
	if count[Operator] != 1 {
		c.add("parties", "the agreement has %d operator parties; it needs exactly one, holding the log key", count[Operator])
	}
	if logKeys != 1 && count[Operator] == 1 {
		c.add("parties", "%d principals hold the log duty; exactly one operator principal must hold the log key", logKeys)
	}
	selectors := 0
	for _, p := range s.Parties {
		for _, pr := range p.Principals {
			if slices.Contains(pr.Duties, Selector) {
				selectors++
			}
		}
	}
	if selectors == 0 && count[Inspectorate] > 0 && c.s.Declares() {
		c.add("parties", "no inspectorate principal holds the selector duty; one must hold the VRF selection key that selects declarations")
	}
}

var allDuties = []Duty{Declarant, Inspector, Selector, Coordinator, Treasurer, Envoy, Approver, Witness, LogKey, Auditor}

// article puts "a" or "an" before a word.
func article(w string) string {
	if w != "" && strings.ContainsRune("aeiou", rune(w[0])) {
		return "an " + w
	}
	return "a " + w
}

func dutyList(ds []Duty) string {
	ss := make([]string, len(ds))
	for i, d := range ds {
		ss[i] = string(d)
	}
	return strings.Join(ss, ", ")
}

func dutyOwner(d Duty) string {
	var roles []string
	for _, r := range []Role{Benefactor, Undertaker, Inspectorate, Observer, Operator} {
		if slices.Contains(Duties[r], d) {
			roles = append(roles, string(r))
		}
	}
	return fmt.Sprintf("only principals of %s party may hold %s; move the principal or drop the duty", article(strings.Join(roles, " or ")), d)
}

func (c *checker) country(path, code string) {
	if !IsCountry(code) {
		c.add(path, "%q is not an ISO 3166-1 alpha-2 country code (two capital letters, e.g. KP, IR)", code)
	}
}

func (c *checker) checkSites() {
	for i, st := range c.s.Sites {
		path := at("sites", i)
		c.id(at(path, "id"), "site", st.ID)
		if st.Name == "" {
			c.add(at(path, "name"), "site %s needs a name", st.ID)
		}
		c.country(at(path, "country"), st.Country)
		ref(c, at(path, "party"), "site "+st.ID, "party", st.Party, c.parties)
		switch st.Kind {
		case Airport:
			if !iataRE.MatchString(st.IATA) {
				c.add(at(path, "iata"), "airport %s needs its three-letter IATA code, e.g. \"iata: FNJ\" (got %q)", st.ID, st.IATA)
			}
		case Seaport:
			if !locodeRE.MatchString(st.LOCODE) {
				c.add(at(path, "locode"), "seaport %s needs its five-character UN/LOCODE, e.g. \"locode: KPNAM\" (got %q)", st.ID, st.LOCODE)
			} else if st.Country != "" && st.LOCODE[:2] != st.Country {
				c.add(at(path, "locode"), "UN/LOCODE %s is in %s, but site %s is in %s; fix the code or the country", st.LOCODE, st.LOCODE[:2], st.ID, st.Country)
			}
		case LandCrossing, Facility:
		default:
			c.add(at(path, "kind"), "site %s has kind %q; use one of airport, seaport, land_crossing, facility", st.ID, st.Kind)
		}
		if st.IATA != "" && st.Kind != Airport {
			c.add(at(path, "iata"), "site %s is %s; only airports have an IATA code", st.ID, article(string(st.Kind)))
		}
		if st.LOCODE != "" && st.Kind != Seaport {
			c.add(at(path, "locode"), "site %s is %s; only seaports have a UN/LOCODE here", st.ID, article(string(st.Kind)))
		}
	}
}

var romans = []string{"I", "II", "III", "IV", "V", "VI", "VII"}

func (c *checker) checkItems() {
	for i, it := range c.s.Items {
		path := at("controlled_items", i)
		c.id(at(path, "id"), "controlled-item category", it.ID)
		if it.Name == "" {
			c.add(at(path, "name"), "category %s needs a name", it.ID)
		}
		src := it.Source
		switch n := min(len(src.MTCR), 1) + min(len(src.UNRegister), 1) + min(len(src.NSG), 1); {
		case n == 0:
			c.add(at(path, "source"), "category %s cites no source; give MTCR Annex items (mtcr: [1, 2]), UN Register categories (un_register: [VII]) or NSG guideline parts (nsg: [1, 2])", it.ID)
		case n > 1:
			c.add(at(path, "source"), "category %s cites more than one of the MTCR, the UN Register and the NSG; split it into one category per source", it.ID)
		}
		for k, n := range src.NSG {
			if n != 1 && n != 2 {
				c.add(at(path, "source", "nsg", k), "NSG guidelines part %d does not exist; use 1 (nuclear items) or 2 (dual-use items)", n)
			}
		}
		seen := map[int]bool{}
		for k, n := range src.MTCR {
			if n < 1 || n > 20 {
				c.add(at(path, "source", "mtcr", k), "MTCR Annex item %d does not exist; items run from 1 to 20 (1–2 Category I, 3–20 Category II)", n)
			}
			if seen[n] {
				c.add(at(path, "source", "mtcr", k), "MTCR Annex item %d is listed twice", n)
			}
			seen[n] = true
		}
		for k, r := range src.UNRegister {
			if !slices.Contains(romans, r) {
				c.add(at(path, "source", "un_register", k), "UN Register category %q does not exist; use I to VII", r)
			}
		}
		if len(it.HS) == 0 && len(it.Patterns) == 0 {
			c.add(at(path), "category %s matches nothing; give hs_prefixes or patterns", it.ID)
		}
		for k, h := range it.HS {
			if !hsRE.MatchString(HSDigits(h)) {
				c.add(at(path, "hs_prefixes", k), "%q is not an HS code prefix; write 2 to 10 digits, dots allowed (e.g. \"8802.60\")", h)
			}
		}
		for k, p := range it.Patterns {
			if _, err := regexp.Compile("(?i)" + p); err != nil {
				c.add(at(path, "patterns", k), "pattern %q is not a valid RE2 expression: %v", p, err)
			}
		}
	}
}

// HSDigits strips the dots and spaces from an HS code.
func HSDigits(h string) string {
	return strings.NewReplacer(".", "", " ", "").Replace(h)
}

// trigger checks a trigger's shape and references.
func (c *checker) trigger(path, what string, t *Trigger) {
	n := 0
	if t.Date != nil {
		n++
		if err := t.Date.check(); err != nil {
			c.add(at(path, "date"), "%v", err)
		}
	}
	if t.Milestone != "" {
		n++
		ref(c, at(path, "milestone"), what, "milestone", t.Milestone, c.milestones)
	}
	if t.Offset != nil {
		if t.Milestone == "" {
			c.add(at(path, "offset"), "%s has an offset but no milestone to count it from; add \"milestone: ...\"", what)
		}
		if err := t.Offset.check(); err != nil {
			c.add(at(path, "offset"), "%v", err)
		}
	}
	if t.When != nil {
		n++
		ref(c, at(path, "when", "by"), what, "party", t.When.By, c.parties)
		if len(t.When.Steps) == 0 {
			c.add(at(path, "when", "steps"), "%s's condition lists no steps; name the steps the party must report verified", what)
		}
	}
	if t.Earliest != nil {
		n++
		if len(t.Earliest) < 2 {
			c.add(at(path, "earliest"), "%s: earliest needs at least two triggers to choose from", what)
		}
		for i := range t.Earliest {
			c.trigger(at(path, "earliest", i), what, &t.Earliest[i])
		}
	}
	switch {
	case n == 0:
		c.add(path, "%s has no trigger; give one of date, milestone (with an optional offset), when, or earliest", what)
	case n > 1:
		c.add(path, "%s has %d triggers; give exactly one of date, milestone, when, or earliest (use earliest for \"whichever is earlier\")", what, n)
	}
}

func (c *checker) checkMilestones() {
	for i := range c.s.Milestones {
		m := &c.s.Milestones[i]
		c.id(at("milestones", i, "id"), "milestone", m.ID)
		c.trigger(at("milestones", i), "milestone "+m.ID, &m.Trigger)
	}
	// Cycles: follow each milestone's dependencies depth first.
	state := map[string]int{} // 0 new, 1 on the stack, 2 done
	var stack []string
	var visit func(id string)
	visit = func(id string) {
		m, ok := c.milestones[id]
		if !ok {
			return
		}
		switch state[id] {
		case 1:
			k := slices.Index(stack, id)
			cycle := append(slices.Clone(stack[k:]), id)
			c.add(at("milestones", c.milestoneIndex(id)), "milestone %s depends on itself via %s; break the cycle", id, strings.Join(cycle, " → "))
			return
		case 2:
			return
		}
		state[id] = 1
		stack = append(stack, id)
		for _, d := range m.Trigger.deps() {
			visit(d)
		}
		stack = stack[:len(stack)-1]
		state[id] = 2
	}
	for _, m := range c.s.Milestones {
		visit(m.ID)
	}
}

func (c *checker) milestoneIndex(id string) int {
	return slices.IndexFunc(c.s.Milestones, func(m Milestone) bool { return m.ID == id })
}

// deps lists the milestones a trigger refers to.
func (t Trigger) deps() []string {
	var ds []string
	if t.Milestone != "" {
		ds = append(ds, t.Milestone)
	}
	for _, e := range t.Earliest {
		ds = append(ds, e.deps()...)
	}
	return ds
}

// obligationFields lists which kind-specific fields each obligation kind
// takes.
var obligationFields = map[ObligationKind][]string{
	NoTransfer:       {"items", "destinations"},
	LicensedTransfer: {"items", "destinations", "approved_by", "requested_by"},
	Declare:          {"sites", "lead_time", "late_tolerance", "discrepancy_tolerance", "withdrawal_is_violation", "broken_seal_is_violation"},
	Access:           {"sites", "response_time", "escalation"},
	FacilityDuty:     {"sites", "requirement", "monitored_by", "limits", "continuity", "discrepancy_tolerance"},
	Pay:              {"incentive", "grace"},
	Deliver:          {"incentive", "grace"},
	Inspect:          {"sites"},
	Relieve:          {"incentive"},
	Conduct:          {"requirement"},
	Undertake:        {"done", "due"},
}

func (o Obligation) setFields() []string {
	var fs []string
	add := func(set bool, name string) {
		if set {
			fs = append(fs, name)
		}
	}
	add(len(o.Items) > 0, "items")
	add(len(o.Destinations) > 0, "destinations")
	add(o.ApprovedBy != "", "approved_by")
	add(o.RequestedBy != "", "requested_by")
	add(len(o.Sites) > 0, "sites")
	add(o.LeadTime != nil, "lead_time")
	add(o.LateTolerance != 0, "late_tolerance")
	add(o.DiscrepancyTolerance != 0, "discrepancy_tolerance")
	add(o.WithdrawalIsViolation, "withdrawal_is_violation")
	add(o.BrokenSealIsViolation, "broken_seal_is_violation")
	add(o.ResponseTime != nil, "response_time")
	add(o.Escalation != nil, "escalation")
	add(o.Requirement != "", "requirement")
	add(o.MonitoredBy != "", "monitored_by")
	add(len(o.Limits) > 0, "limits")
	add(o.Continuity != nil, "continuity")
	add(o.Incentive != "", "incentive")
	add(o.Grace != nil, "grace")
	add(o.Done != "", "done")
	add(o.Due != nil, "due")
	return fs
}

func (c *checker) checkObligations() {
	seen := map[string]bool{}
	for i, o := range c.s.Obligations {
		path := at("obligations", i)
		c.id(at(path, "id"), "obligation", o.ID)
		c.unique(seen, at(path, "id"), "obligation", o.ID)
		what := "obligation " + o.ID
		if !ref(c, at(path, "party"), what, "party", o.Party, c.parties) {
			continue
		}
		party := c.parties[o.Party]
		if o.From != nil {
			c.trigger(at(path, "from"), what+"'s start", o.From)
		}
		if o.Until != nil {
			c.trigger(at(path, "until"), what+"'s sunset", o.Until)
		}
		allowed, ok := obligationFields[o.Kind]
		if !ok {
			c.add(at(path, "kind"), "obligation %s has kind %q; use one of no_transfer, licensed_transfer, declaration, access, facility, payment, delivery, inspection, conduct, relief, undertaking", o.ID, o.Kind)
			continue
		}
		for _, f := range o.setFields() {
			if !slices.Contains(allowed, f) {
				c.add(at(path, f), "%s obligation takes no %s; its fields are %s", article(string(o.Kind)), f, strings.Join(allowed, ", "))
			}
		}
		duty := func(role Role) {
			if party.Role != role {
				c.add(at(path, "party"), "%s obligation binds the %s, but %s is %s", article(string(o.Kind)), role, o.Party, article(string(party.Role)))
			}
		}
		switch o.Kind {
		case NoTransfer, LicensedTransfer:
			duty(Undertaker)
			if len(o.Items) == 0 {
				c.add(at(path, "items"), "obligation %s names no controlled items; list item category ids", o.ID)
			}
			for k, it := range o.Items {
				ref(c, at(path, "items", k), what, "controlled-item category", it, c.items)
			}
			if len(o.Destinations) == 0 {
				c.add(at(path, "destinations"), "obligation %s names no destinations; list ISO 3166-1 alpha-2 codes", o.ID)
			}
			for k, d := range o.Destinations {
				switch {
				case d == AnyDestination && len(o.Destinations) > 1:
					c.add(at(path, "destinations", k), "destination %q covers every destination and stands alone; drop the others, or list countries only", d)
				case d != AnyDestination:
					c.country(at(path, "destinations", k), d)
				}
			}
			if o.RequestedBy != "" {
				ref(c, at(path, "requested_by"), what, "party", o.RequestedBy, c.parties)
			}
			if o.Kind == LicensedTransfer && c.s.Procurement == nil {
				c.add(at(path, "kind"), "obligation %s needs approvals, but the agreement has no procurement section; add one", o.ID)
			}
			if o.ApprovedBy != "" {
				ref(c, at(path, "approved_by"), what, "body", o.ApprovedBy, c.bodies)
			} else if p := c.s.Procurement; o.Kind == LicensedTransfer && p != nil && p.Body == "" && p.Approver == "" {
				c.add(at(path, "approved_by"), "no one decides the licences obligation %s needs: name the body with \"approved_by: BODY\", or a body or approver in the procurement section", o.ID)
			}
		case Declare, Access, FacilityDuty, Inspect:
			if o.Kind == Inspect {
				duty(Inspectorate)
			} else {
				duty(Undertaker)
			}
			if len(o.Sites) == 0 {
				c.add(at(path, "sites"), "obligation %s names no sites", o.ID)
			}
			for k, id := range o.Sites {
				if !ref(c, at(path, "sites", k), what, "site", id, c.sites) {
					continue
				}
				st := c.sites[id]
				if (o.Kind == Declare || o.Kind == Inspect) && !st.ExitPoint() {
					c.add(at(path, "sites", k), "declarations are made and inspected at exit points, but %s is a facility", id)
				}
				if o.Kind == FacilityDuty && st.ExitPoint() {
					c.add(at(path, "sites", k), "a facility obligation names facilities, but %s is %s", id, article(string(st.Kind)))
				}
			}
			switch o.Kind {
			case Declare:
				c.required(at(path, "lead_time"), what, "lead_time", o.LeadTime)
				if o.LateTolerance < 0 {
					c.add(at(path, "late_tolerance"), "late_tolerance must be zero or more")
				}
				if o.DiscrepancyTolerance < 0 {
					c.add(at(path, "discrepancy_tolerance"), "discrepancy_tolerance must be zero or more")
				}
			case Access:
				c.required(at(path, "response_time"), what, "response_time", o.ResponseTime)
				if e := o.Escalation; e != nil {
					ref(c, at(path, "escalation", "body"), what, "body", e.Body, c.bodies)
					if e.Days < 1 {
						c.add(at(path, "escalation", "days"), "the body needs days to decide: give \"days: N\" with N at least 1")
					}
					if err := e.Comply.check(); err != nil {
						c.add(at(path, "escalation", "comply"), "%v", err)
					}
				}
			case FacilityDuty:
				if o.Requirement == "" {
					c.add(at(path, "requirement"), "facility obligation %s needs a requirement, e.g. \"freeze\"", o.ID)
				}
				if o.MonitoredBy != "" {
					ref(c, at(path, "monitored_by"), what, "party", o.MonitoredBy, c.parties)
				}
				c.monitoring(path, o)
			}
		case Pay, Deliver, Relieve:
			duty(Benefactor)
			kind := map[ObligationKind]IncentiveKind{Pay: Tranches, Deliver: InKind, Relieve: Relief}[o.Kind]
			if ref(c, at(path, "incentive"), what, "incentive", o.Incentive, c.incentives) {
				in := c.incentives[o.Incentive]
				if in.Kind != kind {
					c.add(at(path, "incentive"), "a %s obligation is for a %s incentive, but %s is %s", o.Kind, kind, in.ID, in.Kind)
				}
				if in.From != o.Party {
					c.add(at(path, "party"), "obligation %s binds %s, but incentive %s is given by %s", o.ID, o.Party, in.ID, in.From)
				}
			}
			if o.Grace != nil {
				if err := o.Grace.check(); err != nil {
					c.add(at(path, "grace"), "%v", err)
				}
			}
		}
		if o.FoundBy != "" {
			ref(c, at(path, "found_by"), what, "body", o.FoundBy, c.bodies)
		}
		if o.Kind == Conduct {
			if strings.TrimSpace(o.Requirement) == "" {
				c.add(at(path, "requirement"), "conduct obligation %s needs a requirement: what the party must do or refrain from", o.ID)
			}
			if o.FoundBy == "" {
				c.add(at(path, "found_by"), "conduct obligation %s can be breached only by a body's finding; name the body with \"found_by: BODY\"", o.ID)
			}
		}
		if o.Kind == Undertake {
			if o.Done == "" {
				c.add(at(path, "done"), "undertaking %s needs the milestone that marks it done: add \"done: MILESTONE\"", o.ID)
			} else {
				ref(c, at(path, "done"), what, "milestone", o.Done, c.milestones)
			}
			if o.Due != nil {
				c.trigger(at(path, "due"), what+"'s due time", o.Due)
			}
		}
		c.ordered(path, what, o.From, o.Until, "from", "until")
	}
}

// monitoring checks a facility obligation's limits and continuity.
func (c *checker) monitoring(path string, o Obligation) {
	what := "obligation " + o.ID
	if (len(o.Limits) > 0 || o.Continuity != nil) && o.MonitoredBy == "" {
		c.add(at(path, "monitored_by"), "%s states limits or continuity, which the monitoring party's statements check; name it with monitored_by", what)
	} else if p := c.parties[o.MonitoredBy]; p != nil && p.Role != Inspectorate && (len(o.Limits) > 0 || o.Continuity != nil) {
		c.add(at(path, "monitored_by"), "%s is monitored by %s, %s; only an inspectorate measures and reports seals and cameras", what, p.ID, article(string(p.Role)))
	}
	if o.DiscrepancyTolerance < 0 {
		c.add(at(path, "discrepancy_tolerance"), "discrepancy_tolerance must be zero or more")
	}
	for k, l := range o.Limits {
		lp := at(path, "limits", k)
		units, ok := Units[l.Quantity]
		if !ok {
			c.add(at(lp, "quantity"), "%s limits unknown quantity %q; use one of %s", what, l.Quantity, quantityList())
			continue
		}
		if !slices.Contains(units, l.Unit) {
			c.add(at(lp, "unit"), "%s is stated in %s, not %q", l.Quantity, quoted(units), l.Unit)
		}
		if l.Max == nil && l.Min == nil {
			c.add(lp, "the limit on %s sets neither max nor min; give at least one", l.Quantity)
		}
		for _, b := range []struct {
			name string
			v    *float64
		}{{"max", l.Max}, {"min", l.Min}} {
			if b.v != nil && (*b.v < 0 || math.IsNaN(*b.v) || math.IsInf(*b.v, 0)) {
				c.add(at(lp, b.name), "%s of %s is %v; a limit is a finite number, zero or more", b.name, l.Quantity, *b.v)
			}
		}
		if l.Max != nil && l.Min != nil && *l.Min > *l.Max {
			c.add(at(lp, "min"), "the limit on %s has min %v above max %v", l.Quantity, *l.Min, *l.Max)
		}
		for j := range k {
			if o.Limits[j].Quantity == l.Quantity && o.Limits[j].Unit == l.Unit {
				c.add(at(lp, "quantity"), "%s limits %s in %s twice; merge limits[%d] and limits[%d]", what, l.Quantity, l.Unit, j, k)
			}
		}
	}
	q := o.Continuity
	if q == nil {
		return
	}
	cp := at(path, "continuity")
	if len(q.Seals)+len(q.Cameras) == 0 {
		c.add(cp, "%s's continuity names no seals and no cameras; list them with their sites", what)
	}
	seen := map[string]bool{}
	for _, set := range []struct {
		name string
		ds   []Device
	}{{"seals", q.Seals}, {"cameras", q.Cameras}} {
		for k, d := range set.ds {
			dp := at(cp, set.name, k)
			c.id(at(dp, "id"), "device", d.ID)
			c.unique(seen, at(dp, "id"), "device", d.ID)
			if d.Site != "" && !slices.Contains(o.Sites, d.Site) {
				c.add(at(dp, "site"), "device %s is at %s, which is not one of %s's sites (%s)", d.ID, d.Site, what, strings.Join(o.Sites, ", "))
			} else if d.Site == "" {
				c.add(at(dp, "site"), "device %s needs its site, one of %s", d.ID, strings.Join(o.Sites, ", "))
			}
		}
	}
	for _, a := range []struct {
		name string
		d    *Duration
	}{{"seal_broken", q.SealBroken}, {"camera_outage", q.CameraOutage}} {
		if a.d != nil {
			if err := a.d.check(); err != nil {
				c.add(at(cp, a.name), "%v", err)
			}
		}
	}
	if q.SealBroken != nil && len(q.Seals) == 0 {
		c.add(at(cp, "seal_broken"), "%s sets seal_broken but lists no seals", what)
	}
	if q.CameraOutage != nil && len(q.Cameras) == 0 {
		c.add(at(cp, "camera_outage"), "%s sets camera_outage but lists no cameras", what)
	}
	if !slices.Contains(ContinuityBreaches, q.Breach) {
		c.add(at(cp, "breach"), "a loss of continuity is a breach of class %q; name one of violation, discrepancy", q.Breach)
	}
}

func quantityList() string {
	qs := make([]string, len(Quantities))
	for i, q := range Quantities {
		qs[i] = string(q)
	}
	return strings.Join(qs, ", ")
}

func quoted(ss []string) string {
	qs := make([]string, len(ss))
	for i, s := range ss {
		qs[i] = strconv.Quote(s)
	}
	return strings.Join(qs, " or ")
}

// required reports a missing or malformed duration.
func (c *checker) required(path, what, field string, d *Duration) {
	if d == nil {
		c.add(path, "%s needs %s, a duration such as \"24h\"", what, field)
		return
	}
	if err := d.check(); err != nil {
		c.add(path, "%v", err)
	}
}

// ordered reports a start that resolves after its end.
func (c *checker) ordered(path, what string, from, until *Trigger, fromName, untilName string) {
	if from == nil || until == nil || !c.resolvable {
		return
	}
	tl := c.s.Resolve(nil)
	f, u := tl.eval(*from), tl.eval(*until)
	if f.At != nil && u.At != nil && !f.At.Before(*u.At) {
		c.add(at(path, untilName), "%s ends on %s, not after it starts on %s; fix %s or %s", what, u.At.Format("2006-01-02"), f.At.Format("2006-01-02"), fromName, untilName)
	}
}

var incentiveFields = map[IncentiveKind][]string{
	Tranches: {"total", "tranches"},
	InKind:   {"commodity", "unit", "quantity", "per", "installment", "start", "until", "unit_value"},
	Relief:   {"at", "measures", "entries", "value"},
}

func (in Incentive) setFields() []string {
	var fs []string
	add := func(set bool, name string) {
		if set {
			fs = append(fs, name)
		}
	}
	add(in.Total != nil, "total")
	add(len(in.Tranches) > 0, "tranches")
	add(in.Commodity != "", "commodity")
	add(in.Unit != "", "unit")
	add(in.Quantity != 0, "quantity")
	add(in.Per != nil, "per")
	add(in.Installment != nil, "installment")
	add(in.Start != nil, "start")
	add(in.Until != nil, "until")
	add(in.At != "", "at")
	add(len(in.Measures) > 0, "measures")
	add(len(in.Entries) > 0, "entries")
	add(in.UnitValue != nil, "unit_value")
	add(in.Value != nil, "value")
	return fs
}

func (c *checker) checkIncentives() {
	for i, in := range c.s.Incentives {
		path := at("incentives", i)
		what := "incentive " + in.ID
		c.id(at(path, "id"), "incentive", in.ID)
		if ref(c, at(path, "from"), what, "party", in.From, c.parties) && c.parties[in.From].Role != Benefactor {
			c.add(at(path, "from"), "incentive %s is given by %s, %s; incentives come from a benefactor", in.ID, in.From, article(string(c.parties[in.From].Role)))
		}
		if ref(c, at(path, "to"), what, "party", in.To, c.parties) && c.parties[in.To].Role != Undertaker {
			c.add(at(path, "to"), "incentive %s goes to %s, %s; incentives go to an undertaker", in.ID, in.To, article(string(c.parties[in.To].Role)))
		}
		allowed, ok := incentiveFields[in.Kind]
		if !ok {
			c.add(at(path, "kind"), "incentive %s has kind %q; use one of tranches, delivery, relief", in.ID, in.Kind)
			continue
		}
		for _, f := range in.setFields() {
			if !slices.Contains(allowed, f) {
				c.add(at(path, f), "a %s incentive takes no %s; its fields are %s", in.Kind, f, strings.Join(allowed, ", "))
			}
		}
		c.money(at(path, "value"), in.Value)
		c.money(at(path, "unit_value"), in.UnitValue)
		switch in.Kind {
		case Tranches:
			c.checkTranches(path, in)
		case InKind:
			if in.Commodity == "" {
				c.add(at(path, "commodity"), "delivery %s needs a commodity, e.g. \"heavy fuel oil\"", in.ID)
			}
			if in.Unit == "" {
				c.add(at(path, "unit"), "delivery %s needs a unit, e.g. \"t\"", in.ID)
			}
			if in.Quantity <= 0 || math.IsNaN(in.Quantity) || math.IsInf(in.Quantity, 0) {
				c.add(at(path, "quantity"), "delivery %s needs a positive quantity per period", in.ID)
			}
			c.required(at(path, "per"), what, "per", in.Per)
			if in.Installment != nil {
				if err := in.Installment.check(); err != nil {
					c.add(at(path, "installment"), "%v", err)
				} else if in.Per != nil && in.Per.check() == nil && in.Installment.Approx() > in.Per.Approx() {
					c.add(at(path, "installment"), "installments of %s are longer than the period %s; make them shorter", in.Installment, in.Per)
				}
			}
			if in.Start == nil {
				c.add(at(path, "start"), "delivery %s needs a start", in.ID)
			} else {
				c.trigger(at(path, "start"), what+"'s start", in.Start)
			}
			if in.Until != nil {
				c.trigger(at(path, "until"), what+"'s end", in.Until)
			}
			c.ordered(path, what, in.Start, in.Until, "start", "until")
		case Relief:
			ref(c, at(path, "at"), "relief "+in.ID, "milestone", in.At, c.milestones)
			if len(in.Measures) == 0 && len(in.Entries) == 0 {
				c.add(path, "relief %s lifts nothing; list measures or entries", in.ID)
			}
			seen := map[string]bool{}
			for k, m := range in.Measures {
				c.id(at(path, "measures", k, "id"), "measure", m.ID)
				c.unique(seen, at(path, "measures", k, "id"), "measure", m.ID)
				if m.Name == "" {
					c.add(at(path, "measures", k, "name"), "measure %s needs a name", m.ID)
				}
			}
			for k, e := range in.Entries {
				if e.List != "un" && e.List != "ofac" {
					c.add(at(path, "entries", k, "list"), "list %q is not known; use un or ofac", e.List)
				}
				if e.Ref == "" {
					c.add(at(path, "entries", k, "ref"), "a lifted entry needs its reference number, e.g. \"IRe.001\"")
				}
			}
		}
	}
}

func (c *checker) checkTranches(path string, in Incentive) {
	what := "incentive " + in.ID
	if in.Total == nil {
		c.add(at(path, "total"), "%s needs a total (amount and currency) that its tranches add up to", what)
	} else {
		if in.Total.Amount <= 0 {
			c.add(at(path, "total", "amount"), "%s's total must be positive", what)
		}
		if !curRE.MatchString(in.Total.Currency) {
			c.add(at(path, "total", "currency"), "%q is not an ISO 4217 currency code; write three capital letters, e.g. USD", in.Total.Currency)
		}
	}
	if len(in.Tranches) == 0 {
		c.add(at(path, "tranches"), "%s has no tranches; list at least one", what)
	}
	var sum int64
	for j, t := range in.Tranches {
		tp := at(path, "tranches", j)
		tw := "tranche " + t.ID
		if t.Amount <= 0 {
			c.add(at(tp, "amount"), "%s needs a positive amount", tw)
		}
		sum += t.Amount
		c.trigger(at(tp, "due"), tw, &t.Due)
		for k, cond := range t.Conditions {
			cp := at(tp, "conditions", k)
			switch {
			case cond.CompliantPeriods != 0 && cond.Milestone != "":
				c.add(cp, "%s's condition sets both compliant_periods and milestone; give one per condition", tw)
			case cond.CompliantPeriods < 0:
				c.add(at(cp, "compliant_periods"), "compliant_periods must be positive")
			case cond.CompliantPeriods == 0 && cond.Milestone == "":
				c.add(cp, "%s has an empty condition; give compliant_periods or milestone", tw)
			case cond.Milestone != "":
				ref(c, at(cp, "milestone"), tw, "milestone", cond.Milestone, c.milestones)
			}
		}
	}
	if in.Total != nil && in.Total.Amount > 0 && len(in.Tranches) > 0 && sum != in.Total.Amount {
		c.add(at(path, "tranches"), "the tranches of %s add up to %s %s, but its total is %s %s; make them equal",
			in.ID, Group(sum), in.Total.Currency, Group(in.Total.Amount), in.Total.Currency)
	}
}

// Group writes n with thousands separators: 1,000,000,000.
func Group(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func (c *checker) checkVerification() {
	v := &c.s.Verification
	path := "verification"
	c.trigger(at(path, "start"), "the first verification period", &v.Start)
	if v.Period.IsZero() {
		c.add(at(path, "period"), "the verification policy needs a period length, e.g. \"period: 1mo\"")
	} else if err := v.Period.check(); err != nil {
		c.add(at(path, "period"), "%v", err)
	}
	if !v.Grace.IsZero() {
		if err := v.Grace.check(); err != nil {
			c.add(at(path, "grace"), "%v", err)
		}
	}
	// An agreement under which nothing is declared samples nothing: its
	// goal and sampling may be left out.
	if !c.s.Declares() && v.Goal == (Goal{}) && v.Sampling.Floor == 0 && v.Sampling.Cap == 0 {
		c.checkTraffic()
		return
	}
	if p := v.Goal.Probability; !(p > 0 && p < 1) {
		c.add(at(path, "goal", "probability"), "detection goal %v must be between 0 and 1 exclusive, e.g. 0.9", p)
	}
	if v.Goal.Violations < 1 {
		c.add(at(path, "goal", "violations"), "the goal's violations per period must be at least 1")
	}
	sp := at(path, "sampling")
	sm := v.Sampling
	if !(sm.Floor > 0 && sm.Floor <= 1) {
		c.add(at(sp, "floor"), "the sampling floor %v must be in (0, 1]; it is the least chance any declaration has of selection", sm.Floor)
	}
	if !(sm.Cap > 0 && sm.Cap <= 1) {
		c.add(at(sp, "cap"), "the sampling cap %v must be in (0, 1]", sm.Cap)
	} else if sm.Cap < sm.Floor {
		c.add(at(sp, "cap"), "the sampling cap %v is below the floor %v; raise the cap", sm.Cap, sm.Floor)
	}
	if sm.Gain < 0 {
		c.add(at(sp, "gain"), "the risk gain must not be negative")
	}
	if sm.Mandatory < 0 || sm.Mandatory > 1 {
		c.add(at(sp, "mandatory"), "the mandatory-selection risk level %v must be in [0, 1]", sm.Mandatory)
	}
	if sm.RevealWithin != nil {
		if err := sm.RevealWithin.check(); err != nil {
			c.add(at(sp, "reveal_within"), "%v", err)
		}
	}
	w := sm.Weights
	for name, x := range map[string]float64{"list_hit": w.ListHit, "item_hit": w.ItemHit, "mismatch": w.Mismatch,
		"destination": w.Destination, "route": w.Route, "end_user": w.EndUser, "late": w.Late, "amendment": w.Amendment} {
		if x < 0 || x > 1 {
			c.add(at(sp, "weights", name), "weight %s is %v; weights are in [0, 1]", name, x)
		}
	}
	for k, code := range w.Transshipment {
		c.country(at(sp, "weights", "transshipment", k), code)
	}
	c.money(at(path, "gain"), v.Gain)
	if t := v.MatchThreshold; t < 0 || t > 1 {
		c.add(at(path, "match_threshold"), "the match threshold %v must be in [0, 1]", t)
	}
	c.checkTraffic()
}

// checkTraffic checks the inspectorate's roster and the traffic planned at
// each exit point.
func (c *checker) checkTraffic() {
	v := &c.s.Verification
	path := "verification"
	if v.Roster < 1 {
		c.add(at(path, "roster"), "the inspectorate's roster must be at least 1 inspector")
	}
	if !(v.ShiftHours > 0 && v.ShiftHours <= 24) {
		c.add(at(path, "shift_hours"), "shift_hours %v must be in (0, 24]", v.ShiftHours)
	}
	seen := map[string]bool{}
	for i, t := range v.Traffic {
		tp := at(path, "traffic", i)
		if ref(c, at(tp, "site"), "traffic assumption", "site", t.Site, c.sites) {
			c.unique(seen, at(tp, "site"), "traffic site", t.Site)
			if !c.sites[t.Site].ExitPoint() {
				c.add(at(tp, "site"), "traffic is planned at exit points, but %s is a facility", t.Site)
			}
		}
		if t.DaysPerPeriod < 0 {
			c.add(at(tp, "days_per_period"), "days_per_period must not be negative")
		}
		if len(t.Modes) == 0 {
			c.add(at(tp, "modes"), "traffic at %s lists no modes", t.Site)
		}
		for k, m := range t.Modes {
			mp := at(tp, "modes", k)
			if !slices.Contains([]string{"air", "sea", "road", "rail"}, m.Mode) {
				c.add(at(mp, "mode"), "mode %q is not known; use air, sea, road or rail", m.Mode)
			}
			if m.PerDay < 0 {
				c.add(at(mp, "per_day"), "consignments per day must not be negative")
			}
			if m.HoursPerInspection <= 0 {
				c.add(at(mp, "hours_per_inspection"), "hours_per_inspection must be positive")
			}
		}
	}
}

// effectKind is the incentive kind each effect applies to.
var effectKind = map[Effect]IncentiveKind{
	SuspendTranches:   Tranches,
	WithholdTranches:  Tranches,
	ForfeitTranche:    Tranches,
	SuspendDeliveries: InKind,
	RestoreRelief:     Relief,
}

// effectFields are the fields each effect takes beyond on, party and
// effect.
var effectFields = map[Effect][]string{
	SuspendTranches:   {"incentive", "restore", "forfeit_after"},
	WithholdTranches:  {"incentive", "cure"},
	ForfeitTranche:    {"incentive"},
	SuspendDeliveries: {"incentive", "restore"},
	RestoreRelief:     {"incentive"},
	Record:            {},
	Interest:          {"rate"},
	SuspendObligation: {"obligation"},
}

func (q Consequence) setFields() []string {
	var fs []string
	add := func(set bool, name string) {
		if set {
			fs = append(fs, name)
		}
	}
	add(q.Incentive != "", "incentive")
	add(q.Cure != nil, "cure")
	add(q.Restore != "", "restore")
	add(q.ForfeitAfter != nil, "forfeit_after")
	add(q.Rate != 0, "rate")
	add(q.Obligation != "", "obligation")
	return fs
}

func (c *checker) checkConsequences() {
	for i, q := range c.s.Consequences {
		path := at("consequences", i)
		if !slices.Contains(Breaches, q.On) {
			c.add(at(path, "on"), "consequence on %q: use one of %s", q.On, breachList())
		}
		ref(c, at(path, "party"), "consequence", "party", q.Party, c.parties)
		fields, ok := effectFields[q.Effect]
		if !ok {
			c.add(at(path, "effect"), "effect %q is not known; use one of suspend_tranches, withhold_tranches, forfeit_tranche, suspend_deliveries, restore_relief, record, interest, suspend_obligation", q.Effect)
			continue
		}
		for _, f := range q.setFields() {
			if !slices.Contains(fields, f) {
				c.add(at(path, f), "a %s consequence takes no %s; its fields are %s", q.Effect, f, orNone(fields))
			}
		}
		if kind, ok := effectKind[q.Effect]; ok {
			if ref(c, at(path, "incentive"), "consequence", "incentive", q.Incentive, c.incentives) && c.incentives[q.Incentive].Kind != kind {
				c.add(at(path, "incentive"), "effect %s applies to a %s incentive, but %s is %s", q.Effect, kind, q.Incentive, c.incentives[q.Incentive].Kind)
			}
		}
		for _, d := range []struct {
			name string
			d    *Duration
		}{{"cure", q.Cure}, {"forfeit_after", q.ForfeitAfter}} {
			if d.d != nil {
				if err := d.d.check(); err != nil {
					c.add(at(path, d.name), "%v", err)
				}
			}
		}
		if q.Restore != "" && q.Restore != RestoreOnCure && q.Restore != RestoreOnRemedy {
			c.add(at(path, "restore"), "restore %q is not known; a suspension ends on a cure of the breach (cure) or a remedy the injured party accepts (remedy)", q.Restore)
		}
		switch q.Effect {
		case Interest:
			if q.On != LatePayment {
				c.add(at(path, "on"), "interest is charged on a late payment; make it on: late_payment")
			}
			if !(q.Rate > 0 && q.Rate < 1) {
				c.add(at(path, "rate"), "an interest consequence needs a yearly rate between 0 and 1, e.g. 0.05")
			}
		case SuspendObligation:
			if o := c.obligation(q.Obligation); o == nil {
				c.add(at(path, "obligation"), "consequence lets a party suspend obligation %q, which the agreement does not have", q.Obligation)
			} else if o.Party == q.Party {
				c.add(at(path, "obligation"), "obligation %s is %s's own; a party in breach suspends nothing: name an obligation of the other party", o.ID, q.Party)
			}
		}
	}
	c.checkSeverity()
}

func breachList() string {
	var s []string
	for _, b := range Breaches {
		s = append(s, string(b))
	}
	return strings.Join(s, ", ")
}

func orNone(fs []string) string {
	if len(fs) == 0 {
		return "none"
	}
	return strings.Join(fs, ", ")
}

func (c *checker) obligation(id string) *Obligation {
	for i := range c.s.Obligations {
		if c.s.Obligations[i].ID == id {
			return &c.s.Obligations[i]
		}
	}
	return nil
}

func (c *checker) money(path string, m *Money) {
	if m == nil {
		return
	}
	if m.Amount <= 0 {
		c.add(at(path, "amount"), "the amount must be positive")
	}
	if !curRE.MatchString(m.Currency) {
		c.add(at(path, "currency"), "%q is not an ISO 4217 currency code; write three capital letters, e.g. USD", m.Currency)
	}
}

// severity ranks what a consequence finally does to an incentive if the
// breach is never cured: 0 records, 1 suspends until a remedy, 2 withholds
// without limit or forfeits one tranche, 3 forfeits everything pending
// after a time, 4 takes everything pending at once and for good.
func (q Consequence) severity() int {
	switch q.Effect {
	case SuspendTranches, SuspendDeliveries:
		switch {
		case q.ForfeitAfter != nil:
			return 3
		case q.Restore != "":
			return 1
		}
		return 4
	case WithholdTranches:
		if q.Cure != nil {
			return 3
		}
		return 2
	case ForfeitTranche:
		return 2
	case RestoreRelief:
		return 4
	}
	return 0
}

// checkSeverity requires that a proven violation is never treated more
// leniently than an uncured denial: for each party and incentive, the
// strictest consequence of a violation is at least as strict as the
// strictest of an access denial or a refused challenge.
func (c *checker) checkSeverity() {
	type key struct{ party, incentive string }
	violation := map[key]int{}
	denial := map[key]int{}
	where := map[key]int{}
	for i, q := range c.s.Consequences {
		k := key{q.Party, q.Incentive}
		sev := q.severity()
		if q.Covers(Violation) && sev >= violation[k] {
			violation[k] = sev
		}
		if (q.Covers(AccessDenied) || q.Covers(ChallengeRefused)) && q.On != NonCompliant && sev > denial[k] {
			denial[k], where[k] = sev, i
		}
	}
	for k, d := range denial {
		if violation[k] < d {
			q := c.s.Consequences[where[k]]
			c.add(at("consequences", where[k]), "an uncured %s by %s does more to %s than a proven violation would: severity follows harm, so give violation by %s a consequence on %s at least as strict as %s",
				q.On, k.party, k.incentive, k.party, k.incentive, q.Effect)
		}
	}
}

func (c *checker) checkBodies() {
	for i, b := range c.s.Bodies {
		path := at("bodies", i)
		c.id(at(path, "id"), "body", b.ID)
		if strings.TrimSpace(b.Name) == "" {
			c.add(at(path, "name"), "body %s needs a name; add \"name: ...\"", b.ID)
		}
		if len(b.Members) == 0 {
			c.add(at(path, "members"), "body %s has no members; list the principal ids that vote for it", b.ID)
		}
		seen := map[string]bool{}
		for j, m := range b.Members {
			mp := at(path, "members", j)
			if seen[m] {
				c.add(mp, "principal %s is listed twice in body %s; each member has one vote", m, b.ID)
			}
			seen[m] = true
			ref(c, mp, "body "+b.ID, "principal", m, c.principals)
		}
		n := len(b.Members)
		switch b.Rule {
		case Consensus:
			if b.Quorum != 0 {
				c.add(at(path, "quorum"), "body %s decides by consensus of all its members; drop the quorum, or use rule: quorum", b.ID)
			}
		case Quorum, ReverseVeto:
			if b.Quorum < 1 || b.Quorum > n {
				c.add(at(path, "quorum"), "body %s has quorum %d of its %d members, which is impossible; give \"quorum: k\" with k from 1 to %d", b.ID, b.Quorum, n, max(n, 1))
			}
		default:
			c.add(at(path, "rule"), "body %s has rule %q; use consensus, quorum (k of n) or reverse_veto", b.ID, b.Rule)
		}
		if b.Rule != ReverseVeto && len(b.Vetoes) > 0 {
			c.add(at(path, "vetoes"), "only a reverse_veto body has vetoes; drop them from body %s or change its rule", b.ID)
		}
		for j, m := range b.Vetoes {
			if !slices.Contains(b.Members, m) {
				c.add(at(path, "vetoes", j), "veto holder %s is not a member of body %s; add it to members or drop the veto", m, b.ID)
			}
		}
		switch b.Default {
		case "", NotApproved:
		case Approved:
			if b.Rule == ReverseVeto {
				c.add(at(path, "default"), "a reverse veto lets the decision stand unless the resolution against it passes: its default is not_approved; drop the default of body %s", b.ID)
			}
		default:
			c.add(at(path, "default"), "body %s has default %q; say what an undecided question becomes: approved or not_approved", b.ID, b.Default)
		}
	}
}

func (c *checker) checkDispute() {
	d := c.s.Dispute
	if d == nil {
		return
	}
	if len(d.Steps) == 0 {
		c.add("dispute.steps", "the dispute process has no steps; list them with their day limits")
	}
	seen := map[string]bool{}
	for i, st := range d.Steps {
		c.id(at("dispute.steps", i, "id"), "dispute step", st.ID)
		c.unique(seen, at("dispute.steps", i, "id"), "dispute step", st.ID)
		if st.Days <= 0 {
			c.add(at("dispute.steps", i, "days"), "dispute step %s needs a positive day limit", st.ID)
		}
		if st.Body != "" {
			ref(c, at("dispute.steps", i, "body"), "dispute step "+st.ID, "body", st.Body, c.bodies)
		}
		switch {
		case st.ExtendBy != "" && st.Body != "":
			c.add(at("dispute.steps", i, "extend_by"), "dispute step %s is decided by body %s, and its days are that body's; drop extend_by", st.ID, st.Body)
		case st.ExtendBy != "":
			ref(c, at("dispute.steps", i, "extend_by"), "dispute step "+st.ID, "body", st.ExtendBy, c.bodies)
		}
	}
	if d.Outcome != RestoreRelief && d.Outcome != Record {
		c.add("dispute.outcome", "the dispute outcome %q is not known; use restore_relief (snapback) or record", d.Outcome)
	}
	for i, id := range d.Incentives {
		if ref(c, at("dispute.incentives", i), "the dispute outcome", "incentive", id, c.incentives) && c.incentives[id].Kind != Relief {
			c.add(at("dispute.incentives", i), "snapback restores relief, but %s is %s", id, c.incentives[id].Kind)
		}
	}
	for i, id := range d.Suspend {
		if ref(c, at("dispute.suspend", i), "the dispute outcome", "incentive", id, c.incentives) && c.incentives[id].Kind == Relief {
			c.add(at("dispute.suspend", i), "snapback suspends tranches or deliveries, but %s is relief", id)
		}
	}
}

func (c *checker) checkProcurement() {
	p := c.s.Procurement
	if p == nil {
		return
	}
	if p.Requester != "" {
		ref(c, "procurement.requester", "the procurement channel", "party", p.Requester, c.parties)
	}
	switch {
	case p.Body != "" && p.Approver != "":
		c.add("procurement.approver", "licences are decided either by an approver party or by a body, not both; drop approver, as body %s decides", p.Body)
	case p.Body != "":
		ref(c, "procurement.body", "the procurement channel", "body", p.Body, c.bodies)
		if p.OnTimeout != "" {
			c.add("procurement.on_timeout", "body %s decides licences, and its default outcome says what an undecided request becomes; drop on_timeout, or set the body's default", p.Body)
		}
	case p.Approver == "":
		// Each licensed_transfer obligation names its body (approved_by).
	case ref(c, "procurement.approver", "the procurement channel", "party", p.Approver, c.parties):
		has := slices.ContainsFunc(c.parties[p.Approver].Principals, func(pr Principal) bool { return slices.Contains(pr.Duties, Approver) })
		if !has {
			c.add("procurement.approver", "party %s decides licences but none of its principals holds the approver duty", p.Approver)
		}
		if p.OnTimeout != "approve" && p.OnTimeout != "deny" {
			c.add("procurement.on_timeout", "on_timeout is %q; say what an unanswered request becomes: approve or deny", p.OnTimeout)
		}
	}
	if p.WorkingDays <= 0 {
		c.add("procurement.working_days", "the procurement channel needs a positive decision limit in working days")
	}
	if p.ExtendedWorkingDays != 0 && p.ExtendedWorkingDays < p.WorkingDays {
		c.add("procurement.extended_working_days", "the extended limit %d is shorter than the normal limit %d", p.ExtendedWorkingDays, p.WorkingDays)
	}
	if p.DisagreementWorkingDays != 0 && p.Body == "" {
		c.add("procurement.disagreement_working_days", "the disagreement limit applies where the members of the channel's body disagree; name procurement.body, or drop disagreement_working_days")
	}
	if p.DisagreementWorkingDays != 0 && p.DisagreementWorkingDays < max(p.WorkingDays, p.ExtendedWorkingDays) {
		c.add("procurement.disagreement_working_days", "the disagreement limit %d is shorter than the other limits", p.DisagreementWorkingDays)
	}
}
