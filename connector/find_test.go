package connector_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/connector/connectortest"
)

// byName is a local adapter whose records are found by a natural key, their
// name, as a KeyFinder: every record of the name the create would write,
// oldest first. A create writes no reference.
type byName struct{ *connectortest.Adapter }

func (a byName) FindByRef(context.Context, string) (string, error) {
	return "", connector.ErrNotFound
}

func (a byName) FindCandidates(ctx context.Context, ref string, values map[string]any) ([]string, error) {
	var ids []string
	for n := 1; n <= a.Len()+8; n++ { // the fake numbers its records from 1
		rec, ok := a.Get(strconv.Itoa(n))
		if ok && rec.Fields["name"] == values["name"] {
			ids = append(ids, rec.ID)
		}
	}
	return ids, nil
}

// foundAlways is a local adapter whose FindByRef finds the same record for
// every reference.
type foundAlways struct {
	*connectortest.Adapter
	id string
}

func (a foundAlways) FindByRef(context.Context, string) (string, error) { return a.id, nil }

// A record that a reference finds is taken for the remote record at hand
// only when no other remote record is bound to it: a natural key that two
// remote records share, or a hand-made record whose key one of them holds,
// never makes two remote records write over one local record (and then
// fail to bind it, for good).
func TestImportTakesNoRecordBoundToAnotherRemoteRecord(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		local func(w *world) connector.Adapter
		// handMade is a local record made before the imports, with the
		// key both remote records hold.
		handMade bool
		// want is, per remote record, the local record it is bound to:
		// "new" for one the import created.
		want [2]string
	}{
		"a key two remote records share":           {local: func(w *world) connector.Adapter { return byName{w.local} }, want: [2]string{"new", "new"}},
		"a hand-made record is taken by the first": {local: func(w *world) connector.Adapter { return byName{w.local} }, handMade: true, want: [2]string{"1", "new"}},
		"a Finder that finds a bound record":       {local: func(w *world) connector.Adapter { return foundAlways{w.local, "1"} }, handMade: true, want: [2]string{"1", "new"}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			if tc.handMade {
				require.Equal(t, "1", w.local.Put(connector.Record{Fields: map[string]any{"name": "Shop"}}))
			}
			w.imp.Local = tc.local(w)
			remote := [2]string{
				w.remote.Put(connector.Record{Fields: map[string]any{"name": "Shop"}}),
				w.remote.Put(connector.Record{Fields: map[string]any{"name": "Shop"}}),
			}
			for _, id := range remote {
				require.NoError(t, w.importIt(t, id))
			}

			locals := map[string]bool{}
			for i, id := range remote {
				b, err := w.binder.ByRemote(w.ctx, "product", id)
				require.NoError(t, err)
				locals[b.LocalID] = true
				if tc.want[i] == "new" {
					if tc.handMade {
						assert.NotEqual(t, "1", b.LocalID, "remote %s is bound to a record of its own", id)
					}
				} else {
					assert.Equal(t, tc.want[i], b.LocalID, "remote %s", id)
				}
			}
			assert.Len(t, locals, 2, "one local record per remote record")
			assert.Equal(t, countNew(tc.want), w.local.Calls("Create"), "a create per remote record that took no record")
		})
	}
}

// countNew counts the remote records bound to a record their import made.
func countNew(want [2]string) int {
	n := 0
	for _, w := range want {
		if w == "new" {
			n++
		}
	}
	return n
}

// A KeyFinder's candidates are tried in order: the first that no other
// remote record is bound to is taken, and a lost create answer is found
// again among them.
func TestImportKeyFinderTakesTheFirstFreeCandidate(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.imp.Local = byName{w.local}
	first := w.remote.Put(connector.Record{Fields: map[string]any{"name": "Shop"}})
	require.NoError(t, w.importIt(t, first))
	second := w.remote.Put(connector.Record{Fields: map[string]any{"name": "Shop"}})
	w.local.LoseAnswer("Create")

	err := w.importIt(t, second)
	require.Error(t, err, "the answer of the second record's create is lost")
	require.NoError(t, w.importIt(t, second))

	assert.Equal(t, 2, w.local.Len(), "the retry found the second record's create after the first's record")
	a, b := mustRemote(t, w, first), mustRemote(t, w, second)
	assert.NotEqual(t, a.LocalID, b.LocalID)
}

func mustRemote(t *testing.T, w *world, remoteID string) connector.Binding {
	t.Helper()
	b, err := w.binder.ByRemote(w.ctx, "product", remoteID)
	require.NoError(t, err, fmt.Sprintf("remote %s is bound", remoteID))
	return b
}
