package state

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/compliance"
	"github.com/surety/surety/internal/statement"
)

// Question is a question put to a body: what it is asked, by when, and
// its members' votes (decision.vote), each a statement of its own. The
// state opens a question where a provision names a body for a decision
// one principal would otherwise make, and decides it the moment the votes
// meet the body's rule, or can no longer meet it; at the deadline, an
// open question takes the body's default outcome. Its id says what it
// decides: "licence:<request>" (and "licence:<request>/referred" when
// the members disagree), "dispute:<dispute>/<step>",
// "finding:<obligation>/<motion>", "access:<challenge>" or
// "extend:<dispute>/<step>/<request>".
type Question struct {
	ID       string    `json:"id"`
	Body     string    `json:"body"`
	Text     string    `json:"text"`
	Opened   time.Time `json:"opened"`
	Deadline time.Time `json:"deadline"`
	Votes    []Vote    `json:"votes,omitempty"`
	// Outcome is empty while the question is open.
	Outcome agreement.Outcome `json:"outcome,omitempty"`
	Decided time.Time         `json:"decided,omitzero"`
	Cause   string            `json:"cause,omitempty"`
}

// Vote is one member's vote, with the statement that cast it.
type Vote struct {
	Member    string           `json:"member"`
	Ballot    agreement.Ballot `json:"vote"`
	Statement string           `json:"statement"`
	Index     uint64           `json:"index"`
	Time      time.Time        `json:"time"`
	Note      string           `json:"note,omitempty"`
}

// decided are the steps that carry out a question's outcome, by what the
// question decides: the part of its id before the colon.
var decided = map[string]func(c *Context, q *Question, ref string, at time.Time) error{
	"licence": licenceDecided,
	"dispute": disputeDecided,
	"finding": findingDecided,
	"access":  accessDecided,
	"extend":  extendDecided,
}

// applyMove puts to a body, at a member's motion, whether a party breached
// an obligation that names the body as its finder. The question stays
// open for the body's motion days; the members vote on it as on any.
func applyMove(c *Context, e Entry) error {
	var b statement.MoveBody
	if err := decode(e, &b); err != nil {
		return err
	}
	body := c.Spec.Body(b.Body)
	if body == nil {
		return fmt.Errorf("%w: agreement %s declares no body %q", ErrInvalid, c.Spec.ID, b.Body)
	}
	if !body.Member(c.Author.ID) {
		return fmt.Errorf("%w: %s is not a member of body %s, whose members are %s", ErrForbidden, c.Author.ID, body.ID, strings.Join(body.Members, ", "))
	}
	o := c.obligationByID(b.Obligation)
	if o == nil || o.FoundBy != body.ID {
		return fmt.Errorf("%w: body %s finds no breach of %q; the agreement names it as finder of no such obligation", ErrInvalid, body.ID, b.Obligation)
	}
	if strings.TrimSpace(b.Text) == "" {
		return fmt.Errorf("%w: say what the party is found to have done", ErrInvalid)
	}
	id := "finding:" + o.ID + "/" + e.Statement.ID
	deadline := e.Time.AddDate(0, 0, body.MotionDays())
	text := fmt.Sprintf("find %s in breach of %s, moved by %s: %s", o.Party, o.ID, c.Author.ID, b.Text)
	if err := c.ask(id, body.ID, text, e.Time, deadline); err != nil {
		return err
	}
	return c.schedule(deadline, "question", id)
}

// questionDue gives a moved question still open at its deadline the body's
// default outcome.
func questionDue(c *Context, at time.Time, id string) error { return c.expire(id, at) }

// findingDecided records a body's finding: the party is in breach of the
// obligation, a violation, cited to the vote that decided it.
func findingDecided(c *Context, q *Question, ref string, at time.Time) error {
	if q.Outcome != agreement.Approved {
		return nil
	}
	id, _, _ := strings.Cut(ref, "/")
	o := c.obligationByID(id)
	ev := Event{Kind: compliance.Found, Party: o.Party, Ref: q.ID, Obligation: o.ID,
		Text: fmt.Sprintf("body %s found %s in breach of %s (%s)", q.Body, o.Party, o.ID, q.Cause)}
	if _, motion, ok := strings.Cut(q.Text, ", moved by "); ok {
		ev.Text += ", moved by " + motion
	}
	if n := len(q.Votes); n > 0 {
		ev.Statement, ev.Index = q.Votes[n-1].Statement, q.Votes[n-1].Index
	}
	return c.event(at, ev)
}

// LoadQuestion returns a question put to a body.
func LoadQuestion(kv KV, id string) (*Question, error) {
	return load[Question](kv, kindQuestion, id, "question")
}

// Questions returns every question put to a body, by id.
func Questions(kv KV) ([]Question, error) {
	return scanJSON[Question](kv, kindQuestion, "", "")
}

// ask puts a question to a body, open until the deadline. The deadline
// is the provision's own (a licence request's limit, a dispute step's
// days), which the provision's scheduled entry enforces by calling
// expire.
func (c *Context) ask(id, body, text string, opened, deadline time.Time) error {
	return putJSON(c.KV, kindQuestion, id, Question{ID: id, Body: body, Text: text, Opened: opened, Deadline: deadline})
}

