package riverqueue_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/connector"
)

// A failed job is re-run (Retry) while a later job of its key runs, as an
// operator does from the status page while a search has queued the record
// again: the contract puts the failed job back to pending, and it runs. River
// counts the running job as holding the key, and its unique index refuses
// the failed job's return to available. (As when the work is already
// pending, Retry may hand the work to another job of the key, which it
// returns.)
func TestRetryWhileAJobOfTheKeyRuns(t *testing.T) {
	t.Parallel()
	for _, db := range []string{"postgres", "sqlite"} {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			release := make(chan struct{})
			started := make(chan int64, 4)
			var failed atomic.Int64
			cfg := fast(connector.QueueConfig{
				Logger: slog.New(slog.DiscardHandler),
				Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
					if j.ID == failed.Load() {
						return connector.Permanent(errors.New("no mapping"))
					}
					started <- j.ID
					<-release
					return nil
				}),
			})
			var q connector.Queue
			if db == "postgres" {
				q = newPostgresQueue(t, cfg)
			} else {
				q = newSQLiteQueue(t, cfg)
			}
			ctx := context.Background()
			job := connector.Job{Kind: connector.KindImport, Model: "order", RecordID: "1"}
			first, err := q.Enqueue(ctx, job)
			require.NoError(t, err)
			failed.Store(first.Job.ID)
			require.NoError(t, q.Start(ctx))
			t.Cleanup(func() {
				stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				assert.NoError(t, q.Stop(stopCtx))
			})
			var releaseOnce sync.Once
			t.Cleanup(func() { releaseOnce.Do(func() { close(release) }) })
			require.Eventually(t, func() bool {
				j, err := q.Job(ctx, failed.Load())
				return err == nil && j.State == connector.StateFailed
			}, 10*time.Second, 10*time.Millisecond, "the first job did not fail")

			second, err := q.Enqueue(ctx, job)
			require.NoError(t, err)
			require.False(t, second.Duplicate)
			select {
			case id := <-started:
				require.Equal(t, second.Job.ID, id)
			case <-time.After(10 * time.Second):
				t.Fatal("the second job did not start")
			}
			again, err := q.Retry(ctx, failed.Load())
			require.NoError(t, err, "a failed job could not be re-run while a job of its key runs")
			failed.Store(0) // it succeeds now
			releaseOnce.Do(func() { close(release) })
			require.Eventually(t, func() bool {
				j, err := q.Job(ctx, again.ID)
				return err == nil && j.State == connector.StateDone
			}, 10*time.Second, 10*time.Millisecond, "the re-run job did not run")
		})
	}
}
