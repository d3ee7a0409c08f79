// Package connector is the sync engine: jobs, the queue that runs them, the
// scheduler of periodic tasks, and the errors with which a job's handler
// tells the queue what to do next.
//
// It knows neither QoQa nor OpenERP, so that every flow and every backend
// share one engine whose guarantees are tested once.
//
// # Jobs and queues
//
// A Job names its Kind (import, export, delete), its Model and its
// RecordID, carries JSON arguments, a priority and a run-at time; it asks
// "bring this record in sync" and reads the record when it runs. A Queue
// runs jobs through a Handler (a Mux routes them by kind and model):
//
//   - a job enqueued while one with its identity key (kind, model, record
//     and arguments) is pending is dropped as a duplicate, which never moves
//     the pending job; one enqueued while its key runs is kept;
//   - a failed attempt is retried by the RetryPolicy; the handler's error can
//     ask for a delay (Retryable with After), for the attempt not to count
//     (NotCounted), for no retry (Permanent), or end the job as done
//     (NothingToDo);
//   - after the last attempt a job is failed and kept with its error, to be
//     listed, re-run (Queue.Retry) or cancelled.
//
// LocalQueue is the in-process implementation. Every implementation passes
// the suite in connector/queuetest.
//
// # Flows
//
// The flows are generic over two Adapters (the remote QoQa side, the local
// OpenERP side), a Binder and a Mapper, so that a model costs a mapping and
// a few hooks:
//
//   - ImportFlow reads a remote record, imports its dependencies, maps it,
//     creates or updates it locally and binds it; it finds the record of a
//     create whose answer was lost instead of creating it twice;
//   - ExportFlow does the same the other way, binding a new remote ID at
//     once, and hands an archived record to the deletion policy;
//   - DeleteFlow applies a model's deletion policy, once;
//   - ChangeSearch (an import search, NewImportSearch) and ExportPoller queue
//     one job per changed record, by the searched system's clock, and move
//     their watermark after each window fully queued.
//
// The flows tell a change by content: a Binding keeps hashes of each side as
// last synced and of the values last written each way, and a flow skips a
// record whose hash did not move. No clock is compared, so a change made
// during a sync or in the same second is synced by the next run, and no
// write echoes back. The import, export and delete of one record pair take
// one lock (Locker), across processes with a shared one; a dependency cycle
// fails its job naming the chain (CycleError).
//
// A Planner runs the flows as a dry run: it wraps each model's adapters so
// that reads pass through and writes are recorded (a Plan of creates,
// updates with their FieldChanges, deletes and skips), and an Overlay keeps
// the store's writes in memory. An audit (AuditReport) uses the same dry
// run to tell what a forced sync of each pair would change, and queues
// the jobs that repair what it found.
//
// Mapping keeps mappers declarative: Field with Converters, Compute,
// OnCreate, Children and Finish; every mapping error names the
// model, the record and the field.
package connector
