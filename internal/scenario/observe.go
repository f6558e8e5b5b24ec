package scenario

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/surety/surety/internal/compliance"
	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/statement"
)

// watch remembers what the timeline has told of the state, so that each
// entry adds only what changed: milestones reached, each tranche's and
// relief's history, deliveries' status and shortfalls, and the disputes,
// licences and challenges the script's statements opened.
type watch struct {
	milestones map[string]bool
	history    map[string]int    // history entries told, by "tranche/ID", "delivery/ID", "relief/ID", "dispute/ID"
	status     map[string]string // the status told, by "licence/ID", "challenge/ID"
	shortfalls map[string]int    // installments told, by delivery
	suspended  map[string]bool   // suspensions told, by obligation and start
	disputes   []string
	licences   []string
	challenges []string
}

func newWatch() watch {
	return watch{milestones: map[string]bool{}, history: map[string]int{}, status: map[string]string{}, shortfalls: map[string]int{}, suspended: map[string]bool{}}
}

// follow starts following what a statement opened.
func (w *watch) follow(typ, id string) {
	switch typ {
	case statement.TypeDisputeRaise:
		w.disputes = append(w.disputes, id)
	case statement.TypeLicenceRequest:
		w.licences = append(w.licences, id)
	case statement.TypeChallenge:
		w.challenges = append(w.challenges, id)
	}
}

// observe records what the entry at index, of type typ, changed: the
// periods it closed and the timeline's changes.
func (r *run) observe(index uint64, typ string) error {
	return r.log.View(r.ctx, func(kv state.KV) error {
		in, err := state.LoadIncentives(kv)
		if err != nil {
			return err
		}
		acted := map[string]int{} // "target@time": the actions of the closes, which tell as many changes
		for {
			p, found, err := state.LoadPeriod(kv, r.periods+1)
			if err != nil {
				return err
			}
			if !found {
				break
			}
			r.periods++
			r.res.Periods = append(r.res.Periods, closeOf(p, index, typ, in))
			for _, a := range p.Actions {
				for _, t := range a.Targets {
					acted[t+"@"+stamp(p.Closed)]++
				}
			}
			r.res.Timeline = append(r.res.Timeline, Line{Time: p.Closed, Period: p.N, Text: fmt.Sprintf("period %d closed", p.N)})
		}
		ms, err := state.Milestones(kv)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if !r.watch.milestones[m.ID] {
				r.watch.milestones[m.ID] = true
				r.change(m.Time, "milestone %s reached", m.ID)
			}
		}
		// Tranches that changed alike at one time are told together.
		var changed []string // "time|reason|by", in order
		ids := map[string][]string{}
		times := map[string]time.Time{}
		for _, t := range in.Tranches {
			for _, ch := range r.news("tranche/"+t.ID, t.History) {
				if k := t.ID + "@" + stamp(ch.Time); acted[k] > 0 {
					acted[k]--
					continue
				}
				k := stamp(ch.Time) + "|" + ch.Reason + "|" + by(ch)
				if ids[k] == nil {
					changed = append(changed, k)
					times[k] = ch.Time
				}
				ids[k] = append(ids[k], t.ID)
			}
		}
		for _, k := range changed {
			_, rest, _ := strings.Cut(k, "|")
			reason, ref, _ := strings.Cut(rest, "|")
			noun := "tranche"
			if len(ids[k]) > 1 {
				noun = "tranches"
			}
			r.change(times[k], "%s %s %s%s", noun, strings.Join(ids[k], ", "), reason, ref)
		}
		for _, d := range in.Deliveries {
			for _, ch := range r.news("delivery/"+d.ID, d.History) {
				if k := d.ID + "@" + stamp(ch.Time); acted[k] > 0 {
					acted[k]--
				} else {
					r.change(ch.Time, "deliveries of %s %s", d.ID, ch.Reason)
				}
			}
			for _, ins := range d.Installment[r.watch.shortfalls[d.ID]:] {
				if ins.Shortfall > 0 {
					r.change(r.now, "%s installment %d (%s – %s): %s %s delivered of %s owed, %s short", d.ID, ins.N, day(ins.From), day(ins.To),
						num(ins.Delivered), d.Unit, num(ins.Owed), num(ins.Shortfall))
				}
			}
			r.watch.shortfalls[d.ID] = len(d.Installment)
		}
		for _, rl := range in.Relief {
			for _, ch := range r.news("relief/"+rl.ID, rl.History) {
				if k := rl.ID + "@" + stamp(ch.Time); acted[k] > 0 {
					acted[k]--
				} else {
					r.change(ch.Time, "relief %s %s", rl.ID, ch.Reason)
				}
			}
		}
		for _, id := range r.watch.disputes {
			d, err := state.LoadDispute(kv, id)
			if err != nil {
				return err
			}
			for _, ch := range r.news("dispute/"+id, d.History) {
				r.change(ch.Time, "dispute %s %s%s", id, ch.Reason, by(ch))
			}
		}
		for _, id := range r.watch.licences {
			l, err := state.LoadLicence(kv, id)
			if err != nil {
				return err
			}
			told, now := r.watch.status["licence/"+id], string(l.Status)+" "+day(l.Deadline)
			if told == now {
				continue
			}
			r.watch.status["licence/"+id] = now
			switch {
			case l.Status == state.LicencePending && told == "":
				r.change(l.Time, "licence request %s pending: a decision is due by %s", id, day(l.Deadline))
			case l.Status == state.LicencePending && l.Referred():
				r.change(r.now, "licence request %s %s; a decision is due by %s", id, l.Cause, day(l.Deadline))
			case l.Status == state.LicencePending:
				r.change(r.now, "licence request %s extended: a decision is due by %s", id, day(l.Deadline))
			default:
				r.change(l.Decided, "licence request %s %s: %s", id, l.Status, l.Cause)
			}
		}
		ss, err := state.Suspensions(kv)
		if err != nil {
			return err
		}
		for _, s := range ss {
			k := s.Obligation + "@" + stamp(s.From)
			if r.watch.suspended[k] {
				continue
			}
			r.watch.suspended[k] = true
			if acted[k] > 0 {
				acted[k]-- // a consequence of a close, told with it
				continue
			}
			r.change(s.From, "obligation %s of %s suspended: %s", s.Obligation, s.Party, s.Why.Text)
		}
		qs, err := state.Questions(kv)
		if err != nil {
			return err
		}
		for _, q := range qs {
			if r.watch.status["question/"+q.ID] != "" {
				continue
			}
			r.watch.status["question/"+q.ID] = "asked"
			b := r.s.spec.Body(q.Body)
			r.change(q.Opened, "question %s put to body %s (%s): %s; decided by %s", q.ID, q.Body, b.RuleText(), q.Text, day(q.Deadline))
		}
		for _, id := range r.watch.challenges {
			ch, err := state.LoadChallenge(kv, id)
			if err != nil {
				return err
			}
			if r.watch.status["challenge/"+id] == string(ch.Status) {
				continue
			}
			r.watch.status["challenge/"+id] = string(ch.Status)
			switch {
			case ch.Status == state.ChallengePending && ch.Question != "":
				r.change(r.now, "challenge %s at %s pending again: %s", id, ch.Site, ch.Cause)
			case ch.Status == state.ChallengePending:
				r.change(ch.Time, "challenge %s at %s pending: an answer is due by %s", id, ch.Site, day(ch.Deadline))
			case ch.Status == state.ChallengeReferred, ch.Status == state.ChallengeDropped:
				r.change(r.now, "challenge %s %s: %s", id, ch.Status, ch.Cause)
			case ch.Response == nil:
				r.change(ch.Deadline, "challenge %s %s: %s", id, ch.Status, ch.Cause)
			case ch.Response.Granted:
				r.change(r.now, "challenge %s granted: access at %s", id, day(ch.Response.At))
			default:
				r.change(r.now, "challenge %s refused: %s", id, ch.Response.Reason)
			}
		}
		return nil
	})
}

