// This file holds the tests of what a queue does with a job whose identity
// key is already pending or running.

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

func testDuplicate(t *testing.T, newQueue Factory) {
	var calls atomic.Int32
	h := newHarness(t, newQueue, connector.QueueConfig{Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
		calls.Add(1)
		return nil
	})})
	first := h.enqueue(job(connector.KindImport, "product", "7"))
	second := h.enqueue(job(connector.KindImport, "product", "7"))
	other := h.enqueue(job(connector.KindExport, "product", "7"))
	custom := job(connector.KindImport, "product", "8")
	custom.Key = "product:7:import"
	keyed1 := h.enqueue(custom)
	custom.RecordID = "9"
	keyed2 := h.enqueue(custom)

	assert.False(t, first.Duplicate)
	assert.True(t, second.Duplicate)
	assert.Equal(t, first.Job.ID, second.Job.ID, "a duplicate reports the pending job")
	assert.False(t, other.Duplicate, "an export is not the same work as an import")
	assert.True(t, keyed2.Duplicate, "an explicit key makes jobs duplicates whatever their record")
	assert.Equal(t, keyed1.Job.ID, keyed2.Job.ID)
	h.waitEvent(t, connector.EventDuplicate, first.Job.ID)
	h.run()
	h.waitCount(t, connector.EventDone, 3)
	assert.Equal(t, int32(3), calls.Load())
}

func testDuplicateKeepsRunAt(t *testing.T, newQueue Factory) {
	var mu sync.Mutex
	var order []string
	h := newHarness(t, newQueue, connector.QueueConfig{Concurrency: 1, Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
		mu.Lock()
		order = append(order, j.RecordID)
		mu.Unlock()
		return nil
	})})
	someday := job(connector.KindImport, "product", "someday")
	someday.RunAt = time.Now().Add(time.Hour)
	someday.Priority = connector.PriorityLow
	first := h.enqueue(someday)
	urgent := job(connector.KindImport, "product", "someday")
	urgent.Priority = connector.PriorityHighest
	dup := h.enqueue(urgent)
	require.True(t, dup.Duplicate)
	got, err := h.q.Job(context.Background(), first.Job.ID)
	require.NoError(t, err)
	assert.Equal(t, connector.PriorityLow, got.Priority, "a duplicate raised the pending job's priority")
	assert.WithinDuration(t, someday.RunAt, got.RunAt, time.Millisecond, "a duplicate moved the pending job")

	now := h.enqueue(job(connector.KindImport, "product", "now"))
	h.run()
	h.waitEvent(t, connector.EventDone, now.Job.ID)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"now"}, order, "the job due in an hour ran")
}

// A 429 asked for an hour; the next search finds the record again: the job
// must still wait its hour.
func testDuplicateKeepsRetry(t *testing.T, newQueue Factory) {
	var calls atomic.Int32
	h := newHarness(t, newQueue, connector.QueueConfig{Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
		calls.Add(1)
		return connector.Retryable(errors.New("429 too many requests"), connector.After(time.Hour))
	})})
	h.run()
	first := h.enqueue(job(connector.KindImport, "order", "1"))
	retry := h.waitEvent(t, connector.EventRetry, first.Job.ID)
	require.Greater(t, time.Until(retry.Job.RunAt), 50*time.Minute)
	for range 3 {
		dup := h.enqueue(job(connector.KindImport, "order", "1"))
		assert.True(t, dup.Duplicate, "a job waiting for its retry is pending")
		assert.Equal(t, first.Job.ID, dup.Job.ID)
	}
	got, err := h.q.Job(context.Background(), first.Job.ID)
	require.NoError(t, err)
	assert.Greater(t, time.Until(got.RunAt), 50*time.Minute, "a duplicate moved the retry earlier than its Retry-After")
	assert.Equal(t, int32(1), calls.Load())
}

func testArgsInKey(t *testing.T, newQueue Factory) {
	type opts struct {
		Force bool `json:"force,omitempty"`
	}
	var mu sync.Mutex
	var forced []bool
	h := newHarness(t, newQueue, connector.QueueConfig{Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
		var o opts
		if err := j.UnmarshalArgs(&o); err != nil {
			return err
		}
		mu.Lock()
		forced = append(forced, o.Force)
		mu.Unlock()
		return nil
	})})
	normal, err := connector.NewJob(connector.KindImport, "order", "1", opts{})
	require.NoError(t, err)
	force, err := connector.NewJob(connector.KindImport, "order", "1", opts{Force: true})
	require.NoError(t, err)
	a := h.enqueue(normal)
	b := h.enqueue(force)
	assert.False(t, b.Duplicate, "a forced import dropped as a duplicate of a normal one loses its force")
	c := h.enqueue(force)
	assert.True(t, c.Duplicate)
	h.run()
	h.waitEvent(t, connector.EventDone, a.Job.ID)
	h.waitEvent(t, connector.EventDone, b.Job.ID)
	mu.Lock()
	defer mu.Unlock()
	assert.ElementsMatch(t, []bool{false, true}, forced)
}

// A record that changes while its job runs is synced again: the job enqueued
// meanwhile is kept, whether it waits for the running one or runs beside it
// (the flows' lock then keeps the two apart).
func testEnqueueWhileRunning(t *testing.T, newQueue Factory) {
	release := make(chan struct{})
	var calls atomic.Int32
	h := newHarness(t, newQueue, connector.QueueConfig{Concurrency: 4, Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
		if calls.Add(1) == 1 {
			select {
			case <-release:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	})})
	h.run()
	first := h.enqueue(job(connector.KindImport, "product", "1"))
	h.waitEvent(t, connector.EventStarted, first.Job.ID)
	second := h.enqueue(job(connector.KindImport, "product", "1"))
	require.False(t, second.Duplicate, "a running job read its record before this change: the new job must not be dropped")
	close(release)
	h.waitEvent(t, connector.EventDone, first.Job.ID)
	h.waitEvent(t, connector.EventDone, second.Job.ID)
	assert.Equal(t, int32(2), calls.Load())
}

// Many goroutines enqueue the same few records while workers run them: every
// enqueue is either a duplicate of a pending job or a job that runs, and each
// record runs at least once after its last enqueue.
func testDuplicatesUnderLoad(t *testing.T, newQueue Factory) {
	const records = 5
	var lastEnqueue, lastStart [records]atomic.Int64
	var seq atomic.Int64
	h := newHarness(t, newQueue, connector.QueueConfig{Concurrency: 8, Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
		k := int(j.RecordID[0] - '0')
		lastStart[k].Store(seq.Add(1))
		return nil
	})})
	h.run()
	var wg sync.WaitGroup
	var ids sync.Map
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				k := (g + i) % records
				lastEnqueue[k].Store(seq.Add(1))
				res, err := h.q.Enqueue(context.Background(), job(connector.KindImport, "product", fmt.Sprint(k)))
				if assert.NoError(t, err) && !res.Duplicate {
					ids.Store(res.Job.ID, true)
				}
			}
		})
	}
	wg.Wait()
	n := 0
	ids.Range(func(any, any) bool { n++; return true })
	h.waitCount(t, connector.EventDone, n)
	for k := range records {
		assert.Greater(t, lastStart[k].Load(), lastEnqueue[k].Load(), "record %d: its last change was never synced", k)
	}
}
