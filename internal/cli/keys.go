package cli

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/surety/surety/internal/inspection"
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
	var vrf, force bool
	cmd := &cobra.Command{
		Use:   "generate --name NAME --out DIR [--force]",
		Short: "Write a fresh key pair: NAME.key (mode 0600) and NAME.vkey",
		Long: "Write a fresh key pair: NAME.key (mode 0600) and NAME.vkey. An existing\n" +
			"NAME.key (or NAME.vrf with --vrf) is kept, and the command fails, unless --force.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := keys.Generate(name)
			if err != nil {
				return err
			}
			seed := inspection.GenerateSeed()
			if vrf {
				if err := keys.Fresh(vrfPath(out, name), inspection.KeyFileData(seed), force); err != nil {
					return err
				}
			}
			if err := writeKey(cmd, s, out, force); err != nil {
				return err
			}
			if vrf {
				return writeVRF(cmd, out, name, seed)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "replace existing private key files")
	cmd.Flags().StringVar(&name, "name", "", "key name: the principal id, or the log origin for a log key")
	cmd.Flags().StringVar(&out, "out", ".", "directory to write the key files to")
	cmd.Flags().BoolVar(&vrf, "vrf", false, "also write a VRF key, NAME.vrf, for a selector")
	_ = cmd.MarkFlagRequired("name")
	return cmd
}

func newKeysDeriveCmd() *cobra.Command {
	var name, seed, out string
	var vrf, force bool
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
				if vrf {
					k, err := inspection.KeyFromSeed(inspection.DeriveSeed(seed, name))
					if err != nil {
						return err
					}
					fmt.Fprintln(cmd.OutOrStdout(), "vrf_key:", k.PublicString())
				}
				return nil
			}
			if vrf {
				if err := keys.Fresh(vrfPath(out, name), inspection.KeyFileData(inspection.DeriveSeed(seed, name)), force); err != nil {
					return err
				}
			}
			if err := writeKey(cmd, s, out, force); err != nil {
				return err
			}
			if vrf {
				return writeVRF(cmd, out, name, inspection.DeriveSeed(seed, name))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "replace existing private key files that hold other keys")
	cmd.Flags().BoolVar(&vrf, "vrf", false, "also derive the selector's VRF key")
	cmd.Flags().StringVar(&seed, "seed", "", "the published seed, e.g. demo")
	cmd.Flags().StringVar(&name, "name", "", "key name: the principal id, or the log origin for a log key")
	cmd.Flags().StringVar(&out, "out", "", "directory to write NAME.key and NAME.vkey to")
	_ = cmd.MarkFlagRequired("seed")
	_ = cmd.MarkFlagRequired("name")
	return cmd
}

// writeVRF writes a selector's VRF key as NAME.vrf and prints its public
// key, the agreement's vrf_key.
func writeVRF(cmd *cobra.Command, dir, name string, seed []byte) error {
	k, err := inspection.KeyFromSeed(seed)
	if err != nil {
		return err
	}
	path := vrfPath(dir, name)
	if err := inspection.WriteKeyFile(path, seed); err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "VRF key: %s\nvrf_key: %s\n", path, k.PublicString())
	return nil
}

func vrfPath(dir, name string) string {
	return filepath.Join(dir, strings.ReplaceAll(name, "/", "_")+".vrf")
}

func writeKey(cmd *cobra.Command, s *keys.Signer, dir string, force bool) error {
	kp, vp, err := keys.Write(dir, s, force)
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "private key: %s\nverifier key: %s\n%s\n", kp, vp, s.VKey())
	return nil
}
