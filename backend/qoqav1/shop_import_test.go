package qoqav1_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
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

// A backend that gives shops an x_ reference field keeps their names only
// to adopt a shop made by hand: two QoQa shops of one name land on two
// OpenERP shops, the first on the hand-made one, and a create whose answer
// was lost is found again by its reference, not taken for the other.
func TestShopsWithAReferenceField(t *testing.T) {
	t.Parallel()
	w := newWorldWith(t, worldOptions{concurrency: 1, adjust: func(b *backend.Backend) {
		onlySearched("shop")(b)
		s := b.Models["shop"]
		s.RefField = "x_qoqa_ref"
		b.Models["shop"] = s
	}})
	w.erp.AddField("sale.shop", "x_qoqa_ref", openerptest.Field{Type: "char"})
	handMade := w.erp.Seed("sale.shop", map[string]any{"name": "QoQa"})[0]
	first := w.qoqa.Seed("shop", qoqa.Shop{Name: "QoQa", Domain: "qoqa.ch", Currency: "CHF"})[0]
	second := w.qoqa.Seed("shop", qoqa.Shop{Name: "QoQa", Domain: "qoqa.fr", Currency: "EUR"})[0]
	w.erp.CommitThenDropOn("sale.shop", "create", 1)

	w.requireSynced()

	assert.Equal(t, handMade, w.local("shop", first), "the hand-made shop is adopted by its name")
	made := w.local("shop", second)
	assert.NotEqual(t, handMade, made)
	assert.Equal(t, "shop/"+second.String(), w.record("sale.shop", made)["x_qoqa_ref"], "the whole reference")
	assert.Equal(t, 2, w.erp.Count("sale.shop"), "the lost create is found again, once")
}
