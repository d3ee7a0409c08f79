package connector

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Locker keeps two syncs of the same record pair from running at once: an
// import, an export and a delete of one binding take the same lock, also
// when one of them runs inside another job (an order's import importing its
// customer). The flows try the lock and, when another holds it, retry the
// job later without counting the attempt.
//
// KeyLock serves one process; several processes on one PostgreSQL database
// share postgres.Locker (package store/postgres), on advisory locks. Both
// pass connector/lockertest.
type Locker interface {
	// TryLock takes the lock of key, or reports that another holder has
	// it. The lock is held until unlock is called (a lock shared by
	// processes is also freed when its process dies). An error means the
	// lock could not be asked for (its database is unreachable).
	TryLock(ctx context.Context, key string) (unlock func(), ok bool, err error)
}

// SharedLocker is a Locker that can also grant a lock to many holders at
// once while no one holds it alone: a reader-writer lock. The flows use it
// for the create lock of a model synced both ways, which must keep an
// import's create from an export's (see ImportFlow.TwoWay), but not two
// imports' nor two exports' creates from each other: each holds its own
// pair's lock, so two never create the same pair, and the Binder refuses
// a double adoption. With it, the creates of one direction run at once;
// with a Locker that lacks it, every create of the model takes the lock
// alone: as correct, but one at a time, each waiting for the others'
// network calls. A lock shared by processes implements it with
// PostgreSQL's pg_try_advisory_lock_shared.
//
// A direction enters while the other holds its creates (see lockCreates),
// so that a steady stream of one direction's creates can keep the other's
// waiting; that one then retries later, as for any busy lock.
type SharedLocker interface {
	Locker
	// TryLockShared takes the lock of key shared with its other shared
	// holders, or reports that a holder has it alone.
	TryLockShared(ctx context.Context, key string) (unlock func(), ok bool, err error)
}

// KeyLock is the in-process Locker, and a SharedLocker. Its zero value is
// ready.
type KeyLock struct {
	mu     sync.Mutex
	held   map[string]struct{}
	shared map[string]int // holders of a lock taken shared
}

// TryLock implements Locker.
func (l *KeyLock) TryLock(ctx context.Context, key string) (func(), bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held == nil {
		l.held = map[string]struct{}{}
	}
	if _, busy := l.held[key]; busy || l.shared[key] > 0 {
		return nil, false, nil
	}
	l.held[key] = struct{}{}
	return l.release(func() { delete(l.held, key) }), true, nil
}

// TryLockShared implements SharedLocker.
func (l *KeyLock) TryLockShared(ctx context.Context, key string) (func(), bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, busy := l.held[key]; busy {
		return nil, false, nil
	}
	if l.shared == nil {
		l.shared = map[string]int{}
	}
	l.shared[key]++
	return l.release(func() {
		if l.shared[key]--; l.shared[key] == 0 {
			delete(l.shared, key)
		}
	}), true, nil
}

// release is the unlock of a lock: free runs once, under l.mu.
func (l *KeyLock) release(free func()) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			free()
			l.mu.Unlock()
		})
	}
}

// The lock keys of the flows. A pair is keyed by its remote ID whenever it is
// known (an import knows it from the start, an export and a delete from the
// binding), so that every flow of one binding takes the same lock; a local
// record not bound yet is keyed by its local ID.
func remoteKey(model, remoteID string) string { return model + " remote " + remoteID }
func localKey(model, localID string) string   { return model + " local " + localID }

// createKey is the lock that a model synced both ways takes around "look up
// the binding, create, bind", so that the import and the export never both
// create the same record pair (see ImportFlow.TwoWay).
func createKey(model string) string { return model + " creates" }

// busyRetry is how long a job waits in the queue when the record's lock is
// still taken after lockWait: the holder is then a long sync.
const busyRetry = 2 * time.Second

// lockWait is how long a flow waits, trying again and again, for a lock
// that another job holds, before it hands the job back to the queue: jobs
// that share a dependency (orders of one new customer) find it free within
// a few calls, and waiting here costs milliseconds where a retry through
// the queue costs busyRetry.
const lockWait = 500 * time.Millisecond

// BusyError is the cause of the retry of a job whose record pair is locked by
// another job.
type BusyError struct {
	// Key is the lock's key, Job names the job that asked for it.
	Key, Job string
}

func (e *BusyError) Error() string {
	return fmt.Sprintf("%s: %s is locked by another job", e.Job, e.Key)
}

// CycleError fails a job whose dependencies lead back to a record the same
// job already holds: a user that needs its customer that needs its user.
// Retrying cannot help; the mapping's dependencies must change.
type CycleError struct {
	// Chain lists the syncs from the job's own to the one that closed the
	// cycle.
	Chain []string
}

func (e *CycleError) Error() string {
	return "dependency cycle: " + strings.Join(e.Chain, " → ")
}

// heldLock is one lock held by a call chain; the chain rides in the context
// so that a dependency's sync can tell a cycle from a lock held by another
// job.
type heldLock struct {
	key, job string
	parent   *heldLock
}

type heldLockKey struct{}

// chain lists the jobs of the call chain, outermost first.
func (h *heldLock) chain() []string {
	var out []string
	for l := h; l != nil; l = l.parent {
		out = append(out, l.job)
	}
	slices.Reverse(out)
	return out
}

// lockFor takes the lock of key for job (named for messages), or returns the
// error that retries the job without counting the attempt, or that fails it
// when the lock is held by its own call chain. The returned context carries
// the lock, for the dependencies synced under it.
func lockFor(ctx context.Context, l Locker, key, job string) (context.Context, func(), error) {
	return lockWith(ctx, l.TryLock, key, job)
}

