package connector

import (
	"context"
	"errors"
	"iter"
	"time"
)

// Record is one record of either system, as the flows see it: its ID, when
// it last changed, and its fields by name. Adapters turn their typed wire
// values into Records so that one flow serves every model.
type Record struct {
	ID string
	// UpdatedAt is the record's last change as its own system dates it
	// (QoQa's updated_at, OpenERP's write_date), in UTC.
	UpdatedAt time.Time
	Fields    map[string]any
}

// Get returns a field's value, nil when absent.
func (r Record) Get(field string) any { return r.Fields[field] }

// Adapter is one model of one system, as the flows need it: the QoQa and the
// OpenERP adapters implement it, and so do the in-memory fakes of the tests.
//
// Errors follow the connector's rules: a missing record wraps ErrNotFound; a
// transient fault is Retryable; a refusal that no retry mends is Permanent.
type Adapter interface {
	// Search yields the IDs of the records that changed in [from, to), as a
	// stream: a long window is never gathered in memory.
	Search(ctx context.Context, from, to time.Time) iter.Seq2[string, error]
	// Read returns one record.
	Read(ctx context.Context, id string) (Record, error)
	// Create creates a record and returns its ID. ref names what is created
	// (model and ID on the other side) and stays the same across retries:
	// an adapter uses it to make a retried create find its first result
	// (an Idempotency-Key, a reference field that FindByRef searches).
	Create(ctx context.Context, ref string, values map[string]any) (string, error)
	// Update writes values to the record.
	Update(ctx context.Context, id string, values map[string]any) error
	// Delete deletes the record; a record that does not exist wraps
	// ErrNotFound.
	Delete(ctx context.Context, id string) error
}

// Finder is an Adapter that can find the record a create with ref made. The
// import flow uses it before creating, so that a create whose answer was lost
// (or whose binding was not stored) is found by the retry instead of made
// twice.
type Finder interface {
	FindByRef(ctx context.Context, ref string) (id string, err error)
}

// Archiver is an Adapter that can archive a record instead of deleting it.
type Archiver interface {
	Archive(ctx context.Context, id string) error
}

// ActiveChecker is an Adapter that can tell which records still exist and are
// active, so that the export poller finds bound records deleted or archived.
type ActiveChecker interface {
	// Active returns the subset of ids that exist and are active.
	Active(ctx context.Context, ids []string) (map[string]bool, error)
}

// ErrNotFound is wrapped by adapters for a record that does not exist.
var ErrNotFound = errors.New("record not found")

// Binding ties a remote record (QoQa) to a local one (OpenERP) for one model
// of one backend. Losing one would make the next sync create a duplicate.
type Binding struct {
	Model    string
	RemoteID string
	LocalID  string
	// SyncedAt is when the record was last imported or exported. An import
	// skips a remote record not changed since; an export skips a local
	// record not changed since, which is also what stops an import's write
	// from being exported back (no echo).
	SyncedAt time.Time
	// ExportHash identifies the last payload exported, so that an export
	// that would send the same values again is skipped.
	ExportHash string
}

// Binder stores the bindings of one backend.
type Binder interface {
	// ByRemote returns the binding of a remote record, or ErrNotBound.
	ByRemote(ctx context.Context, model, remoteID string) (Binding, error)
	// ByLocal returns the binding of a local record, or ErrNotBound.
	ByLocal(ctx context.Context, model, localID string) (Binding, error)
	// Bind stores b, creating it or updating the binding with the same
	// remote and local IDs. It fails with ErrBindingConflict when either ID
	// is bound to another record: the loser of a race, retried, reads the
	// winner's binding.
	Bind(ctx context.Context, b Binding) error
	// Unbind removes the binding of a local record; none is no error.
	Unbind(ctx context.Context, model, localID string) error
	// List returns up to limit bindings of model whose LocalID sorts after
	// afterLocalID, in LocalID order: the way to walk every binding in pages.
	List(ctx context.Context, model, afterLocalID string, limit int) ([]Binding, error)
}

// Binding errors, to be checked with errors.Is.
var (
	ErrNotBound        = errors.New("record is not bound")
	ErrBindingConflict = errors.New("binding conflicts with another binding")
)

// WatermarkStore keeps, per name (for example "import product"), the time
// up to which a batch search has been fully queued.
type WatermarkStore interface {
	// Watermark returns the stored time, or the zero time when none.
	Watermark(ctx context.Context, name string) (time.Time, error)
	SetWatermark(ctx context.Context, name string, t time.Time) error
}
