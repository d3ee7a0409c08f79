package qoqatest

import (
	"time"
)

// The kinds of fault armed with fakeserver.Faults, for /api/v1/ calls.
const (
	faultStatus         = "status"
	faultRateLimit      = "rate limit"
	faultMaintenance    = "maintenance"
	faultDrop           = "drop"
	faultCommitThenDrop = "commit then drop"
	faultErrorsIn200    = "errors in 200"
	faultNotJSON        = "not JSON"
)

// Latency delays every API answer by d.
func (s *Server) Latency(d time.Duration) { s.faults.SetLatency(d) }

// FailStatus answers the next n API calls with status (500, 502, 503, 504)
// and an error list.
func (s *Server) FailStatus(n, status int) {
	s.mu.Lock()
	s.failStatus = status
	s.mu.Unlock()
	s.faults.Arm(faultStatus, n)
}

// RateLimit answers the next n API calls with 429 and Retry-After seconds.
func (s *Server) RateLimit(n, retryAfterSeconds int) {
	s.mu.Lock()
	s.retryAfter = retryAfterSeconds
	s.mu.Unlock()
	s.faults.Arm(faultRateLimit, n)
}

// Maintenance answers the next n API calls with 503 and error code 17.
func (s *Server) Maintenance(n int) { s.faults.Arm(faultMaintenance, n) }

// DropConnections closes the connection of the next n API calls without
// an answer, before doing anything.
func (s *Server) DropConnections(n int) { s.faults.Arm(faultDrop, n) }

// CommitThenDrop does the next n API calls, then closes their connection
// without an answer.
func (s *Server) CommitThenDrop(n int) { s.faults.Arm(faultCommitThenDrop, n) }

// ErrorsIn200 answers the next n API calls with a 200 whose body carries an
// error list.
func (s *Server) ErrorsIn200(n int) { s.faults.Arm(faultErrorsIn200, n) }

// NotJSON answers the next n API calls with a 200 whose body is HTML.
func (s *Server) NotJSON(n int) { s.faults.Arm(faultNotJSON, n) }
