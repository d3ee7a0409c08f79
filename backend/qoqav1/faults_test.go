package qoqav1_test

import (
	"context"
	"flag"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/backend/qoqav1"
	"github.com/qoqasync/qoqasync/binding"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/internal/demo"
	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
	"github.com/qoqasync/qoqasync/qoqa"
	"github.com/qoqasync/qoqasync/qoqa/qoqatest"
)

// faultShop scales the shop of the end-to-end test under faults: the
// orders, over a fifth as many users (customers share them), and a
// quarter as many products with their variants in four languages.
// -fault-orders=2000 is the size (2,000 orders, 500 products).
var faultShop = flag.Int("fault-orders", 200, "orders of TestFullSyncUnderFaults")

func faultSize() demo.Size {
	n := *faultShop
	return demo.Size{Users: n / 5, Orders: n, Products: n / 4, Offers: max(n/100, 2), Vouchers: max(n/50, 2)}
}

// newDemoWorld is a world on both fakes seeded by the demo, composed as
// examples/syncd composes its runner (every model, the default intervals
// and export settings, CheckImports first), on a LocalQueue whose retries
// wait a millisecond.
func newDemoWorld(t *testing.T, size demo.Size, seed uint64) *world {
	t.Helper()
	w := &world{t: t, ctx: context.Background()}
	w.qoqa = qoqatest.New(qoqatest.Options{})
	t.Cleanup(w.qoqa.Close)
	w.erp = openerptest.New(openerptest.Options{})
	t.Cleanup(w.erp.Close)
	demo.Seed(w.qoqa, w.erp, size, seed)
	// Templates keep no QoQa reference by default: a host whose imports
	// must not create the history's templates twice adds one, as
	// CheckImports advises.
	w.erp.AddField("product.template", "x_qoqa_ref", openerptest.Field{Type: "char"})
	var err error
	w.qc, err = qoqa.New(w.qoqa.Config())
	require.NoError(t, err)
	w.oc, err = openerp.New(w.erp.Config())
	require.NoError(t, err)

	w.shop = &backend.Backend{Name: "test", Version: qoqav1.Version, Languages: []string{"fr_FR", "de_DE", "it_IT", "en_US"}, Since: since, Models: map[string]backend.ModelSettings{}}
	qoqav1.UseDefaultImportIntervals(w.shop)
	qoqav1.ApplyExportDefaults(w.shop)
	product := w.shop.Models["product"]
	product.RefField = "x_qoqa_ref"
	w.shop.Models["product"] = product
	opts := qoqav1.Options{Logger: quiet}
	require.NoError(t, qoqav1.CheckImports(w.ctx, w.shop, w.oc, opts))
	reg := backend.NewRegistry()
	require.NoError(t, qoqav1.RegisterWith(reg, w.shop, qoqav1.Systems{QoQa: w.qc, OpenERP: w.oc}, opts))
	w.store = binding.NewMemory()
	mux := connector.NewMux()
	// Many attempts, as faults at random may meet one job several times;
	// uncounted ones (maintenance) are capped by the policy all the same.
	w.queue = connector.NewLocalQueue(connector.QueueConfig{Handler: mux, Concurrency: 8, Logger: quiet,
		Retry: connector.RetryPolicy{MaxAttempts: 20, Backoff: []time.Duration{time.Millisecond, 5 * time.Millisecond}}})
	w.flows, err = backend.Build(w.shop, reg, backend.Env{Queue: w.queue, Binder: w.store, Watermarks: w.store, Mux: mux, Logger: quiet})
	require.NoError(t, err)
	require.NoError(t, w.queue.Start(w.ctx))
	t.Cleanup(func() { _ = w.queue.Stop(context.Background()) })
	return w
}

// fullSync runs what examples/syncd's runner runs once: every import
// search, the jobs they queue, the warehouse's shipments, every export
// poll and their jobs. A search or poll that meets a fault is run again,
// as the scheduler would at its next tick: it queued nothing twice and
// moved no watermark. It returns the failed jobs.
func (w *world) fullSync(deadline time.Time) []connector.Job {
	w.t.Helper()
	retry := func(what string, run func() error) {
		for {
			err := run()
			if err == nil {
				return
			}
			require.True(w.t, time.Now().Before(deadline), "%s kept failing: %v", what, err)
		}
	}
	for _, model := range slices.Sorted(maps.Keys(w.flows.Searches)) {
		retry("import search "+model, func() error { _, err := w.flows.Searches[model].Run(w.ctx); return err })
	}
	w.waitIdle(deadline)
	demo.Ship(w.erp, 50)
	for _, model := range slices.Sorted(maps.Keys(w.flows.Pollers)) {
		retry("export poll "+model, func() error { _, _, err := w.flows.Pollers[model].Run(w.ctx); return err })
	}
	w.waitIdle(deadline)
	failed, err := w.queue.List(w.ctx, connector.ListFilter{State: connector.StateFailed})
	require.NoError(w.t, err)
	return failed
}

// waitIdle waits until the queue holds no pending or running job.
func (w *world) waitIdle(deadline time.Time) {
	w.t.Helper()
	require.Eventually(w.t, func() bool {
		c, err := w.queue.Counts(w.ctx)
		return err == nil && c[connector.StatePending] == 0 && c[connector.StateRunning] == 0
	}, time.Until(deadline), 5*time.Millisecond, "the queue never went idle")
}

// The fakes' counts compare qoqaEndpoints (bench_speed_test.go) and
// erpModels.

// counts are the records of each model on each side.
func (w *world) counts() map[string]int {
	out := map[string]int{}
	for _, e := range qoqaEndpoints {
		out["qoqa "+e] = w.qoqa.Count(e)
	}
	for m := range openerptest.DefaultModels() {
		out["openerp "+m] = w.erp.Count(m)
	}
	return out
}

