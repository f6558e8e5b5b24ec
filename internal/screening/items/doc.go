// Package items classifies the items of a declaration: [Compile] turns an
// agreement's controlled-item categories into [Rules] once, whose
// [Rules.Classify] says which categories an item falls in, and [Check] says
// whether an item's description names goods that its HS code does not cover.
//
// The package takes values and returns values; it knows nothing of lists,
// names or risk.
package items
