package riverqueue_test

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/internal/pgtest"
	"github.com/qoqasync/qoqasync/riverqueue"
)

// A graceful stop with pending and failed jobs, then a start, as a process
// restarts: every job is still there, in its state, and the pending ones run.
func TestRestartKeepsPendingAndFailedJobs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		// open returns a fresh queue on the same database each call.
		open func(t *testing.T) func(cfg riverqueue.Config) connector.Queue
	}{
		{"SQLite", func(t *testing.T) func(cfg riverqueue.Config) connector.Queue {
			path := filepath.Join(t.TempDir(), "queue.db")
			return func(cfg riverqueue.Config) connector.Queue {
				driver := riversqlite.New(openSQLite(t, path))
				require.NoError(t, riverqueue.Migrate(context.Background(), driver, ""))
				q, err := riverqueue.New[*sql.Tx](driver, cfg)
				require.NoError(t, err)
				return q
			}
		}},
		{"Postgres", func(t *testing.T) func(cfg riverqueue.Config) connector.Queue {
			_, schema := pgtest.SchemaPool(t)
			return func(cfg riverqueue.Config) connector.Queue {
				driver := riverpgxv5.New(pgtest.Pool(t, schema))
				require.NoError(t, riverqueue.Migrate(context.Background(), driver, schema))
				cfg.Schema = schema
				q, err := riverqueue.New(driver, cfg)
				require.NoError(t, err)
				return q
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			open := tc.open(t)
			ctx := context.Background()
			failing := connector.HandlerFunc(func(context.Context, connector.Job) error {
				return connector.Permanent(errors.New("no mapping"))
			})
			cfg := fast(connector.QueueConfig{Handler: failing, Logger: slog.New(slog.DiscardHandler)})
			first := open(cfg)
			failed := make(chan int64, 1)
			unsub := first.Subscribe(func(ev connector.Event) {
				if ev.Type == connector.EventFailed {
					failed <- ev.Job.ID
				}
			})
			later := connector.Job{Kind: connector.KindImport, Model: "order", RecordID: "later", RunAt: time.Now().Add(time.Hour)}
			pending, err := first.Enqueue(ctx, later)
			require.NoError(t, err)
			_, err = first.Enqueue(ctx, connector.Job{Kind: connector.KindExport, Model: "product", RecordID: "bad"})
			require.NoError(t, err)
			require.NoError(t, first.Start(ctx))
			var failedID int64
			select {
			case failedID = <-failed:
			case <-time.After(30 * time.Second):
				t.Fatal("the bad job did not fail")
			}
			unsub()
			stopCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			require.NoError(t, first.Stop(stopCtx))

			ran := make(chan string, 2)
			cfg.Handler = connector.HandlerFunc(func(_ context.Context, j connector.Job) error { ran <- j.RecordID; return nil })
			second := open(cfg)
			jobs, err := second.List(ctx, connector.ListFilter{})
			require.NoError(t, err)
			require.Len(t, jobs, 2)
			assert.Equal(t, pending.Job.ID, jobs[0].ID)
			assert.Equal(t, connector.StatePending, jobs[0].State)
			assert.WithinDuration(t, later.RunAt, jobs[0].RunAt, time.Millisecond)
			assert.Equal(t, failedID, jobs[1].ID)
			assert.Equal(t, connector.StateFailed, jobs[1].State)
			assert.Contains(t, jobs[1].LastError, "no mapping")

			require.NoError(t, second.Start(ctx))
			t.Cleanup(func() {
				stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				assert.NoError(t, second.Stop(stopCtx))
			})
			_, err = second.Retry(ctx, failedID)
			require.NoError(t, err)
			select {
			case id := <-ran:
				assert.Equal(t, "bad", id, "the failed job re-run after the restart")
			case <-time.After(30 * time.Second):
				t.Fatal("the re-run job did not run after the restart")
			}
		})
	}
}
