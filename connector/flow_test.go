package connector_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/binding"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/connector/connectortest"
)

// clock ticks one second per reading, so that every write in a test is
// strictly after the one before, unless frozen.
type clock struct {
	mu     sync.Mutex
	t      time.Time
	frozen bool
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.frozen {
		c.t = c.t.Add(time.Second)
	}
	return c.t
}

// last is the time of the last reading, without a tick.
func (c *clock) last() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// freeze stops the clock: every write from now on lands in the same second.
func (c *clock) freeze() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.frozen = true
}

// world is a remote system (QoQa-like: its update replaces the record, its
// creates are idempotent) and a local one (OpenERP-like: its update writes
// the fields given) with one model each, a binder, a lock and the flows
// between them, synced both ways.
type world struct {
	clock         *clock
	remote, local *connectortest.Adapter
	binder        *binding.Memory
	lock          *connector.KeyLock
	imp           *connector.ImportFlow
	exp           *connector.ExportFlow
	ctx           context.Context
}

var productImport = connector.Mapping{Model: "product", Rules: []connector.Rule{
	connector.Field("name", "name"),
	connector.Field("price", "list_price", connector.CentsToAmount),
}}

var productExport = connector.Mapping{Model: "product", Rules: []connector.Rule{
	connector.Field("name", "name"),
	connector.Field("list_price", "price", connector.AmountToCents),
}}

func newWorld(t *testing.T) *world {
	c := newClock()
	w := &world{
		clock:  c,
		remote: &connectortest.Adapter{Name: "qoqa product", Clock: c.Now, Idempotent: true},
		local:  &connectortest.Adapter{Name: "openerp product", Clock: c.Now, PartialUpdate: true},
		binder: binding.NewMemory(),
		lock:   &connector.KeyLock{},
		ctx:    context.Background(),
	}
	w.imp = &connector.ImportFlow{Model: "product", Remote: w.remote, Local: w.local, Binder: w.binder, Mapper: productImport, TwoWay: true, Locker: w.lock, Logger: quiet}
	w.exp = &connector.ExportFlow{Model: "product", Local: w.local, Remote: w.remote, Binder: w.binder, Mapper: productExport, TwoWay: true, Locker: w.lock, Logger: quiet}
	return w
}

func (w *world) export(t *testing.T, id string) error {
	t.Helper()
	return w.exp.Export(w.ctx, id, connector.ExportOptions{})
}

func mustBinding(t *testing.T, w *world, localID string) connector.Binding {
	t.Helper()
	b, err := w.binder.ByLocal(w.ctx, "product", localID)
	require.NoError(t, err)
	return b
}

// runAll runs q until it holds no pending or running job, then stops it.
func runAll(t *testing.T, q *connector.LocalQueue) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, q.Start(ctx))
	require.Eventually(t, func() bool {
		c, err := q.Counts(ctx)
		return err == nil && c[connector.StatePending] == 0 && c[connector.StateRunning] == 0
	}, 10*time.Second, time.Millisecond)
	require.NoError(t, q.Stop(ctx))
}

func (w *world) importIt(t *testing.T, id string) error {
	t.Helper()
	return w.imp.Import(w.ctx, id, connector.ImportOptions{})
}

func isNothingToDo(err error) bool {
	var n *connector.NothingToDoError
	return errors.As(err, &n)
}

func TestImportCreatesThenUpdatesAndBinds(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id := w.remote.Put(connector.Record{Fields: map[string]any{"name": "Lamp", "price": 2950}})

	require.NoError(t, w.importIt(t, id))
	b, err := w.binder.ByRemote(w.ctx, "product", id)
	require.NoError(t, err)
	local, ok := w.local.Get(b.LocalID)
	require.True(t, ok)
	assert.Equal(t, map[string]any{"name": "Lamp", "list_price": 29.5}, local.Fields)

	assert.True(t, isNothingToDo(w.importIt(t, id)), "an unchanged record is imported again")
	assert.Equal(t, 0, w.local.Calls("Update"))

	w.remote.Put(connector.Record{ID: id, Fields: map[string]any{"name": "Lamp XL", "price": 3000}})
	require.NoError(t, w.importIt(t, id))
	local, _ = w.local.Get(b.LocalID)
	assert.Equal(t, "Lamp XL", local.Fields["name"])
	assert.Equal(t, 1, w.local.Len(), "an update created a record")

	require.NoError(t, w.imp.Import(w.ctx, id, connector.ImportOptions{Force: true}), "force imports an unchanged record")
	assert.Equal(t, 2, w.local.Calls("Update"))
}

