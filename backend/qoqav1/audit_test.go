package qoqav1_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/backend/qoqav1"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/internal/demo"
	"github.com/qoqasync/qoqasync/qoqa"
)

// audit runs the audit of w's backend on its store.
func (w *world) audit() *connector.AuditReport {
	w.t.Helper()
	reg := backend.NewRegistry()
	require.NoError(w.t, qoqav1.Register(reg, w.shop, qoqav1.Systems{QoQa: w.qc, OpenERP: w.oc}))
	r, err := backend.Audit(w.ctx, w.shop, reg, backend.Env{Binder: w.store, Watermarks: w.store, Logger: quiet}, backend.AuditOptions{BatchSize: 5})
	require.NoError(w.t, err)
	return r
}

// An audit after a run finds nothing; it finds each kind of drift planted
// behind the connector's back, and the repair it queues brings every pair
// back in sync: a second audit finds nothing.
func TestAuditFindsDriftAndRepairFixesIt(t *testing.T) {
	t.Parallel()
	w := newWorld(t, scheduled)
	demo.Seed(w.qoqa, w.erp, planSize, 3)
	w.run()
	clean := w.audit()
	require.False(t, clean.Drifted(), "%+v", clean.Findings)

	bindings := w.bindings()
	offer, order, user := bindings["offer"][0], bindings["order"][0], bindings["user"][0]
	// The address deleted belongs to another customer than the order
	// unbound: an order's import does not create again an address bound to
	// a deleted partner before it points at it, so the two repairs would
	// race.
	ordered, ok := w.qoqa.Record("order", qoqa.ID(localNum(t, order.RemoteID)))
	require.True(t, ok)
	var address connector.Binding
	for _, b := range bindings["address"] {
		rec, ok := w.qoqa.Record("address", qoqa.ID(localNum(t, b.RemoteID)))
		require.True(t, ok)
		if rec["customer_id"] != ordered["customer_id"] {
			address = b
			break
		}
	}
	require.NotEmpty(t, address.LocalID)
	require.NoError(t, qoqa.NewService[map[string]any](w.qc, "offer").Delete(w.ctx, qoqa.ID(localNum(t, offer.RemoteID))))
	require.NoError(t, w.oc.Unlink(w.ctx, "res.partner", []int64{localNum(t, address.LocalID)}))
	require.NoError(t, w.store.Unbind(w.ctx, "order", order.LocalID))
	w.qoqa.Tamper("user", qoqa.ID(localNum(t, user.RemoteID)), map[string]any{"email": "tampered@example.ch"})
	// A voucher made in OpenERP whose export never ran: its poll moved
	// past it (a job someone cancelled).
	voucher := w.erp.Seed("qoqa.voucher", map[string]any{"name": "Lost", "code": "ERP-LOST", "amount": 20.0, "remaining_amount": 20.0,
		"currency": "CHF", "date_start": "2026-01-01", "date_expire": "2027-12-31", "description": "Bon cadeau", "active": true})[0]
	require.NoError(t, w.store.SetWatermark(w.ctx, connector.WatermarkName(connector.KindExport, "voucher"), time.Now().Add(time.Hour)))

	report := w.audit()
	require.True(t, report.Drifted())
	type found struct {
		model  string
		kind   connector.FindingKind
		repair string
	}
	var got []found
	for _, f := range report.Findings {
		require.NotNil(t, f.Repair, "%+v", f)
		got = append(got, found{f.Model, f.Kind, string(f.Repair.Kind) + " " + f.Repair.RecordID})
		if f.Kind == connector.Drifted {
			require.Len(t, f.Changes, 1)
			assert.Equal(t, "email", f.Changes[0].Field)
			assert.Equal(t, "tampered@example.ch", f.Changes[0].New)
		}
	}
	assert.ElementsMatch(t, []found{
		{"address", connector.MissingLocal, "import " + address.RemoteID},
		{"offer", connector.MissingRemote, "export " + offer.LocalID},
		{"order", connector.UnboundRemote, "import " + order.RemoteID},
		{"user", connector.Drifted, "import " + user.RemoteID},
		{"voucher", connector.UnboundLocal, "export " + strconv.FormatInt(voucher, 10)},
	}, got)
	var text strings.Builder
	require.NoError(t, report.WriteText(&text))
	t.Log(text.String())
	assert.Contains(t, text.String(), "drift: 5 record pairs out of sync")

	n, err := report.Repair(w.ctx, w.queue)
	require.NoError(t, err)
	assert.Equal(t, 5, n)
	for _, j := range w.idle() {
		t.Errorf("the repair %s failed: %s", j, j.LastError)
	}
	again := w.audit()
	assert.False(t, again.Drifted(), "%+v", again.Findings)
}
