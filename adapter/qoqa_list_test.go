package adapter_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/adapter"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/qoqa"
	"github.com/qoqasync/qoqasync/qoqa/qoqatest"
)

// QoQa's shops have no search, only the list of every ID: a change search
// over them lists them all, once per run whatever the range, and a failed
// list is the engine's decision like any other call.
func TestQoQaShopsAreListed(t *testing.T) {
	t.Parallel()
	s, c := qoqaFake(t, qoqatest.Options{})
	s.Seed("shop", qoqa.Shop{Name: "QoQa"}, qoqa.Shop{Name: "Qwine"})
	a := adapter.NewQoQa(c, "shop")
	ctx := context.Background()
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	to := from.Add(30 * 24 * time.Hour)

	var windows int
	for wFrom, wTo := range a.Windows(from, to) {
		windows++
		assert.Equal(t, [2]time.Time{from, to}, [2]time.Time{wFrom, wTo})
	}
	assert.Equal(t, 1, windows, "a list is not cut into windows")
	var ids []string
	for id, err := range a.Search(ctx, from, to) {
		require.NoError(t, err)
		ids = append(ids, id)
	}
	assert.Equal(t, []string{"1", "2"}, ids)
	assert.Equal(t, 1, s.Calls("shop", "GET"))

	s.FailStatus(1, 503)
	for _, err := range a.Search(ctx, from, to) {
		assert.True(t, connector.IsRetryable(err), "%v", err)
	}
}
