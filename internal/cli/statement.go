package cli

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/surety/surety/internal/client"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/statement"
)

func newStatementCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "statement",
		Short: "Sign and submit statements",
	}
	cmd.AddCommand(newStatementSignCmd(), newStatementSubmitCmd())
	return cmd
}

// newID returns a fresh statement id: the time and random bytes.
func newID(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + time.Now().UTC().Format("20060102T150405") + "-" + hex.EncodeToString(b)
}

func newStatementSignCmd() *cobra.Command {
	var keyPath, typ, agr, id, author, at string
	cmd := &cobra.Command{
		Use:   "sign --key FILE --type TYPE --agreement ID [--id ID] [--author PRINCIPAL] BODY.json",
		Short: "Sign a statement body and print its envelope",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			k, err := keys.Load(keyPath)
			if err != nil {
				return err
			}
			body, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			if !json.Valid(body) {
				return fmt.Errorf("%s is not JSON; a statement body is a JSON object", args[0])
			}
			if author == "" {
				author = k.Name
			}
			if id == "" {
				id = newID(author + "-")
			}
			now := time.Now()
			if at != "" {
				if now, err = time.Parse(time.RFC3339, at); err != nil {
					return fmt.Errorf("--time %q: give the author's time in RFC 3339, e.g. 1993-08-01T00:00:00Z", at)
				}
			}
			env, err := statement.Sign(k, statement.Payload{Type: typ, Agreement: agr, ID: id, Author: author, Time: now, Body: body})
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), string(env))
			return nil
		},
	}
	cmd.Flags().StringVar(&keyPath, "key", "", "the author's private key file")
	cmd.Flags().StringVar(&typ, "type", "", "statement type, e.g. key.add")
	cmd.Flags().StringVar(&agr, "agreement", "", "agreement id")
	cmd.Flags().StringVar(&id, "id", "", "statement id (default: author, time and random)")
	cmd.Flags().StringVar(&author, "author", "", "author principal (default: the key's name)")
	cmd.Flags().StringVar(&at, "time", "", "the author's time, RFC 3339 (default: now); the log refuses a time farther from its own than the agreement's log.max_skew")
	for _, f := range []string{"key", "type", "agreement"} {
		_ = cmd.MarkFlagRequired(f)
	}
	return cmd
}

func newStatementSubmitCmd() *cobra.Command {
	var server, receipt string
	cmd := &cobra.Command{
		Use:   "submit [--server URL] [--receipt FILE] ENVELOPE.json",
		Short: "Submit a signed statement; print its index and leaf hash, and keep the log's receipt",
		Long: "Submit sends a signed statement and keeps the log's signed receipt for it in\n" +
			"--receipt (default: ENVELOPE.json.receipt). `surety verify receipt` proves\n" +
			"with it, at any later time, that the log still includes the statement.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			env, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			a, err := client.New(server).Submit(cmd.Context(), env)
			if err != nil {
				return err
			}
			if receipt == "" {
				receipt = args[0] + ".receipt"
			}
			if a.Receipt == "" {
				return fmt.Errorf("the server accepted the statement at index %d but gave no receipt", a.Index)
			}
			if err := os.WriteFile(receipt, []byte(a.Receipt), 0o644); err != nil {
				return fmt.Errorf("the statement is at index %d, but its receipt could not be kept: %w", a.Index, err)
			}
			return writeJSON(cmd.OutOrStdout(), map[string]any{"index": a.Index, "leaf_hash": a.LeafHash, "time": a.Time, "existing": a.Existing, "receipt": receipt})
		},
	}
	serverVar(cmd, &server)
	cmd.Flags().StringVar(&receipt, "receipt", "", "where to keep the log's signed receipt (default: ENVELOPE.json.receipt)")
	return cmd
}
