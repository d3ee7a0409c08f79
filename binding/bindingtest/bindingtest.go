// Package bindingtest is the conformance suite of binding stores: every
// store (memory, SQLite, PostgreSQL) passes the same tests, so that a host
// can move from one to another and keep every guarantee.
package bindingtest

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
)

// Opener opens a store on the same database each time it is called: two
// calls are two connections (or two processes' views) of one store.
type Opener func(t *testing.T) binding.Store

// Factory makes a fresh, empty database and returns its Opener.
type Factory func(t *testing.T) Opener

// Run runs the whole suite.
func Run(t *testing.T, newDB Factory) {
	tests := []struct {
		name string
		fn   func(*testing.T, Opener)
	}{
		{"BindAndLookUpBothWays", testBindLookup},
		{"BindSamePairUpdates", testUpdate},
		{"EveryFieldRoundTrips", testEveryField},
		{"RebindMovesOneSide", testRebind},
		{"UniqueBothWays", testUnique},
		{"ModelsAreSeparate", testModels},
		{"Unbind", testUnbind},
		{"ListPages", testList},
		{"Watermarks", testWatermarks},
		{"ConcurrentBindsOneWinner", testConcurrent},
		{"ConcurrentBindsFromTwoConnections", testTwoConnections},
		{"ReopenKeepsEverything", testReopen},
		{"RejectsIncompleteBindings", testIncomplete},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newDB(t))
		})
	}
}

func open(t *testing.T, o Opener) binding.Store {
	s := o(t)
	t.Cleanup(func() { s.Close() })
	return s
}

// at is a time the SQL stores keep exactly (microseconds).
var at = time.Date(2026, 3, 1, 12, 30, 15, 123456000, time.UTC)

func testBindLookup(t *testing.T, o Opener) {
	s, ctx := open(t, o), context.Background()
	b := connector.Binding{Model: "product", RemoteID: "42", LocalID: "7", SyncedAt: at, ExportHash: "abc"}
	require.NoError(t, s.Bind(ctx, b))
	got, err := s.ByRemote(ctx, "product", "42")
	require.NoError(t, err)
	assert.Equal(t, b, got)
	got, err = s.ByLocal(ctx, "product", "7")
	require.NoError(t, err)
	assert.Equal(t, b, got)
	_, err = s.ByRemote(ctx, "product", "43")
	assert.ErrorIs(t, err, connector.ErrNotBound)
	_, err = s.ByLocal(ctx, "product", "8")
	assert.ErrorIs(t, err, connector.ErrNotBound)
}

func testUpdate(t *testing.T, o Opener) {
	s, ctx := open(t, o), context.Background()
	require.NoError(t, s.Bind(ctx, connector.Binding{Model: "product", RemoteID: "42", LocalID: "7", SyncedAt: at}))
	later := connector.Binding{Model: "product", RemoteID: "42", LocalID: "7", SyncedAt: at.Add(time.Hour), ExportHash: "new"}
	require.NoError(t, s.Bind(ctx, later))
	got, err := s.ByRemote(ctx, "product", "42")
	require.NoError(t, err)
	assert.Equal(t, later, got)
}

// full is a binding with every field set, the versions at the epoch
// included: a store must tell "the epoch" from "unknown".
var full = connector.Binding{
	Model: "voucher", RemoteID: "3", LocalID: "30",
	RemoteVersion: at, LocalVersion: time.Unix(0, 0).UTC(),
	RemoteHash: "rh", LocalHash: "lh", ImportHash: "ih", ExportHash: "eh",
	RemoteState: connector.RemoteDeleted, Generation: 2, Writing: connector.Export, SyncedAt: at.Add(time.Second),
}

func testEveryField(t *testing.T, o Opener) {
	s, ctx := open(t, o), context.Background()
	require.NoError(t, s.Bind(ctx, full))
	got, err := s.ByLocal(ctx, full.Model, full.LocalID)
	require.NoError(t, err)
	assert.Equal(t, full, got)

	cleared := connector.Binding{Model: full.Model, RemoteID: full.RemoteID, LocalID: full.LocalID}
	require.NoError(t, s.Bind(ctx, cleared))
	got, err = s.ByRemote(ctx, full.Model, full.RemoteID)
	require.NoError(t, err)
	assert.Equal(t, cleared, got, "an update must clear what the new binding leaves empty")
}

