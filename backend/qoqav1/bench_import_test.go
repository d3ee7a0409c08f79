package qoqav1_test

import (
	"context"
	"testing"
	"time"

	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/backend/qoqav1"
	"github.com/qoqasync/qoqasync/binding"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
	"github.com/qoqasync/qoqasync/qoqa"
	"github.com/qoqasync/qoqasync/qoqa/qoqatest"
)

// ormMethods are every method the imports may call on an OpenERP model.
var ormMethods = []string{"search", "read", "create", "write", "unlink", "fields_get", "action_cancel", "search_count", "name_get"}

// BenchmarkOrderImport imports a batch of orders whose every record is new
// (each order its user, customer, two addresses and voucher; two shops'
// catalogues shared by the batch) and reports the calls per order on each
// system against the least the data needs: one read on QoQa per record, and
// on OpenERP one write per record (a create, or the fill of the user's
// partner by its customer) and one per translation beyond the first,
// besides one look-up per country and line product.
//
// "both ways" registers exports of the models the exports also sync, as
// the whole backend does: their imports then read back what they wrote.
func BenchmarkOrderImport(b *testing.B) {
	b.Run("imports alone", func(b *testing.B) { benchmarkOrderImport(b, nil) })
	b.Run("both ways", func(b *testing.B) {
		benchmarkOrderImport(b, []string{"product", "variation", "offer", "voucher"})
	})
}

func benchmarkOrderImport(b *testing.B, exported []string) {
	const orders, catalogues = 16, 2
	var erpCalls, qoqaCalls, erpWrites int
	for range b.N {
		b.StopTimer()
		run := newBenchRun(b, exported)
		var cats []catalogue
		for n := range catalogues {
			cats = append(cats, seedCatalogue(run.qoqa, n+1, 2))
		}
		for n := range orders {
			buyer := seedBuyer(run.qoqa, n)
			seedOrder(run.qoqa, cats[n%catalogues], buyer, seedVoucher(run.qoqa, buyer.customer, "GIFT"), qoqa.OrderPaid)
		}
		b.StartTimer()
		run.importOrders()
		b.StopTimer()
		for model := range openerptest.DefaultModels() {
			for _, m := range ormMethods {
				erpCalls += run.erp.Calls(model, m)
			}
			for _, m := range writeMethods {
				erpWrites += run.erp.Calls(model, m)
			}
		}
		for endpoint := range map[string]bool{"shop": true, "deal": true, "offer": true, "product": true, "variation": true, "voucher": true, "user": true, "customer": true, "address": true, "order": true} {
			qoqaCalls += run.qoqa.Calls(endpoint, "GET")
		}
		if got := run.erp.Count("sale.order"); got != orders {
			b.Fatalf("%d orders landed of %d", got, orders)
		}
	}
	// Per order: user, customer, two addresses, voucher, order; per
	// catalogue: shop, deal, offer, product, two variations.
	records := 6*orders + 6*catalogues
	minQoQa := records + 2 // and the order search, and QoQa's clock
	// Per order six writes; per catalogue the shop, the deal in two
	// languages, the offer in one, the product in two, two variations;
	// one country and two line products looked up.
	minERP := 6*orders + 8*catalogues + 3
	n := float64(b.N * orders)
	b.ReportMetric(float64(qoqaCalls)/n, "qoqa-calls/order")
	b.ReportMetric(float64(minQoQa)/orders, "qoqa-min/order")
	b.ReportMetric(float64(erpCalls)/n, "erp-calls/order")
	b.ReportMetric(float64(erpWrites)/n, "erp-writes/order")
	b.ReportMetric(float64(minERP)/orders, "erp-min/order")
}

// benchRun is one import of a batch: both fakes, and the flows of a
// backend that searches orders alone.
type benchRun struct {
	b     *testing.B
	ctx   context.Context
	qoqa  *qoqatest.Server
	erp   *openerptest.Server
	queue *connector.LocalQueue
	flows *backend.Flows
}

// newBenchRun builds the run; exported are models given an export too.
func newBenchRun(b *testing.B, exported []string) *benchRun {
	b.Helper()
	r := &benchRun{b: b, ctx: context.Background()}
	r.qoqa = qoqatest.New(qoqatest.Options{})
	b.Cleanup(r.qoqa.Close)
	r.erp = openerptest.New(openerptest.Options{})
	b.Cleanup(r.erp.Close)
	seedOpenERP(r.erp)
	qc, err := qoqa.New(r.qoqa.Config())
	if err != nil {
		b.Fatal(err)
	}
	oc, err := openerp.New(r.erp.Config())
	if err != nil {
		b.Fatal(err)
	}
	shop := &backend.Backend{Name: "bench", Version: qoqav1.Version, Languages: []string{"fr_FR", "de_DE"},
		Since: time.Now().Add(-time.Hour), Models: map[string]backend.ModelSettings{"order": {ImportInterval: time.Minute}}}
	reg := backend.NewRegistry()
	if err := qoqav1.Register(reg, shop, qoqav1.Systems{QoQa: qc, OpenERP: oc}); err != nil {
		b.Fatal(err)
	}
	if len(exported) > 0 {
		if err := reg.AddVersion("both ways", qoqav1.Version); err != nil {
			b.Fatal(err)
		}
		for _, m := range exported {
			if err := reg.Register("both ways", m, backend.Components{ExportMapper: connector.Mapping{Model: m}}); err != nil {
				b.Fatal(err)
			}
		}
		shop.Version = "both ways"
	}
	store := binding.NewMemory()
	mux := connector.NewMux()
	// One job at a time: the calls a batch costs, without the retries of
	// jobs that meet on a shared record's lock.
	r.queue = connector.NewLocalQueue(connector.QueueConfig{Handler: mux, Concurrency: 1, Logger: quiet})
	if r.flows, err = backend.Build(shop, reg, backend.Env{Queue: r.queue, Binder: store, Watermarks: store, Mux: mux, Logger: quiet}); err != nil {
		b.Fatal(err)
	}
	if err := r.queue.Start(r.ctx); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = r.queue.Stop(context.Background()) })
	return r
}

// importOrders runs the order search and waits until the queue is idle.
func (r *benchRun) importOrders() {
	idle := make(chan struct{}, 1)
	unsubscribe := r.queue.Subscribe(func(ev connector.Event) {
		if ev.Type == connector.EventDone || ev.Type == connector.EventFailed {
			select {
			case idle <- struct{}{}:
			default:
			}
		}
	})
	defer unsubscribe()
	if _, err := r.flows.Searches["order"].Run(r.ctx); err != nil {
		r.b.Fatal(err)
	}
	deadline := time.After(time.Minute)
	for {
		c, err := r.queue.Counts(r.ctx)
		if err != nil {
			r.b.Fatal(err)
		}
		if c[connector.StatePending] == 0 && c[connector.StateRunning] == 0 {
			if c[connector.StateFailed] > 0 {
				r.b.Fatalf("%d jobs failed", c[connector.StateFailed])
			}
			return
		}
		select {
		case <-idle:
		case <-deadline:
			r.b.Fatal("the queue never went idle")
		}
	}
}
