package qoqatest

import (
	"net/http"
	"sync"
	"time"
)

// faults are the failures injected on demand into /api/v1/ calls; each
// count is the number of calls still to fail that way.
type faults struct {
	mu             sync.Mutex
	latency        time.Duration
	status         int
	statusCount    int
	rateLimit      int
	retryAfter     int
	maintenance    int
	drop           int
	commitThenDrop int
	errorsIn200    int
	notJSON        int
}

// Latency delays every API answer by d.
func (s *Server) Latency(d time.Duration) { s.faults.set(func(f *faults) { f.latency = d }) }

// FailStatus answers the next n API calls with status (500, 502, 503, 504)
// and an error list.
func (s *Server) FailStatus(n, status int) {
	s.faults.set(func(f *faults) { f.statusCount, f.status = n, status })
}

// RateLimit answers the next n API calls with 429 and Retry-After seconds.
func (s *Server) RateLimit(n, retryAfterSeconds int) {
	s.faults.set(func(f *faults) { f.rateLimit, f.retryAfter = n, retryAfterSeconds })
}

// Maintenance answers the next n API calls with 503 and error code 17.
func (s *Server) Maintenance(n int) { s.faults.set(func(f *faults) { f.maintenance = n }) }

// DropConnections closes the connection of the next n API calls without
// an answer, before doing anything.
func (s *Server) DropConnections(n int) { s.faults.set(func(f *faults) { f.drop = n }) }

// CommitThenDrop does the next n API calls, then closes their connection
// without an answer.
func (s *Server) CommitThenDrop(n int) { s.faults.set(func(f *faults) { f.commitThenDrop = n }) }

// ErrorsIn200 answers the next n API calls with a 200 whose body carries an
// error list.
func (s *Server) ErrorsIn200(n int) { s.faults.set(func(f *faults) { f.errorsIn200 = n }) }

// NotJSON answers the next n API calls with a 200 whose body is HTML.
func (s *Server) NotJSON(n int) { s.faults.set(func(f *faults) { f.notJSON = n }) }

func (f *faults) set(fn func(*faults)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

// injected is what one call suffers.
type injected struct {
	latency                                                              time.Duration
	status, retryAfter                                                   int
	rateLimited, maintenance, drop, commitThenDrop, errorsIn200, notJSON bool
}

func (f *faults) take() injected {
	f.mu.Lock()
	defer f.mu.Unlock()
	use := func(n *int) bool {
		if *n > 0 {
			*n--
			return true
		}
		return false
	}
	in := injected{latency: f.latency, retryAfter: f.retryAfter}
	if use(&f.statusCount) {
		in.status = f.status
	}
	in.rateLimited, in.maintenance, in.drop = use(&f.rateLimit), use(&f.maintenance), use(&f.drop)
	in.commitThenDrop, in.errorsIn200, in.notJSON = use(&f.commitThenDrop), use(&f.errorsIn200), use(&f.notJSON)
	return in
}

// hangUp closes the connection without an answer.
func hangUp(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}
