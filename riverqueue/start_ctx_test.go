package riverqueue_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/connector"
)

// syncd starts its queue with the context that SIGTERM cancels, then stops
// it. A job running at that moment must survive: done, or back to pending
// without its attempt counted, as after a Stop whose deadline passed (and
// as the in-process queue does). River, given the cancelled context, cuts
// its job with a plain cancellation, which it counts as a failed attempt:
// a job on its last attempt is failed by a restart.
func TestCancellingStartContextKeepsRunningJob(t *testing.T) {
	t.Parallel()
	for _, db := range []string{"postgres", "sqlite"} {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			started := make(chan struct{})
			cfg := fast(connector.QueueConfig{
				Logger: slog.New(slog.DiscardHandler),
				Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
					close(started)
					<-ctx.Done() // a long sync, which only a stop cuts short
					return ctx.Err()
				}),
			})
			var q connector.Queue
			if db == "postgres" {
				q = newPostgresQueue(t, cfg)
			} else {
				q = newSQLiteQueue(t, cfg)
			}
			bg := context.Background()
			res, err := q.Enqueue(bg, connector.Job{Kind: connector.KindImport, Model: "order", RecordID: "1", MaxAttempts: 1})
			require.NoError(t, err)
			ctx, sigterm := context.WithCancel(bg)
			require.NoError(t, q.Start(ctx))
			select {
			case <-started:
			case <-time.After(10 * time.Second):
				t.Fatal("the job did not start")
			}
			sigterm()
			stopCtx, cancel := context.WithTimeout(bg, time.Second)
			defer cancel()
			_ = q.Stop(stopCtx) // the job ignores nothing: it may end within the deadline or be cut short

			j, err := q.Job(bg, res.Job.ID)
			require.NoError(t, err)
			assert.Equal(t, connector.StatePending, j.State, "the job cut short by the stop is %s (%s)", j.State, j.LastError)
			assert.Equal(t, 0, j.Attempt, "the stop counted the cut attempt")
		})
	}
}
