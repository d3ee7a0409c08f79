package connector

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// MaxTextBytes is the default cap on one text value that a flow writes:
// 256 KiB. It is far above any real name, address, description or order
// line (the longest product descriptions are a few KiB), and well below
// what breaks a server or the queue: a megabyte string would be sent to
// QoQa in every PUT, and kept in OpenERP's translation table once per
// language. A longer text is bad data, not a value to pass on.
const MaxTextBytes = 256 << 10

// ErrTextTooLong is the cause of the MappingError of a text value over a
// flow's cap (see MaxTextBytes).
var ErrTextTooLong = errors.New("text too long")

// textCap is a flow's cap on text values: max when it is positive,
// MaxTextBytes when it is zero, none when it is negative.
func textCap(max int) int {
	if max == 0 {
		return MaxTextBytes
	}
	return max
}

// CheckText returns the MappingError of the first text value in values
// (mapped values: nested maps, Translations, lists, OpenERP x2many
// commands) longer than max bytes, nil when there is none; max zero means
// MaxTextBytes, negative means no cap. Its field is the value's path in
// values (order_line[0][2].name, translations[1].description), and its
// model and record are mc's.
//
// The import and export flows check what a mapper made with it, before
// anything is written.
func CheckText(mc *MapContext, values map[string]any, max int) error {
	max = textCap(max)
	if max < 0 {
		return nil
	}
	path, n, ok := longText(reflect.ValueOf(values), "", max)
	if !ok {
		return nil
	}
	return mc.Err(path, fmt.Errorf("%w: %d bytes, over the cap of %d", ErrTextTooLong, n, max))
}

// longText finds in v the first string (by sorted key, then index) longer
// than max, and returns its path under at and its length.
func longText(v reflect.Value, at string, max int) (string, int, bool) {
	for v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return "", 0, false
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.String:
		if v.Len() > max {
			return at, v.Len(), true
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return "", 0, false // bytes are data, not text
		}
		for i := range v.Len() {
			if p, n, ok := longText(v.Index(i), at+"["+strconv.Itoa(i)+"]", max); ok {
				return p, n, true
			}
		}
	case reflect.Map:
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int {
			return strings.Compare(fmt.Sprint(a.Interface()), fmt.Sprint(b.Interface()))
		})
		for _, k := range keys {
			name := fmt.Sprint(k.Interface())
			if at != "" {
				name = at + "." + name
			}
			if p, n, ok := longText(v.MapIndex(k), name, max); ok {
				return p, n, true
			}
		}
	}
	return "", 0, false
}
