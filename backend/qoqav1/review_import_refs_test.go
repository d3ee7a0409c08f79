package qoqav1_test

// Review of issue 12 (imports): each test here fails on the code it was
// written against, for the reason its comment states.

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/qoqa"
)

// Finding 1. Natural keys that collide: QoQa may hold two shops of one
// name (the contract has no rule against it; QoQa.ch and a sister shop
// often share one). The shop's reference is its name (a natural key), and
// the finder takes any sale.shop of that name, even one bound to another
// QoQa shop: the second shop's import finds the first one's record, writes
// to it, then cannot bind it (the binding store refuses a local record
// bound twice) and retries until it fails for good, and so does every
// order of that shop. (One job at a time, so that the second shop is
// imported after the first: two imports at once would both create.)
func TestReviewImportTwoShopsOfOneName(t *testing.T) {
	t.Parallel()
	w := newWorldWith(t, worldOptions{adjust: onlySearched("order"), concurrency: 1})
	a, b := seedCatalogue(w.qoqa, 1, 1), seedCatalogue(w.qoqa, 2, 1)
	w.qoqa.Touch("shop", b.shop, map[string]any{"name": "Shop 1"}) // the same name as a's
	oa := seedOrder(w.qoqa, a, seedBuyer(w.qoqa, 1), 0, qoqa.OrderPaid)
	ob := seedOrder(w.qoqa, b, seedBuyer(w.qoqa, 2), 0, qoqa.OrderPaid)

	failed := failedWith(w.sync())

	assert.Empty(t, failed, "no job fails")
	assert.Equal(t, 2, w.erp.Count("sale.order"), "both orders land")
	assert.Equal(t, 2, w.erp.Count("sale.shop"), "one OpenERP shop per QoQa shop")
	if len(failed) == 0 {
		assert.NotEqual(t, w.local("shop", a.shop), w.local("shop", b.shop))
		assert.Equal(t, w.local("shop", b.shop), many2one(w.record("sale.order", w.local("order", ob))["shop_id"]))
		assert.Equal(t, w.local("shop", a.shop), many2one(w.record("sale.order", w.local("order", oa))["shop_id"]))
	}
}

// Finding 2. References searched wrongly: an order's reference is the bare
// QoQa number in client_order_ref, which the import takes for "a field only
// this model's records fill". It is OpenERP's "Customer Reference" of every
// sale order, which salespeople type (a customer's PO number, often a
// plain number). A QoQa order whose number a hand-made order holds there
// is "found again": the import overwrites that unrelated order (its
// partner, its shop, and its lines, which the (5,) command deletes)
// instead of creating its own; and when the QoQa order is cancelled, it
// cancels the unrelated order.
func TestReviewImportOrderNumberInAHandMadeCustomerReference(t *testing.T) {
	t.Parallel()
	for name, status := range map[string]string{"paid": qoqa.OrderPaid, "cancelled": qoqa.OrderCancelled} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w := newImportWorld(t, onlySearched("order"))
			c := seedCatalogue(w.qoqa, 1, 1)
			o := seedOrder(w.qoqa, c, seedBuyer(w.qoqa, 1), 0, status)
			// A sale order typed by a salesperson, whose customer's purchase
			// order number happens to be the QoQa order's number.
			partner := w.erp.Seed("res.partner", map[string]any{"name": "Hotel du Lac", "customer": true})[0]
			handMade := w.erp.Seed("sale.order", map[string]any{"partner_id": partner, "client_order_ref": o.String(), "date_order": "2026-01-05",
				"order_line": []any{[]any{int64(0), int64(0), map[string]any{"name": "100 lamps", "product_uom_qty": 100.0, "price_unit": 20.0}}}})[0]

			w.requireSynced()

			so := w.record("sale.order", handMade)
			assert.Equal(t, partner, many2one(so["partner_id"]), "the hand-made order keeps its partner")
			assert.Len(t, so["order_line"], 1, "the hand-made order keeps its line")
			assert.Equal(t, "draft", so["state"], "the hand-made order is not cancelled")
			if status == qoqa.OrderPaid {
				assert.Equal(t, 2, w.erp.Count("sale.order"), "the QoQa order lands as an order of its own")
			}
		})
	}
}

