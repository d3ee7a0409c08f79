package backend_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/binding"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/connector/connectortest"
)

func TestRegistryLaterVersionOverridesOnlyWhatChanges(t *testing.T) {
	t.Parallel()
	reg := backend.NewRegistry()
	require.NoError(t, reg.AddVersion("v1", ""))
	require.NoError(t, reg.AddVersion("v2", "v1"))
	require.Error(t, reg.AddVersion("v3", "v9"), "a version cannot build on an unknown one")

	remote, local := connectortest.New("remote"), connectortest.New("local")
	v1Mapper := connector.Mapping{Model: "v1"}
	v2Mapper := connector.Mapping{Model: "v2"}
	require.NoError(t, reg.Register("v1", "product", backend.Components{Remote: remote, Local: local, ImportMapper: v1Mapper, ExportMapper: v1Mapper}))
	require.NoError(t, reg.Register("v1", "order", backend.Components{Remote: remote, Local: local, ImportMapper: v1Mapper}))
	require.NoError(t, reg.Register("v2", "product", backend.Components{ExportMapper: v2Mapper}))

	c, err := reg.Lookup("v2", "product")
	require.NoError(t, err)
	assert.Equal(t, v2Mapper, c.ExportMapper, "v2 overrides the export mapper")
	assert.Equal(t, v1Mapper, c.ImportMapper, "v2 keeps v1's import mapper")
	assert.Same(t, remote, c.Remote)

	c, err = reg.Lookup("v1", "product")
	require.NoError(t, err)
	assert.Equal(t, v1Mapper, c.ExportMapper, "v1 is untouched by v2")

	assert.Equal(t, []string{"order", "product"}, reg.Models("v2"))
	_, err = reg.Lookup("v2", "voucher")
	assert.ErrorIs(t, err, backend.ErrUnknownModel)
	_, err = reg.Lookup("v7", "product")
	assert.ErrorIs(t, err, backend.ErrUnknownVersion)
}

func TestSettingsDefaults(t *testing.T) {
	t.Parallel()
	b := &backend.Backend{Name: "shop", Version: "v1", Models: map[string]backend.ModelSettings{
		"product": {LocalModel: "product.product", Fields: map[string]string{"ean13": "barcode"}},
		"voucher": {DeletePolicy: connector.ArchiveRemote},
	}}
	assert.Equal(t, connector.DeleteRemote, b.Settings("product").DeletePolicy)
	assert.Equal(t, connector.DeleteRemote, b.Settings("offer").DeletePolicy)
	assert.Equal(t, connector.ArchiveRemote, b.Settings("voucher").DeletePolicy)
	assert.Equal(t, connector.IgnoreDelete, b.Settings("order").DeletePolicy)
	assert.Equal(t, "barcode", b.Settings("product").Field("ean13"))
	assert.Equal(t, "name", b.Settings("product").Field("name"))
	assert.Equal(t, "product.product", b.Settings("product").LocalModelOr("product.template"))
	assert.Equal(t, "sale.order", b.Settings("order").LocalModelOr("sale.order"))

	b.Models["offer"] = backend.ModelSettings{DeletePolicy: "shred"}
	assert.ErrorContains(t, b.Validate(), `unknown deletion policy "shred"`)
	b.Models["offer"] = backend.ModelSettings{OnMissing: "shrug"}
	assert.ErrorContains(t, b.Validate(), `unknown missing-record policy "shrug"`)
}

// A model searched on a schedule needs a start date: searching from the
// beginning of time walks decades of empty windows.
func TestValidateNeedsAStartDateForScheduledModels(t *testing.T) {
	t.Parallel()
	b := &backend.Backend{Name: "shop", Version: "v1", Models: map[string]backend.ModelSettings{
		"order": {ImportInterval: time.Minute},
	}}
	require.ErrorIs(t, b.Validate(), connector.ErrNoStartDate)
	since := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b.Since = since
	require.NoError(t, b.Validate())
	assert.Equal(t, since, b.Settings("order").Since, "a model takes the backend's start date")
	own := since.AddDate(0, 6, 0)
	b.Models["voucher"] = backend.ModelSettings{ExportInterval: time.Minute, Since: own}
	assert.Equal(t, own, b.Settings("voucher").Since, "a model's own start date wins")
}

