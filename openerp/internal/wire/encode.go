package wire

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// The encoder is this package's own, as the decoder is: kolo/xmlrpc, which
// encoded before, wrote struct member names unescaped (a key with "&" or
// "<" made the whole call malformed XML, which OpenERP's expat refuses),
// and replaced each character that XML 1.0 cannot carry with U+FFFD, so
// that OpenERP stored a value other than the one sent, without an error.
// This one escapes every text, names included, as Python's xmlrpc.client
// does, and refuses such a character.

// ErrText is wrapped by the error of a text that XML 1.0 cannot carry: a
// control character other than tab, newline and carriage return, U+FFFE,
// U+FFFF, or bytes that are not UTF-8.
var ErrText = errors.New("XML 1.0 cannot carry this text")

// CheckText returns an error wrapping ErrText when s cannot travel in an
// XML 1.0 document, naming the first offending character and where it is.
func CheckText(s string) error {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return fmt.Errorf("%w: byte %d is not UTF-8 (%#x)", ErrText, i, s[i])
		case !xmlChar(r):
			return fmt.Errorf("%w: byte %d is %U, a character XML 1.0 has no place for", ErrText, i, r)
		}
		i += size
	}
	return nil
}

// xmlChar is XML 1.0's Char production.
func xmlChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' ||
		r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// EncodeCall encodes a methodCall. The client passes the values through
// its sanitize first, which names the path of a value that cannot go.
func EncodeCall(method string, params ...any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><methodCall><methodName>`)
	if err := writeText(&b, method); err != nil {
		return nil, fmt.Errorf("method name: %w", err)
	}
	b.WriteString(`</methodName><params>`)
	for i, p := range params {
		b.WriteString(`<param>`)
		if err := encode(&b, reflect.ValueOf(p)); err != nil {
			return nil, fmt.Errorf("param %d: %w", i, err)
		}
		b.WriteString(`</param>`)
	}
	b.WriteString(`</params></methodCall>`)
	return b.Bytes(), nil
}

// EncodeResponse encodes a methodResponse carrying v.
func EncodeResponse(v any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><methodResponse><params><param>`)
	if err := encode(&b, reflect.ValueOf(v)); err != nil {
		return nil, err
	}
	b.WriteString(`</param></params></methodResponse>`)
	return b.Bytes(), nil
}

// EncodeFault encodes a methodResponse carrying a fault.
func EncodeFault(f Fault) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><methodResponse><fault>`)
	if err := encode(&b, reflect.ValueOf(map[string]any{"faultCode": f.Code, "faultString": f.String})); err != nil {
		return nil, err
	}
	b.WriteString(`</fault></methodResponse>`)
	return b.Bytes(), nil
}

var timeType = reflect.TypeFor[time.Time]()

// encode writes v as one <value>: nil as <nil/>, integers as <int> (which
// is 32-bit), a []byte as <base64>, a time as <dateTime.iso8601>, slices
// and arrays as <array>, maps with string keys as <struct> (members in key
// order).
func encode(b *bytes.Buffer, v reflect.Value) error {
	if !v.IsValid() {
		b.WriteString(`<value><nil/></value>`)
		return nil
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			b.WriteString(`<value><nil/></value>`)
			return nil
		}
		return encode(b, v.Elem())
	}
	if v.Type() == timeType {
		fmt.Fprintf(b, `<value><dateTime.iso8601>%s</dateTime.iso8601></value>`, v.Interface().(time.Time).Format("20060102T15:04:05"))
		return nil
	}
	b.WriteString(`<value>`)
	switch v.Kind() {
	case reflect.Bool:
		if v.Bool() {
			b.WriteString(`<boolean>1</boolean>`)
		} else {
			b.WriteString(`<boolean>0</boolean>`)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if err := writeInt(b, v.Int()); err != nil {
			return err
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if v.Uint() > math.MaxInt32 {
			return fmt.Errorf("%d does not fit XML-RPC's 32-bit <int>", v.Uint())
		}
		if err := writeInt(b, int64(v.Uint())); err != nil {
			return err
		}
	case reflect.Float32, reflect.Float64:
		fmt.Fprintf(b, `<double>%s</double>`, strconv.FormatFloat(v.Float(), 'f', -1, 64))
	case reflect.String:
		b.WriteString(`<string>`)
		if err := writeText(b, v.String()); err != nil {
			return err
		}
		b.WriteString(`</string>`)
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			fmt.Fprintf(b, `<base64>%s</base64>`, base64.StdEncoding.EncodeToString(v.Bytes()))
			break
		}
		b.WriteString(`<array><data>`)
		for i := range v.Len() {
			if err := encode(b, v.Index(i)); err != nil {
				return fmt.Errorf("[%d]: %w", i, err)
			}
		}
		b.WriteString(`</data></array>`)
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return fmt.Errorf("a %s is no struct: XML-RPC names members with strings", v.Type())
		}
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return cmp.Compare(a.String(), b.String()) })
		b.WriteString(`<struct>`)
		for _, k := range keys {
			b.WriteString(`<member><name>`)
			if err := writeText(b, k.String()); err != nil {
				return fmt.Errorf("member name %q: %w", k.String(), err)
			}
			b.WriteString(`</name>`)
			if err := encode(b, v.MapIndex(k)); err != nil {
				return fmt.Errorf("[%q]: %w", k.String(), err)
			}
			b.WriteString(`</member>`)
		}
		b.WriteString(`</struct>`)
	default:
		return fmt.Errorf("XML-RPC has no value for a %s", v.Type())
	}
	b.WriteString(`</value>`)
	return nil
}

// writeInt writes n as an <int>, which XML-RPC makes 32-bit.
func writeInt(b *bytes.Buffer, n int64) error {
	if n < math.MinInt32 || n > math.MaxInt32 {
		return fmt.Errorf("%d does not fit XML-RPC's 32-bit <int>", n)
	}
	fmt.Fprintf(b, `<int>%d</int>`, n)
	return nil
}

// writeText writes s as XML character data: & < > escaped as Python's
// xmlrpc.client escapes them, and a carriage return as a character
// reference, which XML's end-of-line handling would otherwise turn into a
// newline. A text XML cannot carry is an error wrapping ErrText.
func writeText(b *bytes.Buffer, s string) error {
	if err := CheckText(s); err != nil {
		return err
	}
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\r':
			b.WriteString("&#13;")
		default:
			b.WriteRune(r)
		}
	}
	return nil
}