// duplicates lists the natural keys that more than one record holds on
// either side: an order's QoQa ID (client_order_ref), a partner's QoQa
// reference, a voucher's code, a variant's or a variation's SKU, an
// offer's or a deal's QoQa ID.
func (w *world) duplicates() []string {
	w.t.Helper()
	var out []string
	for _, k := range []struct{ model, field string }{
		{"sale.order", "origin"}, {"res.partner", "ref"}, {"qoqa.voucher", "code"},
		{"product.product", "default_code"}, {"qoqa.offer", "qoqa_id"}, {"qoqa.deal", "qoqa_id"}, {"sale.shop", "name"},
	} {
		ids, err := w.oc.Search(w.ctx, k.model, openerp.Where(k.field, "!=", false), openerp.SearchOptions{Context: openerp.Context{"active_test": false}})
		require.NoError(w.t, err)
		recs, err := w.oc.Read(w.ctx, k.model, ids, []string{k.field}, nil)
		require.NoError(w.t, err)
		seen := map[string]int{}
		for _, r := range recs {
			seen[fmt.Sprint(r[k.field])]++
		}
		for v, n := range seen {
			if n > 1 {
				out = append(out, fmt.Sprintf("openerp %s %s=%s: %d records", k.model, k.field, v, n))
			}
		}
	}
	for _, k := range []struct{ endpoint, field string }{{"variation", "sku"}, {"voucher", "code"}, {"product", "translations"}, {"offer", "translations"}} {
		seen := map[string]int{}
		for id, found := qoqa.ID(1), 0; found < w.qoqa.Count(k.endpoint); id++ {
			r, ok := w.qoqa.Record(k.endpoint, id)
			if !ok {
				continue
			}
			found++
			seen[fmt.Sprint(r[k.field])]++
		}
		for v, n := range seen {
			if n > 1 {
				out = append(out, fmt.Sprintf("qoqa %s %s=%.80s: %d records", k.endpoint, k.field, v, n))
			}
		}
	}
	slices.Sort(out)
	return out
}

// danglingBindings lists the pairs whose QoQa record is gone: a record
// that the sync deleted, or a binding to a record it never made.
func (w *world) danglingBindings() []string {
	w.t.Helper()
	var out []string
	for _, model := range []string{"product", "variation", "offer", "voucher", "user", "customer", "address", "order", "deal", "shop"} {
		bs, err := w.store.List(w.ctx, model, "", 0)
		require.NoError(w.t, err)
		for _, b := range bs {
			id, err := strconv.ParseInt(b.RemoteID, 10, 64)
			require.NoError(w.t, err)
			if _, ok := w.qoqa.Record(model, qoqa.ID(id)); !ok {
				out = append(out, fmt.Sprintf("%s local %s -> QoQa %s", model, b.LocalID, b.RemoteID))
			}
		}
	}
	return out
}

// TestFullSyncUnderFaults syncs the demo's shop once without faults and
// once with a tenth of the calls to each fake failing, split among every
// kind of fault: both runs end with no failed job, the same records on
// each side, and no natural key held twice.
func TestFullSyncUnderFaults(t *testing.T) {
	t.Parallel()
	run := func(t *testing.T, faults bool) (*world, map[string]int) {
		w := newDemoWorld(t, faultSize(), 1)
		if faults {
			w.qoqa.SetFaultRates(qoqatest.FaultRates{Seed: 1, Status: 0.02, Drop: 0.02, RateLimit: 0.01, Maintenance: 0.01, ErrorsIn200: 0.02, CommitThenDrop: 0.1})
			w.erp.SetFaultRates(openerptest.FaultRates{Seed: 1, Status: 0.02, Drop: 0.02, Throttle: 0.01, Concurrency: 0.03, CommitThenDrop: 0.1})
		}
		start := time.Now()
		failed := w.fullSync(start.Add(4 * time.Minute))
		t.Logf("full sync (faults %v): %v", faults, time.Since(start))
		w.qoqa.SetFaultRates(qoqatest.FaultRates{})
		w.erp.SetFaultRates(openerptest.FaultRates{})
		for _, j := range failed {
			t.Errorf("failed: %s: %s", j, j.LastError)
		}
		assert.Empty(t, w.duplicates())
		assert.Empty(t, w.danglingBindings(), "every pair's QoQa record exists")
		for _, e := range []string{"product", "variation", "offer", "voucher"} {
			assert.Zero(t, w.qoqa.Calls(e, http.MethodDelete), "nothing was deleted on QoQa: %s", e)
		}
		return w, w.counts()
	}
	_, want := run(t, false)
	w, got := run(t, true)
	assert.Equal(t, want, got, "the same records on each side as without faults")
	qoqaCalls := 0
	for _, e := range qoqaEndpoints {
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete} {
			qoqaCalls += w.qoqa.Calls(e, m)
		}
	}
	erpCalls := w.erp.Requests("/xmlrpc/object") + w.erp.Requests("/xmlrpc/common")
	for side, c := range map[string]struct {
		faults map[string]int
		calls  int
	}{"QoQa": {w.qoqa.InjectedFaults(), qoqaCalls}, "OpenERP": {w.erp.InjectedFaults(), erpCalls}} {
		n := 0
		for _, k := range c.faults {
			n += k
		}
		share := float64(n) / float64(c.calls)
		t.Logf("%s: %d of %d calls failed (%.1f %%): %v", side, n, c.calls, 100*share, c.faults)
		assert.InDelta(t, 0.10, share, 0.03, "about a tenth of %s's calls failed", side)
	}
}
