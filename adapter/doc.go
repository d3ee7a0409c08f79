// Package adapter is where the sync engine meets the two clients: it turns
// one QoQa resource or one OpenERP model into a connector.Adapter that the
// flows of package connector drive.
//
// The clients (packages qoqa and openerp) stand alone: a Go service uses
// either without linking the engine, and each returns its own typed errors
// that state facts (a fault and its kind, an HTTP status and its
// Retry-After, a network failure) without deciding anything. This package
// decides: it reads those facts and returns the engine's errors, so that a
// concurrency fault, a 5xx or a dropped connection is connector.Retryable
// (after the server's Retry-After when it gave one), a refusal no retry
// mends is connector.Permanent, and a record that does not exist wraps
// connector.ErrNotFound. Keeping the decisions here keeps them in one place
// per system, next to the code that knows both sides.
//
// OpenERP (openerp.go) adapts one OpenERP model; the QoQa adapter sits
// beside it in qoqa.go, and QoQaTracking (qoqa_tracking.go) adapts the one
// QoQa write that is an action rather than a record: an order's tracking
// numbers.
package adapter
