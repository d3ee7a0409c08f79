package connector

import (
	"container/heap"
	"context"
	"fmt"
	"runtime/debug"
	"slices"
	"sync"
	"time"
)

// LocalQueue is the in-process Queue: a worker pool over jobs held in
// memory. It is the queue of a single process that syncs one backend, and of
// tests. Its jobs do not survive the process: after a crash or a restart, the
// jobs it held are gone while the watermarks of the searches that queued them
// have moved, so those records wait until they change again. A host that
// must not lose them needs a database-backed Queue (River, which passes the
// same queuetest suite).
//
// Beyond the Queue contract, it never runs two jobs with the same identity
// key at once: a job enqueued while its key runs waits for the running one.
//
// Done jobs are counted but not kept, so that a long-running process does
// not grow; failed and cancelled jobs are kept until re-run or cancelled.
type LocalQueue struct {
	cfg    QueueConfig
	policy RetryPolicy

	mu           sync.Mutex
	wake         *sync.Cond // signalled when a job may have become runnable or the queue stops
	nextID       int64
	jobs         map[int64]*entry  // every job kept: pending, running, failed, cancelled
	pendingByKey map[string]*entry // the pending job of each identity key
	runningKeys  map[string]struct{}
	ready        jobHeap // pending jobs that are due, best first
	later        jobHeap // pending jobs that are not due yet, soonest first
	counts       stateCounts
	timer        *time.Timer // wakes a worker when later's first job is due
	timerAt      time.Time
	started      bool
	stopping     bool
	gaveUp       bool            // a Stop put the jobs still running back to pending
	jobCtx       context.Context // the handlers' context: cancelled by Stop, marked as the queue's own
	cancelJobs   context.CancelFunc
	workers      sync.WaitGroup

	subs Subscribers
}

// entry is a job as LocalQueue holds it.
type entry struct {
	job       Job
	at        int64 // job.RunAt in Unix nanoseconds, for quick heap order
	index     int   // position in ready or later; -1 when in neither
	blocked   bool  // due, but a job with the same key is running
	abandoned bool  // running when Stop gave up waiting: its outcome is ignored
}

var _ Queue = (*LocalQueue)(nil)

// NewLocalQueue returns a stopped queue; enqueue jobs at will and call Start
// to run them.
func NewLocalQueue(cfg QueueConfig) *LocalQueue {
	q := &LocalQueue{
		cfg:          cfg,
		policy:       cfg.retry(),
		jobs:         map[int64]*entry{},
		pendingByKey: map[string]*entry{},
		runningKeys:  map[string]struct{}{},
		ready:        jobHeap{less: readyFirst},
		later:        jobHeap{less: laterFirst},
	}
	q.wake = sync.NewCond(&q.mu)
	return q
}

// Enqueue implements Queue.
func (q *LocalQueue) Enqueue(ctx context.Context, job Job) (EnqueueResult, error) {
	if err := ctx.Err(); err != nil {
		return EnqueueResult{}, err
	}
	if err := job.Validate(); err != nil {
		return EnqueueResult{}, err
	}
	now := time.Now()
	key := job.IdentityKey()

	q.mu.Lock()
	if q.stopping {
		q.mu.Unlock()
		return EnqueueResult{}, fmt.Errorf("connector: enqueue %s: %w", job, ErrQueueStopped)
	}
	if e := q.pendingByKey[key]; e != nil {
		// The pending job will read the record's state when it runs: this
		// one adds nothing, and must not move it earlier than its retry.
		res := EnqueueResult{Job: e.job, Duplicate: true}
		q.emit(Event{Type: EventDuplicate, Job: res.Job, At: now})
		q.mu.Unlock()
		return res, nil
	}
	q.nextID++
	job.ID = q.nextID
	job.State = StatePending
	job.Priority = job.priority()
	if job.RunAt.IsZero() {
		job.RunAt = now
	}
	job.Attempt, job.Uncounted, job.LastError, job.CreatedAt, job.FinishedAt = 0, 0, "", now, time.Time{}
	job.Key = key
	e := &entry{job: job, index: -1}
	q.jobs[job.ID] = e
	q.pendingByKey[key] = e
	q.counts.add(StatePending, 1)
	// Emitted before any worker can take the job, so that its events
	// arrive in the order of its life.
	q.emit(Event{Type: EventEnqueued, Job: job, At: now})
	q.place(e, now)
	q.mu.Unlock()
	return EnqueueResult{Job: job}, nil
}

