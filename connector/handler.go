package connector

import (
	"context"
	"fmt"
	"sync"
)

// Handler runs one job. Its error decides what the queue does next (see
// Classify): nil or NothingToDo ends the job as done, Permanent fails it, any
// other error retries it.
type Handler interface {
	Work(ctx context.Context, job Job) error
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, job Job) error

// Work calls f.
func (f HandlerFunc) Work(ctx context.Context, job Job) error { return f(ctx, job) }

// Mux routes jobs to handlers by kind and model, so that one queue can carry
// every flow of a backend. A handler registered with an empty model serves
// every model of its kind that has no handler of its own.
type Mux struct {
	mu       sync.RWMutex
	handlers map[muxKey]Handler
}

type muxKey struct {
	kind  Kind
	model string
}

// NewMux returns an empty Mux.
func NewMux() *Mux { return &Mux{handlers: map[muxKey]Handler{}} }

// Handle registers h for jobs of kind on model ("" for any model). It
// replaces an earlier registration.
func (m *Mux) Handle(kind Kind, model string, h Handler) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.handlers[muxKey{kind, model}] = h
}

// HandleFunc registers f like Handle.
func (m *Mux) HandleFunc(kind Kind, model string, f func(context.Context, Job) error) {
	m.Handle(kind, model, HandlerFunc(f))
}

// Work runs the handler registered for the job; a job that none serves fails
// permanently, since no retry will bring a handler.
func (m *Mux) Work(ctx context.Context, job Job) error {
	m.mu.RLock()
	h, ok := m.handlers[muxKey{job.Kind, job.Model}]
	if !ok {
		h, ok = m.handlers[muxKey{job.Kind, ""}]
	}
	m.mu.RUnlock()
	if !ok {
		return Permanent(fmt.Errorf("connector: no handler for %s jobs on model %s", job.Kind, job.Model))
	}
	return h.Work(ctx, job)
}