// news returns the history entries of key not yet told.
func (r *run) news(key string, h []compliance.Change) []compliance.Change {
	n := r.watch.history[key]
	r.watch.history[key] = len(h)
	if n > len(h) {
		return nil
	}
	return h[n:]
}

func by(ch compliance.Change) string {
	if ch.ID == "" {
		return ""
	}
	return fmt.Sprintf(" (#%d %s)", ch.Index, ch.ID)
}

// change adds a change to the timeline.
func (r *run) change(at time.Time, format string, args ...any) {
	r.res.Timeline = append(r.res.Timeline, Line{Time: at, Text: fmt.Sprintf(format, args...)})
}

// detail says what the state made of an explicit statement: how a
// declaration screened.
func (r *run) detail(typ, id string, body json.RawMessage) ([]string, error) {
	switch typ {
	case statement.TypeVote:
		var b statement.VoteBody
		if err := json.Unmarshal(body, &b); err != nil {
			return nil, err
		}
		line := fmt.Sprintf("votes %s on question %s", b.Vote, b.Question)
		if b.Note != "" {
			line += ": " + b.Note
		}
		return []string{line}, nil
	case statement.TypeAmend:
		var b statement.AmendBody
		if err := json.Unmarshal(body, &b); err != nil {
			return nil, err
		}
		id = b.Declaration
	case statement.TypeDeclare:
	default:
		return nil, nil
	}
	var out []string
	err := r.log.View(r.ctx, func(kv state.KV) error {
		d, err := state.LoadDeclaration(kv, id)
		if err != nil {
			return err
		}
		flags := "none"
		if len(d.Flags) > 0 {
			flags = strings.Join(d.Flags, ", ")
		}
		out = append(out, fmt.Sprintf("screened against %s: risk %s, p %s; flags: %s", orNone(d.Lists), num(d.Screening.Risk), num(d.P), flags))
		for _, rs := range d.Screening.Reasons {
			out = append(out, rs.Text)
		}
		if d.Body.Licence == "" {
			return nil
		}
		l, err := state.LoadLicence(kv, d.Body.Licence)
		if err != nil {
			return err
		}
		out = append(out, fmt.Sprintf("under licence %s, %s: %s", l.ID, l.Status, l.Cause))
		return nil
	})
	return out, err
}

func orNone(ss []string) string {
	if len(ss) == 0 {
		return "no list"
	}
	return strings.Join(ss, ", ")
}

// day writes a time as a date, with the time of day when it has one.
var day = state.Day

// num writes a number with at most four decimals.
func num(x float64) string {
	return strconv.FormatFloat(float64(int64(x*1e4+0.5))/1e4, 'f', -1, 64)
}
