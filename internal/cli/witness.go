package cli

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/surety/surety/internal/app"
	"github.com/surety/surety/internal/keys"
)

func newWitnessCmd() *cobra.Command {
	var keyPath, addr, dir string
	var logs []string
	network := app.DefaultNetwork
	cmd := &cobra.Command{
		Use:   "witness --key FILE --log VKEY... [--addr HOST:PORT] [--state DIR]",
		Short: "Cosign checkpoints of the given logs (C2SP tlog-witness)",
		Long: "Run a witness: it serves POST /add-checkpoint, verifies each checkpoint's log\n" +
			"signature and its consistency with the tree it cosigned last, and answers with\n" +
			"a cosignature/v1. Its state is durable, so it never cosigns two different trees\n" +
			"of the same size.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			k, err := keys.Load(keyPath)
			if err != nil {
				return err
			}
			var vkeys []string
			for _, l := range logs {
				v, err := keys.LoadPublic(l)
				if err != nil {
					return err
				}
				vkeys = append(vkeys, v)
			}
			url, stop, err := app.StartWitness(k, addr, dir, network, vkeys...)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "witness %s listening at %s\n", k.Name, url)
			ctx, cancel := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer cancel()
			<-ctx.Done()
			stop()
			return nil
		},
	}
	cmd.Flags().StringVar(&keyPath, "key", "", "the witness's private key file")
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8081", "address to listen on")
	cmd.Flags().StringVar(&dir, "state", "witness-state", "directory for the witness's durable state")
	cmd.Flags().StringArrayVar(&logs, "log", nil, "a log's verifier key, or a file holding it (repeatable)")
	networkFlags(cmd, &network)
	_ = cmd.MarkFlagRequired("key")
	_ = cmd.MarkFlagRequired("log")
	return cmd
}
