// This file holds the tests of what an attempt's error does to its job.

package queuetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/connector"
)

func testBackoff(t *testing.T, newQueue Factory) {
	var mu sync.Mutex
	var starts []time.Time
	backoff := []time.Duration{40 * time.Millisecond, 80 * time.Millisecond}
	h := newHarness(t, newQueue, connector.QueueConfig{
		Retry: connector.RetryPolicy{MaxAttempts: 5, Backoff: backoff},
		Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
			mu.Lock()
			defer mu.Unlock()
			starts = append(starts, time.Now())
			if len(starts) < 3 {
				return errors.New("connection reset")
			}
			return nil
		}),
	})
	res := h.enqueue(job(connector.KindImport, "product", "1"))
	h.run()
	done := h.waitEvent(t, connector.EventDone, res.Job.ID)
	assert.Equal(t, 3, done.Job.Attempt)
	assert.Equal(t, 2, h.count(connector.EventRetry))
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, starts, 3)
	assert.GreaterOrEqual(t, starts[1].Sub(starts[0]), backoff[0])
	assert.GreaterOrEqual(t, starts[2].Sub(starts[1]), backoff[1])
}

func testRetryAfter(t *testing.T, newQueue Factory) {
	var mu sync.Mutex
	var starts []time.Time
	const wait = 150 * time.Millisecond
	h := newHarness(t, newQueue, connector.QueueConfig{Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
		mu.Lock()
		defer mu.Unlock()
		starts = append(starts, time.Now())
		if len(starts) == 1 {
			return connector.Retryable(errors.New("429 too many requests"), connector.After(wait))
		}
		return nil
	})})
	res := h.enqueue(job(connector.KindImport, "product", "1"))
	h.run()
	h.waitEvent(t, connector.EventDone, res.Job.ID)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, starts, 2)
	assert.GreaterOrEqual(t, starts[1].Sub(starts[0]), wait, "the retry came before the delay the error asked for")
}

func testNotCounted(t *testing.T, newQueue Factory) {
	var calls atomic.Int32
	h := newHarness(t, newQueue, connector.QueueConfig{
		Retry: connector.RetryPolicy{MaxAttempts: 2, Backoff: []time.Duration{time.Millisecond}},
		Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
			if calls.Add(1) <= 4 {
				return connector.Retryable(errors.New("record locked by another job"), connector.NotCounted(), connector.After(time.Millisecond))
			}
			return nil
		}),
	})
	res := h.enqueue(job(connector.KindImport, "product", "1"))
	h.run()
	done := h.waitEvent(t, connector.EventDone, res.Job.ID)
	assert.Equal(t, int32(5), calls.Load())
	assert.Equal(t, 1, done.Job.Attempt, "uncounted attempts were counted")
}

func testPermanent(t *testing.T, newQueue Factory) {
	var calls atomic.Int32
	h := newHarness(t, newQueue, connector.QueueConfig{
		Retry: connector.RetryPolicy{MaxAttempts: 5, Backoff: []time.Duration{time.Millisecond}},
		Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
			calls.Add(1)
			return connector.Permanent(fmt.Errorf("product 1: field sku: already used"))
		}),
	})
	res := h.enqueue(job(connector.KindExport, "product", "1"))
	h.run()
	ev := h.waitEvent(t, connector.EventFailed, res.Job.ID)
	assert.Equal(t, int32(1), calls.Load())
	assert.Equal(t, connector.StateFailed, ev.Job.State)
	assert.Contains(t, ev.Job.LastError, "field sku: already used")
	assert.True(t, connector.IsPermanent(ev.Err))
	got, err := h.q.Job(context.Background(), res.Job.ID)
	require.NoError(t, err)
	assert.Equal(t, connector.StateFailed, got.State)
	assert.Contains(t, got.LastError, "field sku: already used")
}

func testExhausted(t *testing.T, newQueue Factory) {
	var calls atomic.Int32
	h := newHarness(t, newQueue, connector.QueueConfig{Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
		return fmt.Errorf("attempt %d: 503 service unavailable", calls.Add(1))
	})})
	j := job(connector.KindImport, "order", "5")
	res := h.enqueue(j)
	j.RecordID, j.MaxAttempts = "6", 1
	own := h.enqueue(j)
	h.run()
	ev := h.waitEvent(t, connector.EventFailed, res.Job.ID)
	h.waitEvent(t, connector.EventFailed, own.Job.ID)
	assert.Equal(t, fastRetry.MaxAttempts, ev.Job.Attempt)
	assert.Equal(t, int32(fastRetry.MaxAttempts+1), calls.Load(), "the job's own MaxAttempts of 1 was not kept")
	got, err := h.q.Job(context.Background(), res.Job.ID)
	require.NoError(t, err)
	assert.Equal(t, connector.StateFailed, got.State)
	assert.Contains(t, got.LastError, "503 service unavailable")
	assert.False(t, got.FinishedAt.IsZero())
}

func testPanic(t *testing.T, newQueue Factory) {
	h := newHarness(t, newQueue, connector.QueueConfig{Concurrency: 1, Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
		if j.RecordID == "bad" {
			panic("nil map")
		}
		return nil
	})})
	bad := h.enqueue(job(connector.KindImport, "product", "bad"))
	good := h.enqueue(job(connector.KindImport, "product", "good"))
	h.run()
	ev := h.waitEvent(t, connector.EventFailed, bad.Job.ID)
	h.waitEvent(t, connector.EventDone, good.Job.ID)
	assert.Contains(t, ev.Job.LastError, "nil map")
}

func testNothingToDo(t *testing.T, newQueue Factory) {
	h := newHarness(t, newQueue, connector.QueueConfig{Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
		return connector.NothingToDo("already up to date")
	})})
	res := h.enqueue(job(connector.KindImport, "product", "1"))
	h.run()
	ev := h.waitEvent(t, connector.EventDone, res.Job.ID)
	assert.Equal(t, "already up to date", ev.Reason)
	assert.Equal(t, 0, h.count(connector.EventRetry))
}

// A lock that is never free must not retry a job forever: past MaxUncounted,
// uncounted attempts count.
func testUncountedCap(t *testing.T, newQueue Factory) {
	var calls atomic.Int32
	h := newHarness(t, newQueue, connector.QueueConfig{
		Retry: connector.RetryPolicy{MaxAttempts: 2, MaxUncounted: 3, Backoff: []time.Duration{time.Millisecond}},
		Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
			calls.Add(1)
			return connector.Retryable(errors.New("record locked by another job"), connector.NotCounted(), connector.After(time.Millisecond))
		}),
	})
	res := h.enqueue(job(connector.KindImport, "user", "1"))
	h.run()
	ev := h.waitEvent(t, connector.EventFailed, res.Job.ID)
	assert.Equal(t, int32(5), calls.Load(), "3 uncounted attempts, then 2 that count")
	assert.Equal(t, 2, ev.Job.Attempt)
	assert.Equal(t, 3, ev.Job.Uncounted)
	assert.Contains(t, ev.Job.LastError, "locked by another job")
}
