package qoqav1_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/backend/qoqav1"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/internal/pgtest"
	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
	"github.com/qoqasync/qoqasync/qoqa"
	"github.com/qoqasync/qoqasync/qoqa/qoqatest"
	"github.com/qoqasync/qoqasync/store/postgres"
)

// engine is what one process of a host runs: its own clients, flows and
// queue, and its own handle on the shared PostgreSQL database (the
// bindings and the Locker of record pairs).
type engine struct {
	queue *connector.LocalQueue
	flows *backend.Flows
}

// newEngine starts one process's engine between the fakes, on the
// database at dsn.
func newEngine(t *testing.T, qsrv *qoqatest.Server, erp *openerptest.Server, dsn string, concurrency int) *engine {
	t.Helper()
	ctx := context.Background()
	qc, err := qoqa.New(qsrv.Config())
	require.NoError(t, err)
	oc, err := openerp.New(erp.Config())
	require.NoError(t, err)
	shop := &backend.Backend{Name: "test", Version: qoqav1.Version, Languages: []string{"fr_FR", "de_DE"}, Since: since, Models: map[string]backend.ModelSettings{}}
	qoqav1.UseDefaultImportIntervals(shop)
	onlySearched("order")(shop)
	reg := backend.NewRegistry()
	require.NoError(t, qoqav1.Register(reg, shop, qoqav1.Systems{QoQa: qc, OpenERP: oc}))

	db, err := postgres.Open(ctx, dsn, shop.Name)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	mux := connector.NewMux()
	e := &engine{queue: connector.NewLocalQueue(connector.QueueConfig{Handler: mux, Concurrency: concurrency, Logger: quiet,
		Retry: connector.RetryPolicy{MaxAttempts: 5, Backoff: []time.Duration{time.Millisecond}}})}
	e.flows, err = backend.Build(shop, reg, backend.Env{Queue: e.queue, Binder: db, Watermarks: db, Locker: db.Locker(), Mux: mux, Logger: quiet})
	require.NoError(t, err)
	require.NoError(t, e.queue.Start(ctx))
	t.Cleanup(func() { _ = e.queue.Stop(context.Background()) })
	return e
}

// Two processes on one PostgreSQL database import, at the same time, the
// orders of one new customer: each searches the orders and queues them
// all, each with its own flows, binding store handle and Locker. The
// advisory locks keep them apart: the customer, its addresses and all the
// orders share are created once in OpenERP.
func TestTwoProcessesCreateASharedNewCustomerOnce(t *testing.T) {
	t.Parallel()
	const orders, concurrency = 12, 6
	dsn := pgtest.Schema(t)
	qsrv := qoqatest.New(qoqatest.Options{})
	t.Cleanup(qsrv.Close)
	erp := openerptest.New(openerptest.Options{})
	t.Cleanup(erp.Close)
	seedOpenERP(erp)
	erp.Latency(2 * time.Millisecond) // widen the race
	c, b := seedCatalogue(qsrv, 1, 1), seedBuyer(qsrv, 1)
	for range orders {
		seedOrder(qsrv, c, b, 0, qoqa.OrderPaid)
	}
	engines := []*engine{newEngine(t, qsrv, erp, dsn, concurrency), newEngine(t, qsrv, erp, dsn, concurrency)}

	// Both search at once, so both queue every order.
	ctx := context.Background()
	var wg sync.WaitGroup
	for _, e := range engines {
		wg.Go(func() {
			_, err := e.flows.Searches["order"].Run(ctx)
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	ran := 0
	for _, e := range engines {
		require.Eventually(t, func() bool {
			c, err := e.queue.Counts(ctx)
			return err == nil && c[connector.StatePending] == 0 && c[connector.StateRunning] == 0
		}, 2*time.Minute, 5*time.Millisecond, "a queue never went idle")
		failed, err := e.queue.List(ctx, connector.ListFilter{State: connector.StateFailed})
		require.NoError(t, err)
		for _, j := range failed {
			t.Errorf("failed: %s: %s", j, j.LastError)
		}
		counts, err := e.queue.Counts(ctx)
		require.NoError(t, err)
		ran += counts[connector.StateDone]
	}
	require.GreaterOrEqual(t, ran, 2*orders, "both processes ran their order jobs")

	assert.Equal(t, orders, erp.Count("sale.order"))
	assert.Equal(t, 3, erp.Count("res.partner"), "one partner for the user and its customer, one per address")
	assert.Equal(t, 3, erp.Calls("res.partner", "create"))
	for model, n := range map[string]int{"sale.shop": 1, "qoqa.deal": 1, "qoqa.offer": 1, "product.template": 1 + 4, "product.product": 1 + 4} {
		assert.Equal(t, n, erp.Count(model), model)
	}
}
