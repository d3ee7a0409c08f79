// Package openerp is an XML-RPC client for OpenERP 7 and Odoo 8+ that a Go
// service can trust under load: a context on every call, timeouts, a cap on
// answers, TLS verification, safe concurrent use, and errors that state
// what happened without deciding what to do about it.
//
// Client holds the ORM calls (Search, Read, SearchRead, Create, Write,
// Unlink, SearchCount, FieldsGet) and the per-language reads and writes of
// translatable fields; Domain builds search domains; Values reads what
// OpenERP sends (False for empty values, many2one pairs).
//
// # Errors
//
// A fault is a *Fault sorted into a FaultKind, which errors.Is tells apart
// (ErrAccessDenied, ErrValidation, ErrMissing, ErrConcurrency, ErrBadCall);
// OpenERP 7's wording of a missing record as an access error is read as
// missing. A status other than 200 is an *HTTPError, a failed exchange a
// *NetworkError. Each answers Temporary() (may the same call succeed if
// sent again?) and RetryAfter() (how long did the server ask to wait?), and
// the functions Temporary and RetryAfter ask any error the client returns.
// The retry decision is the caller's: package adapter makes it for the sync
// engine, which this package does not import.
//
// The XML-RPC messages are written and read by internal/wire as Python's
// xmlrpc.client (OpenERP's own) writes and reads them: every text escaped,
// struct member names included. A text XML 1.0 cannot carry (a control
// character, bytes that are not UTF-8) or an integer beyond XML-RPC's
// 32-bit <int> is an error wrapping ErrInvalidValue, naming where it is in
// the call, before anything is sent. An answer whose values nest deeper
// than 100 arrays and structs is ErrBadResponse: the bound keeps a broken
// or hostile server from exhausting the stack, which no recover catches.
package openerp
