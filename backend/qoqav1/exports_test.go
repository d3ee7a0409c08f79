package qoqav1_test

import (
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
	var id qoqa.ID
	require.NoError(w.t, id.UnmarshalJSON([]byte(b.RemoteID)))
	rec, ok := w.qoqa.Record(endpoint, id)
	require.True(w.t, ok, "%s %s is not on QoQa", endpoint, b.RemoteID)
	return rec
}

// exporting is a newWorld adjustment: the default export intervals.
func exporting(b *backend.Backend) { qoqav1.ApplyExportDefaults(b) }
