package riverqueue_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"

	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/connector/queuetest"
	"github.com/qoqasync/qoqasync/internal/pgtest"
	"github.com/qoqasync/qoqasync/riverqueue"
)

// fast keeps River's polling short, so that delayed jobs and retries start
// within the suite's expectations.
func fast(cfg connector.QueueConfig) riverqueue.Config {
	return riverqueue.Config{QueueConfig: cfg, FetchCooldown: 5 * time.Millisecond, FetchPollInterval: 20 * time.Millisecond}
}

func TestConformancePostgres(t *testing.T) {
	t.Parallel()
	queuetest.Run(t, func(t *testing.T, cfg connector.QueueConfig) connector.Queue {
		return newPostgresQueue(t, fast(cfg))
	})
}

func TestConformanceSQLite(t *testing.T) {
	t.Parallel()
	queuetest.Run(t, func(t *testing.T, cfg connector.QueueConfig) connector.Queue {
		return newSQLiteQueue(t, fast(cfg))
	})
}

// newPostgresQueue builds a queue in a fresh schema of the test server.
func newPostgresQueue(t testing.TB, cfg riverqueue.Config) *riverqueue.Queue[pgxTx] {
	t.Helper()
	pool, schema := pgtest.SchemaPool(t)
	driver := riverpgxv5.New(pool)
	require.NoError(t, riverqueue.Migrate(context.Background(), driver, schema))
	cfg.Schema = schema
	q, err := riverqueue.New(driver, cfg)
	require.NoError(t, err)
	return q
}

// newSQLiteQueue builds a queue on a fresh SQLite file.
func newSQLiteQueue(t testing.TB, cfg riverqueue.Config) *riverqueue.Queue[*sql.Tx] {
	t.Helper()
	db := openSQLite(t, filepath.Join(t.TempDir(), "queue.db"))
	driver := riversqlite.New(db)
	require.NoError(t, riverqueue.Migrate(context.Background(), driver, ""))
	q, err := riverqueue.New(driver, cfg)
	require.NoError(t, err)
	return q
}

func openSQLite(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_txlock=immediate")
	require.NoError(t, err)
	db.SetMaxOpenConns(1) // SQLite has one writer; River's own advice
	t.Cleanup(func() { db.Close() })
	return db
}
