package state

import (
	"fmt"
	"slices"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/compliance"
	"github.com/surety/surety/internal/statement"
)

// ChallengeStatus is where a challenge inspection stands.
type ChallengeStatus string

// The challenge statuses.
const (
	ChallengePending ChallengeStatus = "pending"
	ChallengeGranted ChallengeStatus = "granted"
	ChallengeRefused ChallengeStatus = "refused"
	// ChallengeReferred: refused or unanswered in time, and referred to
	// the body the access obligation names, which decides whether access
	// is necessary.
	ChallengeReferred ChallengeStatus = "referred"
	// ChallengeDropped: the body did not find access necessary.
	ChallengeDropped ChallengeStatus = "dropped"
)

// Allegation is a filed allegation.
type Allegation struct {
	statement.AllegationBody
	ID     string    `json:"id"`
	Author string    `json:"author"`
	Party  string    `json:"party"`
	Index  uint64    `json:"index"`
	Time   time.Time `json:"time"`
}

// Challenge is a challenge inspection as the state knows it.
type Challenge struct {
	statement.ChallengeBody
	ID       string                  `json:"id"`
	Index    uint64                  `json:"index"`
	Time     time.Time               `json:"time"`
	Deadline time.Time               `json:"deadline"`
	Status   ChallengeStatus         `json:"status"`
	Response *statement.ResponseBody `json:"response,omitempty"`
	// Refused is when the challenge was refused: by the answer, or by
	// silence at the deadline.
	Refused time.Time `json:"refused,omitzero"`
	// Cause says why the challenge is refused when no answer came.
	Cause      string      `json:"cause,omitempty"`
	Inspection *Inspection `json:"inspection,omitempty"`
	// Question is the body's question, once referred; after its approval
	// the party's last time to comply is the deadline, and a refusal then
	// is final.
	Question string `json:"question,omitempty"`
}

// breach returns the breach class of a challenge whose location the
// inspectors did not reach, and when it happened; class is "" for one
// whose inspectors were let in.
func (ch *Challenge) breach() (agreement.Breach, time.Time) {
	switch {
	case ch.Status == ChallengeRefused:
		return agreement.ChallengeRefused, ch.Refused
	case ch.Inspection != nil && ch.Inspection.Outcome == statement.AccessDenied:
		return agreement.AccessDenied, ch.Inspection.Time
	}
	return "", time.Time{}
}

func allegationBlobs(st *statement.Statement) ([][32]byte, error) {
	var b statement.AllegationBody
	if err := st.Decode(&b); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	return evidenceSums(b.Evidence)
}

// LoadChallenge returns a challenge, or an error wrapping ErrInvalid.
func LoadChallenge(kv KV, id string) (*Challenge, error) {
	return load[Challenge](kv, kindChallenge, id, "challenge")
}

