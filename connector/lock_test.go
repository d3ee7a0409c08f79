package connector_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/binding"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/connector/connectortest"
	"github.com/qoqasync/qoqasync/connector/lockertest"
)

// holdImport starts an import of remoteID that stops inside its mapping until
// the returned function is called; it returns once the import holds the
// pair's lock.
func holdImport(t *testing.T, w *world, remoteID string) (release func() error) {
	t.Helper()
	m := blockingMapper{entered: make(chan struct{}), release: make(chan struct{})}
	w.imp.Mapper = m
	done := make(chan error, 1)
	go func() { done <- w.importIt(t, remoteID) }()
	<-m.entered
	return func() error {
		close(m.release)
		return <-done
	}
}

func requireBusy(t *testing.T, err error, what string) {
	t.Helper()
	var r *connector.RetryableError
	require.ErrorAs(t, err, &r, "%s ran while the import of the same pair ran", what)
	assert.True(t, r.NotCounted, "a busy record is no failure of the job")
	var busy *connector.BusyError
	assert.ErrorAs(t, err, &busy)
}

// The import, the export and the delete of one binding take one lock: none
// runs while another does.
func TestImportExportAndDeleteOfAPairShareOneLock(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	local := w.local.Put(connector.Record{Fields: map[string]any{"name": "Voucher"}})
	require.NoError(t, w.export(t, local))
	b := mustBinding(t, w, local)
	w.remote.Put(connector.Record{ID: b.RemoteID, Fields: map[string]any{"name": "Voucher, changed on QoQa"}})

	release := holdImport(t, w, b.RemoteID)
	requireBusy(t, w.exp.Export(w.ctx, local, connector.ExportOptions{Force: true}), "an export")
	w.local.SetActive(local, false)
	del := &connector.DeleteFlow{Model: "product", Local: w.local, Remote: w.remote, Binder: w.binder, Policy: connector.DeleteRemote, Locker: w.lock}
	requireBusy(t, del.Delete(w.ctx, local), "a delete")
	require.NoError(t, release())
	require.NoError(t, del.Delete(w.ctx, local), "the lock must be free again")
}

// Flows that were given no Locker still share one.
func TestFlowsWithoutALockerShareOne(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.imp.Locker, w.exp.Locker = nil, nil
	// IDs no other parallel test uses, since the lock is the process's.
	w.remote.Put(connector.Record{ID: "lock-test-1", Fields: map[string]any{"name": "x"}})
	require.NoError(t, w.importIt(t, "lock-test-1"))
	b, err := w.binder.ByRemote(w.ctx, "product", "lock-test-1")
	require.NoError(t, err)
	w.remote.Put(connector.Record{ID: "lock-test-1", Fields: map[string]any{"name": "y"}})
	release := holdImport(t, w, "lock-test-1")
	requireBusy(t, w.exp.Export(w.ctx, b.LocalID, connector.ExportOptions{Force: true}), "an export")
	require.NoError(t, release())
}

