package cli

import (
	"context"
	"encoding/json"
	"time"

	"github.com/spf13/cobra"

	"github.com/surety/surety/internal/client"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/statement"
)

// sender signs statements as one principal and submits them.
type sender struct {
	key       *keys.Signer
	author    string
	agreement string
	client    *client.Client
	now       func() time.Time
}

func (s *sender) send(ctx context.Context, typ, id string, body any) (client.Appended, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return client.Appended{}, err
	}
	now := time.Now
	if s.now != nil {
		now = s.now
	}
	env, err := statement.Sign(s.key, statement.Payload{Type: typ, Agreement: s.agreement, ID: id, Author: s.author, Time: now(), Body: b})
	if err != nil {
		return client.Appended{}, err
	}
	return s.client.Submit(ctx, env)
}

// principalFlags adds --key, --author, --server and --agreement.
type principalFlags struct {
	key, author, server, agreement string
}

func (p *principalFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&p.key, "key", "", "the signing principal's private key file")
	cmd.Flags().StringVar(&p.author, "author", "", "author principal (default: the key's name)")
	cmd.Flags().StringVar(&p.server, "server", "http://127.0.0.1:8080", "server URL")
	cmd.Flags().StringVar(&p.agreement, "agreement", "il-kp-1993", "agreement id")
	_ = cmd.MarkFlagRequired("key")
}

func (p *principalFlags) sender() (*sender, error) {
	k, err := keys.Load(p.key)
	if err != nil {
		return nil, err
	}
	author := p.author
	if author == "" {
		author = k.Name
	}
	return &sender{key: k, author: author, agreement: p.agreement, client: client.New(p.server)}, nil
}

// signed returns the sender's client signing its requests (RFC 9421) as
// the sender's principal, for the sealed endpoints.
func (s *sender) signed() *client.Client {
	c := s.client.Signing(s.author, s.key.Key)
	c.Now = s.now
	return c
}
