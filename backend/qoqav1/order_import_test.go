package qoqav1_test

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/backend/qoqav1"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/qoqa"
)

// A batch of orders whose every record is unknown to OpenERP lands with each
// record once and each relation in place, whether the orders bring their
// records in as dependencies or the searches of those models run too; a
// second run writes nothing.
func TestOrdersLandWithEveryRecordOnce(t *testing.T) {
	t.Parallel()
	for name, o := range map[string]worldOptions{
		"orders alone":        {adjust: onlySearched("order")},
		"every model at once": {},
		// As once the exports are registered too: the imports then read
		// back what they write, and create under a lock per model.
		"synced both ways": {adjust: onlySearched("order"), extend: bothWays("product", "variation", "offer", "voucher")},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w := newWorldWith(t, o)
			cats := []catalogue{seedCatalogue(w.qoqa, 1, 2), seedCatalogue(w.qoqa, 2, 2)}
			var buyers []buyer
			for i := range 6 {
				buyers = append(buyers, seedBuyer(w.qoqa, i))
			}
			vouchers := map[qoqa.ID]qoqa.ID{
				buyers[0].customer: seedVoucher(w.qoqa, buyers[0].customer, "GIFT0"),
				buyers[3].customer: seedVoucher(w.qoqa, buyers[3].customer, "GIFT3"),
			}
			type sold struct {
				order qoqa.ID
				cat   catalogue
				buyer buyer
			}
			var orders []sold
			for i := range 9 {
				c, b := cats[i%2], buyers[i%6]
				orders = append(orders, sold{seedOrder(w.qoqa, c, b, vouchers[b.customer], qoqa.OrderPaid), c, b})
			}

			w.requireSynced()

			assert.Equal(t, 2, w.erp.Count("sale.shop"))
			assert.Equal(t, 2, w.erp.Count("qoqa.deal"))
			assert.Equal(t, 2, w.erp.Count("qoqa.offer"))
			assert.Equal(t, 2*2, w.erp.Count("qoqa.offer.position"))
			assert.Equal(t, 2+4, w.erp.Count("product.template"), "two products, and the four of the lines")
			assert.Equal(t, 2*2+4, w.erp.Count("product.product"))
			assert.Equal(t, 6*3, w.erp.Count("res.partner"), "one partner per user, two addresses each")
			assert.Equal(t, 2, w.erp.Count("qoqa.voucher"))
			assert.Equal(t, 9, w.erp.Count("sale.order"))
			assert.Equal(t, 9*2+3, w.erp.Count("sale.order.line"), "a product and a shipping line each, and three voucher lines")

			today := time.Now().UTC().Format("2006-01-02")
			for _, o := range orders {
				so := w.record("sale.order", w.local("order", o.order))
				partner := w.local("user", o.buyer.user)
				assert.Equal(t, partner, w.local("customer", o.buyer.customer), "the customer fills its user's partner")
				assert.Equal(t, partner, many2one(so["partner_id"]))
				assert.Equal(t, w.local("address", o.buyer.billing), many2one(so["partner_invoice_id"]))
				assert.Equal(t, w.local("address", o.buyer.shipping), many2one(so["partner_shipping_id"]))
				assert.Equal(t, w.local("shop", o.cat.shop), many2one(so["shop_id"]))
				assert.Equal(t, w.local("deal", o.cat.deal), many2one(so["deal_id"]))
				assert.Equal(t, w.local("offer", o.cat.offer), many2one(so["offer_id"]))
				assert.Equal(t, o.order.String(), so["client_order_ref"], "the QoQa number, for people")
				assert.Equal(t, "order/"+o.order.String(), so["origin"], "the reference that finds the order again")
				assert.Equal(t, today, so["date_order"])

				var got []map[string]any
				for _, id := range so["order_line"].([]any) {
					l := w.record("sale.order.line", id.(int64))
					got = append(got, map[string]any{"product": many2one(l["product_id"]), "qty": l["product_uom_qty"], "price": l["price_unit"]})
				}
				want := []map[string]any{
					{"product": w.local("variation", o.cat.variations[0]), "qty": 2.0, "price": 29.5},
					{"product": w.lineProduct(qoqa.ItemShipping), "qty": 1.0, "price": 9.0},
				}
				if v, ok := vouchers[o.buyer.customer]; ok {
					want = append(want, map[string]any{"product": w.lineProduct(qoqa.ItemVoucher), "qty": 1.0, "price": -10.0})
					voucher := w.record("qoqa.voucher", w.local("voucher", v))
					assert.Equal(t, partner, many2one(voucher["partner_id"]), "the voucher's partner is its customer's")
				}
				assert.ElementsMatch(t, want, got, "the lines of order %d", o.order)

				for _, a := range []qoqa.ID{o.buyer.billing, o.buyer.shipping} {
					addr := w.record("res.partner", w.local("address", a))
					assert.Equal(t, partner, many2one(addr["parent_id"]), "an address is a child of its customer's partner")
				}
			}
			for n, c := range cats {
				for i, v := range c.variations {
					variant := w.record("product.product", w.local("variation", v))
					assert.Equal(t, w.local("product", c.product), many2one(variant["product_tmpl_id"]))
					assert.Equal(t, fmt.Sprintf("LAMP-%d-%d", n+1, i), variant["default_code"], "the SKU")
				}
				offer := w.record("qoqa.offer", w.local("offer", c.offer))
				assert.Equal(t, w.local("shop", c.shop), many2one(offer["shop_id"]))
				assert.Equal(t, w.local("deal", c.deal), many2one(offer["deal_id"]))
				var sold []int64
				for _, id := range offer["position_ids"].([]any) {
					sold = append(sold, many2one(w.record("qoqa.offer.position", id.(int64))["product_id"]))
				}
				assert.ElementsMatch(t, []int64{w.local("variation", c.variations[0]), w.local("variation", c.variations[1])}, sold)
			}

			before := w.erpWrites()
			w.requireSynced()
			assert.Equal(t, before, w.erpWrites(), "a second run writes nothing to OpenERP")
		})
	}
}