// A user that needs its customer that needs its user: the chain is named
// and the job fails, instead of retrying forever.
func TestDependencyCycleFailsNamingTheChain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClock()
	store, lock := binding.NewMemory(), &connector.KeyLock{}
	users := &connectortest.Adapter{Name: "qoqa user", Clock: c.Now}
	customers := &connectortest.Adapter{Name: "qoqa customer", Clock: c.Now}
	partners := &connectortest.Adapter{Name: "res.partner", Clock: c.Now, PartialUpdate: true}
	deps := importers{}
	dependOn := func(field, model string) func(context.Context, connector.Record) ([]connector.Dependency, error) {
		return func(ctx context.Context, rec connector.Record) ([]connector.Dependency, error) {
			id, err := connector.ID(rec.Fields[field])
			return []connector.Dependency{{Model: model, ID: id}}, err
		}
	}
	name := connector.Mapping{Rules: []connector.Rule{connector.Field("name", "name")}}
	deps["user"] = &connector.ImportFlow{Model: "user", Remote: users, Local: partners, Binder: store, Mapper: name, Locker: lock,
		DependencyImporter: deps, Dependencies: dependOn("customer_id", "customer")}
	deps["customer"] = &connector.ImportFlow{Model: "customer", Remote: customers, Local: partners, Binder: store, Mapper: name, Locker: lock,
		DependencyImporter: deps, Dependencies: dependOn("user_id", "user")}
	user := users.Put(connector.Record{Fields: map[string]any{"name": "ada", "customer_id": "2"}})
	customers.Put(connector.Record{ID: "2", Fields: map[string]any{"name": "Ada", "user_id": user}})

	err := deps["user"].Import(ctx, user, connector.ImportOptions{})
	require.Error(t, err)
	assert.True(t, connector.IsPermanent(err), "a cycle cannot be mended by a retry: %v", err)
	var cycle *connector.CycleError
	require.ErrorAs(t, err, &cycle)
	assert.Equal(t, []string{"import user 1", "import customer 2", "import user 1"}, cycle.Chain)
	assert.ErrorContains(t, err, "dependency cycle: import user 1 → import customer 2 → import user 1")
	assert.Zero(t, partners.Len())
}

// An import and an export both creating one record pair: the record is
// created once, on one side.
func TestImportAndExportNeverBothCreateOnePair(t *testing.T) {
	t.Parallel()
	t.Run("the QoQa search finds what the export creates, before its bind", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		local := w.local.Put(connector.Record{Fields: map[string]any{"name": "Desk", "list_price": 1.0}})
		var during error
		w.remote.OnReturn("Create", func() { during = w.importIt(t, "1") })
		require.NoError(t, w.export(t, local))
		requireBusy(t, during, "an import that would create the pair")
		err := w.importIt(t, "1")
		assert.True(t, isNothingToDo(err), "%v", err)
		assert.Equal(t, 1, w.local.Len(), "OpenERP holds the record twice")
		assert.Equal(t, 1, w.remote.Len())
	})
	t.Run("the OpenERP poll finds what the import creates, before its bind", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		id := w.remote.Put(connector.Record{Fields: map[string]any{"name": "Lamp", "price": 100}})
		var during error
		w.local.OnReturn("Create", func() { during = w.export(t, "1") })
		require.NoError(t, w.importIt(t, id))
		assert.True(t, during == nil || isNothingToDo(during) || connector.IsRetryable(during), "%v", during)
		err := w.export(t, "1")
		assert.True(t, isNothingToDo(err), "%v", err)
		assert.Equal(t, 1, w.local.Len())
		assert.Equal(t, 1, w.remote.Len(), "QoQa holds the record twice")
	})
}

// Two imports, or two exports, of a model synced both ways create at once:
// the create lock keeps an import's create from an export's, not from
// another of its direction, whose network calls it would otherwise wait
// for.
func TestCreatesOfOneDirectionRunAtOnce(t *testing.T) {
	t.Parallel()
	t.Run("imports", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		first := w.remote.Put(connector.Record{Fields: map[string]any{"name": "Lamp", "price": 100}})
		second := w.remote.Put(connector.Record{Fields: map[string]any{"name": "Desk", "price": 200}})
		var during error
		var once sync.Once
		w.local.OnReturn("Create", func() { once.Do(func() { during = w.importIt(t, second) }) })
		require.NoError(t, w.importIt(t, first))
		require.NoError(t, during, "the second import waited for the first one's create")
		assert.Equal(t, 2, w.local.Len())
	})
	t.Run("exports", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		first := w.local.Put(connector.Record{Fields: map[string]any{"name": "Lamp", "list_price": 1.0}})
		second := w.local.Put(connector.Record{Fields: map[string]any{"name": "Desk", "list_price": 2.0}})
		var during error
		var once sync.Once
		w.remote.OnReturn("Create", func() { once.Do(func() { during = w.export(t, second) }) })
		require.NoError(t, w.export(t, first))
		require.NoError(t, during, "the second export waited for the first one's create")
		assert.Equal(t, 2, w.remote.Len())
	})
}

