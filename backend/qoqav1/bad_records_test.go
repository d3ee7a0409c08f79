package qoqav1_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/qoqa"
)

// A bad QoQa record, seeded among good ones, fails its own job with a
// message naming the model, the record and the field, and is listable as
// failed; the jobs of the good records complete.
func TestBadQoQaRecordFailsItsOwnJob(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		model string // the job that fails
		field string // the field its message names
		// spoil makes one of the seeded records bad and returns its ID.
		spoil func(w *world, c catalogue, b buyer, order qoqa.ID) qoqa.ID
	}{
		{"order: wrong type", "order", "quantity", func(w *world, c catalogue, b buyer, order qoqa.ID) qoqa.ID {
			return spoilItem(w, order, "quantity", "two")
		}},
		// (An unknown customer is no error: the order goes to its user's
		// partner, as a former customer's does.)
		{"order: unknown reference", "order", "shop_id", func(w *world, c catalogue, b buyer, order qoqa.ID) qoqa.ID {
			w.qoqa.Touch("order", order, map[string]any{"shop_id": 99999})
			return order
		}},
		{"order: negative quantity", "order", "quantity", func(w *world, c catalogue, b buyer, order qoqa.ID) qoqa.ID {
			return spoilItem(w, order, "quantity", -2)
		}},
		{"order: amount past int64", "order", "unit_price", func(w *world, c catalogue, b buyer, order qoqa.ID) qoqa.ID {
			return spoilItem(w, order, "unit_price", 1e19)
		}},
		{"voucher: bad date", "voucher", "start_at", func(w *world, c catalogue, b buyer, order qoqa.ID) qoqa.ID {
			v := seedVoucher(w.qoqa, b.customer, "BAD-DATE")
			w.qoqa.Touch("voucher", v, map[string]any{"start_at": "2026-02-30T25:00:00+0100"})
			return v
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newImportWorld(t, nil)
			c := seedCatalogue(w.qoqa, 1, 2)
			var orders []qoqa.ID
			var buyers []buyer
			for n := range 3 {
				b := seedBuyer(w.qoqa, n)
				buyers = append(buyers, b)
				orders = append(orders, seedOrder(w.qoqa, c, b, 0, qoqa.OrderPaid))
			}
			bad := tc.spoil(w, c, buyers[1], orders[1])

			failed := w.sync()
			require.Len(t, failed, 1, "only the bad record's job fails: %v", failed)
			j := failed[0]
			assert.Equal(t, tc.model, j.Model)
			assert.Equal(t, bad.String(), j.RecordID)
			for _, want := range []string{tc.model, bad.String(), tc.field} {
				assert.Contains(t, j.LastError, want, "the message names the model, the record and the field")
			}
			assert.Less(t, len(j.LastError), 4096, "a message quotes no megabyte")
			listed, err := w.queue.List(w.ctx, connector.ListFilter{State: connector.StateFailed, Model: tc.model})
			require.NoError(t, err)
			assert.Len(t, listed, 1, "kept as failed, and listable")
			for _, o := range []qoqa.ID{orders[0], orders[2]} {
				w.local("order", o) // the good orders landed
			}
		})
	}
}

// spoilItem sets field of the first item of order to v.
func spoilItem(w *world, order qoqa.ID, field string, v any) qoqa.ID {
	w.t.Helper()
	rec, ok := w.qoqa.Record("order", order)
	require.True(w.t, ok)
	items := rec["items"].([]any)
	first := items[0].(map[string]any)
	first[field] = v
	w.qoqa.Touch("order", order, map[string]any{"items": items})
	return order
}

// A bad OpenERP voucher, seeded among good ones, fails its own export job
// with a message naming the model, the record and the field; the good
// vouchers reach QoQa. (A bad date or invalid UTF-8 cannot be stored in
// OpenERP: PostgreSQL refuses both.)
func TestBadOpenERPVoucherFailsItsOwnJob(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		field string
		bad   map[string]any
	}{
		{"amount past int64", "amount", map[string]any{"amount": 1e17}},
		{"negative amount", "amount", map[string]any{"amount": -10.0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, exporting)
			good := func(code string) map[string]any {
				return map[string]any{"code": code, "amount": 50.0, "remaining_amount": 50.0, "currency": "CHF", "date_start": "2026-02-01", "date_expire": "2026-12-31"}
			}
			bad := good("BAD")
			for k, v := range tc.bad {
				bad[k] = v
			}
			ids := w.erp.Seed("qoqa.voucher", good("GOOD-1"), bad, good("GOOD-2"))

			failed := w.sync()
			require.Len(t, failed, 1, "only the bad record's job fails: %v", failed)
			j := failed[0]
			assert.Equal(t, "voucher", j.Model)
			assert.Equal(t, itoa(ids[1]), j.RecordID)
			for _, want := range []string{"voucher", itoa(ids[1]), tc.field} {
				assert.Contains(t, j.LastError, want, "the message names the model, the record and the field")
			}
			assert.Equal(t, 2, w.qoqa.Count("voucher"), "the good vouchers reached QoQa")
		})
	}
}
