package qoqav1_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
	"github.com/qoqasync/qoqasync/qoqa"
)

// exportNow exports one record at once, outside the queue: what a bench
// sets up before it measures.
func (w *world) exportNow(model string, id int64) {
	w.t.Helper()
	require.NoError(w.t, w.flows.Exports[model].Export(w.ctx, itoa(id), connector.ExportOptions{}))
}

// calls counts every call the sync made to both systems.
func (w *world) calls() (erp, qq int) {
	erp = w.erp.Requests("/xmlrpc/object") + w.erp.Requests("/xmlrpc/common")
	for _, endpoint := range []string{"shop", "product", "variation", "deal", "offer", "voucher", "user", "customer", "address", "order"} {
		for _, method := range []string{"GET", "POST", "PUT", "DELETE"} {
			qq += w.qoqa.Calls(endpoint, method)
		}
	}
	return erp, qq
}

// BenchmarkExportCalls measures the calls each export costs, against the
// minimum its data needs: a record read once per language (the first
// language's read brings its other fields), its offer's positions in one
// more read, and one write to QoQa. The poll's own calls (the server's
// clock, the search, the check for deleted records) and the attribute
// catalogue's reads are shared by the batch and counted in. The
// .../unbound cases export records whose dependency QoQa lacks: the batch's
// jobs wait for the one job that exports it, and read their record again.
//
//	go test ./backend/qoqav1 -run '^$' -bench ExportCalls -benchtime 3x
func BenchmarkExportCalls(b *testing.B) {
	const n = 50
	langs := 2 // the world's fr_FR and de_DE
	for _, c := range []struct {
		name   string
		models []string
		// seed returns how many records QoQa receives and the calls their
		// data needs at least.
		seed func(w *world) (records, least int)
	}{
		{name: "product", models: []string{"product"}, seed: func(w *world) (int, int) {
			attrs := w.erp.Seed("attribute.attribute",
				map[string]any{"name": "x_color", "attribute_type": "char", "translate": true},
				map[string]any{"name": "x_watts", "attribute_type": "integer"})
			set := w.erp.Seed("attribute.set", map[string]any{"name": "Lamps", "attribute_ids": []any{openerp.CmdReplace(attrs...)}})[0]
			for i := range n {
				id := w.erp.Seed("product.template", map[string]any{"name": fmt.Sprint("Lampe ", i), "attribute_set_id": set, "x_color": "rouge", "x_watts": int64(i)})[0]
				w.translate("product.template", id, "de_DE", openerp.Values{"name": fmt.Sprint("Leuchte ", i), "x_color": "rot"})
			}
			return n, n * (langs + 1)
		}},
		{name: "variation", models: []string{"variation"}, seed: func(w *world) (int, int) {
			// QoQa gets a product with its first variation: the template
			// goes with a variant of its own, then the variants measured.
			tmpl := w.erp.Seed("product.template", map[string]any{"name": "Lampe"})[0]
			w.erp.Seed("product.product", map[string]any{"name": "Lampe", "product_tmpl_id": tmpl, "default_code": "LAMP-FIRST"})
			w.exportNow("product", tmpl)
			for i := range n {
				w.erp.Seed("product.product", map[string]any{"name": "Lampe", "product_tmpl_id": tmpl, "default_code": fmt.Sprint("LAMP-", i)})
			}
			return n, n * (langs + 1)
		}},
		{name: "variation/template-unbound", models: []string{"variation"}, seed: func(w *world) (int, int) {
			tmpl := w.erp.Seed("product.template", map[string]any{"name": "Lampe"})[0]
			for i := range n {
				w.erp.Seed("product.product", map[string]any{"name": "Lampe", "product_tmpl_id": tmpl, "default_code": fmt.Sprint("LAMP-", i)})
			}
			return n + 1, (n + 1) * (langs + 1)
		}},
		{name: "offer", models: []string{"offer"}, seed: func(w *world) (int, int) {
			l := lamp{template: w.erp.Seed("product.template", map[string]any{"name": "Lampe"})[0]}
			l.variant = w.erp.Seed("product.product", map[string]any{"name": "Lampe", "product_tmpl_id": l.template, "default_code": "LAMP"})[0]
			w.exportNow("variation", l.variant)
			for range n {
				seedOffer(w, l)
			}
			return n, n * (langs + 2) // each offer, its positions, its write
		}},
		{name: "offer/variant-unbound", models: []string{"offer"}, seed: func(w *world) (int, int) {
			l := lamp{template: w.erp.Seed("product.template", map[string]any{"name": "Lampe"})[0]}
			l.variant = w.erp.Seed("product.product", map[string]any{"name": "Lampe", "product_tmpl_id": l.template, "default_code": "LAMP"})[0]
			for range n {
				seedOffer(w, l)
			}
			return n + 2, 2*(langs+1) + n*(langs+2) // the template and the variant first
		}},
		{name: "voucher", models: []string{"voucher"}, seed: func(w *world) (int, int) {
			for i := range n {
				w.erp.Seed("qoqa.voucher", map[string]any{"code": fmt.Sprint("GIFT-", i), "amount": 10.0})
			}
			return n, n * 2
		}},
		{name: "shipment", models: []string{"shipment"}, seed: func(w *world) (int, int) {
			partner := w.erp.Seed("res.partner", map[string]any{"name": "Ada"})[0]
			for i := range n {
				order := w.qoqa.Seed("order", qoqa.Order{Status: "paid"})[0]
				sale := w.erp.Seed("sale.order", map[string]any{"partner_id": partner})[0]
				w.bind("order", sale, order)
				w.erp.Seed("stock.picking.out", map[string]any{"sale_id": sale, "carrier_tracking_ref": fmt.Sprint("99.00.", i)})
			}
			return n, n * 2
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var records, least, first, erp, qq, againERP, againQoQa int
			for range b.N {
				b.StopTimer()
				w := newWorldOn(b, openerptest.Options{}, func(bk *backend.Backend) {
					for _, m := range c.models {
						bk.Models[m] = backend.ModelSettings{ExportInterval: time.Minute}
					}
				})
				r, l := c.seed(w)
				e0, q0 := w.calls()
				b.StartTimer()
				w.requireSynced()
				b.StopTimer()
				e1, q1 := w.calls()
				w.requireSynced() // nothing changed
				e2, q2 := w.calls()
				records, least = records+r, least+l
				first += e1 - e0 + q1 - q0
				erp, qq = erp+e1-e0, qq+q1-q0
				againERP, againQoQa = againERP+e2-e1, againQoQa+q2-q1
			}
			per := func(v int) float64 { return float64(v) / float64(records) }
			b.ReportMetric(per(first), "calls/record")
			b.ReportMetric(per(least), "least-calls/record")
			b.ReportMetric(per(erp), "openerp-calls/record")
			b.ReportMetric(per(qq), "qoqa-calls/record")
			b.ReportMetric(per(againERP), "rerun-openerp-calls/record")
			b.ReportMetric(per(againQoQa), "rerun-qoqa-calls/record")
		})
	}
}
