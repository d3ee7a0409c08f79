package riverqueue_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/connector"
)

// A failed job can be cancelled, as the contract says, also when a search
// has queued its record again since: the pending job of its key is left
// alone. River cancels no finished job, and making the failed job pending
// first, for River to cancel, breaks River's unique index on the key.
func TestCancelFailedJobWhileItsKeyIsPending(t *testing.T) {
	t.Parallel()
	for _, db := range []string{"postgres", "sqlite"} {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			cfg := fast(connector.QueueConfig{
				Logger: slog.New(slog.DiscardHandler),
				Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
					return connector.Permanent(errors.New("no mapping"))
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
			require.NoError(t, q.Start(ctx))
			t.Cleanup(func() {
				stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				assert.NoError(t, q.Stop(stopCtx))
			})
			require.Eventually(t, func() bool {
				j, err := q.Job(ctx, first.Job.ID)
				return err == nil && j.State == connector.StateFailed
			}, 10*time.Second, 10*time.Millisecond, "the first job did not fail")

			later := job
			later.RunAt = time.Now().Add(time.Hour)
			second, err := q.Enqueue(ctx, later)
			require.NoError(t, err)
			require.False(t, second.Duplicate)

			got, err := q.Cancel(ctx, first.Job.ID)
			require.NoError(t, err, "a failed job could not be cancelled while its key is pending")
			assert.Equal(t, connector.StateCancelled, got.State)
			j, err := q.Job(ctx, second.Job.ID)
			require.NoError(t, err)
			assert.Equal(t, connector.StatePending, j.State, "the pending job of the key was touched")
		})
	}
}
