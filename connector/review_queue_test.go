package connector_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/connector"
)

// Review of issue 9: LocalQueue against the Queue contract.

// eventLog keeps a queue's events.
type eventLog struct {
	mu  sync.Mutex
	evs []connector.Event
}

func (l *eventLog) record(ev connector.Event) {
	l.mu.Lock()
	l.evs = append(l.evs, ev)
	l.mu.Unlock()
}

// of returns the types of the events that name job id, in order.
func (l *eventLog) of(id int64) []connector.EventType {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []connector.EventType
	for _, ev := range l.evs {
		if ev.Job.ID == id {
			out = append(out, ev.Type)
		}
	}
	return out
}

// Contract (connector.Queue): "a job enqueued while the job with its key
// runs is kept: it runs after the running one ends". LocalQueue accepts such
// a job (Duplicate false, an EventEnqueued under its own ID, counted
// pending), but when the running job ends in a retry, finish deletes it:
// it never runs, no event ever names it again (the EventDuplicate names the
// running job), Job(id) answers ErrJobNotFound as for a job done and
// forgotten, and Counts no longer add up to the jobs accepted. A host that
// follows the job it enqueued (by ID or by events) waits forever or takes
// it for done.
func TestReviewJobEnqueuedWhileItsKeyRunsIsKept(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	started := make(chan struct{})
	var calls atomic.Int32
	q := connector.NewLocalQueue(connector.QueueConfig{
		Concurrency: 2, Logger: quiet,
		Retry: connector.RetryPolicy{MaxAttempts: 5, Backoff: []time.Duration{time.Millisecond}},
		Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
			if calls.Add(1) == 1 {
				close(started)
				<-release
				return connector.Retryable(errors.New("503 service unavailable"))
			}
			return nil
		}),
	})
	log := &eventLog{}
	q.Subscribe(log.record)
	ctx := context.Background()
	require.NoError(t, q.Start(ctx))
	defer q.Stop(ctx)

	first, err := q.Enqueue(ctx, connector.Job{Kind: connector.KindImport, Model: "product", RecordID: "1"})
	require.NoError(t, err)
	<-started
	second, err := q.Enqueue(ctx, connector.Job{Kind: connector.KindImport, Model: "product", RecordID: "1"})
	require.NoError(t, err)
	require.False(t, second.Duplicate, "the queue accepted the job as a new one")
	close(release)

	require.Eventually(t, func() bool {
		c, err := q.Counts(ctx)
		return err == nil && c[connector.StatePending] == 0 && c[connector.StateRunning] == 0
	}, 10*time.Second, time.Millisecond)

	t.Logf("events of the first job: %v; of the second: %v", log.of(first.Job.ID), log.of(second.Job.ID))
	assert.Contains(t, log.of(second.Job.ID), connector.EventDone, "the job accepted while its key ran never ended")
	c, err := q.Counts(ctx)
	require.NoError(t, err)
	total := 0
	for _, n := range c {
		total += n
	}
	assert.Equal(t, 2, total, "two jobs were accepted; Counts %v account for %d", c, total)
}