func TestImportOfAMissingRecordIsNothingToDo(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	assert.True(t, isNothingToDo(w.importIt(t, "404")))
}

func TestImportLostCreateAnswerCreatesOneRecord(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id := w.remote.Put(connector.Record{Fields: map[string]any{"name": "Lamp", "price": 100}})
	w.local.LoseAnswer("Create")

	err := w.importIt(t, id)
	require.Error(t, err)
	assert.True(t, connector.IsRetryable(err), "a lost answer must be retried: %v", err)
	_, err = w.binder.ByRemote(w.ctx, "product", id)
	require.ErrorIs(t, err, connector.ErrNotBound)

	require.NoError(t, w.importIt(t, id))
	assert.Equal(t, 1, w.local.Len(), "the retry created a second record")
	assert.Equal(t, 1, w.local.Calls("Create"))
	b, err := w.binder.ByRemote(w.ctx, "product", id)
	require.NoError(t, err)
	assert.True(t, w.local.IsActive(b.LocalID))
}

// failingBinder fails the next Bind, as a crash between the create and the
// binding would.
type failingBinder struct {
	*binding.Memory
	fail error
}

func (f *failingBinder) Bind(ctx context.Context, b connector.Binding) error {
	if err := f.fail; err != nil {
		f.fail = nil
		return err
	}
	return f.Memory.Bind(ctx, b)
}

func TestImportBindingNotStoredCreatesOneRecord(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	fb := &failingBinder{Memory: w.binder, fail: errors.New("disk full")}
	w.imp.Binder = fb
	id := w.remote.Put(connector.Record{Fields: map[string]any{"name": "Lamp"}})
	require.Error(t, w.importIt(t, id))
	require.NoError(t, w.importIt(t, id))
	assert.Equal(t, 1, w.local.Len())
}

func TestImportBindConflictIsRetried(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.imp.Binder = &failingBinder{Memory: w.binder, fail: fmt.Errorf("lost the race: %w", connector.ErrBindingConflict)}
	id := w.remote.Put(connector.Record{Fields: map[string]any{"name": "Lamp"}})
	err := w.importIt(t, id)
	assert.True(t, connector.IsRetryable(err), "a binding conflict must be retried, got %v", err)
}

func TestImportMustSkipAndAfterImport(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	var after []string
	w.imp.MustSkip = func(ctx context.Context, rec connector.Record) (string, error) {
		if rec.Fields["name"] == "draft" {
			return "drafts are not imported", nil
		}
		return "", nil
	}
	w.imp.AfterImport = func(ctx context.Context, rec connector.Record, localID string, created bool) error {
		after = append(after, fmt.Sprintf("%s->%s created=%v", rec.ID, localID, created))
		return nil
	}
	draft := w.remote.Put(connector.Record{Fields: map[string]any{"name": "draft"}})
	err := w.importIt(t, draft)
	require.True(t, isNothingToDo(err))
	assert.ErrorContains(t, err, "drafts are not imported")
	assert.Zero(t, w.local.Len())

	ok := w.remote.Put(connector.Record{Fields: map[string]any{"name": "Lamp"}})
	require.NoError(t, w.importIt(t, ok))
	assert.Equal(t, []string{ok + "->1 created=true"}, after)
}

// importers routes dependency imports by model, as a backend does.
type importers map[string]*connector.ImportFlow

func (m importers) ImportDependency(ctx context.Context, model, id string, opts connector.ImportOptions) error {
	return m[model].Import(ctx, id, opts)
}

