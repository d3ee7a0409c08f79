// Package lockertest is the conformance suite of connector.Locker: the
// in-process KeyLock and the PostgreSQL advisory-lock Locker (package
// store/postgres) pass the same tests, so that the flows keep one record
// pair's syncs apart whichever a host picks.
//
//	func TestLockerConformance(t *testing.T) {
//		lockertest.Run(t, func(t *testing.T) (a, b connector.Locker) {
//			l := &connector.KeyLock{}
//			return l, l
//		})
//	}
//
// # The contract
//
//   - A key is held by one holder at a time: TryLock of a held key reports
//     ok=false at once, from the same Locker or from another on the same
//     lock space (another process); a lock is not reentrant.
//   - Different keys do not exclude each other, and one holder may hold
//     many at once (a job holds its record's lock and its dependencies').
//   - unlock frees the key; calling it again does nothing, even once
//     another holder has taken the key.
//   - A cancelled context fails TryLock with its error and takes nothing.
//   - A connector.SharedLocker grants a key to many shared holders at once,
//     and to one holder alone only while no one holds it either way (a
//     Locker without TryLockShared skips this case: it has none).
package lockertest

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/connector"
)

// Factory returns two Lockers that share one lock space, as two processes
// on one database do (for an in-process lock, the same one twice), and
// that share it with no other test: keys are the suite's own.
type Factory func(t *testing.T) (a, b connector.Locker)

// Run runs the whole suite, each test on lockers of its own.
func Run(t *testing.T, newLockers Factory) {
	tests := []struct {
		name string
		fn   func(*testing.T, connector.Locker, connector.Locker)
	}{
		{"SameKeyExcludes", testSameKey},
		{"DifferentKeysDoNotExclude", testDifferentKeys},
		{"UnlockReleases", testUnlockReleases},
		{"UnlockTwiceDoesNothing", testUnlockTwice},
		{"CancelledContextTakesNothing", testCancelled},
		{"OneHolderAtATime", testOneHolderAtATime},
		{"SharedHoldersExcludeAlone", testShared},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a, b := newLockers(t)
			tc.fn(t, a, b)
		})
	}
}

// Key is a key that no other test uses, for suites whose lock space is
// shared (a PostgreSQL server).
func Key(t testing.TB, name string) string {
	return fmt.Sprintf("%s %s %d", t.Name(), name, time.Now().UnixNano())
}

// MustLock takes key on l, failing t when it is busy or errs; the lock is
// released at the end of t.
func MustLock(t testing.TB, l connector.Locker, key string) func() {
	t.Helper()
	unlock, ok, err := l.TryLock(context.Background(), key)
	require.NoError(t, err)
	require.True(t, ok, "%s is held by another", key)
	t.Cleanup(unlock)
	return unlock
}

// Busy reports whether key is held by another holder than l's caller: it
// takes it and gives it back when it is free.
func Busy(t testing.TB, l connector.Locker, key string) bool {
	t.Helper()
	unlock, ok, err := l.TryLock(context.Background(), key)
	require.NoError(t, err)
	if ok {
		unlock()
	}
	return !ok
}

func testSameKey(t *testing.T, a, b connector.Locker) {
	key := Key(t, "order remote 1")
	MustLock(t, a, key)
	assert.True(t, Busy(t, b, key), "a key held by one locker is taken by the other")
	assert.True(t, Busy(t, a, key), "a key held is taken again from the same locker: a lock is not reentrant")
}

func testDifferentKeys(t *testing.T, a, b connector.Locker) {
	// A job holds its record's lock and its dependencies' at once.
	for i := range 8 {
		MustLock(t, a, Key(t, fmt.Sprint("order remote ", i)))
	}
	MustLock(t, b, Key(t, "customer remote 1"))
}

func testUnlockReleases(t *testing.T, a, b connector.Locker) {
	key := Key(t, "order remote 1")
	unlock := MustLock(t, a, key)
	unlock()
	MustLock(t, b, key)
}

func testUnlockTwice(t *testing.T, a, b connector.Locker) {
	key := Key(t, "order remote 1")
	unlockA := MustLock(t, a, key)
	unlockA()
	MustLock(t, b, key)
	unlockA()
	assert.True(t, Busy(t, a, key), "a second unlock freed a key that another holder had taken")
}

func testCancelled(t *testing.T, a, b connector.Locker) {
	key := Key(t, "order remote 1")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	unlock, ok, err := a.TryLock(ctx, key)
	require.ErrorIs(t, err, context.Canceled)
	assert.False(t, ok)
	assert.Nil(t, unlock)
	MustLock(t, b, key)
}

// testOneHolderAtATime has goroutines on both lockers take one key again
// and again: never two at once, and every one gets it.
func testOneHolderAtATime(t *testing.T, a, b connector.Locker) {
	key := Key(t, "customer remote 1")
	const workers, rounds = 4, 10
	var holders, maxHolders atomic.Int32
	var wg sync.WaitGroup
	deadline := time.Now().Add(30 * time.Second)
	for w := range workers {
		l := a
		if w%2 == 1 {
			l = b
		}
		wg.Go(func() {
			for done := 0; done < rounds; {
				if time.Now().After(deadline) {
					t.Errorf("worker %d got the key %d times of %d before the deadline", w, done, rounds)
					return
				}
				unlock, ok, err := l.TryLock(context.Background(), key)
				if err != nil {
					t.Error(err)
					return
				}
				if !ok {
					continue
				}
				n := holders.Add(1)
				for m := maxHolders.Load(); n > m && !maxHolders.CompareAndSwap(m, n); m = maxHolders.Load() {
				}
				runtime.Gosched() // hold it a little: a second holder would show
				holders.Add(-1)
				unlock()
				done++
			}
		})
	}
	wg.Wait()
	assert.Equal(t, int32(1), maxHolders.Load(), "holders of one key at once")
}

func testShared(t *testing.T, a, b connector.Locker) {
	sa, okA := a.(connector.SharedLocker)
	sb, okB := b.(connector.SharedLocker)
	if !okA || !okB {
		return // no shared locks to check: the flows take such a Locker's lock alone
	}
	ctx := context.Background()
	take := func(l connector.SharedLocker, key string, shared bool) (func(), bool) {
		t.Helper()
		try := l.TryLock
		if shared {
			try = l.TryLockShared
		}
		unlock, ok, err := try(ctx, key)
		require.NoError(t, err)
		return unlock, ok
	}
	for _, tc := range []struct {
		name                      string
		firstShared, secondShared bool
		want                      bool
	}{
		{"alone, then alone", false, false, false},
		{"alone, then shared", false, true, false},
		{"shared, then alone", true, false, false},
		{"shared, then shared", true, true, true},
	} {
		key := Key(t, tc.name)
		unlock, ok := take(sa, key, tc.firstShared)
		require.True(t, ok, "%s: the first holder takes a free key", tc.name)
		second, ok := take(sb, key, tc.secondShared)
		assert.Equal(t, tc.want, ok, tc.name)
		if ok {
			second()
			second() // twice is once
		}
		unlock()
		again, ok := take(sb, key, false)
		require.True(t, ok, "%s: the key is free once every holder let it go", tc.name)
		again()
	}
}
