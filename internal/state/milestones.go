package state

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/surety/surety/internal/agreement"
)

// TypeVerified reports steps verified: the conditions of milestones.
const TypeVerified = "verification.report"

const kindMilestone = "milestone"

// VerifiedBody is the body of verification.report: the steps its party
// reports verified.
type VerifiedBody struct {
	Steps       []string `json:"steps"`
	Description string   `json:"description,omitempty"`
}

// Milestone is a reached milestone.
type Milestone struct {
	ID   string    `json:"id"`
	Time time.Time `json:"time"`
}

func init() {
	Register(TypeVerified, Handler{Duties: []agreement.Duty{agreement.Coordinator}, Apply: applyVerified})
	OnDue("milestone", milestoneReached)
}

func applyVerified(c *Context, e Entry) error {
	var b VerifiedBody
	if err := e.Statement.Decode(&b); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if len(b.Steps) == 0 {
		return fmt.Errorf("%w: a verification report names the steps it verifies", ErrInvalid)
	}
	known := map[string]bool{}
	for _, m := range c.Spec.Milestones {
		for _, t := range triggers(m.Trigger) {
			if t.When != nil && t.When.By == c.Author.Party {
				for _, s := range t.When.Steps {
					known[s] = true
				}
			}
		}
	}
	for _, s := range b.Steps {
		if !known[s] {
			return fmt.Errorf("%w: no milestone waits for %s to verify step %q", ErrInvalid, c.Author.Party, s)
		}
		key := c.Author.Party + "/" + s
		if _, err := c.KV.Get(kindVerified, key); err == nil {
			continue // verified before; the first report counts
		}
		if err := putJSON(c.KV, kindVerified, key, e.Time); err != nil {
			return err
		}
	}
	return c.reschedule()
}

// triggers lists a trigger and the triggers nested in it.
func triggers(t agreement.Trigger) []agreement.Trigger {
	out := []agreement.Trigger{t}
	for _, e := range t.Earliest {
		out = append(out, triggers(e)...)
	}
	return out
}

func milestoneReached(c *Context, at time.Time, id string) error {
	if err := putJSON(c.KV, kindMilestone, id, Milestone{ID: id, Time: at}); err != nil {
		return err
	}
	return c.event(at, Event{Kind: EventMilestone, Ref: id, Text: fmt.Sprintf("milestone %s reached", id)})
}

// Milestones returns the reached milestones.
func Milestones(kv KV) ([]Milestone, error) {
	var out []Milestone
	err := kv.Scan(kindMilestone, "", "", 0, func(_ string, v []byte) error {
		var m Milestone
		if err := json.Unmarshal(v, &m); err != nil {
			return err
		}
		out = append(out, m)
		return nil
	})
	return out, err
}
