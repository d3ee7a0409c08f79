package openerp

import (
	"fmt"
	"math"
	"time"
)

// Values are the fields of one record as OpenERP reads and writes them. The
// getters read what OpenERP sends without panicking: False for every empty
// value, many2one as [id, "name"], x2many as ID lists, datetimes as UTC
// strings. A value read is never nil, since OpenERP sends no <nil/>: an
// empty char is False or "", told apart. Written, nil goes out as False.
type Values map[string]any

// Time layouts OpenERP uses on the wire.
const (
	DateTimeLayout = "2006-01-02 15:04:05"
	DateLayout     = "2006-01-02"
)

// empty reports OpenERP's "no value": False, or a missing key.
func empty(v any) bool {
	b, isBool := v.(bool)
	return v == nil || (isBool && !b)
}

// ID returns the record's id.
func (v Values) ID() int64 {
	n, _ := v.Int("id")
	return n
}

// String returns a char or text field; ok is false when it is empty.
func (v Values) String(field string) (s string, ok bool) {
	s, ok = v[field].(string)
	return s, ok
}

// Int returns an integer field; ok is false when it is empty.
func (v Values) Int(field string) (int64, bool) {
	if empty(v[field]) {
		return 0, false
	}
	n, err := toInt(v[field])
	return n, err == nil
}

// Float returns a float field; ok is false when it is empty. OpenERP sends
// 0.0 for a float without value, so ok is true then.
func (v Values) Float(field string) (float64, bool) {
	if empty(v[field]) {
		return 0, false
	}
	f, err := toFloat(v[field])
	return f, err == nil
}

// Bool returns a boolean field; False and absent are false.
func (v Values) Bool(field string) bool {
	b, _ := v[field].(bool)
	return b
}

// Many2One returns the ID and display name of a many2one field; ok is false
// when it is empty.
func (v Values) Many2One(field string) (id int64, name string, ok bool) {
	switch x := v[field].(type) {
	case []any:
		if len(x) == 0 {
			return 0, "", false
		}
		id, err := toInt(x[0])
		if err != nil {
			return 0, "", false
		}
		if len(x) > 1 {
			name, _ = x[1].(string)
		}
		return id, name, true
	case int64, int, float64:
		id, err := toInt(x)
		return id, "", err == nil
	}
	return 0, "", false
}

// IDs returns the IDs of a one2many or many2many field; nil when empty.
func (v Values) IDs(field string) []int64 {
	list, _ := v[field].([]any)
	out := make([]int64, 0, len(list))
	for _, e := range list {
		if id, err := toInt(e); err == nil {
			out = append(out, id)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// Time returns a datetime field in UTC; ok is false when it is empty or
// does not parse.
func (v Values) Time(field string) (time.Time, bool) {
	s, ok := v[field].(string)
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(DateTimeLayout, s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// Date returns a date field; ok is false when it is empty or does not parse.
func (v Values) Date(field string) (time.Time, bool) {
	s, ok := v[field].(string)
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(DateLayout, s)
	return t, err == nil
}

// Date is a calendar day: it is sent as "YYYY-MM-DD", where a time.Time is
// sent as a UTC datetime.
type Date struct{ time.Time }

// x2many commands, to write one2many and many2many fields.

// CmdCreate creates a linked record from vals: (0, 0, vals).
func CmdCreate(vals Values) []any { return []any{int64(0), int64(0), map[string]any(vals)} }

// CmdUpdate writes vals to the linked record id: (1, id, vals).
func CmdUpdate(id int64, vals Values) []any { return []any{int64(1), id, map[string]any(vals)} }

// CmdDelete deletes the linked record id: (2, id).
func CmdDelete(id int64) []any { return []any{int64(2), id, false} }

// CmdLink links the existing record id: (4, id).
func CmdLink(id int64) []any { return []any{int64(4), id, false} }

// CmdReplace replaces the links with ids: (6, 0, ids).
func CmdReplace(ids ...int64) []any {
	list := make([]any, len(ids))
	for i, id := range ids {
		list[i] = id
	}
	return []any{int64(6), int64(0), list}
}

// Context is OpenERP's call context (not Go's context.Context): the
// language of translatable fields, whether archived records are found.
type Context map[string]any

// WithLang returns a copy of c that reads and writes in lang (fr_FR).
func (c Context) WithLang(lang string) Context { return c.with("lang", lang) }

// WithActiveTest returns a copy of c that finds archived records too when
// active is false.
func (c Context) WithActiveTest(active bool) Context { return c.with("active_test", active) }

func (c Context) with(k string, v any) Context {
	out := make(Context, len(c)+1)
	for key, val := range c {
		out[key] = val
	}
	out[k] = v
	return out
}

func (c Context) String() string { return fmt.Sprintf("context%v", map[string]any(c)) }

// toInt reads an integer as XML-RPC decodes it (int64), or as a Go caller
// may have put it in Values by hand (int, a float64 without fraction).
func toInt(v any) (int64, error) {
	switch x := v.(type) {
	case int64:
		return x, nil
	case int:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case float64:
		if x != math.Trunc(x) || math.Abs(x) > 1<<53 {
			return 0, fmt.Errorf("%v is not an integer", x)
		}
		return int64(x), nil
	}
	return 0, fmt.Errorf("want an integer, got %T", v)
}

// toFloat reads a number as XML-RPC decodes it (float64, or int64 for a
// float without fraction that another client encoded as an <int>).
func toFloat(v any) (float64, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case int64:
		return float64(x), nil
	case int:
		return float64(x), nil
	case float32:
		return float64(x), nil
	}
	return 0, fmt.Errorf("want a number, got %T", v)
}
