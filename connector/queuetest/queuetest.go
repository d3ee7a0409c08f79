// Package queuetest is the conformance suite of connector.Queue: every queue
// implementation runs the same tests, so that a host can swap the in-process
// queue for the River one and keep every guarantee.
//
//	func TestConformance(t *testing.T) {
//		queuetest.Run(t, func(t *testing.T, cfg connector.QueueConfig) connector.Queue {
//			return connector.NewLocalQueue(cfg)
//		})
//	}
//
// # The contract
//
// It is what a database queue can keep (River's unique jobs skip a
// duplicate; they cannot merge two jobs' arguments nor move a job earlier,
// and no per-key concurrency limit stands behind them):
//
//   - Ordering: due jobs run by priority, then RunAt, then enqueue order; a
//     job never starts before its RunAt. The events of one job arrive in the
//     order of its life (enqueued, started, retry, ..., done or failed);
//     the events of different jobs may interleave.
//   - Duplicates: a job enqueued while a pending job has its identity key is
//     dropped and reported (EnqueueResult.Duplicate, EventDuplicate); the
//     pending job keeps its RunAt and priority, so a Retry-After holds.
//     Jobs whose arguments differ have different keys, so a drop loses
//     nothing a job carries. A job enqueued while the job with its key runs
//     is kept and runs after it, or at once: the suite does not require
//     that two jobs of one key never overlap (the flows' Locker does that).
//   - Retries: an error is read by connector.Classify: retry by the policy,
//     after the delay asked for, without counting (up to MaxUncounted), fail
//     at once (Permanent, a panic's last attempt), or done (NothingToDo).
//     A failed job keeps its error and can be listed, re-run and cancelled.
//   - Stop: no job starts after Stop; running jobs finish within its
//     deadline; past it they are cancelled and go back to pending without
//     losing an attempt, even when their handler ignores the cancellation;
//     Stop called from a handler with its job's context returns
//     connector.ErrStopInHandler instead of waiting for itself.
package queuetest

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/connector"
)

// Factory returns a new, empty, stopped queue built from cfg. The suite
// starts it and stops it.
type Factory func(t *testing.T, cfg connector.QueueConfig) connector.Queue

// Timeout bounds every wait of the suite. A wait that runs out fails the test
// instead of hanging it; it is generous because it costs nothing when the
// queue works, and a database queue on a loaded machine (CI, -race) can take
// seconds to fetch a retried job.
var Timeout = 30 * time.Second

// fastRetry keeps retries quick so that the suite runs in seconds.
var fastRetry = connector.RetryPolicy{MaxAttempts: 3, Backoff: []time.Duration{time.Millisecond}}

// Run runs the whole suite against the queues newQueue builds.
func Run(t *testing.T, newQueue Factory) {
	tests := []struct {
		name string
		fn   func(*testing.T, Factory)
	}{
		// ordering.go
		{"RunsJobWithItsArgs", testRunsJob},
		{"RejectsInvalidJobs", testRejectsInvalid},
		{"PriorityOrder", testPriorityOrder},
		{"RunAtOrder", testRunAtOrder},
		{"EventsOfAJobInOrder", testEventsInOrder},
		// duplicates.go
		{"DropsPendingDuplicate", testDuplicate},
		{"DuplicateNeverMovesPendingJob", testDuplicateKeepsRunAt},
		{"DuplicateNeverMovesRetryEarlier", testDuplicateKeepsRetry},
		{"ArgsAreInTheKey", testArgsInKey},
		{"EnqueuedWhileRunningIsNotLost", testEnqueueWhileRunning},
		{"DuplicatesUnderLoadLoseNothing", testDuplicatesUnderLoad},
		// retries.go
		{"RetriesWithBackoff", testBackoff},
		{"RetryAfterDelay", testRetryAfter},
		{"NotCountedAttempts", testNotCounted},
		{"UncountedAttemptsAreCapped", testUncountedCap},
		{"PermanentErrorFailsAtOnce", testPermanent},
		{"LastAttemptFailsAndKeepsError", testExhausted},
		{"PanicIsAFailedAttempt", testPanic},
		{"NothingToDoIsDone", testNothingToDo},
		// jobs.go
		{"ListFilters", testList},
		{"RetryFailedJob", testRetryFailed},
		{"CancelJobs", testCancel},
		{"CountsAndEvents", testCounts},
		{"Unsubscribe", testUnsubscribe},
		// stop.go
		{"GracefulStopLetsRunningJobsFinish", testGracefulStop},
		{"StopDeadlineReturnsJobsToPending", testStopDeadline},
		{"StopReturnsWhenAHandlerIgnoresItsContext", testStopIgnoredContext},
		{"StopFromAHandlerFails", testStopFromHandler},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newQueue) })
	}
}

