package connector_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/binding"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/connector/connectortest"
)

// These tests hold the flows to telling a change by each side's content,
// never by a clock.

// A QoQa change made while the import runs (between its read and its bind),
// in the same second as the import's own write, is imported by the next run.
func TestChangeDuringImportIsImportedNextRun(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.clock.freeze()
	id := w.remote.Put(connector.Record{Fields: map[string]any{"name": "Lamp", "price": 100}})
	w.local.OnCall("Create", func() {
		w.remote.Put(connector.Record{ID: id, Fields: map[string]any{"name": "Lamp v2", "price": 100}})
	})
	require.NoError(t, w.importIt(t, id))
	b, err := w.binder.ByRemote(w.ctx, "product", id)
	require.NoError(t, err)
	got, _ := w.local.Get(b.LocalID)
	require.Equal(t, "Lamp", got.Fields["name"], "the first run imports what it read")

	require.NoError(t, w.importIt(t, id), "the change made during the first run was judged up to date")
	got, _ = w.local.Get(b.LocalID)
	assert.Equal(t, "Lamp v2", got.Fields["name"])
}

// An OpenERP edit in the same second as the last export is exported.
func TestEditInTheSameSecondAsTheExportIsExported(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.clock.freeze()
	local := w.local.Put(connector.Record{Fields: map[string]any{"name": "Desk", "list_price": 1.0}})
	require.NoError(t, w.export(t, local))
	w.local.Put(connector.Record{ID: local, Fields: map[string]any{"name": "Desk 2", "list_price": 1.0}})
	require.NoError(t, w.export(t, local))
	got, _ := w.remote.Get(mustBinding(t, w, local).RemoteID)
	assert.Equal(t, "Desk 2", got.Fields["name"])
}

// Export A, import B from QoQa, set the record back to A in OpenERP: A is
// exported, though it is what was exported first.
func TestValuesExportedBeforeAreExportedAgainAfterAnImport(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	local := w.local.Put(connector.Record{Fields: map[string]any{"name": "A", "list_price": 1.0}})
	require.NoError(t, w.export(t, local))
	b := mustBinding(t, w, local)
	w.remote.Put(connector.Record{ID: b.RemoteID, Fields: map[string]any{"name": "B", "price": 100}})
	require.NoError(t, w.importIt(t, b.RemoteID))
	got, _ := w.local.Get(local)
	require.Equal(t, "B", got.Fields["name"])

	w.local.Put(connector.Record{ID: local, Fields: map[string]any{"name": "A", "list_price": 1.0}})
	require.NoError(t, w.export(t, local))
	rec, _ := w.remote.Get(b.RemoteID)
	assert.Equal(t, "A", rec.Fields["name"])
}

// With OpenERP's clock ahead of or behind the host's, a whole sync through
// the searches and the queue makes no echo and loses no change.
func TestClockSkewMakesNoEchoAndLosesNothing(t *testing.T) {
	t.Parallel()
	for _, skew := range []time.Duration{2 * time.Minute, -2 * time.Minute} {
		t.Run(fmt.Sprint("openerp ", skew), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			qoqaClock := newClock()
			erpClock := func() time.Time { return qoqaClock.Now().Add(skew) }
			remote := &connectortest.Adapter{Name: "qoqa voucher", Clock: qoqaClock.Now, Idempotent: true}
			local := &connectortest.Adapter{Name: "qoqa.voucher", Clock: erpClock, PartialUpdate: true}
			store, lock := binding.NewMemory(), &connector.KeyLock{}
			imp := &connector.ImportFlow{Model: "voucher", Remote: remote, Local: local, Binder: store, Mapper: productImport, TwoWay: true, Locker: lock, Logger: quiet}
			exp := &connector.ExportFlow{Model: "voucher", Local: local, Remote: remote, Binder: store, Mapper: productExport, TwoWay: true, Locker: lock, Logger: quiet}
			mux := connector.NewMux()
			mux.Handle(connector.KindImport, "voucher", imp)
			mux.Handle(connector.KindExport, "voucher", exp)
			since := qoqaClock.last().Add(-time.Hour)
			search := connector.NewImportSearch("voucher", remote, nil, store)
			poll := connector.NewExportPoller("voucher", local, store, nil, store)
			search.StartDate, poll.StartDate = since, since
			search.Overlap, poll.Overlap = 10*time.Second, 10*time.Second
			// The host's clock, which nothing may use: frozen at the start.
			host := func() time.Time { return since.Add(time.Hour) }
			search.Now, poll.Now, imp.Now, exp.Now = host, host, host, host
			cycle := func() {
				t.Helper()
				q := connector.NewLocalQueue(connector.QueueConfig{Handler: mux, Logger: quiet})
				search.Queue, poll.Queue = q, q
				_, err := search.Run(ctx)
				require.NoError(t, err)
				_, _, err = poll.Run(ctx)
				require.NoError(t, err)
				runAll(t, q)
				failed, err := q.List(ctx, connector.ListFilter{State: connector.StateFailed})
				require.NoError(t, err)
				require.Empty(t, failed)
			}

			id := remote.Put(connector.Record{Fields: map[string]any{"name": "Gift", "price": 500}})
			cycle()
			b, err := store.ByRemote(ctx, "voucher", id)
			require.NoError(t, err, "the QoQa record was not imported")
			cycle()
			cycle()
			assert.Zero(t, remote.Calls("Update")+remote.Calls("Create"), "the import was exported back")

			local.Put(connector.Record{ID: b.LocalID, Fields: map[string]any{"name": "Gift card", "list_price": 5.0}})
			cycle()
			rec, _ := remote.Get(id)
			assert.Equal(t, "Gift card", rec.Fields["name"], "an OpenERP change was lost")
			localWrites := local.Calls("Update")
			cycle()
			assert.Equal(t, localWrites, local.Calls("Update"), "the export was imported back")

			remote.Put(connector.Record{ID: id, Fields: map[string]any{"name": "Gift card", "price": 700}})
			cycle()
			got, _ := local.Get(b.LocalID)
			assert.Equal(t, 7.0, got.Fields["list_price"], "a QoQa change was lost")
			assert.Equal(t, 1, remote.Calls("Update"), "exactly one export: the OpenERP change")
		})
	}
}

