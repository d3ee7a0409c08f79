package postgres_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/connector/lockertest"
	"github.com/qoqasync/qoqasync/internal/pgtest"
	"github.com/qoqasync/qoqasync/store/postgres"
)

// newPool is a pool of its own on the test server: a second pool is a
// second process as the server sees it.
func newPool(t testing.TB, maxConns int32) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(pgtest.URL(t))
	require.NoError(t, err)
	if maxConns > 0 {
		cfg.MaxConns = maxConns
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return pool
}

// namespace is a lock namespace no other test uses: advisory locks are
// the whole database's, shared by every test on the server.
func namespace(t testing.TB) string {
	return fmt.Sprintf("%s-%d-%d", t.Name(), os.Getpid(), time.Now().UnixNano())
}

func TestLockerConformance(t *testing.T) {
	t.Parallel()
	lockertest.Run(t, func(t *testing.T) (a, b connector.Locker) {
		ns := namespace(t)
		// Pools as large as DB.Locker's: a job holds several locks at once.
		return postgres.NewLocker(newPool(t, postgres.LockConns), ns), postgres.NewLocker(newPool(t, postgres.LockConns), ns)
	})
}

// eventuallyFree waits, up to a deadline, for key to be free on l: the
// server frees a dead session's locks once it sees the session end.
func eventuallyFree(t *testing.T, l connector.Locker, key string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for lockertest.Busy(t, l, key) {
		require.True(t, time.Now().Before(deadline), "%s is still held after its holder died", key)
		time.Sleep(10 * time.Millisecond) // polling the server, not waiting for time to pass
	}
}

const childEnv = "QOQASYNC_LOCKER_CHILD"

// TestLockerFreedWhenProcessDies locks a key in a child process, which is
// SIGKILLed while it holds it: the lock is the child's until then, and
// free after.
func TestLockerFreedWhenProcessDies(t *testing.T) {
	if spec := os.Getenv(childEnv); spec != "" {
		lockAndWait(spec)
		return
	}
	t.Parallel()
	ns := namespace(t)
	key := "customer remote 7"
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockerFreedWhenProcessDies$")
	cmd.Env = append(os.Environ(), childEnv+"="+ns+"\t"+key)
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	defer stdin.Close()
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })

	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- s
	}()
	select {
	case s := <-line:
		require.Equal(t, "locked\n", s, "the child did not lock")
	case <-time.After(30 * time.Second):
		t.Fatal("the child did not lock within 30s")
	}

	l := postgres.NewLocker(newPool(t, 0), ns)
	require.True(t, lockertest.Busy(t, l, key), "the child's lock is not seen by another process")
	require.NoError(t, cmd.Process.Kill())
	cmd.Wait()
	eventuallyFree(t, l, key)
}

// lockAndWait is the child: it locks key in namespace, says so, and holds
// it until it is killed (or its parent closes stdin).
func lockAndWait(spec string) {
	ns, key, _ := strings.Cut(spec, "\t")
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, pgtest.FromEnv())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	_, ok, err := postgres.NewLocker(pool, ns).TryLock(ctx, key)
	if err != nil || !ok {
		fmt.Fprintln(os.Stderr, "lock:", ok, err)
		os.Exit(2)
	}
	fmt.Println("locked")
	bufio.NewReader(os.Stdin).ReadString('\n')
	os.Exit(0)
}

// TestLockerFreedWhenConnectionKilled kills the connection that holds a
// lock (pg_terminate_backend, as a failover or an idle timeout would): the
// lock is free for the others, and the holder's unlock, later, harms
// nothing and leaves its locker working.
func TestLockerFreedWhenConnectionKilled(t *testing.T) {
	t.Parallel()
	ns, key := namespace(t), "order remote 1"
	admin := newPool(t, 0)
	a, b := postgres.NewLocker(newPool(t, 0), ns), postgres.NewLocker(newPool(t, 0), ns)
	unlock, ok, err := a.TryLock(context.Background(), key)
	require.NoError(t, err)
	require.True(t, ok)

	id := postgres.LockID(ns, key)
	var killed bool
	err = admin.QueryRow(context.Background(), `
		SELECT pg_terminate_backend(pid) FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND objsubid = 1
			AND classid::bigint = $1 AND objid::bigint = $2`,
		int64(uint32(uint64(id)>>32)), int64(uint32(id))).Scan(&killed)
	require.NoError(t, err, "the lock's holder is not in pg_locks")
	require.True(t, killed)

	eventuallyFree(t, b, key)
	unlock()
	lockertest.MustLock(t, a, lockertest.Key(t, "another"))
}

// TestLockerBusyWhenEveryConnectionHoldsALock: a lock wants a connection of
// its own; when the pool has none to spare, TryLock reports busy (the job
// comes back later, its attempt not counted), neither an error nor a wait
// without end.
func TestLockerBusyWhenEveryConnectionHoldsALock(t *testing.T) {
	t.Parallel()
	l := postgres.NewLocker(newPool(t, 2), namespace(t))
	unlock1 := lockertest.MustLock(t, l, "order remote 1")
	lockertest.MustLock(t, l, "order remote 2")
	unlock, ok, err := l.TryLock(context.Background(), "customer remote 3")
	require.NoError(t, err)
	assert.False(t, ok, "a lock was taken with no connection to hold it")
	assert.Nil(t, unlock)
	unlock1()
	lockertest.MustLock(t, l, "customer remote 3")
}

// TestDBLockerIsTheBackendsAcrossProcesses: two DBs open on one database
// (two processes) share the locks of one backend, and not another
// backend's.
func TestDBLockerIsTheBackendsAcrossProcesses(t *testing.T) {
	t.Parallel()
	dsn := pgtest.Schema(t)
	ns := namespace(t)
	open := func(backend string) *postgres.DB {
		db, err := postgres.Open(context.Background(), dsn, backend)
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		return db
	}
	a, sameBackend, otherBackend := open(ns), open(ns), open(ns+"-other")
	key := "customer remote 1"
	lockertest.MustLock(t, a.Locker(), key)
	tests := []struct {
		name string
		db   *postgres.DB
		busy bool
	}{
		{"same backend", sameBackend, true},
		{"other backend", otherBackend, false},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.busy, lockertest.Busy(t, tc.db.Locker(), key), tc.name)
	}
}

// TestLockerWaitingForAConnectionEndsWithItsContext: a TryLock waiting for
// a connection of a full pool returns when its context ends, with the
// context's error.
func TestLockerWaitingForAConnectionEndsWithItsContext(t *testing.T) {
	t.Parallel()
	l := postgres.NewLocker(newPool(t, 1), namespace(t))
	l.AcquireWait = time.Minute
	lockertest.MustLock(t, l, "order remote 1")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	unlock, ok, err := l.TryLock(ctx, "order remote 2")
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.False(t, ok)
	assert.Nil(t, unlock)
}

// BenchmarkLocker measures what a flow's lock costs a job on PostgreSQL:
// a TryLock and its unlock (ns/lock).
func BenchmarkLocker(b *testing.B) {
	l := postgres.NewLocker(newPool(b, postgres.LockConns), namespace(b))
	ctx := context.Background()
	i := 0
	for b.Loop() {
		i++
		unlock, ok, err := l.TryLock(ctx, fmt.Sprint("order remote ", i))
		if err != nil || !ok {
			b.Fatal(ok, err)
		}
		unlock()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/lock")
}