// lockCreates takes the create lock of model for a flow of kind (import or
// export). With a SharedLocker, each direction has a key that its creates
// hold shared: a create takes its own direction's key shared, then checks
// that no create of the other direction holds that one's (taking it alone
// and letting it go at once), else lets go and tries again. Two creates of
// opposite directions never both pass: the later one to take its own key
// finds the earlier one's taken. Without a SharedLocker, every create takes
// the model's one key alone.
func lockCreates(ctx context.Context, l Locker, kind Kind, model, job string) (context.Context, func(), error) {
	s, ok := l.(SharedLocker)
	if !ok {
		return lockFor(ctx, l, createKey(model), job)
	}
	own, other := createKey(model)+" by "+string(KindImport), createKey(model)+" by "+string(KindExport)
	if kind != KindImport {
		own, other = other, own
	}
	return lockWith(ctx, func(ctx context.Context, key string) (func(), bool, error) {
		unlock, ok, err := s.TryLockShared(ctx, key)
		if err != nil || !ok {
			return nil, false, err
		}
		free, ok, err := s.TryLock(ctx, other)
		if err != nil || !ok {
			unlock()
			return nil, false, err
		}
		free()
		return unlock, true, nil
	}, own, job)
}

// tryLock is a Locker's TryLock, or a SharedLocker's TryLockShared.
type tryLock func(ctx context.Context, key string) (unlock func(), ok bool, err error)

// lockWith is lockFor, taking the lock with try.
func lockWith(ctx context.Context, try tryLock, key, job string) (context.Context, func(), error) {
	held, _ := ctx.Value(heldLockKey{}).(*heldLock)
	for h := held; h != nil; h = h.parent {
		if h.key == key {
			return nil, nil, Permanent(&CycleError{Chain: append(held.chain(), job)})
		}
	}
	unlock, ok, err := tryLockFor(ctx, try, key, lockWait)
	if err != nil {
		return nil, nil, Retryable(fmt.Errorf("%s: lock %s: %w", job, key, err))
	}
	if !ok {
		return nil, nil, Retryable(&BusyError{Key: key, Job: job}, NotCounted(), After(busyRetry))
	}
	return context.WithValue(ctx, heldLockKey{}, &heldLock{key: key, job: job, parent: held}), unlock, nil
}

// tryLockFor tries the lock of key until it is free or wait has passed,
// backing off from 1 ms, so that a lock held for a few calls is taken as
// soon as it is free. It never waits for a lock it cannot get: two jobs
// that each hold what the other wants both give up within wait.
func tryLockFor(ctx context.Context, try tryLock, key string, wait time.Duration) (func(), bool, error) {
	deadline := time.Now().Add(wait)
	pause := time.Millisecond
	for {
		unlock, ok, err := try(ctx, key)
		if err != nil || ok {
			return unlock, ok, err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return nil, false, nil
		}
		t := time.NewTimer(min(pause, left))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, false, ctx.Err()
		case <-t.C:
		}
		pause = min(2*pause, 50*time.Millisecond)
	}
}

// processLock is the Locker of the flows that were given none: one for the
// whole process, so that the import, export and delete flows of a model
// share it without being told.
var processLock KeyLock

// lockerOr is l, or the process's lock when nil.
func lockerOr(l Locker) Locker {
	if l != nil {
		return l
	}
	return &processLock
}

// syncedUpTheChain reports whether the call chain of ctx holds the pair
// lock of the local record localID of model: a sync of that record is
// under way above this one, in the same job.
func syncedUpTheChain(ctx context.Context, binder Binder, model, localID string) (bool, error) {
	held, _ := ctx.Value(heldLockKey{}).(*heldLock)
	if held == nil {
		return false, nil
	}
	b, bound, err := lookup(binder.ByLocal(ctx, model, localID))
	if err != nil {
		return false, err
	}
	key := localKey(model, localID)
	if bound {
		key = remoteKey(model, b.RemoteID)
	}
	for h := held; h != nil; h = h.parent {
		if h.key == key {
			return true, nil
		}
	}
	return false, nil
}

// lockLocal takes the pair lock of a local record for a flow (what names it
// in messages): the lock of its remote ID when it is bound, else of its local
// ID. The binding is read again under the lock; one that changed meanwhile
// (a create bound it) is locked anew.
func lockLocal(ctx context.Context, l Locker, binder Binder, model, localID, what string) (context.Context, func(), Binding, bool, error) {
	job := what + " " + model + " " + localID
	for range 2 {
		b, bound, err := lookup(binder.ByLocal(ctx, model, localID))
		if err != nil {
			return nil, nil, Binding{}, false, fmt.Errorf("%s: %w", job, err)
		}
		key := localKey(model, localID)
		if bound {
			key = remoteKey(model, b.RemoteID)
		}
		lctx, unlock, err := lockFor(ctx, lockerOr(l), key, job)
		if err != nil {
			return nil, nil, Binding{}, false, err
		}
		again, boundAgain, err := lookup(binder.ByLocal(lctx, model, localID))
		if err != nil {
			unlock()
			return nil, nil, Binding{}, false, fmt.Errorf("%s: %w", job, err)
		}
		if boundAgain == bound && again.RemoteID == b.RemoteID {
			return lctx, unlock, again, bound, nil
		}
		unlock()
	}
	return nil, nil, Binding{}, false, Retryable(&BusyError{Key: localKey(model, localID), Job: job}, NotCounted(), After(busyRetry))
}
