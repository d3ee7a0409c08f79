package adapter_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/adapter"
	"github.com/qoqasync/qoqasync/connector"
)

func TestQoQaTranslatedReadsEachBackendLanguage(t *testing.T) {
	t.Parallel()
	mc := &connector.MapContext{Languages: []string{"fr_FR", "de_DE"}}
	list := []any{
		map[string]any{"language_id": float64(1), "name": "Lampe"},
		map[string]any{"language_id": float64(2), "name": "Leuchte"},
		map[string]any{"language_id": float64(3), "name": "Lampada"}, // not synced by this backend
		map[string]any{"language_id": float64(4)},
	}
	got, err := adapter.QoQaTranslated("name")(context.Background(), mc, list)
	require.NoError(t, err)
	assert.Equal(t, connector.Translations{"fr_FR": "Lampe", "de_DE": "Leuchte"}, got)
	_, err = adapter.QoQaTranslated("name")(context.Background(), mc, "Lampe")
	assert.Error(t, err)
}

func TestQoQaTranslationListBuildsEntries(t *testing.T) {
	t.Parallel()
	mc := &connector.MapContext{
		Languages: []string{"fr_FR", "de_DE", "it_IT"},
		Record: connector.Record{Fields: map[string]any{
			"name":             connector.Translations{"fr_FR": "Lampe", "de_DE": "Leuchte"},
			"description_sale": "Design", // not translated: every language gets it
		}},
	}
	got, err := adapter.QoQaTranslationList(map[string]string{"name": "name", "description": "description_sale"})(context.Background(), mc)
	require.NoError(t, err)
	assert.Equal(t, []any{
		map[string]any{"language_id": 1, "name": "Lampe", "description": "Design"},
		map[string]any{"language_id": 2, "name": "Leuchte", "description": "Design"},
		map[string]any{"language_id": 3, "description": "Design"},
	}, got)
}
