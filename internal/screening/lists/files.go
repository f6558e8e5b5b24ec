package lists

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// LoadUN reads a UN consolidated list XML file, reporting progress in bytes
// when progress is not nil.
func LoadUN(path string, progress func(done, total int64)) (Edition, error) {
	f, err := os.Open(path)
	if err != nil {
		return Edition{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Edition{}, err
	}
	e, err := ParseUN(f, Options{Size: st.Size(), Progress: progress})
	if err != nil {
		return Edition{}, fmt.Errorf("%s: %w", path, err)
	}
	return e, nil
}

// LoadOFAC reads sdn.csv, alt.csv and add.csv from dir as the OFAC edition of
// the given date, reporting progress in bytes over the three files when
// progress is not nil.
func LoadOFAC(dir, date string, progress func(done, total int64)) (Edition, error) {
	var rs [3]io.Reader
	var size int64
	for i, name := range []string{"sdn.csv", "alt.csv", "add.csv"} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			return Edition{}, err
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return Edition{}, err
		}
		rs[i] = f
		size += st.Size()
	}
	e, err := ParseOFAC(rs[0], rs[1], rs[2], Options{Date: date, Size: size, Progress: progress})
	if err != nil {
		return Edition{}, fmt.Errorf("%s: %w", dir, err)
	}
	return e, nil
}

// Reference reads the two editions that Surety's benchmarks and name
// evaluation use from a reference data directory laid out as
// ../shared/data is: the UN list of 2026-02-27 (un/consolidated-2026-02-27.xml)
// and the OFAC SDN list (ofac/sdn.csv, alt.csv, add.csv). The legacy CSV
// carries no date; the day sdn.csv was modified stands in for it.
func Reference(dir string) (un, ofac Edition, err error) {
	un, err = LoadUN(filepath.Join(dir, "un", "consolidated-2026-02-27.xml"), nil)
	if err != nil {
		return Edition{}, Edition{}, err
	}
	st, err := os.Stat(filepath.Join(dir, "ofac", "sdn.csv"))
	if err != nil {
		return Edition{}, Edition{}, err
	}
	ofac, err = LoadOFAC(filepath.Join(dir, "ofac"), st.ModTime().UTC().Format(time.DateOnly), nil)
	if err != nil {
		return Edition{}, Edition{}, err
	}
	return un, ofac, nil
}