// place puts a pending job where it waits: in later until due, then in
// ready, or aside while a job with its key runs.
func (q *LocalQueue) place(e *entry, now time.Time) {
	e.at = e.job.RunAt.UnixNano()
	switch {
	case e.job.RunAt.After(now):
		heap.Push(&q.later, e)
		q.armTimer()
	case q.isRunning(e.job.Key):
		e.blocked = true
	default:
		heap.Push(&q.ready, e)
		q.wake.Signal()
	}
}

func (q *LocalQueue) unplace(e *entry) {
	switch {
	case e.index < 0:
	case e.index < q.later.Len() && q.later.items[e.index] == e:
		heap.Remove(&q.later, e.index)
	default:
		heap.Remove(&q.ready, e.index)
	}
	e.blocked = false
}

func (q *LocalQueue) isRunning(key string) bool {
	_, ok := q.runningKeys[key]
	return ok
}

// armTimer makes sure a worker wakes when the first job of later is due.
func (q *LocalQueue) armTimer() {
	if q.later.Len() == 0 || !q.started || q.stopping {
		return
	}
	at := q.later.first().job.RunAt
	if q.timer != nil && at.Equal(q.timerAt) {
		return
	}
	q.timerAt = at
	d := time.Until(at)
	if q.timer == nil {
		q.timer = time.AfterFunc(d, q.wake.Broadcast)
		return
	}
	q.timer.Reset(d)
}

// promoteDue moves the jobs of later that are due to ready.
func (q *LocalQueue) promoteDue(now time.Time) {
	for q.later.Len() > 0 && !q.later.first().job.RunAt.After(now) {
		e := heap.Pop(&q.later).(*entry)
		q.place(e, now)
	}
	q.armTimer()
}

