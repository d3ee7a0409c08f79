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
	t.Parallel()
	s := connector.NewScheduler(quiet)
	var fast, slow atomic.Int32
	require.NoError(t, s.Add("import product", 10*time.Millisecond, func(context.Context) error { fast.Add(1); return nil }))
	require.NoError(t, s.Add("import order", time.Hour, func(context.Context) error { slow.Add(1); return nil }))
	require.NoError(t, s.Start(context.Background()))
	assert.ErrorIs(t, s.Start(context.Background()), connector.ErrSchedulerStarted)
	require.Eventually(t, func() bool { return fast.Load() >= 3 }, 5*time.Second, time.Millisecond)
	require.NoError(t, s.Stop(context.Background()))
	assert.Equal(t, int32(1), slow.Load(), "an hourly task runs once at start, then waits")
	assert.ErrorIs(t, s.Start(context.Background()), connector.ErrSchedulerStopped)
}

func TestSchedulerNeverOverlapsATask(t *testing.T) {
	t.Parallel()
	s := connector.NewScheduler(quiet)
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
	require.NoError(t, s.Start(context.Background()))
	require.Eventually(t, func() bool { return runs.Load() == 1 }, 5*time.Second, time.Millisecond)
	for range 5 {
		require.NoError(t, s.Trigger("batch"))
	}
	close(release)
	require.Eventually(t, func() bool { return runs.Load() >= 3 }, 5*time.Second, time.Millisecond)
	require.NoError(t, s.Stop(context.Background()))
	assert.Zero(t, overlaps.Load())
}

func TestSchedulerTriggerAndStatus(t *testing.T) {
	t.Parallel()
	s := connector.NewScheduler(quiet)
	var runs atomic.Int32
	boom := errors.New("search failed")
	require.NoError(t, s.Add("import user", time.Hour, func(context.Context) error { runs.Add(1); return boom }))
	require.ErrorIs(t, s.Add("import user", time.Hour, nil), connector.ErrTaskExists)
	require.ErrorIs(t, s.Trigger("nope"), connector.ErrTaskNotFound)
	require.Error(t, s.Add("zero", 0, nil))
	require.NoError(t, s.Start(context.Background()))
	t.Cleanup(func() { _ = s.Stop(context.Background()) })
	require.Eventually(t, func() bool { return runs.Load() == 1 }, 5*time.Second, time.Millisecond)
	require.NoError(t, s.Trigger("import user"))
	require.Eventually(t, func() bool { return runs.Load() == 2 }, 5*time.Second, time.Millisecond)
	require.Eventually(t, func() bool { st := s.Status(); return len(st) == 1 && st[0].Runs == 2 && !st[0].Running }, 5*time.Second, time.Millisecond)
	st := s.Status()[0]
	assert.Equal(t, "import user", st.Name)
	assert.ErrorIs(t, st.LastErr, boom)
}

func TestSchedulerStopCancelsRunsAndWaits(t *testing.T) {
	t.Parallel()
	s := connector.NewScheduler(quiet)
	started := make(chan struct{})
	var ended atomic.Bool
	require.NoError(t, s.Add("long", time.Hour, func(ctx context.Context) error {
		close(started)
		<-ctx.Done()
		ended.Store(true)
		return ctx.Err()
	}))
	require.NoError(t, s.Start(context.Background()))
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, s.Stop(ctx))
	assert.True(t, ended.Load(), "Stop returned before the run under way ended")
}

func TestSchedulerStopDeadline(t *testing.T) {
	t.Parallel()
	s := connector.NewScheduler(quiet)
	started, release := make(chan struct{}), make(chan struct{})
	t.Cleanup(func() { close(release) })
	require.NoError(t, s.Add("deaf", time.Hour, func(ctx context.Context) error {
		close(started)
		<-release // ignores ctx
		return nil
	}))
	require.NoError(t, s.Start(context.Background()))
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	assert.ErrorIs(t, s.Stop(ctx), context.DeadlineExceeded)
}

// A trigger before Start asks for the run that Start makes anyway: once.
func TestSchedulerTriggerBeforeStartRunsOnce(t *testing.T) {
	t.Parallel()
	s := connector.NewScheduler(quiet)
	running, release := make(chan struct{}), make(chan struct{})
	require.NoError(t, s.Add("import user", time.Hour, func(context.Context) error {
		running <- struct{}{}
		<-release
		return nil
	}))
	require.NoError(t, s.Trigger("import user"))
	require.True(t, s.Status()[0].Triggered)
	require.NoError(t, s.Start(context.Background()))
	<-running
	assert.False(t, s.Status()[0].Triggered, "the first run left the trigger before Start standing: it would run twice")
	require.NoError(t, s.Trigger("import user"))
	assert.True(t, s.Status()[0].Triggered, "a trigger during a run asks for one more")
	close(release)
	<-running // the run the trigger asked for
	require.NoError(t, s.Stop(context.Background()))
}
