package qoqav1_test

import (
	"net/http"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/backend/qoqav1"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/internal/demo"
)

var planSize = demo.Size{Users: 8, Orders: 10, Products: 3, Offers: 2, Vouchers: 3}

// plan runs the dry run of w's backend on its store.
func (w *world) plan() *connector.Plan {
	w.t.Helper()
	reg := backend.NewRegistry()
	require.NoError(w.t, qoqav1.Register(reg, w.shop, qoqav1.Systems{QoQa: w.qc, OpenERP: w.oc}))
	p, err := backend.Plan(w.ctx, w.shop, reg, backend.Env{Binder: w.store, Watermarks: w.store, Logger: quiet})
	require.NoError(w.t, err)
	return p
}

func TestPlanExplore(t *testing.T) {
	w := newWorld(t, func(b *backend.Backend) {
		qoqav1.UseDefaultImportIntervals(b)
		qoqav1.ApplyExportDefaults(b)
	})
	demo.Seed(w.qoqa, w.erp, planSize, 3)
	p := w.plan()
	p.WriteText(os.Stdout)
	_ = http.MethodPost
}
