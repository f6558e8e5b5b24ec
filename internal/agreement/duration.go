package agreement

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Duration is a calendar duration: a whole number and a unit, written
// "30min", "24h", "90d", "2w", "1mo" or "8y". Months and years follow the
// calendar (2015-10-18 + 8y = 2023-10-18), clamped to the end of a shorter
// month (1993-07-31 + 9mo = 1994-04-30); the other units are fixed.
//
// Decoding never fails: a malformed duration keeps its text and Validate
// reports it with its position, so that every error in a file is listed.
type Duration struct {
	N    int
	Unit string
	raw  string
	bad  bool
}

var durationUnits = []string{"min", "mo", "h", "d", "w", "y"}

// ParseDuration parses a duration such as "90d".
func ParseDuration(s string) (Duration, error) {
	s = strings.TrimSpace(s)
	for _, u := range durationUnits {
		num, ok := strings.CutSuffix(s, u)
		if !ok {
			continue
		}
		n, err := strconv.Atoi(num)
		if err != nil || num == "" || num[0] == '+' || num[0] == '-' {
			break
		}
		return Duration{N: n, Unit: u, raw: s}, nil
	}
	return Duration{}, fmt.Errorf("%q is not a duration; write a whole number and a unit: min, h, d, w, mo or y (e.g. \"90d\", \"8y\")", s)
}

// MustDuration parses a duration known to be valid.
func MustDuration(s string) Duration {
	d, err := ParseDuration(s)
	if err != nil {
		panic(err)
	}
	return d
}

// AddTo returns t moved forward by the duration.
func (d Duration) AddTo(t time.Time) time.Time {
	switch d.Unit {
	case "y":
		return addMonths(t, 12*d.N)
	case "mo":
		return addMonths(t, d.N)
	case "w":
		return t.AddDate(0, 0, 7*d.N)
	case "d":
		return t.AddDate(0, 0, d.N)
	case "h":
		return t.Add(time.Duration(d.N) * time.Hour)
	case "min":
		return t.Add(time.Duration(d.N) * time.Minute)
	}
	return t
}

// SubFrom returns t moved back by the duration.
func (d Duration) SubFrom(t time.Time) time.Time {
	return Duration{N: -d.N, Unit: d.Unit}.AddTo(t)
}

// addMonths moves t by n calendar months, keeping the day of the month but
// clamping it to the target month's last day: 1993-07-31 + 9mo = 1994-04-30.
func addMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(d, last)-1)
}

// Approx returns the duration as a fixed length, taking a month as 30 days
// and a year as 365 days. Use it for planning, never for deadlines.
func (d Duration) Approx() time.Duration {
	day := 24 * time.Hour
	n := time.Duration(d.N)
	switch d.Unit {
	case "y":
		return n * 365 * day
	case "mo":
		return n * 30 * day
	case "w":
		return n * 7 * day
	case "d":
		return n * day
	case "h":
		return n * time.Hour
	}
	return n * time.Minute
}

// Days returns the duration in days, approximately for months and years.
func (d Duration) Days() float64 { return d.Approx().Hours() / 24 }

// IsZero reports whether the duration is empty.
func (d Duration) IsZero() bool { return d.N == 0 && d.Unit == "" && d.raw == "" }

func (d Duration) String() string {
	if d.bad || d.Unit == "" {
		return d.raw
	}
	return strconv.Itoa(d.N) + d.Unit
}

func (d *Duration) parse(s string) {
	p, err := ParseDuration(s)
	if err != nil {
		*d = Duration{raw: s, bad: true}
		return
	}
	*d = p
}

// UnmarshalYAML keeps the text; Validate checks it.
func (d *Duration) UnmarshalYAML(b []byte) error {
	d.parse(unquote(string(b)))
	return nil
}

// UnmarshalJSON keeps the text; Validate checks it.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		*d = Duration{raw: string(b), bad: true}
		return nil
	}
	d.parse(s)
	return nil
}

// MarshalJSON writes the duration as its text.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// check returns the parse error of a decoded duration, if any.
func (d Duration) check() error {
	if d.bad {
		_, err := ParseDuration(d.raw)
		return err
	}
	if d.N <= 0 {
		return fmt.Errorf("duration %q must be positive", d.String())
	}
	return nil
}

// Date is a calendar day, written YYYY-MM-DD, at midnight UTC.
type Date struct {
	time.Time
	raw string
	bad bool
}

// ParseDate parses a date such as "2015-07-14".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date; write YYYY-MM-DD (e.g. 2015-07-14)", s)
	}
	return Date{Time: t, raw: s}, nil
}

func (d Date) String() string {
	if d.bad {
		return d.raw
	}
	return d.Format(time.DateOnly)
}

// UnmarshalYAML keeps the text; Validate checks it.
func (d *Date) UnmarshalYAML(b []byte) error {
	s := unquote(string(b))
	p, err := ParseDate(s)
	if err != nil {
		*d = Date{raw: s, bad: true}
		return nil
	}
	*d = p
	return nil
}

// UnmarshalJSON keeps the text; Validate checks it.
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		s = string(b)
	}
	p, err := ParseDate(s)
	if err != nil {
		*d = Date{raw: s, bad: true}
		return nil
	}
	*d = p
	return nil
}

// MarshalJSON writes the date as YYYY-MM-DD.
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

func (d Date) check() error {
	if d.bad {
		_, err := ParseDate(d.raw)
		return err
	}
	return nil
}

func unquote(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		return s[1 : len(s)-1]
	}
	return s
}
