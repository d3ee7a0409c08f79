package qoqav1_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/backend/qoqav1"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/internal/demo"
)

// A run starts the host's queue, which first runs the jobs a stopped
// process left pending there (a durable queue keeps them; a graceful stop
// puts the running ones back): here the export of a voucher made in
// OpenERP, whose poll already moved past it. The plan must show the
// create that job makes, not "nothing to do".
func TestReview16PlanIncludesTheJobsPendingInTheQueue(t *testing.T) {
	t.Parallel()
	w := newWorld(t, scheduled)
	demo.Seed(w.qoqa, w.erp, planSize, 3)
	w.run()

	voucher := w.erp.Seed("qoqa.voucher", map[string]any{"name": "Left", "code": "ERP-LEFT", "amount": 20.0, "remaining_amount": 20.0,
		"currency": "CHF", "date_start": "2026-01-01", "date_expire": "2027-12-31", "description": "Bon cadeau", "active": true})[0]
	require.NoError(t, w.store.SetWatermark(w.ctx, connector.WatermarkName(connector.KindExport, "voucher"), time.Now().Add(time.Hour)))
	left := connector.NewLocalQueue(connector.QueueConfig{Handler: w.flows.Mux, Concurrency: 1, Logger: quiet,
		Retry: connector.RetryPolicy{MaxAttempts: 5, Backoff: []time.Duration{time.Millisecond}}})
	_, err := left.Enqueue(w.ctx, connector.Job{Kind: connector.KindExport, Model: "voucher", RecordID: strconv.FormatInt(voucher, 10)})
	require.NoError(t, err)

	reg := backend.NewRegistry()
	require.NoError(t, qoqav1.Register(reg, w.shop, qoqav1.Systems{QoQa: w.qc, OpenERP: w.oc}))
	p, err := backend.Plan(w.ctx, w.shop, reg, backend.Env{Queue: left, Binder: w.store, Watermarks: w.store, Logger: quiet})
	require.NoError(t, err)
	assert.Equal(t, 1, p.Count(connector.PlanCreate, "voucher", connector.SideRemote), "%+v", p.Writes())

	// The run: the queue starts and its job creates the voucher on QoQa.
	posts := w.qoqa.Calls("voucher", http.MethodPost)
	require.NoError(t, left.Start(w.ctx))
	t.Cleanup(func() { _ = left.Stop(context.Background()) })
	require.Eventually(t, func() bool {
		c, err := left.Counts(w.ctx)
		return err == nil && c[connector.StatePending] == 0 && c[connector.StateRunning] == 0
	}, 30*time.Second, time.Millisecond)
	assert.Equal(t, posts+1, w.qoqa.Calls("voucher", http.MethodPost), "the run created the voucher the plan did not show")
}
