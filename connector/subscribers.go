package connector

import (
	"slices"
	"sync"
	"sync/atomic"
)

// Subscribers holds the listeners of a Queue's events, so that every Queue
// implementation (LocalQueue, riverqueue.Queue) subscribes and delivers
// alike. Emit takes no lock: a queue may call it on its hot path, and with
// its own lock held to keep one job's events in order. The zero value is
// ready; it is safe for concurrent use.
type Subscribers struct {
	mu   sync.Mutex // serialises Subscribe and unsubscribe
	list atomic.Pointer[[]*subscriber]
}

type subscriber struct{ fn func(Event) }

// Subscribe adds fn; the returned function removes it (once; calling it
// again does nothing).
func (s *Subscribers) Subscribe(fn func(Event)) (unsubscribe func()) {
	sub := &subscriber{fn: fn}
	s.mu.Lock()
	defer s.mu.Unlock()
	var list []*subscriber
	if p := s.list.Load(); p != nil {
		list = slices.Clone(*p)
	}
	list = append(list, sub)
	s.list.Store(&list)
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		list := slices.DeleteFunc(slices.Clone(*s.list.Load()), func(x *subscriber) bool { return x == sub })
		s.list.Store(&list)
	}
}

// Watched reports whether anyone listens, so that a hot path builds no
// event for nobody.
func (s *Subscribers) Watched() bool {
	p := s.list.Load()
	return p != nil && len(*p) > 0
}

// Emit calls every listener with ev, in the order they subscribed.
func (s *Subscribers) Emit(ev Event) {
	p := s.list.Load()
	if p == nil {
		return
	}
	for _, sub := range *p {
		sub.fn(ev)
	}
}