// harness is a queue under test with a recorder of its events.
type harness struct {
	t *testing.T
	q connector.Queue
	*recorder
}

// start builds a queue, subscribes a recorder, and stops the queue when the
// test ends. Jobs enqueued before calling run wait for it.
func newHarness(t *testing.T, newQueue Factory, cfg connector.QueueConfig) *harness {
	t.Helper()
	if cfg.Retry.MaxAttempts == 0 && len(cfg.Retry.Backoff) == 0 {
		cfg.Retry = fastRetry
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler) // failed attempts are the suite's daily bread
	}
	q := newQueue(t, cfg)
	h := &harness{t: t, q: q, recorder: newRecorder()}
	unsub := q.Subscribe(h.record)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), Timeout)
		defer cancel()
		assert.NoError(t, q.Stop(ctx))
		unsub()
	})
	return h
}

func (h *harness) run() {
	h.t.Helper()
	require.NoError(h.t, h.q.Start(context.Background()))
}

func (h *harness) enqueue(j connector.Job) connector.EnqueueResult {
	h.t.Helper()
	res, err := h.q.Enqueue(context.Background(), j)
	require.NoError(h.t, err)
	return res
}

func job(kind connector.Kind, model, id string) connector.Job {
	return connector.Job{Kind: kind, Model: model, RecordID: id}
}

var noop = connector.HandlerFunc(func(context.Context, connector.Job) error { return nil })

// recorder keeps every event and lets a test wait for one, with a deadline.
type recorder struct {
	mu      sync.Mutex
	events  []connector.Event
	changed chan struct{}
}

func newRecorder() *recorder { return &recorder{changed: make(chan struct{})} }

func (r *recorder) record(ev connector.Event) {
	r.mu.Lock()
	r.events = append(r.events, ev)
	close(r.changed)
	r.changed = make(chan struct{})
	r.mu.Unlock()
}

// wait blocks until pred holds over the events or Timeout passes.
func (r *recorder) wait(t *testing.T, what string, pred func([]connector.Event) bool) {
	t.Helper()
	deadline := time.NewTimer(Timeout)
	defer deadline.Stop()
	for {
		r.mu.Lock()
		ok, changed := pred(r.events), r.changed
		r.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-changed:
		case <-deadline.C:
			r.mu.Lock()
			defer r.mu.Unlock()
			t.Fatalf("timed out after %s waiting for %s; events: %v", Timeout, what, summary(r.events))
		}
	}
}

func (r *recorder) waitEvent(t *testing.T, typ connector.EventType, id int64) connector.Event {
	t.Helper()
	var found connector.Event
	r.wait(t, fmt.Sprintf("%s of job %d", typ, id), func(evs []connector.Event) bool {
		for _, ev := range evs {
			if ev.Type == typ && ev.Job.ID == id {
				found = ev
				return true
			}
		}
		return false
	})
	return found
}

func (r *recorder) waitCount(t *testing.T, typ connector.EventType, n int) {
	t.Helper()
	r.wait(t, fmt.Sprintf("%d %s events", n, typ), func(evs []connector.Event) bool {
		return countType(evs, typ) >= n
	})
}

func (r *recorder) count(typ connector.EventType) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return countType(r.events, typ)
}

func (r *recorder) index(typ connector.EventType, id int64) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.IndexFunc(r.events, func(ev connector.Event) bool { return ev.Type == typ && ev.Job.ID == id })
}

func (r *recorder) has(typ connector.EventType, id int64) bool { return r.index(typ, id) >= 0 }

func countType(evs []connector.Event, typ connector.EventType) int {
	n := 0
	for _, ev := range evs {
		if ev.Type == typ {
			n++
		}
	}
	return n
}

func summary(evs []connector.Event) []string {
	out := make([]string, len(evs))
	for i, ev := range evs {
		out[i] = fmt.Sprintf("%s:%d(%s)", ev.Type, ev.Job.ID, ev.Job.RecordID)
	}
	return out
}
