package state

import (
	"fmt"
	"slices"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/statement"
)

// Challenge statuses.
const (
	ChallengePending = "pending"
	ChallengeGranted = "granted"
	ChallengeRefused = "refused"
)

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

// Allegation is a filed allegation.
type Allegation struct {
	AllegationBody
	ID     string    `json:"id"`
	Author string    `json:"author"`
	Party  string    `json:"party"`
	Index  uint64    `json:"index"`
	Time   time.Time `json:"time"`
}

// ChallengeBody is the body of challenge.request: the inspectorate asks
// for access to a site or a consignment.
type ChallengeBody struct {
	Allegation  string `json:"allegation,omitempty"`
	Site        string `json:"site"`
	Declaration string `json:"declaration,omitempty"`
	Description string `json:"description"`
}

// ResponseBody is the body of challenge.response.
type ResponseBody struct {
	Challenge string `json:"challenge"`
	Granted   bool   `json:"granted"`
	// At is when access is granted.
	At     time.Time `json:"at,omitzero"`
	Reason string    `json:"reason,omitempty"`
}

// Challenge is a challenge inspection as the state knows it.
type Challenge struct {
	ChallengeBody
	ID       string        `json:"id"`
	Index    uint64        `json:"index"`
	Time     time.Time     `json:"time"`
	Deadline time.Time     `json:"deadline"`
	Status   string        `json:"status"`
	Response *ResponseBody `json:"response,omitempty"`
	// Cause says why the challenge is refused when no answer came.
	Cause      string      `json:"cause,omitempty"`
	Inspection *Inspection `json:"inspection,omitempty"`
}

func init() {
	Register(TypeAllegation, Handler{Duties: []agreement.Duty{agreement.Envoy, agreement.Coordinator}, Apply: applyAllegation, Blobs: allegationBlobs})
	Register(TypeChallenge, Handler{Duties: []agreement.Duty{agreement.Coordinator}, Apply: applyChallenge})
	Register(TypeResponse, Handler{Duties: []agreement.Duty{agreement.Declarant, agreement.Envoy}, Apply: applyResponse})
}

func allegationBlobs(st *statement.Statement) ([][32]byte, error) {
	var b AllegationBody
	if err := st.Decode(&b); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	return evidenceSums(b.Evidence)
}

// LoadChallenge returns a challenge, or an error wrapping ErrInvalid.
func LoadChallenge(kv KV, id string) (*Challenge, error) {
	return load[Challenge](kv, kindChallenge, id, "challenge")
}

func siteOf(spec *agreement.Spec, id string) *agreement.Site {
	for i := range spec.Sites {
		if spec.Sites[i].ID == id {
			return &spec.Sites[i]
		}
	}
	return nil
}

func applyAllegation(c *Context, e Entry) error {
	var b AllegationBody
	if err := e.Statement.Decode(&b); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if b.Description == "" {
		return fmt.Errorf("%w: an allegation says what happened in its description", ErrInvalid)
	}
	if b.Site != "" && siteOf(c.Spec, b.Site) == nil {
		return fmt.Errorf("%w: unknown site %s", ErrInvalid, b.Site)
	}
	if b.Declaration != "" {
		if _, err := LoadDeclaration(c.KV, b.Declaration); err != nil {
			return err
		}
	}
	if err := checkEvidence(c.KV, b.Evidence); err != nil {
		return err
	}
	return putJSON(c.KV, kindAllegation, e.Statement.ID, Allegation{AllegationBody: b, ID: e.Statement.ID,
		Author: e.Statement.Author, Party: c.Author.Party, Index: e.Index, Time: e.Time})
}

func applyChallenge(c *Context, e Entry) error {
	var b ChallengeBody
	if err := e.Statement.Decode(&b); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if c.Author.Role != agreement.Inspectorate {
		return fmt.Errorf("%w: only the inspectorate requests challenge inspections", ErrForbidden)
	}
	if siteOf(c.Spec, b.Site) == nil {
		return fmt.Errorf("%w: unknown site %q", ErrInvalid, b.Site)
	}
	if b.Allegation != "" {
		var a Allegation
		if found, err := getJSON(c.KV, kindAllegation, b.Allegation, &a); err != nil {
			return err
		} else if !found {
			return fmt.Errorf("%w: no allegation %q", ErrInvalid, b.Allegation)
		}
	}
	if b.Declaration != "" {
		if _, err := LoadDeclaration(c.KV, b.Declaration); err != nil {
			return err
		}
	}
	var resp *agreement.Duration
	for _, o := range Timeline(c.KV, c.Spec).InForce(e.Time) {
		if o.Kind == agreement.Access && slices.Contains(o.Sites, b.Site) && o.ResponseTime != nil {
			resp = o.ResponseTime
		}
	}
	if resp == nil {
		return fmt.Errorf("%w: no access obligation in force covers %s, so no response time applies", ErrInvalid, b.Site)
	}
	ch := Challenge{ChallengeBody: b, ID: e.Statement.ID, Index: e.Index, Time: e.Time, Deadline: resp.AddTo(e.Time), Status: ChallengePending}
	if err := c.schedule(ch.Deadline, "challenge", ch.ID); err != nil {
		return err
	}
	return putJSON(c.KV, kindChallenge, ch.ID, ch)
}

func applyResponse(c *Context, e Entry) error {
	var b ResponseBody
	if err := e.Statement.Decode(&b); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	ch, err := LoadChallenge(c.KV, b.Challenge)
	if err != nil {
		return err
	}
	site := siteOf(c.Spec, ch.Site)
	if site == nil || site.Party != c.Author.Party {
		return fmt.Errorf("%w: only the party holding %s answers its challenges", ErrForbidden, ch.Site)
	}
	if ch.Status != ChallengePending {
		return fmt.Errorf("%w: challenge %s is %s already; %s", ErrConflict, ch.ID, ch.Status, ch.Cause)
	}
	if b.Granted && b.At.IsZero() {
		return fmt.Errorf("%w: a granted challenge says when access is given (at)", ErrInvalid)
	}
	if err := c.unschedule(ch.Deadline, "challenge", ch.ID); err != nil {
		return err
	}
	ch.Response = &b
	ch.Status = ChallengeRefused
	if b.Granted {
		ch.Status = ChallengeGranted
	}
	if err := putJSON(c.KV, kindChallenge, ch.ID, ch); err != nil {
		return err
	}
	if b.Granted {
		// A grant promises access; the inspection report shows it was
		// given, and only that cures an earlier denial.
		return nil
	}
	return c.stmtEvent(e, Event{Kind: EventChallengeRefused, Party: c.Author.Party, Ref: ch.ID, Site: ch.Site,
		Text: fmt.Sprintf("challenge %s at %s was refused: %s", ch.ID, ch.Site, b.Reason)})
}
