package qoqa_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/qoqa"
	"github.com/qoqasync/qoqasync/qoqa/qoqatest"
)

func TestWindows(t *testing.T) {
	t.Parallel()
	day := 24 * time.Hour
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for name, tc := range map[string]struct {
		from, to time.Time
		want     [][2]time.Time
	}{
		"15 days are three windows": {from, from.Add(15 * day), [][2]time.Time{
			{from, from.Add(7 * day)}, {from.Add(7 * day), from.Add(14 * day)}, {from.Add(14 * day), from.Add(15 * day)}}},
		"exactly a week is one window":     {from, from.Add(7 * day), [][2]time.Time{{from, from.Add(7 * day)}}},
		"an empty range has none":          {from, from, nil},
		"an end before the start has none": {from, from.Add(-day), nil},
		"cut to QoQa's second, in UTC": {from.Add(500 * time.Millisecond).In(time.FixedZone("CET", 3600)), from.Add(2*time.Second + 900*time.Millisecond),
			[][2]time.Time{{from, from.Add(2 * time.Second)}}},
		"within one second there is nothing to search": {from.Add(100 * time.Millisecond), from.Add(900 * time.Millisecond), nil},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var got [][2]time.Time
			for a, b := range qoqa.Windows(tc.from, tc.to) {
				assert.LessOrEqual(t, b.Sub(a), qoqa.MaxSearchWindow)
				assert.Equal(t, time.UTC, a.Location())
				got = append(got, [2]time.Time{a, b})
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestSearchRange(t *testing.T) {
	t.Parallel()
	// QoQa's clock runs an hour ahead of this host's.
	qoqaNow := time.Now().UTC().Add(time.Hour).Truncate(time.Second)
	clk := &clock{t: qoqaNow.Add(-3 * time.Hour)}
	s := newServer(t, qoqatest.Options{Now: clk.Now})
	c := newClient(t, s)
	ctx := context.Background()
	old := s.Seed("voucher", qoqa.Voucher{Code: "OLD", Amount: 1})[0]
	clk.Set(qoqaNow)
	recent := s.Seed("voucher", qoqa.Voucher{Code: "NOW", Amount: 1})[0]

	search := func(from, to time.Time) ([]qoqa.ID, error) {
		var ids []qoqa.ID
		for id, err := range c.Vouchers.Search(ctx, from, to) {
			if err != nil {
				return ids, err
			}
			ids = append(ids, id)
		}
		return ids, nil
	}
	ids, err := search(qoqaNow.Add(-4*time.Hour), time.Time{})
	require.NoError(t, err)
	assert.Equal(t, []qoqa.ID{old, recent}, ids, "a zero end searches up to QoQa's now, whatever this host's clock says")

	_, err = search(qoqaNow, qoqaNow.Add(-time.Second))
	require.ErrorContains(t, err, "before its start")

	_, err = search(time.Time{}, qoqaNow)
	require.ErrorContains(t, err, "needs a start time")

	ids, err = search(qoqaNow, qoqaNow)
	require.NoError(t, err)
	assert.Empty(t, ids, "an empty range finds nothing")
}

// IDs ascend within each 7-day window, and the windows come in time order:
// a record changed late but created early comes after one changed earlier.
func TestSearchOrderIsPerWindow(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clk := &clock{t: start.Add(time.Hour)}
	s := newServer(t, qoqatest.Options{Now: clk.Now})
	c := newClient(t, s)
	first := s.Seed("voucher", qoqa.Voucher{Code: "A", Amount: 1})[0]
	second := s.Seed("voucher", qoqa.Voucher{Code: "B", Amount: 1})[0]
	third := s.Seed("voucher", qoqa.Voucher{Code: "C", Amount: 1})[0]
	clk.Set(start.Add(10 * 24 * time.Hour))
	s.Touch("voucher", first, map[string]any{"description": "changed in the second week"})

	var ids []qoqa.ID
	for id, err := range c.Vouchers.Search(context.Background(), start, start.Add(14*24*time.Hour)) {
		require.NoError(t, err)
		ids = append(ids, id)
	}
	assert.Equal(t, []qoqa.ID{second, third, first}, ids)
}
