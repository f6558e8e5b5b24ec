package lists

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// Encode returns the canonical JSON form of e: compact, fields in a fixed
// order, entries sorted by Ref, programs and countries sorted, empty lists
// left out. The same edition always gives the same bytes, so the SHA-256 of
// the result names the edition in the log. Encode fails when e is not a valid
// edition (see Decode); it does not change e.
func Encode(e Edition) ([]byte, error) {
	c := canonical(e)
	if err := c.validate(); err != nil {
		return nil, fmt.Errorf("encode edition: %w", err)
	}
	return json.Marshal(c)
}

// Decode reads an edition written by Encode. It rejects unknown fields,
// trailing data, invalid values (an unknown source or kind, a date that is not
// YYYY-MM-DD, an empty or repeated Ref, an empty name) and any input that is
// not byte for byte the canonical form of what it holds, so that one edition
// has one hash.
func Decode(b []byte) (Edition, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	var e Edition
	if err := d.Decode(&e); err != nil {
		return Edition{}, fmt.Errorf("decode edition: %w", err)
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return Edition{}, fmt.Errorf("decode edition: data after the edition at byte %d", d.InputOffset())
	}
	if err := e.validate(); err != nil {
		return Edition{}, fmt.Errorf("decode edition: %w", err)
	}
	c, err := json.Marshal(canonical(e))
	if err != nil {
		return Edition{}, fmt.Errorf("decode edition: %w", err)
	}
	if !bytes.Equal(c, b) {
		i := 0
		for i < len(c) && i < len(b) && c[i] == b[i] {
			i++
		}
		return Edition{}, fmt.Errorf("decode edition: not in canonical form from byte %d", i)
	}
	return e, nil
}

// canonical returns a copy of e in canonical order, sharing no slices with e.
func canonical(e Edition) Edition {
	c := Edition{Source: e.Source, Date: e.Date, Entries: make([]Entry, len(e.Entries))}
	for i, x := range e.Entries {
		x.Aliases = nilIfEmpty(slices.Clone(x.Aliases))
		x.Programs = nilIfEmpty(sortedSet(x.Programs))
		x.Countries = nilIfEmpty(sortedSet(x.Countries))
		x.Addresses = nilIfEmpty(slices.Clone(x.Addresses))
		x.Parts = nilIfEmpty(slices.Clone(x.Parts))
		x.Born = nilIfEmpty(sortedSet(x.Born))
		x.IDs = nilIfEmpty(slices.Clone(x.IDs))
		c.Entries[i] = x
	}
	slices.SortStableFunc(c.Entries, func(a, b Entry) int { return strings.Compare(a.Ref, b.Ref) })
	return c
}

func sortedSet(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// validate checks what Decode promises. Entries must be sorted by Ref.
func (e Edition) validate() error {
	if e.Source != SourceUN && e.Source != SourceOFAC {
		return fmt.Errorf("source %q is not %q or %q", e.Source, SourceUN, SourceOFAC)
	}
	if !isDate(e.Date) {
		return fmt.Errorf("date %q is not YYYY-MM-DD", e.Date)
	}
	if e.Entries == nil {
		return errors.New("no entries field")
	}
	for i, x := range e.Entries {
		if x.Ref == "" {
			return fmt.Errorf("entries[%d]: empty ref", i)
		}
		if i > 0 && e.Entries[i-1].Ref == x.Ref {
			return fmt.Errorf("entries[%d]: ref %q repeated", i, x.Ref)
		}
		if i > 0 && e.Entries[i-1].Ref > x.Ref {
			return fmt.Errorf("entries[%d]: ref %q is out of order after %q", i, x.Ref, e.Entries[i-1].Ref)
		}
		if err := x.validate(); err != nil {
			return fmt.Errorf("entries[%d] (%s): %w", i, x.Ref, err)
		}
	}
	return nil
}

func (x Entry) validate() error {
	if !x.Kind.valid() {
		return fmt.Errorf("kind %q is not individual, entity, vessel or aircraft", x.Kind)
	}
	if x.Name == "" {
		return errors.New("empty name")
	}
	if x.Listed != "" && !isDate(x.Listed) {
		return fmt.Errorf("listed %q is not YYYY-MM-DD", x.Listed)
	}
	for i, a := range x.Aliases {
		if a.Name == "" {
			return fmt.Errorf("aliases[%d]: empty name", i)
		}
		if a.Type != AKA && a.Type != FKA && a.Type != NKA {
			return fmt.Errorf("aliases[%d]: type %q is not aka, fka or nka", i, a.Type)
		}
		if a.Quality != Strong && a.Quality != Weak {
			return fmt.Errorf("aliases[%d]: quality %q is not strong or weak", i, a.Quality)
		}
	}
	for i, b := range x.Born {
		if !isBorn(b) {
			return fmt.Errorf("born[%d]: %q is not YYYY-MM-DD, YYYY-MM, YYYY or YYYY/YYYY", i, b)
		}
	}
	for i, id := range x.IDs {
		if id.Type == "" || id.Number == "" {
			return fmt.Errorf("ids[%d]: empty type or number", i)
		}
	}
	for i, p := range x.Parts {
		if p == "" {
			return fmt.Errorf("parts[%d]: empty name", i)
		}
	}
	// encoding/json replaces invalid UTF-8, which would change the bytes.
	for _, s := range x.strings() {
		if !utf8.ValidString(s) {
			return fmt.Errorf("invalid UTF-8 in %q", s)
		}
	}
	return nil
}

// strings returns every text field of x.
func (x Entry) strings() []string {
	s := []string{x.Ref, x.Name, x.Original, x.Listed}
	s = append(s, x.Parts...)
	s = append(s, x.Born...)
	for _, id := range x.IDs {
		s = append(s, id.Type, id.Number, id.Country)
	}
	s = append(s, x.Programs...)
	s = append(s, x.Countries...)
	for _, a := range x.Aliases {
		s = append(s, a.Name)
	}
	for _, a := range x.Addresses {
		s = append(s, a.Street, a.City, a.Region, a.Postal, a.Country, a.Note)
	}
	return s
}
