package connector

import (
	"math/rand/v2"
	"time"
)

// RetryPolicy says how often and how late a failed job is tried again. The
// zero value is DefaultRetryPolicy.
type RetryPolicy struct {
	// MaxAttempts is how many counted attempts a job gets before it is
	// failed; zero means 10. A job's own MaxAttempts takes precedence.
	MaxAttempts int
	// Backoff is the delay before the next attempt, by the number of the
	// attempt that failed: Backoff[0] after the first, Backoff[1] after the
	// second, and the last entry for every attempt beyond. Empty means
	// DefaultBackoff.
	Backoff []time.Duration
	// Jitter spreads retries so that jobs that failed together do not
	// come back together: each delay grows by a random part of up to
	// Jitter times itself. Zero means none; DefaultRetryPolicy uses 0.2.
	Jitter float64
	// MaxUncounted is how many attempts of a job may ask not to count (a
	// busy lock, a maintenance) before they count all the same; zero
	// means DefaultMaxUncounted.
	MaxUncounted int
}

// DefaultMaxUncounted lets a job wait about 3 minutes for a busy record
// (at 2 s a try), or 5 hours of maintenance (at 180 s), before its waits
// start to count as failed attempts.
const DefaultMaxUncounted = 100

func (p RetryPolicy) maxUncounted() int {
	if p.MaxUncounted > 0 {
		return p.MaxUncounted
	}
	return DefaultMaxUncounted
}

// DefaultBackoff waits longer after each failure, up to an hour, like the
// OCA connector's default pattern: quick for a passing network fault, patient
// for a server that is down.
var DefaultBackoff = []time.Duration{
	10 * time.Second, 30 * time.Second, time.Minute, 5 * time.Minute,
	15 * time.Minute, 30 * time.Minute, time.Hour,
}

// DefaultRetryPolicy is the policy a queue uses when none is set.
var DefaultRetryPolicy = RetryPolicy{MaxAttempts: 10, Backoff: DefaultBackoff, Jitter: 0.2}

// Attempts is the job's limit of counted attempts under this policy.
func (p RetryPolicy) Attempts(j Job) int {
	switch {
	case j.MaxAttempts > 0:
		return j.MaxAttempts
	case p.MaxAttempts > 0:
		return p.MaxAttempts
	}
	return DefaultRetryPolicy.MaxAttempts
}

// Delay is how long to wait after the given failed attempt (1 for the
// first), jitter included.
func (p RetryPolicy) Delay(attempt int) time.Duration {
	pattern := p.Backoff
	if len(pattern) == 0 {
		pattern = DefaultBackoff
	}
	i := min(max(attempt-1, 0), len(pattern)-1)
	d := pattern[i]
	if p.Jitter > 0 && d > 0 {
		d += time.Duration(rand.Float64() * p.Jitter * float64(d))
	}
	return d
}

// NextRun is when a job that failed an attempt runs again: after the delay
// the error asked for, or else the policy's delay for the attempt.
func (p RetryPolicy) NextRun(now time.Time, o Outcome) time.Time {
	if o.After > 0 {
		return now.Add(o.After)
	}
	return now.Add(p.Delay(max(o.Attempt, 1)))
}
