package connector

import (
	"sync"
	"time"
)

// Locker keeps two syncs of the same record from running at once, also when
// one of them runs inside another job (an order's import importing its
// customer). The flows try the lock and, when it is taken, retry the job
// later without counting the attempt.
type Locker interface {
	// TryLock takes the lock of key, or reports that another holds it.
	TryLock(key string) (unlock func(), ok bool)
}

// KeyLock is the in-process Locker. Its zero value is ready.
type KeyLock struct {
	mu   sync.Mutex
	held map[string]struct{}
}

// TryLock implements Locker.
func (l *KeyLock) TryLock(key string) (func(), bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held == nil {
		l.held = map[string]struct{}{}
	}
	if _, busy := l.held[key]; busy {
		return nil, false
	}
	l.held[key] = struct{}{}
	return func() {
		l.mu.Lock()
		delete(l.held, key)
		l.mu.Unlock()
	}, true
}

// busyRetry is how long a job waits when the record's lock is taken: the
// holder is usually done within a few calls.
const busyRetry = 2 * time.Second

// lockRecord takes the lock of a sync, or returns the error that retries the
// job without counting the attempt. A flow without a Locker uses its own.
func lockRecord(l Locker, own *KeyLock, what, model, id string) (func(), error) {
	if l == nil {
		l = own
	}
	unlock, ok := l.TryLock(what + ":" + model + ":" + id)
	if !ok {
		return nil, Retryable(&busyError{what: what, model: model, id: id}, NotCounted(), After(busyRetry))
	}
	return unlock, nil
}

type busyError struct{ what, model, id string }

func (e *busyError) Error() string {
	return "another " + e.what + " of " + e.model + " " + e.id + " is running"
}
