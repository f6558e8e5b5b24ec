package state

// The kinds of persisted state, each a set of rows by key. Every kind the
// projector writes is listed here.
const (
	// The agreement and its principals.
	kindAgreement = "agreement" // "document": the adopted YAML
	kindPrincipal = "principal" // by principal id
	kindClock     = "clock"     // "last": the last clock.tick's time

	// Lists and relief.
	kindList   = "list"   // the edition in force, by source
	kindLifted = "lifted" // "entries": the list references relief lifted

	// Blobs.
	kindCited = "cited" // by blob SHA-256 in hex: the index of the first statement citing it

	// Declarations and their indexes.
	kindDeclaration = "declaration"              // by statement id
	kindByDeparture = "declaration-by-departure" // "<departure>/<id>" → id
	kindBySite      = "declaration-by-site"      // "<site>/<departure>/<id>" → id
	kindUnselected  = "declaration-unselected"   // "<index>/<id>" → Pending, awaiting a selection commitment
	kindPendingID   = "declaration-pending"      // id → "<index>/<id>", its row in kindUnselected

	// Inspection.
	kindSelection  = "selection"  // commitments and reveals, by declaration id
	kindRevealable = "revealable" // "<time>/<id>" → id: sealed decisions, by when they may be revealed
	kindInspection = "inspection" // by declaration id
	kindAllegation = "allegation" // by statement id
	kindChallenge  = "challenge"  // by statement id
	kindLicence    = "licence"    // by statement id
	kindDevice     = "device"     // facility seals and cameras, "<obligation>/<device>"

	// Time.
	kindDeadline  = "deadline"  // "<time>/<rank>/<what>/<id>": what happens when
	kindScheduled = "scheduled" // "<what>/<id>": scheduled once already
	kindMilestone = "milestone" // reached milestones, by id
	kindVerified  = "verified"  // "<party>/<step>": when first reported verified

	// Compliance.
	kindEvent       = "event"       // "<time>/<n>": the facts, in log order
	kindEventCount  = "event-count" // "n": the number of facts recorded
	kindPeriod      = "period"      // closed periods, "<n>"
	kindBreach      = "breach"      // open, cured, remedied and final breaches, by id
	kindSuspension  = "suspension"  // obligations a party suspended, "<obligation>/<from>"
	kindTranche     = "tranche"     // by tranche id
	kindDelivery    = "delivery"    // by incentive id
	kindReliefState = "relief"      // by incentive id
	kindDispute     = "dispute"     // by statement id

	// Bodies.
	kindQuestion = "question" // questions put to bodies, by question id
)
