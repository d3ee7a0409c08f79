package qoqav1_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/backend/qoqav1"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/qoqa"
)

// An order on a variation that OpenERP exported sells the original OpenERP
// product, found through the binding the export made, and imports nothing
// of the catalogue again.
func TestOrderOnAnExportedVariationUsesTheOriginalProduct(t *testing.T) {
	t.Parallel()
	w := newImportWorld(t, onlySearched("order"))
	c := seedCatalogue(w.qoqa, 1, 1)
	tmpl := w.erp.Seed("product.template", map[string]any{"name": "Lamp"})[0]
	original := w.erp.Seed("product.product", map[string]any{"product_tmpl_id": tmpl, "default_code": "LAMP-ORIGINAL"})[0]
	for model, pair := range map[string][2]any{"product": {c.product, tmpl}, "variation": {c.variations[0], original}} {
		require.NoError(t, w.store.Bind(w.ctx, connector.Binding{Model: model, RemoteID: pair[0].(qoqa.ID).String(), LocalID: itoa(pair[1].(int64)), SyncedAt: time.Now()}))
	}
	products := w.erp.Count("product.product")
	o := seedOrder(w.qoqa, c, seedBuyer(w.qoqa, 1), 0, qoqa.OrderPaid)

	w.requireSynced()

	so := w.record("sale.order", w.local("order", o))
	var sold []int64
	for _, id := range so["order_line"].([]any) {
		sold = append(sold, many2one(w.record("sale.order.line", id.(int64))["product_id"]))
	}
	assert.Contains(t, sold, original, "the line sells the original product")
	offer := w.record("qoqa.offer", w.local("offer", c.offer))
	position := w.record("qoqa.offer.position", offer["position_ids"].([]any)[0].(int64))
	assert.Equal(t, original, many2one(position["product_id"]), "so does the offer of the history")
	assert.Equal(t, products, w.erp.Count("product.product"), "no copy of the product")
	assert.Zero(t, w.qoqa.Calls("variation", "GET")+w.qoqa.Calls("product", "GET"), "a bound variation is not imported")
}

// What an order of the history brings in (its offer, deal, products and
// variations, its voucher), active or archived on QoQa, is never sent back
// to QoQa, though those models are also exported: the imports leave the
// records as an export finds unchanged, and an archived one is no deletion
// to apply.
func TestHistoryIsNeverExportedBack(t *testing.T) {
	t.Parallel()
	exported := []string{"product", "variation", "offer", "voucher"}
	w := newWorldWith(t, worldOptions{
		adjust: func(b *backend.Backend) {
			for _, m := range exported {
				s := b.Models[m]
				s.ExportInterval = time.Minute
				b.Models[m] = s
			}
		},
		extend: bothWays(exported...),
	})
	// The products of the order lines are OpenERP's own, and an export
	// would send them: archived, they are out of the way.
	for typ := range qoqav1.DefaultLineProducts {
		variant := w.lineProduct(typ)
		tmpl := many2one(w.record("product.product", variant)["product_tmpl_id"])
		require.NoError(t, w.oc.Write(w.ctx, "product.product", []int64{variant}, openerp.Values{"active": false}, nil))
		require.NoError(t, w.oc.Write(w.ctx, "product.template", []int64{tmpl}, openerp.Values{"active": false}, nil))
	}
	active, archived := seedCatalogue(w.qoqa, 1, 2), seedCatalogue(w.qoqa, 2, 2)
	w.qoqa.Touch("product", archived.product, map[string]any{"is_active": false})
	w.qoqa.Touch("variation", archived.variations[1], map[string]any{"is_active": false})
	w.qoqa.Touch("offer", archived.offer, map[string]any{"is_active": false})
	b := seedBuyer(w.qoqa, 1)
	seedOrder(w.qoqa, active, b, seedVoucher(w.qoqa, b.customer, "GIFT"), qoqa.OrderShipped)
	seedOrder(w.qoqa, archived, b, 0, qoqa.OrderShipped)

	w.requireSynced() // the imports, and polls that find nothing yet
	w.requireSynced() // polls that find what the imports wrote
	require.True(t, w.flows.Imports["variation"].TwoWay, "the test syncs the models both ways")

	for _, m := range exported {
		for _, method := range []string{"POST", "PUT", "DELETE"} {
			assert.Zero(t, w.qoqa.Calls(m, method), "%s %s", method, m)
		}
	}
	assert.False(t, w.record("product.template", w.local("product", archived.product))["active"].(bool), "the archived product is archived in OpenERP too")
	assert.True(t, w.record("product.template", w.local("product", active.product))["active"].(bool))
}

