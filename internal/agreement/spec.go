package agreement

import (
	"slices"
	"strings"
)

// Version is the spec version this package reads.
const Version = "v1"

// Spec is one agreement: the document negotiators write and both parties
// sign. Field names are the YAML and JSON keys.
type Spec struct {
	// Surety is the spec version, "v1".
	Surety string `json:"surety" jsonschema:"required"`
	// ID names the agreement and its log, e.g. "il-kp-1993".
	ID string `json:"id" jsonschema:"required"`
	// Title is the agreement's name in plain words.
	Title string `json:"title" jsonschema:"required"`
	// Summary says in a few sentences what is exchanged for what.
	Summary string `json:"summary,omitempty"`
	// Sources lists the public documents the agreement is written from.
	Sources []string `json:"sources,omitempty"`
	// Log configures the agreement's Merkle log.
	Log Log `json:"log"`
	// Parties are the states and bodies bound by, or watching, the agreement.
	Parties []Party `json:"parties" jsonschema:"required"`
	// Sites are the exit points and facilities that obligations name.
	Sites []Site `json:"sites"`
	// Items are the controlled-item categories.
	Items []ItemCategory `json:"controlled_items"`
	// Milestones are the named moments the agreement's timeline hangs on.
	Milestones []Milestone `json:"milestones"`
	// Obligations are the duties of each party.
	Obligations []Obligation `json:"obligations"`
	// Incentives are the tranches, deliveries and relief given in return.
	Incentives []Incentive `json:"incentives"`
	// Verification is how compliance is checked and how sure it makes anyone.
	Verification Verification `json:"verification" jsonschema:"required"`
	// Consequences say what breaches do to incentives.
	Consequences []Consequence `json:"consequences,omitempty"`
	// Dispute is the dispute-resolution process, if any.
	Dispute *Dispute `json:"dispute,omitempty"`
	// Procurement is the channel that approves controlled transfers, if any.
	Procurement *Procurement `json:"procurement,omitempty"`
	// Basis says, provision by provision, what follows the public record
	// and what the file assumes where the record is silent.
	Basis []Basis `json:"basis,omitempty"`
	// Bodies are the commissions, boards and councils that decide by their
	// members' votes where a provision names them.
	Bodies []Body `json:"bodies,omitempty"`

	// notes are the readings of what the agreement leaves open (Notes).
	notes Problems
}

// Log configures the agreement's log.
type Log struct {
	// Host is the first part of the log's origin, "<host>/<agreement id>".
	// It defaults to DefaultHost.
	Host string `json:"host,omitempty"`
	// Quorum is how many of the agreement's witnesses must cosign a
	// checkpoint for clients to accept it. Zero means none are required.
	Quorum int `json:"quorum,omitempty"`
	// MaxSkew is how far a statement's author time may lie from the log
	// time, either way, for the log to take it. It defaults to
	// DefaultMaxSkew.
	MaxSkew *Duration `json:"max_skew,omitempty"`
}

// DefaultMaxSkew is the log's max_skew when the agreement states none.
var DefaultMaxSkew = MustDuration("24h")

// Skew returns the largest distance allowed between a statement's author
// time and its log time: max_skew, or DefaultMaxSkew.
func (l Log) Skew() Duration {
	if l.MaxSkew == nil {
		return DefaultMaxSkew
	}
	return *l.MaxSkew
}

// DefaultHost is the origin host when the agreement names none.
const DefaultHost = "surety.local"

// Role is a party's role in the agreement.
type Role string

// The party roles.
const (
	Benefactor   Role = "benefactor"
	Undertaker   Role = "undertaker"
	Inspectorate Role = "inspectorate"
	Observer     Role = "observer"
	Operator     Role = "operator"
)

// Party is a state or body and the principals that act for it.
type Party struct {
	ID      string `json:"id" jsonschema:"required"`
	Name    string `json:"name" jsonschema:"required"`
	Role    Role   `json:"role" jsonschema:"required,enum=benefactor,enum=undertaker,enum=inspectorate,enum=observer,enum=operator"`
	Country string `json:"country,omitempty"`
	// Principals are the people and systems that sign for the party.
	Principals []Principal `json:"principals" jsonschema:"required"`
}

// Duty is what a principal may do for its party. The duties a party's
// principals may hold depend on the party's role (see Duties).
type Duty string

// The principal duties.
const (
	// Declarant declares consignments and answers challenges (undertaker).
	Declarant Duty = "declarant"
	// Inspector inspects at its assigned sites (inspectorate).
	Inspector Duty = "inspector"
	// Selector decides selections with the inspectorate's VRF key.
	Selector Duty = "selector"
	// Coordinator requests challenge inspections and reports verified steps.
	Coordinator Duty = "coordinator"
	// Treasurer records payments and deliveries, or acknowledges receipt.
	Treasurer Duty = "treasurer"
	// Envoy files allegations and raises and steps disputes for its party.
	Envoy Duty = "envoy"
	// Approver decides licence requests in the procurement channel.
	Approver Duty = "approver"
	// Witness cosigns the log's checkpoints.
	Witness Duty = "witness"
	// LogKey signs the log's checkpoints, adopts the agreement and ticks
	// the log's clock (operator).
	LogKey Duty = "log"
	// Auditor follows and replays the log; it signs nothing in it.
	Auditor Duty = "auditor"
)

