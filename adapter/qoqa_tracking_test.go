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

// A shipment's tracking number reaches its QoQa order through the order's
// add_tracking action: created under the shipment's reference, sent again
// when it changes, never removed.
func TestQoQaTrackingSendsTheOrderAction(t *testing.T) {
	t.Parallel()
	s, c := qoqaFake(t, qoqatest.Options{})
	order := s.Seed("order", qoqa.Order{Status: "paid"})[0]
	a := adapter.NewQoQaTracking(c)
	ctx := context.Background()

	id, err := a.Create(ctx, "shipment/5", map[string]any{"order_id": int64(order), "number": "99.00.1", "carrier": "swisspost"})
	require.NoError(t, err)
	assert.Equal(t, "1:shipment/5", id, "one remote ID per shipment, though an order has many")
	rec, err := a.Read(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, []any{map[string]any{"number": "99.00.1", "carrier": "swisspost"}}, rec.Fields["trackings"])

	require.NoError(t, a.Update(ctx, id, map[string]any{"order_id": int64(order), "number": "99.00.2", "carrier": "swisspost"}))
	got, _ := s.Record("order", order)
	assert.Len(t, got["trackings"], 2, "a changed number is added; QoQa keeps the first")
	assert.Equal(t, 2, s.Calls("order", "PUT"))

	for name, values := range map[string]map[string]any{
		"no number":     {"order_id": int64(order), "number": ""},
		"no order":      {"number": "99.00.3"},
		"unknown order": {"order_id": int64(99), "number": "99.00.3"},
	} {
		_, err := a.Create(ctx, "shipment/6", values)
		assert.True(t, connector.IsPermanent(err), "%s: %v", name, err)
	}
	_, err = a.Create(ctx, "shipment/6", map[string]any{"order_id": int64(99), "number": "99.00.3"})
	assert.ErrorIs(t, err, connector.ErrNotFound)
	assert.True(t, connector.IsPermanent(a.Delete(ctx, id)), "QoQa has no call that removes a number")
	_, err = a.Read(ctx, "shipment/5")
	assert.True(t, connector.IsPermanent(err), "an ID that names no order")
	for range a.Search(ctx, time.Time{}, time.Now()) {
		t.Error("QoQa has no search of tracking numbers")
	}
}
