package statement

import (
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/screening"
)

// The statement types. A statement's body is the type of the same name
// below; the projector (package state) gives each its apply step.
const (
	TypeAdopt     = "agreement.adopt"
	TypeKeyAdd    = "key.add"
	TypeKeyRevoke = "key.revoke"
	TypeClockTick = "clock.tick"

	TypeListAdopt = "list.adopt"

	TypeDeclare  = "declaration.submit"
	TypeAmend    = "declaration.amend"
	TypeWithdraw = "declaration.withdraw"

	TypeCommit       = "selection.commit"
	TypeReveal       = "selection.reveal"
	TypeReport       = "inspection.report"
	TypeForceMajeure = "inspection.force_majeure"
	TypeAllegation   = "allegation.file"
	TypeChallenge    = "challenge.request"
	TypeResponse     = "challenge.response"

	TypeLicenceRequest  = "license.request"
	TypeLicenceDecision = "license.decision"

	TypePayment  = "payment.record"
	TypeDelivery = "delivery.record"
	TypeReceipt  = "receipt.acknowledge"

	TypeVerified = "verification.report"

	TypeMeasure    = "facility.measure"
	TypeContinuity = "facility.continuity"

	TypeDisputeRaise = "dispute.raise"
	TypeDisputeStep  = "dispute.step"
	TypeNotify       = "dispute.notify"
	TypeSnapback     = "snapback.invoke"
	TypeRemedy       = "remedy.accept"

	TypeReimpose = "relief.reimpose"
	TypeCease    = "obligation.cease"
	TypeVote     = "decision.vote"
	TypeMove     = "decision.move"
)

// AdoptBody is the body of agreement.adopt: the agreement document itself.
type AdoptBody struct {
	Document string `json:"document"`
}

// KeyAddBody adds a key to a principal, or a new principal with its key.
type KeyAddBody struct {
	Principal string `json:"principal"`
	// Key is a verifier key (name+hash+data) or base64 of the 32 key bytes.
	Key string `json:"key"`
	// Party, Duties and Sites describe a new principal.
	Party  string           `json:"party,omitempty"`
	Duties []agreement.Duty `json:"duties,omitempty"`
	Sites  []string         `json:"sites,omitempty"`
}

// KeyRevokeBody revokes a principal's key by its key id.
type KeyRevokeBody struct {
	Principal string `json:"principal"`
	KeyID     string `json:"key_id"`
}

// ClockTickBody is the body of clock.tick: empty; the entry's time is the
// tick.
type ClockTickBody struct{}

// ListAdoptBody is the body of list.adopt: an edition, stored as a blob in
// the canonical JSON encoding of lists.Encode, named by its SHA-256.
type ListAdoptBody struct {
	// Source is "un" or "ofac".
	Source string `json:"source"`
	// Date is the edition's publication date, YYYY-MM-DD.
	Date string `json:"date"`
	// SHA256 is the hex SHA-256 of the blob.
	SHA256 string `json:"sha256"`
	// Entries is the number of entries, for readers of the log.
	Entries int `json:"entries"`
}

// The body of declaration.submit is a screening.Declaration.

// AmendBody is the body of declaration.amend: the declaration in full, as
// it now stands.
type AmendBody struct {
	Declaration string                `json:"declaration"`
	Reason      string                `json:"reason,omitempty"`
	New         screening.Declaration `json:"new"`
}

// WithdrawBody is the body of declaration.withdraw.
type WithdrawBody struct {
	Declaration string `json:"declaration"`
	Reason      string `json:"reason,omitempty"`
}

// CommitBody is the body of selection.commit: the selector's commitments
// to its decisions on a round of declarations, logged before each
// consignment leaves, for every declaration, selected or not, and alike
// for both.
type CommitBody struct {
	Commitments []Commitment `json:"commitments"`
}