func TestImportDependenciesFirst(t *testing.T) {
	t.Parallel()
	c := newClock()
	binder := binding.NewMemory()
	lock := &connector.KeyLock{}
	remoteCustomers := &connectortest.Adapter{Name: "qoqa customer", Clock: c.Now}
	localPartners := &connectortest.Adapter{Name: "res.partner", Clock: c.Now, PartialUpdate: true}
	remoteOrders := &connectortest.Adapter{Name: "qoqa order", Clock: c.Now}
	localOrders := &connectortest.Adapter{Name: "sale.order", Clock: c.Now, PartialUpdate: true}
	deps := importers{}
	deps["customer"] = &connector.ImportFlow{Model: "customer", Remote: remoteCustomers, Local: localPartners, Binder: binder, Locker: lock,
		Mapper: connector.Mapping{Rules: []connector.Rule{connector.Field("name", "name")}}}
	always := false
	orders := &connector.ImportFlow{Model: "order", Remote: remoteOrders, Local: localOrders, Binder: binder, Locker: lock, DependencyImporter: deps,
		Dependencies: func(ctx context.Context, rec connector.Record) ([]connector.Dependency, error) {
			id, err := connector.ID(rec.Fields["customer_id"])
			return []connector.Dependency{{Model: "customer", ID: id, Always: always}}, err
		},
		Mapper: connector.Mapping{Rules: []connector.Rule{connector.Field("customer_id", "partner_id", connector.Bound("customer"))}}}

	ctx := context.Background()
	cust := remoteCustomers.Put(connector.Record{Fields: map[string]any{"name": "Ada"}})
	order := remoteOrders.Put(connector.Record{Fields: map[string]any{"customer_id": float64(1)}})
	require.NoError(t, orders.Import(ctx, order, connector.ImportOptions{}))
	cb, err := binder.ByRemote(ctx, "customer", cust)
	require.NoError(t, err, "the dependency was not imported")
	ob, err := binder.ByRemote(ctx, "order", order)
	require.NoError(t, err)
	got, _ := localOrders.Get(ob.LocalID)
	assert.Equal(t, connector.IDValue(cb.LocalID), got.Fields["partner_id"])
	assert.Equal(t, 1, remoteCustomers.Calls("Read"))

	// A bound dependency is not imported again, unless asked always.
	remoteCustomers.Put(connector.Record{ID: cust, Fields: map[string]any{"name": "Ada L."}})
	remoteOrders.Put(connector.Record{ID: order, Fields: map[string]any{"customer_id": "1"}})
	assert.True(t, isNothingToDo(orders.Import(ctx, order, connector.ImportOptions{})), "the order maps to the values it already has")
	assert.Equal(t, 1, remoteCustomers.Calls("Read"))
	always = true
	require.NoError(t, orders.Import(ctx, order, connector.ImportOptions{Force: true}))
	assert.Equal(t, 2, remoteCustomers.Calls("Read"))
	partner, _ := localPartners.Get(cb.LocalID)
	assert.Equal(t, "Ada L.", partner.Fields["name"])
}

func TestImportMappingErrorNamesModelRecordAndField(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id := w.remote.Put(connector.Record{Fields: map[string]any{"name": "Lamp", "price": "a lot"}})
	err := w.importIt(t, id)
	require.Error(t, err)
	assert.True(t, connector.IsPermanent(err), "bad data cannot be mended by a retry")
	var me *connector.MappingError
	require.ErrorAs(t, err, &me)
	assert.Equal(t, "product", me.Model)
	assert.Equal(t, id, me.RecordID)
	assert.Equal(t, "price", me.Field)
	assert.Contains(t, err.Error(), "map product "+id+", field price")
	assert.Zero(t, w.local.Len())
}

// blockingMapper holds the first import inside the flow until released.
type blockingMapper struct {
	entered, release chan struct{}
}

func (m blockingMapper) Map(ctx context.Context, mc *connector.MapContext) (map[string]any, error) {
	close(m.entered)
	<-m.release
	return map[string]any{"name": "x"}, nil
}

func TestImportNeverTwiceAtOnce(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	m := blockingMapper{entered: make(chan struct{}), release: make(chan struct{})}
	w.imp.Mapper = m
	id := w.remote.Put(connector.Record{Fields: map[string]any{"name": "Lamp"}})
	first := make(chan error)
	go func() { first <- w.importIt(t, id) }()
	<-m.entered
	err := w.importIt(t, id)
	var r *connector.RetryableError
	require.ErrorAs(t, err, &r)
	assert.True(t, r.NotCounted, "a busy record is no failure of the job")
	assert.Positive(t, r.After)
	close(m.release)
	require.NoError(t, <-first)
	assert.Equal(t, 1, w.local.Len())
}