func applyAllegation(c *Context, e Entry) error {
	var b statement.AllegationBody
	if err := decode(e, &b); err != nil {
		return err
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
	var b statement.ChallengeBody
	if err := decode(e, &b); err != nil {
		return err
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
	if b.Repeats != "" {
		r, err := LoadChallenge(c.KV, b.Repeats)
		if err != nil {
			return err
		}
		if r.Site != b.Site {
			return fmt.Errorf("%w: challenge %s was at %s; a repeat asks for the same location, at %s", ErrInvalid, r.ID, r.Site, r.Site)
		}
		if class, _ := r.breach(); class == "" {
			return fmt.Errorf("%w: challenge %s was neither refused nor denied (%s); there is nothing to repeat", ErrConflict, r.ID, r.Status)
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
	var b statement.ResponseBody
	if err := decode(e, &b); err != nil {
		return err
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
	ch.Status = ChallengeGranted
	if !b.Granted {
		if referred, err := c.refer(ch, e.Time, "refused: "+b.Reason); referred || err != nil {
			return err
		}
		ch.Status, ch.Refused = ChallengeRefused, e.Time
	}
	if err := putJSON(c.KV, kindChallenge, ch.ID, ch); err != nil {
		return err
	}
	if b.Granted {
		// A grant promises access; the inspection report shows it was
		// given, and only that cures an earlier refusal.
		return nil
	}
	return c.stmtEvent(e, Event{Kind: compliance.ChallengeRefused, Party: c.Author.Party, Ref: ch.ID, Site: ch.Site,
		Obligation: c.obligation(agreement.Access, c.Author.Party, ch.Site, e.Time),
		Text:       fmt.Sprintf("challenge %s at %s was refused: %s", ch.ID, ch.Site, b.Reason)})
}

// expireChallenge refuses a challenge left unanswered past its deadline.
func expireChallenge(c *Context, deadline time.Time, id string) error {
	ch, err := LoadChallenge(c.KV, id)
	if err != nil {
		return err
	}
	if referred, err := c.refer(ch, deadline, "no answer by the deadline"); referred || err != nil {
		return err
	}
	ch.Status, ch.Refused = ChallengeRefused, deadline
	ch.Cause = fmt.Sprintf("no answer by the deadline %s: silence counts as refusal", deadline.Format(time.RFC3339))
	if err := putJSON(c.KV, kindChallenge, id, ch); err != nil {
		return err
	}
	party := partyOfSite(c.Spec, ch.Site)
	return c.event(deadline, Event{Kind: compliance.ChallengeRefused, Party: party, Ref: id, Site: ch.Site, Index: ch.Index,
		Obligation: c.obligation(agreement.Access, party, ch.Site, deadline),
		Text:       fmt.Sprintf("challenge %s at %s was left unanswered past its response time", id, ch.Site)})
}

// refer puts a challenge refused or unanswered in time to the body its
// access obligation names, unless the body has decided on it already;
// referred is false where no body is named or the refusal comes after the
// body's approval, and the refusal is final.
func (c *Context) refer(ch *Challenge, at time.Time, why string) (referred bool, err error) {
	if ch.Question != "" {
		return false, nil
	}
	var esc *agreement.Escalation
	for _, o := range Timeline(c.KV, c.Spec).InForce(ch.Time) {
		if o.Kind == agreement.Access && slices.Contains(o.Sites, ch.Site) && o.Escalation != nil {
			esc = o.Escalation
		}
	}
	if esc == nil {
		return false, nil
	}
	ch.Question = "access:" + ch.ID
	ch.Status, ch.Cause = ChallengeReferred, fmt.Sprintf("%s; referred to body %s", why, esc.Body)
	deadline := at.AddDate(0, 0, esc.Days)
	text := fmt.Sprintf("access to %s is necessary (challenge %s, %s)", ch.Site, ch.ID, why)
	if err := c.ask(ch.Question, esc.Body, text, at, deadline); err != nil {
		return false, err
	}
	if err := c.schedule(deadline, "question", ch.Question); err != nil {
		return false, err
	}
	return true, putJSON(c.KV, kindChallenge, ch.ID, ch)
}

// accessDecided carries out a body's decision on a referred challenge:
// approved, the party has the escalation's last time to give access;
// otherwise the challenge is dropped, with no breach.
func accessDecided(c *Context, q *Question, ref string, at time.Time) error {
	ch, err := LoadChallenge(c.KV, ref)
	if err != nil {
		return err
	}
	if q.Outcome != agreement.Approved {
		ch.Status, ch.Cause = ChallengeDropped, "body "+q.Body+" did not find access necessary: "+q.Cause
		return putJSON(c.KV, kindChallenge, ch.ID, ch)
	}
	var comply agreement.Duration
	for _, o := range Timeline(c.KV, c.Spec).InForce(ch.Time) {
		if o.Kind == agreement.Access && slices.Contains(o.Sites, ch.Site) && o.Escalation != nil {
			comply = o.Escalation.Comply
		}
	}
	ch.Status, ch.Response = ChallengePending, nil
	ch.Deadline = comply.AddTo(at)
	ch.Cause = fmt.Sprintf("body %s found access necessary (%s); access is due by %s", q.Body, q.Cause, Day(ch.Deadline))
	if err := c.schedule(ch.Deadline, "challenge", ch.ID); err != nil {
		return err
	}
	return putJSON(c.KV, kindChallenge, ch.ID, ch)
}

// Challenges returns every challenge inspection asked for, by id.
func Challenges(kv KV) ([]Challenge, error) { return scanJSON[Challenge](kv, kindChallenge, "", "") }
