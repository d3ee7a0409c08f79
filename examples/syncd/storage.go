package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/riverqueue/river/riverdriver"

	"github.com/qoqasync/qoqasync/binding"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/queueui"
	"github.com/qoqasync/qoqasync/riverqueue"
	"github.com/qoqasync/qoqasync/store/postgres"
	"github.com/qoqasync/qoqasync/store/sqlite"
)

// storage is where the runner keeps its state: the bindings and watermarks,
// the queue of jobs, and the lock of record pairs, all in one database.
type storage struct {
	Store  binding.Store
	Queue  connector.Queue
	Locker connector.Locker
	// Tasks, when set, runs the scheduled searches through the queue:
	// River's periodic jobs, which only the elected leader of the
	// processes sharing the database queues. Nil means an in-process
	// connector.Scheduler.
	Tasks connector.TaskScheduler
	// UI is the queue's web UI (River's), nil when the queue has none.
	UI http.Handler
	// close releases what open made, the queue last stopped by the caller.
	close func() error
}

// isPostgres reports whether the store is a PostgreSQL URL.
func isPostgres(store string) bool {
	return strings.HasPrefix(store, "postgres://") || strings.HasPrefix(store, "postgresql://")
}

// openStorage opens the store -store names and the queue -queue names on
// it; handler runs the jobs. The River queue lives in the store's database,
// so that a binding and the jobs that led to it are kept together; on
// PostgreSQL, where several runners share the database, the record pairs
// are locked with advisory locks, and on SQLite (one process) in memory.
func openStorage(ctx context.Context, c config, backendName string, handler connector.Handler, logger *slog.Logger) (*storage, error) {
	queueConfig := connector.QueueConfig{Handler: handler, Concurrency: 8, Logger: logger}
	riverConfig := riverqueue.Config{QueueConfig: queueConfig, RescueAfter: c.RescueAfter}
	st := &storage{}
	var err error
	if isPostgres(c.Store) {
		var db *postgres.DB
		if db, err = postgres.Open(ctx, c.Store, backendName); err != nil {
			return nil, fmt.Errorf("-store: %w", err)
		}
		st.Store, st.Locker, st.close = db, db.Locker(), db.Close
		if c.Queue == queueRiver {
			err = useRiver(ctx, st, db.Driver(), riverConfig, logger)
		}
	} else {
		var db *sqlite.DB
		if db, err = sqlite.Open(ctx, c.Store, backendName); err != nil {
			return nil, fmt.Errorf("-store: %w", err)
		}
		st.Store, st.close = db, db.Close
		if c.Queue == queueRiver {
			err = useRiver(ctx, st, db.Driver(), riverConfig, logger)
		}
	}
	if err != nil {
		st.close()
		return nil, err
	}
	if st.Queue == nil {
		st.Queue = connector.NewLocalQueue(queueConfig)
	}
	return st, nil
}

// useRiver puts in st a River queue on the store's database: the jobs, the
// periodic searches and River's web UI.
func useRiver[TTx any](ctx context.Context, st *storage, driver riverdriver.Driver[TTx], cfg riverqueue.Config, logger *slog.Logger) error {
	q, err := riverqueue.New(driver, cfg)
	if err != nil {
		return err
	}
	ui, err := queueui.New(ctx, q.Client(), "/queue", logger)
	if err != nil {
		return fmt.Errorf("the queue's web UI: %w", err)
	}
	st.Queue, st.Tasks, st.UI = q, q, ui
	return nil
}