func TestExportCreatesThenUpdates(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	local := w.local.Put(connector.Record{Fields: map[string]any{"name": "Desk", "list_price": 120.5}})
	require.NoError(t, w.export(t, local))
	b, err := w.binder.ByLocal(w.ctx, "product", local)
	require.NoError(t, err, "the new remote ID must be bound at once")
	rec, ok := w.remote.Get(b.RemoteID)
	require.True(t, ok)
	assert.Equal(t, map[string]any{"name": "Desk", "price": int64(12050)}, rec.Fields)

	assert.True(t, isNothingToDo(w.export(t, local)), "an unchanged record was exported again")

	w.local.Put(connector.Record{ID: local, Fields: map[string]any{"name": "Desk", "list_price": 99.0}})
	require.NoError(t, w.export(t, local))
	rec, _ = w.remote.Get(b.RemoteID)
	assert.Equal(t, int64(9900), rec.Fields["price"])
	assert.Equal(t, 1, w.remote.Calls("Create"))
	assert.Equal(t, 1, w.remote.Calls("Update"))

	// Touched but not changed: the same payload is not sent again.
	w.local.Put(connector.Record{ID: local, Fields: map[string]any{"name": "Desk", "list_price": 99.0}})
	assert.True(t, isNothingToDo(w.export(t, local)))
	assert.Equal(t, 1, w.remote.Calls("Update"))
}

func TestImportedRecordIsNotExportedBack(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id := w.remote.Put(connector.Record{Fields: map[string]any{"name": "Lamp", "price": 100}})
	require.NoError(t, w.importIt(t, id))
	b, _ := w.binder.ByRemote(w.ctx, "product", id)

	err := w.exp.Export(w.ctx, b.LocalID, connector.ExportOptions{})
	assert.True(t, isNothingToDo(err), "the import's write was exported back: %v", err)
	assert.Zero(t, w.remote.Calls("Update"))
	assert.Zero(t, w.remote.Calls("Create"))
}

func TestExportedRecordIsNotImportedBack(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	local := w.local.Put(connector.Record{Fields: map[string]any{"name": "Desk", "list_price": 1.0}})
	require.NoError(t, w.export(t, local))
	b, _ := w.binder.ByLocal(w.ctx, "product", local)
	assert.True(t, isNothingToDo(w.importIt(t, b.RemoteID)), "the export's write was imported back")
	assert.Zero(t, w.local.Calls("Update"))
}

func TestExportLostCreateAnswerCreatesOneRecord(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	local := w.local.Put(connector.Record{Fields: map[string]any{"name": "Desk"}})
	w.remote.LoseAnswer("Create")
	err := w.export(t, local)
	require.True(t, connector.IsRetryable(err), "%v", err)
	require.NoError(t, w.export(t, local))
	assert.Equal(t, 1, w.remote.Len(), "the retried create made a second remote record")
}

func TestExportDependenciesFirst(t *testing.T) {
	t.Parallel()
	c := newClock()
	binder := binding.NewMemory()
	lock := &connector.KeyLock{}
	localVariants := &connectortest.Adapter{Name: "product.product", Clock: c.Now, PartialUpdate: true}
	remoteVariants := &connectortest.Adapter{Name: "qoqa variation", Clock: c.Now}
	localOffers := &connectortest.Adapter{Name: "qoqa.offer", Clock: c.Now, PartialUpdate: true}
	remoteOffers := &connectortest.Adapter{Name: "qoqa offer", Clock: c.Now}
	variants := &connector.ExportFlow{Model: "variation", Local: localVariants, Remote: remoteVariants, Binder: binder, Locker: lock,
		Mapper: connector.Mapping{Rules: []connector.Rule{connector.Field("default_code", "sku")}}}
	offers := &connector.ExportFlow{Model: "offer", Local: localOffers, Remote: remoteOffers, Binder: binder, Locker: lock,
		DependencyExporter: exporters{"variation": variants},
		Dependencies: func(ctx context.Context, rec connector.Record) ([]connector.Dependency, error) {
			id, err := connector.ID(rec.Fields["product_id"])
			return []connector.Dependency{{Model: "variation", ID: id}}, err
		},
		Mapper: connector.Mapping{Rules: []connector.Rule{
			connector.Field("product_id", "variation_id", connector.BoundRemote("variation")),
			connector.Field("name", "title"),
		}}}
	ctx := context.Background()
	v := localVariants.Put(connector.Record{Fields: map[string]any{"default_code": "SKU-1"}})
	o := localOffers.Put(connector.Record{Fields: map[string]any{"product_id": []any{float64(1), "Lamp"}, "name": "Deal"}})
	require.NoError(t, offers.Export(ctx, o, connector.ExportOptions{}))
	vb, err := binder.ByLocal(ctx, "variation", v)
	require.NoError(t, err, "the dependency was not exported first")
	ob, _ := binder.ByLocal(ctx, "offer", o)
	rec, _ := remoteOffers.Get(ob.RemoteID)
	assert.Equal(t, connector.IDValue(vb.RemoteID), rec.Fields["variation_id"])
	assert.Equal(t, "Deal", rec.Fields["title"])

	localOffers.Put(connector.Record{ID: o, Fields: map[string]any{"product_id": []any{float64(1), "Lamp"}, "name": "Deal 2"}})
	require.NoError(t, offers.Export(ctx, o, connector.ExportOptions{}))
	assert.Equal(t, 1, remoteVariants.Calls("Create"), "a bound dependency was exported again")
}

