package connector_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/binding"
	"github.com/qoqasync/qoqasync/connector"
)

// An overlay reads the store through and keeps every write to itself: the
// store is left as it was, and the overlay's view is what the writes made.
func TestOverlayKeepsWritesToItself(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	base := binding.NewMemory()
	for _, b := range []connector.Binding{{Model: "m", RemoteID: "r1", LocalID: "1"}, {Model: "m", RemoteID: "r2", LocalID: "2"}, {Model: "m", RemoteID: "r3", LocalID: "3"}} {
		require.NoError(t, base.Bind(ctx, b))
	}
	mark := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	require.NoError(t, base.SetWatermark(ctx, "import m", mark))
	o := connector.NewOverlay(base, base)

	require.NoError(t, o.Unbind(ctx, "m", "1"))
	require.NoError(t, o.Rebind(ctx, connector.Binding{Model: "m", RemoteID: "r2", LocalID: "2"}, connector.Binding{Model: "m", RemoteID: "r2", LocalID: "5"}))
	require.NoError(t, o.Bind(ctx, connector.Binding{Model: "m", RemoteID: "r4", LocalID: "4"}))
	require.ErrorIs(t, o.Bind(ctx, connector.Binding{Model: "m", RemoteID: "r4", LocalID: "6"}), connector.ErrBindingConflict)
	require.NoError(t, o.SetWatermark(ctx, "import m", mark.Add(time.Hour)))

	for _, tc := range []struct {
		name        string
		store       connector.Binder
		local       string
		wantRemote  string
		wantUnbound bool
	}{
		{"unbound in the overlay", o, "1", "", true},
		{"still bound in the store", base, "1", "r1", false},
		{"rebound in the overlay", o, "5", "r2", false},
		{"its old local ID", o, "2", "", true},
		{"left as it was in the store", base, "2", "r2", false},
		{"new in the overlay", o, "4", "r4", false},
		{"not in the store", base, "4", "", true},
		{"read through", o, "3", "r3", false},
	} {
		b, err := tc.store.ByLocal(ctx, "m", tc.local)
		if tc.wantUnbound {
			assert.ErrorIs(t, err, connector.ErrNotBound, tc.name)
			continue
		}
		require.NoError(t, err, tc.name)
		assert.Equal(t, tc.wantRemote, b.RemoteID, tc.name)
	}
	list, err := o.List(ctx, "m", "", 0)
	require.NoError(t, err)
	var locals []string
	for _, b := range list {
		locals = append(locals, b.LocalID)
	}
	assert.Equal(t, []string{"3", "4", "5"}, locals)
	page, err := o.List(ctx, "m", "3", 1)
	require.NoError(t, err)
	require.Len(t, page, 1)
	assert.Equal(t, "4", page[0].LocalID)

	got, _, err := o.Watermark(ctx, "import m")
	require.NoError(t, err)
	assert.Equal(t, mark.Add(time.Hour), got)
	got, _, err = base.Watermark(ctx, "import m")
	require.NoError(t, err)
	assert.Equal(t, mark, got)
}

// FieldChanges compares a write with a read as the wire carries them.
func TestFieldChanges(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		old    map[string]any
		values map[string]any
		want   []string
	}{
		{"equal numbers of two types", map[string]any{"n": 3.0}, map[string]any{"n": 3}, nil},
		{"a changed text", map[string]any{"s": "a"}, map[string]any{"s": "b"}, []string{"s"}},
		{"no value read as false", map[string]any{"s": nil}, map[string]any{"s": false}, nil},
		{"a relation read with its name", map[string]any{"r": []any{7, "Seven"}}, map[string]any{"r": 7}, nil},
		{"another relation", map[string]any{"r": []any{7, "Seven"}}, map[string]any{"r": 8}, []string{"r"}},
		{"a set of IDs in another order", map[string]any{"ids": []any{1, 2}}, map[string]any{"ids": []any{[]any{6, 0, []any{2, 1}}}}, nil},
		{"lines created with their record", map[string]any{"lines": []any{1}}, map[string]any{"lines": []any{[]any{0, 0, map[string]any{"x": 1}}}}, nil},
		{"a field the record lacks", map[string]any{}, map[string]any{"s": "new"}, []string{"s"}},
		{"a field the write leaves out", map[string]any{"s": "kept"}, map[string]any{}, nil},
		{"one translation changed", map[string]any{"tr": []any{map[string]any{"language_id": 1, "name": "Bonjour"}, map[string]any{"language_id": 2, "name": "Hallo"}}},
			map[string]any{"tr": []any{map[string]any{"language_id": 2, "name": "Guten Tag"}, map[string]any{"language_id": 1, "name": "Bonjour"}}}, []string{"tr[2].name"}},
		{"OpenERP translations", map[string]any{"name": connector.Translations{"fr_FR": "Chaise", "de_DE": "Stuhl"}},
			map[string]any{"name": connector.Translations{"fr_FR": "Chaise", "de_DE": "Sessel"}}, []string{"name"}},
	} {
		var got []string
		for _, c := range connector.FieldChanges(tc.old, tc.values) {
			got = append(got, c.Field)
		}
		assert.Equal(t, tc.want, got, tc.name)
	}
}
