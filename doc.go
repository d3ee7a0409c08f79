// Package qoqasync keeps a QoQa online shop and an OpenERP (Odoo) database in
// sync. This package holds no code; it is the map a newcomer reads first.
//
// # How the packages fit together
//
// The engine, package connector, knows neither QoQa nor OpenERP. It holds
// the Job (do an import, export, delete or batch search to one record of one
// model), the Queue that runs jobs with retries, merging and one-job-per-
// record locking, the Scheduler that runs each model's batch search at its
// interval, and the error helpers (Retryable, Permanent, NothingToDo) with
// which a flow tells the queue what to do after an attempt.
//
// The systems plug into the engine:
//
//   - qoqa is the QoQa REST client (OAuth 1.0a PIN flow, one typed resource
//     per model), and qoqa/qoqatest a fake QoQa server that speaks the real
//     protocol;
//   - openerp is the OpenERP XML-RPC client, and openerp/openerptest a fake
//     OpenERP 7.0 server; the client does not import the engine;
//   - adapter is where the engine meets the clients: it makes one OpenERP
//     model a connector.Adapter and turns the client's errors into the
//     engine's retry decisions;
//   - binding stores which QoQa record is which OpenERP record, and the
//     per-model watermarks of the batch searches;
//   - backend pairs one QoQa shop with one OpenERP database and holds, per
//     model, the components the flows use.
//
// A host program builds a Backend, a binding store and a Queue, registers
// the flows' handlers on a connector.Mux, schedules the batch imports and
// starts the queue. examples/sync-demo does exactly that against the fake
// servers; examples/qoqa-login runs QoQa's PIN flow.
//
// # Guarantees
//
// Nothing is lost: a job is done, retried, or failed with its error kept,
// listable and re-runnable. Two jobs for the same record never run at once,
// and a queued duplicate is merged. Every call takes a context. Secrets never
// reach logs or errors.
package qoqasync
