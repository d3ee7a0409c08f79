package connector

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Time layouts the converters read and write.
const (
	// UTCDateTime is a datetime in UTC without a zone, as OpenERP stores them.
	UTCDateTime = "2006-01-02 15:04:05"
	// DateOnly is a date.
	DateOnly = "2006-01-02"
)

// CentsToAmount turns integer cents (2950) into an amount in the currency
// unit (29.5).
func CentsToAmount(ctx context.Context, mc *MapContext, v any) (any, error) {
	n, err := Int(v)
	if err != nil {
		return nil, err
	}
	return float64(n) / 100, nil
}

// AmountToCents turns an amount in the currency unit (29.5) into integer cents
// (2950), rounding half away from zero as OpenERP's float_round does: the
// binary error of a float (1.005 is stored as 1.00499999...) is nudged away
// first, so that the decimal the user typed rounds as written.
func AmountToCents(ctx context.Context, mc *MapContext, v any) (any, error) {
	f, err := Float(v)
	if err != nil {
		return nil, err
	}
	c := f * 100
	if c != 0 {
		c += math.Copysign(math.Pow(2, math.Log2(math.Abs(c))-52), c)
	}
	c = math.Round(c)
	// 2^63 is the first float64 past int64; converting one at or beyond it
	// gives MinInt64, a negative amount from a positive one.
	if math.IsNaN(c) || c >= 1<<63 || c < -(1<<63) {
		return nil, fmt.Errorf("amount %v is out of range", f)
	}
	return int64(c), nil
}

// ParseTime reads a time string in one of the layouts and returns it in UTC.
// A layout without a zone reads as UTC. A time whose offset takes it out
// of the years 1-9999 in UTC (0000-01-01T00:30:00+0100) is refused: the
// layouts write four digits of year, and OpenERP's Python has no year 0.
func ParseTime(layouts ...string) Converter {
	return func(ctx context.Context, mc *MapContext, v any) (any, error) {
		if t, ok := v.(time.Time); ok {
			return t.UTC(), nil
		}
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("want a time string, got %T", v)
		}
		for _, l := range layouts {
			if t, err := time.Parse(l, s); err == nil {
				if y := t.UTC().Year(); y < 1 || y > 9999 {
					return nil, fmt.Errorf("%q is out of the years 0001-9999 in UTC", s)
				}
				return t.UTC(), nil
			}
		}
		return nil, fmt.Errorf("%q is not a time in the layout %s", s, strings.Join(layouts, " or "))
	}
}

// FormatTime writes a time in layout, in loc (nil means UTC).
func FormatTime(layout string, loc *time.Location) Converter {
	if loc == nil {
		loc = time.UTC
	}
	return func(ctx context.Context, mc *MapContext, v any) (any, error) {
		t, ok := v.(time.Time)
		if !ok {
			return nil, fmt.Errorf("want a time.Time, got %T", v)
		}
		return t.In(loc).Format(layout), nil
	}
}

// Language turns a language number into the backend language (an OpenERP
// code such as de_DE) that shares its two-letter prefix. codes maps the
// numbers to the prefixes: {1: "fr", 2: "de", 3: "it", 4: "en"} for QoQa.
func Language(codes map[int]string) Converter {
	return func(ctx context.Context, mc *MapContext, v any) (any, error) {
		n, err := Int(v)
		if err != nil {
			return nil, err
		}
		prefix, ok := codes[int(n)]
		if !ok {
			return nil, fmt.Errorf("unknown language %d", n)
		}
		for _, l := range mc.Languages {
			if strings.HasPrefix(l, prefix) {
				return l, nil
			}
		}
		return nil, fmt.Errorf("language %d (%s) is not one of the backend's %v", n, prefix, mc.Languages)
	}
}

// LanguageID turns a language code (fr_FR, fr) into its number by its
// two-letter prefix; codes as for Language.
func LanguageID(codes map[int]string) Converter {
	return func(ctx context.Context, mc *MapContext, v any) (any, error) {
		s, ok := v.(string)
		if !ok || len(s) < 2 {
			return nil, fmt.Errorf("want a language code, got %v", v)
		}
		for n, prefix := range codes {
			if strings.EqualFold(s[:2], prefix) {
				return n, nil
			}
		}
		return nil, fmt.Errorf("language %q has no number", s)
	}
}

