package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"time"

	"github.com/surety/surety/internal/api"
	"github.com/surety/surety/internal/client"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/screening/lists"
	"github.com/surety/surety/internal/statement"
)

// Sender signs statements as one principal and submits them.
type Sender struct {
	Key       *keys.Signer
	Author    string
	Agreement string
	Client    *client.Client
	// Now is the clock the statements are signed at; nil means the log's
	// clock: the wall clock moved by the server's offset from it, which
	// the server tells when the sender checks its agreement, so that the
	// statements are within the agreement's max_skew of a log that runs
	// on a clock of its own (serve --start).
	Now func() time.Time

	checked bool          // the server holds Agreement's log
	offset  time.Duration // the log's clock less the wall clock
}

// Send signs a statement of type typ with the id and body, and submits it.
// Before its first statement it checks that the server holds the log of
// the sender's agreement, so that nothing goes into another log.
func (s *Sender) Send(ctx context.Context, typ, id string, body any) (client.Appended, error) {
	if err := s.check(ctx); err != nil {
		return client.Appended{}, err
	}
	b, err := json.Marshal(body)
	if err != nil {
		return client.Appended{}, err
	}
	now := time.Now().Add(s.offset)
	if s.Now != nil {
		now = s.Now()
	}
	env, err := statement.Sign(s.Key, statement.Payload{Type: typ, Agreement: s.Agreement, ID: id, Author: s.Author, Time: now, Body: b})
	if err != nil {
		return client.Appended{}, err
	}
	return s.Client.Submit(ctx, env)
}

// Signed returns the sender's client signing its requests (RFC 9421) as
// the sender's principal, for the sealed endpoints, at the wall clock's
// time, which the server checks them against.
func (s *Sender) Signed() *client.Client {
	return s.Client.Signing(s.Author, s.Key.Key)
}

// Queue reads a site's sealed queue, signed as the sender's principal.
func (s *Sender) Queue(ctx context.Context, site string) ([]api.QueueItem, error) {
	var q []api.QueueItem
	err := s.Signed().Get(ctx, "/v1/sites/"+url.PathEscape(site)+"/queue", &q)
	return q, err
}

// PutBlob uploads data as a blob, in a request signed as the sender's
// principal, and returns its SHA-256 in hex, checked against the server's
// name for it.
func (s *Sender) PutBlob(ctx context.Context, data []byte) (string, error) {
	sum, err := s.Signed().PutBlob(ctx, data)
	if err != nil {
		return "", err
	}
	if want := sha256.Sum256(data); sum != hex.EncodeToString(want[:]) {
		return "", fmt.Errorf("the server names the blob %s, but its SHA-256 is %x", sum, want)
	}
	return sum, nil
}

// AdoptEdition uploads a list edition in its canonical encoding and adopts
// it into the log with list.adopt, as statement id.
func (s *Sender) AdoptEdition(ctx context.Context, id string, e lists.Edition) (client.Appended, error) {
	canon, err := lists.Encode(e)
	if err != nil {
		return client.Appended{}, err
	}
	sum, err := s.PutBlob(ctx, canon)
	if err != nil {
		return client.Appended{}, fmt.Errorf("upload edition: %w", err)
	}
	a, err := s.Send(ctx, statement.TypeListAdopt, id, statement.ListAdoptBody{Source: e.Source, Date: e.Date, SHA256: sum, Entries: len(e.Entries)})
	if err != nil {
		return client.Appended{}, fmt.Errorf("submit list.adopt: %w", err)
	}
	return a, nil
}

// AdoptFixtureList adopts the repository's list fixture as the sender.
func AdoptFixtureList(ctx context.Context, s *Sender) error {
	ed, err := lists.Fixture()
	if err != nil {
		return err
	}
	_, err = s.AdoptEdition(ctx, "list-"+ed.Source+"-"+ed.Date, ed)
	return err
}

// check asks the server which agreement's log it holds.
func (s *Sender) check(ctx context.Context) error {
	if s.checked {
		return nil
	}
	var a api.Agreement
	asked := time.Now()
	if err := s.Client.Get(ctx, "/v1/agreement", &a); err != nil {
		return fmt.Errorf("ask %s which log it holds: %w", s.Client.Base, err)
	}
	if a.ID != s.Agreement {
		return fmt.Errorf("the server at %s holds the log of %s (%s), not %s; check --server and --agreement", s.Client.Base, a.ID, a.Title, s.Agreement)
	}
	if !a.Time.IsZero() {
		s.offset = a.Time.Sub(asked)
	}
	s.checked = true
	return nil
}