type exporters map[string]*connector.ExportFlow

func (m exporters) ExportDependency(ctx context.Context, model, id string, opts connector.ExportOptions) error {
	return m[model].Export(ctx, id, opts)
}

func TestDeletePolicies(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		policy         connector.DeletePolicy
		archiveLocally bool
		remoteExists   bool
		remoteActive   bool
		stillBound     bool
		state          connector.RemoteState
	}{
		{connector.DeleteRemote, false, false, false, false, ""},
		{connector.DeleteRemote, true, false, false, true, connector.RemoteDeleted},
		{connector.ArchiveRemote, false, true, false, false, ""},
		{connector.ArchiveRemote, true, true, false, true, connector.RemoteArchived},
		{connector.IgnoreDelete, false, true, true, false, ""},
		{connector.IgnoreDelete, true, true, true, true, connector.RemoteKept},
	} {
		t.Run(fmt.Sprintf("%s archived=%v", tc.policy, tc.archiveLocally), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			local := w.local.Put(connector.Record{Fields: map[string]any{"name": "Desk"}})
			require.NoError(t, w.export(t, local))
			b := mustBinding(t, w, local)
			if tc.archiveLocally {
				w.local.SetActive(local, false)
			} else {
				w.local.Remove(local)
			}
			del := &connector.DeleteFlow{Model: "product", Local: w.local, Remote: w.remote, Binder: w.binder, Policy: tc.policy, Locker: w.lock}
			require.NoError(t, del.Delete(w.ctx, local))
			_, exists := w.remote.Get(b.RemoteID)
			assert.Equal(t, tc.remoteExists, exists)
			assert.Equal(t, tc.remoteActive, w.remote.IsActive(b.RemoteID))
			after, err := w.binder.ByLocal(w.ctx, "product", local)
			assert.Equal(t, tc.stillBound, err == nil)
			assert.Equal(t, tc.state, after.RemoteState)
			if tc.archiveLocally {
				assert.True(t, isNothingToDo(del.Delete(w.ctx, local)), "a deletion applied twice")
			}
		})
	}
}

func TestDeleteOfAMissingRemoteRecordIsDone(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	local := w.local.Put(connector.Record{Fields: map[string]any{"name": "Desk"}})
	require.NoError(t, w.export(t, local))
	b, _ := w.binder.ByLocal(w.ctx, "product", local)
	w.remote.Remove(b.RemoteID)
	w.local.Remove(local)
	del := &connector.DeleteFlow{Model: "product", Remote: w.remote, Binder: w.binder, Policy: connector.DeleteRemote, Locker: w.lock}
	require.NoError(t, del.Delete(w.ctx, local))
	assert.True(t, isNothingToDo(del.Delete(w.ctx, local)), "an unbound record has nothing to delete")
}

func TestDeleteOfAReactivatedRecordIsNothingToDo(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	local := w.local.Put(connector.Record{Fields: map[string]any{"name": "Desk"}})
	require.NoError(t, w.export(t, local))
	del := &connector.DeleteFlow{Model: "product", Local: w.local, Remote: w.remote, Binder: w.binder, Policy: connector.DeleteRemote, Locker: w.lock}
	assert.True(t, isNothingToDo(del.Delete(w.ctx, local)))
	assert.Equal(t, 1, w.remote.Len())
}

