package qoqav1_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/backend/qoqav1"
	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/qoqa"
)

// A gift voucher lands with its amounts from cents, its dates as the UTC
// day, and the partner of its customer; one without a customer has no
// partner; a changed voucher is updated.
func TestVoucherImport(t *testing.T) {
	t.Parallel()
	w := newImportWorld(t, onlySearched("voucher"))
	b := seedBuyer(w.qoqa, 1)
	given := seedVoucher(w.qoqa, b.customer, "GIFT")
	w.qoqa.Touch("voucher", given, map[string]any{"remaining_amount": 1005, "start_at": "2026-03-01T00:30:00+0200"})
	anonymous := w.qoqa.Seed("voucher", qoqa.Voucher{Code: "ANON", Amount: 2550, IsActive: true})[0]

	w.requireSynced()

	v := w.record("qoqa.voucher", w.local("voucher", given))
	assert.Equal(t, w.local("user", b.user), many2one(v["partner_id"]), "the partner of its customer")
	assert.Equal(t, "GIFT", v["code"])
	assert.Equal(t, 10.0, v["amount"])
	assert.Equal(t, 10.05, v["remaining_amount"])
	assert.Equal(t, "2026-02-28", v["date_start"], "00:30 in Zürich is the day before in UTC")
	assert.Equal(t, "2027-02-28", v["date_expire"])
	assert.Equal(t, given.String(), v["qoqa_id"], "the QoQa ID, which also finds it again")
	anon := w.record("qoqa.voucher", w.local("voucher", anonymous))
	assert.Equal(t, false, anon["partner_id"])
	assert.Equal(t, 25.5, anon["amount"])

	w.qoqa.Touch("voucher", given, map[string]any{"remaining_amount": 0, "is_active": false})
	w.requireSynced()
	v = w.record("qoqa.voucher", w.local("voucher", given))
	assert.Equal(t, 0.0, v["remaining_amount"])
	assert.Equal(t, false, v["active"])
	assert.Equal(t, 2, w.erp.Count("qoqa.voucher"))
}

// A voucher OpenERP holds under the code of a QoQa voucher, with no QoQa
// ID (authored in OpenERP, or made by hand), is that voucher: the import
// binds it and writes QoQa's values to it, but its name, which QoQa lacks.
// A voucher of the code that holds another QoQa ID is another one's.
func TestVoucherFoundByItsCode(t *testing.T) {
	t.Parallel()
	w := newImportWorld(t, onlySearched("voucher"))
	b := seedBuyer(w.qoqa, 1)
	v := seedVoucher(w.qoqa, b.customer, "GIFT")
	other := w.erp.Seed("qoqa.voucher", map[string]any{"name": "Old", "code": "GIFT", "qoqa_id": "999", "amount": 5.0})[0]
	own := w.erp.Seed("qoqa.voucher", map[string]any{"name": "Birthday", "code": "GIFT", "amount": 50.0})[0]

	w.requireSynced()

	assert.Equal(t, own, w.local("voucher", v), "the voucher of the code with no QoQa ID")
	rec := w.record("qoqa.voucher", own)
	assert.Equal(t, "Birthday", rec["name"], "it keeps its name")
	assert.Equal(t, 10.0, rec["amount"], "QoQa's values")
	assert.Equal(t, 5.0, w.record("qoqa.voucher", other)["amount"], "the other voucher of the code is left alone")
	assert.Equal(t, 2, w.erp.Count("qoqa.voucher"))
}

// An imported voucher's validity goes back to QoQa as QoQa holds it, to
// the second, while OpenERP's dates still fall on its days; a date changed
// in OpenERP sends that day, from its start or to its end.
func TestImportedVoucherValidityWhenADateChanges(t *testing.T) {
	t.Parallel()
	w := newImportWorld(t, func(b *backend.Backend) {
		onlySearched("voucher")(b)
		s := b.Models["voucher"]
		s.ExportInterval = qoqav1.DefaultExportIntervals()["voucher"]
		b.Models["voucher"] = s
	})
	v := seedVoucher(w.qoqa, seedBuyer(w.qoqa, 1).customer, "GIFT") // from 2026-02-28 23:00 to 2027-02-28 23:00 UTC
	w.requireSynced()
	before, _ := w.qoqa.Record("voucher", v)

	require.NoError(t, w.oc.Write(w.ctx, "qoqa.voucher", []int64{w.local("voucher", v)}, openerp.Values{"date_expire": "2027-06-30"}, nil))
	w.requireSynced()

	after, _ := w.qoqa.Record("voucher", v)
	assert.Equal(t, before["start_at"], after["start_at"], "the start OpenERP left as it was")
	assert.Equal(t, "2027-06-30T23:59:59+0000", after["stop_at"], "the end of the day OpenERP set")
}