func testRebind(t *testing.T, o Opener) {
	s, ctx := open(t, o), context.Background()
	require.NoError(t, s.Bind(ctx, full))
	require.NoError(t, s.Bind(ctx, connector.Binding{Model: "voucher", RemoteID: "4", LocalID: "40"}))

	// The remote record was created again: same local record, new remote ID.
	moved := full
	moved.RemoteID, moved.RemoteState = "5", connector.RemoteLive
	require.NoError(t, s.Rebind(ctx, full, moved))
	_, err := s.ByRemote(ctx, "voucher", "3")
	assert.ErrorIs(t, err, connector.ErrNotBound, "the old remote ID is still bound")
	got, err := s.ByLocal(ctx, "voucher", "30")
	require.NoError(t, err)
	assert.Equal(t, moved, got)

	// The local record was created again: same remote ID, new local ID.
	again := moved
	again.LocalID = "31"
	require.NoError(t, s.Rebind(ctx, moved, again))
	got, err = s.ByRemote(ctx, "voucher", "5")
	require.NoError(t, err)
	assert.Equal(t, "31", got.LocalID)
	_, err = s.ByLocal(ctx, "voucher", "30")
	assert.ErrorIs(t, err, connector.ErrNotBound)

	for name, tc := range map[string]struct{ old, b connector.Binding }{
		"old binding gone":          {moved, connector.Binding{Model: "voucher", RemoteID: "6", LocalID: "30"}},
		"new remote ID bound":       {again, connector.Binding{Model: "voucher", RemoteID: "4", LocalID: "31"}},
		"new local ID bound":        {again, connector.Binding{Model: "voucher", RemoteID: "5", LocalID: "40"}},
		"old binding of other pair": {connector.Binding{Model: "voucher", RemoteID: "4", LocalID: "31"}, connector.Binding{Model: "voucher", RemoteID: "7", LocalID: "31"}},
	} {
		err := s.Rebind(ctx, tc.old, tc.b)
		assert.ErrorIs(t, err, connector.ErrBindingConflict, name)
	}
	got, err = s.ByRemote(ctx, "voucher", "5")
	require.NoError(t, err)
	assert.Equal(t, again, got, "a refused rebind changed the binding")
	got, err = s.ByRemote(ctx, "voucher", "4")
	require.NoError(t, err)
	assert.Equal(t, "40", got.LocalID, "a refused rebind changed another binding")
	assert.Error(t, s.Rebind(ctx, connector.Binding{Model: "offer", RemoteID: "5", LocalID: "31"}, again), "a rebind across models")
}

func testUnique(t *testing.T, o Opener) {
	s, ctx := open(t, o), context.Background()
	require.NoError(t, s.Bind(ctx, connector.Binding{Model: "product", RemoteID: "42", LocalID: "7"}))
	err := s.Bind(ctx, connector.Binding{Model: "product", RemoteID: "42", LocalID: "8"})
	assert.ErrorIs(t, err, connector.ErrBindingConflict, "a remote record bound twice")
	err = s.Bind(ctx, connector.Binding{Model: "product", RemoteID: "43", LocalID: "7"})
	assert.ErrorIs(t, err, connector.ErrBindingConflict, "a local record bound twice")
	got, err := s.ByRemote(ctx, "product", "42")
	require.NoError(t, err)
	assert.Equal(t, "7", got.LocalID, "a refused bind changed the binding")
	_, err = s.ByLocal(ctx, "product", "8")
	assert.ErrorIs(t, err, connector.ErrNotBound)
}

func testModels(t *testing.T, o Opener) {
	s, ctx := open(t, o), context.Background()
	require.NoError(t, s.Bind(ctx, connector.Binding{Model: "user", RemoteID: "1", LocalID: "10"}))
	require.NoError(t, s.Bind(ctx, connector.Binding{Model: "address", RemoteID: "1", LocalID: "11"}))
	u, err := s.ByRemote(ctx, "user", "1")
	require.NoError(t, err)
	a, err := s.ByRemote(ctx, "address", "1")
	require.NoError(t, err)
	assert.Equal(t, "10", u.LocalID)
	assert.Equal(t, "11", a.LocalID)
}

func testUnbind(t *testing.T, o Opener) {
	s, ctx := open(t, o), context.Background()
	require.NoError(t, s.Bind(ctx, connector.Binding{Model: "product", RemoteID: "42", LocalID: "7"}))
	require.NoError(t, s.Unbind(ctx, "product", "7"))
	_, err := s.ByRemote(ctx, "product", "42")
	assert.ErrorIs(t, err, connector.ErrNotBound)
	_, err = s.ByLocal(ctx, "product", "7")
	assert.ErrorIs(t, err, connector.ErrNotBound)
	require.NoError(t, s.Unbind(ctx, "product", "7"), "unbinding twice is no error")
	require.NoError(t, s.Bind(ctx, connector.Binding{Model: "product", RemoteID: "42", LocalID: "9"}), "an unbound remote record binds anew")
}

