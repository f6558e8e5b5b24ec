// Package examples embeds the example agreements, so that the demo needs no
// files beside the binary.
package examples

import "embed"

// Files holds examples/*.yaml: the agreements and their traffic models.
//
//go:embed *.yaml
var Files embed.FS