// A record that cannot be mapped fails its job, and the jobs that need it,
// with a message naming the model, the QoQa ID and the field; the other
// jobs go on.
func TestUnmappableRecordFailsItsJobOnly(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		// spoil seeds an order that cannot land, and returns the record at
		// fault (model and ID) and the field the message must name.
		spoil func(w *world, c catalogue) (order qoqa.ID, model string, id qoqa.ID, field string)
	}{
		"an unknown country": {func(w *world, c catalogue) (qoqa.ID, string, qoqa.ID, string) {
			b := seedBuyer(w.qoqa, 10)
			w.qoqa.Touch("address", b.billing, map[string]any{"country": "XX"})
			return seedOrder(w.qoqa, c, b, 0, qoqa.OrderPaid), "address", b.billing, "country"
		}},
		"a bad date": {func(w *world, c catalogue) (qoqa.ID, string, qoqa.ID, string) {
			b := seedBuyer(w.qoqa, 11)
			v := seedVoucher(w.qoqa, b.customer, "BAD")
			w.qoqa.Touch("voucher", v, map[string]any{"start_at": "31.02.2026"})
			return seedOrder(w.qoqa, c, b, v, qoqa.OrderPaid), "voucher", v, "start_at"
		}},
		"a negative quantity": {func(w *world, c catalogue) (qoqa.ID, string, qoqa.ID, string) {
			o := seedOrder(w.qoqa, c, seedBuyer(w.qoqa, 12), 0, qoqa.OrderPaid)
			rec, _ := w.qoqa.Record("order", o)
			items := rec["items"].([]any)
			items[0].(map[string]any)["quantity"] = -2
			w.qoqa.Touch("order", o, map[string]any{"items": items})
			return o, "order", o, "items[0].quantity"
		}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w := newImportWorld(t, nil)
			c := seedCatalogue(w.qoqa, 1, 1)
			good := seedOrder(w.qoqa, c, seedBuyer(w.qoqa, 1), 0, qoqa.OrderPaid)
			bad, model, id, field := tc.spoil(w, c)

			failed := failedWith(w.sync())

			want := fmt.Sprintf("map %s %s, field %s: ", model, id, field)
			assert.Contains(t, failed["order "+bad.String()], want, "the order names the record at fault")
			if model != "order" {
				assert.Contains(t, failed[model+" "+id.String()], want, "the record's own import fails")
			}
			assert.Len(t, failed, len(map[string]bool{"order " + bad.String(): true, model + " " + id.String(): true}), "no other job fails: %v", failed)
			w.local("order", good) // the other order landed
			assert.Equal(t, 1, w.erp.Count("sale.order"))
		})
	}
}

