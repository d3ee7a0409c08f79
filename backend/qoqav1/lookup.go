package qoqav1

import (
	"context"
	"sync"

	"golang.org/x/sync/singleflight"
)

// lookups keep the answers of a look-up that does not change while a sync
// runs (a country by its code, a line product by its default_code), asking
// each key once per process. Jobs that need one key at once share one call,
// and a call for one key never waits for another key's: no lock is held
// across the network. A failed look-up is not kept: the next job asks
// again. The shared call runs under the context of the job that made it;
// when that job is cancelled, the jobs sharing it fail too, and retry.
type lookups struct {
	mu    sync.Mutex
	known map[string]int64
	calls singleflight.Group
}

// get returns the ID of key, calling look when no earlier call found it.
func (l *lookups) get(ctx context.Context, key string, look func(ctx context.Context) (int64, error)) (int64, error) {
	l.mu.Lock()
	id, ok := l.known[key]
	l.mu.Unlock()
	if ok {
		return id, nil
	}
	v, err, _ := l.calls.Do(key, func() (any, error) {
		id, err := look(ctx)
		if err != nil {
			return nil, err
		}
		l.mu.Lock()
		if l.known == nil {
			l.known = map[string]int64{}
		}
		l.known[key] = id
		l.mu.Unlock()
		return id, nil
	})
	if err != nil {
		return 0, err
	}
	return v.(int64), nil
}
