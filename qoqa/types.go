package qoqa

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ID is a QoQa record ID. QoQa sends IDs as numbers, and some lists as
// strings: both decode. Zero means none (JSON null decodes to zero).
type ID int64

// UnmarshalJSON accepts 12, "12" and null.
func (id *ID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*id = 0
		return nil
	}
	s := string(b)
	if len(b) > 1 && b[0] == '"' {
		s = string(b[1 : len(b)-1])
		if bytes.IndexByte(b, '\\') >= 0 {
			if err := json.Unmarshal(b, &s); err != nil {
				return err
			}
		}
		if s == "" {
			*id = 0
			return nil
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return fmt.Errorf("qoqa: %s is not an ID", b)
	}
	*id = ID(n)
	return nil
}

func (id ID) String() string { return strconv.FormatInt(int64(id), 10) }

// TimeLayout is QoQa's datetime: ISO 8601 with a numeric offset and no colon.
const TimeLayout = "2006-01-02T15:04:05-0700"

// DateLayout is QoQa's date.
const DateLayout = "2006-01-02"

// Time is a QoQa datetime, kept in UTC. The zero Time is "no value": it is
// left out of requests (with omitzero) and null decodes to it.
type Time struct{ time.Time }

// NewTime returns t as a Time in UTC, to the second.
func NewTime(t time.Time) Time { return Time{t.UTC().Truncate(time.Second)} }

// MarshalJSON writes the time in QoQa's layout, in UTC.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(t.UTC().Format(TimeLayout))
}

// UnmarshalJSON reads QoQa's layout, and RFC 3339 as a courtesy.
func (t *Time) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*t = Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("qoqa: datetime %s: %w", b, err)
	}
	if s == "" {
		*t = Time{}
		return nil
	}
	v, err := ParseTime(s)
	if err != nil {
		return err
	}
	*t = Time{v}
	return nil
}

// ParseTime reads a QoQa datetime (TimeLayout, or RFC 3339 as a courtesy)
// into UTC: what decoding a Time does, for a caller that holds the value
// as a string (a record read as a map).
//
// A time whose offset moves it out of the years 0000-9999 in UTC (such as
// 9999-12-31T23:00:00-0200) is refused: QoQa's layout, in which a record
// read goes back on an update, has four digits for the year.
func ParseTime(s string) (time.Time, error) {
	for _, layout := range []string{TimeLayout, time.RFC3339} {
		if v, err := time.Parse(layout, s); err == nil {
			if y := v.UTC().Year(); y < 0 || y > 9999 {
				return time.Time{}, fmt.Errorf("qoqa: %q is out of the years 0000-9999 in UTC", s)
			}
			return v.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("qoqa: %q is not a datetime like %s", s, TimeLayout)
}

// Date is a QoQa date (2013-10-11).
type Date struct{ time.Time }

// MarshalJSON writes YYYY-MM-DD.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.Format(DateLayout))
}

// UnmarshalJSON reads YYYY-MM-DD.
func (d *Date) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("qoqa: date %s: %w", b, err)
	}
	v, err := time.Parse(DateLayout, s)
	if err != nil {
		return fmt.Errorf("qoqa: %q is not a date like %s", s, DateLayout)
	}
	*d = Date{v}
	return nil
}

// Cents is an amount in integer cents: 2950 is 29.50.
type Cents int64

// Languages: QoQa's language_id.
const (
	LangFR = 1
	LangDE = 2
	LangIT = 3
	LangEN = 4
)

// LanguageCodes maps QoQa's language_id to the two-letter prefix of an
// OpenERP language (fr_FR -> 1), as the contract says: the table a mapper
// translates languages with.
var LanguageCodes = map[int]string{LangFR: "fr", LangDE: "de", LangIT: "it", LangEN: "en"}

// Translation is one language's texts of a record. Each resource uses the
// fields the contract lists for it (name, brand... for a product; title and
// content for a deal or an offer).
type Translation struct {
	LanguageID  int            `json:"language_id"`
	Name        string         `json:"name,omitempty"`
	Brand       string         `json:"brand,omitempty"`
	Highlights  string         `json:"highlights,omitempty"`
	Description string         `json:"description,omitempty"`
	Title       string         `json:"title,omitempty"`
	Content     string         `json:"content,omitempty"`
	Attributes  map[string]any `json:"attributes,omitempty"`
	// Extra is what QoQa sent that the fields above lack: sent back as it came.
	Extra Extra `json:"-"`
}

// MarshalJSON sends Extra back with the fields.
func (t Translation) MarshalJSON() ([]byte, error) {
	type plain Translation
	return marshalWithExtra(plain(t), t.Extra)
}

// UnmarshalJSON keeps the keys the fields lack in Extra.
func (t *Translation) UnmarshalJSON(b []byte) error {
	type plain Translation
	return unmarshalWithExtra(b, (*plain)(t), &t.Extra)
}

// Attributes are attribute code -> value (string, number, bool, or a list
// for a multi-select).
type Attributes map[string]any
