package connector_test

import (
	"context"
	"errors"
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

func TestBatchImportQueuesChangesAndMovesTheWatermark(t *testing.T) {
	ctx := context.Background()
	c := newClock()
	remote := &connectortest.Adapter{Name: "qoqa order", Now: c.Now}
	marks := binding.NewMemory()
	q := newTestQueue(t)
	for range 3 {
		remote.Put(connector.Record{})
	}
	batch := connector.NewBatchImport("order", remote, q, marks)
	batch.Now = c.Now
	batch.StartDate = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	n, err := batch.Run(ctx)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	assert.Equal(t, []string{"1", "2", "3"}, pendingIDs(t, q, connector.KindImport))
	// 2026-01-01 to 2026-03-01 is 60 days: nine windows of at most 7 days.
	assert.Equal(t, 9, remote.Calls("Search"))

	mark, err := marks.Watermark(ctx, connector.WatermarkName(connector.KindImport, "order"))
	require.NoError(t, err)
	assert.Equal(t, c.t.Add(-connector.DefaultOverlap), mark, "watermark is the run's start minus the overlap")

	// The next run searches from the watermark: the same records fall in
	// the overlap and merge with their pending jobs; a new one is queued.
	remote.Put(connector.Record{})
	n, err = batch.Run(ctx)
	require.NoError(t, err)
	assert.Equal(t, 4, n)
	assert.Equal(t, []string{"1", "2", "3", "4"}, pendingIDs(t, q, connector.KindImport))
	assert.Equal(t, 10, remote.Calls("Search"), "a short range is one search")
}

// failingQueue fails the enqueue after ok successes.
type failingQueue struct {
	connector.Queue
	ok int
}

func (f *failingQueue) Enqueue(ctx context.Context, j connector.Job) (connector.EnqueueResult, error) {
	if f.ok == 0 {
		return connector.EnqueueResult{}, errors.New("queue full")
	}
	f.ok--
	return f.Queue.Enqueue(ctx, j)
}

func TestBatchImportWatermarkStaysWhenQueueingFailsHalfWay(t *testing.T) {
	ctx := context.Background()
	c := newClock()
	remote := &connectortest.Adapter{Name: "qoqa order", Now: c.Now}
	marks := binding.NewMemory()
	for range 4 {
		remote.Put(connector.Record{})
	}
	name := connector.WatermarkName(connector.KindImport, "order")
	before := time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC)
	require.NoError(t, marks.SetWatermark(ctx, name, before))

	batch := connector.NewBatchImport("order", remote, &failingQueue{Queue: newTestQueue(t), ok: 2}, marks)
	batch.Now = c.Now
	n, err := batch.Run(ctx)
	require.ErrorContains(t, err, "queue full")
	assert.Equal(t, 2, n)
	mark, _ := marks.Watermark(ctx, name)
	assert.Equal(t, before, mark, "the watermark moved although the window was not fully queued")

	remote.Fail("Search", connector.Retryable(errors.New("503")))
	batch.Queue = newTestQueue(t)
	_, err = batch.Run(ctx)
	require.ErrorContains(t, err, "503")
	mark, _ = marks.Watermark(ctx, name)
	assert.Equal(t, before, mark, "the watermark moved although the search failed")
}

func TestWindowsSplitsARange(t *testing.T) {
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var got [][2]time.Time
	for a, b := range connector.Windows(from, from.Add(15*24*time.Hour), connector.MaxWindow) {
		got = append(got, [2]time.Time{a, b})
	}
	require.Len(t, got, 3)
	assert.Equal(t, from, got[0][0])
	assert.Equal(t, got[0][1], got[1][0], "windows must not leave gaps")
	assert.Equal(t, from.Add(15*24*time.Hour), got[2][1])
	for _, w := range got {
		assert.LessOrEqual(t, w[1].Sub(w[0]), connector.MaxWindow)
	}
}

func TestExportPollerQueuesChangesAndDeletions(t *testing.T) {
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
	poller.Now, poller.PageSize = w.clock.Now, 2
	poller.StartDate = w.clock.Now().Add(-time.Hour)
	exports, deletes, err := poller.Run(w.ctx)
	require.NoError(t, err)
	assert.Equal(t, 3, exports, "kept, archived (its write_date moved) and new")
	assert.Equal(t, 2, deletes)
	assert.ElementsMatch(t, []string{kept, archived, fresh}, pendingIDs(t, q, connector.KindExport))
	assert.ElementsMatch(t, []string{gone, archived}, pendingIDs(t, q, connector.KindDelete))

	res, err := poller.QueueExport(w.ctx, kept, connector.ExportOptions{Force: true})
	require.NoError(t, err)
	assert.True(t, res.Merged, "an explicit export merges with the queued one")
}

func TestExportPollSearchesItsRangeAtOnce(t *testing.T) {
	w := newWorld(t)
	w.local.Put(connector.Record{Fields: map[string]any{"name": "x"}})
	poller := connector.NewExportPoller("product", w.local, w.binder, newTestQueue(t), w.binder)
	poller.Now = w.clock.Now
	_, _, err := poller.Run(w.ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, w.local.Calls("Search"), "OpenERP pages its searches: fifty years are one search, not 2,900")
}
