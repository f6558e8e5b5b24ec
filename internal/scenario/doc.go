// Package scenario replays timed scripts against a fresh in-memory Surety
// instance: the agreement adopted, the principals' keys derived from a
// published seed, and each step's statements signed and appended through
// the ledger at the step's log time, so that the same projector as the
// server's closes the periods, judges the parties and moves the
// incentives. A script can also decide pending selections with the
// selector's VRF key, tick the clock, store blobs and generate routine
// traffic. The result is the timeline, each period's close with the
// verdicts and incentives, written as stable text or JSON.
//
// The package orchestrates: it holds no compliance logic and knows
// nothing of HTTP. docs/scenarios.md describes the script format.
package scenario