// A replacing update (QoQa's PUT) gets the full record, create-only fields
// included; a partial one (OpenERP's write) gets the update's fields only.
func TestReplacingUpdateGetsTheFullRecord(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	withRef := connector.Mapping{Model: "product", Rules: []connector.Rule{
		connector.Field("name", "name"),
		connector.OnCreate(connector.Compute("origin", func(context.Context, *connector.MapContext) (any, error) { return "openerp", nil })),
	}}
	w.exp.Mapper, w.imp.Mapper = withRef, withRef
	local := w.local.Put(connector.Record{Fields: map[string]any{"name": "Desk"}})
	require.NoError(t, w.export(t, local))
	b := mustBinding(t, w, local)
	w.local.Put(connector.Record{ID: local, Fields: map[string]any{"name": "Desk 2"}})
	require.NoError(t, w.export(t, local))
	rec, _ := w.remote.Get(b.RemoteID)
	assert.Equal(t, map[string]any{"name": "Desk 2", "origin": "openerp"}, rec.Fields, "the replacing update erased a create-only field")

	w.remote.Put(connector.Record{ID: b.RemoteID, Fields: map[string]any{"name": "Desk 3", "origin": "qoqa"}})
	require.NoError(t, w.importIt(t, b.RemoteID))
	got, _ := w.local.Get(local)
	assert.Equal(t, "Desk 3", got.Fields["name"])
	assert.Equal(t, nil, got.Fields["origin"], "a partial update wrote a create-only field")
}

// A hook that fails runs again on the retry: the sync is not recorded as done
// until it succeeds.
func TestFailedHookRunsAgainOnTheRetry(t *testing.T) {
	t.Parallel()
	for _, dir := range []string{"import", "export"} {
		t.Run(dir, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			var runs []bool
			fail := true
			hook := func(created bool) error {
				runs = append(runs, created)
				if fail {
					fail = false
					return errors.New("mail server down")
				}
				return nil
			}
			var sync func() error
			if dir == "import" {
				w.imp.AfterImport = func(_ context.Context, _ connector.Record, _ string, created bool) error { return hook(created) }
				id := w.remote.Put(connector.Record{Fields: map[string]any{"name": "Lamp"}})
				sync = func() error { return w.importIt(t, id) }
			} else {
				w.exp.AfterExport = func(_ context.Context, _ connector.Record, _ string, created bool) error { return hook(created) }
				id := w.local.Put(connector.Record{Fields: map[string]any{"name": "Lamp"}})
				sync = func() error { return w.export(t, id) }
			}
			require.ErrorContains(t, sync(), "mail server down")
			require.NoError(t, sync(), "the retry judged the record up to date and skipped the hook")
			assert.Equal(t, []bool{true, true}, runs, "the retry's hook must still see a new record")
			assert.True(t, isNothingToDo(sync()), "once the hook ran, the record is in sync")
			assert.Equal(t, 1, w.local.Len()+w.remote.Len()-1, "the retry created a second record")
		})
	}
}
