package ledger

import (
	"strings"
	"testing"
)

func TestTilePaths(t *testing.T) {
	for _, c := range []struct {
		p    TilePath
		want string
	}{
		{TilePath{Level: 0, Index: 0}, "tile/0/000"},
		{TilePath{Level: 1, Index: 1234067}, "tile/1/x001/x234/067"},
		{TilePath{Level: 0, Index: 1000, Width: 7}, "tile/0/x001/000.p/7"},
		{TilePath{Entries: true, Index: 5, Width: 255}, "tile/entries/005.p/255"},
		{TilePath{Level: 63, Index: 1<<64 - 1}, "tile/63/x018/x446/x744/x073/x709/x551/615"},
	} {
		if got := c.p.String(); got != c.want {
			t.Errorf("%+v encodes as %s, want %s", c.p, got, c.want)
		}
		back, err := ParseTilePath(c.want)
		if err != nil || back != c.p {
			t.Errorf("ParseTilePath(%s) = %+v, %v", c.want, back, err)
		}
	}
	for _, bad := range []string{
		"tile/0/1", "tile/0/0001", "tile/0/x000/001", "tile/0/001/002", "tile/0/x1/002",
		"tile/64/000", "tile/00/000", "tile/0/000.p/0", "tile/0/000.p/256", "tile/0/000.p/07",
		"tile/entries", "tiles/0/000", "tile/0/x018/x446/x744/x073/x709/x551/616", "tile/-1/000",
	} {
		if p, err := ParseTilePath(bad); err == nil {
			t.Errorf("ParseTilePath(%q) accepted: %+v", bad, p)
		}
	}
}

func FuzzParseTilePath(f *testing.F) {
	for _, s := range []string{"tile/0/000", "tile/1/x001/x234/067", "tile/entries/x001/000.p/9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseTilePath(s)
		if err != nil {
			return
		}
		if p.String() != s {
			t.Fatalf("%q parses to %+v, which encodes as %q", s, p, p.String())
		}
		if !strings.HasPrefix(s, "tile/") {
			t.Fatalf("accepted %q", s)
		}
	})
}
