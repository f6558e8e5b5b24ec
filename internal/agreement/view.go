package agreement

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// View is the agreement's resolved timeline: what `surety agreement show`
// prints.
type View struct {
	ID           string           `json:"id"`
	Title        string           `json:"title"`
	Origin       string           `json:"origin"`
	Quorum       int              `json:"quorum"`
	MaxSkew      string           `json:"max_skew"`
	Witnesses    []string         `json:"witnesses"`
	Parties      []PartyView      `json:"parties"`
	Milestones   []MilestoneView  `json:"milestones"`
	Tranches     []TranchesView   `json:"tranches"`
	Deliveries   []DeliveryView   `json:"deliveries"`
	Relief       []ReliefView     `json:"relief"`
	Obligations  []ObligationView `json:"obligations"`
	Sites        []Site           `json:"sites"`
	Verification Verification     `json:"verification"`
	Consequences []Consequence    `json:"consequences"`
	Dispute      *DisputeView     `json:"dispute,omitempty"`
	Procurement  *Procurement     `json:"procurement,omitempty"`
	Basis        []Basis          `json:"basis,omitempty"`
	Bodies       []BodyView       `json:"bodies,omitempty"`
}

// BodyView is a body with its rule in words.
type BodyView struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Members []string `json:"members"`
	Rule    string   `json:"rule"`
}

// PartyView is a party with its principals' duties.
type PartyView struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Role       Role     `json:"role"`
	Principals []string `json:"principals"`
}

// MilestoneView is a milestone's rule and resolved time.
type MilestoneView struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	Rule string `json:"rule"`
	When When   `json:"when"`
}

// TranchesView is a tranches incentive's schedule.
type TranchesView struct {
	ID       string        `json:"id"`
	Name     string        `json:"name,omitempty"`
	From     string        `json:"from"`
	To       string        `json:"to"`
	Total    Money         `json:"total"`
	Tranches []TrancheView `json:"schedule"`
}

// TrancheView is one tranche's due time and conditions.
type TrancheView struct {
	ID         string   `json:"id"`
	Purpose    string   `json:"purpose,omitempty"`
	Amount     int64    `json:"amount"`
	Rule       string   `json:"rule"`
	Due        When     `json:"due"`
	Conditions []string `json:"conditions,omitempty"`
}

// DeliveryView is an in-kind delivery's schedule.
type DeliveryView struct {
	ID          string  `json:"id"`
	Name        string  `json:"name,omitempty"`
	From        string  `json:"from"`
	To          string  `json:"to"`
	Commodity   string  `json:"commodity"`
	Unit        string  `json:"unit"`
	Quantity    float64 `json:"quantity"`
	Per         string  `json:"per"`
	Installment string  `json:"installment"`
	Start       When    `json:"start"`
	Until       When    `json:"until"`
	// Installments and Total are the schedule's extent when its end is
	// known.
	Installments int     `json:"installments,omitempty"`
	Total        float64 `json:"total,omitempty"`
}

// ReliefView is a relief incentive.
type ReliefView struct {
	ID       string      `json:"id"`
	Name     string      `json:"name,omitempty"`
	At       string      `json:"at"`
	When     When        `json:"when"`
	Measures []Measure   `json:"measures,omitempty"`
	Entries  []ListEntry `json:"entries,omitempty"`
}

// ObligationView is an obligation with its start and sunset.
type ObligationView struct {
	ID    string         `json:"id"`
	Name  string         `json:"name,omitempty"`
	Kind  ObligationKind `json:"kind"`
	Party string         `json:"party"`
	Scope string         `json:"scope"`
	From  When           `json:"from"`
	Until When           `json:"until"`
	// Limits and Continuity are what a facility obligation's monitoring
	// checks.
	Limits     []Limit     `json:"limits,omitempty"`
	Continuity *Continuity `json:"continuity,omitempty"`
}

// DisputeView is the dispute process with its total length.
type DisputeView struct {
	Steps     []DisputeStep `json:"steps"`
	TotalDays int           `json:"total_days"`
	Outcome   Effect        `json:"outcome"`
}

