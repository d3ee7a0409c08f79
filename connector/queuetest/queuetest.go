// Package queuetest is the conformance suite of connector.Queue: every queue
// implementation runs the same tests, so that a host can swap the in-process
// queue for the River one and keep every guarantee.
//
//	func TestConformance(t *testing.T) {
//		queuetest.Run(t, func(t *testing.T, cfg connector.QueueConfig) connector.Queue {
//			return connector.NewLocalQueue(cfg)
//		})
//	}
package queuetest

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/connector"
)

// Factory returns a new, empty, stopped queue built from cfg. The suite
// starts it and stops it.
type Factory func(t *testing.T, cfg connector.QueueConfig) connector.Queue

// Timeout bounds every wait of the suite. A wait that runs out fails the test
// instead of hanging it.
var Timeout = 10 * time.Second

// fastRetry keeps retries quick so that the suite runs in seconds.
var fastRetry = connector.RetryPolicy{MaxAttempts: 3, Backoff: []time.Duration{time.Millisecond}}

// Run runs the whole suite against the queues newQueue builds.
func Run(t *testing.T, newQueue Factory) {
	tests := []struct {
		name string
		fn   func(*testing.T, Factory)
	}{
		{"RunsJobWithItsArgs", testRunsJob},
		{"RejectsInvalidJobs", testRejectsInvalid},
		{"PriorityOrder", testPriorityOrder},
		{"RunAtOrder", testRunAtOrder},
		{"MergesPendingDuplicate", testMerge},
		{"MergeTakesEarlierRunAtAndHigherPriority", testMergeMoves},
		{"SameKeyNeverRunsTwiceAtOnce", testSameKeyExclusive},
		{"SameKeyExclusiveUnderLoad", testSameKeyUnderLoad},
		{"RetriesWithBackoff", testBackoff},
		{"RetryAfterDelay", testRetryAfter},
		{"NotCountedAttempts", testNotCounted},
		{"PermanentErrorFailsAtOnce", testPermanent},
		{"LastAttemptFailsAndKeepsError", testExhausted},
		{"PanicIsAFailedAttempt", testPanic},
		{"NothingToDoIsDone", testNothingToDo},
		{"ListFilters", testList},
		{"RetryFailedJob", testRetryFailed},
		{"CancelJobs", testCancel},
		{"GracefulStopLetsRunningJobsFinish", testGracefulStop},
		{"StopDeadlineReturnsJobsToPending", testStopDeadline},
		{"CountsAndEvents", testCounts},
		{"Unsubscribe", testUnsubscribe},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newQueue) })
	}
}

// harness is a queue under test with a recorder of its events.
type harness struct {
	t *testing.T
	q connector.Queue
	*recorder
}

// start builds a queue, subscribes a recorder, and stops the queue when the
// test ends. Jobs enqueued before calling run wait for it.
func newHarness(t *testing.T, newQueue Factory, cfg connector.QueueConfig) *harness {
	t.Helper()
	if cfg.Retry.MaxAttempts == 0 && len(cfg.Retry.Backoff) == 0 {
		cfg.Retry = fastRetry
	}
	q := newQueue(t, cfg)
	h := &harness{t: t, q: q, recorder: newRecorder()}
	unsub := q.Subscribe(h.record)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), Timeout)
		defer cancel()
		assert.NoError(t, q.Stop(ctx))
		unsub()
	})
	return h
}

func (h *harness) run() {
	h.t.Helper()
	require.NoError(h.t, h.q.Start(context.Background()))
}

func (h *harness) enqueue(j connector.Job) connector.EnqueueResult {
	h.t.Helper()
	res, err := h.q.Enqueue(context.Background(), j)
	require.NoError(h.t, err)
	return res
}

func job(kind connector.Kind, model, id string) connector.Job {
	return connector.Job{Kind: kind, Model: model, RecordID: id}
}

func testRunsJob(t *testing.T, newQueue Factory) {
	type args struct {
		Force  bool     `json:"force"`
		Fields []string `json:"fields"`
	}
	var got connector.Job
	var gotArgs args
	h := newHarness(t, newQueue, connector.QueueConfig{Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
		got = j
		return j.UnmarshalArgs(&gotArgs)
	})})
	j, err := connector.NewJob(connector.KindImport, "product", "42", args{Force: true, Fields: []string{"name"}})
	require.NoError(t, err)
	res := h.enqueue(j)
	assert.False(t, res.Merged)
	assert.NotZero(t, res.Job.ID)
	assert.Equal(t, connector.StatePending, res.Job.State)
	h.run()
	done := h.waitEvent(t, connector.EventDone, res.Job.ID)

	assert.Equal(t, res.Job.ID, got.ID)
	assert.Equal(t, connector.KindImport, got.Kind)
	assert.Equal(t, "product", got.Model)
	assert.Equal(t, "42", got.RecordID)
	assert.Equal(t, args{Force: true, Fields: []string{"name"}}, gotArgs)
	assert.Equal(t, connector.StateDone, done.Job.State)
	assert.Equal(t, 1, done.Job.Attempt)
}