// Start implements Queue. Cancelling ctx stops the queue as a Stop whose
// deadline has passed would.
func (q *LocalQueue) Start(ctx context.Context) error {
	if q.cfg.Handler == nil {
		return ErrNoHandler
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.stopping {
		return ErrQueueStopped
	}
	if q.started {
		return ErrQueueStarted
	}
	q.started = true
	q.jobCtx, q.cancelJobs = context.WithCancel(ctx)
	q.jobCtx = context.WithValue(q.jobCtx, handlerOf{}, q)
	n := q.cfg.concurrency()
	q.workers.Add(n)
	for range n {
		go q.work()
	}
	go func() {
		<-q.jobCtx.Done()
		q.mu.Lock()
		q.stopping = true
		q.mu.Unlock()
		q.wake.Broadcast()
	}()
	q.armTimer()
	return nil
}

// handlerOf marks the context the queue gives its handlers, so that Stop
// called from one of them can refuse instead of waiting for itself.
type handlerOf struct{}

// Stop implements Queue. Called from inside one of the queue's handlers, with
// the job's context, it returns ErrStopInHandler: it would wait for itself.
func (q *LocalQueue) Stop(ctx context.Context) error {
	if own, _ := ctx.Value(handlerOf{}).(*LocalQueue); own == q {
		return fmt.Errorf("connector: stop: %w", ErrStopInHandler)
	}
	q.mu.Lock()
	q.stopping = true
	started, gaveUp := q.started, q.gaveUp
	if q.timer != nil {
		q.timer.Stop()
	}
	q.mu.Unlock()
	q.wake.Broadcast()
	if !started || gaveUp {
		return nil // a Stop before gave up on the handlers still running
	}
	done := make(chan struct{})
	go func() { q.workers.Wait(); close(done) }()
	select {
	case <-done:
		q.cancelJobs()
		return nil
	case <-ctx.Done():
		q.cancelJobs()
		q.abandonRunning()
		return fmt.Errorf("connector: stop: running jobs were cancelled: %w", ctx.Err())
	}
}

// abandonRunning puts the jobs still running back to pending, without
// waiting for handlers that may ignore their cancelled context; whatever
// such a handler returns later is ignored.
func (q *LocalQueue) abandonRunning() {
	now := time.Now()
	q.mu.Lock()
	defer q.mu.Unlock()
	q.gaveUp = true
	for _, e := range q.jobs {
		if e.job.State != StateRunning {
			continue
		}
		e.abandoned = true
		q.counts.add(StateRunning, -1)
		delete(q.runningKeys, e.job.Key)
		if p := q.pendingByKey[e.job.Key]; p != nil {
			q.supersede(e, p, now)
			q.emit(Event{Type: EventDone, Job: e.job, Reason: e.job.LastError, At: now})
			continue
		}
		e.job.LastError = "stopped while running"
		e.job.State, e.job.RunAt = StatePending, now
		q.pendingByKey[e.job.Key] = e
		q.counts.add(StatePending, 1)
		q.emit(Event{Type: EventRetry, Job: e.job, Err: context.Canceled, At: now})
		q.place(e, now)
	}
}

// work is one worker: take the best runnable job, run it, record the outcome.
func (q *LocalQueue) work() {
	defer q.workers.Done()
	for {
		e, job := q.next()
		if e == nil {
			return
		}
		err := q.run(job)
		q.finish(e, err)
	}
}

// next blocks until a job can run and marks it running; nil when stopping.
// It returns the entry and a copy of its job, which the worker reads without
// the lock.
func (q *LocalQueue) next() (*entry, Job) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for {
		if q.stopping {
			return nil, Job{}
		}
		if q.later.Len() > 0 {
			q.promoteDue(time.Now())
		}
		if q.ready.Len() > 0 {
			// place kept e out of ready while its key runs, and a key has
			// one pending job at most: e can run.
			e := heap.Pop(&q.ready).(*entry)
			delete(q.pendingByKey, e.job.Key)
			q.runningKeys[e.job.Key] = struct{}{}
			q.counts.add(StatePending, -1)
			q.counts.add(StateRunning, 1)
			e.job.State = StateRunning
			if q.watched() {
				q.emit(Event{Type: EventStarted, Job: e.job, At: time.Now()})
			}
			if q.ready.Len() > 0 {
				q.wake.Signal() // another idle worker may take the next one
			}
			return e, e.job
		}
		q.wake.Wait()
	}
}

