// Package queueui serves River's web UI (riverqueue.com/riverui) over the
// durable queue, so that operators see the jobs of every process sharing the
// database, and retry or cancel them from a browser.
//
// A host mounts it under a prefix of its status address, on the client of
// its riverqueue.Queue:
//
//	ui, err := queueui.New(ctx, q.Client(), "/queue", logger)
//	if err != nil { ... }
//	mux.Handle("/queue/", ui)
//
// The engine's jobs are River jobs of kind "qoqasync" (their kind, model and
// record in the arguments); a failed job is River's "discarded", a pending
// one "available", "scheduled" or "retryable". The periodic tasks' runs are
// River jobs of kind "qoqasync_task".
//
// River's UI links pgx (and its own SQLite layer) whatever the queue's
// driver: a host that must link no pgx leaves this package out.
package queueui
