package riverqueue

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/qoqasync/qoqasync/connector"
)

// taskKind is the River job kind of a periodic task's run.
const taskKind = "qoqasync_task"

// taskArgs names the periodic task a River job runs.
type taskArgs struct {
	Name string `json:"name" river:"unique"`
}

// Kind implements river.JobArgs.
func (taskArgs) Kind() string { return taskKind }

var _ connector.TaskScheduler = (*Queue[any])(nil)

// Add implements connector.TaskScheduler with River's periodic jobs: among
// the processes that share the database, only River's elected leader queues
// the task, every interval and once at its start, and any process's worker
// runs it; a leader that stops or dies hands over to another process. Every
// process adds the same tasks, so that whichever leads queues them and
// whichever runs them knows them.
//
// A run that is still queued or running when the next is due is not doubled.
// A run that fails is logged and kept as a failed River job; the task runs
// again at its next interval.
func (q *Queue[TTx]) Add(name string, interval time.Duration, fn func(context.Context) error) error {
	if interval <= 0 {
		return fmt.Errorf("riverqueue: task %q: interval must be positive, got %s", name, interval)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if _, ok := q.tasks[name]; ok {
		return fmt.Errorf("riverqueue: task %q: %w", name, connector.ErrTaskExists)
	}
	opts := &river.InsertOpts{
		MaxAttempts: 1,
		Queue:       q.cfg.queueName(),
		UniqueOpts:  river.UniqueOpts{ByArgs: true, ByQueue: true, ByState: uniqueStates}, // by queue: each backend has its own
	}
	_, err := q.client.PeriodicJobs().AddSafely(river.NewPeriodicJob(
		river.PeriodicInterval(interval),
		func() (river.JobArgs, *river.InsertOpts) { return taskArgs{Name: name}, opts },
		&river.PeriodicJobOpts{RunOnStart: true},
	))
	if err != nil {
		return fmt.Errorf("riverqueue: task %q: %w", name, err)
	}
	q.tasks[name] = fn
	return nil
}

// taskWorker runs the periodic tasks for River.
type taskWorker[TTx any] struct {
	river.WorkerDefaults[taskArgs]
	q *Queue[TTx]
}

// Work runs the task the job names.
func (w *taskWorker[TTx]) Work(ctx context.Context, rj *river.Job[taskArgs]) error {
	w.q.mu.Lock()
	fn := w.q.tasks[rj.Args.Name]
	w.q.mu.Unlock()
	if fn == nil {
		return river.JobCancel(fmt.Errorf("riverqueue: task %q: %w", rj.Args.Name, connector.ErrTaskNotFound))
	}
	start := time.Now()
	if err := fn(ctx); err != nil {
		w.q.qc.Logger.Error("task failed", "task", rj.Args.Name, "duration", time.Since(start), "error", err)
		return fmt.Errorf("riverqueue: task %q: %w", rj.Args.Name, err)
	}
	return nil
}
