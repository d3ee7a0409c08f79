package qoqav1_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/backend/qoqav1"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/openerp"
)

// Finding 6. Records made twice across the two directions: vouchers are
// synced both ways, and the import finds a record again only by the
// qoqa_id that an import's create wrote. A voucher authored in OpenERP and
// created on QoQa by its export holds no qoqa_id. When the export's answer
// is lost (or the process dies before the binding is stored), the QoQa
// voucher exists unbound until the export's retry; the voucher search,
// which runs every 15 minutes, finds it first, and its import creates a
// second qoqa.voucher in OpenERP. The export's retry then gets the same
// QoQa ID (Idempotency-Key) and cannot bind it: the pair is taken.
func TestReviewImportVoucherWhoseExportAnswerWasLost(t *testing.T) {
	t.Parallel()
	w := newImportWorld(t, onlySearched("voucher"))
	id := w.erp.Seed("qoqa.voucher", map[string]any{"name": "Birthday", "code": "GIFT-A", "amount": 50.0, "remaining_amount": 50.0,
		"currency": "CHF", "date_start": "2026-02-01", "date_expire": "2026-12-31"})[0]

	w.qoqa.CommitThenDrop(1)
	err := w.flows.Exports["voucher"].Export(w.ctx, itoa(id), connector.ExportOptions{})
	require.Error(t, err, "the answer of the create is lost")
	require.True(t, connector.IsRetryable(err), "and the export is retried: %v", err)
	require.Equal(t, 1, w.qoqa.Count("voucher"), "QoQa made the voucher")

	failed := failedWith(w.sync()) // the voucher search runs before the retry
	retry := w.flows.Exports["voucher"].Export(w.ctx, itoa(id), connector.ExportOptions{})

	assert.Empty(t, failed)
	assert.Equal(t, 1, w.erp.Count("qoqa.voucher"), "the QoQa voucher is OpenERP's own: no second one")
	// The pair may be bound by the import (which finds OpenERP's voucher by
	// its code) before the retry runs: the retry then finds it bound and
	// unchanged, and ends as done with nothing to do, which is the export
	// flow's way to say so (connector.Classify records it as done). What
	// matters is that it does not fail, and that the pair is bound.
	var nothing *connector.NothingToDoError
	if !errors.As(retry, &nothing) {
		assert.NoError(t, retry, "the export's retry ends as done")
	}
	b, err := w.store.ByLocal(w.ctx, "voucher", itoa(id))
	if assert.NoError(t, err, "OpenERP's voucher is bound") {
		_, ok := w.qoqa.Record("voucher", mustID(b.RemoteID))
		assert.True(t, ok, "to the voucher its export made")
	}
	assert.Equal(t, 1, w.qoqa.Count("voucher"))
}

// Finding 8. A QoQa voucher's validity is a pair of datetimes; its import
// keeps only their UTC day (date_start, date_expire are dates). Vouchers are
// synced both ways and QoQa's PUT replaces the whole record, so the first
// time someone edits an imported voucher in OpenERP (its description, say)
// the export sends the validity rebuilt from those days: a voucher valid
// from midnight in Zürich (23:00 UTC the day before) becomes valid 23 hours
// earlier on QoQa, and its end moves too. The import's lossy mapping makes
// an unrelated edit change what customers can spend, and when.
func TestReviewImportVoucherValidityKeptThroughAnEdit(t *testing.T) {
	t.Parallel()
	w := newImportWorld(t, func(b *backend.Backend) {
		onlySearched("voucher")(b)
		s := b.Models["voucher"]
		s.ExportInterval = qoqav1.DefaultExportIntervals()["voucher"]
		b.Models["voucher"] = s
	})
	buyer := seedBuyer(w.qoqa, 1)
	v := seedVoucher(w.qoqa, buyer.customer, "GIFT") // from 2026-03-01 00:00 to 2027-03-01 00:00, Zürich time
	w.requireSynced()
	before, _ := w.qoqa.Record("voucher", v)

	require.NoError(t, w.oc.Write(w.ctx, "qoqa.voucher", []int64{w.local("voucher", v)}, openerp.Values{"description": "Gift for Ada"}, nil))
	w.requireSynced()

	after, _ := w.qoqa.Record("voucher", v)
	require.Equal(t, "Gift for Ada", after["description"], "the edit reached QoQa")
	assert.Equal(t, before["start_at"], after["start_at"], "the voucher starts when it did")
	assert.Equal(t, before["stop_at"], after["stop_at"], "and ends when it did")
}