// An OpenERP record created by an import whose binding is lost (a crash
// before the bind) is not exported as a new record: the import's retry finds
// and binds it.
func TestRecordCreatedByAnImportIsNeverExportedAsNew(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	fb := &failingBinder{Memory: w.binder, fail: assert.AnError}
	w.imp.Binder = fb
	id := w.remote.Put(connector.Record{Fields: map[string]any{"name": "Lamp", "price": 100}})
	require.Error(t, w.importIt(t, id))
	require.Equal(t, 1, w.local.Len())

	err := w.export(t, "1")
	require.True(t, isNothingToDo(err), "%v", err)
	assert.ErrorContains(t, err, "created by the import of remote "+id)
	assert.Equal(t, 1, w.remote.Len(), "the imported record was exported as a new one")
	require.NoError(t, w.importIt(t, id))
	b, err := w.binder.ByRemote(w.ctx, "product", id)
	require.NoError(t, err)
	assert.Equal(t, "1", b.LocalID)
}

// Concurrent imports and exports of one pair, as a queue without per-key
// exclusivity (River) runs them: each side ends with one record and the last
// values.
func TestConcurrentSyncsOfOnePairConverge(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	local := w.local.Put(connector.Record{Fields: map[string]any{"name": "v0", "list_price": 1.0}})
	require.NoError(t, w.export(t, local))
	b := mustBinding(t, w, local)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			for {
				var err error
				if i%2 == 0 {
					err = w.importIt(t, b.RemoteID)
				} else {
					err = w.export(t, local)
				}
				if !connector.IsRetryable(err) {
					return
				}
			}
		})
	}
	wg.Wait()
	assert.Equal(t, 1, w.local.Len())
	assert.Equal(t, 1, w.remote.Len())
}

// countingLock counts the tries of each key.
type countingLock struct {
	connector.KeyLock
	mu    sync.Mutex
	tries map[string]int
}

func (l *countingLock) TryLock(ctx context.Context, key string) (func(), bool, error) {
	l.mu.Lock()
	if l.tries == nil {
		l.tries = map[string]int{}
	}
	l.tries[key]++
	l.mu.Unlock()
	return l.KeyLock.TryLock(ctx, key)
}

func (l *countingLock) triesOf(key string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.tries[key]
}

// A lock held for a few calls by another job is waited for, briefly, in the
// flow: the job goes on when it is free instead of going back to the queue.
func TestALockHeldBrieflyIsWaitedFor(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	lock := &countingLock{}
	w.imp.Locker, w.exp.Locker = lock, lock
	local := w.local.Put(connector.Record{Fields: map[string]any{"name": "Desk", "list_price": 1.0}})
	require.NoError(t, w.export(t, local))
	b := mustBinding(t, w, local)
	w.remote.Put(connector.Record{ID: b.RemoteID, Fields: map[string]any{"name": "Desk 2", "price": 100}})
	release := holdImport(t, w, b.RemoteID)
	exported := make(chan error, 1)
	go func() { exported <- w.exp.Export(w.ctx, local, connector.ExportOptions{Force: true}) }()
	key := "product remote " + b.RemoteID
	require.Eventually(t, func() bool { return lock.triesOf(key) >= 3 }, 5*time.Second, time.Millisecond,
		"the export must try the lock again while it waits") // the import's try, and two of the export's
	require.NoError(t, release())
	err := <-exported
	assert.False(t, connector.IsRetryable(err), "the export went back to the queue instead of waiting: %v", err)
}

// KeyLock keeps the Locker contract; one KeyLock is the lock space of one
// process, so the two lockers of the suite are the same one.
func TestKeyLockConformance(t *testing.T) {
	t.Parallel()
	lockertest.Run(t, func(t *testing.T) (a, b connector.Locker) {
		l := &connector.KeyLock{}
		return l, l
	})
}
