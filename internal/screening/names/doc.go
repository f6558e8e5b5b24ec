// Package names indexes the names and aliases of sanctions-list editions and
// matches names against them.
//
// [NewIndex] indexes every name, alias and part of a joined name of one or
// more editions; [Index.Search] returns the entries whose names match a
// query, each [Hit] with its score and an [Explanation] in plain words, and
// [Index.Identified] the entries that list an identifier, such as a vessel's
// IMO number. [Score] scores two names directly. Names in other scripts are
// transliterated, a Korean name in Russian spelling read as romanised
// Korean too, and the words of trade of a Chinese, Korean, Persian or
// Arabic organisation's name read in English; look-alike letters of
// another script in a Latin name read as the Latin letters they look like
// (see package glyphs); names are normalised
// (case, diacritics, punctuation, legal forms across jurisdictions, word
// order, "LAST, First") and compared word by word after a romanisation table
// folds common Korean, Persian and Arabic spellings together, nicknames
// align with the names they stand for, and numbers, qualifiers, the order of
// a chain of parents and generic words tell names apart. Acronyms such as
// KOMID are matched against the initials and leading syllables of entity
// names.
//
// The package takes values and returns values; it knows nothing of
// declarations, items or risk.
package names
