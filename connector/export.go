package connector

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Exporter exports one local record to the remote system.
type Exporter interface {
	Export(ctx context.Context, localID string, opts ExportOptions) error
}

// ExportOptions adjust one export. They are a job's arguments, and so part of
// its identity key: a forced export is never dropped as a duplicate of a
// normal one.
type ExportOptions struct {
	// Force exports even when the record did not change since its last sync.
	Force bool `json:"force,omitempty"`
}

// DependencyExporter exports a record of another model synchronously, for the
// export flow's dependencies (an offer needs its product variants).
type DependencyExporter interface {
	ExportDependency(ctx context.Context, model, localID string, opts ExportOptions) error
}

// ExportFlow is the standard export of one record: read it locally, export
// its unbound dependencies, map it, create it remotely (binding the new ID at
// once) or update it, and record the sync.
//
// It skips a record whose content did not change since its last sync, which
// is also what keeps a record an import just wrote from being exported back;
// it hands an archived record to the model's deletion policy; and it never
// exports as a new record one that an import created.
//
// It is a Handler of KindExport jobs whose RecordID is the local ID and whose
// args are ExportOptions.
type ExportFlow struct {
	// Model is the model's name in bindings and jobs (the same name the
	// model's import uses, so that both share its bindings).
	Model  string
	Local  Adapter // where the record is read
	Remote Adapter // where it is written
	Binder Binder
	Mapper Mapper
	// Languages are passed to the mapper.
	Languages []string

	// Dependencies lists local records to export first, when unbound.
	Dependencies func(ctx context.Context, rec Record) ([]Dependency, error)
	// Dependents lists the local records whose remote records point at
	// this one's (a template's variants, the offers on a variant). When the
	// record is created again under a new remote ID (after a deletion),
	// the flow exports them, forced, before it records the sync, so that
	// they point at the new one. A dependent whose own export is up the
	// call chain (the variant whose export created its template again, as
	// a dependency) is left to that export, which maps after its
	// dependencies and so points at the new one too. nil means none.
	Dependents func(ctx context.Context, rec Record) ([]Dependency, error)
	// DependencyExporter exports dependencies and dependents; required
	// when either is set.
	DependencyExporter DependencyExporter
	// AfterExport runs after the record is written and its binding stored.
	// When it fails, the sync is not recorded as done, so the retry writes
	// the record again and runs the hook again: it must bear being run
	// twice.
	AfterExport func(ctx context.Context, rec Record, remoteID string, created bool) error

	// DeletePolicy is applied to the remote record of a local record found
	// archived; zero means IgnoreDelete.
	DeletePolicy DeletePolicy
	// Keep, when set, keeps the remote records it names whatever
	// DeletePolicy says (see DeleteFlow.Keep).
	Keep Keeper
	// TwoWay says that the model is also imported: the flow reads the
	// remote record back after writing it, so that the import does not
	// take the write for a change, and creates under the per-model lock
	// the import takes too (see ImportFlow.TwoWay).
	TwoWay bool
	// OnMissing says what to do when the remote record of a binding was
	// deleted remotely; zero means RecreateMissing.
	OnMissing MissingPolicy

	// Locker keeps the import, export and delete of one record pair from
	// running at once; nil means one lock for the whole process.
	Locker Locker
	// Tally, when set, counts what the flow did, for a host's summary.
	Tally *Tally
	// Now is the clock of Binding.SyncedAt; nil means time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// Work implements Handler.
func (f *ExportFlow) Work(ctx context.Context, job Job) error {
	var opts ExportOptions
	if err := job.UnmarshalArgs(&opts); err != nil {
		return Permanent(err)
	}
	return f.Tally.ended(KindExport, f.Model, f.Export(ctx, job.RecordID, opts))
}

// Export implements Exporter.
func (f *ExportFlow) Export(ctx context.Context, localID string, opts ExportOptions) error {
	job := "export " + f.Model + " " + localID
	ctx, unlock, b, bound, err := lockLocal(ctx, f.Locker, f.Binder, f.Model, localID, "export")
	if err != nil {
		return err
	}
	defer func() { unlock() }()

	rec, err := f.Local.Read(ctx, localID)
	if errors.Is(err, ErrNotFound) {
		return NothingToDo("%s %s no longer exists locally", f.Model, localID)
	}
	if err != nil {
		return fmt.Errorf("export %s %s: read: %w", f.Model, localID, err)
	}
	if bound && b.Writing == Import {
		return waitForWrite(b, job)
	}
	if rec.Archived {
		if !bound {
			return NothingToDo("%s %s is archived and was never exported", f.Model, localID)
		}
		err := retire(ctx, f.Remote, f.Binder, f.DeletePolicy, f.Keep, b, false)
		if err == nil {
			f.Tally.add(KindExport, f.Model, func(c *TallyCounts) { c.Deleted++ })
		}
		return err
	}
	if !bound {
		if remoteID, ok := f.importedFrom(rec); ok {
			return NothingToDo("%s %s was created by the import of remote %s, which binds it; it is not exported as a new record", f.Model, localID, remoteID)
		}
	}
	localHash, err := HashFields(rec.Fields)
	if err != nil {
		return Permanent(fmt.Errorf("export %s %s: %w", f.Model, localID, err))
	}
	// A write of this direction left under way is done again, whatever the
	// hashes say: they predate it.
	check := bound && b.RemoteState == RemoteLive && !opts.Force && b.Writing == ""
	if check && localHash == b.LocalHash {
		return NothingToDo("%s %s is unchanged since its last sync", f.Model, localID)
	}
	if err := f.exportDependencies(ctx, rec); err != nil {
		return err
	}
	values, err := f.mapRecord(ctx, rec, !bound || b.RemoteState == RemoteDeleted)
	if err != nil {
		return err
	}
	exportHash, err := HashFields(values)
	if err != nil {
		return Permanent(fmt.Errorf("export %s %s: %w", f.Model, localID, err))
	}

	next := b
	next.Model, next.LocalID = f.Model, localID
	next.LocalVersion, next.LocalHash = rec.UpdatedAt, localHash
	if check && exportHash == b.ExportHash {
		// The local record changed in fields this mapping does not read.
		next.SyncedAt = now(f.Now)
		if err := f.Binder.Bind(ctx, next); err != nil {
			return bindFailure(fmt.Errorf("export %s %s: %w", f.Model, localID, err))
		}
		return NothingToDo("%s %s: the remote record already has these values", f.Model, localID)
	}

	// A pair bound but never synced in full was created by an attempt
	// whose hook failed: for the hook, the record is still new.
	created := bound && b.SyncedAt.IsZero()
	var unlockNew func()
	switch {
	case !bound:
		next, unlockNew, err = f.create(ctx, localID, values)
		created = true
	case b.RemoteState == RemoteDeleted:
		next, unlockNew, err = f.recreate(ctx, rec, b, values)
		created = true
	default:
		next, unlockNew, created, err = f.update(ctx, rec, b, values, created)
	}
	if unlockNew != nil {
		// Once the pair has its new remote ID, the import, export and
		// delete of the pair take that ID's lock: this flow holds it too
		// until it ends.
		held := unlock
		unlock = func() { unlockNew(); held() }
	}
	if err != nil {
		return err
	}
	next.LocalVersion, next.LocalHash = rec.UpdatedAt, localHash
	next.ExportHash, next.ImportHash = exportHash, ""
	next.RemoteVersion, next.RemoteHash = time.Time{}, ""
	next.RemoteState = RemoteLive
	if f.TwoWay {
		if next.RemoteVersion, next.RemoteHash, err = readBack(ctx, f.Remote, next.RemoteID); err != nil {
			return fmt.Errorf("export %s %s: read back remote %s: %w", f.Model, localID, next.RemoteID, err)
		}
	}
	if created && next.Generation > 0 {
		// Created again: until the sync is recorded, a retry comes back
		// here (the pair is bound but never synced), so the dependents are
		// exported again if this fails.
		if err := f.exportDependents(ctx, rec); err != nil {
			return err
		}
	}
	if f.AfterExport != nil {
		if err := f.AfterExport(ctx, rec, next.RemoteID, created); err != nil {
			return fmt.Errorf("export %s %s: after export: %w", f.Model, localID, err)
		}
	}
	next.Writing, next.SyncedAt = "", now(f.Now)
	if err := f.Binder.Bind(ctx, next); err != nil {
		return bindFailure(fmt.Errorf("export %s %s: bind to remote %s: %w", f.Model, localID, next.RemoteID, err))
	}
	f.Tally.written(KindExport, f.Model, created)
	return nil
}

// update writes values to the remote record of b, marked as under way first.
// A remote record deleted remotely is created again, or fails the job, as
// OnMissing says; then it returns the unlock of the new pair's key.
func (f *ExportFlow) update(ctx context.Context, rec Record, b Binding, values map[string]any, created bool) (Binding, func(), bool, error) {
	if b.Writing != Export {
		writing := b
		writing.Writing = Export
		if err := f.Binder.Bind(ctx, writing); err != nil {
			return Binding{}, nil, false, bindFailure(fmt.Errorf("export %s %s: %w", f.Model, b.LocalID, err))
		}
		b = writing
	}
	err := f.Remote.Update(ctx, b.RemoteID, values)
	if err == nil {
		return b, nil, created, nil
	}
	if !errors.Is(err, ErrNotFound) {
		err = fmt.Errorf("export %s %s: update remote %s: %w", f.Model, b.LocalID, b.RemoteID, err)
		return Binding{}, nil, false, refused(ctx, f.Binder, b, err)
	}
	if f.OnMissing == FailMissing {
		return Binding{}, nil, false, Permanent(fmt.Errorf("export %s %s: remote record %s was deleted remotely, and the model's policy is to fail: %w", f.Model, b.LocalID, b.RemoteID, err))
	}
	// Mark it gone first, with a new generation: a crash after the create
	// below replays the same create, not the first.
	gone := b
	gone.RemoteState, gone.Generation = RemoteDeleted, b.Generation+1
	if err := f.Binder.Bind(ctx, gone); err != nil {
		return Binding{}, nil, false, bindFailure(fmt.Errorf("export %s %s: %w", f.Model, b.LocalID, err))
	}
	next, unlock, err := f.recreate(ctx, rec, gone, nil)
	return next, unlock, true, err
}

func (f *ExportFlow) mapRecord(ctx context.Context, rec Record, create bool) (map[string]any, error) {
	values, err := f.Mapper.Map(ctx, &MapContext{Model: f.Model, Record: rec, Create: create, Replace: !create && replaces(f.Remote), Binder: f.Binder, Languages: f.Languages})
	if err != nil {
		return nil, mappingFailure("export "+f.Model+" "+rec.ID, err)
	}
	return values, nil
}

// importedFrom reports the remote record whose import created rec, when the
// local adapter can tell.
func (f *ExportFlow) importedFrom(rec Record) (string, bool) {
	finder, ok := f.Local.(Finder)
	if !ok {
		return "", false
	}
	model, id, _, ok := ParseRef(finder.RefOf(rec))
	return id, ok && model == f.Model
}

// create makes the remote record of an unbound local one and binds the new
// ID at once, marked as written by this export: losing it would make the
// retry create a second record once the remote's idempotency window has
// passed.
func (f *ExportFlow) create(ctx context.Context, localID string, values map[string]any) (Binding, func(), error) {
	ctx, unlock, err := lockCreate(ctx, f.Locker, f.TwoWay, KindExport, f.Model, "create "+f.Model+" for local "+localID, func(ctx context.Context) (bool, error) {
		_, bound, err := lookup(f.Binder.ByLocal(ctx, f.Model, localID))
		return bound, err
	})
	if err != nil {
		return Binding{}, nil, err
	}
	defer unlock()
	remoteID, err := f.Remote.Create(ctx, Ref(f.Model, localID, 0), values)
	if err != nil {
		return Binding{}, nil, fmt.Errorf("export %s %s: create: %w", f.Model, localID, err)
	}
	b := Binding{Model: f.Model, RemoteID: remoteID, LocalID: localID, Writing: Export}
	return f.bindNew(ctx, b, func() error { return f.Binder.Bind(ctx, b) })
}

// bindNew stores the binding of a pair whose remote ID is new, after taking
// that ID's lock so that no other sync of the pair runs once the binding
// makes it known. The binding is stored even when the lock is taken (by a
// sync of the new record that will find the write under way), and the flow
// retries then.
func (f *ExportFlow) bindNew(ctx context.Context, b Binding, bind func() error) (Binding, func(), error) {
	job := "export " + f.Model + " " + b.LocalID
	_, unlock, lockErr := lockFor(ctx, lockerOr(f.Locker), remoteKey(f.Model, b.RemoteID), job)
	if err := bind(); err != nil {
		if lockErr == nil {
			unlock()
		}
		return Binding{}, nil, bindFailure(fmt.Errorf("export %s %s: bind to remote %s: %w", f.Model, b.LocalID, b.RemoteID, err))
	}
	if lockErr != nil {
		return Binding{}, nil, lockErr
	}
	return b, unlock, nil
}

// recreate creates again the remote record of b, which is gone (deleted by
// the deletion policy, or remotely), under the reference of b's generation,
// and moves the binding to the new record. values nil maps rec for a create.
func (f *ExportFlow) recreate(ctx context.Context, rec Record, b Binding, values map[string]any) (Binding, func(), error) {
	if values == nil {
		var err error
		if values, err = f.mapRecord(ctx, rec, true); err != nil {
			return Binding{}, nil, err
		}
	}
	ctx, unlock, err := lockCreate(ctx, f.Locker, f.TwoWay, KindExport, f.Model, "create "+f.Model+" again for local "+b.LocalID, nil)
	if err != nil {
		return Binding{}, nil, err
	}
	defer unlock()
	remoteID, err := f.Remote.Create(ctx, Ref(f.Model, b.LocalID, b.Generation), values)
	if err != nil {
		return Binding{}, nil, fmt.Errorf("export %s %s: create again: %w", f.Model, b.LocalID, err)
	}
	next := Binding{Model: f.Model, RemoteID: remoteID, LocalID: b.LocalID, Generation: b.Generation, Writing: Export}
	bound, unlockNew, err := f.bindNew(ctx, next, func() error { return f.Binder.Rebind(ctx, b, next) })
	if err != nil {
		return Binding{}, nil, err
	}
	f.logger().Info("created again a remote record that was gone", "model", f.Model, "local_id", b.LocalID, "old_remote_id", b.RemoteID, "remote_id", remoteID)
	return bound, unlockNew, nil
}

func (f *ExportFlow) exportDependencies(ctx context.Context, rec Record) error {
	if f.Dependencies == nil {
		return nil
	}
	deps, err := f.Dependencies(ctx, rec)
	if err == nil {
		err = syncDependencies(ctx, deps, "", f.Binder.ByLocal, func(ctx context.Context, model, id string, _ bool) error {
			return f.DependencyExporter.ExportDependency(ctx, model, id, ExportOptions{})
		})
	}
	if err != nil {
		return fmt.Errorf("export %s %s: %w", f.Model, rec.ID, err)
	}
	return nil
}

// exportDependents exports, forced, the records that point at rec's remote
// record, now a new one.
func (f *ExportFlow) exportDependents(ctx context.Context, rec Record) error {
	if f.Dependents == nil {
		return nil
	}
	deps, err := f.Dependents(ctx, rec)
	if err != nil {
		return fmt.Errorf("export %s %s: dependents: %w", f.Model, rec.ID, err)
	}
	for _, d := range deps {
		up, err := syncedUpTheChain(ctx, f.Binder, d.Model, d.ID)
		if err != nil {
			return fmt.Errorf("export %s %s: dependent %s %s: %w", f.Model, rec.ID, d.Model, d.ID, err)
		}
		if up {
			continue
		}
		err = f.DependencyExporter.ExportDependency(ctx, d.Model, d.ID, ExportOptions{Force: true})
		var nothing *NothingToDoError
		if err != nil && !errors.As(err, &nothing) {
			return fmt.Errorf("export %s %s: dependent %s %s: %w", f.Model, rec.ID, d.Model, d.ID, err)
		}
	}
	return nil
}

func (f *ExportFlow) logger() *slog.Logger {
	if f.Logger != nil {
		return f.Logger
	}
	return slog.Default()
}
