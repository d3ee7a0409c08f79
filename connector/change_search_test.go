package connector_test

import (
	"context"
	"errors"
	"iter"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/binding"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/connector/connectortest"
)

func newTestQueue(t *testing.T) *connector.LocalQueue {
	return connector.NewLocalQueue(connector.QueueConfig{})
}

func pendingIDs(t *testing.T, q connector.Queue, kind connector.Kind) []string {
	jobs, err := q.List(context.Background(), connector.ListFilter{State: connector.StatePending, Kind: kind})
	require.NoError(t, err)
	var ids []string
	for _, j := range jobs {
		ids = append(ids, j.RecordID)
	}
	return ids
}

func watermark(t *testing.T, w connector.WatermarkStore, kind connector.Kind, model string) time.Time {
	t.Helper()
	mark, ok, err := w.Watermark(context.Background(), connector.WatermarkName(kind, model))
	require.NoError(t, err)
	require.True(t, ok, "no watermark stored")
	return mark
}

var jan1 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func TestImportSearchQueuesChangesAndMovesTheWatermark(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClock()
	remote := &connectortest.Adapter{Name: "qoqa order", Clock: c.Now, Window: 7 * 24 * time.Hour}
	marks := binding.NewMemory()
	q := newTestQueue(t)
	for range 3 {
		remote.Put(connector.Record{})
	}
	search := connector.NewImportSearch("order", remote, q, marks)
	search.StartDate = jan1
	n, err := search.Run(ctx)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	assert.Equal(t, []string{"1", "2", "3"}, pendingIDs(t, q, connector.KindImport))
	// 2026-01-01 to 2026-03-01 is 60 days: nine windows of at most 7 days.
	assert.Equal(t, 9, remote.Calls("Search"))
	assert.Equal(t, c.last().Add(time.Second-connector.DefaultOverlap), watermark(t, marks, connector.KindImport, "order"),
		"the watermark is the end of the system's second at the search, minus the overlap")

	// The next run searches from the watermark: the same records fall in
	// the overlap and are dropped as duplicates; a new one is queued.
	remote.Put(connector.Record{})
	n, err = search.Run(ctx)
	require.NoError(t, err)
	assert.Equal(t, 4, n)
	assert.Equal(t, []string{"1", "2", "3", "4"}, pendingIDs(t, q, connector.KindImport))
	assert.Equal(t, 10, remote.Calls("Search"), "a short range is one search")
}

func TestChangeSearchNeedsAStartDate(t *testing.T) {
	t.Parallel()
	remote := connectortest.New("qoqa order")
	search := connector.NewImportSearch("order", remote, newTestQueue(t), binding.NewMemory())
	_, err := search.Run(context.Background())
	require.ErrorIs(t, err, connector.ErrNoStartDate)
	assert.Zero(t, remote.Calls("Search"), "a first search from the beginning of time walks decades of windows")
}

// failFrom fails every search of a window that starts at or after from.
type failFrom struct {
	*connectortest.Adapter
	from time.Time
}

func (f failFrom) Search(ctx context.Context, from, to time.Time) iter.Seq2[string, error] {
	if !from.Before(f.from) {
		return func(yield func(string, error) bool) {
			yield("", connector.Retryable(errors.New("429 too many requests")))
		}
	}
	return f.Adapter.Search(ctx, from, to)
}

func TestImportSearchResumesAfterTheLastCompleteWindow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClock()
	week := 7 * 24 * time.Hour
	remote := &connectortest.Adapter{Name: "qoqa order", Clock: c.Now, Window: week}
	marks := binding.NewMemory()
	search := connector.NewImportSearch("order", failFrom{remote, jan1.Add(2 * week)}, newTestQueue(t), marks)
	search.StartDate, search.Overlap = jan1, time.Minute
	_, err := search.Run(ctx)
	require.ErrorContains(t, err, "429")
	assert.Equal(t, jan1.Add(2*week-time.Minute), watermark(t, marks, connector.KindImport, "order"),
		"the two windows searched in full must not be searched again")

	search.Adapter = remote
	_, err = search.Run(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2+7, remote.Calls("Search"), "the second run starts after the last complete window")
}

// The watermark follows the searched system's clock: with the host an hour
// ahead, a host-clock watermark would skip what the system writes next.
func TestChangeSearchFollowsTheSystemsClock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClock()
	remote := &connectortest.Adapter{Name: "qoqa order", Clock: c.Now}
	marks := binding.NewMemory()
	q := newTestQueue(t)
	search := connector.NewImportSearch("order", remote, q, marks)
	search.StartDate, search.Overlap = jan1, time.Second
	search.Now = func() time.Time { return c.last().Add(time.Hour) } // the host's clock, ignored
	_, err := search.Run(ctx)
	require.NoError(t, err)
	late := remote.Put(connector.Record{})
	_, err = search.Run(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{late}, pendingIDs(t, q, connector.KindImport))
}

// failingQueue fails the enqueue after ok successes.
type failingQueue struct {
	connector.Enqueuer
	ok int
}

