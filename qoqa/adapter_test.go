package qoqa_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/binding"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/connector/connectortest"
	"github.com/qoqasync/qoqasync/qoqa"
	"github.com/qoqasync/qoqasync/qoqa/qoqatest"
)

func TestAdapter(t *testing.T) {
	clk := &clock{t: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)}
	s := newServer(t, qoqatest.Options{Now: clk.Now})
	a := qoqa.NewAdapter(newClient(t, s), "voucher")
	ctx := context.Background()

	id, err := a.Create(ctx, "voucher/1", map[string]any{"code": "A", "amount": 100, "is_active": true})
	require.NoError(t, err)
	rec, err := a.Read(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, clk.t, rec.UpdatedAt)
	assert.Equal(t, "A", rec.Fields["code"])

	clk.Set(clk.t.Add(time.Hour))
	rec.Fields["amount"] = 200
	require.NoError(t, a.Update(ctx, id, rec.Fields))
	var ids []string
	for got, err := range a.Search(ctx, clk.t, clk.t.Add(time.Minute)) {
		require.NoError(t, err)
		ids = append(ids, got)
	}
	assert.Equal(t, []string{id}, ids)

	require.NoError(t, a.Archive(ctx, id))
	got, _ := s.Record("voucher", 1)
	assert.Equal(t, false, got["is_active"])
	assert.Equal(t, float64(200), got["amount"], "archiving keeps the rest of the record")

	require.NoError(t, a.Delete(ctx, id))
	assert.ErrorIs(t, a.Delete(ctx, id), connector.ErrNotFound, "deleting a missing record reads as not found, which the delete flow counts as done")
	_, err = a.Read(ctx, "x")
	assert.True(t, connector.IsPermanent(err))
}

// An export to QoQa whose create reaches QoQa but whose answer is lost
// creates one record on the retry, by its Idempotency-Key.
func TestExportToQoQaLostAnswerCreatesOne(t *testing.T) {
	s := newServer(t, qoqatest.Options{})
	local := connectortest.New("qoqa.voucher")
	localID := local.Put(connector.Record{Fields: map[string]any{"code": "GIFT", "amount": 50.0}})
	flow := &connector.ExportFlow{
		Model: "voucher", Local: local, Remote: qoqa.NewAdapter(newClient(t, s), "voucher"), Binder: binding.NewMemory(),
		Mapper: connector.Mapping{Rules: []connector.Rule{
			connector.Field("code", "code"),
			connector.Field("amount", "amount", connector.AmountToCents),
		}},
	}
	ctx := context.Background()
	s.CommitThenDrop(1)
	err := flow.Export(ctx, localID, connector.ExportOptions{})
	require.True(t, connector.IsRetryable(err), "%v", err)
	require.NoError(t, flow.Export(ctx, localID, connector.ExportOptions{}))
	assert.Equal(t, 1, s.Count("voucher"))
	rec, _ := s.Record("voucher", 1)
	assert.Equal(t, float64(5000), rec["amount"])
}
