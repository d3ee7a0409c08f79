package connector_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/connector"
)

// Review of issue 9: the flows. Each test states the invariant it holds the
// engine to; each fails on the code as reviewed.

// errReset is a passing network fault on a read, as a connection reset.
var errReset = connector.Retryable(errors.New("connection reset by peer"))

// Invariant: no echo, nothing lost. An import that wrote the OpenERP record
// and then failed before its bind (its read-back: a reset connection; its
// AfterImport hook, which issue 9 made retry-safe; a binding store hiccup)
// leaves the binding as it was before the write. Until the import's retry,
// the export takes the import's own write for an OpenERP change, sends it
// back to QoQa, and erases the QoQa change made meanwhile; the retry then
// finds QoQa "unchanged" and the change is lost for good.
func TestReviewImportFailedAfterItsWriteIsNotExportedBack(t *testing.T) {
	t.Parallel()
	for _, cause := range []string{"read-back fails", "hook fails"} {
		t.Run(cause, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			local := w.local.Put(connector.Record{Fields: map[string]any{"name": "A", "list_price": 1.0}})
			require.NoError(t, w.export(t, local))
			b := mustBinding(t, w, local)

			// QoQa: A -> B. The import writes B to OpenERP, then fails.
			w.remote.Put(connector.Record{ID: b.RemoteID, Fields: map[string]any{"name": "B", "price": 100}})
			if cause == "read-back fails" {
				w.local.Fail("Read", errReset)
			} else {
				fail := true
				w.imp.AfterImport = func(context.Context, connector.Record, string, bool) error {
					if fail {
						fail = false
						return errors.New("mail server down")
					}
					return nil
				}
			}
			err := w.importIt(t, b.RemoteID)
			require.Error(t, err)
			got, _ := w.local.Get(local)
			require.Equal(t, "B", got.Fields["name"], "the import wrote B before failing")

			// While the import waits for its retry, QoQa: B -> C, and the
			// export poll finds the OpenERP record the import wrote.
			w.remote.Put(connector.Record{ID: b.RemoteID, Fields: map[string]any{"name": "C", "price": 100}})
			_ = w.export(t, local)
			rec, _ := w.remote.Get(b.RemoteID)
			assert.Equal(t, "C", rec.Fields["name"], "the import's own write was exported back to QoQa over a newer QoQa change")

			// The import's retry must bring C to OpenERP.
			_ = w.importIt(t, b.RemoteID)
			got, _ = w.local.Get(local)
			assert.Equal(t, "C", got.Fields["name"], "the QoQa change made while the import waited for its retry is lost")
		})
	}
}

// Invariant: no echo, nothing lost; the other direction. An export that
// created the QoQa record and then failed before its final bind leaves a
// binding without hashes: the import search finds the new QoQa record, takes
// it for a QoQa change, writes it back over OpenERP and erases an OpenERP
// edit made meanwhile; the export's retry then finds OpenERP "unchanged".
func TestReviewExportFailedAfterItsCreateIsNotImportedBack(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	local := w.local.Put(connector.Record{Fields: map[string]any{"name": "A", "list_price": 1.0}})
	w.remote.Fail("Read", errReset) // the export's read-back of what it created
	err := w.export(t, local)
	require.True(t, connector.IsRetryable(err), "%v", err)
	b := mustBinding(t, w, local)

	// OpenERP: A -> B while the export waits for its retry; the QoQa search
	// finds the record the export created.
	w.local.Put(connector.Record{ID: local, Fields: map[string]any{"name": "B", "list_price": 1.0}})
	_ = w.importIt(t, b.RemoteID)
	got, _ := w.local.Get(local)
	assert.Equal(t, "B", got.Fields["name"], "the export's own create was imported back over a newer OpenERP edit")

	// The export's retry must bring B to QoQa.
	_ = w.export(t, local)
	rec, _ := w.remote.Get(b.RemoteID)
	assert.Equal(t, "B", rec.Fields["name"], "the OpenERP edit made while the export waited for its retry is lost")
}

