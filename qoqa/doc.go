// Package qoqa is the client of the QoQa API v1 (shared/QOQA_API.md): the
// OAuth 1.0a PIN flow that gets an access token once (PINFlow), a token
// store to keep it (FileTokenStore), and a Client with one service per
// resource: typed records, a context on every call, a cap on answers, no
// redirects followed, an Idempotency-Key on every create, and searches of
// the IDs changed in a window streamed seven days at a time.
//
// Errors follow the contract's rules and errors.Is tells them apart:
// ErrAuth, ErrNotFound, ErrMaintenance (retried after 180 s, not counted),
// ErrRateLimited (retried after Retry-After), ErrUnavailable (retried),
// ErrValidation; an *Error keeps the answer's facts.
//
// Adapter is one resource as the connector's flows use it; qoqatest is a
// fake QoQa server that speaks the same contract.
package qoqa
