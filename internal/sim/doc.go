// Package sim simulates an agreement's verification before it is signed:
// Monte Carlo histories of its declared traffic, the real screening, the
// sampling policy, VRF or seeded selection, inspections limited by the
// inspectors' hours, and an evader who tries to ship prohibited goods
// through them. It answers what the inspections would catch, how soon,
// and how much of the incentive is paid first.
//
// # Model
//
// Each site's consignments depart as a Poisson process at the agreement's
// per-day rate for each mode, over the traffic's days per period. Each is
// drawn from the site's trading relationships (lanes): an exporter shipping
// the same goods to the same buyer again and again, drawn once from finite
// pools of DPRK exporters (three of them on the fixture UN list), buyers
// and goods. Every lane is screened once with screening.Screen against the
// agreement and the fixture list, and its p is inspection.Probability of
// the risk; that is the only caching.
//
// A consignment is selected when u < p, with u from a PCG seeded by (seed,
// run), or from the VRF (inspection.Prove) over a leaf hash made for the
// consignment. The roster is posted to the sites in proportion to their
// expected inspector-hours; each day a site's inspectors work their shift,
// taking the day's selections by p, highest first, then by departure, and
// the selections left when their hours run out go uninspected.
//
// The naive evader hides its M prohibited items in M of the period's
// consignments chosen at random. The adaptive evader declares them as its
// site's commonest floor-risk trade, which screening passes at the floor,
// on the busiest days, departing last: the selection the inspectors reach
// last. A prohibited consignment is caught when it is inspected; the first
// catch suspends every tranche due after it.
//
// Runs are independent and run on all cores; the result depends on the
// seed alone. The package takes values and returns values: it knows
// nothing of the log, the store or HTTP. docs/simulate.md describes the
// model and its assumptions in full.
package sim
