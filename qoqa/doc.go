// Package qoqa is the client of the QoQa API v1 (shared/QOQA_API.md): the
// OAuth 1.0a PIN flow that gets an access token once (PINFlow), a token
// store to keep it (FileTokenStore), and a Client with one service per
// resource: typed records, a context on every call, a cap on answers, no
// redirects followed, an Idempotency-Key on every create, and searches of
// the IDs changed in a range, cut by Windows into QoQa's 7-day windows and
// streamed.
//
// It stands alone: it links no part of the sync engine, and a Go service
// can use it by itself.
//
// # Errors and retries
//
// The client reports what happened and leaves the decision to retry to its
// caller. errors.Is tells the cases apart: ErrAuth, ErrNotFound,
// ErrValidation, ErrMaintenance, ErrRateLimited, ErrUnavailable. A failure
// on QoQa's side or on the way there is an *Error, which keeps the
// exchange's facts (method, path, status, the answer's error list) and
// answers the three questions of a retry loop:
//
//   - Temporary: may the same call succeed later? (a maintenance, a 429, a
//     5xx, an error list inside a 2xx, no answer at all)
//   - RetryAfter: how long did QoQa ask to wait? (a 429's Retry-After, 180 s
//     for a maintenance)
//   - NotCounted: should the attempt not count against a retry budget? (a
//     maintenance, which says nothing about the call)
//
// An answer whose bytes are not UTF-8 is refused (ErrInvalidUTF8, naming
// the resource, the record and the JSON path of the field) instead of being
// decoded with U+FFFD in their place; it is no *Error: no retry mends it.
//
// Package adapter turns these into the sync engine's decisions.
//
// qoqatest is a fake QoQa server that speaks the same contract.
package qoqa
