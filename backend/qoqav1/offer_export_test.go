package qoqav1_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/qoqa"
)

// offerOnly is a newWorld adjustment that polls offers alone: what an offer
// needs is exported by the offer's own job.
func offerOnly(b *backend.Backend) {
	b.Models["offer"] = backend.ModelSettings{ExportInterval: time.Minute}
}

// seedOffer seeds a shop and a deal that came from QoQa (bound), and an
// offer of the lamp's variant.
func seedOffer(w *world, l lamp) (offer int64, shop, deal qoqa.ID) {
	w.t.Helper()
	shop = w.qoqa.Seed("shop", qoqa.Shop{Name: "QoQa", Currency: "CHF"})[0]
	deal = w.qoqa.Seed("deal", qoqa.Deal{ShopID: shop, IsActive: true})[0]
	localShop := w.erp.Seed("sale.shop", map[string]any{"name": "QoQa"})[0]
	localDeal := w.erp.Seed("qoqa.deal", map[string]any{"name": "Lamps week"})[0]
	w.bind("shop", localShop, shop)
	w.bind("deal", localDeal, deal)
	offer = w.erp.Seed("qoqa.offer", map[string]any{
		"name": "Lampe du jour", "description": "Une lampe", "shop_id": localShop, "deal_id": localDeal,
		"date_begin": "2026-03-01 08:00:00", "date_end": "2026-03-02 08:00:00", "currency": "CHF",
		"position_ids": []any{openerp.CmdCreate(openerp.Values{
			"product_id": l.variant, "unit_price": 29.9, "regular_price": 49.0, "lot_size": int64(1), "max_sellable": int64(3),
		})},
	})[0]
	w.translate("qoqa.offer", offer, "fr_FR", openerp.Values{"name": "Lampe du jour", "description": "Une lampe"})
	w.translate("qoqa.offer", offer, "de_DE", openerp.Values{"name": "Leuchte des Tages", "description": "Eine Leuchte"})
	return offer, shop, deal
}

// An offer authored in OpenERP exports first the variants QoQa lacks (and
// so their templates), then is created with every field of the contract; a
// change of a position updates it under its QoQa ID, a run without change
// sends nothing, and a deleted offer is deleted on QoQa.
func TestOfferExport(t *testing.T) {
	t.Parallel()
	w := newWorld(t, offerOnly)
	l := seedLamp(w)
	offer, shop, deal := seedOffer(w, l)

	w.requireSynced()
	assert.Equal(t, 1, w.qoqa.Calls("product", "POST"), "the variant's template is exported first")
	assert.Equal(t, 1, w.qoqa.Calls("variation", "POST"), "the unbound variant is exported first")
	variation := w.remote("variation", "variation", l.variant)
	assert.Equal(t, map[string]any{
		"shop_id": float64(shop), "deal_id": float64(deal),
		"start_at": "2026-03-01T08:00:00+0000", "stop_at": "2026-03-02T08:00:00+0000",
		"is_active": true, "currency": "CHF",
		"translations": []any{
			map[string]any{"language_id": float64(1), "title": "Lampe du jour", "content": "Une lampe"},
			map[string]any{"language_id": float64(2), "title": "Leuchte des Tages", "content": "Eine Leuchte"},
		},
		"positions": []any{map[string]any{
			"variation_id": float64(variation["id"].(int64)), "unit_price": float64(2990), "regular_price": float64(4900),
			"lot_size": float64(1), "max_sellable": float64(3),
		}},
	}, contractFields(w.remote("offer", "offer", offer)))

	rec, ok := w.erp.Get("qoqa.offer", offer, "")
	require.True(t, ok)
	position := rec["position_ids"].([]any)[0].(int64)
	w.write("qoqa.offer", offer, openerp.Values{"position_ids": []any{openerp.CmdUpdate(position, openerp.Values{"unit_price": 24.5})}})
	w.requireSynced()
	assert.Equal(t, 1, w.qoqa.Calls("offer", "POST"), "a change creates nothing")
	assert.Equal(t, 1, w.qoqa.Calls("offer", "PUT"))
	positions := w.remote("offer", "offer", offer)["positions"].([]any)
	assert.Equal(t, float64(2450), positions[0].(map[string]any)["unit_price"], "updated under the stored ID")

	writes := w.qoqaWrites()
	w.requireSynced()
	assert.Equal(t, writes, w.qoqaWrites(), "a run with no change sends nothing")

	require.NoError(t, w.oc.Unlink(w.ctx, "qoqa.offer", []int64{offer}))
	w.requireSynced()
	assert.Equal(t, 1, w.qoqa.Calls("offer", "DELETE"), "a deleted offer is deleted on QoQa")
	assert.Zero(t, w.qoqa.Count("offer"))
}

// A host that knows an offer changed queues its export through the poller,
// without waiting for the next poll.
func TestOfferQueuedByTheHost(t *testing.T) {
	t.Parallel()
	w := newWorld(t, offerOnly)
	offer, _, _ := seedOffer(w, seedLamp(w))

	res, err := w.flows.Pollers["offer"].QueueExport(w.ctx, itoa(offer), connector.ExportOptions{})
	require.NoError(t, err)
	assert.False(t, res.Duplicate)
	for _, j := range w.idle() {
		t.Errorf("failed: %s: %s", j, j.LastError)
	}
	assert.Equal(t, 1, w.qoqa.Calls("offer", "POST"))
	w.bound("offer", offer)
}

// An offer whose shop or deal did not come from QoQa fails with a message
// naming the offer and the field.
func TestOfferWithAnUnboundShopFails(t *testing.T) {
	t.Parallel()
	w := newWorld(t, offerOnly)
	offer, _, _ := seedOffer(w, seedLamp(w))
	other := w.erp.Seed("sale.shop", map[string]any{"name": "Not on QoQa"})[0]
	w.write("qoqa.offer", offer, openerp.Values{"shop_id": other})

	failed := w.sync()
	require.Len(t, failed, 1)
	for _, want := range []string{"offer", itoa(offer), "shop_id"} {
		assert.Contains(t, failed[0].LastError, want)
	}
	assert.Zero(t, w.qoqa.Calls("offer", "POST"))
}