// An order is imported once: a later change on QoQa writes nothing, but a
// cancellation, which cancels the OpenERP order through its workflow; a
// cancelled order never imported is skipped.
func TestOrderImportedOnce(t *testing.T) {
	t.Parallel()
	t.Run("changed later", func(t *testing.T) {
		t.Parallel()
		w := newImportWorld(t, onlySearched("order"))
		o := seedOrder(w.qoqa, seedCatalogue(w.qoqa, 1, 1), seedBuyer(w.qoqa, 1), 0, qoqa.OrderPending)
		w.requireSynced()
		before := w.erpWrites()

		w.qoqa.Touch("order", o, map[string]any{"status": qoqa.OrderPaid, "trackings": []any{map[string]any{"number": "99.00.1", "carrier": "swisspost"}}})
		w.requireSynced()
		assert.Equal(t, before, w.erpWrites(), "a paid or shipped order writes nothing")

		w.qoqa.Touch("order", o, map[string]any{"status": qoqa.OrderCancelled})
		w.requireSynced()
		so := w.record("sale.order", w.local("order", o))
		assert.Equal(t, "cancel", so["state"])
		assert.Len(t, so["order_line"], 2, "its lines are left as they were")
		before["sale.order.action_cancel"]++
		assert.Equal(t, before, w.erpWrites(), "cancelled by its workflow method, nothing else written")

		w.qoqa.Touch("order", o, map[string]any{"total": 0})
		w.requireSynced()
		assert.Equal(t, before, w.erpWrites(), "a cancelled order is cancelled once")
	})
	// Whether the order was imported is its binding's to say: editing
	// its references changes nothing; and an order whose binding was
	// lost is found by its reference.
	for name, lose := range map[string]func(t *testing.T, w *world, id int64){
		"cancelled after its references were edited": func(t *testing.T, w *world, id int64) {
			require.NoError(t, w.oc.Write(w.ctx, "sale.order", []int64{id}, openerp.Values{"client_order_ref": "PO-7", "origin": "phone"}, nil))
		},
		"cancelled after its binding was lost": func(t *testing.T, w *world, id int64) {
			require.NoError(t, w.store.Unbind(w.ctx, "order", itoa(id)))
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w := newImportWorld(t, onlySearched("order"))
			o := seedOrder(w.qoqa, seedCatalogue(w.qoqa, 1, 1), seedBuyer(w.qoqa, 1), 0, qoqa.OrderPaid)
			w.requireSynced()
			id := w.local("order", o)
			lose(t, w, id)

			w.qoqa.Touch("order", o, map[string]any{"status": qoqa.OrderCancelled})
			w.requireSynced()

			assert.Equal(t, "cancel", w.record("sale.order", id)["state"])
			assert.Equal(t, 1, w.erp.Count("sale.order"))
			assert.Equal(t, id, w.local("order", o))
		})
	}
	t.Run("cancelled before its import", func(t *testing.T) {
		t.Parallel()
		w := newImportWorld(t, onlySearched("order"))
		o := seedOrder(w.qoqa, seedCatalogue(w.qoqa, 1, 1), seedBuyer(w.qoqa, 1), 0, qoqa.OrderCancelled)
		w.requireSynced()
		assert.Empty(t, w.erpWrites(), "nothing of it lands, not even its customer")
		_, err := w.store.ByRemote(w.ctx, "order", o.String())
		assert.ErrorIs(t, err, connector.ErrNotBound)
	})
}

