package openerptest_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
)

// Every kind of fault drawn by rate fails a call as OpenERP, or what
// stands in front of it, would, and is counted; commit-then-drop only
// meets creates and writes, and the work is done.
func TestFaultRatesFailCallsEachWay(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		rates   openerptest.FaultRates
		kind    string
		is      error
		after   time.Duration
		created int
	}{
		{"503", openerptest.FaultRates{Status: 1}, "503", nil, 0, 0},
		{"dropped connection", openerptest.FaultRates{Drop: 1}, "drop", nil, 0, 0},
		{"429 with Retry-After", openerptest.FaultRates{Throttle: 1, RetryAfter: 2 * time.Second}, "429", nil, 2 * time.Second, 0},
		{"concurrency fault", openerptest.FaultRates{Concurrency: 1}, "concurrency", openerp.ErrConcurrency, 0, 0},
		{"commit, then drop", openerptest.FaultRates{CommitThenDrop: 1}, "commit then drop a write", nil, 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, c := setup(t, openerptest.Options{})
			ctx := context.Background()
			_, err := c.Login(ctx)
			require.NoError(t, err)
			s.SetFaultRates(tc.rates)
			_, err = c.Create(ctx, "res.partner", openerp.Values{"name": "Ada"}, nil)
			require.Error(t, err)
			if tc.is != nil {
				require.ErrorIs(t, err, tc.is)
			}
			assert.True(t, openerp.Temporary(err), "a fault the sync retries: %v", err)
			assert.Equal(t, tc.after, openerp.RetryAfter(err))
			assert.Equal(t, tc.created, s.Count("res.partner"))
			assert.Equal(t, map[string]int{tc.kind: 1}, s.InjectedFaults())
			if tc.kind == "commit then drop a write" {
				_, err := c.Search(ctx, "res.partner", nil, openerp.SearchOptions{})
				assert.NoError(t, err, "a search is no write: its answer is never dropped")
			}

			s.SetFaultRates(openerptest.FaultRates{})
			_, err = c.Create(ctx, "res.partner", openerp.Values{"name": "Bob"}, nil)
			require.NoError(t, err, "no fault once the rates are zero")
		})
	}
}

// A tenth of the calls fail, the same ones for the same seed.
func TestFaultRatesAreASeededShare(t *testing.T) {
	t.Parallel()
	run := func(seed uint64) []bool {
		s, c := setup(t, openerptest.Options{})
		ctx := context.Background()
		_, err := c.Login(ctx)
		require.NoError(t, err)
		s.SetFaultRates(openerptest.FaultRates{Seed: seed, Status: 0.05, Concurrency: 0.05})
		out := make([]bool, 400)
		for i := range out {
			_, err := c.Search(ctx, "res.partner", nil, openerp.SearchOptions{})
			out[i] = err != nil
		}
		return out
	}
	first := run(1)
	failed := 0
	for _, f := range first {
		if f {
			failed++
		}
	}
	assert.InDelta(t, 40, failed, 20)
	assert.Equal(t, first, run(1))
}
