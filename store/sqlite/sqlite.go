package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/riverqueue/river/riverdriver/riversqlite"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/qoqasync/qoqasync/binding"
	"github.com/qoqasync/qoqasync/internal/sqlstore"
	"github.com/qoqasync/qoqasync/riverqueue"
)

// DB is one SQLite file that holds everything a process keeps: the bindings
// and watermarks of a backend, and River's jobs. Open it once per process
// and share it; it is safe for concurrent use.
//
// DB is the binding.Store of its backend, the flows' Binder and
// WatermarkStore: ByRemote, ByLocal, Bind, Rebind, Unbind, List, Watermark
// and SetWatermark are those of the SQL store that it shares with
// PostgreSQL.
type DB struct {
	*bindings
	db     *sql.DB
	driver *riversqlite.Driver
}

// bindings names the shared SQL store without exporting it.
type bindings = sqlstore.Store

var _ binding.Store = (*DB)(nil)

// Open opens (creating it if need be) the SQLite file at path, applies the
// project's migrations and River's, and returns the database with the
// binding store of backend. It uses modernc.org/sqlite, pure Go, so that a
// host builds without cgo.
//
// The file runs in WAL mode, with a busy timeout, and every transaction
// takes the write lock at its start, so that the goroutines of a process,
// and two processes opening the same file, wait for each other instead of
// failing.
func Open(ctx context.Context, path, backend string) (*DB, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "cache_size(-65536)") // 64 MiB: a million bindings stay in memory
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("store/sqlite: open %s: %w", path, err)
	}
	d, err := open(ctx, db, backend)
	if err != nil {
		db.Close()
		return nil, err
	}
	return d, nil
}

func open(ctx context.Context, db *sql.DB, backend string) (*DB, error) {
	// A new file's first connections switch it to WAL, which takes the
	// file's lock without waiting on the busy timeout: a process opening
	// it at the same moment is told SQLITE_BUSY, and tries again.
	if err := retryBusy(ctx, db.PingContext); err != nil {
		return nil, fmt.Errorf("store/sqlite: open: %w", err)
	}
	store, err := sqlstore.Open(ctx, db, sqlstore.Dialect{Name: "sqlite", IsUnique: isUnique}, backend)
	if err != nil {
		return nil, err
	}
	driver := riversqlite.New(db)
	if err := retryBusy(ctx, func(ctx context.Context) error { return riverqueue.Migrate(ctx, driver, "") }); err != nil {
		store.Close()
		return nil, fmt.Errorf("store/sqlite: River's migrations: %w", err)
	}
	return &DB{bindings: store, db: db, driver: driver}, nil
}

// retryBusy runs fn until it succeeds, fails otherwise than busy, or has
// tried for about two seconds. River's migrator reads the applied versions
// and then applies each missing one in its own transaction: a process that
// opens the file at the same moment as another applies a version the other
// has just applied, fails, and reads the versions again.
func retryBusy(ctx context.Context, fn func(context.Context) error) error {
	for wait := 10 * time.Millisecond; ; wait *= 2 {
		err := fn(ctx)
		if err == nil || !retriable(err) || wait > 2*time.Second {
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
}

// retriable reports the errors of a file that another connection is
// setting up or migrating at the same moment.
func retriable(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code() & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_CONSTRAINT:
		return true
	}
	// "table already exists", "duplicate column": a migration that the
	// other connection has applied meanwhile.
	return e.Code() == sqlite3.SQLITE_ERROR
}

func isUnique(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

// SQL is the file's handle, for River's client and for what a host keeps
// beside (riversqlite.New takes it). It is closed with the DB.
func (d *DB) SQL() *sql.DB { return d.db }

// Driver is River's driver on the file, its migrations applied: what a
// River client (and riverqueue) runs on.
func (d *DB) Driver() *riversqlite.Driver { return d.driver }

// Close implements binding.Store: it closes the database. Stop the River
// client that runs on it first.
func (d *DB) Close() error {
	return errors.Join(d.bindings.Close(), d.db.Close())
}
