package state_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/compliance"
	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/statement"
	"github.com/surety/surety/internal/store"
)

// The Joint Commission of the JCPOA example: eight members, consensus.
var jointCommission = []string{"e3eu3-cn", "e3eu3-fr", "e3eu3-de", "e3eu3-ru", "e3eu3-uk", "e3eu3-us", "e3eu3-coordinator", "ir-mfa"}

// newBodies is the JCPOA log at Implementation Day, the agreement edited.
func newBodies(t *testing.T, edit func(string) string) *world {
	t.Helper()
	w := newLogEdited(t, "jcpoa-2015", "jcpoa-2015", "2015-10-18", edit)
	w.now = at("2016-01-16T12:00")
	w.ok("iaea-dg", statement.TypeVerified, "report-1", statement.VerifiedBody{Steps: []string{
		"enrichment-capacity", "enriched-stockpile", "fordow-conversion", "arak-core-removed", "additional-protocol"}})
	return w
}

func same(doc string) string { return doc }

// edit replaces old, which must occur, with new.
func edit(t *testing.T, old, new string) func(string) string {
	return func(doc string) string {
		if !strings.Contains(doc, old) {
			t.Fatalf("the example lacks %q", old)
		}
		return strings.Replace(doc, old, new, 1)
	}
}

// request files, as Germany's export authority, a licence request for
// nuclear-related dual-use items, which the procurement channel's body,
// the Joint Commission, decides.
func (w *world) request(when, id string) {
	w.t.Helper()
	if err := w.ask(when, "de-bafa", id, "nsg-items"); err != nil {
		w.t.Fatalf("license.request %s: %v", id, err)
	}
}

// ask files a licence request for items of a category.
func (w *world) ask(when, as, id, item string) error {
	w.t.Helper()
	w.now = at(when)
	sum := w.blob("END-USER CERTIFICATE for " + id)
	return w.send("", as, statement.TypeLicenceRequest, id, statement.LicenceBody{Item: item, Description: "400 kg of maraging steel",
		Exporter: "Stahlwerk Export GmbH", Importer: "Iran Aircraft Industries", Destination: "IR", EndUse: "landing gear", EndUseLocation: "Shahin Shahr", Certificate: sum})
}

func (w *world) vote(when, as, question string, b agreement.Ballot) error {
	w.t.Helper()
	return w.voteIn(when, as, bodyOf(question), question, b)
}

func (w *world) voteIn(when, as, body, question string, b agreement.Ballot) error {
	w.t.Helper()
	return w.send(when, as, statement.TypeVote, fmt.Sprintf("vote-%s-%s", strings.NewReplacer(":", "-", "/", "-").Replace(question), as),
		statement.VoteBody{Body: body, Question: question, Vote: b})
}

func bodyOf(question string) string {
	if strings.HasPrefix(question, "licence:") {
		return "joint-commission"
	}
	return "council"
}

// The Security Council of the JCPOA example, permanent members first.
var securityCouncil = []string{"unsc-china", "unsc-france", "unsc-russia", "unsc-uk", "unsc-us", "unsc-angola", "unsc-egypt", "unsc-japan",
	"unsc-malaysia", "unsc-new-zealand", "unsc-senegal", "unsc-spain", "unsc-ukraine", "unsc-uruguay", "unsc-venezuela"}

