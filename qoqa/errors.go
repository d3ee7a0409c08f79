package qoqa

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/qoqasync/qoqasync/connector"
)

// Errors to test an API error against with errors.Is.
var (
	// ErrAuth: no or a bad signature (answered by a redirect to the login
	// page), a revoked token or a missing permission (403), a used or wrong
	// token or PIN (401).
	ErrAuth = errors.New("qoqa: authentication failed")
	// ErrNotFound: the record does not exist (code 2). It also matches
	// connector.ErrNotFound.
	ErrNotFound = errors.New("qoqa: record not found")
	// ErrMaintenance: QoQa is in maintenance (code 17); retry after 180 s.
	ErrMaintenance = errors.New("qoqa: maintenance")
	// ErrRateLimited: too many requests (429); retry after RetryAfter.
	ErrRateLimited = errors.New("qoqa: rate limited")
	// ErrValidation: a create or update broke a rule (422, code 4); the
	// message names the field.
	ErrValidation = errors.New("qoqa: validation failed")
	// ErrUnavailable: a 5xx, an error list in a 2xx answer (code neither 2
	// nor 4), a timeout or a reset; retry with backoff.
	ErrUnavailable = errors.New("qoqa: server unavailable")
)

// MaintenanceDelay is how long to wait when QoQa is in maintenance.
const MaintenanceDelay = 180 * time.Second

// ErrorItem is one entry of an answer's "errors" list.
type ErrorItem struct {
	Type    string `json:"type"`
	Code    int    `json:"code"`
	Message string `json:"message"`
	Extras  any    `json:"extras"`
}

func (e ErrorItem) String() string {
	s := fmt.Sprintf("[code %d] %s", e.Code, e.Message)
	if e.Extras != nil && e.Extras != "" {
		s += fmt.Sprintf(": %v", e.Extras)
	}
	return s
}

// Error is an error answer of the API. It keeps the HTTP exchange's facts,
// as go-github's ErrorResponse does, and errors.Is matches it against the
// sentinels above by what it means.
type Error struct {
	Method string
	// Path is the request's path, without the query.
	Path       string
	StatusCode int
	Errors     []ErrorItem
	// RetryAfter is the delay a 429 or a maintenance asked for.
	RetryAfter time.Duration
	// Body quotes the start of an answer that was not JSON.
	Body string
	kind error
}

func (e *Error) Error() string {
	var msgs []string
	for _, it := range e.Errors {
		msgs = append(msgs, it.String())
	}
	if e.Body != "" {
		msgs = append(msgs, fmt.Sprintf("answer is not JSON: %q", e.Body))
	}
	if len(msgs) == 0 {
		msgs = append(msgs, http.StatusText(e.StatusCode))
	}
	return fmt.Sprintf("qoqa: %s %s: %d: %s", e.Method, e.Path, e.StatusCode, strings.Join(msgs, "; "))
}

// Is matches the sentinel of the error's kind, and connector.ErrNotFound for
// a missing record.
func (e *Error) Is(target error) bool {
	if e.kind == nil {
		return false
	}
	return target == e.kind || (e.kind == ErrNotFound && target == connector.ErrNotFound)
}

// Code is the first error code of the answer, zero when none.
func (e *Error) Code() int {
	if len(e.Errors) == 0 {
		return 0
	}
	return e.Errors[0].Code
}

// classify sorts an error answer by the contract's rules and wraps it as
// the connector's flows expect: retryable (with the delay asked for, and
// maintenance not counted), or permanent.
func classify(e *Error) error {
	code := e.Code()
	switch {
	case code == 17:
		e.kind = ErrMaintenance
		if e.RetryAfter == 0 {
			e.RetryAfter = MaintenanceDelay
		}
		return connector.Retryable(e, connector.After(e.RetryAfter), connector.NotCounted())
	case e.StatusCode == http.StatusTooManyRequests:
		e.kind = ErrRateLimited
		return connector.Retryable(e, connector.After(e.RetryAfter))
	case code == 2 || e.StatusCode == http.StatusNotFound:
		e.kind = ErrNotFound
	case e.StatusCode >= 200 && e.StatusCode < 300 && code != 4:
		// QoQa's front answered and the work behind it failed: as a 5xx.
		e.kind = ErrUnavailable
		return connector.Retryable(e)
	case e.StatusCode >= 300 && e.StatusCode < 400, e.StatusCode == http.StatusUnauthorized, e.StatusCode == http.StatusForbidden:
		e.kind = ErrAuth
	case code == 4 || e.StatusCode == http.StatusUnprocessableEntity:
		e.kind = ErrValidation
	case e.StatusCode == 500, e.StatusCode == 502, e.StatusCode == 503, e.StatusCode == 504:
		e.kind = ErrUnavailable
		return connector.Retryable(e)
	}
	return connector.Permanent(e)
}
