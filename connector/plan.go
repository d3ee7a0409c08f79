package connector

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
)

// This file holds the dry run: the real flows, run with adapters that read
// through and record what they would write, so that an operator sees what
// a run is about to do before it does it.

// PlanAction is what a run would do to one record.
type PlanAction string

// The actions of a plan.
const (
	PlanCreate  PlanAction = "create"
	PlanUpdate  PlanAction = "update"
	PlanDelete  PlanAction = "delete"
	PlanArchive PlanAction = "archive"
	// PlanSkip is a job that would end with nothing to do (unchanged, or
	// skipped by the model's rules); Reason says why.
	PlanSkip PlanAction = "skip"
	// PlanFail is a job that would fail (or be retried); Reason holds the
	// error.
	PlanFail PlanAction = "fail"
)

// The sides a plan writes to.
const (
	SideLocal  = "local"
	SideRemote = "remote"
)

// PlanEntry is one thing a run would do.
type PlanEntry struct {
	Action PlanAction `json:"action"`
	// Model is the model of the record written (a dependency's own model
	// when the job's record needs it first).
	Model string `json:"model"`
	// Side is where the write would land: SideLocal or SideRemote; empty
	// for a skip or a failure.
	Side string `json:"side,omitempty"`
	// ID is the written record's ID on Side; a create has a placeholder
	// (a negative number) that the real run replaces with the new ID. For
	// a skip or a failure it is the job's record.
	ID string `json:"id"`
	// Ref is the reference a create is made under (see Ref).
	Ref string `json:"ref,omitempty"`
	// Changes are, for an update, the fields that would change, old (as
	// read on Side) to new; for a create, every value written.
	Changes []FieldChange `json:"changes,omitempty"`
	Reason  string        `json:"reason,omitempty"`
	// Job is the job that leads to the entry: "import order 12".
	Job string `json:"job"`
}

// Plan is what a run would do, in the order the jobs would run.
type Plan struct {
	Entries []PlanEntry
	// Jobs counts the jobs the plan ran.
	Jobs int
}

// Writes returns the entries that write something (or would fail): what
// makes a plan worth a look.
func (p *Plan) Writes() []PlanEntry {
	var out []PlanEntry
	for _, e := range p.Entries {
		if e.Action != PlanSkip {
			out = append(out, e)
		}
	}
	return out
}

// NothingToDo reports whether a run would write nothing and fail nothing.
func (p *Plan) NothingToDo() bool { return len(p.Writes()) == 0 }

// Count returns how many entries have action on model and side; an empty
// model or side matches any.
func (p *Plan) Count(action PlanAction, model, side string) int {
	n := 0
	for _, e := range p.Entries {
		if e.Action == action && (model == "" || e.Model == model) && (side == "" || e.Side == side) {
			n++
		}
	}
	return n
}

