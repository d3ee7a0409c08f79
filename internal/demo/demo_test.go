package demo_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/internal/demo"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
	"github.com/qoqasync/qoqasync/qoqa"
	"github.com/qoqasync/qoqasync/qoqa/qoqatest"
)

// The demo data is what the contract and OpenERP accept, related as a
// shop's data is, and the same for the same seed.
func TestSeedMakesRelatedData(t *testing.T) {
	t.Parallel()
	size := demo.Size{Users: 40, Orders: 30, Products: 6, Vouchers: 4}
	count := func() map[string]int {
		q := qoqatest.New(qoqatest.Options{})
		t.Cleanup(q.Close)
		o := openerptest.New(openerptest.Options{})
		t.Cleanup(o.Close)
		seeded := demo.Seed(q, o, size, 7)
		require.NotZero(t, seeded.QoQaShop)
		out := map[string]int{}
		for _, e := range []string{"user", "customer", "address", "order", "voucher", "offer", "deal", "product", "variation"} {
			out["qoqa "+e] = q.Count(e)
		}
		for _, m := range []string{"product.template", "product.product", "qoqa.voucher", "attribute.set"} {
			out["openerp "+m] = o.Count(m)
		}
		// Every order points at a customer whose user points back.
		for id := range q.Count("order") {
			order, ok := q.Record("order", qoqa.ID(id+1))
			require.True(t, ok)
			customer, ok := q.Record("customer", id64(t, order["customer_id"]))
			require.True(t, ok, "order %d: no customer", id+1)
			user, ok := q.Record("user", id64(t, customer["user_id"]))
			require.True(t, ok)
			assert.Equal(t, id64(t, order["customer_id"]), id64(t, user["customer_id"]), "the user of order %d's customer points elsewhere", id+1)
		}
		return out
	}
	first := count()
	assert.Equal(t, 40, first["qoqa user"])
	assert.Equal(t, 30, first["qoqa order"])
	assert.Equal(t, 6+4, first["openerp product.template"], "the catalogue and the order lines' products")
	assert.GreaterOrEqual(t, first["openerp product.product"], 6)
	assert.Positive(t, first["qoqa address"])
	assert.Equal(t, first, count(), "the same seed makes the same data")
}

// id64 reads an ID as the fake keeps it: a JSON number or an int64.
func id64(t *testing.T, v any) qoqa.ID {
	t.Helper()
	switch x := v.(type) {
	case float64:
		return qoqa.ID(x)
	case int64:
		return qoqa.ID(x)
	}
	t.Fatalf("not an ID: %T %v", v, v)
	return 0
}
