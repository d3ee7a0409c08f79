// Package connectortest holds in-memory fakes of the connector's edges, for
// testing flows without a server: Adapter is one model of a system, with
// fault injection.
package connectortest

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/qoqasync/qoqasync/connector"
)

// Adapter is an in-memory connector.Adapter that is also a Finder, an
// Archiver and an ActiveChecker. Its records get IDs 1, 2, 3...; every write
// sets UpdatedAt to Now.
type Adapter struct {
	// Name names the fake in errors.
	Name string
	// Idempotent makes a create with a ref already used answer the first
	// create's ID, as QoQa's Idempotency-Key does.
	Idempotent bool
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	mu      sync.Mutex
	nextID  int
	records map[string]*stored
	refs    map[string]string
	faults  map[string][]fault
	calls   map[string]int
}

type stored struct {
	rec    connector.Record
	active bool
}

type fault struct {
	err        error
	afterWrite bool // do the work, then answer with err: a lost answer
}

// ErrLostAnswer is what a call whose answer was lost returns.
var ErrLostAnswer = connector.Retryable(errors.New("connection reset after the request was sent"))

// New returns an empty adapter.
func New(name string) *Adapter { return &Adapter{Name: name} }

// Put creates or replaces a record as its system would (a user's edit),
// with UpdatedAt set to now, and returns its ID. An empty rec.ID takes the
// next ID.
func (a *Adapter) Put(rec connector.Record) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.init()
	if rec.ID == "" {
		a.nextID++
		rec.ID = strconv.Itoa(a.nextID)
	}
	rec.UpdatedAt = a.now()
	rec.Fields = maps.Clone(rec.Fields)
	a.records[rec.ID] = &stored{rec: rec, active: true}
	return rec.ID
}

// Get returns a record as stored, and whether it exists.
func (a *Adapter) Get(id string) (connector.Record, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	s, ok := a.records[id]
	if !ok {
		return connector.Record{}, false
	}
	r := s.rec
	r.Fields = maps.Clone(r.Fields)
	return r, true
}

// Len is the number of records, archived ones included.
func (a *Adapter) Len() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.records)
}

// IsActive reports whether the record exists and is not archived.
func (a *Adapter) IsActive(id string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	s, ok := a.records[id]
	return ok && s.active
}

// Remove deletes a record as its system would, without a call.
func (a *Adapter) Remove(id string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.records, id)
}

// Calls is how many times method was called.
func (a *Adapter) Calls(method string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.calls[method]
}

// Fail makes the next call of method fail with err, before doing anything.
func (a *Adapter) Fail(method string, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.init()
	a.faults[method] = append(a.faults[method], fault{err: err})
}

// LoseAnswer makes the next call of method do its work, then fail with
// ErrLostAnswer, as when a connection drops after the server committed.
func (a *Adapter) LoseAnswer(method string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.init()
	a.faults[method] = append(a.faults[method], fault{err: ErrLostAnswer, afterWrite: true})
}

func (a *Adapter) init() {
	if a.records == nil {
		a.records, a.refs = map[string]*stored{}, map[string]string{}
		a.faults, a.calls = map[string][]fault{}, map[string]int{}
	}
}

func (a *Adapter) now() time.Time {
	if a.Now != nil {
		return a.Now().UTC()
	}
	return time.Now().UTC()
}

// begin counts a call and takes its injected fault, if any. The caller holds
// the lock.
func (a *Adapter) begin(method string) fault {
	a.init()
	a.calls[method]++
	fs := a.faults[method]
	if len(fs) == 0 {
		return fault{}
	}
	a.faults[method] = fs[1:]
	return fs[0]
}

func (a *Adapter) notFound(id string) error {
	return fmt.Errorf("%s %s: %w", a.Name, id, connector.ErrNotFound)
}

