package openerptest_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
)

// A search for a text value (what the fake answers from its index) finds
// what a scan of every record would: after writes that change the value,
// after an unlink, and inside domains of which only a part names a value.
func TestSearchByValueFollowsWrites(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, c := setup(t, openerptest.Options{})
	ada := s.Seed("res.partner", map[string]any{"name": "Ada", "ref": "user/1", "email": "ada@example.ch"})[0]
	bob := s.Seed("res.partner", map[string]any{"name": "Bob", "ref": "user/2"})[0]
	eve := s.Seed("res.partner", map[string]any{"name": "Eve", "email": "eve@example.ch"})[0]
	require.NoError(t, c.Write(ctx, "res.partner", []int64{bob}, openerp.Values{"ref": "user/3"}, nil))
	require.NoError(t, c.Unlink(ctx, "res.partner", []int64{ada}))
	for name, tc := range map[string]struct {
		domain openerp.Domain
		want   []int64
	}{
		"a value written over":             {openerp.Where("ref", "=", "user/2"), []int64{}},
		"the value written":                {openerp.Where("ref", "=", "user/3"), []int64{bob}},
		"a record deleted":                 {openerp.Where("ref", "=", "user/1"), []int64{}},
		"in a list":                        {openerp.Where("ref", "in", []any{"user/1", "user/3"}), []int64{bob}},
		"or an empty value":                {openerp.Where("ref", "in", []any{false, "user/3"}), []int64{bob, eve}},
		"and another term":                 {openerp.And(openerp.Where("email", "=", "eve@example.ch"), openerp.Where("ref", "in", []any{false, ""})), []int64{eve}},
		"or a term of no value":            {openerp.Or(openerp.Where("ref", "=", "user/3"), openerp.Where("name", "ilike", "ev")), []int64{bob, eve}},
		"not the value (NULL is no match)": {openerp.Not(openerp.Where("ref", "=", "user/3")), []int64{}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := c.Search(ctx, "res.partner", tc.domain, openerp.SearchOptions{Order: "id asc"})
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}
