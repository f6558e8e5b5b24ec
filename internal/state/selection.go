package state

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/compliance"
	"github.com/surety/surety/internal/inspection"
	"github.com/surety/surety/internal/statement"
)

// A selection is sealed until it no longer helps an evader. The selector
// commits to its decision on every declaration (selection.commit) before
// the declaration's cargo leaves, with commitments alike whatever the
// decision; the decision is revealed when the inspectors present
// themselves (the inspection report carries it) or, for a consignment not
// selected, after it has left (selection.reveal). Nothing in the state
// tells a selected consignment from another before its reveal.

// Selection is a declaration's selection as the state knows it: the
// commitment, and the decision once revealed.
type Selection struct {
	Declaration string `json:"declaration"`
	// Commitment is the hex SHA-256 the selector committed to.
	Commitment string `json:"commitment"`
	// LeafHash and P are the declaration's, which the decision binds: its
	// leaf hash, and its selection probability, fixed from the commitment.
	LeafHash string  `json:"leaf_hash"`
	P        float64 `json:"p"`
	// Selector is the principal that committed; its VRF key decides.
	Selector string    `json:"selector"`
	ID       string    `json:"id"`
	Index    uint64    `json:"index"`
	Time     time.Time `json:"time"`
	Site     string    `json:"site"`
	// Departure is the consignment's departure when the commitment was
	// made; RevealBy is when the decision must be revealed.
	Departure time.Time `json:"departure"`
	RevealBy  time.Time `json:"reveal_by"`
	// RevealFrom is when the decision may be revealed: the departure, or
	// the withdrawal of a consignment that will not leave.
	RevealFrom time.Time `json:"reveal_from"`
	// Withdrawn says the declaration was withdrawn after the commitment.
	Withdrawn bool `json:"withdrawn,omitempty"`
	// Reveal is the decision, once revealed.
	Reveal *Reveal `json:"reveal,omitempty"`
	// Unrevealed says the decision was not revealed by RevealBy: the
	// inspectorate's failure.
	Unrevealed bool `json:"unrevealed,omitempty"`
}

// Reveal is a revealed decision with the statement that revealed it: a
// selection.reveal, or the inspection report that carried it.
type Reveal struct {
	statement.Decision
	ID    string    `json:"id"`
	Index uint64    `json:"index"`
	Time  time.Time `json:"time"`
}

// Selected reports whether the selection is revealed, and selected.
func (s Selection) Selected() bool { return s.Reveal != nil && s.Reveal.Selected }

// DeclarationView is a declaration as it is shown: the record, whether a
// selection was committed to, and the decision once revealed.
type DeclarationView struct {
	*Declaration
	// Committed says the selector committed to a decision on it
	// (selection.commit); from then on its p is fixed.
	Committed bool `json:"committed,omitempty"`
	// Selected is set once the decision is revealed (selection.reveal, or
	// the inspection report that carries it).
	Selected *bool `json:"selected,omitempty"`
}

// ViewDeclaration returns the view of a declaration.
func ViewDeclaration(kv KV, d *Declaration) (DeclarationView, error) {
	sel, found, err := LoadSelection(kv, d.ID)
	v := DeclarationView{Declaration: d, Committed: found}
	if sel.Reveal != nil {
		v.Selected = &sel.Reveal.Selected
	}
	return v, err
}

// LoadSelection returns the selection of a declaration; found is false
// when no commitment was logged.
func LoadSelection(kv KV, decl string) (sel Selection, found bool, err error) {
	found, err = getJSON(kv, kindSelection, decl, &sel)
	return sel, found, err
}

// selectorKey returns the VRF public key of a selector principal.
func selectorKey(spec *agreement.Spec, id string) ([]byte, error) {
	for _, p := range spec.Parties {
		for _, pr := range p.Principals {
			if pr.ID == id && pr.VRF != "" {
				return base64.StdEncoding.DecodeString(pr.VRF)
			}
		}
	}
	return nil, fmt.Errorf("%w: %s has no VRF key in the agreement", ErrForbidden, id)
}

