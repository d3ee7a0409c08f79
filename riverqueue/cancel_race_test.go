package riverqueue_test

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/connector"
)

// A Cancel that answers ErrJobRunning must leave the job to run its course:
// the contract says a running job is not interrupted. Cancel reads the job,
// then cancels it; a worker that takes the job between the two must not
// leave River's cancellation behind, which would cancel the job's retry
// (or, on PostgreSQL, interrupt its attempt) and lose its work.
func TestCancelRacingAWorkerLosesNothing(t *testing.T) {
	t.Parallel()
	for _, db := range []string{"postgres", "sqlite"} {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			testCancelRacingAWorker(t, db)
		})
	}
}

func testCancelRacingAWorker(t *testing.T, db string) {
	const jobs = 60
	var mu sync.Mutex
	attempts := map[int64]int{}
	cfg := fast(connector.QueueConfig{
		Concurrency: 8,
		Logger:      slog.New(slog.DiscardHandler),
		Retry:       connector.RetryPolicy{MaxAttempts: 5, Backoff: []time.Duration{time.Millisecond}},
		Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
			mu.Lock()
			attempts[j.ID]++
			n := attempts[j.ID]
			mu.Unlock()
			if n > 1 {
				return nil
			}
			select {
			case <-time.After(20 * time.Millisecond):
			case <-ctx.Done():
				return ctx.Err()
			}
			return errors.New("the first attempt fails")
		}),
	})
	var q connector.Queue
	if db == "postgres" {
		q = newPostgresQueue(t, cfg)
	} else {
		q = newSQLiteQueue(t, cfg)
	}
	ctx := context.Background()
	ids := make([]int64, jobs)
	for i := range ids {
		res, err := q.Enqueue(ctx, connector.Job{Kind: connector.KindImport, Model: "order", RecordID: strconv.Itoa(i)})
		require.NoError(t, err)
		ids[i] = res.Job.ID
	}
	require.NoError(t, q.Start(ctx))
	t.Cleanup(func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		assert.NoError(t, q.Stop(stopCtx))
	})

	// Each job is cancelled over and over until Cancel cancels it or
	// refuses because it runs.
	cancelled := make([]bool, jobs)
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() {
			for {
				_, err := q.Cancel(ctx, id)
				switch {
				case err == nil:
					cancelled[i] = true
					return
				case errors.Is(err, connector.ErrJobRunning), errors.Is(err, connector.ErrJobState):
					return
				default:
					t.Errorf("cancel job %d: %v", id, err)
					return
				}
			}
		})
	}
	wg.Wait()

	deadline := time.Now().Add(30 * time.Second)
	for i, id := range ids {
		for {
			j, err := q.Job(ctx, id)
			require.NoError(t, err)
			if j.State == connector.StateDone || j.State == connector.StateCancelled || j.State == connector.StateFailed {
				if !cancelled[i] {
					assert.Equal(t, connector.StateDone, j.State, "job %d: Cancel answered ErrJobRunning, yet the job ended %s (%s)", id, j.State, j.LastError)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("job %d is still %s", id, j.State)
			}
			time.Sleep(10 * time.Millisecond) // polling the job's state, with a deadline
		}
	}
}
