package connector_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/connector"
)

// A tally counts, per kind and model, the records the jobs created,
// updated, retired and skipped: what a host prints after a run.
func TestTallyCountsWhatTheJobsDid(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	tally := &connector.Tally{}
	w.imp.Tally, w.exp.Tally = tally, tally
	w.exp.DeletePolicy = connector.DeleteRemote
	job := func(kind connector.Kind, id string) connector.Job {
		return connector.Job{Kind: kind, Model: "product", RecordID: id}
	}
	id := w.remote.Put(connector.Record{Fields: map[string]any{"name": "Lamp", "price": 100}})
	require.NoError(t, w.imp.Work(w.ctx, job(connector.KindImport, id)))
	require.Error(t, w.imp.Work(w.ctx, job(connector.KindImport, id)), "nothing to do")
	w.remote.Put(connector.Record{ID: id, Fields: map[string]any{"name": "Lamp 2", "price": 100}})
	require.NoError(t, w.imp.Work(w.ctx, job(connector.KindImport, id)))

	local := w.local.Put(connector.Record{Fields: map[string]any{"name": "Desk", "list_price": 1.0}})
	require.NoError(t, w.exp.Work(w.ctx, job(connector.KindExport, local)))
	w.local.SetActive(local, false)
	require.NoError(t, w.exp.Work(w.ctx, job(connector.KindExport, local)))

	assert.Equal(t, map[connector.TallyKey]connector.TallyCounts{
		{Kind: connector.KindImport, Model: "product"}: {Created: 1, Updated: 1, Skipped: 1},
		{Kind: connector.KindExport, Model: "product"}: {Created: 1, Deleted: 1},
	}, tally.Counts())
	assert.Equal(t, []connector.TallyKey{{Kind: connector.KindExport, Model: "product"}, {Kind: connector.KindImport, Model: "product"}}, tally.Keys())
	var none *connector.Tally
	assert.Nil(t, none.Counts(), "a nil tally counts nothing")
}
