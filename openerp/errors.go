package openerp

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The client's errors state facts and decide nothing: a Fault with its
// Kind, an HTTPError with its status and headers, a NetworkError, and the
// sentinels below. Whether to try again is the caller's choice; each error
// type answers the two questions that choice needs:
//
//   - Temporary() bool: may the same call succeed if sent again?
//   - RetryAfter() time.Duration: how long did the server ask to wait
//     (zero when it did not say)?
//
// The functions Temporary and RetryAfter ask them of any error the client
// returns, wrapped or not. A caller's own cancellation is returned as is
// (errors.Is(err, context.Canceled)) and is not temporary.

// Sentinel errors, to be checked with errors.Is.
var (
	// ErrResponseTooLarge is returned for an answer over
	// Config.MaxResponseBytes.
	ErrResponseTooLarge = errors.New("openerp: response too large")
	// ErrBadResponse is returned for a 200 OK whose body is not an XML-RPC
	// answer: a proxy's page, or a URL that is no OpenERP server.
	ErrBadResponse = errors.New("openerp: not an XML-RPC response")
	// ErrNoDate is returned by ServerTime when the server's answer has no
	// Date header to read its clock from.
	ErrNoDate = errors.New("the answer to version() has no Date header")
)

// HTTPError is an answer whose HTTP status is not 200 OK. OpenERP answers
// every call, faults included, with 200, so another status comes from what
// stands in front of it (a proxy, a load balancer, a maintenance page) or
// from a wrong URL.
type HTTPError struct {
	// Model and Method name the call that failed.
	Model, Method string
	StatusCode    int
	// Status is the status line's text: "503 Service Unavailable".
	Status string
	// Header holds the answer's headers: Retry-After, Location, Date.
	Header http.Header
}

// Error names the call, the status, where a redirect points and the wait
// asked for.
func (e *HTTPError) Error() string {
	msg := fmt.Sprintf("openerp: %s %s: HTTP %s", e.Model, e.Method, e.Status)
	if loc := e.Header.Get("Location"); loc != "" && e.StatusCode >= 300 && e.StatusCode < 400 {
		// Not followed: the request's body carries the password, and a
		// redirected POST turns into a GET that OpenERP cannot answer.
		msg += fmt.Sprintf(": redirected to %s; the client follows no redirect: set Config.URL to the server's own address", redactURL(loc))
	}
	if d := e.RetryAfter(); d > 0 {
		msg += fmt.Sprintf(" (retry after %s)", d)
	}
	return msg
}

// Temporary reports whether the same call may succeed later: for a 5xx,
// 429 Too Many Requests and 408 Request Timeout.
func (e *HTTPError) Temporary() bool {
	return e.StatusCode >= 500 || e.StatusCode == http.StatusTooManyRequests || e.StatusCode == http.StatusRequestTimeout
}

// RetryAfter is the wait the answer's Retry-After header asks for, in
// seconds or as an HTTP date (read against the answer's own Date header
// when it has one, so that clock skew does not stretch it); zero when
// there is none or it has passed.
func (e *HTTPError) RetryAfter() time.Duration {
	v := strings.TrimSpace(e.Header.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		return max(0, time.Duration(secs)*time.Second)
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0
	}
	now := time.Now()
	if date, err := http.ParseTime(e.Header.Get("Date")); err == nil {
		now = date
	}
	return max(0, at.Sub(now))
}

// NetworkError is a call that got no complete answer: a refused or reset
// connection, a timeout (errors.Is(err, context.DeadlineExceeded)), a
// body cut short. The call may or may not have reached the server.
type NetworkError struct {
	// Model and Method name the call that failed.
	Model, Method string
	Err           error
}

// Error names the call and the cause.
func (e *NetworkError) Error() string {
	return fmt.Sprintf("openerp: %s %s: %v", e.Model, e.Method, e.Err)
}

// Unwrap returns the cause, so that errors.Is finds
// context.DeadlineExceeded or a net error.
func (e *NetworkError) Unwrap() error { return e.Err }

// Temporary is true: the network or the server may be back soon.
func (e *NetworkError) Temporary() bool { return true }

// RetryAfter is zero: nothing said how long to wait.
func (e *NetworkError) RetryAfter() time.Duration { return 0 }

// Temporary reports whether err, or an error it wraps, is one of the
// client's errors that says the same call may succeed if sent again: a
// concurrency fault, a 5xx, 429 or 408, a network failure or timeout.
func Temporary(err error) bool {
	var f *Fault
	var h *HTTPError
	var n *NetworkError
	switch {
	case errors.As(err, &f):
		return f.Temporary()
	case errors.As(err, &h):
		return h.Temporary()
	case errors.As(err, &n):
		return n.Temporary()
	}
	return false
}

// RetryAfter returns the wait the server asked for before the next try
// (an HTTP Retry-After), or zero when err says nothing about it.
func RetryAfter(err error) time.Duration {
	var h *HTTPError
	if errors.As(err, &h) {
		return h.RetryAfter()
	}
	return 0
}
