package qoqav1_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/backend/qoqav1"
	"github.com/qoqasync/qoqasync/binding"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
	"github.com/qoqasync/qoqasync/qoqa"
	"github.com/qoqasync/qoqasync/qoqa/qoqatest"
)

// world is one backend of the default components between the two fake
// servers, over real HTTP, with an in-memory binding store and queue.
type world struct {
	t     testing.TB
	ctx   context.Context
	qoqa  *qoqatest.Server
	erp   *openerptest.Server
	qc    *qoqa.Client
	oc    *openerp.Client
	shop  *backend.Backend
	store *binding.Memory
	queue *connector.LocalQueue
	flows *backend.Flows
}

// since is where the first searches of a test start.
var since = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// newWorld starts both fakes and the flows of shop; nil shop means the
// defaults: languages fr_FR and de_DE, every model searched. adjust, when
// given, changes the shop before the flows are built.
func newWorld(t *testing.T, adjust func(*backend.Backend)) *world {
	t.Helper()
	return newWorldOn(t, openerptest.Options{}, adjust)
}

// newWorldOn is newWorld with an OpenERP fake set up by erp (its version,
// its models).
func newWorldOn(t testing.TB, erp openerptest.Options, adjust func(*backend.Backend)) *world {
	t.Helper()
	w := &world{t: t, ctx: context.Background()}
	w.qoqa = qoqatest.New(qoqatest.Options{})
	t.Cleanup(w.qoqa.Close)
	w.erp = openerptest.New(erp)
	t.Cleanup(w.erp.Close)
	var err error
	w.qc, err = qoqa.New(w.qoqa.Config())
	require.NoError(t, err)
	w.oc, err = openerp.New(w.erp.Config())
	require.NoError(t, err)

	w.shop = &backend.Backend{Name: "test", Version: qoqav1.Version, Languages: []string{"fr_FR", "de_DE"}, Since: since, Models: map[string]backend.ModelSettings{}}
	if adjust != nil {
		adjust(w.shop)
	}
	reg := backend.NewRegistry()
	require.NoError(t, qoqav1.Register(reg, w.shop, qoqav1.Systems{QoQa: w.qc, OpenERP: w.oc}))
	w.store = binding.NewMemory()
	mux := connector.NewMux()
	w.queue = connector.NewLocalQueue(connector.QueueConfig{Handler: mux, Concurrency: 4, Logger: quiet,
		Retry: connector.RetryPolicy{MaxAttempts: 5, Backoff: []time.Duration{time.Millisecond}}})
	w.flows, err = backend.Build(w.shop, reg, backend.Env{Queue: w.queue, Binder: w.store, Watermarks: w.store, Mux: mux, Logger: quiet})
	require.NoError(t, err)
	require.NoError(t, w.queue.Start(w.ctx))
	t.Cleanup(func() { _ = w.queue.Stop(context.Background()) })
	return w
}

var quiet = slog.New(slog.DiscardHandler)

// sync runs every import search and export poll of the flows once, then
// waits until the queue holds no pending or running job. It returns the
// jobs that failed for good.
func (w *world) sync() []connector.Job {
	w.t.Helper()
	for model, s := range w.flows.Searches {
		_, err := s.Run(w.ctx)
		require.NoError(w.t, err, "import search %s", model)
	}
	for model, p := range w.flows.Pollers {
		_, _, err := p.Run(w.ctx)
		require.NoError(w.t, err, "export poll %s", model)
	}
	return w.idle()
}

// idle waits until the queue holds no pending or running job and returns
// the failed ones.
func (w *world) idle() []connector.Job {
	w.t.Helper()
	require.Eventually(w.t, func() bool {
		c, err := w.queue.Counts(w.ctx)
		return err == nil && c[connector.StatePending] == 0 && c[connector.StateRunning] == 0
	}, 2*time.Minute, time.Millisecond, "the queue never went idle")
	failed, err := w.queue.List(w.ctx, connector.ListFilter{State: connector.StateFailed})
	require.NoError(w.t, err)
	return failed
}

// requireSynced runs sync and fails the test on a failed job.
func (w *world) requireSynced() {
	w.t.Helper()
	for _, j := range w.sync() {
		w.t.Errorf("failed: %s: %s", j, j.LastError)
	}
	if w.t.Failed() {
		w.t.FailNow()
	}
}

func TestRegisterDeclaresTheVersion(t *testing.T) {
	t.Parallel()
	w := newWorld(t, nil)
	reg := backend.NewRegistry()
	require.NoError(t, qoqav1.Register(reg, w.shop, qoqav1.Systems{QoQa: w.qc, OpenERP: w.oc}))
	require.Error(t, qoqav1.Register(reg, w.shop, qoqav1.Systems{QoQa: w.qc, OpenERP: w.oc}), "a registry serves one backend")
	require.Error(t, qoqav1.Register(backend.NewRegistry(), w.shop, qoqav1.Systems{QoQa: w.qc}), "both clients are needed")
}
