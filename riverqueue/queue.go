package riverqueue

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivertype"

	"github.com/qoqasync/qoqasync/connector"
)

// Queue is a connector.Queue on River: its jobs live in the driver's database
// and survive the process; with PostgreSQL, several processes share them.
// TTx is the driver's transaction type; the package links no driver itself.
//
// Beside the contract, two things are River's own:
//
//   - River's unique jobs count a running job as a holder of its key, where
//     the contract wants a job enqueued while its key runs kept. Enqueue then
//     inserts a follow-up whose unique key names the running job, so the
//     change is kept and the follow-up's own duplicates are dropped. Once the
//     running job has ended, an enqueue of the plain key is not seen as a
//     duplicate of that follow-up: two jobs of one key may then wait side by
//     side, and both run (the flows skip a record whose content did not move).
//   - Done jobs are kept by River for a day, then cleaned: Counts counts the
//     done jobs still kept, and counts every River job of the database.
type Queue[TTx any] struct {
	cfg    Config
	qc     connector.QueueConfig // cfg.QueueConfig with its defaults resolved
	driver riverdriver.Driver[TTx]
	client *river.Client[TTx]

	mu       sync.Mutex
	started  bool
	stopping bool
	stopped  bool
	gaveUp   atomic.Bool // Stop's deadline passed: running jobs are cut short
	attempts map[int64]*attempt
	tasks    map[string]func(context.Context) error
	events   <-chan *river.Event
	unsub    func()
	drained  chan struct{}

	subs connector.Subscribers
}

// attempt is the outcome of a job's attempt in this process, until River's
// event for it is reported: the error itself (River keeps only its text), the
// reason of a NothingToDo, the time of a counted retry.
type attempt struct {
	err       error
	reason    string
	nextRun   time.Time
	delivered chan struct{}
}

var _ connector.Queue = (*Queue[any])(nil)

// New builds a stopped queue on driver, whose database River's migrations
// (Migrate) must have brought up to date. Jobs may be enqueued before Start.
func New[TTx any](driver riverdriver.Driver[TTx], cfg Config) (*Queue[TTx], error) {
	if cfg.Handler == nil {
		return nil, connector.ErrNoHandler
	}
	q := &Queue[TTx]{cfg: cfg, qc: cfg.QueueConfig.WithDefaults(), driver: driver,
		attempts: map[int64]*attempt{}, tasks: map[string]func(context.Context) error{}}
	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, &worker[TTx]{q: q}); err != nil {
		return nil, fmt.Errorf("riverqueue: %w", err)
	}
	if err := river.AddWorkerSafely(workers, &taskWorker[TTx]{q: q}); err != nil {
		return nil, fmt.Errorf("riverqueue: %w", err)
	}
	client, err := river.NewClient(driver, &river.Config{
		FetchCooldown:     min(cfg.FetchCooldown, cfg.fetchPollInterval()),
		FetchPollInterval: cfg.fetchPollInterval(),
		Hooks:             []rivertype.Hook{&dueSoonHook{}},
		ID:                cfg.ID,
		// A job's time is bounded by RescueAfter, the time after which the
		// leader takes it for the job of a dead process: River rescues only
		// jobs whose timeout has passed, none at all with no timeout (-1),
		// and a job cut short at its timeout is not run twice at once.
		JobTimeout:           cfg.rescueAfter(),
		Logger:               slog.New(warnAndAbove{q.qc.Logger.Handler()}), // the queue logs each failed attempt itself
		RescueStuckJobsAfter: cfg.rescueAfter(),
		MaxAttempts:          q.qc.Retry.Attempts(connector.Job{}),
		Queues:               map[string]river.QueueConfig{cfg.queueName(): {MaxWorkers: q.qc.Concurrency}},
		RetryPolicy:          retryPolicy{q.qc.Retry},
		Schema:               cfg.Schema,
		Workers:              workers,
	})
	if err != nil {
		return nil, fmt.Errorf("riverqueue: %w", err)
	}
	q.client = client
	return q, nil
}

