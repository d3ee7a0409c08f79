package connector_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/connector"
)

func TestSchedulerRunsTasksAtTheirInterval(t *testing.T) {
	s := connector.NewScheduler(nil)
	var fast, slow atomic.Int32
	require.NoError(t, s.Add("import product", 10*time.Millisecond, func(context.Context) error { fast.Add(1); return nil }))
	require.NoError(t, s.Add("import order", time.Hour, func(context.Context) error { slow.Add(1); return nil }))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	require.Eventually(t, func() bool { return fast.Load() >= 3 }, 5*time.Second, time.Millisecond)
	cancel()
	assert.ErrorIs(t, <-done, context.Canceled)
	assert.Equal(t, int32(1), slow.Load(), "an hourly task runs once at start, then waits")
}

func TestSchedulerNeverOverlapsATask(t *testing.T) {
	s := connector.NewScheduler(nil)
	var inFlight, overlaps, runs atomic.Int32
	release := make(chan struct{})
	require.NoError(t, s.Add("batch", time.Millisecond, func(ctx context.Context) error {
		if inFlight.Add(1) > 1 {
			overlaps.Add(1)
		}
		defer inFlight.Add(-1)
		if runs.Add(1) == 1 {
			<-release // the first run outlasts many intervals
		}
		return nil
	}))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	require.Eventually(t, func() bool { return runs.Load() == 1 }, 5*time.Second, time.Millisecond)
	for range 5 {
		require.NoError(t, s.Trigger("batch"))
	}
	close(release)
	require.Eventually(t, func() bool { return runs.Load() >= 3 }, 5*time.Second, time.Millisecond)
	cancel()
	<-done
	assert.Zero(t, overlaps.Load())
}

func TestSchedulerTriggerAndStatus(t *testing.T) {
	s := connector.NewScheduler(nil)
	var runs atomic.Int32
	boom := errors.New("search failed")
	require.NoError(t, s.Add("import user", time.Hour, func(context.Context) error { runs.Add(1); return boom }))
	require.ErrorIs(t, s.Add("import user", time.Hour, nil), connector.ErrTaskExists)
	require.ErrorIs(t, s.Trigger("nope"), connector.ErrTaskNotFound)
	require.Error(t, s.Add("zero", 0, nil))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.Run(ctx)
	require.Eventually(t, func() bool { return runs.Load() == 1 }, 5*time.Second, time.Millisecond)
	require.NoError(t, s.Trigger("import user"))
	require.Eventually(t, func() bool { return runs.Load() == 2 }, 5*time.Second, time.Millisecond)
	require.Eventually(t, func() bool { st := s.Status(); return len(st) == 1 && st[0].Runs == 2 && !st[0].Running }, 5*time.Second, time.Millisecond)
	st := s.Status()[0]
	assert.Equal(t, "import user", st.Name)
	assert.ErrorIs(t, st.LastErr, boom)
}

func TestSchedulerStopsRunsWithItsContext(t *testing.T) {
	s := connector.NewScheduler(nil)
	started := make(chan struct{})
	require.NoError(t, s.Add("long", time.Hour, func(ctx context.Context) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	}))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	<-started
	cancel()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, context.Canceled)
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
}
