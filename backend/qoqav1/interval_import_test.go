package qoqav1_test

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/backend/qoqav1"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/qoqa"
)

// Orders are searched often, people less often; what OpenERP authors is
// imported with the orders only. A host's own interval wins.
func TestDefaultImportIntervals(t *testing.T) {
	t.Parallel()
	d := qoqav1.DefaultImportIntervals()
	for _, m := range []string{"user", "customer", "address", "voucher", "deal", "shop"} {
		assert.Less(t, d["order"], d[m], "orders are searched more often than %s", m)
	}
	for _, m := range []string{"product", "variation", "offer"} {
		assert.NotContains(t, d, m, "%s is imported with the orders that need it", m)
	}
	d["order"] = time.Hour
	assert.Equal(t, 5*time.Minute, qoqav1.DefaultImportIntervals()["order"], "each call gives a map of its own")

	b := &backend.Backend{Models: map[string]backend.ModelSettings{"order": {ImportInterval: time.Minute}}}
	qoqav1.UseDefaultImportIntervals(b)
	assert.Equal(t, time.Minute, b.Models["order"].ImportInterval, "a configured interval stays")
	assert.Equal(t, qoqav1.DefaultImportIntervals()["voucher"], b.Models["voucher"].ImportInterval)
}

// The flows schedule a search per model with an interval, and the first
// search of each starts at the backend's Since, or the model's own.
func TestFirstSearchStartsAtSince(t *testing.T) {
	t.Parallel()
	w := newImportWorld(t, func(b *backend.Backend) {
		onlySearched("voucher", "user")(b)
		s := b.Models["user"]
		s.Since = time.Now().Add(time.Hour) // users changed from the next hour on
		b.Models["user"] = s
	})
	assert.ElementsMatch(t, []string{"voucher", "user"}, slices.Collect(maps.Keys(w.flows.Searches)))
	voucher := w.qoqa.Seed("voucher", qoqa.Voucher{Code: "V", Amount: 100, IsActive: true})[0]
	user := w.qoqa.Seed("user", qoqa.User{Email: "u@example.ch", Pseudo: "u", IsActive: true})[0]

	w.requireSynced()

	w.local("voucher", voucher)
	_, err := w.store.ByRemote(w.ctx, "user", user.String())
	assert.ErrorIs(t, err, connector.ErrNotBound, "a user changed before its model's Since is not searched")
	mark, ok, err := w.store.Watermark(w.ctx, connector.WatermarkName(connector.KindImport, "voucher"))
	require.NoError(t, err)
	require.True(t, ok)
	assert.WithinDuration(t, time.Now().Add(-connector.DefaultOverlap), mark, time.Minute, "the watermark moved up to QoQa's now")
}
