package connector_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/connector"
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
