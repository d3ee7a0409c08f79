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
package connector
