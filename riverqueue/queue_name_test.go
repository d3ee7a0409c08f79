package riverqueue_test

import (
	"context"
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

// Two backends share one database, each with its own River queue
// (Config.QueueName, as its doc advises): the same job, enqueued in both,
// is two jobs, each run by its own backend's handler. A job of one backend
// taken for the duplicate of the other's is never run by its own.
func TestQueuesOfTwoBackendsInOneDatabaseKeepTheirJobs(t *testing.T) {
	t.Parallel()
	for _, db := range []string{"postgres", "sqlite"} {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			var open func(cfg riverqueue.Config) connector.Queue
			if db == "postgres" {
				_, schema := pgtest.SchemaPool(t)
				open = func(cfg riverqueue.Config) connector.Queue {
					driver := riverpgxv5.New(pgtest.Pool(t, schema))
					require.NoError(t, riverqueue.Migrate(context.Background(), driver, schema))
					cfg.Schema = schema
					q, err := riverqueue.New(driver, cfg)
					require.NoError(t, err)
					return q
				}
			} else {
				path := filepath.Join(t.TempDir(), "queue.db")
				open = func(cfg riverqueue.Config) connector.Queue {
					driver := riversqlite.New(openSQLite(t, path))
					require.NoError(t, riverqueue.Migrate(context.Background(), driver, ""))
					q, err := riverqueue.New(driver, cfg)
					require.NoError(t, err)
					return q
				}
			}
			ran := make(chan string, 4)
			backend := func(name string) connector.Queue {
				cfg := fast(connector.QueueConfig{
					Logger: slog.New(slog.DiscardHandler),
					Handler: connector.HandlerFunc(func(context.Context, connector.Job) error {
						ran <- name
						return nil
					}),
				})
				cfg.QueueName = name
				return open(cfg)
			}
			ch, fr := backend("qoqa_ch"), backend("qoqa_fr")
			ctx := context.Background()
			job := connector.Job{Kind: connector.KindImport, Model: "order", RecordID: "1"}
			_, err := ch.Enqueue(ctx, job)
			require.NoError(t, err)
			res, err := fr.Enqueue(ctx, job)
			require.NoError(t, err)
			assert.False(t, res.Duplicate, "the other backend's job was taken for a duplicate of this one")
			for _, q := range []connector.Queue{ch, fr} {
				require.NoError(t, q.Start(ctx))
				t.Cleanup(func() {
					stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
					defer cancel()
					assert.NoError(t, q.Stop(stopCtx))
				})
			}
			got := map[string]bool{}
			deadline := time.After(10 * time.Second)
			for len(got) < 2 {
				select {
				case name := <-ran:
					got[name] = true
				case <-deadline:
					t.Fatalf("only %v ran their job", got)
				}
			}
		})
	}
}
