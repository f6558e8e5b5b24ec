package lists

import (
	"bytes"
	_ "embed"
	"fmt"
)

//go:embed testdata/un-fixture.xml
var fixtureXML []byte

// FixtureXML returns Surety's fixture edition of the UN list, in the list's
// XML form: a few DPRK and Iran entries written by hand from public facts
// (KOMID is KPe.001, listed 2009-04-24). The demo agreements adopt it. The
// slice is a copy.
func FixtureXML() []byte { return bytes.Clone(fixtureXML) }

// Fixture returns the fixture edition parsed.
func Fixture() (Edition, error) {
	e, err := ParseUN(bytes.NewReader(fixtureXML), Options{})
	if err != nil {
		return Edition{}, fmt.Errorf("fixture: %w", err)
	}
	return e, nil
}