func testRejectsInvalid(t *testing.T, newQueue Factory) {
	h := newHarness(t, newQueue, connector.QueueConfig{Handler: noop})
	for name, j := range map[string]connector.Job{
		"no kind":  {Model: "product", RecordID: "1"},
		"no model": {Kind: connector.KindImport, RecordID: "1"},
		"bad args": {Kind: connector.KindImport, Model: "product", Args: []byte("{not json")},
		"priority": {Kind: connector.KindImport, Model: "product", Priority: 9},
		"attempts": {Kind: connector.KindImport, Model: "product", MaxAttempts: -1},
	} {
		_, err := h.q.Enqueue(context.Background(), j)
		assert.ErrorIs(t, err, connector.ErrInvalidJob, name)
	}
	_, err := connector.NewJob(connector.KindImport, "product", "1", map[string]any{"ch": make(chan int)})
	assert.Error(t, err, "a value JSON cannot hold must be refused")
}

func testPriorityOrder(t *testing.T, newQueue Factory) {
	var mu sync.Mutex
	var order []string
	h := newHarness(t, newQueue, connector.QueueConfig{Concurrency: 1, Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
		mu.Lock()
		order = append(order, j.RecordID)
		mu.Unlock()
		return nil
	})})
	for _, p := range []struct {
		id       string
		priority int
	}{{"low", connector.PriorityLow}, {"normal1", 0}, {"highest", connector.PriorityHighest}, {"high", connector.PriorityHigh}, {"normal2", connector.PriorityNormal}} {
		j := job(connector.KindImport, "product", p.id)
		j.Priority = p.priority
		h.enqueue(j)
	}
	h.run()
	h.waitCount(t, connector.EventDone, 5)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"highest", "high", "normal1", "normal2", "low"}, order)
}

func testRunAtOrder(t *testing.T, newQueue Factory) {
	var mu sync.Mutex
	var order []string
	started := map[string]time.Time{}
	h := newHarness(t, newQueue, connector.QueueConfig{Concurrency: 1, Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
		mu.Lock()
		order = append(order, j.RecordID)
		started[j.RecordID] = time.Now()
		mu.Unlock()
		return nil
	})})
	now := time.Now()
	late, soon, asap := job(connector.KindImport, "product", "late"), job(connector.KindImport, "product", "soon"), job(connector.KindImport, "product", "now")
	late.RunAt = now.Add(300 * time.Millisecond)
	soon.RunAt = now.Add(100 * time.Millisecond)
	late.Priority = connector.PriorityHighest // priority does not make a job run before its time
	h.enqueue(late)
	h.enqueue(soon)
	h.enqueue(asap)
	h.run()
	h.waitCount(t, connector.EventDone, 3)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"now", "soon", "late"}, order)
	assert.False(t, started["soon"].Before(soon.RunAt), "started before its RunAt")
	assert.False(t, started["late"].Before(late.RunAt), "started before its RunAt")
}

func testMerge(t *testing.T, newQueue Factory) {
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

	assert.True(t, second.Merged)
	assert.Equal(t, first.Job.ID, second.Job.ID)
	assert.False(t, other.Merged, "an export is not the same work as an import")
	assert.True(t, keyed2.Merged, "an explicit key merges jobs whatever their record")
	assert.Equal(t, keyed1.Job.ID, keyed2.Job.ID)
	h.run()
	h.waitCount(t, connector.EventDone, 3)
	assert.Equal(t, int32(3), calls.Load())
}

func testMergeMoves(t *testing.T, newQueue Factory) {
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
	first := h.enqueue(someday)
	h.enqueue(job(connector.KindImport, "product", "a"))
	urgent := job(connector.KindImport, "product", "someday")
	urgent.Priority = connector.PriorityHighest
	merged := h.enqueue(urgent)
	require.True(t, merged.Merged)
	assert.Equal(t, first.Job.ID, merged.Job.ID)
	assert.Equal(t, connector.PriorityHighest, merged.Job.Priority)
	h.run()
	h.waitCount(t, connector.EventDone, 2)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"someday", "a"}, order, "the merged job runs now, first")
}

