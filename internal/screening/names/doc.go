// Package names indexes the names and aliases of sanctions-list editions and
// matches names against them.
//
// [NewIndex] indexes every name and alias of one or more editions;
// [Index.Search] returns the entries whose names match a query, each [Hit]
// with its score and an [Explanation] in plain words. [Score] scores two
// names directly. Names are normalised (case, diacritics, punctuation,
// legal-form words, word order, "LAST, First") and compared token by token
// after a romanisation table folds common Korean and Persian spellings
// together; acronyms such as KOMID are matched against the initials and
// leading syllables of entity names.
//
// The package takes values and returns values; it knows nothing of
// declarations, items or risk.
package names
