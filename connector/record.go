package connector

import (
	"context"
	"errors"
	"iter"
	"time"
)

// Record is one record of either system, as the flows see it: its ID, its
// version, whether it is archived, and its fields by name. Adapters turn
// their typed wire values into Records so that one flow serves every model.
type Record struct {
	ID string
	// UpdatedAt is the record's version as its own system dates it (QoQa's
	// updated_at, OpenERP's write_date), in UTC. The flows keep it in the
	// binding for people and audits; they never compare it with a clock,
	// since two systems' clocks disagree and a second holds many writes.
	UpdatedAt time.Time
	// Archived is true for a record that exists but is inactive (OpenERP's
	// active False): the export flow hands it to the deletion policy
	// instead of exporting it.
	Archived bool
	// Fields is the record's content. An adapter leaves out what changes
	// on every write without a change of content (the version stamp
	// itself): the flows hash Fields to tell whether a record changed.
	Fields map[string]any
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
	// (see Ref) and stays the same across retries: an adapter uses it to
	// make a retried create find its first result (an Idempotency-Key, a
	// reference field that FindByRef searches).
	Create(ctx context.Context, ref string, values map[string]any) (string, error)
	// Update writes values to the record; a record that does not exist
	// wraps ErrNotFound. See FullUpdater for what happens to the fields
	// values leave out.
	Update(ctx context.Context, id string, values map[string]any) error
	// Delete deletes the record; a record that does not exist wraps
	// ErrNotFound.
	Delete(ctx context.Context, id string) error
}

// FullUpdater is an Adapter that says whether its Update replaces the whole
// record (QoQa's PUT), erasing a field that values leave out. The flows send
// such an adapter the full mapped record on every update, rules made with
// OnCreate included. An Adapter that is not a FullUpdater writes only the
// fields it is given (OpenERP's write).
type FullUpdater interface {
	UpdateReplaces() bool
}

// replaces reports whether a's Update replaces the whole record.
func replaces(a Adapter) bool {
	f, ok := a.(FullUpdater)
	return ok && f.UpdateReplaces()
}

// Finder is an Adapter that can find the record a create with ref made. The
// import flow uses it before creating, so that a create whose answer was lost
// (or whose binding was not stored) is found by the retry instead of made
// twice; the export flow uses RefOf so that a record an import created is
// never exported as a new one.
type Finder interface {
	FindByRef(ctx context.Context, ref string) (id string, err error)
	// RefOf returns the ref rec was created with, "" for a record made
	// by a person.
	RefOf(rec Record) string
}

// KeyFinder is a Finder whose references may also match records that no
// create under them made: a natural key (a variant's SKU, a shop's name, a
// voucher's code) that a record made by hand holds too, or that records of
// several remote ones share. Before it creates, the import flow asks it for
// every record that may be the one (values are what the create would
// write, which hold the key), and takes the first that no other remote
// record is bound to: a record is never taken for two.
type KeyFinder interface {
	Finder
	// FindCandidates returns the records that may be the one a create
	// under ref with values made, best first; none is an empty list.
	FindCandidates(ctx context.Context, ref string, values map[string]any) ([]string, error)
}

// Archiver is an Adapter that can archive a record instead of deleting it.
type Archiver interface {
	Archive(ctx context.Context, id string) error
}

// ActiveChecker is an Adapter that can tell, in one call for many records,
// which exist and which are active, so that the export poller finds bound
// records deleted or archived.
type ActiveChecker interface {
	// Active returns, for each of ids that exists, whether it is active;
	// an ID the map lacks does not exist.
	Active(ctx context.Context, ids []string) (map[string]bool, error)
}

// Clock is an Adapter that tells its system's own time. A change search
// moves its watermark by this clock, so that a host whose clock is ahead of
// or behind the server's loses no change; an Adapter that is not a Clock
// is searched by the host's clock.
type Clock interface {
	Now(ctx context.Context) (time.Time, error)
}

