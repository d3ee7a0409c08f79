package qoqav1_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/qoqa"
)

// An import of QoQa's history that stopped right after its create (the
// read-back or the last bind failed: a fault, a crash) leaves its pair
// bound as ImportFlow.create binds it, marked under way by the import and
// with neither hash yet. Archiving or deleting that record in OpenERP
// before the retry finishes it must still leave QoQa's record alone: no
// export ever wrote the pair, so OpenERP never owned it.
func TestReview16HistoryHalfImportedRetiredInOpenERPIsKeptOnQoQa(t *testing.T) {
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
				local := w.local(model, remote)
				// The binding as the import's create leaves it.
				require.NoError(t, w.store.Bind(w.ctx, connector.Binding{Model: model, RemoteID: remote.String(), LocalID: itoa(local), Writing: connector.Import}))
				before, ok := w.qoqa.Record(model, remote)
				require.True(t, ok)
				puts, deletes := w.qoqa.Calls(model, "PUT"), w.qoqa.Calls(model, "DELETE")

				r.do(w, erpModel, local)
				// The deletion the export poll queues runs before the
				// import's retry, which then finishes the pair.
				err := w.flows.Deletes[model].Delete(w.ctx, itoa(local))
				var nothing *connector.NothingToDoError
				if !errors.As(err, &nothing) {
					require.NoError(t, err)
				}
				_, err = w.queue.Enqueue(w.ctx, connector.Job{Kind: connector.KindImport, Model: model, RecordID: remote.String()})
				require.NoError(t, err)
				w.requireSynced()

				assert.Equal(t, puts, w.qoqa.Calls(model, "PUT"), "QoQa's %s of the history is not written", model)
				assert.Equal(t, deletes, w.qoqa.Calls(model, "DELETE"), "QoQa's %s of the history is not deleted", model)
				after, ok := w.qoqa.Record(model, remote)
				require.True(t, ok, "QoQa's %s still exists", model)
				assert.Equal(t, before, after)
			})
		}
	}
}
