// Package compliance holds the rules of an agreement's compliance as pure
// functions: the kinds of fact the log establishes and the breach class of
// each (one table), the verdict of each party for a period (Judge), what
// the agreement's consequences do to the incentives at a finding, at a
// period's close, at a cure and when a cure period runs out
// (Consequences and its siblings), and whether the detection a period
// bought deters a violation, given what the undertaker still stands to lose
// (Deter).
//
// It takes values and returns values: the agreement, the facts of a period,
// the incentives as they stand. It imports no storage, no HTTP and no
// clock. The projector (package state) gathers the facts from the log,
// calls these functions and applies the actions they return; a report's
// verifier calls them again on the facts the report cites.
package compliance