// Windower is an Adapter whose search must not cover a long range at once
// (QoQa answers a search without paging). A change search searches the
// windows it yields one after the other and moves its watermark after each,
// so that a search cut short resumes where it stopped.
type Windower interface {
	// Windows cuts [from, to) into consecutive windows the system can
	// search.
	Windows(from, to time.Time) iter.Seq2[time.Time, time.Time]
}

// ErrNotFound is wrapped by adapters for a record that does not exist.
var ErrNotFound = errors.New("record not found")

// RemoteState is what the deletion policy did to the remote record of a
// binding whose local record was archived, so that the poller queues each
// deletion once and an export knows how to bring the record back.
type RemoteState string

// The remote states of a binding.
const (
	// RemoteLive: the remote record is in sync with an active local one.
	RemoteLive RemoteState = ""
	// RemoteArchived: the remote record was archived (ArchiveRemote).
	RemoteArchived RemoteState = "archived"
	// RemoteDeleted: the remote record was deleted (DeleteRemote); an
	// export of the reactivated local record creates it again.
	RemoteDeleted RemoteState = "deleted"
	// RemoteKept: the policy left the remote record as it was
	// (IgnoreDelete).
	RemoteKept RemoteState = "kept"
)

// Direction is a way records cross between the two systems.
type Direction string

// The directions.
const (
	// Import writes the local record from the remote one.
	Import Direction = "import"
	// Export writes the remote record from the local one.
	Export Direction = "export"
)

// Binding ties a remote record (QoQa) to a local one (OpenERP) for one model
// of one backend, and remembers what each side looked like at the last
// sync. Losing one would make the next sync create a duplicate.
//
// A flow decides that a record changed by comparing hashes of its content
// with the ones kept here, never by a clock: a change made in the same
// second as the last sync, or while the sync ran, is seen by the next run,
// and two hosts whose clocks disagree make no echo.
type Binding struct {
	Model    string
	RemoteID string
	LocalID  string

	// RemoteVersion and LocalVersion are each side's own version (QoQa's
	// updated_at, OpenERP's write_date) as last synced: read by the flow,
	// or read back after its own write. Kept for people and audits.
	RemoteVersion time.Time
	LocalVersion  time.Time
	// RemoteHash and LocalHash are the hashes of each side's record as
	// last synced (see HashFields): a record whose hash differs changed
	// since. Empty means unknown, and the next run syncs the record.
	RemoteHash string
	LocalHash  string
	// ImportHash and ExportHash are the hashes of the values last written
	// in each direction, so that a change that maps to the values already
	// written sends nothing. A write in one direction empties the other
	// one's hash: the other side has changed since.
	ImportHash string
	ExportHash string

	// Writing is the direction of a write under way: a flow sets it before
	// it writes a pair and clears it when it records the sync. While it is
	// set, the other direction waits instead of taking that write for a
	// change (which would echo it back over a newer one), and the same
	// direction's retry does the write again rather than trust hashes that
	// predate it.
	Writing Direction

	// RemoteState says what the deletion policy did to the remote record
	// while the local one is archived.
	RemoteState RemoteState
	// Generation counts the remote records created for this local record:
	// it goes into the create's Ref, so that a record deleted and created
	// again is a new create, not a replay of the first one's answer.
	Generation int

	// SyncedAt is when the pair was last synced, by the host's clock: for
	// people only, never compared with a record's version. It is zero for a
	// pair whose record was created but whose first sync did not complete
	// (its hook failed): the retry then tells the hook the record is new.
	SyncedAt time.Time
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
	// Rebind replaces the binding old (matched by its model and both IDs)
	// with b in one step: a record deleted on one side and created again
	// keeps its binding's history. It fails with ErrBindingConflict when
	// old is no longer stored as given or b clashes with another binding.
	Rebind(ctx context.Context, old, b Binding) error
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
// up to which a change search has been fully queued.
type WatermarkStore interface {
	// Watermark returns the stored time, and whether one is stored.
	Watermark(ctx context.Context, name string) (t time.Time, ok bool, err error)
	SetWatermark(ctx context.Context, name string, t time.Time) error
}