// Commitment is a commitment to the decision on a declaration
// (inspection.Commitment, in hex), and the declaration's p the decision
// was made with, which is public.
type Commitment struct {
	Declaration string  `json:"declaration"`
	P           float64 `json:"p"`
	Commitment  string  `json:"commitment"`
}

// RevealBody is the body of selection.reveal: decisions committed to,
// revealed once their consignments have left or been withdrawn.
type RevealBody struct {
	Decisions []Decision `json:"decisions"`
}

// Decision is a decision committed to, as revealed by selection.reveal or
// carried by an inspection report. The VRF proof is over the agreement and
// the declaration's leaf hash, p is the projected p, u comes from the VRF
// output, the decision is u < p, and Salt (hex, 32 bytes) is the salt of
// the commitment.
type Decision struct {
	Declaration string  `json:"declaration"`
	Proof       string  `json:"proof"`
	P           float64 `json:"p"`
	U           float64 `json:"u"`
	Selected    bool    `json:"selected"`
	Salt        string  `json:"salt"`
}

// Outcome is the outcome of an inspection.
type Outcome string

// The outcomes of an inspection.
const (
	Cleared      Outcome = "cleared"
	Discrepancy  Outcome = "discrepancy"
	Prohibited   Outcome = "prohibited"
	AccessDenied Outcome = "access_denied"
	NotPerformed Outcome = "not_performed"
)

// Outcomes lists the outcomes of an inspection.
var Outcomes = []Outcome{Cleared, Discrepancy, Prohibited, AccessDenied, NotPerformed}

// Finding is what an inspector found about one item.
type Finding struct {
	Item     int    `json:"item"`
	Finding  string `json:"finding"`
	Category string `json:"category,omitempty"`
}

// Evidence is a photo or document, stored as a blob.
type Evidence struct {
	SHA256 string `json:"sha256"`
	Kind   string `json:"kind"`
	Name   string `json:"name,omitempty"`
}

// SealState is what inspectors found of a seal.
type SealState string

// The states of a seal found.
const (
	SealIntact SealState = "intact"
	SealBroken SealState = "broken"
)

// SealCheck is one seal the inspectors found on a consignment.
type SealCheck struct {
	Seal  string    `json:"seal"`
	State SealState `json:"state"`
}

// ReportBody is the body of inspection.report.
type ReportBody struct {
	// Declaration is the inspected declaration, or Challenge the challenge
	// inspection; exactly one is set.
	Declaration string  `json:"declaration,omitempty"`
	Challenge   string  `json:"challenge,omitempty"`
	Site        string  `json:"site"`
	Outcome     Outcome `json:"outcome"`
	// Reason says why inspectors were denied access or the inspection was
	// not performed.
	Reason string `json:"reason,omitempty"`
	// ForceMajeure claims that a not_performed inspection failed for a
	// cause of neither party; it counts as such once the site's party
	// confirms it (inspection.force_majeure).
	ForceMajeure bool      `json:"force_majeure,omitempty"`
	Findings     []Finding `json:"findings,omitempty"`
	// SealsFound are the seals on the consignment when the inspectors came;
	// a declared seal not among them is missing. Seals are the seals the
	// inspectors applied.
	SealsFound []SealCheck `json:"seals_found,omitempty"`
	Seals      []string    `json:"seals,omitempty"`
	// Reveal is the selection the report inspects, revealed as the
	// inspectors present themselves; a consignment's first report carries
	// it.
	Reveal   *Decision  `json:"reveal,omitempty"`
	Start    time.Time  `json:"start"`
	End      time.Time  `json:"end"`
	Evidence []Evidence `json:"evidence,omitempty"`
}

// ForceMajeureBody is the body of inspection.force_majeure: the site's
// party confirms that the not_performed inspection of a declaration or
// challenge failed for a cause of neither party.
type ForceMajeureBody struct {
	Declaration string `json:"declaration,omitempty"`
	Challenge   string `json:"challenge,omitempty"`
	Note        string `json:"note,omitempty"`
}

