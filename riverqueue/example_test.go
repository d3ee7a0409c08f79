package riverqueue_test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/riverqueue/river/riverdriver/riversqlite"
	_ "modernc.org/sqlite"

	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/riverqueue"
)

// One process on a SQLite file: the jobs survive a restart. With PostgreSQL,
// riverpgxv5.New(pool) takes the driver's place, and several processes share
// the jobs.
func Example() {
	dir, err := os.MkdirTemp("", "riverqueue")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "qoqasync.db")+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)")
	if err != nil {
		panic(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // SQLite has one writer

	ctx := context.Background()
	driver := riversqlite.New(db)
	if err := riverqueue.Migrate(ctx, driver, ""); err != nil { // a store does this at open
		panic(err)
	}
	q, err := riverqueue.New(driver, riverqueue.Config{QueueConfig: connector.QueueConfig{
		Logger: slog.New(slog.DiscardHandler),
		Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
			fmt.Println("sync", j.Model, j.RecordID)
			return nil
		}),
	}})
	if err != nil {
		panic(err)
	}
	done := make(chan struct{})
	defer q.Subscribe(func(ev connector.Event) {
		if ev.Type == connector.EventDone {
			close(done)
		}
	})()
	if _, err := q.Enqueue(ctx, connector.Job{Kind: connector.KindImport, Model: "order", RecordID: "4711"}); err != nil {
		panic(err)
	}
	if err := q.Start(ctx); err != nil {
		panic(err)
	}
	<-done
	stopCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := q.Stop(stopCtx); err != nil {
		panic(err)
	}
	// Output: sync order 4711
}
