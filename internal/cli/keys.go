package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/surety/surety/internal/keys"
)

func newKeysCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "Generate and derive principals' ed25519 keys",
	}
	cmd.AddCommand(newKeysGenerateCmd(), newKeysDeriveCmd())
	return cmd
}

func newKeysGenerateCmd() *cobra.Command {
	var name, out string
	cmd := &cobra.Command{
		Use:   "generate --name NAME --out DIR",
		Short: "Write a fresh key pair: NAME.key (mode 0600) and NAME.vkey",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := keys.Generate(name)
			if err != nil {
				return err
			}
			return writeKey(cmd, s, out)
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "key name: the principal id, or the log origin for a log key")
	cmd.Flags().StringVar(&out, "out", ".", "directory to write the key files to")
	_ = cmd.MarkFlagRequired("name")
	return cmd
}

func newKeysDeriveCmd() *cobra.Command {
	var name, seed, out string
	cmd := &cobra.Command{
		Use:   "derive --seed SEED --name NAME [--out DIR]",
		Short: "Derive a key from a published seed (for demonstrations and test scenarios only)",
		Long: "Derive a key pair from a seed and a name. Anyone who knows the seed can sign as\n" +
			"the principal, so derived keys are for demonstrations and test scenarios only.\n" +
			"Without --out it prints the verifier key.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := keys.Derive(seed, name)
			if err != nil {
				return err
			}
			if out == "" {
				fmt.Fprintln(cmd.OutOrStdout(), s.VKey())
				return nil
			}
			return writeKey(cmd, s, out)
		},
	}
	cmd.Flags().StringVar(&seed, "seed", "", "the published seed, e.g. demo")
	cmd.Flags().StringVar(&name, "name", "", "key name: the principal id, or the log origin for a log key")
	cmd.Flags().StringVar(&out, "out", "", "directory to write NAME.key and NAME.vkey to")
	_ = cmd.MarkFlagRequired("seed")
	_ = cmd.MarkFlagRequired("name")
	return cmd
}

func writeKey(cmd *cobra.Command, s *keys.Signer, dir string) error {
	kp, vp, err := keys.Write(dir, s)
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "private key: %s\nverifier key: %s\n%s\n", kp, vp, s.VKey())
	return nil
}