// AllegationBody is the body of allegation.file: a party's claim that the
// agreement was broken, e.g. by an undeclared departure.
type AllegationBody struct {
	Site        string     `json:"site,omitempty"`
	Declaration string     `json:"declaration,omitempty"`
	Description string     `json:"description"`
	Evidence    []Evidence `json:"evidence,omitempty"`
	// Undeclared says the allegation is of an undeclared departure: a
	// challenge inspection finding prohibited items confirms it.
	Undeclared bool `json:"undeclared,omitempty"`
}

// ChallengeBody is the body of challenge.request: the inspectorate asks
// for access to a site or a consignment.
type ChallengeBody struct {
	Allegation  string `json:"allegation,omitempty"`
	Site        string `json:"site"`
	Declaration string `json:"declaration,omitempty"`
	Description string `json:"description"`
	// Repeats is an earlier challenge at the same site whose location was
	// refused or whose inspectors were turned away: inspecting this one in
	// time cures that breach.
	Repeats string `json:"repeats,omitempty"`
}

// ResponseBody is the body of challenge.response.
type ResponseBody struct {
	Challenge string `json:"challenge"`
	Granted   bool   `json:"granted"`
	// At is when access is granted.
	At     time.Time `json:"at,omitzero"`
	Reason string    `json:"reason,omitempty"`
}

// LicenceBody is the body of license.request.
type LicenceBody struct {
	// Item is the controlled-item category of the goods.
	Item        string `json:"item"`
	Description string `json:"description"`
	Exporter    string `json:"exporter"`
	Importer    string `json:"importer"`
	Destination string `json:"destination"`
	EndUse      string `json:"end_use"`
	// EndUseLocation is where the goods will be used.
	EndUseLocation string `json:"end_use_location"`
	// Certificate is the SHA-256 of the end-user certificate blob.
	Certificate string `json:"certificate"`
}

