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
	// faultCommitThenDropWrite is commit-then-drop drawn by rate: only
	// creates and updates, the calls whose lost answer may double a record.
	faultCommitThenDropWrite = "commit then drop a write"
)

// FaultRates are the shares (0 to 1) of API calls that fail each way, drawn
// from a source seeded with Seed so that a run can be repeated: a test
// that syncs much data under faults of every kind at once sets them with
// SetFaultRates. The OAuth endpoints never fail.
type FaultRates struct {
	Seed uint64
	// Status answers 500, 502, 503 or 504 with an error list.
	Status float64
	// Drop closes the connection without an answer, before doing anything.
	Drop float64
	// RateLimit answers 429 with a Retry-After of RetryAfter.
	RateLimit float64
	// Maintenance answers 503 with error code 17, and a Retry-After of
	// RetryAfter when it is set (QoQa's 180 s apply otherwise).
	Maintenance float64
	// ErrorsIn200 answers 200 with an error list.
	ErrorsIn200 float64
	// CommitThenDrop does a create or an update, then closes the
	// connection without an answer.
	CommitThenDrop float64
	// RetryAfter is the wait 429 and maintenance answers ask for [1 s].
	RetryAfter time.Duration
}

// SetFaultRates makes shares of the API calls fail as r says, on top of
// the faults armed by count; a zero FaultRates stops them.
func (s *Server) SetFaultRates(r FaultRates) {
	if r.RetryAfter <= 0 {
		r.RetryAfter = time.Second
	}
	s.mu.Lock()
	s.retryAfter = int(r.RetryAfter / time.Second)
	s.maintenanceRetryAfter = s.retryAfter
	s.mu.Unlock()
	s.faults.Seed(r.Seed)
	for kind, rate := range map[string]float64{
		faultStatus: r.Status, faultDrop: r.Drop, faultRateLimit: r.RateLimit, faultMaintenance: r.Maintenance,
		faultErrorsIn200: r.ErrorsIn200, faultCommitThenDropWrite: r.CommitThenDrop,
	} {
		s.faults.SetRate(kind, rate)
	}
}

// InjectedFaults is how many API calls failed each way so far, by count or
// by rate: "status", "drop", "rate limit", "maintenance", "errors in 200",
// "commit then drop" and "commit then drop a write" (by rate).
func (s *Server) InjectedFaults() map[string]int { return s.faults.Injected() }

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
