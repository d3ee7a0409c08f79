package postgres

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/qoqasync/qoqasync/connector"
)

// Locker is the connector.Locker of processes sharing one PostgreSQL
// database: each lock is a session advisory lock, taken with
// pg_try_advisory_lock on a connection of its pool that is kept for as
// long as the lock is held (a job's duration) and given back by unlock. If
// the process dies, its connections close and the server frees their
// locks: no lock outlives its holder.
//
// A key is hashed, with its namespace (the backend), to the bigint of the
// advisory lock: FNV-1a, 64 bits. Two keys that hash alike share one lock,
// so their syncs serialize more than they need to, and nothing worse: no
// two holders ever hold one key. With 64 bits it takes billions of keys for
// a collision to be likely.
//
// Each held lock takes a connection of the pool: size it (pool_max_conns)
// for the jobs running at once times the locks a job holds (its record and
// the dependencies it syncs). When the pool has no connection to spare
// within AcquireWait, TryLock reports the key busy, and the flows retry the
// job later without counting the attempt.
type Locker struct {
	pool      *pgxpool.Pool
	namespace string
	// AcquireWait is how long TryLock waits for a connection of the pool.
	AcquireWait time.Duration
}

var _ connector.SharedLocker = (*Locker)(nil)

// DefaultAcquireWait is a Locker's AcquireWait unless set.
const DefaultAcquireWait = 200 * time.Millisecond

// NewLocker returns a Locker on pool whose keys are those of namespace
// (the backend's name): two backends in one database lock apart. The pool
// should be the Locker's own, so that held locks never take the
// connections of the bindings or of River (DB.Locker's is).
func NewLocker(pool *pgxpool.Pool, namespace string) *Locker {
	return &Locker{pool: pool, namespace: namespace, AcquireWait: DefaultAcquireWait}
}

// lockID is the advisory lock of key in namespace.
func lockID(namespace, key string) int64 {
	h := fnv.New64a()
	h.Write([]byte(namespace))
	h.Write([]byte{0})
	h.Write([]byte(key))
	return int64(h.Sum64())
}

// TryLock implements connector.Locker.
func (l *Locker) TryLock(ctx context.Context, key string) (func(), bool, error) {
	return l.tryLock(ctx, key, false)
}

// TryLockShared implements connector.SharedLocker, with PostgreSQL's shared
// advisory locks: held by many sessions at once, and refused while one
// session holds the same lock alone.
func (l *Locker) TryLockShared(ctx context.Context, key string) (func(), bool, error) {
	return l.tryLock(ctx, key, true)
}

// tryLock takes key's advisory lock, alone or shared, on a connection held
// until unlock.
func (l *Locker) tryLock(ctx context.Context, key string, shared bool) (func(), bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	lockSQL, unlockSQL := `SELECT pg_try_advisory_lock($1)`, `SELECT pg_advisory_unlock($1)`
	if shared {
		lockSQL, unlockSQL = `SELECT pg_try_advisory_lock_shared($1)`, `SELECT pg_advisory_unlock_shared($1)`
	}
	id := lockID(l.namespace, key)
	// Only a full pool bounds the wait by AcquireWait: a connection being
	// dialled on a slow machine is no sign that the key is busy.
	actx, cancel := ctx, context.CancelFunc(func() {})
	if st := l.pool.Stat(); st.AcquiredConns() >= st.MaxConns() {
		actx, cancel = context.WithTimeout(ctx, l.AcquireWait)
	}
	conn, err := l.pool.Acquire(actx)
	cancel()
	if err != nil {
		if ctx.Err() != nil {
			return nil, false, ctx.Err()
		}
		if errors.Is(err, context.DeadlineExceeded) {
			// Every connection holds a lock: the key may be free, but
			// taking it must wait for another job to end.
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("postgres: lock %q: %w", key, err)
	}
	var ok bool
	if err := conn.QueryRow(ctx, lockSQL, id).Scan(&ok); err != nil {
		// The answer may be lost after the server took the lock: the
		// connection goes, and the lock with it.
		discard(conn)
		if ctx.Err() != nil {
			return nil, false, ctx.Err()
		}
		return nil, false, fmt.Errorf("postgres: lock %q: %w", key, err)
	}
	if !ok {
		conn.Release()
		return nil, false, nil
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			var released bool
			err := conn.QueryRow(ctx, unlockSQL, id).Scan(&released)
			if err != nil || !released {
				// The connection still holds the lock, or is broken (the
				// server then freed it): it goes back to no pool.
				discard(conn)
				return
			}
			conn.Release()
		})
	}, true, nil
}

// discard closes conn and gives it back to its pool, which drops it.
func discard(conn *pgxpool.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	conn.Conn().Close(ctx)
	conn.Release()
}