func (f *failingQueue) Enqueue(ctx context.Context, j connector.Job) (connector.EnqueueResult, error) {
	if f.ok == 0 {
		return connector.EnqueueResult{}, errors.New("queue full")
	}
	f.ok--
	return f.Enqueuer.Enqueue(ctx, j)
}

func TestChangeSearchWatermarkStaysWhenAWindowFails(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClock()
	remote := &connectortest.Adapter{Name: "qoqa order", Clock: c.Now}
	marks := binding.NewMemory()
	for range 4 {
		remote.Put(connector.Record{})
	}
	name := connector.WatermarkName(connector.KindImport, "order")
	before := time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC)
	require.NoError(t, marks.SetWatermark(ctx, name, before))

	search := connector.NewImportSearch("order", remote, &failingQueue{Enqueuer: newTestQueue(t), ok: 2}, marks)
	n, err := search.Run(ctx)
	require.ErrorContains(t, err, "queue full")
	assert.Equal(t, 2, n)
	assert.Equal(t, before, watermark(t, marks, connector.KindImport, "order"), "the watermark moved although the window was not fully queued")

	remote.Fail("Search", connector.Retryable(errors.New("503")))
	search.Queue = newTestQueue(t)
	_, err = search.Run(ctx)
	require.ErrorContains(t, err, "503")
	assert.Equal(t, before, watermark(t, marks, connector.KindImport, "order"), "the watermark moved although the search failed")
}

func TestExportPollerQueuesChangesAndDeletions(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	q := newTestQueue(t)
	kept := w.local.Put(connector.Record{Fields: map[string]any{"name": "Kept"}})
	gone := w.local.Put(connector.Record{Fields: map[string]any{"name": "Gone"}})
	archived := w.local.Put(connector.Record{Fields: map[string]any{"name": "Archived"}})
	for _, id := range []string{kept, gone, archived} {
		require.NoError(t, w.exp.Export(w.ctx, id, connector.ExportOptions{}))
	}
	w.local.Remove(gone)
	w.local.SetActive(archived, false)
	fresh := w.local.Put(connector.Record{Fields: map[string]any{"name": "New"}})

	poller := connector.NewExportPoller("product", w.local, w.binder, q, w.binder)
	poller.PageSize = 2
	poller.StartDate = w.clock.last().Add(-time.Hour)
	exports, deletes, err := poller.Run(w.ctx)
	require.NoError(t, err)
	assert.Equal(t, 3, exports, "kept, archived (its write_date moved) and new")
	assert.Equal(t, 2, deletes)
	assert.ElementsMatch(t, []string{kept, archived, fresh}, pendingIDs(t, q, connector.KindExport))
	assert.ElementsMatch(t, []string{gone, archived}, pendingIDs(t, q, connector.KindDelete))

	res, err := poller.QueueExport(w.ctx, kept, connector.ExportOptions{})
	require.NoError(t, err)
	assert.True(t, res.Duplicate, "an explicit export of a pending one is its duplicate")
	res, err = poller.QueueExport(w.ctx, kept, connector.ExportOptions{Force: true})
	require.NoError(t, err)
	assert.False(t, res.Duplicate, "a forced export is other work than a normal one")
}

// An archived record's deletion is applied once, not on every poll.
func TestExportPollerRetiresAnArchivedRecordOnce(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	local := w.local.Put(connector.Record{Fields: map[string]any{"name": "Desk"}})
	require.NoError(t, w.exp.Export(w.ctx, local, connector.ExportOptions{}))
	w.local.SetActive(local, false)
	del := &connector.DeleteFlow{Model: "product", Local: w.local, Remote: w.remote, Binder: w.binder, Policy: connector.ArchiveRemote, Locker: w.lock}
	mux := connector.NewMux()
	mux.Handle(connector.KindExport, "product", w.exp)
	mux.Handle(connector.KindDelete, "product", del)
	w.exp.DeletePolicy = connector.ArchiveRemote
	poller := connector.NewExportPoller("product", w.local, w.binder, nil, w.binder)
	poller.StartDate = w.clock.last().Add(-time.Hour)
	for range 5 {
		q := connector.NewLocalQueue(connector.QueueConfig{Handler: mux, Logger: quiet})
		poller.Queue = q
		_, _, err := poller.Run(w.ctx)
		require.NoError(t, err)
		runAll(t, q)
	}
	assert.Equal(t, 1, w.remote.Calls("Archive"), "five polls must archive the remote record once")
	assert.False(t, w.remote.IsActive(mustBinding(t, w, local).RemoteID))
}

func TestExportPollSearchesItsRangeAtOnce(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.local.Put(connector.Record{Fields: map[string]any{"name": "x"}})
	poller := connector.NewExportPoller("product", w.local, w.binder, newTestQueue(t), w.binder)
	poller.StartDate = time.Date(1976, 1, 1, 0, 0, 0, 0, time.UTC)
	_, _, err := poller.Run(w.ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, w.local.Calls("Search"), "OpenERP pages its searches: fifty years are one search, not 2,600")
}
