package riverqueue_test

import (
	"context"
	"database/sql"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/internal/pgtest"
	"github.com/qoqasync/qoqasync/riverqueue"
)

// A job that a process killed in its middle left running is taken again
// once RescueAfter has passed, by the next process on the database, and
// runs to its end.
func TestJobOfADeadProcessIsRescued(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		// open returns the queue on a fresh database, and a function that
		// marks every job as taken a minute ago by a process now dead.
		open func(t *testing.T, cfg riverqueue.Config) (connector.Queue, func(context.Context) error)
	}{
		{"SQLite", func(t *testing.T, cfg riverqueue.Config) (connector.Queue, func(context.Context) error) {
			db := openSQLite(t, filepath.Join(t.TempDir(), "queue.db"))
			driver := riversqlite.New(db)
			require.NoError(t, riverqueue.Migrate(context.Background(), driver, ""))
			q, err := riverqueue.New[*sql.Tx](driver, cfg)
			require.NoError(t, err)
			return q, func(ctx context.Context) error {
				_, err := db.ExecContext(ctx, `UPDATE river_job SET state = 'running', attempt = 1, attempted_at = ?, attempted_by = '["dead"]'`,
					time.Now().UTC().Add(-time.Minute).Format("2006-01-02 15:04:05.000"))
				return err
			}
		}},
		{"Postgres", func(t *testing.T, cfg riverqueue.Config) (connector.Queue, func(context.Context) error) {
			pool, schema := pgtest.SchemaPool(t)
			driver := riverpgxv5.New(pool)
			require.NoError(t, riverqueue.Migrate(context.Background(), driver, schema))
			cfg.Schema = schema
			q, err := riverqueue.New(driver, cfg)
			require.NoError(t, err)
			return q, func(ctx context.Context) error {
				_, err := pool.Exec(ctx, `UPDATE river_job SET state = 'running', attempt = 1, attempted_at = now() - interval '1 minute', attempted_by = '{dead}'`)
				return err
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			ran := make(chan string, 10)
			handler := connector.HandlerFunc(func(_ context.Context, j connector.Job) error {
				ran <- j.RecordID
				return nil
			})
			cfg := fast(connector.QueueConfig{Handler: handler, Logger: slog.New(slog.DiscardHandler)})
			cfg.RescueAfter = time.Second
			q, die := tc.open(t, cfg)
			_, err := q.Enqueue(ctx, connector.Job{Kind: connector.KindImport, Model: "order", RecordID: "7"})
			require.NoError(t, err)
			require.NoError(t, die(ctx))

			require.NoError(t, q.Start(ctx))
			t.Cleanup(func() { _ = q.Stop(context.Background()) })
			select {
			case id := <-ran:
				require.Equal(t, "7", id)
			case <-time.After(30 * time.Second):
				counts, _ := q.Counts(ctx)
				t.Fatalf("the job of the dead process was not run again; jobs: %v", counts)
			}
		})
	}
}
