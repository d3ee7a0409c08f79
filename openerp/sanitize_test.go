package openerp

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/openerp/internal/wire"
)

// What a call sends must be what OpenERP takes, however deep the value and
// whatever its Go type: never nil (False instead), datetimes as strings, no
// pointer, no integer that XML-RPC's 32-bit <int> cannot carry.
func TestSanitizeReachesNestedTypedValues(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 1, 12, 30, 0, 0, time.FixedZone("CET", 3600))
	text := "Lampe"
	var noText *string
	var noValues Values
	type lang string
	cases := []struct {
		name string
		in   any
		want any
	}{
		{"nil", nil, false},
		{"time in UTC", at, "2026-03-01 11:30:00"},
		{"zero time", time.Time{}, false},
		{"date", Date{at}, "2026-03-01"},
		{"nil *string", noText, false},
		{"*string", &text, "Lampe"},
		{"named string", lang("de_DE"), "de_DE"},
		{"[][]any", [][]any{{int64(0), int64(0), Values{"name": nil, "date": at}}}, []any{[]any{int64(0), int64(0), map[string]any{"name": false, "date": "2026-03-01 11:30:00"}}}},
		{"[]Values", []Values{{"email": nil}, {"name": &text}}, []any{map[string]any{"email": false}, map[string]any{"name": "Lampe"}}},
		{"[]time.Time", []time.Time{at, {}}, []any{"2026-03-01 11:30:00", false}},
		{"nested maps", map[string]map[string]any{"a": {"b": nil, "c": map[string][]*string{"d": {nil, &text}}}}, map[string]any{"a": map[string]any{"b": false, "c": map[string]any{"d": []any{false, "Lampe"}}}}},
		{"nil Values in a list", []any{noValues}, []any{map[string]any{}}},
		{"[]int", []int{1, 2}, []any{int64(1), int64(2)}},
		{"[]uint8 as base64", []byte("hi"), "aGk="},
		{"uint16", uint16(7), int64(7)},
		{"float32", float32(0.5), 0.5},
		{"int32 bounds", []int64{math.MinInt32, math.MaxInt32}, []any{int64(math.MinInt32), int64(math.MaxInt32)}},
		{"domain", Where("write_date", ">=", at), []any{[]any{"write_date", ">=", "2026-03-01 11:30:00"}}},
		{"context", Context{"lang": "fr_FR"}, map[string]any{"lang": "fr_FR"}},
		{"tab, newline, carriage return and markup", Values{"x_r&d <b>": "a\tb\r\nc & <d>"}, map[string]any{"x_r&d <b>": "a\tb\r\nc & <d>"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := sanitize(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			_, err = wire.EncodeCall("m", got)
			assert.NoError(t, err, "what sanitize returns encodes")
		})
	}
}

// label is a named string type, which sanitize reaches by reflection.
type label string

func TestSanitizeRefusesWhatXMLRPCCannotCarry(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		in       any
		path     string
		contains string
	}{
		{"int64 over int32", Values{"x_big": int64(math.MaxInt32) + 1}, `["x_big"]`, "32-bit"},
		{"int under int32", []any{int64(0), []int{math.MinInt32 - 1}}, `[1][0]`, "32-bit"},
		{"uint64", map[string]any{"n": uint64(1 << 40)}, `["n"]`, "32-bit"},
		{"struct", []any{struct{ A int }{1}}, `[0]`, "cannot send"},
		{"map with int keys", map[int]string{1: "a"}, ``, "cannot send"},
		{"channel", Values{"c": make(chan int)}, `["c"]`, "cannot send"},
		{"a control character", Values{"name": "Lampe\vRouge"}, `["name"]`, "U+000B"},
		{"escape in a list", []any{"ok", []string{"a", "\x1b[0m"}}, `[1][1]`, "U+001B"},
		{"NUL in a named string", []any{label("\x00")}, `[0]`, "U+0000"},
		{"invalid UTF-8", map[string]any{"name": "Lampe \xff"}, `["name"]`, "not UTF-8"},
		{"U+FFFE", Values{"name": "\uFFFE"}, `["name"]`, "U+FFFE"},
		{"a key with a control character", Context{"x\a": true}, `["x\a"]`, "the key"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := sanitize(tc.in)
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrInvalidValue), "%v", err)
			assert.Contains(t, err.Error(), tc.contains)
			var ve *ValueError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.path, ve.Path)
		})
	}
}
