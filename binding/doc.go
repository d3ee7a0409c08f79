// Package binding stores the bindings that tie each QoQa record to its
// OpenERP record, and the watermarks of the batch searches: the connector's
// memory. Losing a binding means a duplicate on the next sync, so every store
// keeps a binding unique both ways per model.
//
// This package holds the Store interface, the rules every store shares
// (Validate, ValidateRebind, Conflict) and Memory, the store of tests and
// throw-away runs; it links no database driver. The stores in a database are
// in their own packages, which also keep River's jobs in the same database:
// store/sqlite (one process, one file) and store/postgres (many processes).
// Package bindingtest is the conformance suite that all of them pass.
package binding