// Show resolves the agreement into its View, given which conditions the log
// has met (nil for none).
func (s *Spec) Show(met Met) View {
	tl := s.Resolve(met)
	start := tl.eval(s.Verification.Start)
	v := View{
		ID: s.ID, Title: s.Title, Origin: s.Origin(), Quorum: s.Log.Quorum,
		MaxSkew: s.Log.Skew().String(),
		Sites:   s.Sites, Verification: s.Verification, Consequences: s.Consequences,
		Procurement: s.Procurement, Basis: s.Basis,
	}
	for _, p := range s.Parties {
		pv := PartyView{ID: p.ID, Name: p.Name, Role: p.Role}
		for _, pr := range p.Principals {
			d := make([]string, len(pr.Duties))
			for i, x := range pr.Duties {
				d[i] = string(x)
			}
			desc := pr.ID + " (" + strings.Join(d, ", ")
			if len(pr.Sites) > 0 {
				desc += " at " + strings.Join(pr.Sites, ", ")
			}
			pv.Principals = append(pv.Principals, desc+")")
			if slices.Contains(pr.Duties, Witness) {
				v.Witnesses = append(v.Witnesses, pr.ID)
			}
		}
		v.Parties = append(v.Parties, pv)
	}
	for _, m := range s.Milestones {
		v.Milestones = append(v.Milestones, MilestoneView{ID: m.ID, Name: m.Name, Rule: m.Trigger.String(), When: tl.Milestone(m.ID)})
	}
	for _, in := range s.Incentives {
		switch in.Kind {
		case Tranches:
			tv := TranchesView{ID: in.ID, Name: in.Name, From: in.From, To: in.To, Total: *in.Total}
			for _, t := range in.Tranches {
				var conds []string
				for _, c := range t.Conditions {
					conds = append(conds, c.String())
				}
				tv.Tranches = append(tv.Tranches, TrancheView{ID: t.ID, Purpose: t.Purpose, Amount: t.Amount, Rule: t.Due.String(), Due: tl.eval(t.Due), Conditions: conds})
			}
			v.Tranches = append(v.Tranches, tv)
		case InKind:
			dv := DeliveryView{ID: in.ID, Name: in.Name, From: in.From, To: in.To, Commodity: in.Commodity, Unit: in.Unit,
				Quantity: in.Quantity, Per: in.Per.String(), Installment: in.Per.String(), Start: tl.eval(*in.Start)}
			inst := *in.Per
			if in.Installment != nil {
				inst = *in.Installment
				dv.Installment = inst.String()
			}
			if in.Until != nil {
				dv.Until = tl.eval(*in.Until)
			}
			if dv.Start.At != nil && dv.Until.At != nil {
				for t := *dv.Start.At; t.Before(*dv.Until.At); t = inst.AddTo(t) {
					dv.Installments++
				}
				dv.Total = float64(dv.Installments) * in.Quantity * inst.Days() / in.Per.Days()
			}
			v.Deliveries = append(v.Deliveries, dv)
		case Relief:
			v.Relief = append(v.Relief, ReliefView{ID: in.ID, Name: in.Name, At: in.At, When: tl.Milestone(in.At), Measures: in.Measures, Entries: in.Entries})
		}
	}
	for _, o := range s.Obligations {
		ov := ObligationView{ID: o.ID, Name: o.Name, Kind: o.Kind, Party: o.Party, Scope: o.Scope(), From: start, Limits: o.Limits, Continuity: o.Continuity}
		if o.From != nil {
			ov.From = tl.eval(*o.From)
		}
		if o.Until != nil {
			ov.Until = tl.eval(*o.Until)
		}
		v.Obligations = append(v.Obligations, ov)
	}
	if d := s.Dispute; d != nil {
		dv := DisputeView{Steps: d.Steps, Outcome: d.Outcome}
		for _, st := range d.Steps {
			dv.TotalDays += st.Days
		}
		v.Dispute = &dv
	}
	for _, b := range s.Bodies {
		v.Bodies = append(v.Bodies, BodyView{ID: b.ID, Name: b.Name, Members: b.Members, Rule: b.RuleText()})
	}
	return v
}

