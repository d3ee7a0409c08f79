package qoqav1_test

import (
	"bytes"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/backend/qoqav1"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
	"github.com/qoqasync/qoqasync/qoqa"
)

// A create that reaches OpenERP but whose answer is lost is found again by
// the retry, through the reference it wrote (or the natural key it holds),
// and never made twice.
func TestLostCreateAnswerMakesNoDuplicate(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		model, method string
		adjust        func(*backend.Backend)
		// before imports what must exist before the lost call.
		before []string
	}{
		"a user's partner":          {model: "res.partner", method: "create"},
		"the customer's fill":       {model: "res.partner", method: "write"},
		"an address":                {model: "res.partner", method: "create", before: []string{"customer"}},
		"a shop, by its name":       {model: "sale.shop", method: "create"},
		"a deal":                    {model: "qoqa.deal", method: "create"},
		"an offer":                  {model: "qoqa.offer", method: "create"},
		"a variation, by its SKU":   {model: "product.product", method: "create"},
		"a voucher":                 {model: "qoqa.voucher", method: "create"},
		"an order":                  {model: "sale.order", method: "create"},
		"a product, by an x_ field": {model: "product.template", method: "create", adjust: productRefField},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w := newImportWorld(t, func(b *backend.Backend) {
				onlySearched("order")(b)
				if tc.adjust != nil {
					tc.adjust(b)
				}
			})
			w.erp.AddField("product.template", "x_qoqa_ref", openerptest.Field{Type: "char"})
			c := seedCatalogue(w.qoqa, 1, 1)
			b := seedBuyer(w.qoqa, 1)
			o := seedOrder(w.qoqa, c, b, seedVoucher(w.qoqa, b.customer, "GIFT"), qoqa.OrderPaid)
			for _, m := range tc.before {
				require.NoError(t, w.flows.ImportDependency(w.ctx, m, map[string]qoqa.ID{"customer": b.customer}[m].String(), connector.ImportOptions{}))
			}
			var lost atomic.Int32
			w.queue.Subscribe(func(ev connector.Event) {
				if ev.Type == connector.EventRetry && strings.Contains(ev.Job.LastError, tc.model+" "+tc.method) {
					lost.Add(1)
				}
			})

			w.erp.CommitThenDropOn(tc.model, tc.method, 1)
			w.requireSynced()

			assert.Equal(t, int32(1), lost.Load(), "the answer was lost once, and the job retried")
			for model, n := range map[string]int{
				"sale.shop": 1, "qoqa.deal": 1, "qoqa.offer": 1, "qoqa.offer.position": 1, "product.template": 1 + 4, "product.product": 1 + 4,
				"res.partner": 3, "qoqa.voucher": 1, "sale.order": 1, "sale.order.line": 3,
			} {
				assert.Equal(t, n, w.erp.Count(model), model)
			}
			so := w.record("sale.order", w.local("order", o))
			assert.Equal(t, w.local("user", b.user), many2one(so["partner_id"]))
			assert.Len(t, so["order_line"], 3)
		})
	}
}

// productRefField keeps the QoQa reference of product templates in an x_
// field, as a database whose administrator added one does.
func productRefField(b *backend.Backend) {
	s := b.Models["product"]
	s.RefField = "x_qoqa_ref"
	b.Models["product"] = s
}

// At start, CheckImports finds every field the imports write or keep their
// references in that the database lacks, and says how to add it.
func TestCheckImports(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		models  map[string]backend.ModelSettings
		options qoqav1.Options
		want    []string // in the error; none: no error
	}{
		"the defaults": {},
		"an x_ reference field the database lacks": {
			models: map[string]backend.ModelSettings{"order": {RefField: "x_qoqa_ref"}},
			want:   []string{"sale.order has no field x_qoqa_ref, where the import of order keeps the QoQa reference", "Settings > Technical > Database Structure > Fields: model sale.order, name x_qoqa_ref, type char"},
		},
		"an x_ reference field the database has": {
			models: map[string]backend.ModelSettings{"product": {RefField: "x_qoqa_ref"}},
		},
		"a renamed reference field the database lacks": {
			models: map[string]backend.ModelSettings{"voucher": {Fields: map[string]string{"qoqa_id": "qoqa_ref"}}},
			want:   []string{"qoqa.voucher has no field qoqa_ref, where the import of voucher keeps the QoQa reference", "name an existing char field, or an x_ field you add, in ModelSettings.RefField"},
		},
		"a renamed field the database lacks": {
			models: map[string]backend.ModelSettings{"address": {Fields: map[string]string{"phone": "x_phone"}}},
			want:   []string{"res.partner has no field x_phone, which the import of address writes"},
		},
		"a model the database lacks": {
			models: map[string]backend.ModelSettings{"deal": {LocalModel: "qoqa.sale"}},
			want:   []string{"OpenERP has no model qoqa.sale (for deal)"},
		},
		"a line product the database lacks": {
			options: qoqav1.Options{LineProducts: map[string]string{qoqa.ItemShipping: "SHIP"}},
			want:    []string{`no product has the default_code "SHIP" that the order lines of type shipping use`},
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w := newImportWorld(t, nil)
			w.erp.AddField("product.template", "x_qoqa_ref", openerptest.Field{Type: "char"})
			b := &backend.Backend{Name: "check", Version: qoqav1.Version, Languages: []string{"fr_FR"}, Models: tc.models}
			var log bytes.Buffer
			tc.options.Logger = slog.New(slog.NewTextHandler(&log, nil))
			err := qoqav1.CheckImports(w.ctx, b, w.oc, tc.options)
			if len(tc.want) == 0 {
				require.NoError(t, err)
			} else {
				require.Error(t, err)
				for _, want := range tc.want {
					assert.Contains(t, err.Error(), want)
				}
				assert.Len(t, strings.Split(err.Error(), "\n"), 1, "one problem, one line: %v", err)
			}
			if tc.models["product"].RefField == "" {
				assert.Contains(t, log.String(), "model=product", "a model that keeps no reference is reported")
			} else {
				assert.NotContains(t, log.String(), "model=product")
			}
		})
	}
}
