package connector_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/qoqasync/qoqasync/connector"
)

func TestRetryPolicyDelayFollowsPattern(t *testing.T) {
	p := connector.RetryPolicy{Backoff: []time.Duration{time.Second, 5 * time.Second, time.Minute}}
	for attempt, want := range map[int]time.Duration{1: time.Second, 2: 5 * time.Second, 3: time.Minute, 9: time.Minute} {
		assert.Equal(t, want, p.Delay(attempt), "attempt %d", attempt)
	}
	assert.Equal(t, connector.DefaultBackoff[0], connector.RetryPolicy{}.Delay(1))
}

func TestRetryPolicyJitterSpreadsDelays(t *testing.T) {
	p := connector.RetryPolicy{Backoff: []time.Duration{time.Second}, Jitter: 0.5}
	seen := map[time.Duration]bool{}
	for range 50 {
		d := p.Delay(1)
		assert.GreaterOrEqual(t, d, time.Second)
		assert.LessOrEqual(t, d, 1500*time.Millisecond)
		seen[d] = true
	}
	assert.Greater(t, len(seen), 1, "jitter gave the same delay every time")
}

func TestRetryPolicyAttempts(t *testing.T) {
	assert.Equal(t, 10, connector.RetryPolicy{}.Attempts(connector.Job{}))
	assert.Equal(t, 3, connector.RetryPolicy{MaxAttempts: 3}.Attempts(connector.Job{}))
	assert.Equal(t, 1, connector.RetryPolicy{MaxAttempts: 3}.Attempts(connector.Job{MaxAttempts: 1}))
}

func TestRetryPolicyNextRunPrefersTheErrorsDelay(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := connector.RetryPolicy{Backoff: []time.Duration{time.Second}}
	assert.Equal(t, now.Add(180*time.Second), p.NextRun(now, connector.Outcome{Attempt: 1, After: 180 * time.Second}))
	assert.Equal(t, now.Add(time.Second), p.NextRun(now, connector.Outcome{Attempt: 1}))
}

func TestClassify(t *testing.T) {
	t.Parallel()
	cause := errors.New("boom")
	policy := connector.RetryPolicy{MaxAttempts: 3, MaxUncounted: 2}
	busy := connector.Retryable(cause, connector.NotCounted())
	tests := []struct {
		name                string
		err                 error
		attempts, uncounted int
		want                connector.Outcome
	}{
		{"success", nil, 0, 0, connector.Outcome{State: connector.StateDone, Attempt: 1}},
		{"nothing to do", connector.NothingToDo("unchanged since %s", "noon"), 0, 0, connector.Outcome{State: connector.StateDone, Attempt: 1, Reason: "unchanged since noon"}},
		{"plain error retries", cause, 0, 0, connector.Outcome{State: connector.StatePending, Attempt: 1}},
		{"plain error on last attempt fails", cause, 2, 0, connector.Outcome{State: connector.StateFailed, Attempt: 3}},
		{"permanent fails at once", connector.Permanent(cause), 0, 0, connector.Outcome{State: connector.StateFailed, Attempt: 1}},
		{"wrapped permanent", fmt.Errorf("export: %w", connector.Permanent(cause)), 0, 0, connector.Outcome{State: connector.StateFailed, Attempt: 1}},
		{"retry after", connector.Retryable(cause, connector.After(time.Minute)), 0, 0, connector.Outcome{State: connector.StatePending, Attempt: 1, After: time.Minute}},
		{"not counted on last attempt", busy, 2, 0, connector.Outcome{State: connector.StatePending, Attempt: 2, Uncounted: 1}},
		{"not counted up to the cap", busy, 0, 1, connector.Outcome{State: connector.StatePending, Attempt: 0, Uncounted: 2}},
		{"not counted past the cap counts", busy, 0, 2, connector.Outcome{State: connector.StatePending, Attempt: 1, Uncounted: 2}},
		{"not counted past the cap on last attempt fails", busy, 2, 2, connector.Outcome{State: connector.StateFailed, Attempt: 3, Uncounted: 2}},
		{"uncounted count kept on success", nil, 1, 2, connector.Outcome{State: connector.StateDone, Attempt: 2, Uncounted: 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			job := connector.Job{Attempt: tc.attempts, Uncounted: tc.uncounted}
			assert.Equal(t, tc.want, connector.Classify(tc.err, job, policy))
		})
	}
}

func TestDefaultPolicyCapsUncountedAttempts(t *testing.T) {
	t.Parallel()
	busy := connector.Retryable(errors.New("busy"), connector.NotCounted())
	job := connector.Job{}
	for range 1000 {
		o := connector.Classify(busy, job, connector.RetryPolicy{})
		if o.State != connector.StatePending {
			assert.Equal(t, connector.StateFailed, o.State)
			assert.Equal(t, connector.DefaultMaxUncounted, o.Uncounted)
			return
		}
		job.Attempt, job.Uncounted = o.Attempt, o.Uncounted
	}
	t.Fatal("a job whose every attempt is busy retried a thousand times")
}

func TestErrorHelpersKeepTheCause(t *testing.T) {
	cause := errors.New("boom")
	assert.ErrorIs(t, connector.Retryable(cause), cause)
	assert.ErrorIs(t, connector.Permanent(cause), cause)
	assert.True(t, connector.IsRetryable(fmt.Errorf("x: %w", connector.Retryable(cause))))
	assert.False(t, connector.IsRetryable(cause))
	assert.Nil(t, connector.Retryable(nil))
	assert.Nil(t, connector.Permanent(nil))
	assert.EqualError(t, connector.NothingToDo("same"), "nothing to do: same")
}
