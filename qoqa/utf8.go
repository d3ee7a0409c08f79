package qoqa

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ErrInvalidUTF8 is returned for an answer whose JSON holds bytes that are
// not UTF-8. Go's JSON decoding would silently replace them with U+FFFD and
// so alter the record; the client refuses the answer instead, naming the
// resource, the record and the field. No retry mends it: the record must be
// fixed in QoQa.
var ErrInvalidUTF8 = errors.New("qoqa: answer is not UTF-8")

// checkUTF8 returns the error of an answer to r whose body is not UTF-8,
// nil for a valid one. The common case costs one scan of the body; only a
// bad one is walked to find the field.
func checkUTF8(r request, body []byte) error {
	if utf8.Valid(body) {
		return nil
	}
	what := strings.TrimSuffix(r.path, "/")
	if resource, id, ok := strings.Cut(what, "/"); ok {
		what = resource + " " + id
	}
	field := invalidUTF8Path(body)
	if p, ok := strings.CutPrefix(field, "data."); ok {
		field = p // the record's own field
	}
	return fmt.Errorf("qoqa: %s: %s, field %s: %w", r.where(), what, field, ErrInvalidUTF8)
}

// invalidUTF8Path returns the JSON path (data.items[0].name) of the first
// string, key or value, whose raw bytes are not UTF-8, found by walking the
// tokens and slicing the raw bytes between input offsets; "(unknown)" when
// the body does not decode that far.
func invalidUTF8Path(body []byte) string {
	type frame struct {
		array   bool
		index   int
		key     string
		wantKey bool
	}
	var stack []*frame
	path := func() string {
		var b strings.Builder
		for _, f := range stack {
			switch {
			case f.array:
				b.WriteString("[" + strconv.Itoa(f.index) + "]")
			case b.Len() > 0:
				b.WriteString("." + f.key)
			default:
				b.WriteString(f.key)
			}
		}
		if b.Len() == 0 {
			return "(root)"
		}
		return b.String()
	}
	// valueDone moves the innermost container past the value just read.
	valueDone := func() {
		if len(stack) == 0 {
			return
		}
		if f := stack[len(stack)-1]; f.array {
			f.index++
		} else {
			f.wantKey = true
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var prev int64
	for {
		tok, err := dec.Token()
		if err != nil {
			return "(unknown)"
		}
		off := dec.InputOffset()
		raw := body[prev:off]
		prev = off
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{', '[':
				stack = append(stack, &frame{array: v == '[', wantKey: v == '{'})
			default:
				stack = stack[:len(stack)-1]
				valueDone()
			}
		case string:
			if n := len(stack); n > 0 && !stack[n-1].array && stack[n-1].wantKey {
				stack[n-1].key, stack[n-1].wantKey = v, false
				if !utf8.Valid(raw) {
					stack[n-1].key = strconv.QuoteToASCII(v) // the key itself is bad
					return path()
				}
				continue
			}
			if !utf8.Valid(raw) {
				return path()
			}
			valueDone()
		default:
			valueDone()
		}
	}
}
