package connector_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/qoqasync/qoqasync/connector"
)

func TestTranslationsBaseValue(t *testing.T) {
	t.Parallel()
	tr := connector.Translations{"fr_FR": "Lampe", "de_DE": "Leuchte"}
	assert.Equal(t, "Leuchte", tr.BaseValue([]string{"en_US", "de_DE", "fr_FR"}))
	assert.Equal(t, "Leuchte", tr.BaseValue(nil), "without a preference, the first by code")
	assert.Nil(t, connector.Translations{}.BaseValue(nil))
}