// expire gives a question still open at its deadline the body's default
// outcome.
func (c *Context) expire(id string, at time.Time) error {
	q, err := LoadQuestion(c.KV, id)
	if err != nil || q.Outcome != "" {
		return err
	}
	b := c.Spec.Body(q.Body)
	o := b.Outcome()
	why := fmt.Sprintf("body %s did not decide by %s (%s); its default makes it %s", b.ID, Day(at), tally(*b, q.Votes), words(o))
	return c.decide(q, o, at, why)
}

// decide records a question's outcome and carries it out.
func (c *Context) decide(q *Question, o agreement.Outcome, at time.Time, why string) error {
	q.Outcome, q.Decided, q.Cause = o, at, why
	if err := putJSON(c.KV, kindQuestion, q.ID, q); err != nil {
		return err
	}
	matter, ref, _ := strings.Cut(q.ID, ":")
	return decided[matter](c, q, ref, at)
}

// applyVote records a member's vote on an open question and decides the
// question once the votes meet the body's rule or can no longer meet it.
// Only the body's members vote, each once.
func applyVote(c *Context, e Entry) error {
	var b statement.VoteBody
	if err := decode(e, &b); err != nil {
		return err
	}
	if !slices.Contains(agreement.Ballots, b.Vote) {
		return fmt.Errorf("%w: vote is %q; vote yes, no or abstain", ErrInvalid, b.Vote)
	}
	body := c.Spec.Body(b.Body)
	if body == nil {
		var ids []string
		for _, x := range c.Spec.Bodies {
			ids = append(ids, x.ID)
		}
		return fmt.Errorf("%w: agreement %s declares no body %q; its bodies: %s", ErrInvalid, c.Spec.ID, b.Body, orNone(ids))
	}
	if !body.Member(c.Author.ID) {
		return fmt.Errorf("%w: %s is not a member of body %s, whose members are %s", ErrForbidden, c.Author.ID, body.ID, strings.Join(body.Members, ", "))
	}
	q, err := LoadQuestion(c.KV, b.Question)
	if err != nil {
		return err
	}
	if q.Body != body.ID {
		return fmt.Errorf("%w: question %s is put to body %s, not %s", ErrInvalid, q.ID, q.Body, body.ID)
	}
	if q.Outcome != "" {
		return fmt.Errorf("%w: question %s was decided on %s: %s (%s)", ErrConflict, q.ID, Day(q.Decided), words(q.Outcome), q.Cause)
	}
	if e.Time.After(q.Deadline) {
		return fmt.Errorf("%w: question %s closed at its deadline, %s", ErrConflict, q.ID, Day(q.Deadline))
	}
	if i := slices.IndexFunc(q.Votes, func(v Vote) bool { return v.Member == c.Author.ID }); i >= 0 {
		return fmt.Errorf("%w: %s voted on question %s already (#%d %s); a member votes once", ErrConflict, c.Author.ID, q.ID, q.Votes[i].Index, q.Votes[i].Statement)
	}
	q.Votes = append(q.Votes, Vote{Member: c.Author.ID, Ballot: b.Vote, Statement: e.Statement.ID, Index: e.Index, Time: e.Time, Note: b.Note})
	ballots := map[string]agreement.Ballot{}
	for _, v := range q.Votes {
		ballots[v.Member] = v.Ballot
	}
	if o := body.Tally(ballots); o != "" {
		return c.decide(q, o, e.Time, fmt.Sprintf("%s by body %s's vote (%s; %s)", words(o), body.ID, tally(*body, q.Votes), rule(*body)))
	}
	return putJSON(c.KV, kindQuestion, q.ID, q)
}

// tally counts the votes cast.
func tally(b agreement.Body, votes []Vote) string {
	n := map[agreement.Ballot]int{}
	for _, v := range votes {
		n[v.Ballot]++
	}
	return fmt.Sprintf("%d yes, %d no, %d abstaining of %d members", n[agreement.Yes], n[agreement.No], n[agreement.Abstain], len(b.Members))
}

// rule says a body's rule in a few words.
func rule(b agreement.Body) string {
	switch b.Rule {
	case agreement.Consensus:
		return "consensus"
	case agreement.Quorum:
		return fmt.Sprintf("%d of %d", b.Quorum, len(b.Members))
	}
	return fmt.Sprintf("%d of %d and no veto", b.Quorum, len(b.Members))
}

func words(o agreement.Outcome) string { return strings.ReplaceAll(string(o), "_", " ") }

func orNone(ss []string) string {
	if len(ss) == 0 {
		return "none"
	}
	return strings.Join(ss, ", ")
}

// Day writes a time as a date, with the time of day when it has one, as
// the state's causes and the scenarios' timelines do.
func Day(t time.Time) string {
	t = t.UTC()
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format(time.DateOnly)
	}
	return t.Format("2006-01-02 15:04")
}