// Principal is a person or system with an ed25519 key.
type Principal struct {
	ID   string `json:"id" jsonschema:"required"`
	Name string `json:"name,omitempty"`
	// Key is the public key: a signed-note verifier key
	// ("name+hash+data") or the standard base64 of the 32 key bytes.
	Key string `json:"key" jsonschema:"required"`
	// Duties are what the principal may do for its party.
	Duties []Duty `json:"duties" jsonschema:"required"`
	// Sites are an inspector's assigned sites.
	Sites []string `json:"sites,omitempty"`
	// VRF is a selector's VRF public key (C2SP vrf-r255), the standard
	// base64 of its 32 bytes: anyone can check its selections with it.
	VRF string `json:"vrf_key,omitempty"`
}

// SiteKind is the kind of a site.
type SiteKind string

// The site kinds.
const (
	Airport      SiteKind = "airport"
	Seaport      SiteKind = "seaport"
	LandCrossing SiteKind = "land_crossing"
	Facility     SiteKind = "facility"
)

// Site is an exit point or a facility.
type Site struct {
	ID      string   `json:"id" jsonschema:"required"`
	Name    string   `json:"name" jsonschema:"required"`
	Kind    SiteKind `json:"kind" jsonschema:"required,enum=airport,enum=seaport,enum=land_crossing,enum=facility"`
	Country string   `json:"country" jsonschema:"required"`
	// Party is the party whose territory the site is in.
	Party string `json:"party" jsonschema:"required"`
	// IATA is an airport's three-letter code.
	IATA string `json:"iata,omitempty"`
	// LOCODE is a seaport's UN/LOCODE, five characters.
	LOCODE string `json:"locode,omitempty"`
	// Description says what a facility is and what it holds.
	Description string `json:"description,omitempty"`
}

// ExitPoint reports whether goods leave the territory at the site.
func (s Site) ExitPoint() bool { return s.Kind != Facility }

// ItemCategory is a category of controlled items.
type ItemCategory struct {
	ID   string `json:"id" jsonschema:"required"`
	Name string `json:"name" jsonschema:"required"`
	// Source cites the control list the category comes from.
	Source ItemSource `json:"source" jsonschema:"required"`
	// HS lists HS code prefixes, 2 to 10 digits, with or without dots.
	HS []string `json:"hs_prefixes,omitempty"`
	// Patterns are case-insensitive RE2 regular expressions matched against
	// item descriptions.
	Patterns []string `json:"patterns,omitempty"`
}

// ItemSource cites an MTCR Annex item or UN Register categories.
type ItemSource struct {
	// MTCR lists MTCR Annex item numbers: 1–2 are Category I, 3–20 are
	// Category II.
	MTCR []int `json:"mtcr,omitempty"`
	// UNRegister lists UN Register of Conventional Arms categories as Roman
	// numerals I–VII (VII is missiles and missile launchers).
	UNRegister []string `json:"un_register,omitempty"`
	// NSG lists the parts of the Nuclear Suppliers Group guidelines
	// (INFCIRC/254): 1 is nuclear items, 2 nuclear-related dual-use items.
	// Surety holds no NSG annex: such a category matches by its HS
	// prefixes and patterns only.
	NSG []int `json:"nsg,omitempty"`
}

// Trigger says when something happens: on a fixed date, at an offset from a
// milestone, when a condition on the log's statements holds, or at the
// earliest of several triggers. Exactly one of Date, Milestone, When and
// Earliest is set.
type Trigger struct {
	Date *Date `json:"date,omitempty"`
	// Milestone is the milestone this trigger follows, after Offset.
	Milestone string    `json:"milestone,omitempty"`
	Offset    *Duration `json:"offset,omitempty"`
	// When is a condition on statements in the log.
	When *Condition `json:"when,omitempty"`
	// Earliest fires at the first of its triggers ("whichever is earlier").
	Earliest []Trigger `json:"earliest,omitempty"`
}

// Condition holds when a party reports the listed steps verified, with a
// verification.report statement in the log.
type Condition struct {
	// By is the reporting party.
	By string `json:"by" jsonschema:"required"`
	// Steps are the step names that must all have been reported verified.
	Steps []string `json:"steps" jsonschema:"required"`
	// Description says the condition in plain words.
	Description string `json:"description,omitempty"`
}

