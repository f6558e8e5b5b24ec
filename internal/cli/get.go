package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/surety/surety/internal/httpsig"
	"github.com/surety/surety/internal/keys"
)

func newGetCmd() *cobra.Command {
	var srv, keyPath, author string
	var show bool
	cmd := &cobra.Command{
		Use:   "get [--key FILE [--author PRINCIPAL]] [--show-request] PATH",
		Short: "Read an API path, signing the request (RFC 9421) when given a key",
		Long: "get reads PATH from the server and prints the answer. With --key, the\n" +
			"request is signed with HTTP Message Signatures (RFC 9421) as the key's\n" +
			"principal (or --author), as the sealed endpoints require: a site's queue\n" +
			"(/v1/sites/SITE/queue) and the selector's due reveals (/v1/sealed/due).\n" +
			"--show-request prints the request and its signature fields to stderr.",
		Example: "  surety get --key il-insp-nam-1.key /v1/sites/kpnam/queue\n" +
			"  surety get /v1/declarations/d-1/selection",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := args[0]
			if !strings.HasPrefix(path, "/") {
				return fmt.Errorf("PATH %q must start with /, e.g. /v1/state", path)
			}
			req, err := http.NewRequestWithContext(cmd.Context(), http.MethodGet, strings.TrimSuffix(srv, "/")+path, nil)
			if err != nil {
				return err
			}
			if keyPath != "" {
				k, err := keys.Load(keyPath)
				if err != nil {
					return err
				}
				if author == "" {
					author = k.Name
				}
				if err := httpsig.Sign(req, author, k.Key, time.Now()); err != nil {
					return err
				}
			}
			if show {
				w := cmd.ErrOrStderr()
				fmt.Fprintf(w, "GET %s\n", req.URL.RequestURI())
				fmt.Fprintf(w, "Host: %s\n", req.URL.Host)
				for _, h := range []string{"Signature-Input", "Signature"} {
					if v := req.Header.Get(h); v != "" {
						fmt.Fprintf(w, "%s: %s\n", h, v)
					}
				}
				fmt.Fprintln(w)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if resp.StatusCode >= 300 {
				out = cmd.ErrOrStderr()
				fmt.Fprintf(out, "%s\n", resp.Status)
			}
			var indented bytes.Buffer
			if json.Indent(&indented, body, "", "  ") == nil {
				body = indented.Bytes()
			}
			fmt.Fprintf(out, "%s\n", bytes.TrimSpace(body))
			if resp.StatusCode >= 300 {
				return exitError{1}
			}
			return nil
		},
	}
	serverVar(cmd, &srv)
	cmd.Flags().StringVar(&keyPath, "key", "", "sign the request with this principal's private key file")
	cmd.Flags().StringVar(&author, "author", "", "the signing principal (default: the key's name)")
	cmd.Flags().BoolVar(&show, "show-request", false, "print the request and its signature fields to stderr")
	return cmd
}
