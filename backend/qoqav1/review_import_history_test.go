package qoqav1_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/backend/qoqav1"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/qoqa"
)

// newHistoryWorld is a world that imports and exports as the whole backend
// does (the exports polled at their default intervals), whose line
// products are archived so that no export sends them.
func newHistoryWorld(t *testing.T) *world {
	t.Helper()
	w := newWorldWith(t, worldOptions{adjust: func(b *backend.Backend) {
		onlySearched("order")(b)
		qoqav1.ApplyExportDefaults(b)
		s := b.Models["shipment"]
		s.ExportInterval = 0
		b.Models["shipment"] = s
	}})
	for typ := range qoqav1.DefaultLineProducts {
		variant := w.lineProduct(typ)
		tmpl := many2one(w.record("product.product", variant)["product_tmpl_id"])
		require.NoError(t, w.oc.Write(w.ctx, "product.product", []int64{variant}, openerp.Values{"active": false}, nil))
		require.NoError(t, w.oc.Write(w.ctx, "product.template", []int64{tmpl}, openerp.Values{"active": false}, nil))
	}
	return w
}

// Finding 4. "Orders of the history point at offers, deals, products and
// variations that exist only on QoQa: those are imported too ... and they
// are never exported back." authoredOnly, which keeps them from being
// exported "for good, edited or not", tells them by the reference the
// import wrote (RefOf). A variant keeps none: its reference is a natural
// key (default_code), so its adapter has no RefField and RefOf is always
// "". A template keeps none unless the backend sets a RefField. So once
// someone edits such a record in OpenERP (a sale description, an EAN, as
// one does with a product that sold), its export PUTs OpenERP's version
// over QoQa's record.
func TestReviewImportHistoryEditedInOpenERPIsNotExportedBack(t *testing.T) {
	t.Parallel()
	for _, model := range []string{"variation", "product"} {
		t.Run(model, func(t *testing.T) {
			t.Parallel()
			w := newHistoryWorld(t)
			c := seedCatalogue(w.qoqa, 1, 1)
			seedOrder(w.qoqa, c, seedBuyer(w.qoqa, 1), 0, qoqa.OrderShipped)
			w.requireSynced()
			w.requireSynced()
			require.Zero(t, w.qoqa.Calls(model, "PUT")+w.qoqa.Calls(model, "POST"), "nothing is exported back right after the import")

			switch model {
			case "variation":
				variant := w.local("variation", c.variations[0])
				require.NoError(t, w.oc.Write(w.ctx, "product.product", []int64{variant}, openerp.Values{"ean13": "7610000000008"}, nil))
			case "product":
				tmpl := w.local("product", c.product)
				require.NoError(t, w.oc.Write(w.ctx, "product.template", []int64{tmpl}, openerp.Values{"description_sale": "Une lampe, vendue en 2026"}, openerp.Context{"lang": "fr_FR"}))
			}
			before, _ := w.qoqa.Record(model, map[string]qoqa.ID{"variation": c.variations[0], "product": c.product}[model])
			w.requireSynced()

			assert.Zero(t, w.qoqa.Calls(model, "PUT")+w.qoqa.Calls(model, "POST"), "a %s of the history is never exported back", model)
			after, _ := w.qoqa.Record(model, map[string]qoqa.ID{"variation": c.variations[0], "product": c.product}[model])
			assert.Equal(t, before, after, "QoQa's record is left as it was")
		})
	}
}

// Finding 5. Records made twice, relations broken: a variant that OpenERP
// holds unbound under the QoQa SKU (made by hand, or bound once and its
// binding lost) is found again by its SKU, as the natural key means it to
// be; but its template is not: a template keeps no reference, so the
// variation's dependency imports the QoQa product as a new template, and
// the variation's import then writes product_tmpl_id, moving the original
// variant onto that copy. The original template is left without its
// variant, and the catalogue holds the product twice.
func TestReviewImportVariantFoundBySKUKeepsItsTemplate(t *testing.T) {
	t.Parallel()
	w := newImportWorld(t, onlySearched("order"))
	c := seedCatalogue(w.qoqa, 1, 1)
	tmpl := w.erp.Seed("product.template", map[string]any{"name": "Lampe 1"})[0]
	variant := w.erp.Seed("product.product", map[string]any{"product_tmpl_id": tmpl, "default_code": "LAMP-1-0"})[0] // the QoQa variation's SKU
	templates := w.erp.Count("product.template")
	o := seedOrder(w.qoqa, c, seedBuyer(w.qoqa, 1), 0, qoqa.OrderPaid)

	w.requireSynced()

	require.Equal(t, variant, w.local("variation", c.variations[0]), "the variant of that SKU is bound")
	sold := many2one(w.record("sale.order.line", w.record("sale.order", w.local("order", o))["order_line"].([]any)[0].(int64))["product_id"])
	assert.Equal(t, variant, sold)
	assert.Equal(t, tmpl, many2one(w.record("product.product", variant)["product_tmpl_id"]), "the variant stays on its template")
	assert.Equal(t, templates, w.erp.Count("product.template"), "no copy of its template")
}

// Finding 4, a second way. The history's template whose create answer is
// lost stands in OpenERP unbound until the retry, with no reference in it
// (templates keep none by default). CheckImports warns that the retry then
// creates it twice in OpenERP; it does not say that the product export,
// polled every 5 minutes, finds it first: unbound and with no reference,
// it is taken for a product authored in OpenERP and POSTed to QoQa, a copy
// of QoQa's own product in QoQa's catalogue.
func TestReviewImportLostTemplateAnswerIsNotExportedAsNew(t *testing.T) {
	t.Parallel()
	w := newHistoryWorld(t)
	c := seedCatalogue(w.qoqa, 1, 1)
	w.erp.CommitThenDropOn("product.template", "create", 1)
	err := w.flows.ImportDependency(w.ctx, "variation", c.variations[0].String(), connector.ImportOptions{})
	require.Error(t, err, "the answer of the template's create is lost")

	w.requireSynced() // the export polls run before the import's retry

	assert.Zero(t, w.qoqa.Calls("product", "POST"), "QoQa's product is not sent back as a new one")
	assert.Equal(t, 1, w.qoqa.Count("product"))
}