// TestLicenceWhoAsksWhoDecides: under resolution 2231 the supplying state
// asks, not Iran; nuclear items go to the Joint Commission, missile items
// to the Security Council, where nine votes with no permanent member
// against approve, and one permanent member's no denies at once.
func TestLicenceWhoAsksWhoDecides(t *testing.T) {
	w := newBodies(t, same)
	for _, as := range []string{"ir-mfa", "e3eu3-coordinator", "unsc-us"} {
		if err := w.ask("2016-02-01T09:00", as, "lic-"+as, "mtcr-cat2"); !errors.Is(err, state.ErrForbidden) || !strings.Contains(err.Error(), "asked for by party suppliers") {
			t.Errorf("a request by %s: %v", as, err)
		}
	}
	w.request("2016-02-01T10:00", "lic-nsg")
	if err := w.ask("2016-02-01T11:00", "ch-seco", "lic-inu", "mtcr-cat2"); err != nil {
		t.Fatal(err)
	}
	var questions []state.Question
	w.view(func(kv state.KV) error {
		var err error
		questions, err = state.Questions(kv)
		return err
	})
	put := map[string]string{}
	for _, q := range questions {
		put[q.ID] = q.Body
	}
	if put["licence:lic-nsg"] != "joint-commission" || put["licence:lic-inu"] != "security-council" {
		t.Fatalf("questions put: %v; want the nuclear request to the Joint Commission, the missile one to the Security Council", put)
	}
	if err := w.voteIn("2016-02-02T10:00", "e3eu3-de", "security-council", "licence:lic-inu", agreement.Yes); !errors.Is(err, state.ErrForbidden) {
		t.Errorf("a Joint Commission member votes in the Council: %v", err)
	}
	for i, m := range securityCouncil[:9] {
		if l := w.licence("lic-inu"); l.Status != state.LicencePending {
			t.Fatalf("after %d of 9 yes votes the licence is %s", i, l.Status)
		}
		if err := w.voteIn(fmt.Sprintf("2016-02-03T1%d:00", i), m, "security-council", "licence:lic-inu", agreement.Yes); err != nil {
			t.Fatal(err)
		}
	}
	if l := w.licence("lic-inu"); l.Status != state.LicenceApproved {
		t.Errorf("after nine yes, the permanent members among them: %s (%s)", l.Status, l.Cause)
	}

	if err := w.ask("2016-03-01T10:00", "ch-seco", "lic-acc", "mtcr-cat2"); err != nil {
		t.Fatal(err)
	}
	for i, m := range securityCouncil[5:] {
		if err := w.voteIn(fmt.Sprintf("2016-03-02T1%d:00", i), m, "security-council", "licence:lic-acc", agreement.Yes); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.voteIn("2016-03-03T10:00", "unsc-us", "security-council", "licence:lic-acc", agreement.No); err != nil {
		t.Fatal(err)
	}
	if l := w.licence("lic-acc"); l.Status != state.LicenceDenied {
		t.Errorf("ten yes and a permanent member's no: %s (%s)", l.Status, l.Cause)
	}

	// Arms from Iran (Annex B, paragraph 6(b)): Iran is the supplying
	// state and asks; the Council decides.
	out := func(as, id string) error {
		w.now = at("2016-04-01T10:00")
		return w.send("", as, statement.TypeLicenceRequest, id, statement.LicenceBody{Item: "arms", Description: "two fast attack craft",
			Exporter: "Marine Industries Organization", Importer: "a navy", Destination: "VE", EndUse: "coastal patrol", EndUseLocation: "Puerto Cabello",
			Certificate: w.blob("END-USER CERTIFICATE for " + id)})
	}
	if err := out("de-bafa", "lic-out-0"); !errors.Is(err, state.ErrForbidden) || !strings.Contains(err.Error(), "asked for by party iran") {
		t.Errorf("Germany asks for Iran's arms exports: %v", err)
	}
	if err := out("ir-mfa", "lic-out-1"); err != nil {
		t.Fatal(err)
	}
	if err := w.voteIn("2016-04-02T10:00", "unsc-france", "security-council", "licence:lic-out-1", agreement.No); err != nil {
		t.Fatal(err)
	}
	if l := w.licence("lic-out-1"); l.Status != state.LicenceDenied {
		t.Errorf("arms from Iran after a permanent member's no: %s (%s)", l.Status, l.Cause)
	}
}

func (w *world) licence(id string) *state.Licence { return load(w, state.LoadLicence, id) }

// TestLicenceApprover: where no body decides, the approver of the
// channel's party decides and may take the extended limit once; a
// principal of that party without the duty, or a member of no body,
// cannot.
func TestLicenceApprover(t *testing.T) {
	approver := func(doc string) string {
		doc = edit(t, "duties: [auditor, envoy]", "duties: [auditor, envoy, approver]")(doc)
		doc = edit(t, "  body: joint-commission\n  working_days: 20", "  approver: unsc\n  on_timeout: deny\n  working_days: 20")(doc)
		return edit(t, "  disagreement_working_days: 45\n", "")(doc)
	}
	w := newBodies(t, approver)
	decide := func(when, as string, b statement.DecisionBody) error {
		b.Request = "lic-1"
		return w.send(when, as, statement.TypeLicenceDecision, fmt.Sprintf("decision-%s-%s", as, strings.ReplaceAll(when, ":", "")), b)
	}
	w.request("2016-02-01T10:00", "lic-1")
	for _, as := range []string{"unsc-us", "ir-mfa", "e3eu3-de"} {
		if err := decide("2016-02-02T10:00", as, statement.DecisionBody{Extend: true}); !errors.Is(err, state.ErrForbidden) {
			t.Errorf("%s, no approver, extends: %v", as, err)
		}
		if err := decide("2016-02-02T11:00", as, statement.DecisionBody{Approved: true}); !errors.Is(err, state.ErrForbidden) {
			t.Errorf("%s, no approver, approves: %v", as, err)
		}
	}
	if err := decide("2016-02-03T10:00", "unsc-secretariat", statement.DecisionBody{Extend: true}); err != nil {
		t.Fatal(err)
	}
	if l := w.licence("lic-1"); !l.Extended || l.Deadline != at("2016-03-14T10:00") {
		t.Errorf("after the approver's extension: extended %v, limit %s; want 14 March", l.Extended, l.Deadline)
	}
	if err := decide("2016-02-04T10:00", "unsc-secretariat", statement.DecisionBody{Extend: true}); !errors.Is(err, state.ErrConflict) {
		t.Errorf("a second extension: %v", err)
	}
	if err := decide("2016-03-01T10:00", "unsc-secretariat", statement.DecisionBody{Approved: true}); err != nil {
		t.Fatal(err)
	}
	if l := w.licence("lic-1"); l.Status != state.LicenceApproved {
		t.Errorf("after the approver's approval: %s (%s)", l.Status, l.Cause)
	}
}

// TestBodyConsensus: the Joint Commission approves a licence on the
// eighth yes, and not before; a request one member votes against is not
// approved at once, and a later vote on it is refused.
func TestBodyConsensus(t *testing.T) {
	w := newBodies(t, same)
	w.request("2016-02-01T10:00", "lic-1")
	for i, m := range jointCommission {
		if l := w.licence("lic-1"); l.Status != state.LicencePending {
			t.Fatalf("after %d of 8 yes votes the licence is %s", i, l.Status)
		}
		if err := w.vote(fmt.Sprintf("2016-02-%02dT10:00", 2+i), m, "licence:lic-1", agreement.Yes); err != nil {
			t.Fatalf("%s votes: %v", m, err)
		}
	}
	if l := w.licence("lic-1"); l.Status != state.LicenceApproved || !strings.Contains(l.Cause, "8 yes") {
		t.Errorf("after all eight yes votes: %s (%s)", l.Status, l.Cause)
	}

	w.request("2016-03-01T10:00", "lic-2")
	if err := w.vote("2016-03-02T10:00", "e3eu3-fr", "licence:lic-2", agreement.Yes); err != nil {
		t.Fatal(err)
	}
	if err := w.vote("2016-03-02T11:00", "e3eu3-fr", "licence:lic-2", agreement.No); !errors.Is(err, state.ErrConflict) {
		t.Errorf("a second vote by one member: %v", err)
	}
	if err := w.vote("2016-03-03T10:00", "e3eu3-us", "licence:lic-2", agreement.No); err != nil {
		t.Fatal(err)
	}
	if l := w.licence("lic-2"); l.Status != state.LicencePending || !l.Referred() || l.Question != "licence:lic-2/referred" {
		t.Errorf("after one no under consensus: %s, referred %v, question %s (%s); want it referred", l.Status, l.Referred(), l.Question, l.Cause)
	}
	if err := w.vote("2016-03-04T10:00", "e3eu3-de", "licence:lic-2", agreement.Yes); !errors.Is(err, state.ErrConflict) {
		t.Errorf("a vote on a decided question: %v", err)
	}
	if err := w.vote("2016-03-07T10:00", "e3eu3-us", "licence:lic-2/referred", agreement.No); err != nil {
		t.Fatal(err)
	}
	if l := w.licence("lic-2"); l.Status != state.LicenceDenied || !strings.Contains(l.Cause, "not approved by body joint-commission's vote") {
		t.Errorf("after one no on the referred request: %s (%s); want it not approved at once", l.Status, l.Cause)
	}
}

// TestLicenceClock: Annex IV, section 6's clock where the Joint Commission
// decides. A request runs 20 working days; any member, and only a member,
// may take it to 30, once; a member's no is a disagreement that puts the
// request to the body again until 45 working days from the request, and
// that second question is final. The Security Council's questions have no
// extended limit, and the state rebuilt from the log is the same.
func TestLicenceClock(t *testing.T) {
	w := newBodies(t, same)
	extend := func(when, as, id string) error {
		return w.send(when, as, statement.TypeLicenceDecision, "extend-"+id+"-"+as, statement.DecisionBody{Request: id, Extend: true})
	}
	question := func(id string) *state.Question { return load(w, state.LoadQuestion, id) }

	w.request("2016-02-01T10:00", "lic-1") // a Monday: 20 working days end on 29 February
	if l := w.licence("lic-1"); l.Deadline != at("2016-02-29T10:00") {
		t.Fatalf("limit: %s", l.Deadline)
	}
	for _, as := range []string{"de-bafa", "unsc-us", "iaea-dg"} {
		if err := extend("2016-02-10T10:00", as, "lic-1"); !errors.Is(err, state.ErrForbidden) {
			t.Errorf("%s, no member of the Joint Commission, extends: %v", as, err)
		}
	}
	if err := extend("2016-02-10T11:00", "e3eu3-ru", "lic-1"); err != nil {
		t.Fatal(err)
	}
	if l, q := w.licence("lic-1"), question("licence:lic-1"); !l.Extended || l.Deadline != at("2016-03-14T10:00") || q.Deadline != l.Deadline {
		t.Errorf("after a member's extension: extended %v, limit %s, question's %s; want 30 working days, 14 March", l.Extended, l.Deadline, q.Deadline)
	}
	if err := extend("2016-02-11T10:00", "ir-mfa", "lic-1"); !errors.Is(err, state.ErrConflict) {
		t.Errorf("a second extension: %v", err)
	}
	// A vote after the old limit and before the new one counts.
	if err := w.vote("2016-03-01T10:00", "e3eu3-cn", "licence:lic-1", agreement.Yes); err != nil {
		t.Errorf("a vote on 1 March, inside the extended limit: %v", err)
	}
	w.tick("2016-03-14T10:00")
	if l := w.licence("lic-1"); l.Status != state.LicenceDenied || !strings.Contains(l.Cause, "did not decide by 2016-03-14 10:00") {
		t.Errorf("at the extended limit with one vote: %s (%s)", l.Status, l.Cause)
	}

	// A disagreement, then the request is put again until 45 working days.
	w.request("2016-04-04T10:00", "lic-2") // 45 working days end on 6 June
	if err := w.vote("2016-04-05T10:00", "e3eu3-us", "licence:lic-2", agreement.No); err != nil {
		t.Fatal(err)
	}
	l := w.licence("lic-2")
	if l.Status != state.LicencePending || !l.Referred() || l.Deadline != at("2016-06-06T10:00") || question("licence:lic-2/referred").Deadline != l.Deadline {
		t.Fatalf("after a member's no: %s, referred %v, limit %s (%s); want it put again until 6 June", l.Status, l.Referred(), l.Deadline, l.Cause)
	}
	if err := extend("2016-04-06T10:00", "e3eu3-fr", "lic-2"); !errors.Is(err, state.ErrConflict) {
		t.Errorf("an extension of a referred request: %v", err)
	}
	for i, m := range jointCommission {
		if err := w.vote(fmt.Sprintf("2016-05-%02dT10:00", 2+i), m, "licence:lic-2/referred", agreement.Yes); err != nil {
			t.Fatalf("%s votes on the referred request: %v", m, err)
		}
	}
	if l := w.licence("lic-2"); l.Status != state.LicenceApproved || !strings.Contains(l.Cause, "8 yes") {
		t.Errorf("after eight yes on the referred request: %s (%s)", l.Status, l.Cause)
	}

	// A referred request nobody decides is not approved at 45 working days.
	w.request("2016-06-06T10:00", "lic-3")
	if err := w.vote("2016-06-07T10:00", "ir-mfa", "licence:lic-3", agreement.No); err != nil {
		t.Fatal(err)
	}
	w.tick("2016-08-08T10:00")
	if l := w.licence("lic-3"); l.Status != state.LicenceDenied || l.Decided != at("2016-08-08T10:00") {
		t.Errorf("a referred request at 45 working days: %s at %s (%s)", l.Status, l.Decided, l.Cause)
	}

	// The Security Council decides arms and missile items: no extension.
	if err := w.ask("2016-08-09T10:00", "ch-seco", "lic-inu", "mtcr-cat2"); err != nil {
		t.Fatal(err)
	}
	if err := extend("2016-08-10T10:00", "unsc-us", "lic-inu"); !errors.Is(err, state.ErrForbidden) {
		t.Errorf("an extension of a Security Council question: %v", err)
	}

	w.rebuilds()
}

// rebuilds rebuilds the state from the log and fails the test unless it
// is the same as before.
func (w *world) rebuilds() {
	w.t.Helper()
	ctx := context.Background()
	before, err := w.log.Dump(ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	if err := w.log.Rebuild(ctx); err != nil {
		w.t.Fatal(err)
	}
	after, err := w.log.Dump(ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	if fmt.Sprint(before) != fmt.Sprint(after) {
		w.t.Errorf("the rebuild from the log changed the state")
	}
}

// TestBodyQuorum: with a rule of 5 of 8, five yes votes approve over three
// no.
func TestBodyQuorum(t *testing.T) {
	w := newBodies(t, edit(t, "    rule: consensus\n    default: not_approved", "    rule: quorum\n    quorum: 5"))
	w.request("2016-02-01T10:00", "lic-1")
	for i, m := range jointCommission[5:] {
		if err := w.vote(fmt.Sprintf("2016-02-02T1%d:00", i), m, "licence:lic-1", agreement.No); err != nil {
			t.Fatal(err)
		}
	}
	for i, m := range jointCommission[:5] {
		if l := w.licence("lic-1"); l.Status != state.LicencePending {
			t.Fatalf("after %d yes and 3 no the licence is %s", i, l.Status)
		}
		if err := w.vote(fmt.Sprintf("2016-02-03T1%d:00", i), m, "licence:lic-1", agreement.Yes); err != nil {
			t.Fatal(err)
		}
	}
	if l := w.licence("lic-1"); l.Status != state.LicenceApproved || !strings.Contains(l.Cause, "5 yes, 3 no") {
		t.Errorf("after 5 yes and 3 no: %s (%s)", l.Status, l.Cause)
	}
}

// TestBodyMembersOnly: only the body's members vote, and where a body
// decides licences, the approver's license.decision is no longer the way.
func TestBodyMembersOnly(t *testing.T) {
	w := newBodies(t, edit(t, "duties: [auditor, envoy]", "duties: [auditor, envoy, approver]"))
	w.request("2016-02-01T10:00", "lic-1")
	for _, as := range []string{"de-bafa", "iaea-dg", "unsc-secretariat"} {
		if err := w.vote("2016-02-02T10:00", as, "licence:lic-1", agreement.Yes); !errors.Is(err, state.ErrForbidden) || !strings.Contains(err.Error(), "not a member of body joint-commission") {
			t.Errorf("a vote by %s, no member: %v", as, err)
		}
	}
	err := w.send("2016-02-03T10:00", "unsc-secretariat", statement.TypeLicenceDecision, "decision-1", statement.DecisionBody{Request: "lic-1", Approved: true})
	if !errors.Is(err, state.ErrForbidden) || !strings.Contains(err.Error(), "decided by body joint-commission") {
		t.Errorf("license.decision where a body decides: %v", err)
	}
	if err := w.send("2016-02-03T11:00", "ir-mfa", statement.TypeVote, "vote-x", statement.VoteBody{Body: "joint-commission", Question: "licence:lic-9", Vote: agreement.Yes}); !errors.Is(err, state.ErrInvalid) {
		t.Errorf("a vote on no question: %v", err)
	}
	if err := w.send("2016-02-03T12:00", "ir-mfa", statement.TypeVote, "vote-y", statement.VoteBody{Body: "joint-commission", Question: "licence:lic-1", Vote: "maybe"}); !errors.Is(err, state.ErrInvalid) {
		t.Errorf("a vote of maybe: %v", err)
	}
}

// TestBodyDeadlineDefault: a question the votes have not decided by its
// deadline takes the body's default outcome, from the schedule, so that a
// rebuild of the state from the log reproduces it.
func TestBodyDeadlineDefault(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(string) string
		want state.LicenceStatus
	}{
		{"not approved", same, state.LicenceDenied},
		{"approved", edit(t, "    default: not_approved", "    default: approved"), state.LicenceApproved},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newBodies(t, tc.edit)
			w.request("2016-02-01T10:00", "lic-1")
			for _, m := range jointCommission[:7] {
				if err := w.vote("2016-02-02T10:00", m, "licence:lic-1", agreement.Yes); err != nil {
					t.Fatal(err)
				}
			}
			w.tick("2016-02-29T10:00") // 20 working days
			l := w.licence("lic-1")
			if l.Status != tc.want || l.Decided != at("2016-02-29T10:00") || !strings.Contains(l.Cause, "did not decide by 2016-02-29 10:00 (7 yes") {
				t.Errorf("at the deadline: %s at %s (%s); want %s", l.Status, l.Decided, l.Cause, tc.want)
			}
			if err := w.vote("2016-03-01T10:00", "ir-mfa", "licence:lic-1", agreement.Yes); !errors.Is(err, state.ErrConflict) {
				t.Errorf("the eighth vote after the deadline: %v", err)
			}
			w.rebuilds()
		})
	}
}