// Bound turns the ID of a remote record of model into the ID of its local
// record, through the binder: the relation of an import. A relation to a
// record not yet imported is an error that names it; the import flow imports
// dependencies first so that it does not happen.
func Bound(model string) Converter {
	return func(ctx context.Context, mc *MapContext, v any) (any, error) {
		id, err := ID(v)
		if err != nil {
			return nil, err
		}
		b, err := mc.Binder.ByRemote(ctx, model, id)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", model, id, err)
		}
		return IDValue(b.LocalID), nil
	}
}

// BoundRemote turns the ID of a local record of model into the ID of its
// remote record: the relation of an export. A remote record that the
// deletion policy removed is no relation to send (the export flow syncs a
// dependency in that state first).
func BoundRemote(model string) Converter {
	return func(ctx context.Context, mc *MapContext, v any) (any, error) {
		id, err := ID(v)
		if err != nil {
			return nil, err
		}
		b, err := mc.Binder.ByLocal(ctx, model, id)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", model, id, err)
		}
		if b.RemoteState == RemoteDeleted {
			return nil, fmt.Errorf("%s %s: its remote record %s was deleted: %w", model, id, b.RemoteID, ErrNotBound)
		}
		return IDValue(b.RemoteID), nil
	}
}

// ID reads a record ID from what the wire brings: a number, a string, or an
// OpenERP many2one pair [id, "name"]. A string that is an integer is
// written as the number is ("012", " 12" and "+12" are "12"): the IDs key
// the bindings, so one record has one ID whichever form the wire used, and
// IDValue's number reads back as the same ID.
func ID(v any) (string, error) {
	switch x := v.(type) {
	case string:
		if strings.TrimSpace(x) == "" {
			return "", errors.New("empty ID")
		}
		if n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64); err == nil {
			return strconv.FormatInt(n, 10), nil
		}
		return x, nil
	case []any:
		if len(x) == 0 {
			return "", errors.New("empty relation")
		}
		return ID(x[0])
	}
	n, err := Int(v)
	if err != nil {
		return "", fmt.Errorf("not an ID: %w", err)
	}
	return strconv.FormatInt(n, 10), nil
}

// IDValue is an ID as the wire wants it: a number when it is one, else the
// string.
func IDValue(id string) any {
	if n, err := strconv.ParseInt(id, 10, 64); err == nil {
		return n
	}
	return id
}

// Int reads an integer from a JSON or XML-RPC value without losing one: an
// int of any size, a float64 with no fraction, a json.Number or a numeric
// string.
func Int(v any) (int64, error) {
	switch x := v.(type) {
	case int:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case int64:
		return x, nil
	case float64:
		if x != math.Trunc(x) || math.Abs(x) > 1<<53 {
			return 0, fmt.Errorf("%v is not an integer", x)
		}
		return int64(x), nil
	case json.Number:
		return x.Int64()
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%q is not an integer", x)
		}
		return n, nil
	}
	return 0, fmt.Errorf("want an integer, got %T", v)
}

// Float reads a number from a JSON or XML-RPC value. NaN and the
// infinities, which a string ("NaN", "Inf") or an XML-RPC <double> can
// carry, are refused: no amount, price or quantity has them, and OpenERP
// would store them without a word.
func Float(v any) (float64, error) {
	f, err := readFloat(v)
	if err == nil && (math.IsNaN(f) || math.IsInf(f, 0)) {
		return 0, fmt.Errorf("%v is out of range: not a finite number", v)
	}
	return f, err
}

// readFloat is Float without the check of finiteness.
func readFloat(v any) (float64, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case float32:
		return float64(x), nil
	case int:
		return float64(x), nil
	case int64:
		return float64(x), nil
	case json.Number:
		return x.Float64()
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil {
			return 0, fmt.Errorf("%q is not a number", x)
		}
		return f, nil
	}
	return 0, fmt.Errorf("want a number, got %T", v)
}