// The flows a backend builds run end to end on a queue: a scheduled batch
// import brings a QoQa change into OpenERP, an OpenERP change goes back, and
// a deletion follows the model's policy.
func TestBuildRunsEveryFlow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	qoqa, erp := connectortest.New("qoqa product"), connectortest.New("product.template")
	qoqa.Idempotent = true
	reg := backend.NewRegistry()
	require.NoError(t, reg.AddVersion("v1", ""))
	require.NoError(t, reg.Register("v1", "product", backend.Components{
		Remote: qoqa, Local: erp,
		ImportMapper: connector.Mapping{Rules: []connector.Rule{connector.Field("name", "name")}},
		ExportMapper: connector.Mapping{Rules: []connector.Rule{connector.Field("name", "name")}},
	}))
	b := &backend.Backend{Name: "shop", Version: "v1", Since: time.Now().Add(-time.Hour), Models: map[string]backend.ModelSettings{
		"product": {ImportInterval: time.Hour, ExportInterval: time.Hour},
	}}
	store := binding.NewMemory()
	mux := connector.NewMux()
	q := connector.NewLocalQueue(connector.QueueConfig{Handler: mux})
	s, err := backend.Build(b, reg, backend.Env{Queue: q, Binder: store, Watermarks: store, Mux: mux})
	require.NoError(t, err)
	done := make(chan connector.Event, 16)
	q.Subscribe(func(ev connector.Event) {
		if ev.Type == connector.EventDone || ev.Type == connector.EventFailed {
			done <- ev
		}
	})
	require.NoError(t, q.Start(ctx))
	t.Cleanup(func() { _ = q.Stop(context.Background()) })
	wait := func(kind connector.Kind) connector.Event {
		t.Helper()
		select {
		case ev := <-done:
			require.Equal(t, connector.EventDone, ev.Type, ev.Job.LastError)
			require.Equal(t, kind, ev.Job.Kind)
			return ev
		case <-time.After(5 * time.Second):
			t.Fatalf("no %s job finished", kind)
		}
		return connector.Event{}
	}

	remoteID := qoqa.Put(connector.Record{Fields: map[string]any{"name": "Lamp"}})
	assert.True(t, s.Imports["product"].TwoWay, "a model with both mappers is synced both ways")
	assert.True(t, s.Exports["product"].TwoWay)
	_, err = s.Searches["product"].Run(ctx)
	require.NoError(t, err)
	wait(connector.KindImport)
	bnd, err := store.ByRemote(ctx, "product", remoteID)
	require.NoError(t, err)
	rec, _ := erp.Get(bnd.LocalID)
	assert.Equal(t, "Lamp", rec.Fields["name"])

	erp.Put(connector.Record{ID: bnd.LocalID, Fields: map[string]any{"name": "Lamp 2"}})
	_, _, err = s.Pollers["product"].Run(ctx)
	require.NoError(t, err)
	wait(connector.KindExport)
	rec, _ = qoqa.Get(remoteID)
	assert.Equal(t, "Lamp 2", rec.Fields["name"])

	erp.Remove(bnd.LocalID)
	_, deletes, err := s.Pollers["product"].Run(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, deletes)
	wait(connector.KindDelete)
	_, exists := qoqa.Get(remoteID)
	assert.False(t, exists, "products are deleted on QoQa by default")

	sched := connector.NewScheduler(nil)
	require.NoError(t, s.Schedule(sched))
	var names []string
	for _, st := range sched.Status() {
		names = append(names, st.Name)
	}
	assert.Equal(t, []string{"export product", "import product"}, names)
}