// council makes the dispute's last step a council's reverse veto: the
// snapback stands unless a resolution to continue the relief gets 4 of 7
// votes and no permanent member's veto.
func council(t *testing.T) func(string) string {
	body := edit(t, "    default: not_approved", `    default: not_approved
  - id: council
    name: Council
    members: [e3eu3-cn, e3eu3-fr, e3eu3-ru, e3eu3-uk, e3eu3-us, e3eu3-de, ir-mfa]
    rule: reverse_veto
    quorum: 4
    vetoes: [e3eu3-cn, e3eu3-fr, e3eu3-ru, e3eu3-uk, e3eu3-us]`)
	step := edit(t, "body: security-council, on_notice: true}", "body: council}")
	return func(doc string) string { return step(body(doc)) }
}

// disputeAt raises a dispute against Iran on 1 February 2016; the
// council's step runs from 7 March to 6 April.
func (w *world) dispute() {
	w.t.Helper()
	w.now = at("2016-02-01")
	w.ok("e3eu3-coordinator", statement.TypeDisputeRaise, "dispute-1", statement.RaiseBody{Against: "iran", Description: "heavy water above 130 t"})
}

func (w *world) disputeState() (state.DisputeStatus, compliance.ReliefStatus) {
	w.t.Helper()
	var ds state.DisputeStatus
	var rs compliance.ReliefStatus
	w.view(func(kv state.KV) error {
		d, err := state.LoadDispute(kv, "dispute-1")
		if err != nil {
			return err
		}
		in, err := state.LoadIncentives(kv)
		if err != nil {
			return err
		}
		ds = d.Status
		for _, r := range in.Relief {
			if r.ID == "un-relief" { // snapback restores the UN part only
				rs = r.Status
			}
		}
		return nil
	})
	return ds, rs
}

