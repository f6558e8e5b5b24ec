// Package cli holds the cobra commands of the surety binary, one file per
// command group. It wires flags to the domain, ledger and server packages and
// holds no domain logic of its own.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

// exitError carries a process exit code through cobra without printing a
// second message: the command has already reported what went wrong.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// NewRoot returns the root command with every command group attached.
func NewRoot() *cobra.Command {
	root := &cobra.Command{
		Use:           "surety",
		Short:         "Verify an incentive-for-verified-restraint agreement",
		Long:          "Surety runs the verification of an agreement in which one side pays in stages,\nthe other refrains, and inspectors check: agreement as code, declarations and\nscreening, VRF-selected inspections, verdicts and incentives, all in a\nwitness-cosigned Merkle log.",
		SilenceUsage:  true,
		SilenceErrors: true,
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
