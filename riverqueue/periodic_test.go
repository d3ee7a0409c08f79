package riverqueue_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/internal/pgtest"
	"github.com/qoqasync/qoqasync/riverqueue"
)

// taskRuns records which process ran a task, and when.
type taskRuns struct {
	mu      sync.Mutex
	by      []string
	changed chan struct{}
}

func newTaskRuns() *taskRuns { return &taskRuns{changed: make(chan struct{})} }

func (r *taskRuns) add(who string) {
	r.mu.Lock()
	r.by = append(r.by, who)
	close(r.changed)
	r.changed = make(chan struct{})
	r.mu.Unlock()
}

// wait blocks until pred holds over the runs, or fails the test at deadline.
func (r *taskRuns) wait(t *testing.T, deadline time.Duration, what string, pred func(by []string) bool) {
	t.Helper()
	timer := time.NewTimer(deadline)
	defer timer.Stop()
	for {
		r.mu.Lock()
		ok, changed := pred(r.by), r.changed
		r.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-changed:
		case <-timer.C:
			r.mu.Lock()
			defer r.mu.Unlock()
			t.Fatalf("timed out after %s waiting for %s; runs by %v", deadline, what, r.by)
		}
	}
}

// Two processes on one database: the task is queued by the leader alone, once
// an interval, and when the leader stops the other takes over.
func TestPeriodicTaskRunsOnceAcrossProcessesAndHandsOver(t *testing.T) {
	t.Parallel()
	const interval = 400 * time.Millisecond
	pool, schema := pgtest.SchemaPool(t)
	require.NoError(t, riverqueue.Migrate(context.Background(), riverpgxv5.New(pool), schema))
	runs := newTaskRuns()
	queues := map[string]*riverqueue.Queue[pgxTx]{}
	for _, id := range []string{"a", "b"} {
		cfg := fast(connector.QueueConfig{Handler: connector.HandlerFunc(func(context.Context, connector.Job) error { return nil })})
		cfg.Schema, cfg.ID, cfg.Logger = schema, id, slog.New(slog.DiscardHandler)
		q, err := riverqueue.New(riverpgxv5.New(pgtest.Pool(t, schema)), cfg)
		require.NoError(t, err)
		require.NoError(t, q.Add("import product", interval, func(context.Context) error { runs.add(id); return nil }))
		assert.ErrorIs(t, q.Add("import product", interval, nil), connector.ErrTaskExists)
		require.NoError(t, q.Start(context.Background()))
		queues[id] = q
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			assert.NoError(t, q.Stop(ctx))
		})
	}
	runs.wait(t, 30*time.Second, "4 runs", func(by []string) bool { return len(by) >= 4 })

	ctx := context.Background()
	var leader string
	require.NoError(t, pool.QueryRow(ctx, "SELECT leader_id FROM "+schema+".river_leader").Scan(&leader))
	require.Contains(t, queues, leader)
	jobs, err := queues[leader].Client().JobList(ctx, river.NewJobListParams().Kinds("qoqasync_task").First(1000))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(jobs.Jobs), 4)
	for i := 1; i < len(jobs.Jobs); i++ {
		gap := jobs.Jobs[i].CreatedAt.Sub(jobs.Jobs[i-1].CreatedAt)
		assert.Greater(t, gap, interval/2, "task queued twice in one interval: jobs %d and %d", jobs.Jobs[i-1].ID, jobs.Jobs[i].ID)
	}

	other := "a"
	if leader == "a" {
		other = "b"
	}
	stopCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	require.NoError(t, queues[leader].Stop(stopCtx))
	runs.mu.Lock()
	before := len(runs.by)
	runs.mu.Unlock()
	runs.wait(t, 30*time.Second, "2 runs by "+other+" after the leader stopped", func(by []string) bool {
		n := 0
		for _, who := range by[before:] {
			if who == other {
				n++
			}
		}
		return n >= 2
	})
	require.NoError(t, pool.QueryRow(ctx, "SELECT leader_id FROM "+schema+".river_leader").Scan(&leader))
	assert.Equal(t, other, leader)
}
