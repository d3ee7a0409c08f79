package connector_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/connector"
)

// Review of issue 9: the Scheduler "starts and stops like a Queue". A
// LocalQueue stopped before it starts refuses Start (ErrQueueStopped); the
// Scheduler forgets a Stop that comes before Start: a host that shuts down
// while it is still starting (a signal during start-up) stops the queue and
// the scheduler, then its start-up goes on and the scheduler runs every
// task at its interval, for ever, against a stopped queue.
func TestReviewSchedulerStoppedBeforeStartStaysStopped(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	q := connector.NewLocalQueue(connector.QueueConfig{Handler: connector.HandlerFunc(func(context.Context, connector.Job) error { return nil })})
	require.NoError(t, q.Stop(ctx))
	require.ErrorIs(t, q.Start(ctx), connector.ErrQueueStopped, "the queue, for comparison")

	s := connector.NewScheduler(quiet)
	var runs atomic.Int32
	require.NoError(t, s.Add("import user", time.Hour, func(context.Context) error { runs.Add(1); return nil }))
	require.NoError(t, s.Stop(ctx))
	err := s.Start(ctx)
	t.Cleanup(func() { _ = s.Stop(ctx) })
	assert.Error(t, err, "a scheduler stopped before Start started all the same")
}
