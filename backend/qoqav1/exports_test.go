package qoqav1_test

import (
	"maps"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/backend/qoqav1"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
	"github.com/qoqasync/qoqasync/qoqa"
)

// The default intervals fill what a host left unset, and only that.
func TestApplyExportDefaults(t *testing.T) {
	t.Parallel()
	b := &backend.Backend{Models: map[string]backend.ModelSettings{
		"offer":   {ExportInterval: time.Hour, DeletePolicy: connector.IgnoreDelete},
		"voucher": {LocalModel: "x.voucher"},
	}}
	qoqav1.ApplyExportDefaults(b)
	defaults := qoqav1.DefaultExportIntervals()
	for _, model := range []string{"product", "variation", "offer", "voucher", "shipment"} {
		require.Positive(t, defaults[model], model)
	}
	assert.Equal(t, time.Hour, b.Models["offer"].ExportInterval, "a host's interval stays")
	assert.Equal(t, connector.IgnoreDelete, b.Models["offer"].DeletePolicy, "other settings stay")
	assert.Equal(t, "x.voucher", b.Models["voucher"].LocalModel)
	for model, d := range defaults {
		if model != "offer" {
			assert.Equal(t, d, b.Models[model].ExportInterval, model)
		}
	}
	assert.Less(t, defaults["offer"], defaults["product"], "offers and shipments are time-bound; products can wait")
}

// qoqaWrites counts the calls that write to QoQa: what a run with no change
// must not make.
func (w *world) qoqaWrites() int {
	n := 0
	for _, endpoint := range []string{"product", "variation", "offer", "voucher", "order"} {
		for _, method := range []string{"POST", "PUT", "DELETE"} {
			n += w.qoqa.Calls(endpoint, method)
		}
	}
	return n
}

// write changes an OpenERP record as a user would, over XML-RPC.
func (w *world) write(model string, id int64, vals openerp.Values) {
	w.t.Helper()
	require.NoError(w.t, w.oc.Write(w.ctx, model, []int64{id}, vals, nil))
}

// translate writes the text of translatable fields in lang.
func (w *world) translate(model string, id int64, lang string, vals openerp.Values) {
	w.t.Helper()
	require.NoError(w.t, w.oc.Write(w.ctx, model, []int64{id}, vals, openerp.Context{"lang": lang}))
}

// bind stores a binding as the imports would have: shops, deals, customers
// and orders come from QoQa.
func (w *world) bind(model string, localID int64, remoteID qoqa.ID) {
	w.t.Helper()
	require.NoError(w.t, w.store.Bind(w.ctx, connector.Binding{Model: model, LocalID: itoa(localID), RemoteID: remoteID.String(), SyncedAt: time.Now()}))
}

// bound is the binding of a local record, which must exist.
func (w *world) bound(model string, localID int64) connector.Binding {
	w.t.Helper()
	b, err := w.store.ByLocal(w.ctx, model, itoa(localID))
	require.NoError(w.t, err, "%s %d is not bound", model, localID)
	return b
}

// remote is the QoQa record bound to a local one, as the API sends it.
func (w *world) remote(model, endpoint string, localID int64) map[string]any {
	w.t.Helper()
	b := w.bound(model, localID)
	rec, ok := w.qoqa.Record(endpoint, mustID(b.RemoteID))
	require.True(w.t, ok, "%s %s is not on QoQa", endpoint, b.RemoteID)
	return rec
}

// exporting is a newWorld adjustment: the default export intervals.
func exporting(b *backend.Backend) { qoqav1.ApplyExportDefaults(b) }

