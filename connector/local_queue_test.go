package connector_test

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

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
