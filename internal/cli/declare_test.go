package cli

import (
	"strings"
	"testing"
	"time"
)

func TestDeclarationCSV(t *testing.T) {
	header := strings.Join(csvColumns, ",")
	good := header + "\n" +
		"kpnam,1993-08-04T06:00:00Z,sea,,Mangyongbong,8322090,,Korea General Trading Corporation,Pyongyang,KP,Dandong Jinhai Trading Co,Dandong,CN,Dandong Jinhai Trading Co,Dandong,CN,CN,,anthracite coal,270111,3000,t,3000000,120000,USD,\n" +
		",,,,,,,,,,,,,,,,,,zinc ingots,790111,200,t,200000,260000,USD,not controlled\n"
	d, err := parseDeclarationCSV("d.csv", strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if d.Site != "kpnam" || !d.Departure.Equal(time.Date(1993, 8, 4, 6, 0, 0, 0, time.UTC)) || d.Carrier.IMO != "8322090" ||
		d.Consignee.Country != "CN" || len(d.Items) != 2 || d.Items[1].HSCode != "790111" || d.Items[1].Control != "not controlled" || d.Items[0].WeightKg != 3000000 {
		t.Errorf("parsed %+v", d)
	}
	for _, c := range []struct{ in, want string }{
		{"site,departure\nkpnam,x\n", `d.csv:1: the header lacks column "mode"`},
		{strings.Replace(good, ",3000,t,", ",three thousand,t,", 1), `d.csv:2: column quantity: "three thousand" is not a number`},
		{strings.Replace(good, "1993-08-04T06:00:00Z", "4 August 1993", 1), `d.csv:2: column departure: "4 August 1993" is not an RFC 3339 time`},
		{header + "\n", "d.csv: no item rows"},
	} {
		if _, err := parseDeclarationCSV("d.csv", strings.NewReader(c.in)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want %q", err, c.want)
		}
	}
}