// Invariant: nothing lost. The same root cause within one flow: an export
// that updated QoQa and then failed before its bind (read-back fault) keeps
// the binding of the values before the update. The user sets the OpenERP
// record back to what it was; the export's retry compares it with that stale
// binding, finds it "unchanged", and QoQa keeps the values the user undid.
func TestReviewExportRetryAfterARevertSendsTheRevert(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	local := w.local.Put(connector.Record{Fields: map[string]any{"name": "A", "list_price": 1.0}})
	require.NoError(t, w.export(t, local))
	b := mustBinding(t, w, local)

	w.local.Put(connector.Record{ID: local, Fields: map[string]any{"name": "B", "list_price": 1.0}})
	w.remote.Fail("Read", errReset) // the read-back after the update
	require.True(t, connector.IsRetryable(w.export(t, local)))
	rec, _ := w.remote.Get(b.RemoteID)
	require.Equal(t, "B", rec.Fields["name"], "the export sent B before failing")

	// Undone before the retry: OpenERP holds A again.
	w.local.Put(connector.Record{ID: local, Fields: map[string]any{"name": "A", "list_price": 1.0}})
	err := w.export(t, local)
	rec, _ = w.remote.Get(b.RemoteID)
	assert.Equal(t, "A", rec.Fields["name"], "the retry judged the reverted record up to date (%v); QoQa keeps B", err)
}

// Invariant: one record pair, one job at a time. The export of a record not
// yet bound locks the pair by its local ID; once its create binds the new
// QoQa ID, an import of that ID locks by the remote ID: another key. So the
// import runs while the export is still at work (its read-back, its hook,
// its final bind), takes the half-made binding for a QoQa change, and
// overwrites an OpenERP edit made during the export.
func TestReviewImportCannotRunWhileTheExportOfANewRecordRuns(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	local := w.local.Put(connector.Record{Fields: map[string]any{"name": "A", "list_price": 1.0}})
	var during error
	ran := false
	// The export's first QoQa read is its read-back, after the bind of the
	// new QoQa ID: the export holds the pair then.
	w.remote.OnCall("Read", func() {
		b, err := w.binder.ByLocal(w.ctx, "product", local)
		if !assert.NoError(t, err, "the export binds before its read-back") {
			return
		}
		w.local.Put(connector.Record{ID: local, Fields: map[string]any{"name": "B", "list_price": 1.0}})
		during = w.imp.Import(context.Background(), b.RemoteID, connector.ImportOptions{})
		ran = true
	})
	require.NoError(t, w.export(t, local))
	require.True(t, ran)
	var busy *connector.BusyError
	assert.ErrorAs(t, during, &busy, "an import of the pair ran while its export ran (import returned %v)", during)
	got, _ := w.local.Get(local)
	assert.Equal(t, "B", got.Fields["name"], "the OpenERP edit made during the export was overwritten")
}

// Invariant: an import and an export never both create one pair (doc.go;
// ImportFlow.TwoWay: "it creates under a lock per model that the export takes
// too"). ImportFlow.create takes the create lock, ImportFlow.recreate does
// not: when the OpenERP record of a binding was deleted and the import
// creates it again, the export poll that finds the new OpenERP record before
// the import's Rebind creates a second QoQa record for it. With an OpenERP
// adapter that is not a Finder (adapter.OpenERP without RefField), nothing
// else stops it; the import then fails on the binding conflict.
func TestReviewImportRecreateAndExportNeverBothCreate(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	plain := plainAdapter{w.local} // OpenERP without a reference field
	w.imp.Local, w.exp.Local = plain, plain
	id := w.remote.Put(connector.Record{Fields: map[string]any{"name": "Lamp", "price": 100}})
	require.NoError(t, w.importIt(t, id))
	old, err := w.binder.ByRemote(w.ctx, "product", id)
	require.NoError(t, err)
	require.Equal(t, "1", old.LocalID)

	w.local.Remove(old.LocalID) // deleted in OpenERP
	w.remote.Put(connector.Record{ID: id, Fields: map[string]any{"name": "Lamp 2", "price": 100}})
	var during error
	w.local.OnReturn("Create", func() {
		// The export poll finds the record the import just created again
		// (the fake's next ID), before the import moves the binding to it.
		_, ok := w.local.Get("2")
		if assert.True(t, ok) {
			during = w.export(t, "2")
		}
	})
	err = w.importIt(t, id)
	t.Logf("import: %v; export during the import: %v", err, during)
	assert.Equal(t, 1, w.remote.Len(), "QoQa holds the record twice")
	assert.NoError(t, err, "the import lost the race to an export of its own record")
}
