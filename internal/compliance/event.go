package compliance

import "time"

// Event is a fact with its time, the party it concerns, and the statement
// behind it: a finding, a missed deadline, a cure, a change of an
// incentive. The log's facts are events; verdicts give their reasons as
// events, and consequences their causes.
type Event struct {
	Kind Kind      `json:"kind"`
	Time time.Time `json:"time"`
	// Party is the party the fact counts for or against.
	Party string `json:"party,omitempty"`
	// Ref names what the event is about: a declaration, challenge,
	// tranche, breach…
	Ref  string `json:"ref,omitempty"`
	Site string `json:"site,omitempty"`
	// Obligation is the obligation the fact bears on, where one does.
	Obligation string `json:"obligation,omitempty"`
	// CureBy is the latest time a cureable breach can be cured, where the
	// fact itself sets one: a denied consignment's departure.
	CureBy time.Time `json:"cure_by,omitzero"`
	// Statement and Index name the statement behind the event; a deadline
	// passing has none.
	Statement string `json:"statement,omitempty"`
	Index     uint64 `json:"index,omitempty"`
	Text      string `json:"text"`
}

// Cited reports whether a statement stands behind the event.
func (e Event) Cited() bool { return e.Statement != "" }