// VerifySelection checks a decision's proof against the selector's VRF key
// and the declaration's leaf hash, and that u and the decision follow from
// it. It does not check p, which comes from the projection, nor the
// commitment.
func VerifySelection(spec *agreement.Spec, selector string, leafHash [32]byte, b statement.Decision) error {
	pub, err := selectorKey(spec, selector)
	if err != nil {
		return err
	}
	proof, err := base64.StdEncoding.DecodeString(b.Proof)
	if err != nil {
		return fmt.Errorf("%w: proof is not base64", ErrInvalid)
	}
	out, err := inspection.Verify(pub, inspection.SelectionInput(spec.ID, leafHash), proof)
	if err != nil {
		return fmt.Errorf("%w: the VRF proof does not verify with %s's key: %v", ErrInvalid, selector, err)
	}
	if u := inspection.Uniform(out); u != b.U {
		return fmt.Errorf("%w: u is %v but the VRF output gives %v", ErrInvalid, b.U, u)
	}
	if inspection.Decide(b.U, b.P) != b.Selected {
		return fmt.Errorf("%w: selected is %v but u = %v and p = %v", ErrInvalid, b.Selected, b.U, b.P)
	}
	return nil
}

// CommitmentOf returns the commitment a reveal opens.
func CommitmentOf(agreement string, leafHash [32]byte, b statement.Decision) ([32]byte, error) {
	proof, err := base64.StdEncoding.DecodeString(b.Proof)
	if err != nil {
		return [32]byte{}, fmt.Errorf("%w: proof is not base64", ErrInvalid)
	}
	salt, err := hex.DecodeString(b.Salt)
	if err != nil || len(salt) != 32 {
		return [32]byte{}, fmt.Errorf("%w: salt %q is not 32 bytes of hex", ErrInvalid, b.Salt)
	}
	return inspection.Commitment(agreement, b.Declaration, leafHash, proof, b.P, b.U, b.Selected, [32]byte(salt)), nil
}

// Decide is the selector's decision on a declaration: the VRF proof with
// the selector's key over the agreement id and the declaration's leaf
// hash, u from the proof's output, the decision u < p, and a fresh salt
// from rand (nil means crypto/rand); and the commitment to it.
func Decide(key *inspection.Key, rand io.Reader, agreement, declaration string, leafHash [32]byte, p float64) (statement.Decision, statement.Commitment, error) {
	proof, out := inspection.Prove(key, inspection.SelectionInput(agreement, leafHash))
	u := inspection.Uniform(out)
	salt, err := inspection.Salt(rand)
	if err != nil {
		return statement.Decision{}, statement.Commitment{}, err
	}
	r := statement.Decision{Declaration: declaration, Proof: base64.StdEncoding.EncodeToString(proof), P: p, U: u,
		Selected: inspection.Decide(u, p), Salt: hex.EncodeToString(salt[:])}
	c := inspection.Commitment(agreement, declaration, leafHash, proof, p, u, r.Selected, salt)
	return r, statement.Commitment{Declaration: declaration, P: p, Commitment: hex.EncodeToString(c[:])}, nil
}

// CheckDecision checks a decision on a declaration awaiting its
// commitment, as the sealed store takes it: the selector has a VRF key,
// the decision was made with the declaration's p and is u < p, and the
// proof and salt are well formed. The VRF proof itself is verified once,
// when the decision is revealed. It returns the declaration as pending.
func CheckDecision(kv KV, spec *agreement.Spec, selector string, b statement.Decision) (Pending, error) {
	if _, err := selectorKey(spec, selector); err != nil {
		return Pending{}, err
	}
	d, found, err := LoadPending(kv, b.Declaration)
	if err != nil {
		return d, err
	}
	if !found {
		return d, fmt.Errorf("%w: declaration %s is not awaiting a selection (committed to, withdrawn, or unknown)", ErrConflict, b.Declaration)
	}
	if b.P != d.P {
		return d, fmt.Errorf("%w: p is %v, but the projected selection probability of %s is %v", ErrInvalid, b.P, d.ID, d.P)
	}
	if inspection.Decide(b.U, b.P) != b.Selected {
		return d, fmt.Errorf("%w: selected is %v but u = %v and p = %v", ErrInvalid, b.Selected, b.U, b.P)
	}
	leaf, err := hex.DecodeString(d.LeafHash)
	if err != nil || len(leaf) != 32 {
		return d, fmt.Errorf("state: declaration %s has leaf hash %q", d.ID, d.LeafHash)
	}
	_, err = CommitmentOf(spec.ID, [32]byte(leaf), b)
	return d, err
}

func (s Selection) leaf() ([32]byte, error) {
	leaf, err := hex.DecodeString(s.LeafHash)
	if err != nil || len(leaf) != 32 {
		return [32]byte{}, fmt.Errorf("state: the selection of %s has leaf hash %q", s.Declaration, s.LeafHash)
	}
	return [32]byte(leaf), nil
}

