package riverqueue_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/riverqueue"
)

// BenchmarkQueue runs b.N jobs whose handler does nothing through each
// queue, side by side: what is measured is the queue itself, per job
// (enqueue, fetch, run, record the outcome, report the event).
func BenchmarkQueue(b *testing.B) {
	for _, bc := range []struct {
		name string
		make func(b *testing.B, cfg connector.QueueConfig) connector.Queue
	}{
		{"LocalQueue", func(b *testing.B, cfg connector.QueueConfig) connector.Queue { return connector.NewLocalQueue(cfg) }},
		{"RiverPostgres", func(b *testing.B, cfg connector.QueueConfig) connector.Queue {
			return newPostgresQueue(b, riverFast(cfg))
		}},
		{"RiverSQLite", func(b *testing.B, cfg connector.QueueConfig) connector.Queue {
			return newSQLiteQueue(b, riverFast(cfg))
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			cfg := connector.QueueConfig{
				Concurrency: 8,
				Logger:      slog.New(slog.DiscardHandler),
				Handler:     connector.HandlerFunc(func(context.Context, connector.Job) error { return nil }),
			}
			q := bc.make(b, cfg)
			// A warm-up of jobs first, so that what is measured is the queue
			// running, not River's start (its first fetch, its leader).
			const warmup = 200
			var done atomic.Int64
			warm, all := make(chan struct{}), make(chan struct{})
			n := int64(b.N + warmup)
			defer q.Subscribe(func(ev connector.Event) {
				if ev.Type != connector.EventDone {
					return
				}
				switch done.Add(1) {
				case warmup / 2:
					close(warm)
				case n:
					close(all)
				}
			})()
			ctx := context.Background()
			if err := q.Start(ctx); err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() {
				stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				if err := q.Stop(stopCtx); err != nil {
					b.Error(err)
				}
			})
			enqueue := func(from, to int) {
				var wg sync.WaitGroup
				const enqueuers = 4
				for g := range enqueuers {
					wg.Go(func() {
						for i := from + g; i < to; i += enqueuers {
							if _, err := q.Enqueue(ctx, connector.Job{Kind: connector.KindImport, Model: "product", RecordID: fmt.Sprint(i)}); err != nil {
								b.Error(err)
								return
							}
						}
					})
				}
				wg.Wait()
			}
			enqueue(0, warmup)
			select {
			case <-warm: // half the warm-up ran: the queue is up
			case <-time.After(time.Minute):
				b.Fatalf("warm-up: %d of %d jobs done after a minute", done.Load(), warmup)
			}
			b.ResetTimer()
			start := time.Now()
			enqueue(warmup, warmup+b.N)
			select {
			case <-all:
			case <-time.After(10 * time.Minute):
				b.Fatalf("%d of %d jobs done after 10 minutes", done.Load(), b.N)
			}
			elapsed := time.Since(start)
			b.StopTimer()
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "jobs/s")
			b.ReportMetric(float64(elapsed.Microseconds())/float64(b.N), "µs/job")
		})
	}
}

// riverFast is the River configuration of the benchmark: a short poll, as
// for the suite, so that the latency of a fetch does not hide the cost.
func riverFast(cfg connector.QueueConfig) riverqueue.Config { return fast(cfg) }