// Client is River's client under the queue, for what the engine's contract
// does not cover: River's web UI (package queueui), River's own tooling.
func (q *Queue[TTx]) Client() *river.Client[TTx] { return q.client }

// Enqueue implements connector.Queue.
func (q *Queue[TTx]) Enqueue(ctx context.Context, job connector.Job) (connector.EnqueueResult, error) {
	if err := ctx.Err(); err != nil {
		return connector.EnqueueResult{}, err
	}
	if err := job.Validate(); err != nil {
		return connector.EnqueueResult{}, err
	}
	q.mu.Lock()
	stopping := q.stopping
	q.mu.Unlock()
	if stopping {
		return connector.EnqueueResult{}, fmt.Errorf("riverqueue: enqueue %s: %w", job, connector.ErrQueueStopped)
	}
	key := job.IdentityKey()
	args := jobArgs{JobKind: job.Kind, Model: job.Model, RecordID: job.RecordID, Args: job.Args, Key: key, MaxAttempts: job.MaxAttempts, UniqueKey: key}
	opts := &river.InsertOpts{
		MaxAttempts: q.qc.Retry.Attempts(job),
		Priority:    cmp.Or(job.Priority, connector.PriorityNormal), // River's zero is its highest
		Queue:       q.cfg.queueName(),
		ScheduledAt: job.RunAt,
		UniqueOpts:  river.UniqueOpts{ByArgs: true, ByQueue: true, ByState: uniqueStates}, // by queue: each backend has its own
	}
	// A running job holds its key in River: follow it with a job keyed to
	// it, and past that one, if it runs too, the next.
	for range 16 {
		var res *rivertype.JobInsertResult
		err := q.inTx(ctx, func(tx TTx) error {
			var err error
			res, err = q.client.InsertTx(ctx, tx, args, opts)
			if err == nil && !res.UniqueSkippedAsDuplicate {
				// Before the commit, so that no worker can start the job
				// before its enqueued event.
				q.emitRow(connector.EventEnqueued, res.Job)
			}
			return err
		})
		if err != nil {
			return connector.EnqueueResult{}, fmt.Errorf("riverqueue: enqueue %s: %w", job, err)
		}
		got, err := toJob(res.Job)
		if err != nil {
			return connector.EnqueueResult{}, fmt.Errorf("riverqueue: enqueue %s: %w", job, err)
		}
		if !res.UniqueSkippedAsDuplicate {
			return connector.EnqueueResult{Job: got}, nil
		}
		if res.Job.State != rivertype.JobStateRunning {
			q.emit(connector.Event{Type: connector.EventDuplicate, Job: got, At: time.Now()})
			return connector.EnqueueResult{Job: got, Duplicate: true}, nil
		}
		args.UniqueKey = key + " → after job " + strconv.FormatInt(res.Job.ID, 10)
	}
	return connector.EnqueueResult{}, fmt.Errorf("riverqueue: enqueue %s: too many jobs of its key running", job)
}

// inTx runs fn in a transaction of the driver, committed when fn succeeds.
func (q *Queue[TTx]) inTx(ctx context.Context, fn func(tx TTx) error) error {
	execTx, err := q.driver.GetExecutor().Begin(ctx)
	if err != nil {
		return err
	}
	if err := fn(q.driver.UnwrapTx(execTx)); err != nil {
		_ = execTx.Rollback(ctx) // fn's error says what went wrong
		return err
	}
	return execTx.Commit(ctx)
}

