package state

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/statement"
	"github.com/surety/surety/internal/store"
)

// Principal is a principal as the state knows it: its party, duties and
// keys, with when each key was added and revoked.
type Principal struct {
	ID     string           `json:"id"`
	Party  string           `json:"party"`
	Role   agreement.Role   `json:"role"`
	Duties []agreement.Duty `json:"duties"`
	Sites  []string         `json:"sites,omitempty"`
	Keys   []Key            `json:"keys"`
}

// Key is one of a principal's keys.
type Key struct {
	ID      string  `json:"id"`
	Public  []byte  `json:"public"`
	Added   uint64  `json:"added"`
	Revoked *uint64 `json:"revoked,omitempty"`
}

func (p *Principal) holds(ds ...agreement.Duty) bool {
	for _, d := range ds {
		if slices.Contains(p.Duties, d) {
			return true
		}
	}
	return false
}

// current reports whether the key id names a key of p that is not revoked.
func (p *Principal) current(keyID string) bool {
	return p.key(keyID) != nil
}

// Public returns the current key of p with the key id, or nil.
func (p *Principal) Public(keyID string) ed25519.PublicKey {
	if k := p.key(keyID); k != nil {
		return ed25519.PublicKey(k.Public)
	}
	return nil
}

func (p *Principal) key(keyID string) *Key {
	for i, k := range p.Keys {
		if k.ID == keyID && k.Revoked == nil {
			return &p.Keys[i]
		}
	}
	return nil
}

// Lookup returns the public key that must have signed st: the current key
// of its author under the statement's key id, or for agreement.adopt, the
// log key of the agreement it adopts.
func Lookup(kv KV, st *statement.Statement) (ed25519.PublicKey, error) {
	if st.Type == statement.TypeAdopt {
		spec, err := adoptedSpec(st)
		if err != nil {
			return nil, err
		}
		pr, pub, err := logPrincipal(spec)
		if err != nil {
			return nil, err
		}
		if pr.ID != st.Author {
			return nil, fmt.Errorf("%w: agreement.adopt is signed by the log key's principal %s, not %s", ErrForbidden, pr.ID, st.Author)
		}
		return pub, nil
	}
	pr, err := LoadPrincipal(kv, st.Author)
	if err != nil {
		return nil, err
	}
	pub := pr.Public(st.KeyID)
	if pub == nil {
		return nil, fmt.Errorf("%w: %s has no current key %s", ErrForbidden, st.Author, st.KeyID)
	}
	return pub, nil
}

// LoadPrincipal returns the principal id as the state knows it; the error
// wraps ErrForbidden when there is none.
func LoadPrincipal(kv KV, id string) (*Principal, error) {
	b, err := principalRecord(kv, id)
	if err != nil {
		return nil, err
	}
	var pr Principal
	if err := json.Unmarshal(b, &pr); err != nil {
		return nil, fmt.Errorf("state: %s %s: %w", kindPrincipal, id, err)
	}
	return &pr, nil
}

// principalRecord returns the stored record of the principal id.
func principalRecord(kv KV, id string) ([]byte, error) {
	b, err := kv.Get(kindPrincipal, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s is not a principal of this agreement", ErrForbidden, id)
	}
	return b, err
}

// author returns the principal id as kv holds it, as LoadPrincipal does.
// Every statement loads its author, so the projector keeps the last
// record it decoded for each principal and decodes a record again only
// when its bytes changed: the record is read each time, so a key added or
// revoked, or a batch applied again over other writes, is seen at once.
// The principal returned shares its slices with the one kept, and is not
// to be changed in place.
func (p *Projector) author(kv KV, id string) (*Principal, error) {
	b, err := principalRecord(kv, id)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	c, ok := p.authors[id]
	p.mu.Unlock()
	if ok && bytes.Equal(c.record, b) {
		pr := c.pr
		return &pr, nil
	}
	var pr Principal
	if err := json.Unmarshal(b, &pr); err != nil {
		return nil, fmt.Errorf("state: %s %s: %w", kindPrincipal, id, err)
	}
	p.mu.Lock()
	if p.authors == nil {
		p.authors = map[string]decoded{}
	}
	p.authors[id] = decoded{record: bytes.Clone(b), pr: pr}
	p.mu.Unlock()
	return &pr, nil
}

// decoded is a principal's record and what it decodes to.
type decoded struct {
	record []byte
	pr     Principal
}

func adoptedSpec(st *statement.Statement) (*agreement.Spec, error) {
	var b statement.AdoptBody
	if err := st.Decode(&b); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	spec, err := agreement.Parse("agreement", []byte(b.Document))
	if err != nil {
		return nil, fmt.Errorf("%w: the adopted agreement is not valid:\n%v", ErrInvalid, err)
	}
	return spec, nil
}

// logPrincipal returns the principal holding the log key, and its key.
func logPrincipal(spec *agreement.Spec) (agreement.Principal, ed25519.PublicKey, error) {
	for _, p := range spec.Parties {
		for _, pr := range p.Principals {
			if slices.Contains(pr.Duties, agreement.LogKey) {
				_, pub, err := keys.ParsePublic(pr.Key)
				return pr, pub, err
			}
		}
	}
	return agreement.Principal{}, nil, errors.New("the agreement has no log key")
}

