// Package inspection chooses the consignments to inspect and states how sure
// the inspections make anyone. It is pure: values in, values out. It knows
// nothing of the log, the store, HTTP or the agreement's YAML.
//
// # Selection
//
// The inspectorate selects a declared consignment with a verifiable random
// function: ECVRF-RISTRETTO255-SHA512 (RFC 9381, c2sp.org/vrf-r255), keyed by
// the inspectorate. The input is [SelectionInput] of the agreement id and the
// declaration's leaf hash; the output maps to u in [0, 1) with [Uniform]; the
// consignment is selected when [Decide](u, p) holds for its selection
// probability p. The undertaker cannot predict u without the private key, the
// inspectorate cannot choose it, since [Verify] accepts exactly one proof per
// input, and anyone holding the public key can check both facts.
//
// # Assurance
//
// The Detect functions model a period in which an evader hides m prohibited
// consignments among the declared ones, one in each, and declared
// consignment i is inspected independently with probability p[i]. Each
// returns the probability that at least one prohibited consignment is
// inspected. [DetectAdaptive] is the figure a period's report states: the
// evader knows every p[i] and hides in the least-watched traffic.
// [DetectRandom] is the mean over an evader who picks at random, and
// [DetectFloor] and [FloorRate] relate a uniform floor rate to the adaptive
// figure.
//
// If m exceeds the number of declared consignments, the evader cannot hide m
// consignments in declared traffic: the guarantee covers the declared ones,
// which then all carry prohibited items, and the rest travel undeclared,
// outside the guarantee. An empty period, or m = 0, gives 0.
//
// # Attribute sampling
//
// [SampleSize] is the exact hypergeometric sample size for finding at least
// one of M defects among N items with non-detection probability at most
// beta; [SampleSizeIAEA] is the IAEA approximation to it.
//
// The derivations, worked examples and the limits of the guarantee are in
// docs/assurance.md.
package inspection