// Many order jobs that share one new customer, run at the same time,
// create its partner (and everything else they share) once: one job takes
// each record's lock and imports it, the others are retried and find it
// bound.
func TestConcurrentOrdersShareOneNewCustomer(t *testing.T) {
	t.Parallel()
	const jobs = 16
	w := newWorldWith(t, worldOptions{adjust: onlySearched("order"), concurrency: jobs})
	w.erp.Latency(2 * time.Millisecond) // widen the race
	c := seedCatalogue(w.qoqa, 1, 1)
	b := seedBuyer(w.qoqa, 1)
	for range jobs {
		seedOrder(w.qoqa, c, b, 0, qoqa.OrderPaid)
	}
	var running, most atomic.Int32 // order jobs running at once
	w.queue.Subscribe(func(ev connector.Event) {
		if ev.Job.Model != "order" {
			return
		}
		switch ev.Type {
		case connector.EventStarted:
			n := running.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
		case connector.EventDone, connector.EventRetry, connector.EventFailed:
			running.Add(-1)
		}
	})

	w.requireSynced()

	assert.Greater(t, most.Load(), int32(jobs/2), "the order jobs ran at the same time")
	assert.Equal(t, jobs, w.erp.Count("sale.order"))
	assert.Equal(t, 3, w.erp.Count("res.partner"), "one partner for the user and its customer, one per address")
	assert.Equal(t, 3, w.erp.Calls("res.partner", "create"))
	for model, n := range map[string]int{"sale.shop": 1, "qoqa.deal": 1, "qoqa.offer": 1, "product.template": 1 + 4, "product.product": 1 + 4} {
		assert.Equal(t, n, w.erp.Count(model), model)
	}
}

// The items that sell nothing of the catalogue sell the products the
// options name, vouchers and discounts at a negative price; an item of a
// type the contract does not define fails its order, naming the item.
func TestLineProductsAreConfigurable(t *testing.T) {
	t.Parallel()
	w := newWorldWith(t, worldOptions{adjust: onlySearched("order"), options: qoqav1.Options{LineProducts: map[string]string{qoqa.ItemShipping: "EXPRESS"}}})
	express := w.erp.Seed("product.product", map[string]any{"default_code": "EXPRESS"})[0]
	c, b := seedCatalogue(w.qoqa, 1, 1), seedBuyer(w.qoqa, 1)
	o := seedOrder(w.qoqa, c, b, 0, qoqa.OrderPaid)
	rec, _ := w.qoqa.Record("order", o)
	items := append(rec["items"].([]any),
		map[string]any{"id": 3, "type": qoqa.ItemDiscount, "quantity": 1, "unit_price": 450, "name": "Black Friday"},
		map[string]any{"id": 4, "type": qoqa.ItemService, "quantity": 1, "unit_price": 500},
	)
	w.qoqa.Touch("order", o, map[string]any{"items": items})
	odd := seedOrder(w.qoqa, c, b, 0, qoqa.OrderPaid)
	rec, _ = w.qoqa.Record("order", odd)
	w.qoqa.Touch("order", odd, map[string]any{"items": append(rec["items"].([]any), map[string]any{"id": 5, "type": "gift wrap", "quantity": 1})})

	failed := failedWith(w.sync())

	assert.Contains(t, failed["order "+odd.String()], "map order "+odd.String()+`, field items[2].type: unknown item type "gift wrap"`)
	got := map[int64]any{}
	for _, id := range w.record("sale.order", w.local("order", o))["order_line"].([]any) {
		l := w.record("sale.order.line", id.(int64))
		got[many2one(l["product_id"])] = []any{l["name"], l["price_unit"]}
	}
	assert.Equal(t, map[int64]any{
		w.local("variation", c.variations[0]): []any{"Lampe", 29.5},
		express:                               []any{"Shipping", 9.0},
		w.lineProduct(qoqa.ItemDiscount):      []any{"Black Friday", -4.5},
		w.lineProduct(qoqa.ItemService):       []any{"service", 5.0},
	}, got)
}
