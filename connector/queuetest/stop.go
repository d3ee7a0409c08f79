// This file holds the tests of stopping a queue.

package queuetest

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/connector"
)

func testGracefulStop(t *testing.T, newQueue Factory) {
	release := make(chan struct{})
	var finished atomic.Bool
	h := newHarness(t, newQueue, connector.QueueConfig{Concurrency: 1, Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
		if j.RecordID == "long" {
			select {
			case <-release:
			case <-ctx.Done():
				return ctx.Err()
			}
			finished.Store(true)
		}
		return nil
	})})
	h.run()
	long := h.enqueue(job(connector.KindImport, "product", "long"))
	h.waitEvent(t, connector.EventStarted, long.Job.ID)
	queued := h.enqueue(job(connector.KindImport, "product", "queued"))

	stopped := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), Timeout)
		defer cancel()
		stopped <- h.q.Stop(ctx)
	}()
	// Stop must not take the next job, nor return while one runs.
	require.Eventually(t, func() bool {
		_, err := h.q.Enqueue(context.Background(), job(connector.KindImport, "product", "late"))
		return errors.Is(err, connector.ErrQueueStopped)
	}, Timeout, time.Millisecond, "Enqueue after Stop must fail with ErrQueueStopped")
	select {
	case err := <-stopped:
		t.Fatalf("Stop returned (%v) while a job was running", err)
	default:
	}
	close(release)
	select {
	case err := <-stopped:
		require.NoError(t, err)
	case <-time.After(Timeout):
		t.Fatal("Stop did not return after the running job finished")
	}
	assert.True(t, finished.Load(), "the running job was not let finish")
	h.waitEvent(t, connector.EventDone, long.Job.ID)
	assert.False(t, h.has(connector.EventStarted, queued.Job.ID), "a job started after Stop")
}

func testStopDeadline(t *testing.T, newQueue Factory) {
	h := newHarness(t, newQueue, connector.QueueConfig{Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
		<-ctx.Done()
		return ctx.Err()
	})})
	h.run()
	res := h.enqueue(job(connector.KindImport, "product", "stuck"))
	h.waitEvent(t, connector.EventStarted, res.Job.ID)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := h.q.Stop(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	got, err := h.q.Job(context.Background(), res.Job.ID)
	require.NoError(t, err)
	assert.Equal(t, connector.StatePending, got.State, "a job cut short by Stop must stay to run again")
	assert.Equal(t, 0, got.Attempt, "a job cut short by Stop must not lose an attempt")
	assert.False(t, h.has(connector.EventFailed, res.Job.ID))
}

// A handler that ignores its context must not hold Stop past its deadline,
// and its job is kept to run again.
func testStopIgnoredContext(t *testing.T, newQueue Factory) {
	stuck := make(chan struct{})
	t.Cleanup(func() { close(stuck) }) // let the goroutine end after the test
	h := newHarness(t, newQueue, connector.QueueConfig{Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
		<-stuck // deaf to ctx
		return nil
	})})
	h.run()
	res := h.enqueue(job(connector.KindImport, "product", "deaf"))
	h.waitEvent(t, connector.EventStarted, res.Job.ID)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	stopped := make(chan error, 1)
	go func() { stopped <- h.q.Stop(ctx) }()
	select {
	case err := <-stopped:
		require.ErrorIs(t, err, context.DeadlineExceeded)
	case <-time.After(Timeout):
		t.Fatal("Stop did not return at its deadline while a handler ignored its context")
	}
	got, err := h.q.Job(context.Background(), res.Job.ID)
	require.NoError(t, err)
	assert.Equal(t, connector.StatePending, got.State, "the job cut short must be kept to run again")
	assert.Equal(t, 0, got.Attempt)
}

// Stop from inside a handler would wait for that handler forever.
func testStopFromHandler(t *testing.T, newQueue Factory) {
	got := make(chan error, 1)
	var q connector.Queue
	h := newHarness(t, newQueue, connector.QueueConfig{Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
		stopCtx, cancel := context.WithTimeout(ctx, Timeout)
		defer cancel()
		got <- q.Stop(stopCtx)
		return nil
	})})
	q = h.q
	h.run()
	res := h.enqueue(job(connector.KindImport, "product", "1"))
	select {
	case err := <-got:
		assert.ErrorIs(t, err, connector.ErrStopInHandler)
	case <-time.After(Timeout):
		t.Fatal("Stop called from a handler did not return")
	}
	h.waitEvent(t, connector.EventDone, res.Job.ID)
}
