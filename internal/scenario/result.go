package scenario

import (
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/compliance"
	"github.com/surety/surety/internal/state"
)

// Result is what a scenario did: its timeline, each period's close with
// the verdicts and the incentives as they then stood, and the incentives at
// the end.
type Result struct {
	Title     string `json:"title"`
	Script    string `json:"script"`
	Agreement string `json:"agreement"`
	// Entries is the size of the log at the end.
	Entries uint64    `json:"entries"`
	End     time.Time `json:"end"`
	// Timeline holds the script's steps and what changed, in time order.
	Timeline []Line `json:"timeline"`
	// Periods are the periods closed, in order.
	Periods    []Close    `json:"periods"`
	Incentives Incentives `json:"incentives"`
}

// Line is one line of the timeline: a step, a change it caused or a time
// brought, or a period's close.
type Line struct {
	Time time.Time `json:"time"`
	// Index is the entry of a step's statement.
	Index *uint64 `json:"index,omitempty"`
	Text  string  `json:"text"`
	// Detail says what the step found: a screening, selections, a refusal.
	Detail []string `json:"detail,omitempty"`
	// Period is the number of the period a close line closes.
	Period int `json:"period,omitempty"`
}

// Close is a period's close.
type Close struct {
	Period int       `json:"period"`
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
	Closed time.Time `json:"closed"`
	// By is the entry whose log time closed the period, and ByType its
	// statement's type.
	By         uint64     `json:"by"`
	ByType     string     `json:"by_type"`
	Assurance  Assurance  `json:"assurance"`
	Verdicts   []Verdict  `json:"verdicts"`
	Actions    []string   `json:"actions"`
	Incentives Incentives `json:"incentives"`
}

// Assurance is a closed period's inspection record and its detection
// probability against the goal's number of violations, for an adaptive
// evader.
type Assurance struct {
	Declared     int     `json:"declared"`
	Withdrawn    int     `json:"withdrawn"`
	Selected     int     `json:"selected"`
	Inspected    int     `json:"inspected"`
	Denied       int     `json:"denied"`
	NotPerformed int     `json:"not_performed"`
	Violations   int     `json:"violations"`
	Detection    float64 `json:"detection"`
	Goal         float64 `json:"goal"`
	MeetsGoal    bool    `json:"meets_goal"`
	// Deterrence says whether the detection deters, if the agreement
	// declares the gain from a violation.
	Deterrence *compliance.Deterrence `json:"deterrence,omitempty"`
}

// Verdict is a party's verdict with its reasons and notes.
type Verdict struct {
	Party   string               `json:"party"`
	Role    agreement.Role       `json:"role"`
	Verdict compliance.Judgement `json:"verdict"`
	Reasons []Reason             `json:"reasons"`
	Notes   []Reason             `json:"notes,omitempty"`
}

// Reason is a fact behind a verdict, with the statement that established
// it, if a statement did (a deadline passing has none).
type Reason struct {
	Kind      compliance.Kind `json:"kind"`
	Statement string          `json:"statement,omitempty"`
	Index     uint64          `json:"index,omitempty"`
	Text      string          `json:"text"`
}

// Incentives are the incentives' states at one time.
type Incentives struct {
	Tranches   []Tranche  `json:"tranches"`
	Deliveries []Delivery `json:"deliveries"`
	Relief     []Relief   `json:"relief"`
}

// Tranche is a tranche's status and its cause.
type Tranche struct {
	ID        string                   `json:"id"`
	Incentive string                   `json:"incentive"`
	Amount    int64                    `json:"amount"`
	Currency  string                   `json:"currency"`
	Status    compliance.TrancheStatus `json:"status"`
	Cause     string                   `json:"cause"`
}

// Delivery is an in-kind incentive's status and what was delivered against
// what was owed at its last installment's check.
type Delivery struct {
	ID        string                    `json:"id"`
	Unit      string                    `json:"unit"`
	Status    compliance.DeliveryStatus `json:"status"`
	Cause     string                    `json:"cause,omitempty"`
	Delivered float64                   `json:"delivered"`
	// Checked is the number of installments checked so far; Owed and
	// Shortfall are the last check's.
	Checked   int     `json:"checked"`
	Owed      float64 `json:"owed"`
	Shortfall float64 `json:"shortfall"`
}

// Relief is a relief incentive's status and the list entries it lifts.
type Relief struct {
	ID        string                  `json:"id"`
	Status    compliance.ReliefStatus `json:"status"`
	Measures  []string                `json:"measures"`
	Entries   []string                `json:"entries"`
	Reimposed []string                `json:"reimposed,omitempty"`
}

func incentives(in *state.Incentives) Incentives {
	out := Incentives{Tranches: []Tranche{}, Deliveries: []Delivery{}, Relief: []Relief{}}
	for _, t := range in.Tranches {
		out.Tranches = append(out.Tranches, Tranche{ID: t.ID, Incentive: t.Incentive, Amount: t.Amount, Currency: t.Currency, Status: t.Status, Cause: t.Cause})
	}
	for _, d := range in.Deliveries {
		x := Delivery{ID: d.ID, Unit: d.Unit, Status: d.Status, Cause: d.Cause, Delivered: d.Delivered}
		if n := len(d.Installment); n > 0 {
			x.Checked, x.Owed, x.Shortfall = n, d.Installment[n-1].Owed, d.Installment[n-1].Shortfall
		}
		out.Deliveries = append(out.Deliveries, x)
	}
	for _, r := range in.Relief {
		x := Relief{ID: r.ID, Status: r.Status, Entries: r.Entries, Reimposed: r.Reimposed}
		for _, m := range r.Measures {
			x.Measures = append(x.Measures, m.ID)
		}
		out.Relief = append(out.Relief, x)
	}
	return out
}

func closeOf(p state.Period, by uint64, typ string, in *state.Incentives) Close {
	c := Close{Period: p.N, From: p.From, To: p.To, Closed: p.Closed, By: by, ByType: typ, Verdicts: []Verdict{}, Actions: []string{}, Incentives: incentives(in)}
	if a := p.Assurance; a != nil {
		c.Assurance = Assurance{Declared: a.Declared, Withdrawn: a.Withdrawn, Selected: a.Selected, Inspected: a.Inspected, Denied: a.Denied,
			NotPerformed: a.NotPerformed, Violations: a.Goal.Violations, Goal: a.Goal.Probability, MeetsGoal: a.MeetsGoal, Deterrence: a.Deterrence}
		for _, d := range a.Detection {
			if d.M == a.Goal.Violations {
				c.Assurance.Detection = d.Adaptive
			}
		}
	}
	for _, v := range p.Verdicts {
		x := Verdict{Party: v.Party, Role: v.Role, Verdict: v.Verdict, Reasons: reasons(v.Reasons)}
		if len(v.Notes) > 0 {
			x.Notes = reasons(v.Notes)
		}
		c.Verdicts = append(c.Verdicts, x)
	}
	for _, a := range p.Actions {
		c.Actions = append(c.Actions, a.Text)
	}
	return c
}

func reasons(es []compliance.Event) []Reason {
	out := []Reason{}
	for _, e := range es {
		r := Reason{Kind: e.Kind, Text: e.Text}
		if e.Statement != "" {
			r.Statement, r.Index = e.Statement, e.Index
		}
		out = append(out, r)
	}
	return out
}
