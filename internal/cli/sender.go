package cli

import (
	"github.com/spf13/cobra"

	"github.com/surety/surety/internal/app"
	"github.com/surety/surety/internal/client"
	"github.com/surety/surety/internal/keys"
)

// principalFlags adds --key, --author, --server and --agreement.
type principalFlags struct {
	key, author, server, agreement string
}

func (p *principalFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&p.key, "key", "", "the signing principal's private key file")
	cmd.Flags().StringVar(&p.author, "author", "", "author principal (default: the key's name)")
	serverVar(cmd, &p.server)
	cmd.Flags().StringVar(&p.agreement, "agreement", "il-kp-1993", "agreement id")
	_ = cmd.MarkFlagRequired("key")
}

func (p *principalFlags) sender() (*app.Sender, error) {
	k, err := keys.Load(p.key)
	if err != nil {
		return nil, err
	}
	author := p.author
	if author == "" {
		author = k.Name
	}
	return &app.Sender{Key: k, Author: author, Agreement: p.agreement, Client: client.New(p.server)}, nil
}
