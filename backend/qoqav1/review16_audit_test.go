package qoqav1_test

import (
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

// QoQa answers its datetimes with a numeric offset, Zurich's
// (2013-10-11T17:34:41+0200 in QOQA_API.md), while the export writes them
// in UTC (+0000). An offer in sync, whose QoQa record holds the start and
// stop it was sent, written in QoQa's own offset, is no drift: the audit
// must not report it (nor -repair PUT it again, forever).
func TestReview16AuditTakesTheSameInstantInAnotherOffsetForInSync(t *testing.T) {
	t.Parallel()
	w := newWorld(t, scheduled)
	demo.Seed(w.qoqa, w.erp, planSize, 3)
	w.run()
	require.False(t, w.audit().Drifted())

	reg := backend.NewRegistry()
	require.NoError(t, qoqav1.Register(reg, w.shop, qoqav1.Systems{QoQa: w.qc, OpenERP: w.oc}))
	c, err := reg.Lookup(qoqav1.Version, "offer")
	require.NoError(t, err)
	zurich := time.FixedZone("+0200", 2*60*60)
	rewritten := 0
	for _, b := range w.bindings()["offer"] {
		if b.ExportHash == "" {
			continue // QoQa's history, which the export does not write
		}
		id := qoqa.ID(localNum(t, b.RemoteID))
		rec, ok := w.qoqa.Record("offer", id)
		require.True(t, ok)
		fields := map[string]any{}
		for _, f := range []string{"start_at", "stop_at"} {
			s, ok := rec[f].(string)
			require.True(t, ok, "offer %s %s: %v", b.RemoteID, f, rec[f])
			at, err := time.Parse(qoqa.TimeLayout, s)
			require.NoError(t, err)
			fields[f] = at.In(zurich).Format(qoqa.TimeLayout)
		}
		w.qoqa.Tamper("offer", id, fields)
		// The binding holds what the export read back: QoQa's answer.
		read, err := c.Remote.Read(w.ctx, b.RemoteID)
		require.NoError(t, err)
		b.RemoteHash, err = connector.HashFields(read.Fields)
		require.NoError(t, err)
		require.NoError(t, w.store.Bind(w.ctx, b))
		rewritten++
	}
	require.Positive(t, rewritten)

	report := w.audit()
	assert.False(t, report.Drifted(), "%+v", report.Findings)
}

// An offer authored in OpenERP and exported, edited on QoQa behind the
// connector's back (its updated_at unchanged), has drifted: its QoQa
// record no longer holds what OpenERP says. Its import does nothing (QoQa's
// copy of an authored record is never imported over it), so the audit must
// check the export instead, report the drift, and repair it by exporting.
func TestReview16AuditFindsAnExportedRecordEditedOnQoQa(t *testing.T) {
	t.Parallel()
	w := newWorld(t, scheduled)
	demo.Seed(w.qoqa, w.erp, planSize, 3)
	w.run()
	require.False(t, w.audit().Drifted())

	var offer connector.Binding
	for _, b := range w.bindings()["offer"] {
		if b.ExportHash != "" {
			offer = b
			break
		}
	}
	require.NotEmpty(t, offer.LocalID, "an exported offer")
	id := qoqa.ID(localNum(t, offer.RemoteID))
	rec, ok := w.qoqa.Record("offer", id)
	require.True(t, ok)
	require.NotEqual(t, "EUR", rec["currency"])
	w.qoqa.Tamper("offer", id, map[string]any{"currency": "EUR"})

	report := w.audit()
	require.Len(t, report.Findings, 1, "%+v", report.Findings)
	f := report.Findings[0]
	assert.Equal(t, connector.Drifted, f.Kind)
	assert.Equal(t, []connector.FieldChange{{Field: "currency", Old: "EUR", New: rec["currency"]}}, f.Changes)
	require.NotNil(t, f.Repair)
	assert.Equal(t, connector.KindExport, f.Repair.Kind)

	_, err := report.Repair(w.ctx, w.queue)
	require.NoError(t, err)
	require.Empty(t, w.idle())
	after, ok := w.qoqa.Record("offer", id)
	require.True(t, ok)
	assert.Equal(t, rec["currency"], after["currency"])
	assert.False(t, w.audit().Drifted())
}
