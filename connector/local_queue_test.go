package connector_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/connector/queuetest"
)

func TestLocalQueueConformance(t *testing.T) {
	queuetest.Run(t, func(t *testing.T, cfg connector.QueueConfig) connector.Queue {
		return connector.NewLocalQueue(cfg)
	})
}

func TestLocalQueueStartNeedsHandler(t *testing.T) {
	q := connector.NewLocalQueue(connector.QueueConfig{})
	require.ErrorIs(t, q.Start(context.Background()), connector.ErrNoHandler)
}

func TestLocalQueueStartTwice(t *testing.T) {
	q := connector.NewLocalQueue(connector.QueueConfig{Handler: connector.HandlerFunc(func(context.Context, connector.Job) error { return nil })})
	require.NoError(t, q.Start(context.Background()))
	require.ErrorIs(t, q.Start(context.Background()), connector.ErrQueueStarted)
	require.NoError(t, q.Stop(context.Background()))
	require.ErrorIs(t, q.Start(context.Background()), connector.ErrQueueStopped)
}

// Beyond the Queue contract, the in-process queue never runs two jobs with
// one key at once: the job enqueued while its key runs waits for it.
func TestLocalQueueNeverRunsOneKeyTwiceAtOnce(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var inFlight, overlaps, calls atomic.Int32
	q := connector.NewLocalQueue(connector.QueueConfig{Concurrency: 4, Logger: quiet, Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
		if j.RecordID != "1" {
			return nil
		}
		if inFlight.Add(1) > 1 {
			overlaps.Add(1)
		}
		defer inFlight.Add(-1)
		if calls.Add(1) == 1 {
			<-release
		}
		return nil
	})})
	ctx := context.Background()
	events := watch(q)
	require.NoError(t, q.Start(ctx))
	defer q.Stop(ctx)
	first, err := q.Enqueue(ctx, connector.Job{Kind: connector.KindImport, Model: "product", RecordID: "1"})
	require.NoError(t, err)
	events.await(t, connector.EventStarted, first.Job.ID)
	second, err := q.Enqueue(ctx, connector.Job{Kind: connector.KindImport, Model: "product", RecordID: "1"})
	require.NoError(t, err)
	require.False(t, second.Duplicate)
	for i := range 8 { // keep the other workers busy and free again
		other, err := q.Enqueue(ctx, connector.Job{Kind: connector.KindImport, Model: "product", RecordID: fmt.Sprint("other", i)})
		require.NoError(t, err)
		events.await(t, connector.EventDone, other.Job.ID)
	}
	assert.Equal(t, int32(1), calls.Load(), "the second job of the key started while the first ran")
	close(release)
	events.await(t, connector.EventDone, second.Job.ID)
	assert.Zero(t, overlaps.Load())
}

// A job that would go back to wait for a retry (a 429's hour) while a job
// of its key was enqueued meanwhile ends as done: the newer job reads the
// record afresh and runs now, and each job has its own end.
func TestLocalQueueJobQueuedWhileItsKeyRanTakesOverItsRetry(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var calls atomic.Int32
	q := connector.NewLocalQueue(connector.QueueConfig{Logger: quiet, Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
		if calls.Add(1) == 1 {
			<-release
			return connector.Retryable(errors.New("429 too many requests"), connector.After(time.Hour))
		}
		return nil
	})})
	ctx := context.Background()
	events := watch(q)
	require.NoError(t, q.Start(ctx))
	defer q.Stop(ctx)
	first, err := q.Enqueue(ctx, connector.Job{Kind: connector.KindImport, Model: "order", RecordID: "1"})
	require.NoError(t, err)
	events.await(t, connector.EventStarted, first.Job.ID)
	second, err := q.Enqueue(ctx, connector.Job{Kind: connector.KindImport, Model: "order", RecordID: "1"})
	require.NoError(t, err)
	close(release)
	done := events.await(t, connector.EventDone, first.Job.ID)
	assert.Contains(t, done.Reason, fmt.Sprintf("job %d", second.Job.ID), "the first job must say which job does its work")
	events.await(t, connector.EventDone, second.Job.ID)
	assert.Equal(t, int32(2), calls.Load())
	counts, _ := q.Counts(ctx)
	assert.Equal(t, 2, counts[connector.StateDone])
	assert.Zero(t, counts[connector.StatePending])
}

