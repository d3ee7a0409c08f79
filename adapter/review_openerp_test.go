package adapter_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/adapter"
	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
)

// The OpenERP adapter pages its change search with offset and limit over
// "write_date asc, id asc". A record of an earlier page that is written
// (or deleted) while the search runs leaves the window [from, to) or moves
// to its end, every later record shifts one place down, and the next page,
// asked at the old offset, starts one record too far: that record is never
// yielded. Its write_date lies well before to - overlap, so the next run,
// which starts from the watermark, never finds it either: a change lost.
func TestReviewOpenERPSearchLosesNoRecordWhenAnEarlierOneChanges(t *testing.T) {
	t.Parallel()
	clk := &clockAt{t: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)}
	s := openerptest.New(openerptest.Options{Now: clk.Now})
	t.Cleanup(s.Close)
	c := newOpenERPClient(t, s)
	var ids []int64
	for _, name := range []string{"Ada", "Bob", "Cy"} {
		ids = append(ids, s.Seed("res.partner", map[string]any{"name": name})[0])
		clk.t = clk.t.Add(time.Minute)
	}
	a := &adapter.OpenERP{Client: c, Model: "res.partner", PageSize: 2}
	ctx := context.Background()
	from, to := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), time.Date(2026, 3, 1, 11, 0, 0, 0, time.UTC)

	var got []string
	for id, err := range a.Search(ctx, from, to) {
		require.NoError(t, err)
		got = append(got, id)
		if len(got) == 1 {
			// A user edits Ada while the search runs: her write_date
			// moves past the window's end.
			clk.t = to.Add(time.Minute)
			require.NoError(t, c.Write(ctx, "res.partner", []int64{ids[0]}, openerp.Values{"name": "Ada L."}, nil))
		}
	}
	assert.Contains(t, got, strconv.FormatInt(ids[2], 10), "Cy changed at 10:02, inside the window, and must be found")
}
