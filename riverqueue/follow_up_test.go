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

// River counts a running job as holding its key: a change enqueued while it
// runs becomes one follow-up job, and the enqueues after it are its
// duplicates, not more jobs.
func TestEnqueueWhileRunningMakesOneFollowUp(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	started := make(chan int64, 4)
	q := newSQLiteQueue(t, fast(connector.QueueConfig{
		Concurrency: 1, // the follow-up waits, so that its duplicates find it pending
		Logger:      slog.New(slog.DiscardHandler),
		Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
			started <- j.ID
			<-release
			return nil
		}),
	}))
	ctx := context.Background()
	require.NoError(t, q.Start(ctx))
	t.Cleanup(func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		assert.NoError(t, q.Stop(stopCtx))
	})
	j := connector.Job{Kind: connector.KindImport, Model: "order", RecordID: "1"}
	first, err := q.Enqueue(ctx, j)
	require.NoError(t, err)
	select {
	case id := <-started:
		require.Equal(t, first.Job.ID, id)
	case <-time.After(10 * time.Second):
		t.Fatal("the first job did not start")
	}
	follow, err := q.Enqueue(ctx, j)
	require.NoError(t, err)
	assert.False(t, follow.Duplicate, "a change made while the job runs was dropped")
	assert.NotEqual(t, first.Job.ID, follow.Job.ID)
	assert.Equal(t, j.IdentityKey(), follow.Job.Key, "the follow-up keeps the job's identity key")
	again, err := q.Enqueue(ctx, j)
	require.NoError(t, err)
	assert.True(t, again.Duplicate, "a second change while the job runs made another job")
	assert.Equal(t, follow.Job.ID, again.Job.ID)
	close(release)
	select {
	case id := <-started:
		assert.Equal(t, follow.Job.ID, id)
	case <-time.After(10 * time.Second):
		t.Fatal("the follow-up did not run")
	}
}