// Retry and Cancel of jobs that run meanwhile read nothing unlocked (run
// with -race).
func TestLocalQueueRetryAndCancelOfBusyJobs(t *testing.T) {
	t.Parallel()
	var runs atomic.Int32
	q := connector.NewLocalQueue(connector.QueueConfig{Concurrency: 4, Logger: quiet,
		Retry: connector.RetryPolicy{MaxAttempts: 1000, Backoff: []time.Duration{0}},
		Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
			runs.Add(1)
			return errors.New("again")
		})})
	ctx := context.Background()
	events := watch(q)
	require.NoError(t, q.Start(ctx))
	defer q.Stop(ctx)
	var ids []int64
	for i := range 4 {
		res, err := q.Enqueue(ctx, connector.Job{Kind: connector.KindImport, Model: "order", RecordID: fmt.Sprint(i)})
		require.NoError(t, err)
		ids = append(ids, res.Job.ID)
	}
	events.await(t, connector.EventRetry, ids[0])
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for i := range 500 {
				id := ids[i%len(ids)]
				if _, err := q.Retry(ctx, id); err != nil {
					assert.NotContains(t, err.Error(), "%!")
				}
				if _, err := q.Cancel(ctx, id); err != nil {
					assert.NotContains(t, err.Error(), "%!")
				}
			}
		})
	}
	wg.Wait()
	assert.Positive(t, runs.Load())
}

var quiet = slog.New(slog.DiscardHandler)

// events records a queue's events and lets a test wait for one.
type events struct {
	mu      sync.Mutex
	seen    []connector.Event
	changed chan struct{}
}

func watch(q connector.Queue) *events {
	e := &events{changed: make(chan struct{})}
	q.Subscribe(func(ev connector.Event) {
		e.mu.Lock()
		e.seen = append(e.seen, ev)
		close(e.changed)
		e.changed = make(chan struct{})
		e.mu.Unlock()
	})
	return e
}

func (e *events) await(t *testing.T, typ connector.EventType, id int64) connector.Event {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		e.mu.Lock()
		for _, ev := range e.seen {
			if ev.Type == typ && ev.Job.ID == id {
				e.mu.Unlock()
				return ev
			}
		}
		changed := e.changed
		e.mu.Unlock()
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("no %s event for job %d", typ, id)
			return connector.Event{}
		}
	}
}

// BenchmarkQueueThroughput measures the queue's own cost of one job, from
// Enqueue to done, with a handler that does nothing. Target: ≤ 2 µs/job.
func BenchmarkQueueThroughput(b *testing.B) {
	for _, workers := range []int{1, 4} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			var done atomic.Int64
			all := make(chan struct{})
			var n int64
			q := connector.NewLocalQueue(connector.QueueConfig{
				Concurrency: workers,
				Handler: connector.HandlerFunc(func(context.Context, connector.Job) error {
					if done.Add(1) == n {
						close(all)
					}
					return nil
				}),
			})
			ctx := context.Background()
			require.NoError(b, q.Start(ctx))
			defer q.Stop(ctx)
			n = int64(b.N)
			ids := make([]string, b.N)
			for i := range ids {
				ids[i] = fmt.Sprint(i)
			}
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			for i := range b.N {
				if _, err := q.Enqueue(ctx, connector.Job{Kind: connector.KindImport, Model: "product", RecordID: ids[i]}); err != nil {
					b.Fatal(err)
				}
			}
			<-all
			b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(b.N), "ns/job")
		})
	}
}

// BenchmarkQueuePendingMemory measures the heap held per pending job with a
// million jobs waiting. Target: ≤ 500 B/job, and the million must fit.
func BenchmarkQueuePendingMemory(b *testing.B) {
	const pending = 1_000_000
	ids := make([]string, pending)
	for i := range ids {
		ids[i] = fmt.Sprint(i)
	}
	ctx := context.Background()
	var perJob float64
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		q := connector.NewLocalQueue(connector.QueueConfig{})
		for _, id := range ids {
			if _, err := q.Enqueue(ctx, connector.Job{Kind: connector.KindImport, Model: "product", RecordID: id}); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		counts, _ := q.Counts(ctx)
		if counts[connector.StatePending] != pending {
			b.Fatalf("%d pending, want %d", counts[connector.StatePending], pending)
		}
		perJob = float64(after.HeapAlloc-before.HeapAlloc) / pending
		runtime.KeepAlive(q)
	}
	b.ReportMetric(perJob, "B/pending-job")
}
