package state_test

import (
	"strings"
	"testing"

	"github.com/surety/surety/internal/compliance"
	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/statement"
)

// TestReimposedOutsideTheMechanism: a member of the benefactor reimposes
// lifted measures outside the dispute process; the verdict makes it the
// benefactor's breach, and the undertaker, its dispute run out, may cease
// performing, which excuses what follows under the ceased obligation.
func TestReimposedOutsideTheMechanism(t *testing.T) {
	w := newLog(t, "jcpoa-2015", "jcpoa-2015", "2015-10-18")
	w.now = at("2016-01-16T12:00")
	w.ok("iaea-dg", statement.TypeVerified, "report-1", statement.VerifiedBody{Steps: []string{
		"enrichment-capacity", "enriched-stockpile", "fordow-conversion", "arak-core-removed", "additional-protocol"}})

	// Reimposing what was never lifted, or as the undertaker, is refused.
	w.now = at("2018-08-07T04:01")
	if err := w.append("e3eu3-us", statement.TypeReimpose, "r-0", statement.ReimposeBody{Incentive: "us-relief", Measures: []string{"us-tariffs"}}); err == nil || !strings.Contains(err.Error(), "lifted no measure") {
		t.Errorf("reimposing an unknown measure: %v", err)
	}
	if err := w.append("ir-mfa", statement.TypeReimpose, "r-1", statement.ReimposeBody{Incentive: "us-relief", Measures: []string{"us-secondary"}}); err == nil {
		t.Error("the undertaker reimposed the benefactor's measures")
	}
	w.ok("e3eu3-us", statement.TypeReimpose, "r-2", statement.ReimposeBody{Incentive: "us-relief", Measures: []string{"us-secondary"},
		Reason: "withdrawal from the JCPOA announced on 8 May 2018"})
	w.tick("2018-11-01")
	// Quarterly periods from Implementation Day: 2018-07-16 to 2018-10-16
	// is period 11.
	v := w.verdict(11, "e3eu3")
	if v.Verdict != compliance.NonCompliant || len(v.Reasons) == 0 || v.Reasons[0].Kind != compliance.Reimposed || v.Reasons[0].Statement != "r-2" ||
		!strings.Contains(v.Reasons[0].Text, "United States (e3eu3-us) reimposed us-secondary") {
		t.Fatalf("period 11: e3eu3 %s %+v; want non_compliant for the reimposition", v.Verdict, v.Reasons)
	}
	if iv := w.verdict(11, "iran"); iv.Verdict == compliance.NonCompliant {
		t.Errorf("period 11: iran %s %+v", iv.Verdict, iv.Reasons)
	}

	// Iran may cease performing only once its own dispute has run out.
	w.now = at("2018-11-05")
	w.ok("ir-mfa", statement.TypeDisputeRaise, "d-iran", statement.RaiseBody{Against: "e3eu3", Description: "US measures reimposed outside the JCPOA"})
	cease := statement.CeaseBody{Dispute: "d-iran", Obligations: []string{"enrichment-level"}, Reason: "paragraph 36"}
	if err := w.append("ir-mfa", statement.TypeCease, "c-0", cease); err == nil || !strings.Contains(err.Error(), "every step unresolved") {
		t.Errorf("ceasing while the dispute is open: %v", err)
	}
	w.tick("2019-05-08")
	if err := w.append("e3eu3-coordinator", statement.TypeCease, "c-1", cease); err == nil {
		t.Error("the benefactor ceased performing over Iran's dispute")
	}
	if err := w.append("e3eu3-coordinator", statement.TypeNotify, "n-1", statement.NotifyBody{Dispute: "d-iran"}); err == nil {
		t.Error("the benefactor notified the Council of Iran's dispute")
	}
	w.ok("ir-mfa", statement.TypeCease, "c-2", cease)
	var ss []compliance.Suspension
	w.view(func(kv state.KV) error {
		var err error
		ss, err = state.Suspensions(kv)
		return err
	})
	if len(ss) != 1 || ss[0].Obligation != "enrichment-level" || ss[0].Party != "iran" || ss[0].Why.Ref != "d-iran" || !ss[0].From.Equal(at("2019-05-08")) {
		t.Errorf("suspensions %+v; want enrichment-level suspended from 2019-05-08 over d-iran", ss)
	}
}
