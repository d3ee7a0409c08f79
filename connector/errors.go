package connector

import (
	"errors"
	"fmt"
	"time"
)

// A handler's error tells the queue what to do with the job. A plain error is
// retried with the queue's backoff until the attempts run out, like River
// does; the helpers below say more:
//
//   - Retryable: retry, optionally not before a delay (a server's
//     Retry-After, a maintenance window) and optionally without counting the
//     attempt (a busy lock held by another job is no failure of this one).
//   - Permanent: fail the job at once; retrying cannot help (a validation
//     error, a record that does not map).
//   - NothingToDo: the job is done; there was nothing to do, and the reason
//     is reported.

// RetryableError asks the queue to run the job again.
type RetryableError struct {
	// Err is the cause, kept as the job's last error.
	Err error
	// After is the least delay before the next attempt; zero leaves the
	// delay to the retry policy. When set, it replaces the policy's delay.
	After time.Duration
	// NotCounted keeps the attempt from counting against MaxAttempts.
	NotCounted bool
}

func (e *RetryableError) Error() string {
	if e.Err == nil {
		return "retryable error"
	}
	return e.Err.Error()
}

func (e *RetryableError) Unwrap() error { return e.Err }

// RetryOption adjusts a RetryableError.
type RetryOption func(*RetryableError)

// After sets the least delay before the next attempt.
func After(d time.Duration) RetryOption { return func(e *RetryableError) { e.After = d } }

// NotCounted keeps the attempt from counting against the job's MaxAttempts.
func NotCounted() RetryOption { return func(e *RetryableError) { e.NotCounted = true } }

// Retryable marks err as worth another attempt. It returns nil for a nil err
// so that it can wrap a call's result directly.
func Retryable(err error, opts ...RetryOption) error {
	if err == nil {
		return nil
	}
	e := &RetryableError{Err: err}
	for _, o := range opts {
		o(e)
	}
	return e
}

// PermanentError fails a job at once, without the remaining attempts.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string {
	if e.Err == nil {
		return "permanent error"
	}
	return e.Err.Error()
}

func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent marks err as one that no retry can mend. It returns nil for a
// nil err.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &PermanentError{Err: err}
}

// NothingToDoError ends a job as done without doing anything, and says why
// (the record did not change, the record is not meant for this shop).
type NothingToDoError struct{ Reason string }

func (e *NothingToDoError) Error() string { return "nothing to do: " + e.Reason }

// NothingToDo ends the job as done, for the given reason.
func NothingToDo(format string, args ...any) error {
	return &NothingToDoError{Reason: fmt.Sprintf(format, args...)}
}

// IsPermanent reports whether err, or an error it wraps, is permanent.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}

// IsRetryable reports whether err, or an error it wraps, asks for a retry.
func IsRetryable(err error) bool {
	var r *RetryableError
	return errors.As(err, &r)
}

// Outcome is what a queue does with a job after one attempt.
type Outcome struct {
	// State is StateDone, StateFailed, or StatePending for a retry.
	State State
	// Attempt is the job's count of attempts after this one: one more
	// than before, unless the error asked not to count it.
	Attempt int
	// Uncounted is the job's count of attempts that did not count.
	Uncounted int
	// After is the least delay the error asks for before the next attempt;
	// zero leaves it to the retry policy.
	After time.Duration
	// Reason is NothingToDo's reason, empty otherwise.
	Reason string
}

// Classify reads the error of an attempt of job (its Attempt and Uncounted
// are the counts before this attempt) under the retry policy p. Every Queue
// implementation calls it, so that all of them treat handler errors alike.
//
// An attempt that asks not to count (NotCounted) counts all the same once
// the job has had p's MaxUncounted of them: a lock that is never free, or a
// maintenance that never ends, fails the job in the end instead of retrying
// it forever.
func Classify(err error, job Job, p RetryPolicy) Outcome {
	o := Outcome{State: StateDone, Attempt: job.Attempt + 1, Uncounted: job.Uncounted}
	if err == nil {
		return o
	}
	var nothing *NothingToDoError
	if errors.As(err, &nothing) {
		o.Reason = nothing.Reason
		return o
	}
	if IsPermanent(err) {
		o.State = StateFailed
		return o
	}
	o.State = StatePending
	var r *RetryableError
	if errors.As(err, &r) {
		if r.NotCounted && job.Uncounted < p.maxUncounted() {
			o.Attempt, o.Uncounted = job.Attempt, job.Uncounted+1
		}
		o.After = r.After
	}
	if o.Attempt >= p.Attempts(job) {
		o.State = StateFailed
	}
	return o
}
