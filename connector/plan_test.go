package connector_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/binding"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/connector/connectortest"
)

// A planner runs the real flows and records their writes instead of making
// them: a create (under a placeholder the rest of the plan can read back),
// an update with the fields that change, a delete; neither system nor the
// store is written.
func TestPlannerRecordsWritesInsteadOfMakingThem(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	remote := connectortest.New("qoqa product")
	local := connectortest.New("openerp product")
	store := binding.NewMemory()
	fresh := remote.Put(connector.Record{Fields: map[string]any{"name": "Chair", "price": 1250}})
	edited := remote.Put(connector.Record{Fields: map[string]any{"name": "Table", "price": 9900}})
	bound := local.Put(connector.Record{Fields: map[string]any{"name": "Table", "list_price": 90.0}})
	require.NoError(t, store.Bind(ctx, connector.Binding{Model: "product", RemoteID: edited, LocalID: bound, RemoteHash: "old"}))
	gone := "77"
	require.NoError(t, store.Bind(ctx, connector.Binding{Model: "product", RemoteID: "88", LocalID: gone}))

	planner := connector.NewPlanner()
	overlay := connector.NewOverlay(store, store)
	mux := connector.NewMux()
	mux.Handle(connector.KindImport, "product", &connector.ImportFlow{Model: "product", Remote: planner.Wrap("product", connector.SideRemote, remote),
		Local: planner.Wrap("product", connector.SideLocal, local), Binder: overlay, Mapper: productImport, TwoWay: true})
	mux.Handle(connector.KindDelete, "product", &connector.DeleteFlow{Model: "product", Local: planner.Wrap("product", connector.SideLocal, local),
		Remote: planner.Wrap("product", connector.SideRemote, remote), Binder: overlay, Policy: connector.DeleteRemote})
	for _, j := range []connector.Job{
		{Kind: connector.KindImport, Model: "product", RecordID: fresh},
		{Kind: connector.KindImport, Model: "product", RecordID: edited},
		{Kind: connector.KindImport, Model: "product", RecordID: fresh}, // a duplicate, dropped
		{Kind: connector.KindDelete, Model: "product", RecordID: gone},
	} {
		_, err := planner.Enqueue(ctx, j)
		require.NoError(t, err)
	}
	require.NoError(t, planner.Run(ctx, mux))
	p := planner.Plan()

	assert.Equal(t, 3, p.Jobs)
	require.Len(t, p.Entries, 3, "%+v", p.Entries)
	create, update, del := p.Entries[0], p.Entries[1], p.Entries[2]
	assert.Equal(t, connector.PlanCreate, create.Action)
	assert.Equal(t, connector.SideLocal, create.Side)
	assert.Equal(t, "product/"+fresh, create.Ref)
	assert.Equal(t, []connector.FieldChange{{Field: "list_price", New: 12.5}, {Field: "name", New: "Chair"}}, create.Changes)
	assert.Equal(t, connector.PlanUpdate, update.Action)
	assert.Equal(t, bound, update.ID)
	assert.Equal(t, []connector.FieldChange{{Field: "list_price", Old: 90.0, New: 99.0}}, update.Changes)
	assert.Equal(t, connector.PlanEntry{Action: connector.PlanDelete, Model: "product", Side: connector.SideRemote, ID: "88", Job: "delete product 77"}, del)
	assert.False(t, p.NothingToDo())

	for _, a := range []*connectortest.Adapter{remote, local} {
		for _, method := range []string{"Create", "Update", "Delete"} {
			assert.Zero(t, a.Calls(method), "%s %s", a.Name, method)
		}
	}
	_, err := store.ByRemote(ctx, "product", fresh)
	assert.ErrorIs(t, err, connector.ErrNotBound, "the plan bound in the store")
	b, err := overlay.ByRemote(ctx, "product", fresh)
	require.NoError(t, err, "the plan's own view binds the new record")
	assert.Equal(t, create.ID, b.LocalID)
	_, err = store.ByLocal(ctx, "product", gone)
	assert.NoError(t, err, "the plan unbound in the store")
}
