// Package fakeserver holds what the fake QoQa and OpenERP servers share:
// faults injected on demand, by count or by rate, and hanging up on a
// caller.
package fakeserver

import (
	"context"
	"maps"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// Faults are the failures a fake server injects: named countdowns (fail
// the next n calls this way), rates (fail a share of the calls this way,
// drawn from a seeded source so that a run can be repeated) and a latency
// for every answer. The zero value injects nothing; it is safe for
// concurrent use.
type Faults struct {
	mu       sync.Mutex
	armed    map[string]int
	rates    map[string]float64
	rnd      *rand.Rand
	injected map[string]int
	latency  time.Duration
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

// Seed restarts the source the rates draw from, so that the same calls in
// the same order meet the same faults. Without it the source is seeded
// with zero.
func (f *Faults) Seed(seed uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rnd = newSource(seed)
}

func newSource(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// SetRate makes a share of the calls (0 to 1) that ask for kind fail that
// way, besides any armed countdown; zero stops it.
func (f *Faults) SetRate(kind string, rate float64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.rates == nil {
		f.rates = map[string]float64{}
	}
	if rate <= 0 {
		delete(f.rates, kind)
		return
	}
	f.rates[kind] = rate
}

// Take reports whether this call fails the way kind names: an armed
// countdown first, then a draw at kind's rate. It counts what it injects.
func (f *Faults) Take(kind string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	hit := false
	switch {
	case f.armed[kind] > 0:
		f.armed[kind]--
		hit = true
	case f.rates[kind] > 0:
		if f.rnd == nil {
			f.rnd = newSource(0)
		}
		hit = f.rnd.Float64() < f.rates[kind]
	}
	if hit {
		if f.injected == nil {
			f.injected = map[string]int{}
		}
		f.injected[kind]++
	}
	return hit
}

// Injected is how many calls failed each way so far, armed or drawn: what
// a test reports beside its outcome.
func (f *Faults) Injected() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.injected)
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