// Finding 3. "A cancelled order is cancelled in OpenERP when it was
// imported": the check that tells "never imported" looks for the order by
// its reference only, not by its binding. client_order_ref is an editable
// field of the order form ("Customer Reference"): once someone changes it,
// a bound order that QoQa cancels is skipped as "cancelled before it was
// ever imported", and stays confirmed in OpenERP.
func TestReviewImportCancelledOrderWhoseReferenceWasEdited(t *testing.T) {
	t.Parallel()
	w := newImportWorld(t, onlySearched("order"))
	o := seedOrder(w.qoqa, seedCatalogue(w.qoqa, 1, 1), seedBuyer(w.qoqa, 1), 0, qoqa.OrderPaid)
	w.requireSynced()
	id := w.local("order", o)
	require.NoError(t, w.oc.Write(w.ctx, "sale.order", []int64{id}, openerp.Values{"client_order_ref": "QoQa " + o.String()}, nil))

	w.qoqa.Touch("order", o, map[string]any{"status": qoqa.OrderCancelled})
	w.requireSynced()

	assert.Equal(t, "cancel", w.record("sale.order", id)["state"], "the imported order is cancelled")
}

// Finding 9. The user <-> customer relation: a user has 0..1 customer, and
// its customer may be replaced (the old one deleted, a new one made for the
// same account). The new customer fills the user's partner (writing its
// name there) and then cannot be bound, since that partner is bound to the
// old customer: it is retried until it fails for good, and every order of
// the new customer with it.
func TestReviewImportUserWithANewCustomer(t *testing.T) {
	t.Parallel()
	w := newImportWorld(t, onlySearched("order"))
	c := seedCatalogue(w.qoqa, 1, 1)
	b := seedBuyer(w.qoqa, 1)
	seedOrder(w.qoqa, c, b, 0, qoqa.OrderPaid)
	w.requireSynced()
	renewed := b
	renewed.customer = w.qoqa.Seed("customer", qoqa.Customer{UserID: b.user, Firstname: "Ada", Lastname: "King", LanguageID: qoqa.LangFR})[0]
	w.qoqa.Touch("user", b.user, map[string]any{"customer_id": int64(renewed.customer)})
	o := seedOrder(w.qoqa, c, renewed, 0, qoqa.OrderPaid)

	failed := failedWith(w.sync())

	assert.Empty(t, failed)
	assert.Equal(t, 2, w.erp.Count("sale.order"), "the new customer's order lands")
	if len(failed) == 0 {
		assert.Equal(t, w.local("user", b.user), many2one(w.record("sale.order", w.local("order", o))["partner_id"]), "on the user's partner")
	}
}

// Finding 10. "A record that cannot be mapped fails its job with a message
// naming the model, the QoQa ID and the field": a relation that holds no
// QoQa ID (not an integer, nor a numeric string: "abc", or a negative
// number) is taken for an ID, queued as a dependency, and fails as "qoqa
// customer: "abc" is not a record ID": the field (customer_id) is named
// nowhere.
func TestReviewImportBadRelationNamesItsField(t *testing.T) {
	t.Parallel()
	w := newImportWorld(t, onlySearched("order"))
	c := seedCatalogue(w.qoqa, 1, 1)
	bad := map[string]qoqa.ID{}
	for i, field := range []string{"customer_id", "shop_id"} {
		o := seedOrder(w.qoqa, c, seedBuyer(w.qoqa, i+1), 0, qoqa.OrderPaid)
		w.qoqa.Touch("order", o, map[string]any{field: map[string]any{"customer_id": "abc", "shop_id": -1}[field]})
		bad[field] = o
	}

	failed := failedWith(w.sync())

	for field, o := range bad {
		assert.Contains(t, failed["order "+o.String()], "field "+field, "the message names the field")
	}
}
