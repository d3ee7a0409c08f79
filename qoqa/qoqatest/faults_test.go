package qoqatest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/qoqa"
	"github.com/qoqasync/qoqasync/qoqa/qoqatest"
)

// Every kind of fault drawn by rate fails a call as QoQa would, and is
// counted; commit-then-drop only meets creates and updates, and the work
// is done.
func TestFaultRatesFailCallsEachWay(t *testing.T) {
	t.Parallel()
	voucher := qoqa.Voucher{Code: "GIFT", Amount: 1000, Currency: "CHF", IsActive: true}
	for _, tc := range []struct {
		name    string
		rates   qoqatest.FaultRates
		kind    string
		want    error
		after   time.Duration
		created int
	}{
		{"5xx", qoqatest.FaultRates{Status: 1}, "status", qoqa.ErrUnavailable, 0, 0},
		{"dropped connection", qoqatest.FaultRates{Drop: 1}, "drop", qoqa.ErrUnavailable, 0, 0},
		{"429 with Retry-After", qoqatest.FaultRates{RateLimit: 1, RetryAfter: 2 * time.Second}, "rate limit", qoqa.ErrRateLimited, 2 * time.Second, 0},
		{"maintenance", qoqatest.FaultRates{Maintenance: 1, RetryAfter: 3 * time.Second}, "maintenance", qoqa.ErrMaintenance, 3 * time.Second, 0},
		{"errors in a 200", qoqatest.FaultRates{ErrorsIn200: 1}, "errors in 200", qoqa.ErrUnavailable, 0, 0},
		{"commit, then drop", qoqatest.FaultRates{CommitThenDrop: 1}, "commit then drop a write", qoqa.ErrUnavailable, 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, c := setup(t, qoqatest.Options{})
			svc := qoqa.NewService[qoqa.Voucher](c, "voucher")
			s.SetFaultRates(tc.rates)
			_, err := svc.Create(context.Background(), &voucher, "gift-1")
			require.ErrorIs(t, err, tc.want)
			var qe *qoqa.Error
			require.True(t, errors.As(err, &qe))
			assert.True(t, qe.Temporary(), "a fault the sync retries")
			assert.Equal(t, tc.after, qe.RetryAfter)
			assert.Equal(t, tc.created, s.Count("voucher"))
			assert.Equal(t, map[string]int{tc.kind: 1}, s.InjectedFaults())

			s.SetFaultRates(qoqatest.FaultRates{})
			id, err := svc.Create(context.Background(), &voucher, "gift-1")
			require.NoError(t, err, "no fault once the rates are zero")
			assert.Equal(t, 1, s.Count("voucher"), "the idempotency key finds a committed create")
			if tc.kind == "commit then drop a write" {
				s.SetFaultRates(tc.rates)
				_, err := svc.Get(context.Background(), id)
				assert.NoError(t, err, "a read is no write: its answer is never dropped")
			}
		})
	}
}

// A tenth of the calls fail, the same ones for the same seed.
func TestFaultRatesAreASeededShare(t *testing.T) {
	t.Parallel()
	run := func(seed uint64) []bool {
		s, c := setup(t, qoqatest.Options{})
		id := s.Seed("user", qoqa.User{Email: "a@example.ch"})[0]
		s.SetFaultRates(qoqatest.FaultRates{Seed: seed, Status: 0.05, ErrorsIn200: 0.05})
		users := qoqa.NewService[qoqa.User](c, "user")
		out := make([]bool, 400)
		for i := range out {
			_, err := users.Get(context.Background(), id)
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