// Search implements connector.Adapter.
func (a *Adapter) Search(ctx context.Context, from, to time.Time) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		a.mu.Lock()
		f := a.begin("Search")
		var ids []string
		for id, s := range a.records {
			if !s.rec.UpdatedAt.Before(from) && s.rec.UpdatedAt.Before(to) {
				ids = append(ids, id)
			}
		}
		a.mu.Unlock()
		if f.err != nil {
			yield("", f.err)
			return
		}
		slices.SortFunc(ids, func(x, y string) int { return cmpID(x, y) })
		for _, id := range ids {
			if !yield(id, nil) {
				return
			}
		}
	}
}

// Read implements connector.Adapter.
func (a *Adapter) Read(ctx context.Context, id string) (connector.Record, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if f := a.begin("Read"); f.err != nil {
		return connector.Record{}, f.err
	}
	s, ok := a.records[id]
	if !ok {
		return connector.Record{}, a.notFound(id)
	}
	r := s.rec
	r.Fields = maps.Clone(r.Fields)
	return r, nil
}

// Create implements connector.Adapter.
func (a *Adapter) Create(ctx context.Context, ref string, values map[string]any) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	f := a.begin("Create")
	if f.err != nil && !f.afterWrite {
		return "", f.err
	}
	if id, ok := a.refs[ref]; ok && a.Idempotent {
		return id, f.err
	}
	a.nextID++
	id := strconv.Itoa(a.nextID)
	a.records[id] = &stored{rec: connector.Record{ID: id, UpdatedAt: a.now(), Fields: maps.Clone(values)}, active: true}
	a.refs[ref] = id
	return id, f.err
}

// Update implements connector.Adapter.
func (a *Adapter) Update(ctx context.Context, id string, values map[string]any) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	f := a.begin("Update")
	if f.err != nil && !f.afterWrite {
		return f.err
	}
	s, ok := a.records[id]
	if !ok {
		return a.notFound(id)
	}
	if s.rec.Fields == nil {
		s.rec.Fields = map[string]any{}
	}
	maps.Copy(s.rec.Fields, values)
	s.rec.UpdatedAt = a.now()
	return f.err
}

// Delete implements connector.Adapter.
func (a *Adapter) Delete(ctx context.Context, id string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	f := a.begin("Delete")
	if f.err != nil && !f.afterWrite {
		return f.err
	}
	if _, ok := a.records[id]; !ok {
		return a.notFound(id)
	}
	delete(a.records, id)
	return f.err
}

// Archive implements connector.Archiver.
func (a *Adapter) Archive(ctx context.Context, id string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if f := a.begin("Archive"); f.err != nil {
		return f.err
	}
	s, ok := a.records[id]
	if !ok {
		return a.notFound(id)
	}
	s.active, s.rec.UpdatedAt = false, a.now()
	return nil
}

// SetActive archives or reactivates a record as its system would.
func (a *Adapter) SetActive(id string, active bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if s, ok := a.records[id]; ok {
		s.active, s.rec.UpdatedAt = active, a.now()
	}
}

// Active implements connector.ActiveChecker.
func (a *Adapter) Active(ctx context.Context, ids []string) (map[string]bool, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if f := a.begin("Active"); f.err != nil {
		return nil, f.err
	}
	out := map[string]bool{}
	for _, id := range ids {
		if s, ok := a.records[id]; ok && s.active {
			out[id] = true
		}
	}
	return out, nil
}

// FindByRef implements connector.Finder.
func (a *Adapter) FindByRef(ctx context.Context, ref string) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if f := a.begin("FindByRef"); f.err != nil {
		return "", f.err
	}
	if id, ok := a.refs[ref]; ok {
		if _, exists := a.records[id]; exists {
			return id, nil
		}
	}
	return "", fmt.Errorf("%s ref %s: %w", a.Name, ref, connector.ErrNotFound)
}

// cmpID orders numeric IDs as numbers.
func cmpID(x, y string) int {
	a, errA := strconv.Atoi(x)
	b, errB := strconv.Atoi(y)
	if errA == nil && errB == nil {
		return a - b
	}
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}