// bothWays registers, on top of the default components, an export of
// each of models, so that they are synced both ways as they are once the
// exports are registered. Any export mapping will do: the tests that use it
// expect no export to map anything.
func bothWays(models ...string) func(t *testing.T, reg *backend.Registry) string {
	return func(t *testing.T, reg *backend.Registry) string {
		require.NoError(t, reg.AddVersion("both ways", qoqav1.Version))
		for _, m := range models {
			require.NoError(t, reg.Register("both ways", m, backend.Components{ExportMapper: connector.Mapping{Model: m}}))
		}
		return "both ways"
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// A variant found by its SKU keeps its template, whichever template the
// variation's product is bound to: variants that OpenERP holds, made by
// hand, on two templates for the variations of one QoQa product stay where
// they are, and the product is bound to the first template.
func TestVariantsFoundBySKUStayOnTheirTemplates(t *testing.T) {
	t.Parallel()
	w := newImportWorld(t, onlySearched("order"))
	c := seedCatalogue(w.qoqa, 1, 2)
	var templates, variants []int64
	for i := range 2 {
		tmpl := w.erp.Seed("product.template", map[string]any{"name": "Lampe " + strconv.Itoa(i)})[0]
		templates = append(templates, tmpl)
		variants = append(variants, w.erp.Seed("product.product", map[string]any{"product_tmpl_id": tmpl, "default_code": "LAMP-1-" + strconv.Itoa(i)})[0])
	}
	count := w.erp.Count("product.template")

	for _, v := range c.variations {
		require.NoError(t, w.flows.ImportDependency(w.ctx, "variation", v.String(), connector.ImportOptions{}))
	}

	assert.Equal(t, templates[0], w.local("product", c.product))
	for i, v := range c.variations {
		assert.Equal(t, variants[i], w.local("variation", v))
		assert.Equal(t, templates[i], many2one(w.record("product.product", variants[i])["product_tmpl_id"]), "variant %d stays on its template", i)
	}
	assert.Equal(t, count, w.erp.Count("product.template"), "no copy of a template")
}

// A variant added in OpenERP to a template of QoQa's history is part of
// that history: it is not sent to QoQa as a new variation of QoQa's
// product.
func TestVariantAddedToAHistoryTemplateIsNotExported(t *testing.T) {
	t.Parallel()
	w := newHistoryWorld(t)
	c := seedCatalogue(w.qoqa, 1, 1)
	seedOrder(w.qoqa, c, seedBuyer(w.qoqa, 1), 0, qoqa.OrderShipped)
	w.requireSynced()

	added := w.erp.Seed("product.product", map[string]any{"product_tmpl_id": w.local("product", c.product), "default_code": "LAMP-1-NEW"})[0]
	w.requireSynced()

	assert.Zero(t, w.qoqa.Calls("variation", "POST")+w.qoqa.Calls("product", "PUT"), "nothing is sent to QoQa")
	_, err := w.store.ByLocal(w.ctx, "variation", itoa(added))
	assert.ErrorIs(t, err, connector.ErrNotBound)
}

// The import of a product, variation or offer that OpenERP authored and
// exported (a forced import, or a search the host gave the model) does not
// write QoQa's copy over OpenERP's record: it would make the record look
// like QoQa's history, which is never exported again.
func TestImportLeavesAnAuthoredProductAlone(t *testing.T) {
	t.Parallel()
	w := newHistoryWorld(t)
	tmpl := w.erp.Seed("product.template", map[string]any{"name": "Lampe"})[0]
	variant := w.erp.Seed("product.product", map[string]any{"name": "Lampe", "product_tmpl_id": tmpl, "default_code": "LAMP", "ean13": "7610000000017"})[0]
	w.requireSynced()
	remote := mustID(w.bound("variation", variant).RemoteID)
	w.qoqa.Touch("variation", remote, map[string]any{"ean": "4006381333931"}) // edited on QoQa

	err := w.flows.ImportDependency(w.ctx, "variation", remote.String(), connector.ImportOptions{Force: true})
	var nothing *connector.NothingToDoError
	require.ErrorAs(t, err, &nothing)
	assert.Equal(t, "7610000000017", w.record("product.product", variant)["ean13"], "OpenERP's EAN is left")

	w.write("product.product", variant, openerp.Values{"ean13": "7610000000024"})
	w.requireSynced()
	got, _ := w.qoqa.Record("variation", remote)
	assert.Equal(t, "7610000000024", got["ean"], "and the variant is still exported")
}
