package qoqav1_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/adapter"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/qoqa"
)

// A gift voucher authored in OpenERP is created on QoQa with every field of
// the contract, updated under its QoQa ID when it changes, sent no more when
// it does not, and left on QoQa when it is archived or deleted.
func TestVoucherExport(t *testing.T) {
	t.Parallel()
	w := newWorld(t, exporting)
	customer := w.qoqa.Seed("customer", qoqa.Customer{Firstname: "Ada"})[0]
	partners := w.erp.Seed("res.partner", map[string]any{"name": "Ada"}, map[string]any{"name": "Bob"})
	w.bind("customer", partners[0], customer) // Bob is no QoQa customer
	vouchers := w.erp.Seed("qoqa.voucher",
		map[string]any{"name": "Birthday", "code": "GIFT-A", "partner_id": partners[0], "amount": 50.0, "remaining_amount": 20.05,
			"currency": "CHF", "date_start": "2026-02-01", "date_expire": "2026-12-31", "description": "For Ada"},
		map[string]any{"code": "GIFT-B", "partner_id": partners[1], "amount": 29.95, "remaining_amount": 29.95, "currency": "EUR"},
	)

	w.requireSynced()
	assert.Equal(t, 2, w.qoqa.Calls("voucher", "POST"))
	assert.Equal(t, map[string]any{
		"code": "GIFT-A", "customer_id": float64(customer), "amount": float64(5000), "remaining_amount": float64(2005),
		"currency": "CHF", "start_at": "2026-02-01T00:00:00+0000", "stop_at": "2026-12-31T23:59:59+0000",
		"description": "For Ada", "is_active": true,
	}, contractFields(w.remote("voucher", "voucher", vouchers[0])))
	b := w.remote("voucher", "voucher", vouchers[1])
	assert.Nil(t, b["customer_id"], "a partner who is no QoQa customer: no customer")
	assert.Equal(t, float64(2995), b["amount"])

	w.write("qoqa.voucher", vouchers[0], openerp.Values{"amount": 60.0})
	w.requireSynced()
	assert.Equal(t, 2, w.qoqa.Calls("voucher", "POST"), "a change creates nothing")
	assert.Equal(t, 1, w.qoqa.Calls("voucher", "PUT"))
	assert.Equal(t, float64(6000), w.remote("voucher", "voucher", vouchers[0])["amount"], "updated under the stored ID")

	writes := w.qoqaWrites()
	w.requireSynced()
	assert.Equal(t, writes, w.qoqaWrites(), "a run with no change sends nothing")

	w.write("qoqa.voucher", vouchers[0], openerp.Values{"active": false})
	require.NoError(t, w.oc.Unlink(w.ctx, "qoqa.voucher", []int64{vouchers[1]}))
	w.requireSynced()
	assert.Equal(t, writes, w.qoqaWrites(), "vouchers are left alone on QoQa")
	assert.Equal(t, 2, w.qoqa.Count("voucher"))
	assert.Equal(t, connector.RemoteKept, w.bound("voucher", vouchers[0]).RemoteState)
	_, err := w.store.ByLocal(w.ctx, "voucher", itoa(vouchers[1]))
	assert.ErrorIs(t, err, connector.ErrNotBound, "a deleted voucher's binding goes")
}

// contractFields drops what QoQa computes, to compare what was sent.
func contractFields(rec map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range rec {
		switch k {
		case "id", "created_at", "updated_at", "variation_ids":
			continue
		}
		out[k] = v
	}
	return out
}

// What an import just wrote is not exported back: a voucher that came from
// QoQa, written into OpenERP by an import that reads its write back (as a
// model synced both ways does), sends nothing on the next export poll.
func TestVoucherJustImportedIsNotExportedBack(t *testing.T) {
	t.Parallel()
	w := newWorld(t, exporting)
	remote := w.qoqa.Seed("voucher", qoqa.Voucher{Code: "QOQA-1", Amount: 1500, RemainingAmount: 1500, IsActive: true})[0]
	imports := &connector.ImportFlow{
		Model: "voucher", Remote: adapter.NewQoQa(w.qc, "voucher"), Local: w.flows.Exports["voucher"].Local, Binder: w.store, TwoWay: true,
		Mapper: connector.Mapping{Rules: []connector.Rule{
			connector.Field("code", "code"),
			connector.Field("amount", "amount", connector.CentsToAmount),
			connector.Field("remaining_amount", "remaining_amount", connector.CentsToAmount),
			connector.Field("is_active", "active"),
		}},
	}
	require.NoError(t, imports.Import(w.ctx, remote.String(), connector.ImportOptions{}))

	w.requireSynced()
	assert.Zero(t, w.qoqaWrites(), "the import's write is not sent back")
	assert.Equal(t, 1, w.qoqa.Count("voucher"))
}

// A create whose answer is lost is retried under the same reference, which
// QoQa's idempotency turns into the first create's answer: one voucher.
func TestVoucherCreateWhoseAnswerIsLostIsMadeOnce(t *testing.T) {
	t.Parallel()
	w := newWorld(t, exporting)
	id := w.erp.Seed("qoqa.voucher", map[string]any{"code": "GIFT", "amount": 5.0})[0]
	w.qoqa.CommitThenDrop(1)

	w.requireSynced()
	assert.Equal(t, 2, w.qoqa.Calls("voucher", "POST"), "the create was sent again")
	assert.Equal(t, 1, w.qoqa.Count("voucher"), "and made once")
	assert.Equal(t, "GIFT", w.remote("voucher", "voucher", id)["code"])
}

// Once a voucher is on QoQa, its balance is QoQa's: customers spend it
// there. An update for another change keeps the balance QoQa holds, where
// sending OpenERP's would give back what was spent.
func TestVoucherUpdateKeepsQoQasBalance(t *testing.T) {
	t.Parallel()
	w := newWorld(t, exporting)
	id := w.erp.Seed("qoqa.voucher", map[string]any{"code": "GIFT", "amount": 50.0, "remaining_amount": 50.0})[0]
	w.requireSynced()
	remoteID := mustID(w.bound("voucher", id).RemoteID)
	w.qoqa.Touch("voucher", remoteID, map[string]any{"remaining_amount": 1250}) // an order spent 37.50

	w.write("qoqa.voucher", id, openerp.Values{"description": "Prize of the contest"})
	w.requireSynced()
	assert.Equal(t, 1, w.qoqa.Calls("voucher", "PUT"))
	v := w.remote("voucher", "voucher", id)
	assert.Equal(t, "Prize of the contest", v["description"])
	assert.EqualValues(t, 1250, v["remaining_amount"], "the balance QoQa holds")
}