// run calls the handler, turning a panic into an error so that one bad
// record cannot take the process down.
func (q *LocalQueue) run(job Job) (err error) {
	defer func() {
		if r := recover(); r != nil {
			q.cfg.logger().Error("job panicked", "job_id", job.ID, "kind", job.Kind, "model", job.Model, "record", job.RecordID, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = fmt.Errorf("connector: %s panicked: %v", job, r)
		}
	}()
	return q.cfg.Handler.Work(q.jobCtx, job)
}

// finish records an attempt's outcome.
func (q *LocalQueue) finish(e *entry, err error) {
	now := time.Now()
	q.mu.Lock()
	if e.abandoned {
		q.mu.Unlock()
		return
	}
	delete(q.runningKeys, e.job.Key)
	q.counts.add(StateRunning, -1)

	stopped := err != nil && q.jobCtx.Err() != nil
	var o Outcome
	if stopped {
		// Stopped under the job's feet: not its failure, run it again later.
		o = Outcome{State: StatePending, Attempt: e.job.Attempt, Uncounted: e.job.Uncounted}
	} else {
		o = Classify(err, e.job, q.policy)
	}
	e.job.Attempt, e.job.Uncounted = o.Attempt, o.Uncounted
	if err != nil && o.Reason == "" {
		e.job.LastError = err.Error()
	}
	ev := Event{Err: err, Reason: o.Reason, At: now}
	switch o.State {
	case StateDone:
		e.job.State, e.job.FinishedAt = StateDone, now
		q.counts.add(StateDone, 1)
		delete(q.jobs, e.job.ID)
		ev.Type, ev.Err = EventDone, nil
	case StateFailed:
		e.job.State, e.job.FinishedAt = StateFailed, now
		q.counts.add(StateFailed, 1)
		ev.Type = EventFailed
	default:
		if p := q.pendingByKey[e.job.Key]; p != nil {
			// A job enqueued while this one ran asks for the same work and
			// reads the record afresh: it runs now, and this one, whose
			// retry it would only repeat, ends as done.
			q.supersede(e, p, now)
			ev.Type, ev.Err, ev.Reason = EventDone, nil, e.job.LastError
			break
		}
		e.job.State = StatePending
		if stopped {
			e.job.RunAt = now
		} else {
			e.job.RunAt = q.policy.NextRun(now, o)
		}
		ev.Type = EventRetry
		q.pendingByKey[e.job.Key] = e
		q.counts.add(StatePending, 1)
		q.place(e, now)
	}
	ev.Job = e.job
	q.emit(ev)
	if p := q.pendingByKey[e.job.Key]; p != nil && p.blocked {
		p.blocked = false
		q.place(p, now)
	}
	job := e.job
	q.mu.Unlock()

	if ev.Type == EventRetry || ev.Type == EventFailed {
		msg, log := "job attempt failed", q.cfg.logger().Warn
		if ev.Type == EventFailed {
			msg, log = "job failed", q.cfg.logger().Error
		}
		log(msg, "job_id", job.ID, "kind", job.Kind, "model", job.Model, "record", job.RecordID, "attempt", job.Attempt, "error", err)
	}
}

// supersede ends e (not pending: running, failed or cancelled) as done, its
// work left to p, the pending job with its key. The caller holds the lock and
// emits e's event; e.job.LastError then says why it ended.
func (q *LocalQueue) supersede(e, p *entry, now time.Time) {
	e.job.State, e.job.FinishedAt = StateDone, now
	e.job.LastError = fmt.Sprintf("job %d, queued since, does its work", p.job.ID)
	q.counts.add(StateDone, 1)
	delete(q.jobs, e.job.ID)
}

// Job implements Queue.
func (q *LocalQueue) Job(ctx context.Context, id int64) (Job, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	e, ok := q.jobs[id]
	if !ok {
		return Job{}, fmt.Errorf("connector: job %d: %w", id, ErrJobNotFound)
	}
	return e.job, nil
}

// List implements Queue.
func (q *LocalQueue) List(ctx context.Context, f ListFilter) ([]Job, error) {
	q.mu.Lock()
	var out []Job
	for _, e := range q.jobs {
		if f.Match(e.job) {
			out = append(out, e.job)
		}
	}
	q.mu.Unlock()
	slices.SortFunc(out, func(a, b Job) int { return int(a.ID - b.ID) })
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

// Retry implements Queue. When the same work is already pending, the failed
// job ends as done, its work left to the pending job, which is returned.
func (q *LocalQueue) Retry(ctx context.Context, id int64) (Job, error) {
	now := time.Now()
	q.mu.Lock()
	defer q.mu.Unlock()
	e, ok := q.jobs[id]
	if !ok {
		return Job{}, fmt.Errorf("connector: retry job %d: %w", id, ErrJobNotFound)
	}
	if e.job.State != StateFailed && e.job.State != StateCancelled {
		return Job{}, fmt.Errorf("connector: retry %s (%s): %w", e.job, e.job.State, ErrJobState)
	}
	q.counts.add(e.job.State, -1)
	if p := q.pendingByKey[e.job.Key]; p != nil {
		q.supersede(e, p, now)
		q.emit(Event{Type: EventDone, Job: e.job, Reason: e.job.LastError, At: now})
		return p.job, nil
	}
	e.job.State, e.job.Attempt, e.job.Uncounted, e.job.RunAt, e.job.FinishedAt = StatePending, 0, 0, now, time.Time{}
	q.pendingByKey[e.job.Key] = e
	q.counts.add(StatePending, 1)
	q.emit(Event{Type: EventEnqueued, Job: e.job, At: now})
	q.place(e, now)
	return e.job, nil
}

// Cancel implements Queue.
func (q *LocalQueue) Cancel(ctx context.Context, id int64) (Job, error) {
	now := time.Now()
	q.mu.Lock()
	defer q.mu.Unlock()
	e, ok := q.jobs[id]
	if !ok {
		return Job{}, fmt.Errorf("connector: cancel job %d: %w", id, ErrJobNotFound)
	}
	switch e.job.State {
	case StateRunning:
		return Job{}, fmt.Errorf("connector: cancel %s: %w", e.job, ErrJobRunning)
	case StatePending:
		q.unplace(e)
		delete(q.pendingByKey, e.job.Key)
	case StateFailed:
	default:
		return Job{}, fmt.Errorf("connector: cancel %s (%s): %w", e.job, e.job.State, ErrJobState)
	}
	q.counts.add(e.job.State, -1)
	q.counts.add(StateCancelled, 1)
	e.job.State, e.job.FinishedAt = StateCancelled, now
	q.emit(Event{Type: EventCancelled, Job: e.job, At: now})
	return e.job, nil
}

// Counts implements Queue.
func (q *LocalQueue) Counts(ctx context.Context) (map[State]int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := make(map[State]int, len(States))
	for _, s := range States {
		out[s] = q.counts[stateIndex(s)]
	}
	return out, nil
}

// stateCounts counts jobs by state, indexed by stateIndex: an array, since
// the count changes on every step of every job.
type stateCounts [5]int

func (c *stateCounts) add(s State, n int) { c[stateIndex(s)] += n }

func stateIndex(s State) int {
	switch s {
	case StatePending:
		return 0
	case StateRunning:
		return 1
	case StateDone:
		return 2
	case StateFailed:
		return 3
	}
	return 4
}

// Subscribe implements Queue.
func (q *LocalQueue) Subscribe(fn func(Event)) (unsubscribe func()) { return q.subs.Subscribe(fn) }

// watched reports whether anyone listens, so that the hot path builds no
// event for nobody.
func (q *LocalQueue) watched() bool { return q.subs.Watched() }

// emit calls the subscribers. The queue calls it with its lock held, so that
// each job's events arrive in the order of its life.
func (q *LocalQueue) emit(ev Event) { q.subs.Emit(ev) }

// jobHeap is a heap of pending jobs that keeps each entry's index, so that
// a cancelled or dropped job can be removed in O(log n).
type jobHeap struct {
	items []*entry
	less  func(a, b *entry) bool
}

func (h *jobHeap) Len() int           { return len(h.items) }
func (h *jobHeap) Less(i, j int) bool { return h.less(h.items[i], h.items[j]) }
func (h *jobHeap) Swap(i, j int) {
	h.items[i], h.items[j] = h.items[j], h.items[i]
	h.items[i].index, h.items[j].index = i, j
}
func (h *jobHeap) Push(x any) { e := x.(*entry); e.index = len(h.items); h.items = append(h.items, e) }
func (h *jobHeap) Pop() any {
	n := len(h.items) - 1
	e := h.items[n]
	h.items[n] = nil
	h.items = h.items[:n]
	e.index = -1
	return e
}
func (h *jobHeap) first() *entry { return h.items[0] }

// readyFirst orders due jobs: priority, then RunAt, then enqueue order.
func readyFirst(a, b *entry) bool {
	if a.job.Priority != b.job.Priority {
		return a.job.Priority < b.job.Priority
	}
	if a.at != b.at {
		return a.at < b.at
	}
	return a.job.ID < b.job.ID
}

// laterFirst orders jobs that are not due yet by RunAt.
func laterFirst(a, b *entry) bool { return a.at < b.at }