const councilQuestion = "dispute:dispute-1/security-council"

// TestBodyReverseVeto: a resolution to continue the relief that gets its
// votes resolves the dispute; one veto defeats it, and the snapback comes
// when the Council's 30 days end, as it does when no resolution passes. No party invokes it,
// nor steps the dispute at the council's step.
func TestBodyReverseVeto(t *testing.T) {
	t.Run("resolution passes", func(t *testing.T) {
		w := newBodies(t, council(t))
		w.dispute()
		for i, m := range []string{"e3eu3-cn", "e3eu3-fr", "e3eu3-ru", "e3eu3-uk"} {
			if err := w.vote(fmt.Sprintf("2016-03-10T1%d:00", i), m, councilQuestion, agreement.Yes); err != nil {
				t.Fatal(err)
			}
		}
		if ds, _ := w.disputeState(); ds != state.DisputeOpen {
			t.Errorf("with a permanent member yet to vote: %s", ds)
		}
		if err := w.vote("2016-03-10T15:00", "e3eu3-us", councilQuestion, agreement.Abstain); err != nil {
			t.Fatal(err)
		}
		w.tick("2016-05-01")
		if ds, rs := w.disputeState(); ds != state.DisputeResolved || rs != compliance.ReliefInEffect {
			t.Errorf("after the resolution passed: dispute %s, relief %s", ds, rs)
		}
	})
	t.Run("veto", func(t *testing.T) {
		w := newBodies(t, council(t))
		w.dispute()
		err := w.send("2016-03-08", "e3eu3-coordinator", statement.TypeDisputeStep, "step-1", statement.StepBody{Dispute: "dispute-1", Resolved: true})
		if !errors.Is(err, state.ErrForbidden) || !strings.Contains(err.Error(), councilQuestion) {
			t.Errorf("dispute.step at the council's step: %v", err)
		}
		for i, m := range []string{"e3eu3-cn", "e3eu3-fr", "e3eu3-de", "ir-mfa"} {
			if err := w.vote(fmt.Sprintf("2016-03-10T1%d:00", i), m, councilQuestion, agreement.Yes); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.vote("2016-03-11T10:00", "e3eu3-us", councilQuestion, agreement.No); err != nil {
			t.Fatal(err)
		}
		// The vetoed draft fails, but the Council's 30 days run: the
		// measures return at their end (resolution 2231, paragraph 12).
		if ds, rs := w.disputeState(); ds != state.DisputeOpen || rs != compliance.ReliefInEffect {
			t.Errorf("after the veto, within the 30 days: dispute %s, relief %s", ds, rs)
		}
		err = w.send("2016-03-12", "e3eu3-coordinator", statement.TypeSnapback, "snapback-1", statement.SnapbackBody{Dispute: "dispute-1"})
		if !errors.Is(err, state.ErrForbidden) || !strings.Contains(err.Error(), "no party invokes it") {
			t.Errorf("snapback.invoke where the council decides: %v", err)
		}
		w.tick("2016-04-07")
		if ds, rs := w.disputeState(); ds != state.DisputeSnapback || rs != compliance.ReliefRestored {
			t.Errorf("at the end of the 30 days after the veto: dispute %s, relief %s", ds, rs)
		}
	})
	t.Run("no resolution by the deadline", func(t *testing.T) {
		w := newBodies(t, council(t))
		w.dispute()
		if err := w.vote("2016-03-10T10:00", "e3eu3-de", councilQuestion, agreement.Yes); err != nil {
			t.Fatal(err)
		}
		w.tick("2016-04-05")
		if ds, rs := w.disputeState(); ds != state.DisputeOpen || rs != compliance.ReliefInEffect {
			t.Errorf("before the deadline: dispute %s, relief %s", ds, rs)
		}
		w.tick("2016-04-07")
		if ds, rs := w.disputeState(); ds != state.DisputeSnapback || rs != compliance.ReliefRestored {
			t.Errorf("after the deadline: dispute %s, relief %s", ds, rs)
		}
	})
}

// blob stores content in the log's blob store and returns its SHA-256.
func (w *world) blob(content string) string {
	w.t.Helper()
	sum := sha256.Sum256([]byte(content))
	if err := store.PutBlob(context.Background(), w.log.Store(), w.id, sum, []byte(content)); err != nil {
		w.t.Fatal(err)
	}
	return hex.EncodeToString(sum[:])
}

// TestDisputeExtendedByConsensus: a party to a dispute asks the Joint
// Commission to extend a step (the JCPOA's paragraph 36, "by consensus");
// seven yes of eight extend nothing, the eighth moves the deadline. One
// member's no leaves the next step's days as they were, a party not to the
// dispute cannot ask, a vote after the question's deadline is refused,
// and the Security Council's step keeps its days.
func TestDisputeExtendedByConsensus(t *testing.T) {
	w := newBodies(t, same)
	w.now = at("2016-02-01T10:00")
	w.ok("e3eu3-coordinator", statement.TypeDisputeRaise, "d-1", statement.RaiseBody{Against: "iran", Description: "heavy water above 130 t"})
	dispute := func() *state.Dispute { return load(w, state.LoadDispute, "d-1") }
	if d := dispute(); d.StepName != "joint-commission" || !d.Deadline.Equal(at("2016-02-16T10:00")) {
		t.Fatalf("dispute at %s until %s", d.StepName, d.Deadline)
	}
	ask := statement.StepBody{Dispute: "d-1", Extend: 10, Note: "technical consultations"}
	if err := w.send("2016-02-02T10:00", "unsc-us", statement.TypeDisputeStep, "x-0", ask); !errors.Is(err, state.ErrForbidden) {
		t.Errorf("an extension asked by no party to the dispute: %v", err)
	}
	if err := w.send("2016-02-02T10:30", "ir-mfa", statement.TypeDisputeStep, "x-1", ask); err != nil {
		t.Fatal(err)
	}
	q := "extend:d-1/joint-commission/x-1"
	for i, m := range jointCommission {
		if d := dispute(); !d.Deadline.Equal(at("2016-02-16T10:00")) {
			t.Fatalf("after %d of 8 yes votes the step runs until %s", i, d.Deadline)
		}
		if err := w.voteIn(fmt.Sprintf("2016-02-03T1%d:00", i), m, "joint-commission", q, agreement.Yes); err != nil {
			t.Fatal(err)
		}
	}
	if d := dispute(); d.StepName != "joint-commission" || !d.Deadline.Equal(at("2016-02-26T10:00")) {
		t.Fatalf("after consensus the step is %s until %s; want joint-commission until 2016-02-26", d.StepName, d.Deadline)
	}
	w.tick("2016-02-20T00:00")
	if d := dispute(); d.StepName != "joint-commission" {
		t.Errorf("on 2016-02-20 the extended step has ended: at %s", d.StepName)
	}
	w.tick("2016-02-26T11:00")
	d := dispute()
	if d.StepName != "ministers" || !d.Deadline.Equal(at("2016-03-12T10:00")) {
		t.Fatalf("after the extended step: %s until %s; want ministers until 2016-03-12", d.StepName, d.Deadline)
	}
	if err := w.send("2016-02-27T10:00", "e3eu3-coordinator", statement.TypeDisputeStep, "x-2", statement.StepBody{Dispute: "d-1", Extend: 15}); err != nil {
		t.Fatal(err)
	}
	q2 := "extend:d-1/ministers/x-2"
	if err := w.voteIn("2016-02-28T10:00", "ir-mfa", "joint-commission", q2, agreement.No); err != nil {
		t.Fatal(err)
	}
	if d := dispute(); !d.Deadline.Equal(at("2016-03-12T10:00")) || !strings.Contains(d.History[len(d.History)-1].Reason, "not extended") {
		t.Errorf("after one no: until %s, %q", d.Deadline, d.History[len(d.History)-1].Reason)
	}
	if err := w.send("2016-03-01T10:00", "e3eu3-coordinator", statement.TypeDisputeStep, "x-3", statement.StepBody{Dispute: "d-1", Extend: 5}); err != nil {
		t.Fatal(err)
	}
	if err := w.voteIn("2016-03-13T10:00", "e3eu3-fr", "joint-commission", "extend:d-1/ministers/x-3", agreement.Yes); !errors.Is(err, state.ErrConflict) {
		t.Errorf("a vote after the question's deadline: %v", err)
	}
	w.tick("2016-03-18T00:00")
	w.ok("e3eu3-coordinator", statement.TypeNotify, "n-1", statement.NotifyBody{Dispute: "d-1"})
	if err := w.send("2016-03-19T10:00", "e3eu3-coordinator", statement.TypeDisputeStep, "x-4", statement.StepBody{Dispute: "d-1", Extend: 30}); !errors.Is(err, state.ErrForbidden) {
		t.Errorf("extending the Security Council's step: %v", err)
	}
}