// Scope says in a few words what an obligation covers.
func (o Obligation) Scope() string {
	switch o.Kind {
	case NoTransfer:
		return fmt.Sprintf("no transfer of %s to %s", strings.Join(o.Items, ", "), strings.Join(o.Destinations, " "))
	case LicensedTransfer:
		by := ""
		if o.ApprovedBy != "" {
			by = " by body " + o.ApprovedBy
		}
		dest := strings.Join(o.Destinations, " ")
		if dest == AnyDestination {
			dest = "any destination"
		}
		s := fmt.Sprintf("approval%s before transfer of %s to %s", by, strings.Join(o.Items, ", "), dest)
		if o.RequestedBy != "" {
			s += ", asked for by " + o.RequestedBy
		}
		if o.FoundBy != "" {
			s += ", as body " + o.FoundBy + " may find"
		}
		return s
	case Declare:
		lead := ""
		if o.LeadTime != nil {
			lead = fmt.Sprintf(", %s before departure", o.LeadTime)
		}
		return fmt.Sprintf("declare every outbound consignment at %s%s", strings.Join(o.Sites, ", "), lead)
	case Access:
		resp := ""
		if o.ResponseTime != nil {
			resp = fmt.Sprintf(", answer challenges within %s", o.ResponseTime)
		}
		if e := o.Escalation; e != nil {
			resp += fmt.Sprintf(", then body %s decides in %dd, then %s to comply", e.Body, e.Days, e.Comply)
		}
		return fmt.Sprintf("inspectors' access at %s%s", strings.Join(o.Sites, ", "), resp)
	case FacilityDuty:
		by := ""
		if o.MonitoredBy != "" {
			by = ", monitored by " + o.MonitoredBy
		}
		return fmt.Sprintf("%s at %s%s", o.Requirement, strings.Join(o.Sites, ", "), by)
	case Pay:
		return "pay the tranches of " + o.Incentive + " on schedule"
	case Deliver:
		return "deliver " + o.Incentive + " on schedule"
	case Conduct:
		return o.Requirement + ", as body " + o.FoundBy + " may find"
	case Relieve:
		return "lift " + o.Incentive + " at its milestone; reimpose only through the agreed mechanism"
	case Inspect:
		return fmt.Sprintf("inspect every consignment selected at %s before its deadline", strings.Join(o.Sites, ", "))
	case Undertake:
		what := o.Name
		if what == "" {
			what = o.ID
		}
		due := "no due time in the text"
		if o.Due != nil {
			due = "due " + o.Due.String()
		}
		return fmt.Sprintf("%s (done at %s), %s", strings.ToLower(what[:1])+what[1:], o.Done, due)
	}
	return ""
}

// WithUnit writes a measured value with its unit, e.g. "3.67 % U-235";
// a count has none.
func WithUnit(v float64, unit string) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if unit == "count" {
		return s
	}
	return s + " " + unit
}

// String says the limit in words, e.g. "enrichment_level at most 3.67 % U-235".
func (l Limit) String() string {
	var s string
	switch {
	case l.Max != nil && l.Min != nil:
		s = fmt.Sprintf("%s from %s to %s", l.Quantity, strconv.FormatFloat(*l.Min, 'f', -1, 64), WithUnit(*l.Max, l.Unit))
	case l.Max != nil:
		s = fmt.Sprintf("%s at most %s", l.Quantity, WithUnit(*l.Max, l.Unit))
	case l.Min != nil:
		s = fmt.Sprintf("%s at least %s", l.Quantity, WithUnit(*l.Min, l.Unit))
	}
	if l.Source != "" {
		s += " (" + l.Source + ")"
	}
	return s
}

// Lines says the continuity rules in words: the class of a loss, then
// the seals and the cameras with their allowances.
func (c *Continuity) Lines() []string {
	head := fmt.Sprintf("a loss of continuity is a %s", c.Breach)
	if c.Note != "" {
		head += " (" + c.Note + ")"
	}
	lines := []string{head}
	devices := func(noun string, ds []Device, allowance *Duration, state string) {
		if len(ds) == 0 {
			return
		}
		ids := make([]string, len(ds))
		for i, d := range ds {
			ids[i] = d.ID + " at " + d.Site
		}
		limit := state + " is a loss at once"
		if allowance != nil {
			limit = fmt.Sprintf("%s for more than %s is a loss", state, allowance)
		}
		lines = append(lines, fmt.Sprintf("%s %s: %s", noun, strings.Join(ids, ", "), limit))
	}
	devices("seals", c.Seals, c.SealBroken, "broken")
	devices("cameras", c.Cameras, c.CameraOutage, "off")
	return lines
}

func (c TrancheCondition) String() string {
	if c.Milestone != "" {
		return "after " + c.Milestone
	}
	return fmt.Sprintf("undertaker compliant in the last %d periods", c.CompliantPeriods)
}
