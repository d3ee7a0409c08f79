package connector

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// Enqueuer is the one thing the flows need of a queue: a change search or a
// poller queues jobs and knows nothing else of the queue that runs them.
type Enqueuer interface {
	// Enqueue adds a job, or drops it as a duplicate of the pending job
	// with the same identity key.
	Enqueue(ctx context.Context, job Job) (EnqueueResult, error)
}

// Queue holds jobs and runs them through a Handler. The in-process
// LocalQueue serves one process; a database-backed implementation (River)
// serves many with the same contract, checked by the suite in
// connector/queuetest. The contract is what a database queue can keep:
//
//   - due jobs run by priority (smaller first), then by RunAt, then in the
//     order they were enqueued;
//   - a job enqueued while a pending job (waiting, or waiting for a retry)
//     has the same identity key is dropped as a duplicate and reported as
//     such (EnqueueResult.Duplicate, EventDuplicate). The pending job is
//     left as it is: the drop never moves it earlier than its retry time
//     nor raises its priority. Nothing is lost, since a job reads the
//     current state of its record when it runs and its key holds its
//     arguments;
//   - a job enqueued while the job with its key runs is kept: it runs after
//     the running one ends, or (a database queue) at once, where the
//     flows' Locker keeps the two from overlapping on the same record. The
//     queue does not promise that two jobs with one key never run at once;
//     the Locker does;
//   - an attempt that fails is retried by the RetryPolicy, as Classify reads
//     its error; after the last attempt the job is failed and kept with its
//     error, so that it can be listed, re-run or cancelled;
//   - the events of one job arrive in the order of its life; the events of
//     different jobs may interleave;
//   - Stop takes no new job and lets the running ones finish within its
//     context's deadline; the jobs it cuts short go back to pending.
type Queue interface {
	Enqueuer
	// Start runs the workers until Stop. Jobs may be enqueued before.
	Start(ctx context.Context) error
	// Stop takes no new job, waits for the running ones until ctx ends, then
	// cancels them and returns; the jobs it cut short go back to pending
	// without counting the attempt, even when their handler ignores the
	// cancellation. It returns ctx's error when the wait was cut short.
	Stop(ctx context.Context) error
	// Job returns one job; ErrJobNotFound when the queue does not keep it
	// (a done job may be forgotten).
	Job(ctx context.Context, id int64) (Job, error)
	// List returns the jobs that match the filter, oldest first.
	List(ctx context.Context, f ListFilter) ([]Job, error)
	// Retry puts a failed or cancelled job back to pending, with its
	// attempts reset, to run as soon as possible.
	Retry(ctx context.Context, id int64) (Job, error)
	// Cancel ends a pending or failed job as cancelled; a running job is
	// not interrupted, and ErrJobRunning is returned.
	Cancel(ctx context.Context, id int64) (Job, error)
	// Counts returns the number of jobs in each state. Done jobs are
	// counted even when the queue no longer keeps them.
	Counts(ctx context.Context) (map[State]int, error)
	// Subscribe calls fn for every event until the returned function is
	// called. fn runs on the queue's goroutines: it must be quick and must
	// not call back into the queue synchronously.
	Subscribe(fn func(Event)) (unsubscribe func())
}

// EnqueueResult is the job as the queue stored it.
type EnqueueResult struct {
	Job Job
	// Duplicate is true when the job was dropped as a duplicate of a
	// pending one with the same identity key, which Job then is.
	Duplicate bool
}

// ListFilter selects jobs; a zero field matches every job.
type ListFilter struct {
	State State
	Kind  Kind
	Model string
	// Limit caps the number of jobs returned; zero means no cap.
	Limit int
}

// Match reports whether j passes the filter.
func (f ListFilter) Match(j Job) bool {
	return (f.State == "" || j.State == f.State) &&
		(f.Kind == "" || j.Kind == f.Kind) &&
		(f.Model == "" || j.Model == f.Model)
}

// QueueConfig is what every Queue implementation is built from.
type QueueConfig struct {
	// Handler runs the jobs; required. A Mux routes them by kind and model.
	Handler Handler
	// Concurrency is the number of jobs run at once; zero means 4.
	Concurrency int
	// Retry is the retry policy; the zero value is DefaultRetryPolicy.
	Retry RetryPolicy
	// Logger receives one line per failed attempt; nil means slog.Default().
	Logger *slog.Logger
}

// WithDefaults returns the config with its zero values resolved (Concurrency,
// Retry, Logger), so that every Queue implementation reads the same
// defaults.
func (c QueueConfig) WithDefaults() QueueConfig {
	c.Concurrency, c.Retry, c.Logger = c.concurrency(), c.retry(), c.logger()
	return c
}

func (c QueueConfig) concurrency() int {
	if c.Concurrency > 0 {
		return c.Concurrency
	}
	return 4
}

func (c QueueConfig) logger() *slog.Logger {
	if c.Logger != nil {
		return c.Logger
	}
	return slog.Default()
}

func (c QueueConfig) retry() RetryPolicy {
	if c.Retry.MaxAttempts == 0 && len(c.Retry.Backoff) == 0 && c.Retry.Jitter == 0 {
		p := DefaultRetryPolicy
		p.MaxUncounted = c.Retry.MaxUncounted
		return p
	}
	return c.Retry
}

// Errors a Queue returns, to be checked with errors.Is.
var (
	ErrJobNotFound  = errors.New("job not found")
	ErrJobRunning   = errors.New("job is running")
	ErrJobState     = errors.New("job is not in a state that allows this")
	ErrQueueStopped = errors.New("queue is stopped")
	ErrQueueStarted = errors.New("queue is already started")
	ErrNoHandler    = errors.New("queue has no handler")
	// ErrStopInHandler is returned by Stop called from inside one of the
	// queue's own handlers (with the job's context), which would wait for
	// itself forever.
	ErrStopInHandler = errors.New("queue stopped from inside its own handler")
)

// EventType says what happened to a job.
type EventType string

// The events a queue reports.
const (
	EventEnqueued  EventType = "enqueued"
	EventDuplicate EventType = "duplicate"
	EventStarted   EventType = "started"
	EventDone      EventType = "done"
	EventRetry     EventType = "retry"
	EventFailed    EventType = "failed"
	EventCancelled EventType = "cancelled"
)

// Event is one step in a job's life, for hosts that show progress.
type Event struct {
	Type EventType
	// Job is the job as it stands after the step.
	Job Job
	// Err is the attempt's error for EventRetry and EventFailed.
	Err error
	// Reason is NothingToDo's reason on an EventDone, if any.
	Reason string
	// At is when the step happened.
	At time.Time
}