// Start implements connector.Queue. Cancelling ctx stops the queue as a Stop
// whose deadline has passed would (as connector.LocalQueue does): no job
// starts, and running jobs are cut short and go back to pending without
// counting their attempt. River itself, given a cancelled start context,
// would count the cut attempts as failed.
func (q *Queue[TTx]) Start(ctx context.Context) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.stopping {
		return connector.ErrQueueStopped
	}
	if q.started {
		return connector.ErrQueueStarted
	}
	q.events, q.unsub = q.client.SubscribeConfig(&river.SubscribeConfig{
		ChanSize: 1 << 16,
		Kinds: []river.EventKind{
			river.EventKindJobCompleted, river.EventKindJobFailed, river.EventKindJobSnoozed,
			river.EventKindJobCancelled, river.EventKindJobInterrupted,
		},
	})
	q.drained = make(chan struct{})
	go q.dispatch(q.events, q.drained)
	if err := q.client.Start(context.WithoutCancel(ctx)); err != nil {
		q.unsub()
		return fmt.Errorf("riverqueue: start: %w", err)
	}
	q.started = true
	context.AfterFunc(ctx, func() {
		q.mu.Lock()
		q.stopping = true
		q.mu.Unlock()
		q.gaveUp.Store(true)
		// River's hard stop cancels the jobs with its stop cause, which
		// puts them back to pending without counting the attempt.
		_ = q.client.StopAndCancel(context.Background())
	})
	return nil
}

// handlerOf marks the context the queue gives its handlers, so that Stop
// called from one of them can refuse instead of waiting for itself.
type handlerOf struct{}

// Stop implements connector.Queue: River's soft stop, then past ctx's
// deadline its hard stop, where a handler deaf to its context is left behind
// and its job returned to pending.
func (q *Queue[TTx]) Stop(ctx context.Context) error {
	if own, _ := ctx.Value(handlerOf{}).(*Queue[TTx]); own == q {
		return fmt.Errorf("riverqueue: stop: %w", connector.ErrStopInHandler)
	}
	q.mu.Lock()
	q.stopping = true
	started, stopped := q.started, q.stopped
	q.stopped = true
	q.mu.Unlock()
	if !started || stopped {
		return nil
	}
	err := q.client.Stop(ctx)
	if err != nil {
		q.gaveUp.Store(true)
		hard, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if herr := q.client.StopAndCancel(hard); herr != nil {
			return fmt.Errorf("riverqueue: stop: %w", errors.Join(err, herr))
		}
	}
	<-q.drained // every event River reported has reached the subscribers
	if err != nil {
		return fmt.Errorf("riverqueue: stop: running jobs were cancelled: %w", err)
	}
	return nil
}

// Job implements connector.Queue.
func (q *Queue[TTx]) Job(ctx context.Context, id int64) (connector.Job, error) {
	row, err := q.client.JobGet(ctx, id)
	if err != nil {
		return connector.Job{}, notFound("job", id, err)
	}
	j, err := toJob(row)
	if err != nil {
		return connector.Job{}, notFound("job", id, err)
	}
	return j, nil
}

// notFound wraps err, and says connector.ErrJobNotFound for a job River does
// not have or that is not the engine's.
func notFound(op string, id int64, err error) error {
	if errors.Is(err, river.ErrNotFound) || errors.Is(err, errNotOurs) {
		return fmt.Errorf("riverqueue: %s %d: %w", op, id, connector.ErrJobNotFound)
	}
	return fmt.Errorf("riverqueue: %s %d: %w", op, id, err)
}

// listPage is the most River lists at once.
const listPage = 10_000

// List implements connector.Queue.
func (q *Queue[TTx]) List(ctx context.Context, f connector.ListFilter) ([]connector.Job, error) {
	p := river.NewJobListParams().Kinds(riverKind).Queues(q.cfg.queueName()).OrderBy(river.JobListOrderByID, river.SortOrderAsc)
	if f.State != "" {
		p = p.States(riverStates(f.State)...)
	}
	if f.Kind != "" {
		p = p.Where("args ->> 'kind' = @qoqasync_kind", river.NamedArgs{"qoqasync_kind": string(f.Kind)})
	}
	if f.Model != "" {
		p = p.Where("args ->> 'model' = @qoqasync_model", river.NamedArgs{"qoqasync_model": f.Model})
	}
	var out []connector.Job
	for {
		page := listPage
		if f.Limit > 0 {
			page = min(page, f.Limit-len(out))
		}
		res, err := q.client.JobList(ctx, p.First(page))
		if err != nil {
			return nil, fmt.Errorf("riverqueue: list: %w", err)
		}
		for _, row := range res.Jobs {
			j, err := toJob(row)
			if err != nil {
				return nil, fmt.Errorf("riverqueue: list: job %d: %w", row.ID, err)
			}
			out = append(out, j)
		}
		if len(res.Jobs) < page || (f.Limit > 0 && len(out) >= f.Limit) {
			return out, nil
		}
		p = p.After(res.LastCursor)
	}
}