func TestDeleteArchiveNeedsAnArchiver(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	local := w.local.Put(connector.Record{Fields: map[string]any{"name": "Desk"}})
	require.NoError(t, w.export(t, local))
	del := &connector.DeleteFlow{Model: "product", Remote: plainAdapter{w.remote}, Binder: w.binder, Policy: connector.ArchiveRemote, Locker: w.lock}
	assert.True(t, connector.IsPermanent(del.Delete(w.ctx, local)))
}

// plainAdapter hides the optional interfaces of the fake.
type plainAdapter struct{ connector.Adapter }

// A dependency whose import stopped after its create (bound, its write
// still marked under way) is imported again by the retry of its dependent,
// not taken as done: else nothing finishes it, and the export side waits
// for its write forever. Found by TestFullSyncUnderFaults in
// backend/qoqav1, where QoQa's history products stayed half-imported.
func TestDependencyStoppedAfterItsCreateIsImportedAgain(t *testing.T) {
	t.Parallel()
	c := newClock()
	binder := binding.NewMemory()
	remoteCustomers := &connectortest.Adapter{Name: "qoqa customer", Clock: c.Now}
	localPartners := &connectortest.Adapter{Name: "res.partner", Clock: c.Now, PartialUpdate: true}
	remoteOrders := &connectortest.Adapter{Name: "qoqa order", Clock: c.Now}
	localOrders := &connectortest.Adapter{Name: "sale.order", Clock: c.Now, PartialUpdate: true}
	hookFails := true
	deps := importers{}
	deps["customer"] = &connector.ImportFlow{Model: "customer", Remote: remoteCustomers, Local: localPartners, Binder: binder,
		Mapper: connector.Mapping{Rules: []connector.Rule{connector.Field("name", "name")}},
		AfterImport: func(ctx context.Context, rec connector.Record, localID string, created bool) error {
			if hookFails {
				hookFails = false
				return errors.New("connection reset")
			}
			return nil
		}}
	orders := &connector.ImportFlow{Model: "order", Remote: remoteOrders, Local: localOrders, Binder: binder, DependencyImporter: deps,
		Dependencies: func(ctx context.Context, rec connector.Record) ([]connector.Dependency, error) {
			id, err := connector.ID(rec.Fields["customer_id"])
			return []connector.Dependency{{Model: "customer", ID: id}}, err
		},
		Mapper: connector.Mapping{Rules: []connector.Rule{connector.Field("customer_id", "partner_id", connector.Bound("customer"))}}}

	ctx := context.Background()
	cust := remoteCustomers.Put(connector.Record{Fields: map[string]any{"name": "Ada"}})
	order := remoteOrders.Put(connector.Record{Fields: map[string]any{"customer_id": float64(1)}})
	require.Error(t, orders.Import(ctx, order, connector.ImportOptions{}), "the customer's import stops after its create")
	cb, err := binder.ByRemote(ctx, "customer", cust)
	require.NoError(t, err)
	require.Equal(t, connector.Import, cb.Writing)

	require.NoError(t, orders.Import(ctx, order, connector.ImportOptions{}))
	cb, err = binder.ByRemote(ctx, "customer", cust)
	require.NoError(t, err)
	assert.Empty(t, cb.Writing, "the customer's import was done again, to its end")
	assert.Equal(t, 1, localPartners.Len(), "and found its record instead of making another")
}