// Milestone is a named moment in the agreement's timeline.
type Milestone struct {
	ID          string `json:"id" jsonschema:"required"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
	Trigger     `yaml:",inline"`
}

// ObligationKind is the kind of an obligation.
type ObligationKind string

// The obligation kinds.
const (
	// NoTransfer prohibits transfers of items to destinations.
	NoTransfer ObligationKind = "no_transfer"
	// LicensedTransfer requires prior approval in the procurement channel
	// for transfers of items to destinations.
	LicensedTransfer ObligationKind = "licensed_transfer"
	// Declare requires every outbound consignment at sites to be declared
	// before departure.
	Declare ObligationKind = "declaration"
	// Access requires inspectors' access to sites and answers to challenges.
	Access ObligationKind = "access"
	// FacilityDuty keeps a facility in a stated condition, e.g. frozen.
	FacilityDuty ObligationKind = "facility"
	// Pay requires a benefactor to pay an incentive's tranches on time.
	Pay ObligationKind = "payment"
	// Deliver requires a benefactor to deliver an in-kind incentive.
	Deliver ObligationKind = "delivery"
	// Inspect requires the inspectorate to inspect every consignment
	// selected at its sites before the selection's deadline.
	Inspect ObligationKind = "inspection"
	// Conduct binds a party to do or refrain from what its requirement
	// says, anywhere (stay in a treaty, no enrichment or reprocessing): no
	// inspection reaches it, so only a body's finding can breach it.
	Conduct ObligationKind = "conduct"
	// Relieve binds a benefactor to lift a relief's measures at its
	// milestone and to reimpose them only through the agreed mechanism.
	Relieve ObligationKind = "relief"
	// Undertake binds a party to bring something about (reactors built,
	// trade barriers eased, safeguards met) by a due time: a milestone
	// marks it done, and a due time past without it is a breach.
	Undertake ObligationKind = "undertaking"
)

// Obligation is a duty of one party. Which fields apply depends on Kind.
type Obligation struct {
	ID          string         `json:"id" jsonschema:"required"`
	Name        string         `json:"name,omitempty"`
	Kind        ObligationKind `json:"kind" jsonschema:"required,enum=no_transfer,enum=licensed_transfer,enum=declaration,enum=access,enum=facility,enum=payment,enum=delivery,enum=inspection,enum=conduct,enum=relief,enum=undertaking"`
	Party       string         `json:"party" jsonschema:"required"`
	Description string         `json:"description,omitempty"`
	// From is when the obligation starts; without it, when verification
	// starts.
	From *Trigger `json:"from,omitempty"`
	// Until is the obligation's sunset; without it, it never ends.
	Until *Trigger `json:"until,omitempty"`

	// Items and Destinations (ISO 3166-1 alpha-2, or AnyDestination
	// alone) scope no_transfer and licensed_transfer obligations.
	Items        []string `json:"items,omitempty"`
	Destinations []string `json:"destinations,omitempty"`
	// RequestedBy is the party that asks for the licences a
	// licensed_transfer obligation needs, where it is not the procurement
	// channel's requester: for arms from Iran (resolution 2231, Annex B,
	// paragraph 6(b)), Iran itself.
	RequestedBy string `json:"requested_by,omitempty"`
	// ApprovedBy is the body that decides the licence requests a
	// licensed_transfer obligation covers, where it is not the procurement
	// channel's: resolution 2231 leaves nuclear items to the Joint
	// Commission's channel but arms and missiles to the Security Council.
	ApprovedBy string `json:"approved_by,omitempty"`

	// Sites scope declaration, access, facility and inspection obligations.
	Sites []string `json:"sites,omitempty"`
	// LeadTime is how long before departure a declaration is due.
	LeadTime *Duration `json:"lead_time,omitempty"`
	// LateTolerance is how many late declarations a period may have before
	// the undertaker is non-compliant.
	LateTolerance int `json:"late_tolerance,omitempty"`
	// DiscrepancyTolerance is how many discrepancy findings (declared and
	// found differ, though nothing is prohibited) a period may have before
	// the undertaker is non-compliant.
	DiscrepancyTolerance int `json:"discrepancy_tolerance,omitempty"`
	// WithdrawalIsViolation makes a declaration withdrawn after its
	// selection a violation.
	WithdrawalIsViolation bool `json:"withdrawal_is_violation,omitempty"`
	// BrokenSealIsViolation makes a seal found missing, broken or not the
	// declared one a violation; without it, it counts as a discrepancy.
	BrokenSealIsViolation bool `json:"broken_seal_is_violation,omitempty"`

	// ResponseTime is how long the undertaker has to answer a challenge
	// request (access).
	ResponseTime *Duration `json:"response_time,omitempty"`

	// Escalation, for an access obligation, refers a challenge refused or
	// unanswered within the response time to a body, whose approval gives
	// the party a last time to comply (the JCPOA's Section Q: 14 days, the
	// Joint Commission's 7, then 3); without it a refusal is final.
	Escalation *Escalation `json:"escalation,omitempty"`

	// Requirement is a facility's required condition, e.g. "freeze".
	Requirement string `json:"requirement,omitempty"`
	// MonitoredBy is the party that monitors a facility: its inspectors
	// at the facility's sites, and its coordinators, make the measurements
	// and report the seals and cameras.
	MonitoredBy string `json:"monitored_by,omitempty"`
	// Limits are the values a facility must stay within; a measured value
	// beyond one is a violation.
	Limits []Limit `json:"limits,omitempty"`
	// Continuity is the continuity of knowledge on a facility: its seals
	// and cameras, how long one may be broken or off, and what a longer
	// loss is.
	Continuity *Continuity `json:"continuity,omitempty"`

	// Incentive is the incentive a payment or delivery obligation is for.
	Incentive string `json:"incentive,omitempty"`
	// Grace is how long after a due date a payment or delivery may arrive.
	Grace *Duration `json:"grace,omitempty"`

	// FoundBy is a body whose members may put to it whether the party
	// breached the obligation (decision.move); its approval is a finding,
	// a violation of the obligation.
	FoundBy string `json:"found_by,omitempty"`

	// Done is the milestone that marks an undertaking fulfilled.
	Done string `json:"done,omitempty"`
	// Due is when an undertaking must be fulfilled; without it, the text
	// sets no time, and no verdict can find it overdue.
	Due *Trigger `json:"due,omitempty"`
}

// Quantity is a measured quantity a facility obligation can limit.
type Quantity string

// The quantities, each with the units it is measured in (Units).
const (
	// EnrichmentLevel is the enrichment of uranium, in percent U-235.
	EnrichmentLevel Quantity = "enrichment_level"
	// Stockpile is the mass of enriched uranium held, as UF6 or as
	// uranium.
	Stockpile Quantity = "stockpile"
	// InstalledCentrifuges is the number of centrifuges installed.
	InstalledCentrifuges Quantity = "installed_centrifuges"
	// HeavyWater is the heavy water held.
	HeavyWater Quantity = "heavy_water"
)

// Units lists the units each quantity is stated in. A measurement is
// compared with the limits in its own unit only: Surety converts none.
var Units = map[Quantity][]string{
	EnrichmentLevel:      {"% U-235"},
	Stockpile:            {"kg UF6", "kg U"},
	InstalledCentrifuges: {"count"},
	HeavyWater:           {"t"},
}

// Quantities lists the quantities in a stable order.
var Quantities = []Quantity{EnrichmentLevel, Stockpile, InstalledCentrifuges, HeavyWater}

// Limit bounds one quantity at a facility: a measured value above Max or
// below Min is a violation. At least one of Max and Min is set.
type Limit struct {
	Quantity Quantity `json:"quantity" jsonschema:"required,enum=enrichment_level,enum=stockpile,enum=installed_centrifuges,enum=heavy_water"`
	// Unit is one of the quantity's units: "% U-235"; "kg UF6" or "kg U";
	// "count"; "t".
	Unit string   `json:"unit" jsonschema:"required,enum=% U-235,enum=kg UF6,enum=kg U,enum=count,enum=t"`
	Max  *float64 `json:"max,omitempty"`
	Min  *float64 `json:"min,omitempty"`
	// Source cites the provision the limit is written from.
	Source string `json:"source,omitempty"`
}

// Within reports whether a value in the limit's unit is within it.
func (l Limit) Within(v float64) bool {
	return (l.Max == nil || v <= *l.Max) && (l.Min == nil || v >= *l.Min)
}

// Beyond returns the first of the obligation's limits on the quantity in
// the unit that v is beyond; ok is false when it limits the quantity in
// that unit nowhere.
func (o Obligation) Beyond(q Quantity, unit string, v float64) (beyond *Limit, ok bool) {
	for i, l := range o.Limits {
		if l.Quantity != q || l.Unit != unit {
			continue
		}
		ok = true
		if !l.Within(v) && beyond == nil {
			beyond = &o.Limits[i]
		}
	}
	return beyond, ok
}

// Obligation returns the agreement's obligation with the id, or nil.
func (s *Spec) Obligation(id string) *Obligation {
	for i := range s.Obligations {
		if s.Obligations[i].ID == id {
			return &s.Obligations[i]
		}
	}
	return nil
}

// DeviceKind is the kind of a continuity device.
type DeviceKind string

// The continuity devices.
const (
	Seal   DeviceKind = "seal"
	Camera DeviceKind = "camera"
)

// Device is a seal or camera at one of a facility obligation's sites.
type Device struct {
	ID   string `json:"id" jsonschema:"required"`
	Site string `json:"site" jsonschema:"required"`
}

// Continuity is the continuity of knowledge the monitoring party keeps on
// a facility with seals and cameras. A seal broken for longer than
// SealBroken, or a camera off for longer than CameraOutage, is a loss of
// continuity: a breach of the class Breach names.
type Continuity struct {
	Seals   []Device `json:"seals,omitempty"`
	Cameras []Device `json:"cameras,omitempty"`
	// SealBroken is the longest a seal may stay broken before it is
	// restored; without it, a broken seal is a loss at once.
	SealBroken *Duration `json:"seal_broken,omitempty"`
	// CameraOutage is the longest a camera may be off before it is
	// restored; without it, a camera off is a loss at once.
	CameraOutage *Duration `json:"camera_outage,omitempty"`
	// Breach is the class of a loss of continuity: violation, or
	// discrepancy (counted against the obligation's
	// discrepancy_tolerance).
	Breach Breach `json:"breach" jsonschema:"required,enum=violation,enum=discrepancy"`
	// Note says where the allowances come from.
	Note string `json:"note,omitempty"`
}

// ContinuityBreaches are the classes a loss of continuity can be.
var ContinuityBreaches = []Breach{Violation, Discrepancies}

// Device returns the seal or camera with the id, and its kind.
func (c *Continuity) Device(id string) (Device, DeviceKind, bool) {
	for _, d := range c.Seals {
		if d.ID == id {
			return d, Seal, true
		}
	}
	for _, d := range c.Cameras {
		if d.ID == id {
			return d, Camera, true
		}
	}
	return Device{}, "", false
}

// Allowance is how long a device of the kind may be broken or off.
func (c *Continuity) Allowance(k DeviceKind) Duration {
	d := c.CameraOutage
	if k == Seal {
		d = c.SealBroken
	}
	if d == nil {
		return Duration{Unit: "h"}
	}
	return *d
}

// IncentiveKind is the kind of an incentive.
type IncentiveKind string

// The incentive kinds.
const (
	// Tranches is money paid in tranches.
	Tranches IncentiveKind = "tranches"
	// InKind is goods delivered on a schedule.
	InKind IncentiveKind = "delivery"
	// Relief lifts sanctions measures or list entries.
	Relief IncentiveKind = "relief"
)

// Incentive is what the benefactor gives. Which fields apply depends on Kind.
type Incentive struct {
	ID          string        `json:"id" jsonschema:"required"`
	Name        string        `json:"name,omitempty"`
	Kind        IncentiveKind `json:"kind" jsonschema:"required,enum=tranches,enum=delivery,enum=relief"`
	Description string        `json:"description,omitempty"`
	// From is the giving party; To is the receiving one.
	From string `json:"from" jsonschema:"required"`
	To   string `json:"to" jsonschema:"required"`

	// Total is the sum of the tranches (tranches).
	Total *Money `json:"total,omitempty"`
	// Tranches are the payments, in the total's currency.
	Tranches []Tranche `json:"tranches,omitempty"`

	// Commodity, Unit, Quantity and Per describe an in-kind delivery:
	// Quantity units of Commodity every Per, in installments of Installment
	// (default Per), from Start until Until.
	Commodity   string    `json:"commodity,omitempty"`
	Unit        string    `json:"unit,omitempty"`
	Quantity    float64   `json:"quantity,omitempty"`
	Per         *Duration `json:"per,omitempty"`
	Installment *Duration `json:"installment,omitempty"`
	Start       *Trigger  `json:"start,omitempty"`
	Until       *Trigger  `json:"until,omitempty"`

	// UnitValue is what one unit of an in-kind delivery is worth to the
	// undertaker, for the deterrence statement.
	UnitValue *Money `json:"unit_value,omitempty"`

	// At is the milestone at which relief takes effect. Snapback restores
	// what it lifted.
	At string `json:"at,omitempty"`
	// Value is what a relief is worth to the undertaker, for the
	// deterrence statement.
	Value *Money `json:"value,omitempty"`
	// Measures are the sanctions measures lifted.
	Measures []Measure `json:"measures,omitempty"`
	// Entries are the list entries lifted.
	Entries []ListEntry `json:"entries,omitempty"`
}

// Money is an amount in whole units of a currency (ISO 4217).
type Money struct {
	Amount   int64  `json:"amount" jsonschema:"required"`
	Currency string `json:"currency" jsonschema:"required"`
}

// Tranche is one payment of a tranches incentive.
type Tranche struct {
	ID      string `json:"id" jsonschema:"required"`
	Name    string `json:"name,omitempty"`
	Purpose string `json:"purpose,omitempty"`
	// Amount is in whole units of the incentive's currency.
	Amount int64 `json:"amount" jsonschema:"required"`
	// Due is when the tranche falls due.
	Due Trigger `json:"due" jsonschema:"required"`
	// Conditions must hold when the tranche falls due, or it is withheld.
	Conditions []TrancheCondition `json:"conditions,omitempty"`
}

// TrancheCondition is one condition on a tranche; exactly one field is set.
type TrancheCondition struct {
	// CompliantPeriods requires the undertaker's last N closed periods to be
	// compliant.
	CompliantPeriods int `json:"compliant_periods,omitempty"`
	// Milestone requires the milestone to have been reached.
	Milestone string `json:"milestone,omitempty"`
}

// Measure is a sanctions measure, e.g. an embargo or a set of designations.
type Measure struct {
	ID          string `json:"id" jsonschema:"required"`
	Name        string `json:"name" jsonschema:"required"`
	Description string `json:"description,omitempty"`
}

// ListEntry is one sanctions-list entry, by list and reference number.
type ListEntry struct {
	// List is "un" or "ofac".
	List string `json:"list" jsonschema:"required,enum=un,enum=ofac"`
	Ref  string `json:"ref" jsonschema:"required"`
	Name string `json:"name,omitempty"`
}

// Verification is the agreement's verification policy.
type Verification struct {
	// Start is when the first period begins.
	Start Trigger `json:"start" jsonschema:"required"`
	// Period is the reporting period's length, e.g. "1mo".
	Period Duration `json:"period" jsonschema:"required"`
	// Grace is how long after a period's end it stays open for late facts.
	Grace Duration `json:"grace"`
	// Goal is the detection goal per period. An agreement with no
	// declaration obligation samples nothing and may leave Goal and
	// Sampling out.
	Goal Goal `json:"goal,omitzero"`
	// Sampling is the sampling policy.
	Sampling Sampling `json:"sampling,omitzero"`
	// MatchThreshold is the name-screening score from which a party matches
	// a list entry; zero means the screening default.
	MatchThreshold float64 `json:"match_threshold,omitempty"`
	// Roster is the inspectorate's number of inspectors.
	Roster int `json:"roster" jsonschema:"required"`
	// RosterNote says where the roster figure comes from.
	RosterNote string `json:"roster_note,omitempty"`
	// ShiftHours is the working hours of one inspector per day.
	ShiftHours float64 `json:"shift_hours" jsonschema:"required"`
	// Traffic holds the planning assumptions per site.
	Traffic []Traffic `json:"traffic,omitempty"`
	// Gain is what one violation is worth to the undertaker, if not
	// caught: each period's statement weighs it against what the
	// undertaker stands to lose if caught, to say whether detection deters.
	Gain *Money `json:"gain,omitempty"`
	// GainNote says where the gain figure comes from.
	GainNote string `json:"gain_note,omitempty"`
}

// Goal is a detection goal: catch at least one of Violations prohibited
// consignments in a period with probability Probability.
type Goal struct {
	Probability float64 `json:"probability" jsonschema:"required"`
	Violations  int     `json:"violations" jsonschema:"required"`
}

// Sampling is the sampling policy: each declaration's selection probability
// is p = min(Cap, max(Floor, Gain·risk)), and p = 1 when risk ≥ Mandatory.
type Sampling struct {
	Floor float64 `json:"floor" jsonschema:"required"`
	Cap   float64 `json:"cap" jsonschema:"required"`
	// Gain scales the risk score into a probability; zero means 1.
	Gain float64 `json:"gain,omitempty"`
	// Mandatory is the risk from which selection is certain; zero means
	// never.
	Mandatory float64 `json:"mandatory,omitempty"`
	// RevealWithin is how long after a consignment's departure the
	// selector has to reveal its decision on it; zero means 24h. A decision
	// not revealed by then is the inspectorate's failure.
	RevealWithin *Duration `json:"reveal_within,omitempty"`
	// Weights weigh the screening signals into the risk score.
	Weights Weights `json:"weights"`
}

// Weights weigh each screening signal, each in [0, 1], into the risk score.
type Weights struct {
	// ListHit weighs a name match against a sanctions list.
	ListHit float64 `json:"list_hit"`
	// ItemHit weighs an item matching a controlled category.
	ItemHit float64 `json:"item_hit"`
	// Mismatch weighs a description that does not fit its HS code.
	Mismatch float64 `json:"mismatch"`
	// Destination weighs a prohibited destination.
	Destination float64 `json:"destination"`
	// Route weighs transit through a transshipment country.
	Route float64 `json:"route"`
	// EndUser weighs an end user in another country than the consignee.
	EndUser float64 `json:"end_user"`
	// Late weighs a late declaration.
	Late float64 `json:"late"`
	// Amendment weighs amendments.
	Amendment float64 `json:"amendment"`
	// Transshipment lists the transshipment countries (ISO 3166-1 alpha-2).
	Transshipment []string `json:"transshipment,omitempty"`
}

// Traffic is the planning assumption for one site.
type Traffic struct {
	Site string `json:"site" jsonschema:"required"`
	// DaysPerPeriod is the working days per period; zero means the
	// period's length in days (a month counts 30).
	DaysPerPeriod float64 `json:"days_per_period,omitempty"`
	Modes         []Mode  `json:"modes" jsonschema:"required"`
}

// Mode is the traffic of one transport mode at a site.
type Mode struct {
	Mode string `json:"mode" jsonschema:"required,enum=air,enum=sea,enum=road,enum=rail"`
	// PerDay is the outbound consignments per day.
	PerDay float64 `json:"per_day" jsonschema:"required"`
	// HoursPerInspection is the inspector-hours one inspection takes.
	HoursPerInspection float64 `json:"hours_per_inspection" jsonschema:"required"`
}

// Breach is an event that has consequences.
type Breach string

// The breaches consequences can name: each kind of fact that is a breach
// belongs to one of these classes (see package compliance).
const (
	// Violation: prohibited items found, an undeclared departure confirmed,
	// an unlicensed transfer declared, a declaration withdrawn after its
	// selection where that is a violation.
	Violation Breach = "violation"
	// AccessDenied: inspectors turned away.
	AccessDenied Breach = "access_denied"
	// ChallengeRefused: a challenge inspection refused or left unanswered.
	ChallengeRefused Breach = "challenge_refused"
	// Discrepancies: discrepancy findings beyond the tolerance.
	Discrepancies Breach = "discrepancy"
	// LateDeclarations: late declarations beyond the tolerance.
	LateDeclarations Breach = "late_declaration"
	// InspectionFailure: a selected consignment not inspected through the
	// inspectorate's fault.
	InspectionFailure Breach = "inspection_failure"
	// MissedPayment: a tranche unpaid at its deadline.
	MissedPayment Breach = "missed_payment"
	// LatePayment: a tranche paid after its deadline.
	LatePayment Breach = "late_payment"
	// MissedDelivery: an installment of a delivery short.
	MissedDelivery Breach = "missed_delivery"
	// MissedUndertaking: an undertaking not fulfilled by its due time.
	MissedUndertaking Breach = "missed_undertaking"
	// Reimposition: measures a relief lifted reimposed outside the
	// agreed mechanism.
	Reimposition Breach = "reimposition"
	// NonCompliant: any breach that makes the party non-compliant.
	NonCompliant Breach = "non_compliant"
	// Snapback: a dispute ended in snapback.
	Snapback Breach = "snapback"
)

// Breaches lists the breach classes a consequence can name.
var Breaches = []Breach{Violation, AccessDenied, ChallengeRefused, Discrepancies, LateDeclarations, InspectionFailure,
	MissedPayment, LatePayment, MissedDelivery, MissedUndertaking, Reimposition, NonCompliant, Snapback}

// Effect is what a consequence does.
type Effect string

// The consequence effects.
const (
	// SuspendTranches suspends the incentive's pending tranches.
	SuspendTranches Effect = "suspend_tranches"
	// WithholdTranches holds the incentive's next due tranche until the
	// breach is cured.
	WithholdTranches Effect = "withhold_tranches"
	// ForfeitTranche forfeits the incentive's next pending tranche.
	ForfeitTranche Effect = "forfeit_tranche"
	// SuspendDeliveries stops the incentive's deliveries.
	SuspendDeliveries Effect = "suspend_deliveries"
	// RestoreRelief restores what the relief incentive lifted.
	RestoreRelief Effect = "restore_relief"
	// Record only records the breach against the party.
	Record Effect = "record"
	// Interest charges interest on a late payment, at Rate a year.
	Interest Effect = "interest"
	// SuspendObligation lets the other party suspend one of its
	// obligations while the breach lasts: a reciprocal remedy.
	SuspendObligation Effect = "suspend_obligation"
)

// Restore says how a suspension ends in the party's favour.
type Restore string

// The ends of a suspension.
const (
	// RestoreOnCure restores the suspended incentive when the breach is
	// cured (a denial, by the access denied).
	RestoreOnCure Restore = "cure"
	// RestoreOnRemedy restores it when the injured party accepts a remedy
	// (remedy.accept).
	RestoreOnRemedy Restore = "remedy"
)

// Consequence says what a breach by a party does to an incentive, or
// lets the other party do.
type Consequence struct {
	On     Breach `json:"on" jsonschema:"required,enum=violation,enum=access_denied,enum=challenge_refused,enum=discrepancy,enum=late_declaration,enum=inspection_failure,enum=missed_payment,enum=late_payment,enum=missed_delivery,enum=non_compliant,enum=snapback"`
	Party  string `json:"party" jsonschema:"required"`
	Effect Effect `json:"effect" jsonschema:"required,enum=suspend_tranches,enum=withhold_tranches,enum=forfeit_tranche,enum=suspend_deliveries,enum=restore_relief,enum=record,enum=interest,enum=suspend_obligation"`
	// Incentive is the incentive affected; empty for record, interest and
	// suspend_obligation.
	Incentive string `json:"incentive,omitempty"`
	// Cure is how long the party has to cure a withheld breach before the
	// withheld tranches are forfeited; empty means no limit. A denied
	// consignment can be cured only until it leaves.
	Cure *Duration `json:"cure,omitempty"`
	// Restore says how a suspension ends in the party's favour: on a cure
	// of the breach, or on a remedy the injured party accepts.
	Restore Restore `json:"restore,omitempty" jsonschema:"enum=cure,enum=remedy"`
	// ForfeitAfter is how long a suspension lasts before the suspended
	// tranches are forfeited. A suspension with neither Restore nor
	// ForfeitAfter is read strictly: it never ends.
	ForfeitAfter *Duration `json:"forfeit_after,omitempty"`
	// Rate is the yearly interest rate of an interest consequence, e.g.
	// 0.05.
	Rate float64 `json:"rate,omitempty"`
	// Obligation is the other party's obligation that a suspend_obligation
	// consequence lets it suspend.
	Obligation string `json:"obligation,omitempty"`
}

// Covers reports whether the consequence answers a breach of the class.
func (q Consequence) Covers(b Breach) bool {
	return b != "" && b != Snapback && (q.On == b || q.On == NonCompliant)
}

// Dispute is the dispute-resolution process.
type Dispute struct {
	Steps []DisputeStep `json:"steps" jsonschema:"required"`
	// Outcome is what happens when the last step ends unresolved.
	Outcome Effect `json:"outcome" jsonschema:"required,enum=restore_relief,enum=record"`
	// Incentives are the incentives the outcome applies to.
	Incentives []string `json:"incentives,omitempty"`
	// Suspend lists tranche incentives whose pending tranches are suspended
	// on snapback.
	Suspend []string `json:"suspend,omitempty"`
}

// DisputeStep is one step of the dispute process with its day limit.
type DisputeStep struct {
	ID   string `json:"id" jsonschema:"required"`
	Name string `json:"name"`
	Days int    `json:"days" jsonschema:"required"`
	// Body, if set, is the body whose decision resolves the dispute at
	// this step: its members vote on resolving it, and the step ends as
	// the body decides, not by the parties' dispute.step. A dispute whose
	// last step a body decides ends in the dispute's outcome on its own
	// when that step ends unresolved: no party invokes it.
	Body string `json:"body,omitempty"`
	// OnNotice makes the step begin only when the party that raised the
	// dispute notifies it (dispute.notify), as a JCPOA participant chooses
	// whether to notify the Security Council; until then the dispute rests
	// unresolved, and its days run from the notification.
	OnNotice bool `json:"on_notice,omitempty"`
	// ExtendBy is the body whose approval extends the step's days, when a
	// party to the dispute asks (the JCPOA's paragraph 36: "unless the
	// time period was extended by consensus"); without it the step keeps
	// its days.
	ExtendBy string `json:"extend_by,omitempty"`
}

// Procurement is the channel that approves transfers before they happen.
// Either a party's approver principals decide, or a body does.
type Procurement struct {
	// Requester is the party whose envoys and declarants ask for
	// licences: the supplying states under resolution 2231. Without it,
	// the undertaker asks.
	Requester string `json:"requester,omitempty"`
	// Approver is the party whose approver principals decide.
	Approver string `json:"approver,omitempty"`
	// Body is the body whose members vote on each request; its default
	// outcome decides a request the vote has not decided by the limit.
	Body string `json:"body,omitempty"`
	// WorkingDays is the normal decision limit.
	WorkingDays int `json:"working_days" jsonschema:"required"`
	// ExtendedWorkingDays is the limit when extended.
	ExtendedWorkingDays int `json:"extended_working_days,omitempty"`
	// DisagreementWorkingDays is the limit when members disagree.
	DisagreementWorkingDays int `json:"disagreement_working_days,omitempty"`
	// OnTimeout is the decision taken when the limit passes: approve or
	// deny. It is the approver's; a body's default outcome says it for
	// the body.
	OnTimeout string `json:"on_timeout,omitempty" jsonschema:"enum=approve,enum=deny"`
}

// Rule is how a body decides.
type Rule string

// The decision rules.
const (
	// Consensus: the question carries when every member votes yes.
	Consensus Rule = "consensus"
	// Quorum: the question carries when Quorum members vote yes.
	Quorum Rule = "quorum"
	// ReverseVeto: the question put is a resolution against a decision
	// already taken (e.g. to continue relief that snapback would end). It
	// carries when Quorum members vote yes and every member of Vetoes has
	// voted yes or abstained; otherwise the decision stands at the
	// deadline. One veto is enough to let it stand.
	ReverseVeto Rule = "reverse_veto"
)

// Outcome is what a question to a body comes to.
type Outcome string

// The outcomes of a question.
const (
	Approved    Outcome = "approved"
	NotApproved Outcome = "not_approved"
)

// Body is a commission, board or council of principals that decides
// questions by its members' votes (decision.vote statements).
type Body struct {
	ID   string `json:"id" jsonschema:"required"`
	Name string `json:"name" jsonschema:"required"`
	// Members are principal ids of any party, observers included; each
	// casts one vote on a question.
	Members []string `json:"members" jsonschema:"required"`
	Rule    Rule     `json:"rule" jsonschema:"required,enum=consensus,enum=quorum,enum=reverse_veto"`
	// Quorum is k, the yes votes of the n members a question needs
	// (quorum and reverse_veto).
	Quorum int `json:"quorum,omitempty"`
	// Vetoes are the members whose no vote defeats a question
	// (reverse_veto), e.g. a council's permanent members.
	Vetoes []string `json:"vetoes,omitempty"`
	// Default is the outcome of a question the votes have not decided by
	// its deadline: not_approved when empty. A reverse veto's default is
	// not_approved: the decision stands.
	Default Outcome `json:"default,omitempty" jsonschema:"enum=approved,enum=not_approved"`
	// Description cites the text the body and its rule come from.
	Description string `json:"description,omitempty"`
	// Days is how long a question one of its members moves stays open
	// (decision.move); zero means 30.
	Days int `json:"days,omitempty"`
}

// MotionDays returns how long a question moved by a member stays open.
func (b Body) MotionDays() int {
	if b.Days <= 0 {
		return 30
	}
	return b.Days
}

// Outcome returns the body's default outcome.
func (b Body) Outcome() Outcome {
	if b.Default == "" {
		return NotApproved
	}
	return b.Default
}

// AnyDestination, as an obligation's only destination, covers transfers
// to every destination.
const AnyDestination = "any"

// Covers reports whether a transfer to the destination is within the
// obligation's destinations.
func (o Obligation) Covers(dest string) bool {
	return slices.Contains(o.Destinations, dest) || slices.Equal(o.Destinations, []string{AnyDestination})
}

// Declares reports whether anything is declared under the agreement: it
// has a declaration obligation. Where nothing is, nothing is selected or
// sampled, and there is no traffic to plan or simulate.
func (s *Spec) Declares() bool {
	return slices.ContainsFunc(s.Obligations, func(o Obligation) bool { return o.Kind == Declare })
}

// Body returns the declared body with the id, or nil.
func (s *Spec) Body(id string) *Body {
	for i := range s.Bodies {
		if s.Bodies[i].ID == id {
			return &s.Bodies[i]
		}
	}
	return nil
}

// RevealWindow is how long after departure the selector has to reveal a
// decision.
func (s Sampling) RevealWindow() Duration {
	if s.RevealWithin != nil {
		return *s.RevealWithin
	}
	return Duration{N: 24, Unit: "h"}
}

// Basis is what one provision rests on: the public record, an assumption,
// or both.
type Basis struct {
	// About names the provision: a section (log, verification,
	// consequences, dispute, procurement) or a section and an id
	// (parties.ID, sites.ID, controlled_items.ID, milestones.ID,
	// obligations.ID, incentives.ID).
	About string `json:"about" jsonschema:"required"`
	// Record is what the public texts say, with where they say it.
	Record string `json:"record,omitempty"`
	// Assumption is what the file assumes, and why.
	Assumption string `json:"assumption,omitempty"`
}

// Assumed returns what a basis assumes about a provision (joined, if
// several entries name it), or "".
func Assumed(basis []Basis, about string) string {
	var out []string
	for _, b := range basis {
		if b.About == about && b.Assumption != "" {
			out = append(out, b.Assumption)
		}
	}
	return strings.Join(out, "; ")
}

// Escalation is where an access obligation refers a refused challenge.
type Escalation struct {
	// Body decides whether access is necessary.
	Body string `json:"body" jsonschema:"required"`
	// Days is how long the body has to decide.
	Days int `json:"days" jsonschema:"required"`
	// Comply is how long the party has to give access once the body
	// approves.
	Comply Duration `json:"comply" jsonschema:"required"`
}