// WriteText prints the plan for a person: one line per write with its
// changed fields below it, the skips counted per model, or one line when
// there is nothing to do.
func (p *Plan) WriteText(w io.Writer) error {
	if p.NothingToDo() {
		_, err := fmt.Fprintf(w, "nothing to do: %d jobs checked, both sides are in sync\n", p.Jobs)
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	skips := map[string]int{}
	for _, e := range p.Entries {
		switch e.Action {
		case PlanSkip:
			skips[e.Model]++
			continue
		case PlanFail:
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", e.Action, e.Model, e.ID, oneLine(e.Reason))
			continue
		}
		id := e.ID
		if isPlaceholder(id) {
			id = "(new)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s %s\t(%s)\n", e.Action, e.Model, e.Side, id, e.Job)
		if e.Action == PlanUpdate && len(e.Changes) == 0 {
			fmt.Fprintf(tw, "\t\t  (the values it holds, written again)\t\n")
		}
		for _, c := range e.Changes {
			if e.Action == PlanCreate {
				fmt.Fprintf(tw, "\t\t  %s\t= %s\n", c.Field, short(c.New))
			} else {
				fmt.Fprintf(tw, "\t\t  %s\t%s → %s\n", c.Field, short(c.Old), short(c.New))
			}
		}
	}
	for _, m := range slices.Sorted(maps.Keys(skips)) {
		fmt.Fprintf(tw, "skip\t%s\t%d unchanged or skipped\t\n", m, skips[m])
	}
	return tw.Flush()
}

// WriteJSON prints the plan as JSON lines, one entry a line, for a script
// that gates a deploy on it; a plan with nothing to do prints one line
// {"action":"none","jobs":n}.
func (p *Plan) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	if p.NothingToDo() {
		return enc.Encode(map[string]any{"action": "none", "jobs": p.Jobs})
	}
	for _, e := range p.Entries {
		if err := enc.Encode(e); err != nil {
			return err
		}
	}
	return nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// short prints a value on one line, cut at 60 characters.
func short(v any) string {
	b, err := json.Marshal(v)
	s := string(b)
	if err != nil {
		s = fmt.Sprint(v)
	}
	if r := []rune(s); len(r) > 60 {
		s = string(r[:59]) + "…"
	}
	return s
}

// Planner runs the real flows without writing: it is the Enqueuer of the
// plan's change searches and polls, it wraps each model's adapters so that
// reads pass through and creates, updates and deletes are recorded instead
// of made (a create returns a placeholder ID, so that the jobs that depend
// on it go on), and it runs the queued jobs one by one. With an Overlay as
// the flows' Binder and WatermarkStore, nothing reaches either system nor
// the store, and the same code that decides a real run decides the plan.
type Planner struct {
	mu      sync.Mutex
	pending []Job
	keys    map[string]bool
	entries []PlanEntry
	jobs    int
	next    int
	// created holds the values of the records created in the plan, by
	// side, model and placeholder ID, so that reading them back works.
	created map[string]int
}

var _ Enqueuer = (*Planner)(nil)

// NewPlanner returns an empty planner.
func NewPlanner() *Planner {
	return &Planner{keys: map[string]bool{}, created: map[string]int{}}
}

// Enqueue implements Enqueuer: the job waits for Run, and a job identical
// to a pending one is dropped as a real queue drops it.
func (p *Planner) Enqueue(ctx context.Context, job Job) (EnqueueResult, error) {
	if err := job.Validate(); err != nil {
		return EnqueueResult{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	key := job.IdentityKey()
	if p.keys[key] {
		return EnqueueResult{Job: job, Duplicate: true}, nil
	}
	p.keys[key] = true
	job.State = StatePending
	p.pending = append(p.pending, job)
	return EnqueueResult{Job: job}, nil
}

type planJobKey struct{}

// Run runs the pending jobs through h, one at a time, in the order they
// were queued, and records a skip for each that has nothing to do and a
// failure for each that fails. It returns only ctx's error.
func (p *Planner) Run(ctx context.Context, h Handler) error {
	for {
		p.mu.Lock()
		if len(p.pending) == 0 {
			p.mu.Unlock()
			return nil
		}
		job := p.pending[0]
		p.pending = p.pending[1:]
		delete(p.keys, job.IdentityKey())
		p.jobs++
		p.mu.Unlock()

		err := h.Work(context.WithValue(ctx, planJobKey{}, job), job)
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		var nothing *NothingToDoError
		switch {
		case err == nil:
		case errors.As(err, &nothing):
			p.add(ctx, PlanEntry{Action: PlanSkip, Model: job.Model, ID: job.RecordID, Reason: nothing.Reason, Job: describe(job)})
		default:
			reason := err.Error()
			if IsRetryable(err) {
				reason = "would be retried: " + reason
			}
			p.add(ctx, PlanEntry{Action: PlanFail, Model: job.Model, ID: job.RecordID, Reason: reason, Job: describe(job)})
		}
	}
}

// Try runs job through h at once, as Run does, and returns what it would
// do: the entries it adds (none when the job would write nothing).
func (p *Planner) Try(ctx context.Context, h Handler, job Job) ([]PlanEntry, error) {
	p.mu.Lock()
	if len(p.pending) > 0 {
		p.mu.Unlock()
		return nil, errors.New("plan: Try while jobs are pending")
	}
	from := len(p.entries)
	p.mu.Unlock()
	if _, err := p.Enqueue(ctx, job); err != nil {
		return nil, err
	}
	if err := p.Run(ctx, h); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.entries[from:]), nil
}

// Plan returns what the jobs run so far would do.
func (p *Planner) Plan() *Plan {
	p.mu.Lock()
	defer p.mu.Unlock()
	return &Plan{Entries: slices.Clone(p.entries), Jobs: p.jobs}
}

func describe(j Job) string { return string(j.Kind) + " " + j.Model + " " + j.RecordID }

func (p *Planner) add(ctx context.Context, e PlanEntry) {
	if job, ok := ctx.Value(planJobKey{}).(Job); ok && e.Job == "" {
		e.Job = describe(job)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.entries = append(p.entries, e)
}

// Wrap returns a of model on side (SideLocal or SideRemote) as the plan's
// flows use it: reads pass through, writes are recorded. The returned
// adapter has every optional interface of the connector (Finder,
// ActiveChecker...); where a does not, it behaves as if it had none.
func (p *Planner) Wrap(model, side string, a Adapter) Adapter {
	if a == nil {
		return nil
	}
	return &plannedAdapter{p: p, model: model, side: side, inner: a}
}

func isPlaceholder(id string) bool {
	n, err := strconv.ParseInt(id, 10, 64)
	return err == nil && n < 0
}

// plannedAdapter is one side of one model in a plan.
type plannedAdapter struct {
	p     *Planner
	model string
	side  string
	inner Adapter
}

var (
	_ Adapter       = (*plannedAdapter)(nil)
	_ KeyFinder     = (*plannedAdapter)(nil)
	_ FullUpdater   = (*plannedAdapter)(nil)
	_ Archiver      = (*plannedAdapter)(nil)
	_ ActiveChecker = (*plannedAdapter)(nil)
	_ Clock         = (*plannedAdapter)(nil)
	_ Windower      = (*plannedAdapter)(nil)
)

// createdKey names a record the plan created: placeholders are unique
// across models, and one system's model may be written by several (a
// customer fills the partner its user's import created).
func (a *plannedAdapter) createdKey(id string) string { return a.side + " " + id }

// Search implements Adapter.
func (a *plannedAdapter) Search(ctx context.Context, from, to time.Time) iter.Seq2[string, error] {
	return a.inner.Search(ctx, from, to)
}

// Read implements Adapter: a record the plan created reads as its values.
func (a *plannedAdapter) Read(ctx context.Context, id string) (Record, error) {
	if !isPlaceholder(id) {
		return a.inner.Read(ctx, id)
	}
	a.p.mu.Lock()
	defer a.p.mu.Unlock()
	i, ok := a.p.created[a.createdKey(id)]
	if !ok {
		return Record{}, fmt.Errorf("%s %s: %w", a.model, id, ErrNotFound)
	}
	fields := map[string]any{}
	for _, c := range a.p.entries[i].Changes {
		fields[c.Field] = c.New
	}
	return Record{ID: id, Fields: fields}, nil
}

// CreatePlanner is an Adapter whose Create does not always make a record
// (a customer's fills the partner of its user): it tells a plan which
// record the create would write instead, so that the plan shows the write
// the run makes.
type CreatePlanner interface {
	// PlanCreate returns the ID of the existing record that a Create with
	// ref and values would write to, and false; or true when it would
	// make a new record.
	PlanCreate(ctx context.Context, ref string, values map[string]any) (id string, creates bool, err error)
}

// Create implements Adapter: recorded, under a placeholder ID.
func (a *plannedAdapter) Create(ctx context.Context, ref string, values map[string]any) (string, error) {
	if cp, ok := a.inner.(CreatePlanner); ok {
		id, creates, err := cp.PlanCreate(ctx, ref, values)
		if err != nil {
			return "", err
		}
		if !creates {
			return id, a.Update(ctx, id, values)
		}
	}
	e := PlanEntry{Action: PlanCreate, Model: a.model, Side: a.side, Ref: ref, Changes: FieldChanges(nil, values)}
	if job, ok := ctx.Value(planJobKey{}).(Job); ok {
		e.Job = describe(job)
	}
	a.p.mu.Lock()
	defer a.p.mu.Unlock()
	a.p.next++
	e.ID = strconv.Itoa(-a.p.next)
	a.p.entries = append(a.p.entries, e)
	a.p.created[a.createdKey(e.ID)] = len(a.p.entries) - 1
	return e.ID, nil
}

// Update implements Adapter: recorded with the fields that would change,
// read from the record as it stands; a record that does not exist fails as
// the real update would.
func (a *plannedAdapter) Update(ctx context.Context, id string, values map[string]any) error {
	if isPlaceholder(id) {
		a.p.mu.Lock()
		defer a.p.mu.Unlock()
		if i, ok := a.p.created[a.createdKey(id)]; ok {
			e := &a.p.entries[i]
			merged := map[string]any{}
			for _, c := range e.Changes {
				merged[c.Field] = c.New
			}
			maps.Copy(merged, values)
			e.Changes = FieldChanges(nil, merged)
		}
		return nil
	}
	old, err := a.inner.Read(ctx, id)
	if err != nil {
		return err
	}
	a.p.add(ctx, PlanEntry{Action: PlanUpdate, Model: a.model, Side: a.side, ID: id, Changes: FieldChanges(old.Fields, values)})
	return nil
}

// Delete implements Adapter: recorded.
func (a *plannedAdapter) Delete(ctx context.Context, id string) error {
	a.p.add(ctx, PlanEntry{Action: PlanDelete, Model: a.model, Side: a.side, ID: id})
	return nil
}

// Archive implements Archiver: recorded; it fails as the flows expect of an
// adapter that cannot archive.
func (a *plannedAdapter) Archive(ctx context.Context, id string) error {
	if _, ok := a.inner.(Archiver); !ok {
		return Permanent(fmt.Errorf("%s: the adapter cannot archive", a.model))
	}
	a.p.add(ctx, PlanEntry{Action: PlanArchive, Model: a.model, Side: a.side, ID: id})
	return nil
}

// UpdateReplaces implements FullUpdater.
func (a *plannedAdapter) UpdateReplaces() bool { return replaces(a.inner) }

// FindByRef implements Finder.
func (a *plannedAdapter) FindByRef(ctx context.Context, ref string) (string, error) {
	if f, ok := a.inner.(Finder); ok {
		return f.FindByRef(ctx, ref)
	}
	return "", fmt.Errorf("%s: %q: %w", a.model, ref, ErrNotFound)
}

// RefOf implements Finder.
func (a *plannedAdapter) RefOf(rec Record) string {
	if f, ok := a.inner.(Finder); ok {
		return f.RefOf(rec)
	}
	return ""
}

// FindCandidates implements KeyFinder: an adapter that is only a Finder
// answers with the record its reference finds.
func (a *plannedAdapter) FindCandidates(ctx context.Context, ref string, values map[string]any) ([]string, error) {
	switch f := a.inner.(type) {
	case KeyFinder:
		return f.FindCandidates(ctx, ref, values)
	case Finder:
		id, err := f.FindByRef(ctx, ref)
		if errors.Is(err, ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return []string{id}, nil
	}
	return nil, nil
}

// Active implements ActiveChecker: the plan's records are active; an
// adapter that cannot tell reports every record active, so that nothing is
// taken for deleted.
func (a *plannedAdapter) Active(ctx context.Context, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	var real []string
	for _, id := range ids {
		if isPlaceholder(id) {
			out[id] = true
		} else {
			real = append(real, id)
		}
	}
	c, ok := a.inner.(ActiveChecker)
	if !ok {
		for _, id := range real {
			out[id] = true
		}
		return out, nil
	}
	if len(real) == 0 {
		return out, nil
	}
	active, err := c.Active(ctx, real)
	if err != nil {
		return nil, err
	}
	maps.Copy(out, active)
	return out, nil
}

// Now implements Clock.
func (a *plannedAdapter) Now(ctx context.Context) (time.Time, error) {
	if c, ok := a.inner.(Clock); ok {
		return c.Now(ctx)
	}
	return time.Now().UTC(), nil
}

// Windows implements Windower.
func (a *plannedAdapter) Windows(from, to time.Time) iter.Seq2[time.Time, time.Time] {
	if w, ok := a.inner.(Windower); ok {
		return w.Windows(from, to)
	}
	return func(yield func(time.Time, time.Time) bool) { yield(from, to) }
}
