// Package fakeserver holds what the fake QoQa and OpenERP servers share:
// faults injected on demand, and hanging up on a caller.
package fakeserver

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// Faults are the failures a fake server injects: named countdowns (fail
// the next n calls this way) and a latency for every answer. The zero value
// injects nothing; it is safe for concurrent use.
type Faults struct {
	mu      sync.Mutex
	armed   map[string]int
	latency time.Duration
}

// Arm makes the next n calls fail the way kind names; zero disarms it.
func (f *Faults) Arm(kind string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.armed == nil {
		f.armed = map[string]int{}
	}
	f.armed[kind] = n
}

// Take reports whether this call fails the way kind names, counting it.
func (f *Faults) Take(kind string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.armed[kind] > 0 {
		f.armed[kind]--
		return true
	}
	return false
}

// SetLatency delays every answer by d.
func (f *Faults) SetLatency(d time.Duration) {
	f.mu.Lock()
	f.latency = d
	f.mu.Unlock()
}

// Delay waits out the latency; false when the caller went away first.
func (f *Faults) Delay(ctx context.Context) bool {
	f.mu.Lock()
	d := f.latency
	f.mu.Unlock()
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// HangUp closes the connection without an answer, as a dropped connection
// or a crashed proxy would.
func HangUp(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}