func TestJobReadsEachRemoteRecordOnce(t *testing.T) {
	t.Parallel()
	c := newClock()
	binder := binding.NewMemory()
	remoteCustomers := &connectortest.Adapter{Name: "qoqa customer", Clock: c.Now}
	deps := importers{}
	deps["customer"] = &connector.ImportFlow{Model: "customer", Remote: remoteCustomers, Local: &connectortest.Adapter{Name: "res.partner", Clock: c.Now},
		Binder: binder, Mapper: connector.Mapping{Rules: []connector.Rule{connector.Field("name", "name")}}}
	remoteOrders := &connectortest.Adapter{Name: "qoqa order", Clock: c.Now}
	var names []any
	orders := &connector.ImportFlow{Model: "order", Remote: remoteOrders, Local: &connectortest.Adapter{Name: "sale.order", Clock: c.Now},
		Binder: binder, DependencyImporter: deps,
		Dependencies: func(ctx context.Context, rec connector.Record) ([]connector.Dependency, error) {
			id, err := connector.ID(rec.Fields["customer_id"])
			return []connector.Dependency{{Model: "customer", ID: id, Always: true}}, err
		},
		Mapper: connector.Mapping{Rules: []connector.Rule{connector.Compute("note", func(ctx context.Context, mc *connector.MapContext) (any, error) {
			id, _ := connector.ID(mc.Record.Fields["customer_id"])
			cust, err := connector.ReadOnce(ctx, "customer", remoteCustomers, id)
			names = append(names, cust.Fields["name"])
			return cust.Fields["name"], err
		})}}}

	ctx := context.Background()
	cust := remoteCustomers.Put(connector.Record{Fields: map[string]any{"name": "Ada"}})
	order := remoteOrders.Put(connector.Record{Fields: map[string]any{"customer_id": cust}})
	require.NoError(t, orders.Import(ctx, order, connector.ImportOptions{}))
	assert.Equal(t, 1, remoteCustomers.Calls("Read"), "the customer's import read it; the order's mapping got that read")

	remoteCustomers.Put(connector.Record{ID: cust, Fields: map[string]any{"name": "Ada L."}})
	require.NoError(t, orders.Import(ctx, order, connector.ImportOptions{Force: true}))
	assert.Equal(t, 2, remoteCustomers.Calls("Read"), "another job reads it anew")
	assert.Equal(t, []any{"Ada", "Ada L."}, names)

	_, err := connector.ReadOnce(ctx, "customer", remoteCustomers, cust)
	require.NoError(t, err)
	assert.Equal(t, 3, remoteCustomers.Calls("Read"), "outside a job, every call reads")
}

func TestDependencyImportedMeanwhileIsNotReadAgain(t *testing.T) {
	t.Parallel()
	c := newClock()
	ctx := context.Background()
	binder := binding.NewMemory()
	remoteCustomers := &connectortest.Adapter{Name: "qoqa customer", Clock: c.Now}
	cust := remoteCustomers.Put(connector.Record{Fields: map[string]any{"name": "Ada"}})
	// Another job holds the customer's lock; when this job finds it busy,
	// that job binds the customer and lets go.
	lock := &handOver{}
	other, ok, err := lock.TryLock(ctx, "customer remote "+cust)
	require.NoError(t, err)
	require.True(t, ok)
	lock.onBusy = func() {
		assert.NoError(t, binder.Bind(ctx, connector.Binding{Model: "customer", RemoteID: cust, LocalID: "7", SyncedAt: c.Now()}))
		other()
	}
	deps := importers{}
	deps["customer"] = &connector.ImportFlow{Model: "customer", Remote: remoteCustomers, Local: &connectortest.Adapter{Name: "res.partner", Clock: c.Now},
		Binder: binder, Locker: lock, Mapper: connector.Mapping{Rules: []connector.Rule{connector.Field("name", "name")}}}
	remoteOrders := &connectortest.Adapter{Name: "qoqa order", Clock: c.Now}
	orders := &connector.ImportFlow{Model: "order", Remote: remoteOrders, Local: &connectortest.Adapter{Name: "sale.order", Clock: c.Now},
		Binder: binder, Locker: lock, DependencyImporter: deps,
		Dependencies: func(ctx context.Context, rec connector.Record) ([]connector.Dependency, error) {
			return []connector.Dependency{{Model: "customer", ID: cust}}, nil
		},
		Mapper: connector.Mapping{Rules: []connector.Rule{connector.Field("customer_id", "partner_id", connector.Bound("customer"))}}}
	order := remoteOrders.Put(connector.Record{Fields: map[string]any{"customer_id": cust}})

	require.NoError(t, orders.Import(ctx, order, connector.ImportOptions{}))
	assert.Zero(t, remoteCustomers.Calls("Read"), "the customer, bound meanwhile, was read again")
	ob, err := binder.ByRemote(ctx, "order", order)
	require.NoError(t, err)
	assert.NotEmpty(t, ob.LocalID)
}

type handOver struct {
	connector.KeyLock
	once   sync.Once
	onBusy func()
}

func (h *handOver) TryLock(ctx context.Context, key string) (func(), bool, error) {
	unlock, ok, err := h.KeyLock.TryLock(ctx, key)
	if err == nil && !ok && h.onBusy != nil {
		h.once.Do(h.onBusy)
	}
	return unlock, ok, err
}