// Leaf returns the leaf hash of the declaration's entry: what its VRF
// selection input and commitment bind.
func (d *Declaration) Leaf() ([32]byte, error) {
	leaf, err := hex.DecodeString(d.LeafHash)
	if err != nil || len(leaf) != 32 {
		return [32]byte{}, fmt.Errorf("state: declaration %s has leaf hash %q", d.ID, d.LeafHash)
	}
	return [32]byte(leaf), nil
}

// applyCommit logs the selector's commitments to its decisions on a round
// of declarations, before their cargo leaves; from then on their p is
// fixed. Every commitment must be well formed and its declaration
// awaiting one, or the statement is refused whole.
func applyCommit(c *Context, e Entry) error {
	var b statement.CommitBody
	if err := decode(e, &b); err != nil {
		return err
	}
	if len(b.Commitments) == 0 {
		return fmt.Errorf("%w: commitments is empty; commit to at least one decision", ErrInvalid)
	}
	if _, err := selectorKey(c.Spec, e.Statement.Author); err != nil {
		return err
	}
	for i, m := range b.Commitments {
		if err := c.commit(e, m); err != nil {
			return fmt.Errorf("commitments[%d]: %w", i, err)
		}
	}
	return nil
}

func (c *Context) commit(e Entry, m statement.Commitment) error {
	if raw, err := hex.DecodeString(m.Commitment); err != nil || len(raw) != 32 {
		return fmt.Errorf("%w: commitment %q is not a hex SHA-256", ErrInvalid, m.Commitment)
	}
	d, found, err := LoadPending(c.KV, m.Declaration)
	if err != nil {
		return err
	}
	if !found {
		if _, committed, err := LoadSelection(c.KV, m.Declaration); err != nil || committed {
			return errors.Join(err, fmt.Errorf("%w: declaration %s already has a selection commitment", ErrConflict, m.Declaration))
		}
		if _, err := LoadDeclaration(c.KV, m.Declaration); err != nil {
			return err
		}
		return fmt.Errorf("%w: declaration %s was withdrawn", ErrConflict, m.Declaration)
	}
	if !e.Time.Before(d.Departure) {
		return fmt.Errorf("%w: declaration %s left at %s; a selection is committed to before departure", ErrConflict, d.ID, d.Departure.Format(time.RFC3339))
	}
	if m.P != d.P {
		return fmt.Errorf("%w: the decision on %s was made with p = %v, but its p is %v: decide it again with the declaration's p", ErrConflict, d.ID, m.P, d.P)
	}
	sel := Selection{Declaration: d.ID, Commitment: m.Commitment, LeafHash: d.LeafHash, P: d.P, Selector: e.Statement.Author,
		ID: e.Statement.ID, Index: e.Index, Time: e.Time, Site: d.Site, Departure: d.Departure,
		RevealBy: c.Spec.Verification.Sampling.RevealWindow().AddTo(d.Departure), RevealFrom: d.Departure}
	if err := deletePending(c.KV, d); err != nil {
		return err
	}
	if err := c.schedule(sel.RevealBy, "reveal", d.ID); err != nil {
		return err
	}
	if err := c.KV.Put(kindRevealable, revealableKey(sel), []byte(d.ID)); err != nil {
		return err
	}
	return putJSON(c.KV, kindSelection, d.ID, sel)
}

func revealableKey(sel Selection) string { return depKey(sel.RevealFrom) + "/" + sel.Declaration }

// Revealable lists, in order, the declarations whose sealed decisions may
// be revealed at now (their consignment has left or been withdrawn) and
// are not yet: at most limit.
func Revealable(kv KV, now time.Time, limit int) ([]string, error) {
	var ids []string
	err := kv.Scan(kindRevealable, "", depKey(now)+keyEnd, limit, func(_ string, v []byte) error {
		ids = append(ids, string(v))
		return nil
	})
	return ids, err
}

// moveRevealFrom sets when a sealed decision may be revealed, keeping the
// index in step.
func (c *Context) moveRevealFrom(sel *Selection, t time.Time) error {
	if err := c.KV.Delete(kindRevealable, revealableKey(*sel)); err != nil {
		return err
	}
	sel.RevealFrom = t
	return c.KV.Put(kindRevealable, revealableKey(*sel), []byte(sel.Declaration))
}

// Checked is the set of selection decisions whose VRF proofs Prepare
// verified, by checkKey.
type Checked map[[32]byte]bool

