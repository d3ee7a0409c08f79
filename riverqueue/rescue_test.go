package riverqueue_test

import (
	"context"
	"database/sql"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/riverqueue"
)

// A job that a process killed in its middle left running is taken again
// once RescueAfter has passed, by the next process on the SQLite file, and
// runs to its end.
func TestSQLiteJobOfADeadProcessIsRescued(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "queue.db")
	db := openSQLite(t, path)
	driver := riversqlite.New(db)
	ctx := context.Background()
	require.NoError(t, riverqueue.Migrate(ctx, driver, ""))
	ran := make(chan string, 10)
	handler := connector.HandlerFunc(func(_ context.Context, j connector.Job) error {
		ran <- j.RecordID
		return nil
	})
	cfg := fast(connector.QueueConfig{Handler: handler, Logger: slog.New(slog.DiscardHandler)})
	cfg.RescueAfter = time.Second
	q, err := riverqueue.New[*sql.Tx](driver, cfg)
	require.NoError(t, err)
	_, err = q.Enqueue(ctx, connector.Job{Kind: connector.KindImport, Model: "order", RecordID: "7"})
	require.NoError(t, err)
	// The dead process had taken it: running, attempted a while ago, by a
	// client that is gone.
	_, err = db.ExecContext(ctx, `UPDATE river_job SET state = 'running', attempt = 1, attempted_at = ?, attempted_by = '["dead"]'`,
		time.Now().UTC().Add(-time.Minute).Format("2006-01-02 15:04:05.000"))
	require.NoError(t, err)

	require.NoError(t, q.Start(ctx))
	t.Cleanup(func() { _ = q.Stop(context.Background()) })
	select {
	case id := <-ran:
		require.Equal(t, "7", id)
	case <-time.After(20 * time.Second):
		counts, _ := q.Counts(ctx)
		t.Fatalf("the job of the dead process was not run again; jobs: %v", counts)
	}
}
