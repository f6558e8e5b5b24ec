// Command surety runs the verification of an incentive-for-verified-restraint
// agreement: its CLI, server, witness, auditor, planner and simulator.
package main

import (
	"os"

	"github.com/surety/surety/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:]))
}