// DecisionBody is the body of license.decision.
type DecisionBody struct {
	Request  string `json:"request"`
	Approved bool   `json:"approved"`
	// Extend takes the extended limit instead of deciding now.
	Extend bool   `json:"extend,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// PaymentBody is the body of payment.record.
type PaymentBody struct {
	Tranche   string `json:"tranche"`
	Amount    int64  `json:"amount"`
	Currency  string `json:"currency"`
	Reference string `json:"reference,omitempty"`
}

// DeliveryBody is the body of delivery.record.
type DeliveryBody struct {
	Incentive string  `json:"incentive"`
	Quantity  float64 `json:"quantity"`
	Unit      string  `json:"unit"`
	Reference string  `json:"reference,omitempty"`
}

// ReceiptBody is the body of receipt.acknowledge: for a tranche, or for a
// delivery by its statement id.
type ReceiptBody struct {
	Tranche  string `json:"tranche,omitempty"`
	Delivery string `json:"delivery,omitempty"`
	Disputed bool   `json:"disputed,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// VerifiedBody is the body of verification.report: the steps its party
// reports verified.
type VerifiedBody struct {
	Steps       []string `json:"steps"`
	Description string   `json:"description,omitempty"`
}

// RaiseBody is the body of dispute.raise.
type RaiseBody struct {
	// Against is the party the complaint is about.
	Against     string `json:"against"`
	Description string `json:"description"`
}

// StepBody is the body of dispute.step. Resolved: true is the author's
// party's agreement that the dispute is resolved; the dispute is resolved
// when both parties to it have agreed at the same step. Resolved: false
// moves the dispute to its next step.
type StepBody struct {
	Dispute  string `json:"dispute"`
	Resolved bool   `json:"resolved"`
	Note     string `json:"note,omitempty"`
	// Extend asks the current step's extend_by body to extend the step by
	// this many days.
	Extend int `json:"extend,omitempty"`
}

// NotifyBody is the body of dispute.notify: the party that raised a
// dispute, left unresolved, notifies it to the step that begins only on
// notice (the Security Council, under the JCPOA).
type NotifyBody struct {
	Dispute string `json:"dispute"`
	Note    string `json:"note,omitempty"`
}

// SnapbackBody is the body of snapback.invoke.
type SnapbackBody struct {
	Dispute string `json:"dispute"`
}

// ReimposeBody is the body of relief.reimpose: a party of the benefactor
// reimposes measures that a relief lifted, outside the agreed mechanism.
// Surety records it, and the verdict says whose breach it is.
type ReimposeBody struct {
	Incentive string   `json:"incentive"`
	Measures  []string `json:"measures"`
	Reason    string   `json:"reason,omitempty"`
}

// CeaseBody is the body of obligation.cease: a party whose dispute against
// another ended unresolved ceases performing obligations of its own, in
// whole or in part, as the agreement allows (the JCPOA's paragraph 36).
type CeaseBody struct {
	Dispute     string   `json:"dispute"`
	Obligations []string `json:"obligations"`
	Reason      string   `json:"reason,omitempty"`
}

// RemedyBody is the body of remedy.accept: the injured party accepts the
// remedy of a breach whose consequence a remedy ends.
type RemedyBody struct {
	Breach string `json:"breach"`
	Note   string `json:"note,omitempty"`
}

// MoveBody is the body of decision.move: a member of a body puts to it
// whether a party breached an obligation that names the body as its
// finder. The question is "finding:<obligation>/<statement id>"; the
// members vote on it with decision.vote, and its approval is a finding.
type MoveBody struct {
	Body       string `json:"body"`
	Obligation string `json:"obligation"`
	Text       string `json:"text"`
}

// VoteBody is the body of decision.vote: one member's vote on a question
// put to a body. A decision is the set of its members' votes in the log:
// each vote is its own statement, signed by its member and verifiable
// alone, and the question is decided once the votes meet the body's rule
// (or its deadline passes). The state opens the questions: a licence
// request the procurement channel's body decides is question
// "licence:<request>", a dispute at a step a body decides is question
// "dispute:<dispute>/<step>".
type VoteBody struct {
	Body     string `json:"body"`
	Question string `json:"question"`
	// Vote is yes, no or abstain.
	Vote agreement.Ballot `json:"vote"`
	Note string           `json:"note,omitempty"`
}

// MeasureBody is the body of facility.measure: a value the monitoring
// party measured at a facility, against the limits of a facility
// obligation.
type MeasureBody struct {
	Obligation string             `json:"obligation"`
	Site       string             `json:"site"`
	Quantity   agreement.Quantity `json:"quantity"`
	Value      float64            `json:"value"`
	// Unit is one of the units the obligation limits the quantity in.
	Unit       string     `json:"unit"`
	MeasuredAt time.Time  `json:"measured_at"`
	Note       string     `json:"note,omitempty"`
	Evidence   []Evidence `json:"evidence,omitempty"`
}

// DeviceState is the state of a seal or camera.
type DeviceState string

// The states of a seal or camera: broken (a seal) and off (a camera)
// begin a loss of continuity; restored ends it; ok is a check that finds
// the device in order.
const (
	DeviceOK       DeviceState = "ok"
	DeviceBroken   DeviceState = "broken"
	DeviceOff      DeviceState = "off"
	DeviceRestored DeviceState = "restored"
)

// ContinuityBody is the body of facility.continuity: the state of one of
// a facility obligation's seals or cameras, since At.
type ContinuityBody struct {
	Obligation string               `json:"obligation"`
	Site       string               `json:"site"`
	Device     string               `json:"device"`
	Kind       agreement.DeviceKind `json:"kind"`
	State      DeviceState          `json:"state"`
	At         time.Time            `json:"at"`
	Note       string               `json:"note,omitempty"`
	Evidence   []Evidence           `json:"evidence,omitempty"`
}
