package cli

import (
	"github.com/spf13/cobra"

	"github.com/surety/surety/internal/scenario"
)

func newScenarioCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "scenario", Short: "Replay timed scripts of an agreement's life against a fresh instance"}
	var out string
	runCmd := &cobra.Command{
		Use:   "run FILE.yaml [--output json]",
		Short: "Replay a scenario script and print the verdicts and incentives at each period's close",
		Long: "The script names its agreement, the seed its principals' keys are derived\n" +
			"from, and timed steps: statements, VRF selections, clock ticks, blobs and\n" +
			"routine traffic. They are signed and appended, at their log times, to a\n" +
			"fresh in-memory log run by the same engine as the server. The output is the\n" +
			"timeline with each period's close: the verdicts with their reasons, the\n" +
			"consequences, and the incentives as they then stood. docs/scenarios.md\n" +
			"describes the format; examples/scenarios holds scenarios of the three\n" +
			"agreements.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(out); err != nil {
				return err
			}
			res, err := scenario.Run(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if out == "json" {
				return writeJSON(cmd.OutOrStdout(), res)
			}
			return res.WriteText(cmd.OutOrStdout())
		},
	}
	outputFlag(runCmd, &out)
	cmd.AddCommand(runCmd)
	return cmd
}
