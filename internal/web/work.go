package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/compliance"
	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/statement"
)

// workPage is a principal's page: the sign-in, or, signed in, who the
// principal is, what it may state, and the form that signs a statement in
// the browser.
type workPage struct {
	page
	SignedIn  bool
	Principal string
	Party     agreement.Party
	Duties    []agreement.Duty
	Types     []string
	// Queues are, for an inspector, its sites' sealed queues: the
	// consignments selected there and still to be inspected.
	Queues []siteQueue
	// Obligations are the party's, each with whether it is in force now;
	// Tranches those it pays or receives that are not yet settled; and
	// Declarations the party's latest, with their screening.
	Obligations  []obligationRow
	Tranches     []state.Tranche
	Declarations []*state.Declaration
	// ToRecord are, for a treasurer, the payments its party owes now and
	// the receipts of tranches paid to it that it has not acknowledged,
	// each with the draft of its statement.
	ToRecord []toRecord
}

type toRecord struct {
	What, Type, ID, Draft string
}

type obligationRow struct {
	agreement.Obligation
	InForce bool
}

// latest is how many of a party's declarations its page shows.
const latest = 20

type siteQueue struct {
	Site  string
	Items []queued
}

// queued is a consignment to inspect, with the draft of its report: the
// report of a cleared inspection that finds the declared seals intact,
// revealing the selection, for the inspector to correct before signing.
type queued struct {
	Declaration string
	Deadline    time.Time
	Denied      bool
	Draft       string
}

func (d *Dashboard) work(w http.ResponseWriter, r *http.Request) error {
	_, ss, signedIn := d.sessions.of(r, time.Now())
	p := workPage{SignedIn: signedIn}
	err := d.log.View(r.Context(), func(kv state.KV) error {
		spec, err := d.spec(kv)
		if err != nil {
			return err
		}
		p.Agreement, p.Title = spec, "Your work"
		vkeys := map[string]string{}
		for _, party := range spec.Parties {
			for _, pr := range party.Principals {
				vkeys[pr.ID] = strings.TrimSpace(pr.Key)
				if signedIn && pr.ID == ss.Principal {
					p.Principal, p.Party, p.Duties = pr.ID, party, pr.Duties
				}
			}
		}
		// The types the matrix lets the principal make, and those whose
		// apply step decides who may (a body's members, a licence's
		// approver), but for the log key's agreement.adopt.
		for _, pm := range state.Permits() {
			open := len(pm.Duties) == 0 && pm.Type != statement.TypeAdopt
			if open || slices.ContainsFunc(p.Duties, func(dt agreement.Duty) bool { return pm.Allowed(p.Party.Role, dt) }) {
				p.Types = append(p.Types, pm.Type)
			}
		}
		if signedIn {
			pr := principal(spec, ss.Principal)
			if slices.Contains(pr.Duties, agreement.Inspector) {
				if p.Queues, err = d.queues(r, kv, pr); err != nil {
					return err
				}
			}
			if err := d.partyWork(kv, spec, &p); err != nil {
				return err
			}
		}
		extra := map[string]any{"principals": vkeys, "origin": spec.Origin()}
		if signedIn {
			extra["csrf"], extra["principal"] = ss.CSRF, ss.Principal
		}
		p.Verify, err = d.verifyData(spec, extra)
		return err
	})
	if err != nil {
		return err
	}
	return d.render(w, "work", p)
}

// queues reads the sealed queue of each of an inspector's sites, for the
// inspector signed in, with a draft report for each consignment.
func (d *Dashboard) queues(r *http.Request, kv state.KV, pr *agreement.Principal) ([]siteQueue, error) {
	now := d.log.Now()
	var out []siteQueue
	for _, site := range pr.Sites {
		q, err := d.srv.Queue(r.Context(), pr.ID, site)
		if err != nil {
			return nil, fmt.Errorf("web: the queue at %s: %w", site, err)
		}
		sq := siteQueue{Site: site}
		for _, it := range q {
			decl, err := state.LoadDeclaration(kv, it.Declaration)
			if err != nil {
				return nil, err
			}
			b := statement.ReportBody{Declaration: it.Declaration, Site: site, Outcome: statement.Cleared, Reveal: it.Reveal,
				Start: now, End: now.Add(time.Hour)}
			for _, seal := range decl.Body.Seals {
				b.SealsFound = append(b.SealsFound, statement.SealCheck{Seal: seal, State: statement.SealIntact})
			}
			draft, err := json.MarshalIndent(b, "", "  ")
			if err != nil {
				return nil, fmt.Errorf("web: %w", err)
			}
			sq.Items = append(sq.Items, queued{Declaration: it.Declaration, Deadline: it.Deadline, Denied: it.Denied, Draft: string(draft)})
		}
		out = append(out, sq)
	}
	return out, nil
}

// partyWork fills in what the signed-in principal's party must do: its
// obligations, the tranches it pays or receives that are not settled, and
// its latest declarations with their screening.
func (d *Dashboard) partyWork(kv state.KV, spec *agreement.Spec, p *workPage) error {
	now := d.log.Now()
	inForce := map[string]bool{}
	for _, o := range state.Timeline(kv, spec).InForce(now) {
		inForce[o.ID] = true
	}
	for _, o := range spec.Obligations {
		if o.Party == p.Party.ID {
			p.Obligations = append(p.Obligations, obligationRow{Obligation: o, InForce: inForce[o.ID]})
		}
	}
	in, err := state.LoadIncentives(kv)
	if err != nil {
		return err
	}
	treasurer := slices.Contains(p.Duties, agreement.Treasurer)
	for _, t := range in.Tranches {
		settled := t.Status == compliance.TranchePaid || t.Status == compliance.TrancheForfeited
		if !settled && (t.From == p.Party.ID || t.To == p.Party.ID) {
			p.Tranches = append(p.Tranches, t)
		}
		var rec *toRecord
		switch {
		case !treasurer:
		case t.From == p.Party.ID && t.Status == compliance.TrancheDue:
			b, err := json.MarshalIndent(statement.PaymentBody{Tranche: t.ID, Amount: t.Amount + t.Interest, Currency: t.Currency}, "", "  ")
			if err != nil {
				return fmt.Errorf("web: %w", err)
			}
			rec = &toRecord{What: fmt.Sprintf("pay tranche %s, due by %s", t.ID, day(*t.Deadline)), Type: statement.TypePayment, ID: "pay-" + t.ID, Draft: string(b)}
		case t.To == p.Party.ID && t.Status == compliance.TranchePaid && t.Receipt == nil:
			b, err := json.MarshalIndent(statement.ReceiptBody{Tranche: t.ID}, "", "  ")
			if err != nil {
				return fmt.Errorf("web: %w", err)
			}
			rec = &toRecord{What: "acknowledge the receipt of tranche " + t.ID, Type: statement.TypeReceipt, ID: "receipt-" + t.ID, Draft: string(b)}
		}
		if rec != nil {
			p.ToRecord = append(p.ToRecord, *rec)
		}
	}
	ds, err := state.Declarations(kv, "", now.AddDate(0, 0, -30), time.Time{}, "", 0)
	if err != nil {
		return err
	}
	for _, dc := range slices.Backward(ds) {
		if dc.Party == p.Party.ID && len(p.Declarations) < latest {
			p.Declarations = append(p.Declarations, dc)
		}
	}
	return nil
}
