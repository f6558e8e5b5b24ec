// Package screening screens a declared consignment: its parties against the
// sanctions lists in force, its carrier's vessel by IMO number, its items
// against the agreement's controlled-item categories and their HS codes, and
// its route and history, and scores its risk.
//
// The parts it orchestrates live beneath it, each doing one thing:
// screening/lists imports list editions, screening/names indexes and
// matches names, screening/items classifies items and checks HS codes, and
// screening/glyphs reads names and descriptions as they look, through
// look-alike letters and invisible characters.
//
// # Sanctions relief
//
// An agreement may lift listed entries at a milestone and restore them on
// snapback. The index is built once per set of adopted editions and never
// changes; relief is a per-query set of lifted references ([names.Query].Lifted),
// because it depends on the log position of the statement being screened and
// not on the list. A lifted entry never hits; restoring it is passing a set
// without it.
//
// # Declarations and risk
//
// [Screen] screens a [Declaration] against a [Context]: the agreement and
// its controlled-item rules compiled once ([items.Compile]), the index of the
// list editions in force at the declaration's log time, the references
// lifted by relief then, and the obligations then in force. Its [Result]
// holds the parties' and the vessel's hits, each with what the party's date
// of birth, identifier or country says of it ([Identity]), each item's
// controlled-item matches citing their MTCR or UN Register item
// ([items.Rules.Classify]) and HS mismatch ([items.Check]), the reasons in
// plain words and the risk:
//
//	risk = min(1, Σ w_k·x_k), rounded to six decimals
//
//	x_list        the best score of a party's or the vessel's hit at or above
//	              the threshold (verification.match_threshold, else
//	              names.DefaultThreshold); 1 for a hit confirmed by a date of
//	              birth, identifier, country or IMO number; 0.5 for a
//	              party's name that extends a listed organisation's
//	              ([names.Explanation].Extends); 0 for a cleared
//	              hit, and without one
//	x_mixed       1 when a party's or the vessel's name, or an item's
//	              description, disguises a Latin word with look-alikes of
//	              another script or invisible characters, or a name writes
//	              digits or a small l for letters; weighed by list_hit
//	x_item        1 when an item falls in a controlled-item category
//	x_mismatch    1 when an item's description names goods its HS code does not cover
//	x_destination 1 when the destination or the end user's country is a destination
//	              of a no_transfer or licensed_transfer obligation in force
//	x_route       1 when the consignment transits a listed transshipment country
//	x_end_user    1 when the end user is in another country than the consignee
//	x_late        1 when declared after departure or inside the lead time
//	x_amended     min(1, amendments/2)
//
// The weights w_k are the agreement's verification.sampling.weights. Each
// reason carries its weight, value and contribution w_k·x_k, rounded to six
// decimals; the risk is their sum, capped at 1. Screen is deterministic:
// the same declaration and context give the same JSON bytes.
//
// The package takes values and returns values. It imports no storage, HTTP or
// log code, and reads no file.
package screening