// checkKey names a verification of a decision's proof: the selector, the
// declaration's leaf hash and the decision, all of which the check reads.
func checkKey(selector string, leaf [32]byte, b statement.Decision) [32]byte {
	h := sha256.New()
	fmt.Fprintf(h, "%q %x %q %q %v %v %v %q", selector, leaf, b.Declaration, b.Proof, b.P, b.U, b.Selected, b.Salt)
	return [32]byte(h.Sum(nil))
}

// Prepare makes, before the statement is sequenced and concurrently with
// others, the checks that need no more of the state than what can no
// longer change: the VRF proofs of the decisions a selection.reveal or an
// inspection report reveals, against the committing selector's key and
// the declaration's leaf hash. Apply skips the checks Prepare passed and
// makes the others; a check that fails here fails again there, with its
// error.
func (p *Projector) Prepare(kv KV, st *statement.Statement) Checked {
	if !Prepares(st.Type) {
		return nil
	}
	var ds []statement.Decision
	switch st.Type {
	case statement.TypeReveal:
		var b statement.RevealBody
		if st.Decode(&b) != nil {
			return nil
		}
		ds = b.Decisions
	case statement.TypeReport:
		var b statement.ReportBody
		if st.Decode(&b) != nil || b.Reveal == nil {
			return nil
		}
		ds = []statement.Decision{*b.Reveal}
	default:
		return nil
	}
	spec, err := p.Spec(kv)
	if err != nil || spec == nil {
		return nil
	}
	// Read what the checks need, then verify on every core.
	type job struct {
		selector string
		leaf     [32]byte
		b        statement.Decision
		ok       bool
	}
	jobs := make([]job, 0, len(ds))
	for _, b := range ds {
		sel, found, err := LoadSelection(kv, b.Declaration)
		if err != nil || !found {
			continue
		}
		if leaf, err := sel.leaf(); err == nil {
			jobs = append(jobs, job{selector: sel.Selector, leaf: leaf, b: b})
		}
	}
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), len(jobs))
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(jobs); i += workers {
				jobs[i].ok = VerifySelection(spec, jobs[i].selector, jobs[i].leaf, jobs[i].b) == nil
			}
		})
	}
	wg.Wait()
	checked := Checked{}
	for _, j := range jobs {
		if j.ok {
			checked[checkKey(j.selector, j.leaf, j.b)] = true
		}
	}
	return checked
}

// Prepares reports whether Prepare has checks to make for statements of
// the type.
func Prepares(typ string) bool { return typ == statement.TypeReveal || typ == statement.TypeReport }

// moveReveal follows an amended departure with the reveal deadline of a
// sealed selection, so that moving a consignment's departure cannot make
// its selection due before it leaves.
func (c *Context) moveReveal(d *Declaration) error {
	sel, found, err := LoadSelection(c.KV, d.ID)
	if err != nil || !found || sel.Reveal != nil || sel.Unrevealed || sel.Departure.Equal(d.Body.Departure) {
		return err
	}
	if err := c.unschedule(sel.RevealBy, "reveal", d.ID); err != nil {
		return err
	}
	sel.Departure = d.Body.Departure
	sel.RevealBy = c.Spec.Verification.Sampling.RevealWindow().AddTo(d.Body.Departure)
	if err := c.schedule(sel.RevealBy, "reveal", d.ID); err != nil {
		return err
	}
	if err := c.moveRevealFrom(&sel, d.Body.Departure); err != nil {
		return err
	}
	return putJSON(c.KV, kindSelection, d.ID, sel)
}

// revealOnWithdrawal makes the sealed decision on a withdrawn declaration
// revealable now: its consignment will not leave.
func (c *Context) revealOnWithdrawal(sel *Selection, at time.Time) error {
	sel.Withdrawn = true
	if sel.Reveal == nil {
		if err := c.moveRevealFrom(sel, at); err != nil {
			return err
		}
	}
	return putJSON(c.KV, kindSelection, sel.Declaration, sel)
}

// applyReveal reveals committed decisions: after departure for
// consignments not selected, or for those the inspectors did not come to,
// and at once for those withdrawn. Every decision must open its commitment,
// or the statement is refused whole.
func applyReveal(c *Context, e Entry) error {
	var b statement.RevealBody
	if err := decode(e, &b); err != nil {
		return err
	}
	if len(b.Decisions) == 0 {
		return fmt.Errorf("%w: decisions is empty; reveal at least one", ErrInvalid)
	}
	for i, dec := range b.Decisions {
		if err := c.revealOne(e, dec); err != nil {
			return fmt.Errorf("decisions[%d]: %w", i, err)
		}
	}
	return nil
}

