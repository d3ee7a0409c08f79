package qoqa

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Errors to test an error against with errors.Is. They say what happened;
// what to do about it is the caller's decision, which Error's Temporary,
// NotCounted and RetryAfter inform.
var (
	// ErrAuth: no or a bad signature (answered by a redirect to the login
	// page), a revoked token or a missing permission (403), a used or wrong
	// token or PIN (401). Retrying does not help; a new PIN flow may.
	ErrAuth = errors.New("qoqa: authentication failed")
	// ErrNotFound: the record does not exist: an answer with error code
	// 2, under a 404 or a 200. A delete that meets it finds the record
	// already gone. A 404 without code 2 (a proxy's or a router's page, a
	// wrong base URL or endpoint, QoQa's code 1) says nothing about the
	// record and is not ErrNotFound: it is an *Error of no kind, which no
	// retry mends.
	ErrNotFound = errors.New("qoqa: record not found")
	// ErrMaintenance: QoQa is in maintenance (code 17). Retry after
	// RetryAfter (MaintenanceDelay unless QoQa said otherwise); the attempt
	// says nothing about the call, so it is NotCounted.
	ErrMaintenance = errors.New("qoqa: maintenance")
	// ErrRateLimited: too many requests (429); retry after RetryAfter.
	ErrRateLimited = errors.New("qoqa: rate limited")
	// ErrValidation: a create or update broke a rule (422, code 4), or the
	// client found a required field missing before sending; the message
	// names the field. Retrying the same record does not help.
	ErrValidation = errors.New("qoqa: validation failed")
	// ErrUnavailable: a 500, 502, 503 or 504, an error list inside a 2xx
	// answer (code neither 2 nor 4: QoQa's front answered, the work behind
	// it failed), a timeout, a reset or a refused connection. Retry with
	// backoff.
	ErrUnavailable = errors.New("qoqa: server unavailable")
)

// MaintenanceDelay is how long the contract says to wait when QoQa is in
// maintenance and its answer names no delay.
const MaintenanceDelay = 180 * time.Second

// ErrorItem is one entry of an answer's "errors" list.
type ErrorItem struct {
	Type    string `json:"type"`
	Code    int    `json:"code"`
	Message string `json:"message"`
	Extras  any    `json:"extras"`
}

// String is the contract's report of an error: [code N] message: extras.
func (e ErrorItem) String() string {
	s := fmt.Sprintf("[code %d] %s", e.Code, e.Message)
	if e.Extras != nil && e.Extras != "" {
		s += fmt.Sprintf(": %v", e.Extras)
	}
	return s
}

// Error is a call that failed on QoQa's side or on the way there: an error
// answer of the API or of the PIN flow, or a call that got no answer. It
// keeps the exchange's facts, as go-github's ErrorResponse does, and
// errors.Is matches it against the sentinels above by what it means.
//
// It leaves the retry decision to the caller and gives it what it needs:
// Temporary says whether retrying may help, RetryAfter how long QoQa asked
// to wait, NotCounted whether the attempt should count against a retry
// budget. Every failure that a retry may mend is an *Error whose Temporary
// is true; the client's other errors (a cancelled context, an answer too
// large, not UTF-8 (ErrInvalidUTF8) or that does not decode, a create
// refused before it was sent) are not *Error.
type Error struct {
	Method string
	// Path is the request's path, without the query: /api/v1/order/12,
	// /oauth1.0a/access_token.
	Path string
	// StatusCode is the answer's HTTP status; zero when none came.
	StatusCode int
	Errors     []ErrorItem
	// RetryAfter is the delay QoQa asked for: a 429's Retry-After, or a
	// maintenance's (MaintenanceDelay by default). Zero when it asked none.
	RetryAfter time.Duration
	// Body quotes the start of a 2xx answer that was not JSON.
	Body string
	// Err is what the client found when the answer does not say it: the
	// network failure of a call that got no answer, or what a 2xx answer of
	// the PIN flow lacks. Errors.Is and errors.As look into it.
	Err  error
	kind error
}

// Error names the call and what came back, as the contract reports it:
// "qoqa: PUT /api/v1/offer/7: 422: [code 4] stop_at: must be after
// start_at: stop_at", or "no answer" and why.
func (e *Error) Error() string {
	var msgs []string
	for _, it := range e.Errors {
		msgs = append(msgs, it.String())
	}
	if e.Body != "" {
		msgs = append(msgs, fmt.Sprintf("answer is not JSON: %q", e.Body))
	}
	if e.Err != nil {
		msgs = append(msgs, e.Err.Error())
	}
	if e.StatusCode == 0 {
		return fmt.Sprintf("qoqa: %s %s: no answer: %s", e.Method, e.Path, strings.Join(msgs, "; "))
	}
	if len(msgs) == 0 {
		msgs = append(msgs, http.StatusText(e.StatusCode))
	}
	return fmt.Sprintf("qoqa: %s %s: %d: %s", e.Method, e.Path, e.StatusCode, strings.Join(msgs, "; "))
}

// Is matches the sentinel of the error's kind.
func (e *Error) Is(target error) bool { return e.kind != nil && target == e.kind }

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }

// Code is the first error code of the answer, zero when none.
func (e *Error) Code() int {
	if len(e.Errors) == 0 {
		return 0
	}
	return e.Errors[0].Code
}

// Temporary reports whether the same call may succeed later: QoQa is in
// maintenance (ErrMaintenance), throttles the caller (ErrRateLimited), or
// failed or could not be reached (ErrUnavailable). A caller that retries
// waits RetryAfter first when it is set.
func (e *Error) Temporary() bool {
	return e.kind == ErrUnavailable || e.kind == ErrMaintenance || e.kind == ErrRateLimited
}

// NotCounted reports whether a failed attempt says nothing about the call
// and should not count against a caller's retry budget: true during a
// maintenance, which may outlast any budget.
func (e *Error) NotCounted() bool { return e.kind == ErrMaintenance }

// classify sorts an error answer by the contract's rules: it sets the
// error's kind, and the maintenance delay when QoQa named none. An answer
// that no rule sorts (a 404 without code 2, another 4xx, another code
// outside a 2xx) keeps no kind: a permanent error, which reports what
// came back.
func classify(e *Error) *Error {
	code := e.Code()
	switch {
	case code == 17:
		e.kind = ErrMaintenance
		if e.RetryAfter == 0 {
			e.RetryAfter = MaintenanceDelay
		}
	case e.StatusCode == http.StatusTooManyRequests:
		e.kind = ErrRateLimited
	case code == 2: // only code 2 says the record does not exist
		e.kind = ErrNotFound
	case e.StatusCode >= 200 && e.StatusCode < 300 && len(e.Errors) > 0 && code != 4:
		// QoQa's front answered and the work behind it failed: as a 5xx.
		e.kind = ErrUnavailable
	case e.StatusCode >= 300 && e.StatusCode < 400, e.StatusCode == http.StatusUnauthorized, e.StatusCode == http.StatusForbidden:
		e.kind = ErrAuth
	case code == 4 || e.StatusCode == http.StatusUnprocessableEntity:
		e.kind = ErrValidation
	case e.StatusCode == 500, e.StatusCode == 502, e.StatusCode == 503, e.StatusCode == 504:
		e.kind = ErrUnavailable
	}
	return e
}