// Retry implements connector.Queue. When the same work is already pending,
// the failed job is removed, its work left to the pending job, which is
// returned; when a job of its key is running, the same is done with a
// follow-up of the running job (River would refuse the failed job's return).
func (q *Queue[TTx]) Retry(ctx context.Context, id int64) (connector.Job, error) {
	row, err := q.client.JobGet(ctx, id)
	if err != nil {
		return connector.Job{}, notFound("retry job", id, err)
	}
	j, err := toJob(row)
	if err != nil {
		return connector.Job{}, notFound("retry job", id, err)
	}
	if j.State != connector.StateFailed && j.State != connector.StateCancelled {
		return connector.Job{}, fmt.Errorf("riverqueue: retry %s (%s): %w", j, j.State, connector.ErrJobState)
	}
	p, ok, err := q.ofKey(ctx, j.Key, pendingStates)
	if err == nil && !ok {
		// River's unique index counts a running job of the key as its
		// holder and refuses the failed job's return: the work goes to
		// the running job's follow-up, as Enqueue makes it.
		if _, running, rerr := q.ofKey(ctx, j.Key, []rivertype.JobState{rivertype.JobStateRunning}); rerr != nil {
			err = rerr
		} else if running {
			var res connector.EnqueueResult
			if res, err = q.Enqueue(ctx, connector.Job{Kind: j.Kind, Model: j.Model, RecordID: j.RecordID, Args: j.Args,
				Priority: j.Priority, Key: j.Key, MaxAttempts: j.MaxAttempts}); err == nil {
				p, ok = res.Job, true
			}
		}
	}
	if err != nil {
		return connector.Job{}, fmt.Errorf("riverqueue: retry %s: %w", j, err)
	} else if ok {
		if _, err := q.client.JobDelete(ctx, id); err != nil {
			return connector.Job{}, fmt.Errorf("riverqueue: retry %s: %w", j, err)
		}
		j.State, j.FinishedAt = connector.StateDone, time.Now()
		j.LastError = fmt.Sprintf("job %d, queued since, does its work", p.ID)
		q.emit(connector.Event{Type: connector.EventDone, Job: j, Reason: j.LastError, At: j.FinishedAt})
		return p, nil
	}
	var again *rivertype.JobRow
	err = q.inTx(ctx, func(tx TTx) error {
		if err := q.rebase(ctx, tx, row); err != nil {
			return err
		}
		var err error
		if again, err = q.client.JobRetryTx(ctx, tx, id); err != nil {
			return err
		}
		q.emitRow(connector.EventEnqueued, again)
		return nil
	})
	if err != nil {
		return connector.Job{}, fmt.Errorf("riverqueue: retry %s: %w", j, err)
	}
	return toJob(again)
}

// rebase makes a re-run job count its attempts from zero: River counts them
// since the insert, the engine since the last re-run.
func (q *Queue[TTx]) rebase(ctx context.Context, tx TTx, row *rivertype.JobRow) error {
	b := readBookkeeping(row)
	b.AttemptBase, b.SnoozeBase = row.Attempt, snoozes(row)
	_, err := q.client.JobUpdateTx(ctx, tx, row.ID, &river.JobUpdateParams{Output: b})
	return err
}

// ofKey returns a job of the key in one of states, if any.
func (q *Queue[TTx]) ofKey(ctx context.Context, key string, states []rivertype.JobState) (connector.Job, bool, error) {
	p := river.NewJobListParams().Kinds(riverKind).Queues(q.cfg.queueName()).States(states...).
		Where("args ->> 'key' = @qoqasync_key", river.NamedArgs{"qoqasync_key": key}).First(1)
	res, err := q.client.JobList(ctx, p)
	if err != nil || len(res.Jobs) == 0 {
		return connector.Job{}, false, err
	}
	j, err := toJob(res.Jobs[0])
	return j, err == nil, err
}

