package openerp

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/qoqasync/qoqasync/openerp/internal/wire"
)

// ErrInvalidValue is wrapped by the error of a call whose arguments hold a
// value that XML-RPC cannot carry to OpenERP: an integer beyond XML-RPC's
// 32-bit <int> (OpenERP 7 would store it, then fail every read of the
// record), a text (a value or a key) with a control character that XML
// 1.0 has no place for or bytes that are not UTF-8 (OpenERP's parser would
// refuse the call, and an encoder that replaced them would store another
// text), a struct, a channel. Such a call fails before anything is sent,
// and a retry cannot mend it.
var ErrInvalidValue = errors.New("openerp: value cannot be sent")

// ValueError says which value of a call cannot be sent, and why. It wraps
// ErrInvalidValue.
type ValueError struct {
	// Path locates the value in the call's arguments: `[1]["x_size"]`.
	Path   string
	Value  any
	Reason string
}

// Error names the value, its path and the reason; a text is quoted, its
// control characters escaped.
func (e *ValueError) Error() string {
	if s, ok := e.Value.(string); ok {
		return fmt.Sprintf("cannot send %s = %q: %s", e.Path, s, e.Reason)
	}
	return fmt.Sprintf("cannot send %s = %v (%T): %s", e.Path, e.Value, e.Value, e.Reason)
}

// Unwrap returns ErrInvalidValue, which errors.Is checks.
func (e *ValueError) Unwrap() error { return ErrInvalidValue }

// in prefixes the path with one step, as the error climbs out of a list or
// a map.
func (e *ValueError) in(step string) *ValueError {
	e.Path = step + e.Path
	return e
}

// sanitize turns Go values into what OpenERP takes, at any depth and
// whatever their Go type (typed slices and maps, pointers, named types):
// never nil (False instead, as a nil pointer), times as UTC datetime
// strings, dates as "YYYY-MM-DD", every integer as an int64 that fits
// XML-RPC's <int>, a []byte as base64 text, lists as []any and maps as
// map[string]any. A value XML-RPC cannot carry is a *ValueError.
func sanitize(v any) (any, error) {
	switch x := v.(type) {
	case nil:
		return false, nil
	case bool, float64:
		return x, nil
	case string:
		return text(x)
	case int64:
		return fitInt(x)
	case int:
		return fitInt(int64(x))
	case time.Time:
		if x.IsZero() {
			return false, nil
		}
		return x.UTC().Format(DateTimeLayout), nil
	case Date:
		if x.IsZero() {
			return false, nil
		}
		return x.Format(DateLayout), nil
	case []any:
		return sanitizeList(x)
	case Domain:
		return sanitizeList(x)
	case map[string]any:
		return sanitizeMap(x)
	case Values:
		return sanitizeMap(x)
	case Context:
		return sanitizeMap(x)
	case []int64:
		out := make([]any, len(x))
		for i, e := range x {
			n, err := fitInt(e)
			if err != nil {
				return nil, err.(*ValueError).in(index(i))
			}
			out[i] = n
		}
		return out, nil
	case []string:
		out := make([]any, len(x))
		for i, e := range x {
			s, err := text(e)
			if err != nil {
				return nil, err.(*ValueError).in(index(i))
			}
			out[i] = s
		}
		return out, nil
	case []byte:
		return base64.StdEncoding.EncodeToString(x), nil
	}
	return sanitizeReflect(reflect.ValueOf(v))
}

// sanitizeReflect handles the types sanitize's switch does not name.
func sanitizeReflect(rv reflect.Value) (any, error) {
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return false, nil
		}
		return sanitize(rv.Elem().Interface())
	case reflect.Bool:
		return rv.Bool(), nil
	case reflect.String:
		return text(rv.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return fitInt(rv.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if rv.Uint() > math.MaxInt32 {
			return nil, &ValueError{Value: rv.Interface(), Reason: intReason}
		}
		return int64(rv.Uint()), nil
	case reflect.Float32, reflect.Float64:
		return rv.Float(), nil
	case reflect.Slice, reflect.Array:
		if rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Uint8 {
			return base64.StdEncoding.EncodeToString(rv.Bytes()), nil
		}
		out := make([]any, rv.Len())
		for i := range out {
			e, err := sanitize(rv.Index(i).Interface())
			if err != nil {
				return nil, err.(*ValueError).in(index(i))
			}
			out[i] = e
		}
		return out, nil
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			break
		}
		out := make(map[string]any, rv.Len())
		for it := rv.MapRange(); it.Next(); {
			k := it.Key().String()
			if err := checkKey(k); err != nil {
				return nil, err
			}
			e, err := sanitize(it.Value().Interface())
			if err != nil {
				return nil, err.(*ValueError).in(key(k))
			}
			out[k] = e
		}
		return out, nil
	}
	return nil, &ValueError{Value: rv.Interface(), Reason: "XML-RPC has no such value"}
}

const intReason = "XML-RPC's <int> is 32-bit; send a larger number as a float or a string"

// fitInt checks that n fits XML-RPC's 32-bit <int>.
func fitInt(n int64) (any, error) {
	if n < math.MinInt32 || n > math.MaxInt32 {
		return nil, &ValueError{Value: n, Reason: intReason}
	}
	return n, nil
}

func sanitizeList(l []any) ([]any, error) {
	out := make([]any, len(l))
	for i, e := range l {
		v, err := sanitize(e)
		if err != nil {
			return nil, err.(*ValueError).in(index(i))
		}
		out[i] = v
	}
	return out, nil
}

func sanitizeMap(m map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(m))
	for k, e := range m {
		if err := checkKey(k); err != nil {
			return nil, err
		}
		v, err := sanitize(e)
		if err != nil {
			return nil, err.(*ValueError).in(key(k))
		}
		out[k] = v
	}
	return out, nil
}

// text checks that s can travel in XML 1.0, as the wire encoder needs:
// a text it cannot carry is refused here, where the path is known.
func text(s string) (any, error) {
	if err := wire.CheckText(s); err != nil {
		return nil, &ValueError{Value: s, Reason: textReason(err)}
	}
	return s, nil
}

// checkKey checks a struct member's name as text does a value; the error's
// path is the key's.
func checkKey(k string) error {
	if err := wire.CheckText(k); err != nil {
		return &ValueError{Path: key(k), Value: k, Reason: "the key: " + textReason(err)}
	}
	return nil
}

func textReason(err error) string {
	return strings.TrimPrefix(err.Error(), wire.ErrText.Error()+": ") + "; XML-RPC cannot carry it, and replacing it would store another text"
}

func index(i int) string  { return "[" + strconv.Itoa(i) + "]" }
func key(k string) string { return "[" + strconv.Quote(k) + "]" }
