package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/qoqasync/qoqasync/binding"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/store/postgres"
	"github.com/qoqasync/qoqasync/store/sqlite"
)

// storage is where the runner keeps its state: the bindings and watermarks,
// the queue of jobs, and the lock of record pairs, all in one database.
type storage struct {
	Store  binding.Store
	Queue  connector.Queue
	Locker connector.Locker
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
// it; handler runs the jobs.
func openStorage(ctx context.Context, c config, backendName string, handler connector.Handler, logger *slog.Logger) (*storage, error) {
	// The database is the binding store; River's jobs go in it too. On
	// PostgreSQL, where several processes share the work, the lock of
	// record pairs is the database's; on SQLite the flows' in-process one
	// serves (a nil Locker).
	var store binding.Store
	var locker connector.Locker
	if isPostgres(c.Store) {
		db, err := postgres.Open(ctx, c.Store, backendName)
		if err != nil {
			return nil, fmt.Errorf("-store: %w", err)
		}
		store, locker = db, db.Locker()
	} else {
		db, err := sqlite.Open(ctx, c.Store, backendName)
		if err != nil {
			return nil, fmt.Errorf("-store: %w", err)
		}
		store = db
	}
	queueConfig := connector.QueueConfig{Handler: handler, Concurrency: 8, Logger: logger}
	switch c.Queue {
	case queueMemory:
		return &storage{Store: store, Queue: connector.NewLocalQueue(queueConfig), Locker: locker, close: store.Close}, nil
	}
	store.Close()
	return nil, &settingError{flag: "queue", msg: "the River queue is not available yet: use -queue memory"}
}
