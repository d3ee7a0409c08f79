// Package riverqueue is the durable connector.Queue, on River
// (github.com/riverqueue/river): its jobs live in a database, so that a
// restart, even a crash, loses none of those whose watermarks have already
// moved, and several processes can share the work.
//
// The package is generic over River's driver and links none itself, so that
// a host links only the database it uses:
//
//   - one process with no server: River's SQLite driver (riversqlite) on a
//     file opened with modernc.org/sqlite, one connection
//     (db.SetMaxOpenConns(1), as River advises for SQLite);
//   - several processes: River's PostgreSQL driver (riverpgxv5) on a
//     pgxpool, all of them on one database (and schema).
//
// The jobs share the database of the bindings and the watermarks: the store
// packages (store/sqlite, store/postgres) call Migrate when they open it, so
// that River's tables come with the project's. A host then builds the queue
// on the same handle:
//
//	driver := riverpgxv5.New(pool)
//	if err := riverqueue.Migrate(ctx, driver, ""); err != nil { ... }
//	q, err := riverqueue.New(driver, riverqueue.Config{
//		QueueConfig: connector.QueueConfig{Handler: mux},
//	})
//	...
//	q.Start(ctx)
//	defer q.Stop(stopCtx)
//
// The queue passes connector/queuetest on both drivers. How the contract maps
// on River:
//
//   - a job is one River job of kind "qoqasync", its kind, model, record and
//     arguments in River's arguments; a duplicate is dropped by River's
//     unique jobs on the job's identity key (see Queue for a job enqueued
//     while its key runs);
//   - each attempt's error is read by connector.Classify: a counted retry is
//     a River error retried at the time the engine's RetryPolicy (or the
//     error's Retry-After) says, an uncounted one a River snooze, a failed job
//     River's "discarded", kept with its errors, listable, re-run by Retry
//     and cancelled by Cancel;
//   - Stop is River's soft stop, then past its deadline River's hard stop;
//     the jobs cut short go back to pending without counting the attempt;
//   - events of this process's attempts come from River's subscription, the
//     others (enqueued, duplicate, started, cancelled) from the queue.
//
// A process killed in the middle of a job leaves it running in the database
// until River's rescuer (on the elected leader, every 30 seconds) gives it
// back, after Config.RescueAfter (an hour by default), which is also each
// job's timeout: River rescues only the jobs past their timeout.
//
// Periodic work goes through River's periodic jobs: Queue.Add (the
// connector.TaskScheduler that backend.Flows.Schedule takes) has only the
// elected leader queue each task, so that several processes do not run the
// same import search each.
package riverqueue
