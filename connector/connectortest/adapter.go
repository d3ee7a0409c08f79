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
// Archiver, an ActiveChecker, a Clock, a Windower and a FullUpdater. Its
// records get IDs 1, 2, 3...; every write sets UpdatedAt to its clock's
// time, truncated to the second as OpenERP's write_date and QoQa's
// updated_at are. A record is archived when its "active" field is false.
type Adapter struct {
	// Name names the fake in errors.
	Name string
	// Idempotent makes a create with a ref already used answer the first
	// create's ID, as QoQa's Idempotency-Key does.
	Idempotent bool
	// PartialUpdate makes Update write only the fields it is given, as
	// OpenERP's write does; false replaces the whole record, as QoQa's
	// PUT does.
	PartialUpdate bool
	// Clock is the system's own clock; nil means time.Now. A test sets it
	// ahead of or behind the host's to check that nothing depends on the
	// host's clock.
	Clock func() time.Time
	// Window caps the range one search covers (see connector.Windower);
	// zero searches any range at once.
	Window time.Duration

	mu      sync.Mutex
	nextID  int
	records map[string]*connector.Record
	refs    map[string]string // ref -> ID
	refOf   map[string]string // ID -> ref
	faults  map[string][]fault
	calls   map[string]int
	hooks   map[string]func()
	after   map[string]func()
}

type fault struct {
	err        error
	afterWrite bool // do the work, then answer with err: a lost answer
}

// ErrLostAnswer is what a call whose answer was lost returns.
var ErrLostAnswer = connector.Retryable(errors.New("connection reset after the request was sent"))

var (
	_ connector.Adapter       = (*Adapter)(nil)
	_ connector.Finder        = (*Adapter)(nil)
	_ connector.Archiver      = (*Adapter)(nil)
	_ connector.ActiveChecker = (*Adapter)(nil)
	_ connector.Clock         = (*Adapter)(nil)
	_ connector.Windower      = (*Adapter)(nil)
	_ connector.FullUpdater   = (*Adapter)(nil)
)

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
	rec.Archived = false
	a.records[rec.ID] = &rec
	return rec.ID
}

// Get returns a record as stored, and whether it exists.
func (a *Adapter) Get(id string) (connector.Record, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	r, ok := a.records[id]
	if !ok {
		return connector.Record{}, false
	}
	return a.view(r), true
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
	r, ok := a.records[id]
	return ok && r.Fields["active"] != false
}

// Remove deletes a record as its system would, without a call.
func (a *Adapter) Remove(id string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.records, id)
}

// SetActive archives or reactivates a record as its system would.
func (a *Adapter) SetActive(id string, active bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if r, ok := a.records[id]; ok {
		a.setActive(r, active)
	}
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

// OnCall runs fn, once, when method is next called, before the call does
// anything: a test's way to change the system while a flow is in the middle
// of a sync (a user's edit between the flow's read and its bind). fn runs
// without the adapter's lock, so it may call any of its methods.
func (a *Adapter) OnCall(method string, fn func()) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.init()
	a.hooks[method] = fn
}

// OnReturn runs fn, once, when the next call of method has done its work
// and before it returns: a test's way to act between a flow's write and what
// the flow does next (another flow running between a create and its bind).
// fn runs without the adapter's lock, so it may call any of its methods.
func (a *Adapter) OnReturn(method string, fn func()) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.init()
	a.after[method] = fn
}

// returning runs the OnReturn hook of method, if any.
func (a *Adapter) returning(method string) {
	a.mu.Lock()
	hook := a.after[method]
	delete(a.after, method)
	a.mu.Unlock()
	if hook != nil {
		hook()
	}
}

func (a *Adapter) init() {
	if a.records == nil {
		a.records, a.refs, a.refOf = map[string]*connector.Record{}, map[string]string{}, map[string]string{}
		a.faults, a.calls = map[string][]fault{}, map[string]int{}
		a.hooks, a.after = map[string]func(){}, map[string]func(){}
	}
}

func (a *Adapter) now() time.Time {
	t := time.Now()
	if a.Clock != nil {
		t = a.Clock()
	}
	return t.UTC().Truncate(time.Second)
}

// view is a copy of r as a read returns it.
func (a *Adapter) view(r *connector.Record) connector.Record {
	out := *r
	out.Fields = maps.Clone(r.Fields)
	out.Archived = r.Fields["active"] == false
	return out
}

func (a *Adapter) setActive(r *connector.Record, active bool) {
	if r.Fields == nil {
		r.Fields = map[string]any{}
	}
	if active {
		delete(r.Fields, "active")
	} else {
		r.Fields["active"] = false
	}
	r.UpdatedAt = a.now()
}

