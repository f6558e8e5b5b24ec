package ledger

import (
	"fmt"
	"strconv"
	"strings"
)

// TileHeight is the C2SP tlog-tiles tile height: 2^8 = 256 hashes a tile.
const TileHeight = 8

// TileWidth is the number of hashes, or entries, in a full tile.
const TileWidth = 1 << TileHeight

// TilePath is a parsed tlog-tiles path: a hash tile tile/<L>/<N>[.p/<W>], or
// an entry bundle tile/entries/<N>[.p/<W>] when Entries is set. Width is 0
// for a full tile.
type TilePath struct {
	Entries bool
	Level   uint8
	Index   uint64
	Width   int
}

// String encodes the path as tlog-tiles does.
func (p TilePath) String() string {
	var b strings.Builder
	b.WriteString("tile/")
	if p.Entries {
		b.WriteString("entries")
	} else {
		b.WriteString(strconv.Itoa(int(p.Level)))
	}
	b.WriteByte('/')
	b.WriteString(encodeIndex(p.Index))
	if p.Width > 0 {
		b.WriteString(".p/")
		b.WriteString(strconv.Itoa(p.Width))
	}
	return b.String()
}

// encodeIndex writes N as zero-padded 3-digit path elements, all but the
// last prefixed with x: 1234067 is x001/x234/067.
func encodeIndex(n uint64) string {
	var groups []string
	for {
		groups = append(groups, fmt.Sprintf("%03d", n%1000))
		n /= 1000
		if n == 0 {
			break
		}
	}
	var b strings.Builder
	for i := len(groups) - 1; i >= 0; i-- {
		if i > 0 {
			b.WriteByte('x')
		}
		b.WriteString(groups[i])
		if i > 0 {
			b.WriteByte('/')
		}
	}
	return b.String()
}

// ParseTilePath parses a tlog-tiles path such as "tile/0/x001/234.p/7". It
// accepts only the canonical encoding.
func ParseTilePath(path string) (TilePath, error) {
	bad := func(why string) (TilePath, error) {
		return TilePath{}, fmt.Errorf("tile path %q: %s", path, why)
	}
	rest, ok := strings.CutPrefix(path, "tile/")
	if !ok {
		return bad("does not start with tile/")
	}
	var p TilePath
	kind, rest, ok := strings.Cut(rest, "/")
	if !ok {
		return bad("no index")
	}
	if kind == "entries" {
		p.Entries = true
	} else {
		l, err := strconv.ParseUint(kind, 10, 8)
		if err != nil || l > 63 || strconv.FormatUint(l, 10) != kind {
			return bad("level must be 0 to 63")
		}
		p.Level = uint8(l)
	}
	if i := strings.Index(rest, ".p/"); i >= 0 {
		w := rest[i+3:]
		n, err := strconv.Atoi(w)
		if err != nil || n < 1 || n >= TileWidth || strconv.Itoa(n) != w {
			return bad("partial width must be 1 to 255")
		}
		p.Width = n
		rest = rest[:i]
	}
	parts := strings.Split(rest, "/")
	if len(parts) > 7 {
		return bad("index too long")
	}
	var n uint64
	for i, part := range parts {
		last := i == len(parts)-1
		digits := part
		if !last {
			var ok bool
			if digits, ok = strings.CutPrefix(part, "x"); !ok {
				return bad("index elements but the last start with x")
			}
		}
		if len(digits) != 3 || strings.Trim(digits, "0123456789") != "" {
			return bad("index elements are three digits")
		}
		d, _ := strconv.ParseUint(digits, 10, 64)
		if n > (1<<64-1-d)/1000 {
			return bad("index too large")
		}
		n = n*1000 + d
		if i == 0 && len(parts) > 1 && d == 0 {
			return bad("index has a leading zero element")
		}
	}
	p.Index = n
	if encodeIndex(n) != rest {
		return bad("index is not in canonical form")
	}
	return p, nil
}