func testList(t *testing.T, o Opener) {
	s, ctx := open(t, o), context.Background()
	for _, id := range []string{"c", "a", "e", "b", "d"} {
		require.NoError(t, s.Bind(ctx, connector.Binding{Model: "offer", RemoteID: "r" + id, LocalID: id}))
	}
	require.NoError(t, s.Bind(ctx, connector.Binding{Model: "other", RemoteID: "x", LocalID: "x"}))
	var seen []string
	after := ""
	for {
		page, err := s.List(ctx, "offer", after, 2)
		require.NoError(t, err)
		if len(page) == 0 {
			break
		}
		assert.LessOrEqual(t, len(page), 2)
		for _, b := range page {
			seen = append(seen, b.LocalID)
			assert.Equal(t, "r"+b.LocalID, b.RemoteID)
		}
		after = page[len(page)-1].LocalID
	}
	assert.Equal(t, []string{"a", "b", "c", "d", "e"}, seen)
	all, err := s.List(ctx, "offer", "", 0)
	require.NoError(t, err)
	assert.Len(t, all, 5, "limit 0 means all")
}

func testWatermarks(t *testing.T, o Opener) {
	s, ctx := open(t, o), context.Background()
	_, ok, err := s.Watermark(ctx, "import order")
	require.NoError(t, err)
	assert.False(t, ok, "no watermark yet")
	require.NoError(t, s.SetWatermark(ctx, "import order", at))
	require.NoError(t, s.SetWatermark(ctx, "import user", at.Add(time.Hour)))
	got, ok, err := s.Watermark(ctx, "import order")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, at, got)
	zurich := time.FixedZone("CET", 3600)
	require.NoError(t, s.SetWatermark(ctx, "import order", at.Add(time.Minute).In(zurich)))
	got, _, err = s.Watermark(ctx, "import order")
	require.NoError(t, err)
	assert.True(t, at.Add(time.Minute).Equal(got))
	assert.Equal(t, time.UTC, got.Location(), "watermarks read back in UTC")

	epoch := time.Unix(0, 0).UTC()
	require.NoError(t, s.SetWatermark(ctx, "import shop", epoch))
	got, ok, err = s.Watermark(ctx, "import shop")
	require.NoError(t, err)
	assert.True(t, ok, "a watermark at the epoch reads back as none")
	assert.Equal(t, epoch, got)
}

func testConcurrent(t *testing.T, o Opener) {
	s, ctx := open(t, o), context.Background()
	bindRace(t, ctx, []binding.Store{s})
}

func testTwoConnections(t *testing.T, o Opener) {
	a, b, ctx := open(t, o), open(t, o), context.Background()
	bindRace(t, ctx, []binding.Store{a, b})
	require.NoError(t, a.Bind(ctx, connector.Binding{Model: "user", RemoteID: "5", LocalID: "50"}))
	got, err := b.ByRemote(ctx, "user", "5")
	require.NoError(t, err, "a binding made through one connection is not seen by the other")
	assert.Equal(t, "50", got.LocalID)
}

// bindRace binds the same remote records to different local records from
// many goroutines over the stores: each remote record ends with exactly one
// binding, and every loser gets ErrBindingConflict.
func bindRace(t *testing.T, ctx context.Context, stores []binding.Store) {
	const records, racers = 20, 8
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := map[string][]string{}
	for r := range racers {
		wg.Go(func() {
			s := stores[r%len(stores)]
			for i := range records {
				remote, local := fmt.Sprint(i), fmt.Sprintf("%d-%d", i, r)
				err := s.Bind(ctx, connector.Binding{Model: "order", RemoteID: remote, LocalID: local})
				switch {
				case err == nil:
					mu.Lock()
					wins[remote] = append(wins[remote], local)
					mu.Unlock()
				case errors.Is(err, connector.ErrBindingConflict):
				default:
					t.Errorf("bind %s: %v", remote, err)
				}
			}
		})
	}
	wg.Wait()
	for i := range records {
		remote := fmt.Sprint(i)
		require.Len(t, wins[remote], 1, "remote %s: winners %v", remote, wins[remote])
		got, err := stores[0].ByRemote(ctx, "order", remote)
		require.NoError(t, err)
		assert.Equal(t, wins[remote][0], got.LocalID)
	}
	page, err := stores[0].List(ctx, "order", "", 0)
	require.NoError(t, err)
	assert.Len(t, page, records)
}

func testReopen(t *testing.T, o Opener) {
	ctx := context.Background()
	s := o(t)
	b := full
	require.NoError(t, s.Bind(ctx, b))
	require.NoError(t, s.SetWatermark(ctx, "export voucher", at))
	require.NoError(t, s.Close())

	s = open(t, o)
	got, err := s.ByLocal(ctx, "voucher", "30")
	require.NoError(t, err)
	assert.Equal(t, b, got)
	mark, _, err := s.Watermark(ctx, "export voucher")
	require.NoError(t, err)
	assert.Equal(t, at, mark)
}

func testIncomplete(t *testing.T, o Opener) {
	s, ctx := open(t, o), context.Background()
	for _, b := range []connector.Binding{{RemoteID: "1", LocalID: "1"}, {Model: "x", LocalID: "1"}, {Model: "x", RemoteID: "1"}} {
		assert.Error(t, s.Bind(ctx, b))
	}
}
