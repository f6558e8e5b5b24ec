// Package cli holds the cobra commands of the surety binary, one file per
// command group. It wires flags to the domain, ledger and server packages and
// holds no domain logic of its own.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// exitError carries a process exit code through cobra without printing a
// second message: the command has already reported what went wrong.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// NewRoot returns the root command with every command group attached.
func NewRoot() *cobra.Command {
	root := &cobra.Command{
		Use:               "surety",
		Short:             "Verify an incentive-for-verified-restraint agreement",
		Long:              "Surety runs the verification of an agreement in which one side pays in stages,\nthe other refrains, and inspectors check: agreement as code, declarations and\nscreening, VRF-selected inspections, verdicts and incentives, all in a\nwitness-cosigned Merkle log.",
		SilenceUsage:      true,
		SilenceErrors:     true,
		PersistentPreRunE: needServer,
		Version:           version(),
	}
	root.AddCommand(
		newAgreementCmd(),
		newKeysCmd(),
		newStatementCmd(),
		newServeCmd(),
		newWitnessCmd(),
		newAuditCmd(),
		newRebuildCmd(),
		newBenchCmd(),
		newScreenCmd(),
		newListsCmd(),
		newDeclareCmd(),
		newSelectorCmd(),
		newInspectCmd(),
		newChallengeCmd(),
		newVerifyCmd(),
		newGetCmd(),
		newTranchesCmd(),
		newDemoCmd(),
		newPlanCmd(),
		newSimulateCmd(),
		newReportCmd(),
		newScenarioCmd(),
	)
	return root
}

// version is the module's version and the commit it was built from, as
// the Go toolchain recorded them.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Version
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = ", modified"
			}
		}
	}
	if rev != "" {
		v += fmt.Sprintf(" (%.12s%s)", rev, modified)
	}
	return v + ", " + bi.GoVersion
}

// serverAnnotation marks the --server flags a command cannot do without.
const serverAnnotation = "surety:server"

// serverVar adds --server, the server's URL, to a command that needs one.
// It has no default but $SURETY_SERVER, so that nothing is sent to a
// server by accident.
func serverVar(cmd *cobra.Command, p *string) {
	cmd.Flags().StringVar(p, "server", os.Getenv("SURETY_SERVER"), "the server's URL (default $SURETY_SERVER)")
	_ = cmd.Flags().SetAnnotation("server", serverAnnotation, []string{"required"})
}

// needServer refuses to run a command that needs a server without one.
func needServer(cmd *cobra.Command, _ []string) error {
	if f := cmd.Flags().Lookup("server"); f != nil && f.Annotations[serverAnnotation] != nil && f.Value.String() == "" {
		return errors.New("no server: give --server URL or set SURETY_SERVER (surety serve listens on http://127.0.0.1:8080 by default)")
	}
	return nil
}

// Main runs the CLI with args and returns the process exit code.
func Main(args []string) int {
	return run(args, os.Stdout, os.Stderr)
}

func run(args []string, stdout, stderr io.Writer) int {
	root := NewRoot()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	if err := root.Execute(); err != nil {
		var ee exitError
		if errors.As(err, &ee) {
			return ee.code
		}
		fmt.Fprintf(stderr, "surety: %v\n", err)
		return 1
	}
	return 0
}
