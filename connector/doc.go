// Package connector is the sync engine: jobs, the queue that runs them, the
// scheduler of periodic tasks, and the errors with which a job's handler
// tells the queue what to do next.
//
// It knows neither QoQa nor OpenERP, so that every flow and every backend
// share one engine whose guarantees are tested once.
//
// # Jobs and queues
//
// A Job names its Kind (import, export, delete, batch), its Model and its
// RecordID, carries JSON arguments, a priority and a run-at time. A Queue
// runs jobs through a Handler (a Mux routes them by kind and model):
//
//   - jobs with the same identity key (by default kind, model and record) are
//     merged while pending and never run at the same time;
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
//     once, and skips records unchanged since their last sync (which is what
//     stops an import from being exported back);
//   - DeleteFlow applies a model's deletion policy;
//   - ChangeSearch (NewBatchImport) and ExportPoller queue one job per
//     changed record and move their watermark only once all are queued.
//
// Mapping keeps mappers declarative: Field with Converters, Compute,
// OnCreate, WhenChanged, Children and Finish; every mapping error names the
// model, the record and the field.
package connector
