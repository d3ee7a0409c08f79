package connector

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"
)

// Scheduler runs named tasks at intervals: the import search of each model,
// the export poll. A task never runs twice at once: a run that lasts longer
// than the interval delays the next one instead of overlapping it. It starts
// and stops like a Queue.
//
// A single process uses it as is; several processes sharing one database
// schedule with River's periodic jobs instead, so that only the leader runs
// them.
type Scheduler struct {
	logger *slog.Logger

	mu      sync.Mutex
	tasks   map[string]*task
	started bool
	stopped bool
	cancel  context.CancelFunc
	loops   sync.WaitGroup
}

type task struct {
	name     string
	interval time.Duration
	fn       func(context.Context) error
	trigger  chan struct{}

	mu     sync.Mutex
	status TaskStatus
}

// TaskStatus is what a host shows about a task.
type TaskStatus struct {
	Name     string
	Interval time.Duration
	Running  bool
	Runs     int
	// Triggered is true when a run was asked for (Trigger) and has not
	// started yet.
	Triggered bool
	// LastStart, LastEnd and LastErr describe the last run that started.
	LastStart time.Time
	LastEnd   time.Time
	LastErr   error
}

// ErrTaskExists and ErrTaskNotFound are returned by Add and Trigger.
var (
	ErrTaskExists   = errors.New("task already scheduled")
	ErrTaskNotFound = errors.New("task not scheduled")
)

// TaskScheduler is what a backend needs to run its periodic tasks (the
// import searches, the export polls): the in-process Scheduler, or a
// database queue's periodic jobs, which run each task on one process only
// when several share the work.
type TaskScheduler interface {
	// Add runs fn under name every interval.
	Add(name string, interval time.Duration, fn func(context.Context) error) error
}

var _ TaskScheduler = (*Scheduler)(nil)

// NewScheduler returns an empty scheduler; logger nil means slog.Default().
func NewScheduler(logger *slog.Logger) *Scheduler {
	if logger == nil {
		logger = slog.Default()
	}
	return &Scheduler{logger: logger, tasks: map[string]*task{}}
}

// Add schedules fn under name, every interval, the first run as soon as the
// scheduler starts. Tasks must be added before Start.
func (s *Scheduler) Add(name string, interval time.Duration, fn func(context.Context) error) error {
	if interval <= 0 {
		return fmt.Errorf("connector: task %q: interval must be positive, got %s", name, interval)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return fmt.Errorf("connector: task %q: add before Start", name)
	}
	if _, ok := s.tasks[name]; ok {
		return fmt.Errorf("connector: task %q: %w", name, ErrTaskExists)
	}
	s.tasks[name] = &task{name: name, interval: interval, fn: fn, trigger: make(chan struct{}, 1),
		status: TaskStatus{Name: name, Interval: interval}}
	return nil
}

// Trigger asks for a run of the task now. A trigger that comes while the task
// runs gives one more run after it, never a second run at once; one that
// comes before Start is the first run, not a second one.
func (s *Scheduler) Trigger(name string) error {
	s.mu.Lock()
	t, ok := s.tasks[name]
	s.mu.Unlock()
	if !ok {
		return fmt.Errorf("connector: trigger %q: %w", name, ErrTaskNotFound)
	}
	select {
	case t.trigger <- struct{}{}:
	default: // a run is already asked for
	}
	return nil
}

// Status returns each task's status, by name.
func (s *Scheduler) Status() []TaskStatus {
	s.mu.Lock()
	out := make([]TaskStatus, 0, len(s.tasks))
	for _, t := range s.tasks {
		t.mu.Lock()
		st := t.status
		t.mu.Unlock()
		st.Triggered = len(t.trigger) > 0
		out = append(out, st)
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b TaskStatus) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// ErrSchedulerStarted is returned by a second Start, ErrSchedulerStopped by
// a Start after Stop: like a Queue, a scheduler runs once.
var (
	ErrSchedulerStarted = errors.New("scheduler already started")
	ErrSchedulerStopped = errors.New("scheduler is stopped")
)

// Start runs every task, each at its interval, in goroutines of its own,
// until Stop or until ctx ends. It returns at once.
func (s *Scheduler) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return fmt.Errorf("connector: %w", ErrSchedulerStopped)
	}
	if s.started {
		return fmt.Errorf("connector: %w", ErrSchedulerStarted)
	}
	s.started = true
	ctx, s.cancel = context.WithCancel(ctx)
	for _, t := range s.tasks {
		s.loops.Go(func() { s.loop(ctx, t) })
	}
	return nil
}

// Stop ends the schedule: the runs under way see their context cancelled,
// and Stop waits for them until ctx ends, then returns ctx's error.
func (s *Scheduler) Stop(ctx context.Context) error {
	s.mu.Lock()
	cancel := s.cancel
	s.stopped = true
	s.mu.Unlock()
	if cancel == nil {
		return nil
	}
	cancel()
	done := make(chan struct{})
	go func() { s.loops.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("connector: stop scheduler: %w", ctx.Err())
	}
}

// loop is one task's goroutine: one goroutine per task is what keeps its
// runs from overlapping.
func (s *Scheduler) loop(ctx context.Context, t *task) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-t.trigger:
		}
		// This run does what a trigger asked for until now.
		select {
		case <-t.trigger:
		default:
		}
		start := time.Now()
		s.runOnce(ctx, t, start)
		timer.Reset(max(time.Until(start.Add(t.interval)), 0))
	}
}

func (s *Scheduler) runOnce(ctx context.Context, t *task, start time.Time) {
	t.mu.Lock()
	t.status.Running, t.status.LastStart = true, start
	t.mu.Unlock()
	err := safeRun(ctx, t.fn)
	t.mu.Lock()
	t.status.Running, t.status.LastEnd, t.status.LastErr = false, time.Now(), err
	t.status.Runs++
	t.mu.Unlock()
	if err != nil && ctx.Err() == nil {
		s.logger.Error("scheduled task failed", "task", t.name, "error", err)
	}
}

func safeRun(ctx context.Context, fn func(context.Context) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("connector: task panicked: %v", r)
		}
	}()
	return fn(ctx)
}
