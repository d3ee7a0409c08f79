package qoqav1_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

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