// begin runs the method's hook, then takes the lock, counts the call and
// takes its injected fault, if any. The caller unlocks.
func (a *Adapter) begin(method string) fault {
	a.mu.Lock()
	a.init()
	hook := a.hooks[method]
	delete(a.hooks, method)
	if hook != nil {
		a.mu.Unlock()
		hook()
		a.mu.Lock()
	}
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
		f := a.begin("Search")
		var ids []string
		for id, r := range a.records {
			if !r.UpdatedAt.Before(from) && r.UpdatedAt.Before(to) {
				ids = append(ids, id)
			}
		}
		a.mu.Unlock()
		if f.err != nil {
			yield("", f.err)
			return
		}
		slices.SortFunc(ids, cmpID)
		for _, id := range ids {
			if !yield(id, nil) {
				return
			}
		}
	}
}

// Windows implements connector.Windower.
func (a *Adapter) Windows(from, to time.Time) iter.Seq2[time.Time, time.Time] {
	return func(yield func(time.Time, time.Time) bool) {
		if a.Window <= 0 {
			yield(from, to)
			return
		}
		for start := from; start.Before(to); start = start.Add(a.Window) {
			end := start.Add(a.Window)
			if end.After(to) {
				end = to
			}
			if !yield(start, end) {
				return
			}
		}
	}
}

// Now implements connector.Clock.
func (a *Adapter) Now(ctx context.Context) (time.Time, error) {
	f := a.begin("Now")
	defer a.returning("Now")
	defer a.mu.Unlock()
	if f.err != nil {
		return time.Time{}, f.err
	}
	return a.now(), nil
}

// UpdateReplaces implements connector.FullUpdater.
func (a *Adapter) UpdateReplaces() bool { return !a.PartialUpdate }

// Read implements connector.Adapter.
func (a *Adapter) Read(ctx context.Context, id string) (connector.Record, error) {
	f := a.begin("Read")
	defer a.returning("Read")
	defer a.mu.Unlock()
	if f.err != nil {
		return connector.Record{}, f.err
	}
	r, ok := a.records[id]
	if !ok {
		return connector.Record{}, a.notFound(id)
	}
	return a.view(r), nil
}

// Create implements connector.Adapter.
func (a *Adapter) Create(ctx context.Context, ref string, values map[string]any) (string, error) {
	f := a.begin("Create")
	defer a.returning("Create")
	defer a.mu.Unlock()
	if f.err != nil && !f.afterWrite {
		return "", f.err
	}
	if id, ok := a.refs[ref]; ok && a.Idempotent {
		return id, f.err
	}
	a.nextID++
	id := strconv.Itoa(a.nextID)
	a.records[id] = &connector.Record{ID: id, UpdatedAt: a.now(), Fields: maps.Clone(values)}
	a.refs[ref], a.refOf[id] = id, ref
	return id, f.err
}

// Update implements connector.Adapter.
func (a *Adapter) Update(ctx context.Context, id string, values map[string]any) error {
	f := a.begin("Update")
	defer a.returning("Update")
	defer a.mu.Unlock()
	if f.err != nil && !f.afterWrite {
		return f.err
	}
	r, ok := a.records[id]
	if !ok {
		return a.notFound(id)
	}
	if a.PartialUpdate && r.Fields != nil {
		maps.Copy(r.Fields, values)
	} else {
		r.Fields = maps.Clone(values)
	}
	r.UpdatedAt = a.now()
	return f.err
}

// Delete implements connector.Adapter.
func (a *Adapter) Delete(ctx context.Context, id string) error {
	f := a.begin("Delete")
	defer a.returning("Delete")
	defer a.mu.Unlock()
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
	f := a.begin("Archive")
	defer a.returning("Archive")
	defer a.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	r, ok := a.records[id]
	if !ok {
		return a.notFound(id)
	}
	a.setActive(r, false)
	return nil
}

// Active implements connector.ActiveChecker.
func (a *Adapter) Active(ctx context.Context, ids []string) (map[string]bool, error) {
	f := a.begin("Active")
	defer a.returning("Active")
	defer a.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	out := map[string]bool{}
	for _, id := range ids {
		if r, ok := a.records[id]; ok {
			out[id] = r.Fields["active"] != false
		}
	}
	return out, nil
}

// FindByRef implements connector.Finder.
func (a *Adapter) FindByRef(ctx context.Context, ref string) (string, error) {
	f := a.begin("FindByRef")
	defer a.returning("FindByRef")
	defer a.mu.Unlock()
	if f.err != nil {
		return "", f.err
	}
	if id, ok := a.refs[ref]; ok {
		if _, exists := a.records[id]; exists {
			return id, nil
		}
	}
	return "", fmt.Errorf("%s ref %s: %w", a.Name, ref, connector.ErrNotFound)
}

// RefOf implements connector.Finder.
func (a *Adapter) RefOf(rec connector.Record) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.refOf[rec.ID]
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
