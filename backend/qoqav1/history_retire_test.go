package qoqav1_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/qoqa"
)

// A product, variation or offer of QoQa's history exists in OpenERP only so
// that past orders land complete. Archiving or deleting it in OpenERP
// (tidying up the catalogue) must not delete nor archive QoQa's record,
// whatever the model's deletion policy: OpenERP never owned it.
func TestHistoryRetiredInOpenERPIsKeptOnQoQa(t *testing.T) {
	t.Parallel()
	models := map[string]string{"product": "product.template", "variation": "product.product"}
	for _, r := range historyRetirements {
		for model, erpModel := range models {
			t.Run(r.name+" "+model, func(t *testing.T) {
				t.Parallel()
				w := newHistoryWorld(t)
				c := seedCatalogue(w.qoqa, 1, 1)
				seedOrder(w.qoqa, c, seedBuyer(w.qoqa, 1), 0, qoqa.OrderShipped)
				w.requireSynced()
				remote := map[string]qoqa.ID{"variation": c.variations[0], "product": c.product}[model]
				before, ok := w.qoqa.Record(model, remote)
				require.True(t, ok)

				r.do(w, erpModel, w.local(model, remote))
				w.requireSynced()

				assert.Zero(t, w.qoqa.Calls(model, "DELETE")+w.qoqa.Calls(model, "PUT"), "QoQa's %s of the history is left alone", model)
				after, ok := w.qoqa.Record(model, remote)
				require.True(t, ok, "QoQa's %s still exists", model)
				assert.Equal(t, before, after)
			})
		}
	}
}

// historyRetirements are the ways OpenERP retires a record of QoQa's
// history: archiving it, deleting it.
var historyRetirements = []struct {
	name string
	do   func(w *world, model string, id int64)
}{
	{"archived", func(w *world, model string, id int64) {
		require.NoError(w.t, w.oc.Write(w.ctx, model, []int64{id}, openerp.Values{"active": false}, nil))
	}},
	{"deleted", func(w *world, model string, id int64) {
		require.NoError(w.t, w.oc.Unlink(w.ctx, model, []int64{id}))
	}},
}