// A database that renames models and fields says so in the backend's
// settings, and the exports read those names.
func TestExportsFollowTheBackendsNames(t *testing.T) {
	t.Parallel()
	models := openerptest.DefaultModels()
	models["x.gift"] = maps.Clone(models["qoqa.voucher"])
	models["x.gift"]["x_value"] = openerptest.Field{Type: "float"}
	models["product.template"]["x_web_text"] = openerptest.Field{Type: "text", Translate: true}
	models["product.template"]["x_label"] = openerptest.Field{Type: "char"}
	w := newWorldOn(t, openerptest.Options{Models: models}, func(b *backend.Backend) {
		exporting(b)
		b.Models["voucher"] = backend.ModelSettings{ExportInterval: time.Minute, LocalModel: "x.gift", Fields: map[string]string{"amount": "x_value"}}
		b.Models["product"] = backend.ModelSettings{ExportInterval: time.Minute, Fields: map[string]string{"description_sale": "x_web_text", "x_brand": "x_label"}}
		b.Models["shipment"] = backend.ModelSettings{ExportInterval: time.Minute, LocalModel: "stock.picking"} // a 7.0 with a module that merges them
	})
	gift := w.erp.Seed("x.gift", map[string]any{"code": "G", "x_value": 12.5})[0]
	lamp := w.erp.Seed("product.template", map[string]any{"name": "Lampe", "x_web_text": "Une lampe", "x_label": "Lumo", "description_sale": "not this one"})[0]
	seedVariant(w, lamp)
	order := w.qoqa.Seed("order", qoqa.Order{Status: "paid"})[0]
	partner := w.erp.Seed("res.partner", map[string]any{"name": "Ada"})[0]
	sale := w.erp.Seed("sale.order", map[string]any{"partner_id": partner})[0]
	w.bind("order", sale, order)
	w.erp.Seed("stock.picking", map[string]any{"sale_id": sale, "carrier_tracking_ref": "99.1"})

	w.requireSynced()
	assert.Equal(t, float64(1250), w.remote("voucher", "voucher", gift)["amount"])
	entry := w.remote("product", "product", lamp)["translations"].([]any)[0].(map[string]any)
	assert.Equal(t, "Une lampe", entry["description"])
	assert.Equal(t, "Lumo", entry["brand"])
	assert.Equal(t, 1, w.qoqa.Calls("order", "PUT"))
}

// A record QoQa refuses (422) fails its job at once, with a message that
// names the model, the OpenERP ID and the field; the other records go on.
func TestQoQaRefusalFailsThatJobOnly(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		model, field string
		// seed returns the records of which one is refused, and those
		// that must go through.
		seed func(w *world) (refused, fine []int64)
	}{
		{model: "voucher", field: "amount", seed: func(w *world) ([]int64, []int64) {
			ids := w.erp.Seed("qoqa.voucher", map[string]any{"code": "BAD", "amount": -5.0}, map[string]any{"code": "GOOD", "amount": 5.0})
			return ids[:1], ids[1:]
		}},
		{model: "variation", field: "sku", seed: func(w *world) ([]int64, []int64) {
			l := seedLamp(w)
			twin := w.erp.Seed("product.product", map[string]any{"name": "Lampe", "product_tmpl_id": l.template, "default_code": "LAMP-1"})[0]
			return []int64{l.variant, twin}, nil // either one was first
		}},
		{model: "offer", field: "stop_at", seed: func(w *world) ([]int64, []int64) {
			l := seedLamp(w)
			good, _, _ := seedOffer(w, l)
			bad, _, _ := seedOffer(w, l)
			w.write("qoqa.offer", bad, openerp.Values{"date_end": "2026-02-01 08:00:00"})
			return []int64{bad}, []int64{good}
		}},
	} {
		t.Run(c.model, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, exporting)
			refused, fine := c.seed(w)
			failed := w.sync()
			require.Len(t, failed, 1)
			job := failed[0]
			assert.Equal(t, connector.KindExport, job.Kind)
			assert.Equal(t, c.model, job.Model)
			assert.Contains(t, refused, mustInt(t, job.RecordID))
			for _, want := range []string{c.model + " " + job.RecordID, c.field, "422"} {
				assert.Contains(t, job.LastError, want)
			}
			assert.Equal(t, 1, job.Attempt, "a refusal is not retried")
			for _, id := range fine {
				w.bound(c.model, id)
			}
		})
	}
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	require.NoError(t, err)
	return n
}