// Cancel implements connector.Queue.
func (q *Queue[TTx]) Cancel(ctx context.Context, id int64) (connector.Job, error) {
	row, err := q.client.JobGet(ctx, id)
	if err != nil {
		return connector.Job{}, notFound("cancel job", id, err)
	}
	j, err := toJob(row)
	if err != nil {
		return connector.Job{}, notFound("cancel job", id, err)
	}
	switch j.State {
	case connector.StateRunning:
		return connector.Job{}, fmt.Errorf("riverqueue: cancel %s: %w", j, connector.ErrJobRunning)
	case connector.StatePending, connector.StateFailed:
	default:
		return connector.Job{}, fmt.Errorf("riverqueue: cancel %s (%s): %w", j, j.State, connector.ErrJobState)
	}
	var cancelled *rivertype.JobRow
	err = q.inTx(ctx, func(tx TTx) error {
		if j.State == connector.StateFailed {
			// River cancels no finished job, and a failed one made
			// pending to be cancelled would clash, in River's unique
			// index, with a job of its key pending or running: it is
			// marked cancelled here, if it is still failed. The first
			// update, which changes nothing, takes the row's lock
			// (SQLite's transaction holds the file's).
			exec := q.driver.UnwrapExecutor(tx)
			if _, err := exec.JobUpdateFull(ctx, &riverdriver.JobUpdateFullParams{ID: id, Schema: q.cfg.Schema}); err != nil {
				return err
			}
			cur, err := exec.JobGetByID(ctx, &riverdriver.JobGetByIDParams{ID: id, Schema: q.cfg.Schema})
			if err != nil {
				return err
			}
			if cur.State != rivertype.JobStateDiscarded {
				return fmt.Errorf("%w: it is %s since", connector.ErrJobState, stateOf(cur.State))
			}
			now := time.Now()
			cancelled, err = exec.JobUpdateFull(ctx, &riverdriver.JobUpdateFullParams{ID: id, Schema: q.cfg.Schema,
				StateDoUpdate: true, State: rivertype.JobStateCancelled, FinalizedAtDoUpdate: true, FinalizedAt: &now})
			return err
		}
		var err error
		if cancelled, err = q.client.JobCancelTx(ctx, tx, id); err != nil {
			return err
		}
		if cancelled.State == rivertype.JobStateRunning {
			// A worker took it between the read and the cancel: River
			// would mark it to be cancelled (interrupted, on PostgreSQL)
			// and its retry dropped. The contract leaves a running job
			// alone, so the cancellation is rolled back.
			return connector.ErrJobRunning
		}
		return nil
	})
	if err != nil {
		return connector.Job{}, fmt.Errorf("riverqueue: cancel %s: %w", j, err)
	}
	out, err := toJob(cancelled)
	if err != nil {
		return connector.Job{}, err
	}
	q.emit(connector.Event{Type: connector.EventCancelled, Job: out, At: time.Now()})
	return out, nil
}

// Counts implements connector.Queue. It counts every River job of the
// database by state, done ones as long as River keeps them (a day).
func (q *Queue[TTx]) Counts(ctx context.Context) (map[connector.State]int, error) {
	byState, err := q.driver.GetExecutor().JobCountByAllStates(ctx, &riverdriver.JobCountByAllStatesParams{Schema: q.cfg.Schema})
	if err != nil {
		return nil, fmt.Errorf("riverqueue: counts: %w", err)
	}
	out := make(map[connector.State]int, len(connector.States))
	for _, s := range connector.States {
		out[s] = 0
	}
	for s, n := range byState {
		out[stateOf(s)] += n
	}
	return out, nil
}

