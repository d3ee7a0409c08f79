package qoqav1_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/qoqasync/qoqasync/qoqa"
)

// The shops are listed, not searched, and each lands once; a shop made by
// hand in OpenERP under the same name is the one bound.
func TestShopsImport(t *testing.T) {
	t.Parallel()
	w := newImportWorld(t, onlySearched("shop"))
	handMade := w.erp.Seed("sale.shop", map[string]any{"name": "QoQa.ch"})[0]
	qoqaCH := w.qoqa.Seed("shop", qoqa.Shop{Name: "QoQa.ch", Domain: "qoqa.ch", Currency: "CHF"})[0]
	qwine := w.qoqa.Seed("shop", qoqa.Shop{Name: "Qwine.ch", Domain: "qwine.ch", Currency: "CHF"})[0]

	w.requireSynced()

	assert.Equal(t, handMade, w.local("shop", qoqaCH), "the shop of the same name is bound, not copied")
	assert.Equal(t, "Qwine.ch", w.record("sale.shop", w.local("shop", qwine))["name"])
	assert.Equal(t, 2, w.erp.Count("sale.shop"))

	before := w.erpWrites()
	w.qoqa.Touch("shop", qwine, map[string]any{"name": "Qwine"})
	w.requireSynced()
	assert.Equal(t, "Qwine", w.record("sale.shop", w.local("shop", qwine))["name"], "a renamed shop is renamed")
	before["sale.shop.write"]++
	assert.Equal(t, before, w.erpWrites())
}
