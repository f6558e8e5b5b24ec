// Package agreement reads, validates and resolves Surety agreements: the YAML
// documents that describe the parties and their keys, the sites, the
// controlled items, the obligations, the incentives, the milestones, the
// verification policy, the consequences and the sunsets.
//
// Parse is strict: unknown fields are errors, and every problem is reported
// with its file:line:col, what is wrong and how to fix it. Resolve turns the
// milestones' triggers into dates, given which conditions the log has met.
//
// The package takes values and returns values; it knows nothing of the log,
// storage or HTTP.
package agreement
