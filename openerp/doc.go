// Package openerp is an XML-RPC client for OpenERP 7 and Odoo 8+ that a Go
// service can trust under load: a context on every call, timeouts, a cap on
// answers, TLS verification, safe concurrent use, and faults turned into
// errors that errors.Is tells apart (ErrAccessDenied, ErrValidation,
// ErrMissing, ErrConcurrency) and that follow the connector's retry rules.
//
// Client holds the ORM calls (Search, Read, SearchRead, Create, Write,
// Unlink, SearchCount, FieldsGet) and the per-language reads and writes of
// translatable fields; Domain builds search domains; Values reads what
// OpenERP sends (False for empty values, many2one pairs); Adapter is one
// model as the connector's flows use it.
//
// github.com/kolo/xmlrpc encodes and decodes the values only: its client
// runs one call at a time, takes no context and loses OpenERP 7's string
// fault codes.
package openerp
