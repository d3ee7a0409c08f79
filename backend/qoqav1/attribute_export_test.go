package qoqav1

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// An attribute's value reaches QoQa typed by the attribute's kind; an empty
// one is not sent, but for a boolean's False; a value that does not fit its
// kind is an error.
func TestAttributeValueIsTypedByKind(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		kind   string
		in     any
		want   any
		send   bool
		failed bool
	}{
		{kind: "char", in: "rouge", want: "rouge", send: true},
		{kind: "char", in: nil},
		{kind: "char", in: "", send: false, want: ""},
		{kind: "text", in: "Essuyer", want: "Essuyer", send: true},
		{kind: "text", in: int64(3), failed: true},
		{kind: "select", in: "brass", want: "brass", send: true},
		{kind: "select", in: []any{int64(4), "brass"}, want: "brass", send: true},
		{kind: "multiselect", in: "E27, E14,", want: []any{"E27", "E14"}, send: true},
		{kind: "multiselect", in: []any{"E27", []any{int64(2), "E14"}}, want: []any{"E27", "E14"}, send: true},
		{kind: "multiselect", in: []any{int64(2), int64(3)}, failed: true},
		{kind: "boolean", in: true, want: true, send: true},
		{kind: "boolean", in: false, want: false, send: true},
		{kind: "boolean", in: nil, want: false, send: true},
		{kind: "integer", in: int64(40), want: int64(40), send: true},
		{kind: "integer", in: 40.5, failed: true},
		{kind: "float", in: 1.5, want: 1.5, send: true},
		{kind: "float", in: int64(2), want: 2.0, send: true},
		{kind: "date", in: "2026-03-01", want: "2026-03-01", send: true},
		{kind: "date", in: "March", failed: true},
		{kind: "datetime", in: "2026-03-01 10:00:00", want: "2026-03-01T10:00:00+0000", send: true},
		{kind: "binary", in: "aGVsbG8=", send: false},
		{kind: "serialized", in: "x", failed: true},
	} {
		got, send, err := attribute{code: "x_a", kind: c.kind}.value(c.in)
		if c.failed {
			assert.Error(t, err, "%s %v", c.kind, c.in)
			continue
		}
		if assert.NoError(t, err, "%s %v", c.kind, c.in) && assert.Equal(t, c.send, send, "%s %v", c.kind, c.in) && send {
			assert.Equal(t, c.want, got, "%s %v", c.kind, c.in)
		}
	}
}