func (c *Context) revealOne(e Entry, dec statement.Decision) error {
	sel, found, err := LoadSelection(c.KV, dec.Declaration)
	if err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("%w: declaration %s has no selection commitment to reveal", ErrInvalid, dec.Declaration)
	}
	if e.Time.Before(sel.RevealFrom) {
		return fmt.Errorf("%w: declaration %s leaves at %s; until then its selection stays sealed (a selected consignment's inspection report reveals it)",
			ErrConflict, sel.Declaration, sel.RevealFrom.Format(time.RFC3339))
	}
	return c.reveal(e, &sel, dec)
}

// reveal opens a selection's commitment at the entry: the decision must
// be the one committed to, with a proof by the committing selector's VRF
// key, u and the decision following from it, and p the declaration's. A
// consignment revealed selected after it left uninspected is the
// inspectorate's failure, established by the reveal; one withdrawn after
// its commitment and revealed selected is a violation where the
// declaration obligation says so.
func (c *Context) reveal(e Entry, sel *Selection, b statement.Decision) error {
	if sel.Reveal != nil {
		return fmt.Errorf("%w: the selection of %s was revealed already, at index %d", ErrConflict, sel.Declaration, sel.Reveal.Index)
	}
	id := sel.Declaration
	leaf, err := sel.leaf()
	if err != nil {
		return err
	}
	commitment, err := CommitmentOf(c.Spec.ID, leaf, b)
	if err != nil {
		return err
	}
	if hex.EncodeToString(commitment[:]) != sel.Commitment {
		return fmt.Errorf("%w: the decision revealed for %s does not open the commitment logged at index %d", ErrInvalid, id, sel.Index)
	}
	if b.P != sel.P {
		return fmt.Errorf("%w: p is %v, but the projected selection probability of %s was %v when committed to", ErrInvalid, b.P, id, sel.P)
	}
	if !e.Checked[checkKey(sel.Selector, leaf, b)] {
		if err := VerifySelection(c.Spec, sel.Selector, leaf, b); err != nil {
			return err
		}
	}
	if err := c.KV.Delete(kindRevealable, revealableKey(*sel)); err != nil {
		return err
	}
	sel.Reveal = &Reveal{Decision: b, ID: e.Statement.ID, Index: e.Index, Time: e.Time}
	if !sel.Unrevealed {
		if err := c.unschedule(sel.RevealBy, "reveal", id); err != nil {
			return err
		}
	}
	if err := putJSON(c.KV, kindSelection, id, sel); err != nil {
		return err
	}
	switch {
	case !b.Selected, e.Statement.Type == statement.TypeReport, sel.Unrevealed && !sel.Withdrawn:
		return nil // not selected, inspected, or its failure recorded already
	case !sel.Withdrawn:
		return c.missed(e, *sel)
	}
	d, err := LoadDeclaration(c.KV, id)
	if err != nil {
		return err
	}
	o := c.obligationByID(c.obligation(agreement.Declare, d.Party, d.Body.Site, d.Withdrawal.Time))
	if o == nil || !o.WithdrawalIsViolation {
		return nil
	}
	return c.stmtEvent(e, Event{Kind: compliance.Withdrawn, Party: d.Party, Ref: d.ID, Site: d.Body.Site, Obligation: o.ID,
		Text: fmt.Sprintf("declaration %s was withdrawn on %s after its selection was committed to, and the selection is revealed: it was selected; obligation %s makes that a violation",
			d.ID, d.Withdrawal.Time.Format(time.DateOnly), o.ID)})
}

// revealDue records a commitment not revealed by its deadline: the
// inspectorate's failure; nobody can check the selection it hides.
func revealDue(c *Context, at time.Time, id string) error {
	sel, found, err := LoadSelection(c.KV, id)
	if err != nil || !found || sel.Reveal != nil {
		return err
	}
	sel.Unrevealed = true
	if err := putJSON(c.KV, kindSelection, id, sel); err != nil {
		return err
	}
	party := inspectorate(c.Spec, sel.Site)
	return c.event(at, Event{Kind: compliance.Unrevealed, Party: party, Ref: id, Site: sel.Site,
		Obligation: c.obligation(agreement.Inspect, party, sel.Site, at),
		Text:       fmt.Sprintf("the selection of %s committed to at index %d was not revealed by %s", id, sel.Index, at.Format(time.RFC3339))})
}
