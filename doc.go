// Package qoqasync keeps a QoQa online shop and an OpenERP (Odoo) database in
// sync. This package holds no code; it is the map a newcomer reads first.
//
// # How the packages fit together
//
// The engine, package connector, knows neither QoQa nor OpenERP. It holds
// the Job (bring one record of one model in sync: import, export or delete),
// the Queue that runs jobs with retries, the flows that sync a record, the
// change searches that queue them, the Scheduler that runs each search at
// its interval, and the error helpers (Retryable, Permanent, NothingToDo)
// with which a flow tells the queue what to do after an attempt.
//
// The systems plug into the engine:
//
//   - qoqa is the QoQa REST client (OAuth 1.0a PIN flow, one typed resource
//     per model), and qoqa/qoqatest a fake QoQa server that speaks the real
//     protocol; the client does not import the engine;
//   - openerp is the OpenERP XML-RPC client, and openerp/openerptest a fake
//     OpenERP 7.0 (or Odoo 8) server; the client does not import the engine;
//   - adapter is where the engine meets the clients: adapter.QoQa is one QoQa
//     resource and adapter.OpenERP one OpenERP model as the flows see them,
//     and both turn their client's errors (which only report what happened)
//     into the engine's retry decisions;
//   - binding stores which QoQa record is which OpenERP record, what each
//     looked like at the last sync, and the per-model watermarks of the
//     change searches (binding.Memory in memory);
//   - store/sqlite and store/postgres keep the bindings, the watermarks and
//     River's jobs in one database, a SQLite file for one process or
//     PostgreSQL for many, each package linking only its own driver (and
//     store/postgres the lock of record pairs on advisory locks);
//   - riverqueue is the durable Queue on River in that same database, and
//     queueui River's web UI over it;
//   - backend pairs one QoQa shop with one OpenERP database and holds, per
//     model, the components the flows use.
//
// A host program builds a Backend, a binding store and a Queue, registers
// the flows' handlers on a connector.Mux, schedules the change searches and
// starts the queue. examples/syncd, the full runner, does exactly that with
// the default components of backend/qoqav1; examples/qoqa-login runs QoQa's
// PIN flow, and examples/sandbox serves the fakes with demo data.
//
// # What "nothing lost" means
//
// A job is done, retried, or failed with its error kept, listable and
// re-runnable; a bad record fails its own job only. A change is told by each
// side's content (hashes kept in the binding), never by a clock: a change
// made while its record syncs, or in the same second as the last sync, is
// synced by the next run, and hosts whose clocks disagree with the servers'
// make no echo. Change searches follow each server's clock and resume after
// the last window they finished. The import, export and delete of one record
// pair never run at once (one lock per pair); an import and an export never
// both create one pair; a create whose answer or binding was lost is found
// again, not made twice (OpenERP by the reference written in the create,
// QoQa by its Idempotency-Key). Secrets never reach logs or errors.
//
// The limits, today:
//
//   - LocalQueue keeps its jobs in memory: a restart loses the jobs it held
//     while the watermarks that queued them have moved, so those records
//     wait until they change again. The River queue (riverqueue), the
//     runner's default, keeps them in the bindings' database.
//   - A crash between a QoQa create and its binding, followed by an import
//     of that QoQa record before the export's retry, makes an OpenERP
//     duplicate: a QoQa record carries no reference the import could look
//     up. The window is one write to the binding store.
//   - A local edit made in the few milliseconds between an import's write and
//     its read-back is taken as the import's own and is not exported until
//     the record changes again.
//   - OpenERP dates a write by its transaction's start: a transaction that
//     outlasts the change search's overlap (5 minutes by default) can commit
//     changes that no search finds.
package qoqasync