// Subscribe implements connector.Queue. Events of the attempts come from this
// process only: another process sharing the database reports its own.
func (q *Queue[TTx]) Subscribe(fn func(connector.Event)) (unsubscribe func()) {
	return q.subs.Subscribe(fn)
}

func (q *Queue[TTx]) emit(ev connector.Event) { q.subs.Emit(ev) }

func (q *Queue[TTx]) emitRow(typ connector.EventType, row *rivertype.JobRow) {
	if j, err := toJob(row); err == nil {
		q.emit(connector.Event{Type: typ, Job: j, At: time.Now()})
	}
}

// dispatch turns River's events of this process's attempts into the
// engine's, until River closes the subscription at stop.
func (q *Queue[TTx]) dispatch(events <-chan *river.Event, drained chan<- struct{}) {
	defer close(drained)
	for ev := range events {
		if ev.Job == nil || ev.Job.Kind != riverKind {
			continue
		}
		j, err := toJob(ev.Job)
		if err != nil {
			continue
		}
		q.mu.Lock()
		a := q.attempts[j.ID]
		delete(q.attempts, j.ID)
		q.mu.Unlock()
		if a == nil {
			a = &attempt{}
		}
		out := connector.Event{Job: j, Err: a.err, At: time.Now()}
		switch ev.Kind {
		case river.EventKindJobCompleted:
			out.Type, out.Err, out.Reason = connector.EventDone, nil, a.reason
		case river.EventKindJobCancelled:
			out.Type = connector.EventCancelled
		case river.EventKindJobInterrupted:
			out.Type, out.Err = connector.EventRetry, context.Canceled
		case river.EventKindJobFailed:
			out.Type = connector.EventRetry
			if ev.Job.State == rivertype.JobStateDiscarded {
				out.Type = connector.EventFailed
			}
		default: // snoozed
			out.Type = connector.EventRetry
		}
		if out.Err == nil && out.Type != connector.EventDone && out.Type != connector.EventCancelled {
			out.Err = errors.New(j.LastError)
		}
		q.emit(out)
		if a.delivered != nil {
			close(a.delivered)
		}
		switch out.Type {
		case connector.EventRetry:
			q.qc.Logger.Warn("job attempt failed", "job_id", j.ID, "kind", j.Kind, "model", j.Model, "record", j.RecordID, "attempt", j.Attempt, "error", out.Err)
		case connector.EventFailed:
			q.qc.Logger.Error("job failed", "job_id", j.ID, "kind", j.Kind, "model", j.Model, "record", j.RecordID, "attempt", j.Attempt, "error", out.Err)
		}
	}
}

// worker runs the engine's jobs for River.
type worker[TTx any] struct {
	river.WorkerDefaults[jobArgs]
	q *Queue[TTx]
}

// outcomeWait bounds how long an attempt waits for the event of the one
// before it, should River have dropped that event.
const outcomeWait = 5 * time.Second

