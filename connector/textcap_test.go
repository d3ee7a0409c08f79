package connector_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/connector/connectortest"
)

// A text value over the cap, wherever the mapper put it, is a MappingError
// that names the model, the record and the value's path; values within the
// cap, and bytes (data, not text), pass.
func TestCheckTextFindsALongValueAnywhere(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 11)
	for _, tc := range []struct {
		name   string
		values map[string]any
		max    int
		field  string // "" when the values pass
	}{
		{"flat", map[string]any{"name": "Lampe", "description": long}, 10, "description"},
		{"at the cap", map[string]any{"name": long[:10]}, 10, ""},
		{"translations", map[string]any{"name": connector.Translations{"de_DE": "Leuchte", "fr_FR": long}}, 10, "name.fr_FR"},
		{"x2many commands", map[string]any{"order_line": []any{[]any{0, 0, map[string]any{"name": "ok"}}, []any{0, 0, map[string]any{"name": long}}}}, 10, "order_line[1][2].name"},
		{"list of maps", map[string]any{"translations": []map[string]any{{"language_id": 1, "description": long}}}, 10, "translations[0].description"},
		{"bytes are no text", map[string]any{"image": []byte(long)}, 10, ""},
		{"no cap", map[string]any{"name": long}, -1, ""},
		{"default cap", map[string]any{"name": strings.Repeat("é", connector.MaxTextBytes/2+1)}, 0, "name"},
		{"default cap, within", map[string]any{"name": strings.Repeat("x", connector.MaxTextBytes)}, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mc := &connector.MapContext{Model: "order", Record: connector.Record{ID: "12"}}
			err := connector.CheckText(mc, tc.values, tc.max)
			if tc.field == "" {
				require.NoError(t, err)
				return
			}
			var me *connector.MappingError
			require.True(t, errors.As(err, &me), "a MappingError: %v", err)
			assert.Equal(t, "order", me.Model)
			assert.Equal(t, "12", me.RecordID)
			assert.Equal(t, tc.field, me.Field)
			assert.ErrorIs(t, err, connector.ErrTextTooLong)
			assert.Less(t, len(err.Error()), 200, "the message quotes no text")
		})
	}
}

// Both flows refuse a text over their cap before they write anything, as a
// permanent MappingError of the record; a flow's MaxText moves the cap, and
// a negative one lifts it.
func TestFlowsRefuseATextOverTheirCap(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		export  bool
		maxText int
		size    int
		refused bool
	}{
		{"import over the default cap", false, 0, connector.MaxTextBytes + 1, true},
		{"import within the default cap", false, 0, connector.MaxTextBytes, false},
		{"import over a flow's own cap", false, 100, 101, true},
		{"import with no cap", false, -1, connector.MaxTextBytes + 1, false},
		{"export over the default cap", true, 0, connector.MaxTextBytes + 1, true},
		{"export over a flow's own cap", true, 100, 101, true},
		{"export with no cap", true, -1, connector.MaxTextBytes + 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			w.imp.MaxText, w.exp.MaxText = tc.maxText, tc.maxText
			fields := map[string]any{"name": strings.Repeat("x", tc.size)}
			var err error
			var target *connectortest.Adapter
			if tc.export {
				id := w.local.Put(connector.Record{Fields: map[string]any{"name": fields["name"], "list_price": 29.5}})
				err, target = w.export(t, id), w.remote
				fields["id"] = id
			} else {
				id := w.remote.Put(connector.Record{Fields: map[string]any{"name": fields["name"], "price": 2950}})
				err, target = w.importIt(t, id), w.local
				fields["id"] = id
			}
			if !tc.refused {
				require.NoError(t, err)
				assert.Equal(t, 1, target.Len())
				return
			}
			var me *connector.MappingError
			require.ErrorAs(t, err, &me)
			assert.Equal(t, "product", me.Model)
			assert.Equal(t, fields["id"], me.RecordID)
			assert.Equal(t, "name", me.Field)
			assert.ErrorIs(t, err, connector.ErrTextTooLong)
			assert.True(t, connector.IsPermanent(err), "no retry mends bad data")
			assert.Equal(t, 0, target.Len(), "nothing was written")
		})
	}
}
