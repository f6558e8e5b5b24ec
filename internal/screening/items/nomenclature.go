package items

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Nomenclature is the HS 2022 nomenclature as a file gives it: the
// description of every chapter, heading and subheading. Surety carries no
// copy of it: no package the Go module proxy or npm serves holds it under a
// licence that lets it be embedded, and the copy in the reference data may
// not be copied into the repository. Where an operator gives the file, Check
// names a declared code by its official description and says when a code is
// no HS 2022 subheading; without it, Surety's own table of the chapters and
// the headings it needs (hsTable) names it.
type Nomenclature struct {
	desc map[string]string // by code in digits: 2, 4 or 6 of them
}

// LoadNomenclature reads the HS nomenclature from a CSV file with the
// header section,hscode,description,parent,level, as UN Comtrade publishes
// HS 2022.
func LoadNomenclature(path string) (*Nomenclature, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	n, err := ParseNomenclature(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return n, nil
}

// ParseNomenclature reads the nomenclature from CSV, as LoadNomenclature
// does. Errors name the line.
func ParseNomenclature(r io.Reader) (*Nomenclature, error) {
	cr := csv.NewReader(r)
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	want := []string{"section", "hscode", "description", "parent", "level"}
	if strings.Join(head, ",") != strings.Join(want, ",") {
		return nil, fmt.Errorf("line 1: header is %q, want %s", head, strings.Join(want, ","))
	}
	n := &Nomenclature{desc: map[string]string{}}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		code := rec[1]
		if !hsCode(code) {
			if code == "TOTAL" {
				continue
			}
			return nil, fmt.Errorf("line %d: hscode %q is not 2, 4 or 6 digits", line, code)
		}
		n.desc[code] = rec[2]
	}
	if len(n.desc) == 0 {
		return nil, errors.New("no codes")
	}
	return n, nil
}

func hsCode(c string) bool {
	if len(c) != 2 && len(c) != 4 && len(c) != 6 {
		return false
	}
	for i := 0; i < len(c); i++ {
		if c[i] < '0' || c[i] > '9' {
			return false
		}
	}
	return true
}

// Len returns the number of codes.
func (n *Nomenclature) Len() int { return len(n.desc) }

// Describe returns the description of a code of 2, 4 or 6 digits.
func (n *Nomenclature) Describe(code string) (string, bool) {
	d, ok := n.desc[code]
	return d, ok
}

// Check is Check, naming the declared code by the nomenclature.
func (n *Nomenclature) Check(desc, hs string) (Mismatch, bool) {
	return check(desc, hs, n)
}

// under says what a declared code covers by the nomenclature, as in
// "8802.60, Spacecraft (including satellites) and suborbital and spacecraft
// launch vehicles", or that it is no HS 2022 subheading; false when the
// code's chapter is not in it either.
func (n *Nomenclature) under(code string) (string, bool) {
	shown := hsShow(code[:min(len(code), 6)])
	if len(code) > 6 {
		shown = hsShow(code)
	}
	if d, ok := n.desc[code[:6]]; ok {
		return shown + ", " + d, true
	}
	for _, k := range []int{4, 2} {
		if d, ok := n.desc[code[:k]]; ok {
			return shown + ", which is no HS 2022 subheading; " + hsShow(code[:k]) + " is " + d, true
		}
	}
	return "", false
}