func applyAdopt(c *Context, e Entry) error {
	st := e.Statement
	if c.Spec != nil {
		return fmt.Errorf("%w: this log adopted agreement %s already; an agreement is adopted once", ErrConflict, c.Spec.ID)
	}
	if e.Index != 0 {
		return fmt.Errorf("%w: agreement.adopt must be the log's first entry", ErrConflict)
	}
	spec, err := adoptedSpec(st)
	if err != nil {
		return err
	}
	if spec.ID != st.Agreement {
		return fmt.Errorf("%w: the document's id is %q, the statement's agreement %q", ErrInvalid, spec.ID, st.Agreement)
	}
	var b statement.AdoptBody
	_ = st.Decode(&b)
	if err := c.KV.Put(kindAgreement, "document", []byte(b.Document)); err != nil {
		return err
	}
	c.Spec = spec
	for _, p := range spec.Parties {
		for _, pr := range p.Principals {
			_, pub, err := keys.ParsePublic(pr.Key)
			if err != nil {
				return fmt.Errorf("%w: principal %s: %v", ErrInvalid, pr.ID, err)
			}
			sp := Principal{ID: pr.ID, Party: p.ID, Role: p.Role, Duties: pr.Duties, Sites: pr.Sites,
				Keys: []Key{{ID: statement.KeyID(pub), Public: pub, Added: e.Index}}}
			if err := putJSON(c.KV, kindPrincipal, pr.ID, sp); err != nil {
				return err
			}
		}
	}
	if err := c.initIncentives(e.Time); err != nil {
		return err
	}
	return c.reschedule()
}

// mayManage reports whether author may manage the keys of a principal of
// party: the principal itself, or an envoy or coordinator of its party.
func mayManage(author *Principal, party, principal string) bool {
	return author.ID == principal || author.Party == party && author.holds(agreement.Envoy, agreement.Coordinator)
}

func applyKeyAdd(c *Context, e Entry) error {
	var b statement.KeyAddBody
	if err := decode(e, &b); err != nil {
		return err
	}
	_, pub, err := keys.ParsePublic(b.Key)
	if err != nil {
		return fmt.Errorf("%w: key: %v", ErrInvalid, err)
	}
	k := Key{ID: statement.KeyID(pub), Public: pub, Added: e.Index}
	var pr Principal
	found, err := getJSON(c.KV, kindPrincipal, b.Principal, &pr)
	if err != nil {
		return err
	}
	if found {
		if b.Party != "" || len(b.Duties) > 0 || len(b.Sites) > 0 {
			return fmt.Errorf("%w: principal %s exists; key.add adds a key to it and takes no party, duties or sites", ErrInvalid, b.Principal)
		}
		if !mayManage(c.Author, pr.Party, pr.ID) {
			return fmt.Errorf("%w: only %s or an envoy or coordinator of %s may add its keys", ErrForbidden, pr.ID, pr.Party)
		}
		if pr.key(k.ID) != nil {
			return fmt.Errorf("%w: %s already has key %s", ErrConflict, pr.ID, k.ID)
		}
		pr.Keys = append(pr.Keys, k)
		return putJSON(c.KV, kindPrincipal, pr.ID, pr)
	}
	// A new principal joins the author's party.
	if b.Principal == "" || b.Party == "" || len(b.Duties) == 0 {
		return fmt.Errorf("%w: a new principal needs principal, party and duties", ErrInvalid)
	}
	if !mayManage(c.Author, b.Party, "") {
		return fmt.Errorf("%w: only an envoy or coordinator of %s may add its principals", ErrForbidden, b.Party)
	}
	role := c.Author.Role
	for _, d := range b.Duties {
		if !slices.Contains(agreement.Duties[role], d) {
			return fmt.Errorf("%w: a %s party's principals may not hold duty %s", ErrForbidden, role, d)
		}
	}
	for _, s := range b.Sites {
		if !slices.ContainsFunc(c.Spec.Sites, func(x agreement.Site) bool { return x.ID == s }) {
			return fmt.Errorf("%w: unknown site %s", ErrInvalid, s)
		}
	}
	if slices.Contains(b.Duties, agreement.Inspector) != (len(b.Sites) > 0) {
		return fmt.Errorf("%w: an inspector is assigned to sites, and only an inspector", ErrInvalid)
	}
	pr = Principal{ID: b.Principal, Party: b.Party, Role: role, Duties: b.Duties, Sites: b.Sites, Keys: []Key{k}}
	return putJSON(c.KV, kindPrincipal, pr.ID, pr)
}

func applyKeyRevoke(c *Context, e Entry) error {
	var b statement.KeyRevokeBody
	if err := decode(e, &b); err != nil {
		return err
	}
	pr, err := LoadPrincipal(c.KV, b.Principal)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if !mayManage(c.Author, pr.Party, pr.ID) {
		return fmt.Errorf("%w: only %s or an envoy or coordinator of %s may revoke its keys", ErrForbidden, pr.ID, pr.Party)
	}
	k := pr.key(b.KeyID)
	if k == nil {
		return fmt.Errorf("%w: %s has no current key %s", ErrInvalid, pr.ID, b.KeyID)
	}
	idx := e.Index
	k.Revoked = &idx
	return putJSON(c.KV, kindPrincipal, pr.ID, pr)
}

func applyClockTick(c *Context, e Entry) error {
	var b statement.ClockTickBody
	if err := decode(e, &b); err != nil {
		return err
	}
	return putJSON(c.KV, kindClock, "last", e.Time)
}
