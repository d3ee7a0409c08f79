package openerptest_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
)

// A sales order starts as a draft and is cancelled by its action_cancel
// method, as OpenERP 7.0's sale module does; a write of state would skip
// the workflow.
func TestSaleOrderActionCancel(t *testing.T) {
	t.Parallel()
	s, c := setup(t, openerptest.Options{})
	ctx := context.Background()
	partner := s.Seed("res.partner", map[string]any{"name": "Ada"})[0]
	order, err := c.Create(ctx, "sale.order", openerp.Values{"partner_id": partner}, nil)
	require.NoError(t, err)
	rows, err := c.Read(ctx, "sale.order", []int64{order}, []string{"state"}, nil)
	require.NoError(t, err)
	assert.Equal(t, "draft", rows[0]["state"], "a new order is a draft")

	for range 2 { // cancelling a cancelled order changes nothing
		v, err := c.ExecuteKW(ctx, "sale.order", "action_cancel", []any{[]int64{order}}, nil)
		require.NoError(t, err)
		assert.Equal(t, true, v)
	}
	rows, err = c.Read(ctx, "sale.order", []int64{order}, []string{"state"}, nil)
	require.NoError(t, err)
	assert.Equal(t, "cancel", rows[0]["state"])
	assert.Equal(t, 2, s.Calls("sale.order", "action_cancel"))

	_, err = c.ExecuteKW(ctx, "sale.order", "action_cancel", []any{[]int64{order + 1}}, nil)
	assert.ErrorIs(t, err, openerp.ErrMissing, "a missing order cannot be cancelled")
	_, err = c.ExecuteKW(ctx, "res.partner", "action_cancel", []any{[]int64{partner}}, nil)
	var fault *openerp.Fault
	require.ErrorAs(t, err, &fault, "only sales orders have the method")
	assert.Contains(t, fault.Message, "has no attribute 'action_cancel'")
}

// Command (5,) on a one2many whose inverse is required deletes the
// children, as OpenERP does for an inverse declared ondelete cascade (it
// cannot set a NOT NULL column to null); on another it unlinks them.
func TestOne2ManyUnlinkAllCommand(t *testing.T) {
	t.Parallel()
	s, c := setup(t, openerptest.Options{})
	ctx := context.Background()
	partner := s.Seed("res.partner", map[string]any{"name": "Ada"})[0]
	order := s.Seed("sale.order", map[string]any{"partner_id": partner, "order_line": []any{
		openerp.CmdCreate(openerp.Values{"name": "old"}),
	}})[0]
	require.NoError(t, c.Write(ctx, "sale.order", []int64{order}, openerp.Values{"order_line": []any{
		[]any{int64(5)}, openerp.CmdCreate(openerp.Values{"name": "new"}),
	}}, nil))
	assert.Equal(t, 1, s.Count("sale.order.line"), "the old line is deleted, not left without its order")
	rows, err := c.Read(ctx, "sale.order", []int64{order}, []string{"order_line"}, nil)
	require.NoError(t, err)
	lines, err := c.Read(ctx, "sale.order.line", rows[0].IDs("order_line"), []string{"name"}, nil)
	require.NoError(t, err)
	require.Len(t, lines, 1)
	assert.Equal(t, "new", lines[0]["name"])

	child := s.Seed("res.partner", map[string]any{"name": "Home", "parent_id": partner})[0]
	require.NoError(t, c.Write(ctx, "res.partner", []int64{partner}, openerp.Values{"child_ids": []any{[]any{int64(5)}}}, nil))
	kept, ok := s.Get("res.partner", child, "")
	require.True(t, ok, "a child whose inverse may be empty is kept")
	assert.Equal(t, false, kept["parent_id"])
}

// CommitThenDropOn loses the answer of one model's method only, so that a
// test can lose exactly the create it means to.
func TestCommitThenDropOn(t *testing.T) {
	t.Parallel()
	s, c := setup(t, openerptest.Options{})
	ctx := context.Background()
	s.CommitThenDropOn("res.partner", "create", 1)
	_, err := c.Search(ctx, "res.partner", nil, openerp.SearchOptions{})
	require.NoError(t, err, "another method is answered")
	_, err = c.Create(ctx, "res.country", openerp.Values{"name": "Switzerland"}, nil)
	require.NoError(t, err, "another model is answered")
	_, err = c.Create(ctx, "res.partner", openerp.Values{"name": "Ada"}, nil)
	require.Error(t, err, "the answer was dropped")
	assert.Equal(t, 1, s.Count("res.partner"), "but the create was committed")
	_, err = c.Create(ctx, "res.partner", openerp.Values{"name": "Bob"}, nil)
	require.NoError(t, err, "one answer only was to be lost")
	assert.Equal(t, 2, s.Count("res.partner"))
}
