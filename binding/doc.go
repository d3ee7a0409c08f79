// Package binding stores the bindings that tie each QoQa record to its
// OpenERP record, and the watermarks of the batch searches: the connector's
// memory. Losing a binding means a duplicate on the next sync, so every store
// keeps a binding unique both ways per model.
package binding