func testSameKeyExclusive(t *testing.T, newQueue Factory) {
	release := make(chan struct{})
	h := newHarness(t, newQueue, connector.QueueConfig{Concurrency: 4, Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
		if j.RecordID == "1" {
			<-release
		}
		return nil
	})})
	h.run()
	first := h.enqueue(job(connector.KindImport, "product", "1"))
	h.waitEvent(t, connector.EventStarted, first.Job.ID)
	second := h.enqueue(job(connector.KindImport, "product", "1"))
	require.False(t, second.Merged, "a running job takes no merge: the record may have changed since it read it")
	other := h.enqueue(job(connector.KindImport, "product", "2"))
	h.waitEvent(t, connector.EventDone, other.Job.ID)
	assert.False(t, h.has(connector.EventStarted, second.Job.ID), "second job with the key started while the first runs")
	close(release)
	h.waitEvent(t, connector.EventDone, second.Job.ID)
	assert.Less(t, h.index(connector.EventDone, first.Job.ID), h.index(connector.EventStarted, second.Job.ID))
}

func testSameKeyUnderLoad(t *testing.T, newQueue Factory) {
	var inFlight [5]atomic.Int32
	var overlaps atomic.Int32
	h := newHarness(t, newQueue, connector.QueueConfig{Concurrency: 8, Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
		k := int(j.RecordID[0] - '0')
		if inFlight[k].Add(1) > 1 {
			overlaps.Add(1)
		}
		for range 10 { // give another worker the chance to step in, if it can
			runtime.Gosched()
		}
		inFlight[k].Add(-1)
		return nil
	})})
	h.run()
	var wg sync.WaitGroup
	var ids sync.Map
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				res, err := h.q.Enqueue(context.Background(), job(connector.KindImport, "product", fmt.Sprint((g+i)%5)))
				if assert.NoError(t, err) {
					ids.Store(res.Job.ID, true)
				}
			}
		})
	}
	wg.Wait()
	n := 0
	ids.Range(func(any, any) bool { n++; return true })
	h.waitCount(t, connector.EventDone, n)
	assert.Zero(t, overlaps.Load(), "jobs with the same key ran at the same time")
}

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
	assert.False(t, again.Merged, "a cancelled job takes no merge")
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

var noop = connector.HandlerFunc(func(context.Context, connector.Job) error { return nil })

// recorder keeps every event and lets a test wait for one, with a deadline.
type recorder struct {
	mu      sync.Mutex
	events  []connector.Event
	changed chan struct{}
}

func newRecorder() *recorder { return &recorder{changed: make(chan struct{})} }

func (r *recorder) record(ev connector.Event) {
	r.mu.Lock()
	r.events = append(r.events, ev)
	close(r.changed)
	r.changed = make(chan struct{})
	r.mu.Unlock()
}

// wait blocks until pred holds over the events or Timeout passes.
func (r *recorder) wait(t *testing.T, what string, pred func([]connector.Event) bool) {
	t.Helper()
	deadline := time.NewTimer(Timeout)
	defer deadline.Stop()
	for {
		r.mu.Lock()
		ok, changed := pred(r.events), r.changed
		r.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-changed:
		case <-deadline.C:
			r.mu.Lock()
			defer r.mu.Unlock()
			t.Fatalf("timed out after %s waiting for %s; events: %v", Timeout, what, summary(r.events))
		}
	}
}

func (r *recorder) waitEvent(t *testing.T, typ connector.EventType, id int64) connector.Event {
	t.Helper()
	var found connector.Event
	r.wait(t, fmt.Sprintf("%s of job %d", typ, id), func(evs []connector.Event) bool {
		for _, ev := range evs {
			if ev.Type == typ && ev.Job.ID == id {
				found = ev
				return true
			}
		}
		return false
	})
	return found
}

func (r *recorder) waitCount(t *testing.T, typ connector.EventType, n int) {
	t.Helper()
	r.wait(t, fmt.Sprintf("%d %s events", n, typ), func(evs []connector.Event) bool {
		return countType(evs, typ) >= n
	})
}

func (r *recorder) count(typ connector.EventType) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return countType(r.events, typ)
}

func (r *recorder) index(typ connector.EventType, id int64) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.IndexFunc(r.events, func(ev connector.Event) bool { return ev.Type == typ && ev.Job.ID == id })
}

func (r *recorder) has(typ connector.EventType, id int64) bool { return r.index(typ, id) >= 0 }

func countType(evs []connector.Event, typ connector.EventType) int {
	n := 0
	for _, ev := range evs {
		if ev.Type == typ {
			n++
		}
	}
	return n
}

func summary(evs []connector.Event) []string {
	out := make([]string, len(evs))
	for i, ev := range evs {
		out[i] = fmt.Sprintf("%s:%d(%s)", ev.Type, ev.Job.ID, ev.Job.RecordID)
	}
	return out
}