// Work runs one attempt and tells River what to do next as Classify reads
// its error: done, a retry River counts (an error, at the policy's or the
// error's time), a retry it does not (a snooze), or failed (the error, with
// the attempts made the last).
func (w *worker[TTx]) Work(ctx context.Context, rj *river.Job[jobArgs]) error {
	q := w.q
	row := rj.JobRow
	job, err := toJob(row)
	if err != nil {
		return river.JobCancel(err)
	}
	// The events of one job come in the order of its life: the outcome of
	// its last attempt, reported by River after its commit, first.
	q.mu.Lock()
	prev := q.attempts[job.ID]
	q.mu.Unlock()
	if prev != nil {
		select {
		case <-prev.delivered:
		case <-ctx.Done():
		case <-time.After(outcomeWait):
		}
	}
	q.emit(connector.Event{Type: connector.EventStarted, Job: job, At: time.Now()})

	done := make(chan error, 1)
	go func() { done <- q.run(context.WithValue(ctx, handlerOf{}, q), job) }()
	select {
	case err = <-done:
	case <-ctx.Done():
		// Stop gave up waiting: the handler is left behind, whatever it
		// returns is ignored, and River puts the job back to pending.
		return ctx.Err()
	}
	if err != nil && ctx.Err() != nil && q.gaveUp.Load() {
		return fmt.Errorf("%w: %w", ctx.Err(), err)
	}

	o := connector.Classify(err, job, q.qc.Retry)
	b := readBookkeeping(row)
	if err != nil && o.Reason == "" {
		b.LastError = err.Error()
	}
	if rerr := river.RecordOutput(ctx, b); rerr != nil {
		return fmt.Errorf("riverqueue: record attempt of %s: %w", job, rerr)
	}
	a := &attempt{err: err, reason: o.Reason, delivered: make(chan struct{})}
	now := time.Now()
	switch {
	case o.State == connector.StateDone:
		err = nil
	case o.State == connector.StateFailed:
		// River's executor decides on the row it gave the worker: a row
		// whose attempts are spent is discarded (queuetest's
		// PermanentErrorFailsAtOnce holds River to it).
		row.MaxAttempts = row.Attempt
	case o.Attempt == job.Attempt:
		err = river.JobSnooze(max(q.qc.Retry.NextRun(now, o).Sub(now), 0))
	default:
		a.nextRun = q.qc.Retry.NextRun(now, o)
		row.MaxAttempts = max(row.MaxAttempts, row.Attempt+1) // River must not discard it
	}
	q.mu.Lock()
	q.attempts[job.ID] = a
	q.mu.Unlock()
	return err
}

// NextRetry implements river.Worker: the time Work chose for a counted retry.
func (w *worker[TTx]) NextRetry(rj *river.Job[jobArgs]) time.Time {
	w.q.mu.Lock()
	defer w.q.mu.Unlock()
	if a := w.q.attempts[rj.ID]; a != nil {
		return a.nextRun
	}
	return time.Time{}
}

// run calls the handler, turning a panic into an error so that one bad
// record cannot take the process down.
func (q *Queue[TTx]) run(ctx context.Context, job connector.Job) (err error) {
	defer func() {
		if r := recover(); r != nil {
			q.qc.Logger.Error("job panicked", "job_id", job.ID, "kind", job.Kind, "model", job.Model, "record", job.RecordID, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = fmt.Errorf("riverqueue: %s panicked: %v", job, r)
		}
	}()
	return q.qc.Handler.Work(ctx, job)
}

// retryPolicy is the engine's retry policy as River's, for the attempts River
// retries by itself (a job rescued from a dead process).
type retryPolicy struct{ p connector.RetryPolicy }

// NextRetry implements river.ClientRetryPolicy.
func (r retryPolicy) NextRetry(row *rivertype.JobRow) time.Time {
	return time.Now().Add(r.p.Delay(max(row.Attempt, 1)))
}

// dueSoonHook inserts a job due within River's scheduler interval as
// available rather than scheduled: River's fetch honours its time, where a
// scheduled job waits for the leader's scheduler, every few seconds.
type dueSoonHook struct{ river.HookDefaults }

// InsertBegin implements rivertype.HookInsertBegin.
func (*dueSoonHook) InsertBegin(_ context.Context, p *rivertype.JobInsertParams) error {
	if p.State == rivertype.JobStateScheduled && p.ScheduledAt != nil && time.Until(*p.ScheduledAt) <= soon {
		p.State = rivertype.JobStateAvailable
	}
	return nil
}

// warnAndAbove passes River's warnings and errors to the queue's logger, and
// not its information lines (a client started, a job errored), which the
// queue reports in its own terms.
type warnAndAbove struct{ slog.Handler }

// Enabled implements slog.Handler.
func (h warnAndAbove) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && h.Handler.Enabled(ctx, l)
}

// WithAttrs implements slog.Handler.
func (h warnAndAbove) WithAttrs(attrs []slog.Attr) slog.Handler {
	return warnAndAbove{h.Handler.WithAttrs(attrs)}
}

// WithGroup implements slog.Handler.
func (h warnAndAbove) WithGroup(name string) slog.Handler {
	return warnAndAbove{h.Handler.WithGroup(name)}
}
