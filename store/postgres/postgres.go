package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/qoqasync/qoqasync/binding"
	"github.com/qoqasync/qoqasync/internal/sqlstore"
	"github.com/qoqasync/qoqasync/riverqueue"
)

// DB is one PostgreSQL database that holds everything the processes of a
// backend share: the bindings and watermarks, and River's jobs. Open it
// once per process; it is safe for concurrent use.
//
// DB is the binding.Store of its backend, the flows' Binder and
// WatermarkStore: ByRemote, ByLocal, Bind, Rebind, Unbind, List, Watermark
// and SetWatermark are those of the SQL store that it shares with SQLite.
type DB struct {
	*bindings
	pool   *pgxpool.Pool
	sqldb  *sql.DB
	driver *riverpgxv5.Driver
	locker *Locker
}

// LockConns is the least number of connections of the pool that holds
// DB.Locker's locks, one per lock held: eight jobs at once, each holding
// its record and three dependencies.
const LockConns = 32

// bindings names the shared SQL store without exporting it.
type bindings = sqlstore.Store

var _ binding.Store = (*DB)(nil)

// The advisory lock keys of the migrations: any two processes migrating
// one database take turns. The project's own is taken per transaction; the
// one around River's migrations, which run in several transactions, per
// session.
const (
	migrationLockKey      = 7164650923145780451
	riverMigrationLockKey = 7164650923145780452
)

// Open connects to the PostgreSQL database at url
// (postgres://user@host:5432/db; a search_path parameter picks the
// schema), applies the project's migrations and River's, and returns the
// database with the binding store of backend.
//
// The bindings go through database/sql on pgx (the statements the SQLite
// store shares), River through a pgx pool (Pool); both are connections to
// the same database, opened from the same URL, each at most the URL's
// pool_max_conns (pgx's default: the larger of 4 and the number of CPUs).
// The Locker's pool adds up to LockConns, opened as locks are taken. So a
// process opens at most 2 × pool_max_conns + LockConns connections: mind
// the server's max_connections (100 by default) when several share it.
func Open(ctx context.Context, url, backend string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// The error may quote the URL, and the URL may hold a password.
		return nil, errors.New("store/postgres: the PostgreSQL URL does not parse")
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store/postgres: open: %w", err)
	}
	sqldb := stdlib.OpenDB(*cfg.ConnConfig)
	// database/sql opens as many connections as it is asked for: bounded as
	// River's pool is, so that a runner's share of the server's
	// max_connections is known (see Open's doc).
	sqldb.SetMaxOpenConns(int(cfg.MaxConns))
	sqldb.SetMaxIdleConns(int(cfg.MaxConns))
	store, err := sqlstore.Open(ctx, sqldb, sqlstore.Dialect{
		Name:          "postgres",
		MigrationLock: fmt.Sprintf(`SELECT pg_advisory_xact_lock(%d)`, migrationLockKey),
		IsUnique:      isUnique,
	}, backend)
	if err != nil {
		sqldb.Close()
		pool.Close()
		return nil, err
	}
	lockCfg := cfg.Copy()
	lockCfg.MaxConns = max(cfg.MaxConns, LockConns)
	lockCfg.MinConns, lockCfg.MinIdleConns = 0, 0
	lockPool, err := pgxpool.NewWithConfig(ctx, lockCfg)
	if err != nil {
		store.Close()
		sqldb.Close()
		pool.Close()
		return nil, fmt.Errorf("store/postgres: open: %w", err)
	}
	d := &DB{bindings: store, pool: pool, sqldb: sqldb, driver: riverpgxv5.New(pool), locker: NewLocker(lockPool, backend)}
	if err := d.migrateRiverLocked(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("store/postgres: River's migrations: %w", err)
	}
	return d, nil
}

// migrateRiverLocked runs riverqueue.Migrate under a session advisory lock, held
// on a connection of its own: River's migrator reads the applied versions
// and then applies each missing one in its own transaction, so two
// processes opening a new database at once would both apply the first one.
func (d *DB) migrateRiverLocked(ctx context.Context) error {
	conn, err := d.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, int64(riverMigrationLockKey)); err != nil {
		return fmt.Errorf("lock: %w", err)
	}
	migrateErr := riverqueue.Migrate(ctx, d.driver, "")
	if _, err := conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, int64(riverMigrationLockKey)); err != nil {
		// A connection that may still hold the lock goes back to no pool.
		conn.Conn().Close(context.WithoutCancel(ctx))
		return errors.Join(migrateErr, fmt.Errorf("unlock: %w", err))
	}
	return migrateErr
}

func isUnique(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == "23505"
}

// Pool is the pgx pool on the database, for River's client and for what a
// host keeps beside (riverpgxv5.New takes it). It is closed with the DB.
func (d *DB) Pool() *pgxpool.Pool { return d.pool }

// Driver is River's driver on the pool, its migrations applied: what a
// River client (and riverqueue) runs on.
func (d *DB) Driver() *riverpgxv5.Driver { return d.driver }

// Locker is the lock of record pairs shared by every process on the
// database (backend.Env's Locker), its keys those of the DB's backend. Its
// locks are held on a pool of their own, of at least LockConns
// connections opened as needed, so that they never take the connections of
// the bindings or River's.
func (d *DB) Locker() *Locker { return d.locker }

// Close implements binding.Store: it closes the database's connections,
// which frees the locks still held. Stop the River client that runs on it,
// and the jobs holding locks, first.
func (d *DB) Close() error {
	err := errors.Join(d.bindings.Close(), d.sqldb.Close())
	d.pool.Close()
	d.locker.pool.Close()
	return err
}
