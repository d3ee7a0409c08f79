// This file holds the tests of what an operator does with jobs: list,
// re-run, cancel, count, watch.

package queuetest

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/connector"
)

func testList(t *testing.T, newQueue Factory) {
	h := newHarness(t, newQueue, connector.QueueConfig{Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
		if j.RecordID == "ok" {
			return nil
		}
		return connector.Permanent(errors.New("bad"))
	})})
	for _, j := range []connector.Job{
		job(connector.KindImport, "order", "1"), job(connector.KindImport, "order", "2"),
		job(connector.KindExport, "order", "3"), job(connector.KindImport, "user", "4"),
		job(connector.KindImport, "order", "ok"),
	} {
		h.enqueue(j)
	}
	h.run()
	h.waitCount(t, connector.EventFailed, 4)
	h.waitCount(t, connector.EventDone, 1)
	ctx := context.Background()
	ids := func(f connector.ListFilter) []string {
		jobs, err := h.q.List(ctx, f)
		require.NoError(t, err)
		var out []string
		for _, j := range jobs {
			out = append(out, j.RecordID)
		}
		return out
	}
	assert.Equal(t, []string{"1", "2", "3", "4"}, ids(connector.ListFilter{State: connector.StateFailed}))
	assert.Equal(t, []string{"1", "2", "3"}, ids(connector.ListFilter{State: connector.StateFailed, Model: "order"}))
	assert.Equal(t, []string{"1", "2"}, ids(connector.ListFilter{State: connector.StateFailed, Model: "order", Kind: connector.KindImport}))
	assert.Equal(t, []string{"1"}, ids(connector.ListFilter{State: connector.StateFailed, Limit: 1}))
	assert.Empty(t, ids(connector.ListFilter{State: connector.StatePending}))
}

func testRetryFailed(t *testing.T, newQueue Factory) {
	var fixed atomic.Bool
	h := newHarness(t, newQueue, connector.QueueConfig{Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
		if !fixed.Load() {
			return connector.Permanent(errors.New("product 3: field categ_id: no mapping"))
		}
		return nil
	})})
	res := h.enqueue(job(connector.KindImport, "product", "3"))
	h.run()
	h.waitEvent(t, connector.EventFailed, res.Job.ID)
	ctx := context.Background()
	_, err := h.q.Retry(ctx, 999999)
	assert.ErrorIs(t, err, connector.ErrJobNotFound)

	fixed.Store(true)
	again, err := h.q.Retry(ctx, res.Job.ID)
	require.NoError(t, err)
	assert.Equal(t, res.Job.ID, again.ID)
	assert.Equal(t, 0, again.Attempt, "a re-run gets its attempts back")
	ev := h.waitEvent(t, connector.EventDone, res.Job.ID)
	assert.Equal(t, 1, ev.Job.Attempt)
}

func testCancel(t *testing.T, newQueue Factory) {
	release := make(chan struct{})
	var ran sync.Map
	h := newHarness(t, newQueue, connector.QueueConfig{Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
		ran.Store(j.RecordID, true)
		switch j.RecordID {
		case "blocks":
			<-release
		case "fails":
			return connector.Permanent(errors.New("bad"))
		}
		return nil
	})})
	ctx := context.Background()
	pending := h.enqueue(job(connector.KindImport, "product", "cancelled"))
	c, err := h.q.Cancel(ctx, pending.Job.ID)
	require.NoError(t, err)
	assert.Equal(t, connector.StateCancelled, c.State)
	_, err = h.q.Cancel(ctx, pending.Job.ID)
	assert.ErrorIs(t, err, connector.ErrJobState, "a cancelled job cannot be cancelled again")
	again := h.enqueue(job(connector.KindImport, "product", "cancelled"))
	assert.False(t, again.Duplicate, "a cancelled job is not pending: a new one is no duplicate")
	_, err = h.q.Cancel(ctx, again.Job.ID)
	require.NoError(t, err)

	h.run()
	blocks := h.enqueue(job(connector.KindImport, "product", "blocks"))
	fails := h.enqueue(job(connector.KindImport, "product", "fails"))
	h.waitEvent(t, connector.EventStarted, blocks.Job.ID)
	_, err = h.q.Cancel(ctx, blocks.Job.ID)
	assert.ErrorIs(t, err, connector.ErrJobRunning)
	h.waitEvent(t, connector.EventFailed, fails.Job.ID)
	c, err = h.q.Cancel(ctx, fails.Job.ID)
	require.NoError(t, err)
	assert.Equal(t, connector.StateCancelled, c.State)
	_, err = h.q.Cancel(ctx, 999999)
	assert.ErrorIs(t, err, connector.ErrJobNotFound)
	close(release)
	h.waitEvent(t, connector.EventDone, blocks.Job.ID)

	_, cancelledRan := ran.Load("cancelled")
	assert.False(t, cancelledRan, "a cancelled job ran")
	cancelled, err := h.q.List(ctx, connector.ListFilter{State: connector.StateCancelled})
	require.NoError(t, err)
	assert.Len(t, cancelled, 3)
	assert.Equal(t, 3, h.count(connector.EventCancelled))
}

func testCounts(t *testing.T, newQueue Factory) {
	release := make(chan struct{})
	h := newHarness(t, newQueue, connector.QueueConfig{Concurrency: 2, Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
		switch j.RecordID {
		case "run":
			<-release
		case "fail":
			return connector.Permanent(errors.New("bad"))
		}
		return nil
	})})
	ctx := context.Background()
	later := job(connector.KindImport, "product", "later")
	later.RunAt = time.Now().Add(time.Hour)
	h.enqueue(later)
	toCancel := h.enqueue(job(connector.KindImport, "product", "cancel"))
	_, err := h.q.Cancel(ctx, toCancel.Job.ID)
	require.NoError(t, err)
	h.run()
	run := h.enqueue(job(connector.KindImport, "product", "run"))
	fail := h.enqueue(job(connector.KindImport, "product", "fail"))
	done := h.enqueue(job(connector.KindImport, "product", "done"))
	h.waitEvent(t, connector.EventStarted, run.Job.ID)
	h.waitEvent(t, connector.EventFailed, fail.Job.ID)
	h.waitEvent(t, connector.EventDone, done.Job.ID)
	counts, err := h.q.Counts(ctx)
	require.NoError(t, err)
	assert.Equal(t, map[connector.State]int{
		connector.StatePending: 1, connector.StateRunning: 1, connector.StateDone: 1,
		connector.StateFailed: 1, connector.StateCancelled: 1,
	}, counts)
	close(release)
	h.waitEvent(t, connector.EventDone, run.Job.ID)
	assert.Equal(t, 5, h.count(connector.EventEnqueued))
	assert.Equal(t, 1, h.count(connector.EventCancelled))
}

func testUnsubscribe(t *testing.T, newQueue Factory) {
	h := newHarness(t, newQueue, connector.QueueConfig{Handler: noop})
	var seen atomic.Int32
	unsub := h.q.Subscribe(func(connector.Event) { seen.Add(1) })
	h.run()
	a := h.enqueue(job(connector.KindImport, "product", "a"))
	h.waitEvent(t, connector.EventDone, a.Job.ID)
	require.Eventually(t, func() bool { return seen.Load() >= 3 }, Timeout, time.Millisecond)
	unsub()
	before := seen.Load()
	b := h.enqueue(job(connector.KindImport, "product", "b"))
	h.waitEvent(t, connector.EventDone, b.Job.ID)
	assert.Equal(t, before, seen.Load(), "events reached an unsubscribed function")
}
