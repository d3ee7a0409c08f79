package qoqav1

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/connector"
)

// Cents become amounts in the currency unit; a fraction of a cent rounds
// half away from zero first.
func TestAmountFromCents(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		cents any
		want  float64
	}{
		{2950.0, 29.5}, {int64(1005), 10.05}, {"199", 1.99}, {0.0, 0},
		{2.5, 0.03}, {-2.5, -0.03}, {1234.5, 12.35}, {1234.4999, 12.34}, {-1000.0, -10},
	} {
		got, err := amount(context.Background(), &connector.MapContext{}, tc.cents)
		require.NoError(t, err, "%v", tc.cents)
		assert.Equal(t, tc.want, got, "%v cents", tc.cents)
	}
	_, err := amount(context.Background(), &connector.MapContext{}, "lots")
	assert.Error(t, err)
}

// QoQa's datetimes carry their offset; OpenERP stores UTC.
func TestTimesBecomeUTC(t *testing.T) {
	t.Parallel()
	mc := &connector.MapContext{}
	for _, tc := range []struct {
		in, dateTime, date string
	}{
		{"2026-03-01T00:30:00+0200", "2026-02-28 22:30:00", "2026-02-28"},
		{"2026-03-01T23:30:00-0100", "2026-03-02 00:30:00", "2026-03-02"},
		{"2026-03-01T12:00:00Z", "2026-03-01 12:00:00", "2026-03-01"},
	} {
		got, err := utcDateTime(context.Background(), mc, tc.in)
		require.NoError(t, err)
		assert.Equal(t, tc.dateTime, got)
		got, err = utcDate(context.Background(), mc, tc.in)
		require.NoError(t, err)
		assert.Equal(t, tc.date, got)
	}
	got, err := utcDate(context.Background(), mc, "2026-03-01")
	require.NoError(t, err)
	assert.Equal(t, "2026-03-01", got, "a date stays the day it names")
	_, err = utcDateTime(context.Background(), mc, "01.03.2026")
	assert.Error(t, err)
}

// QoQa's is_active becomes OpenERP's active; a record that says nothing is
// active, not archived.
func TestIsActive(t *testing.T) {
	t.Parallel()
	m := connector.Mapping{Model: "user", Rules: []connector.Rule{isActive("active")}}
	for _, tc := range []struct {
		fields map[string]any
		want   any
	}{
		{map[string]any{"is_active": true}, true},
		{map[string]any{"is_active": false}, false},
		{map[string]any{"is_active": nil}, true},
		{map[string]any{}, true},
	} {
		out, err := m.Map(context.Background(), &connector.MapContext{Record: connector.Record{ID: "1", Fields: tc.fields}})
		require.NoError(t, err)
		assert.Equal(t, tc.want, out["active"], "%v", tc.fields)
	}
	_, err := m.Map(context.Background(), &connector.MapContext{Record: connector.Record{ID: "1", Fields: map[string]any{"is_active": "yes"}}})
	assert.ErrorContains(t, err, "map user 1, field is_active")
}

// A relation holds a QoQa ID, a positive integer sent as a number or a
// numeric string, or nothing (null, 0); anything else is an error.
func TestRefID(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   any
		want string
		bad  bool
	}{
		{in: 12.0, want: "12"}, {in: int64(12), want: "12"}, {in: "12", want: "12"}, {in: " 12 ", want: "12"}, {in: json.Number("12"), want: "12"},
		{in: nil, want: ""}, {in: 0.0, want: ""}, {in: "0", want: ""},
		{in: "abc", bad: true}, {in: -1.0, bad: true}, {in: "-1", bad: true}, {in: 1.5, bad: true}, {in: "", bad: true},
		{in: true, bad: true}, {in: []any{12.0}, bad: true}, {in: map[string]any{"id": 12.0}, bad: true},
	} {
		got, err := refID(tc.in)
		if tc.bad {
			assert.Error(t, err, "%#v", tc.in)
			continue
		}
		require.NoError(t, err, "%#v", tc.in)
		assert.Equal(t, tc.want, got, "%#v", tc.in)
	}
}
