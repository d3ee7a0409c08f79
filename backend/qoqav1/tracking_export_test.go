package qoqav1_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
	"github.com/qoqasync/qoqasync/qoqa"
)

// A shipment's tracking number reaches the QoQa order it ships once; a
// changed number is sent again; a shipment of an order that did not come
// from QoQa sends nothing. The shipments are OpenERP 7.0's
// stock.picking.out, Odoo 8's stock.picking.
func TestTrackingExport(t *testing.T) {
	t.Parallel()
	for version, model := range map[int]string{7: "stock.picking.out", 8: "stock.picking"} {
		t.Run(fmt.Sprint("OpenERP ", version), func(t *testing.T) {
			t.Parallel()
			w := newWorldOn(t, openerptest.Options{Version: version}, exporting)
			order := w.qoqa.Seed("order", qoqa.Order{Status: "paid"})[0]
			partner := w.erp.Seed("res.partner", map[string]any{"name": "Ada"})[0]
			sales := w.erp.Seed("sale.order", map[string]any{"partner_id": partner}, map[string]any{"partner_id": partner})
			w.bind("order", sales[0], order) // the second order was made in OpenERP
			carrier := w.erp.Seed("delivery.carrier", map[string]any{"name": "swisspost"})[0]
			shipped := w.erp.Seed(model,
				map[string]any{"sale_id": sales[0], "carrier_tracking_ref": "99.00.1", "carrier_id": carrier},
				map[string]any{"sale_id": sales[0]}, // no number yet
				map[string]any{"sale_id": sales[1], "carrier_tracking_ref": "ELSEWHERE"},
			)
			trackings := func() []any {
				rec, ok := w.qoqa.Record("order", order)
				require.True(t, ok)
				list, _ := rec["trackings"].([]any)
				return list
			}

			w.requireSynced()
			assert.Equal(t, 1, w.qoqa.Calls("order", "PUT"), "one number, sent once")
			assert.Equal(t, []any{map[string]any{"number": "99.00.1", "carrier": "swisspost"}}, trackings())

			w.requireSynced()
			assert.Equal(t, 1, w.qoqa.Calls("order", "PUT"), "a run with no change sends nothing")

			w.write(model, shipped[1], openerp.Values{"carrier_tracking_ref": "99.00.2"})
			w.requireSynced()
			assert.Equal(t, 2, w.qoqa.Calls("order", "PUT"), "a number added later is sent")
			w.write(model, shipped[0], openerp.Values{"carrier_tracking_ref": "99.00.3"})
			w.requireSynced()
			assert.Equal(t, 3, w.qoqa.Calls("order", "PUT"), "a changed number is sent again")
			var numbers []any
			for _, tr := range trackings() {
				numbers = append(numbers, tr.(map[string]any)["number"])
			}
			assert.Equal(t, []any{"99.00.1", "99.00.2", "99.00.3"}, numbers, "the number of another order is not sent")
		})
	}
}

// The shipments' model is picked by the server's version, at the first call:
// a server out of reach then retries the job, and names nothing wrong.
func TestShipmentsModelWaitsForTheServer(t *testing.T) {
	t.Parallel()
	w := newWorld(t, exporting)
	w.erp.Fail503(1)
	_, err := w.flows.Exports["shipment"].Local.Read(w.ctx, "1")
	assert.True(t, connector.IsRetryable(err), "%v", err)
	w.erp.Seed("stock.picking.out", map[string]any{"carrier_tracking_ref": "99.1"})
	rec, err := w.flows.Exports["shipment"].Local.Read(w.ctx, "1")
	require.NoError(t, err)
	assert.Equal(t, "99.1", rec.Fields["carrier_tracking_ref"])
}

// The carrier goes with a number, and only with a number: QoQa keeps a
// number's carrier as first sent, so a carrier set afterwards sends
// nothing, and goes to QoQa with the next number.
func TestTrackingCarrierGoesWithTheNextNumber(t *testing.T) {
	t.Parallel()
	w := newWorld(t, exporting)
	order := w.qoqa.Seed("order", qoqa.Order{Status: "paid"})[0]
	partner := w.erp.Seed("res.partner", map[string]any{"name": "Ada"})[0]
	sale := w.erp.Seed("sale.order", map[string]any{"partner_id": partner})[0]
	w.bind("order", sale, order)
	picking := w.erp.Seed("stock.picking.out", map[string]any{"sale_id": sale, "carrier_tracking_ref": "99.00.1"})[0]
	w.requireSynced()

	carrier := w.erp.Seed("delivery.carrier", map[string]any{"name": "swisspost"})[0]
	w.write("stock.picking.out", picking, openerp.Values{"carrier_id": carrier})
	w.requireSynced()
	require.Equal(t, 1, w.qoqa.Calls("order", "PUT"), "a carrier alone sends nothing")

	w.write("stock.picking.out", picking, openerp.Values{"carrier_tracking_ref": "99.00.2"})
	w.requireSynced()
	assert.Equal(t, 2, w.qoqa.Calls("order", "PUT"))
	rec, ok := w.qoqa.Record("order", order)
	require.True(t, ok)
	assert.Equal(t, []any{
		map[string]any{"number": "99.00.1", "carrier": ""},
		map[string]any{"number": "99.00.2", "carrier": "swisspost"},
	}, rec["trackings"])
}
