package connector

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Importer imports one remote record into the local system.
type Importer interface {
	Import(ctx context.Context, remoteID string, opts ImportOptions) error
}

// ImportOptions adjust one import. They are a job's arguments, and so part of
// its identity key: a forced import is never dropped as a duplicate of a
// normal one.
type ImportOptions struct {
	// Force imports the record even when its binding says it is up to date.
	Force bool `json:"force,omitempty"`
	// Unbound imports the record only if it is still unbound, bound to a
	// record deleted remotely, or left half-imported (its import write still
	// marked under way), once the flow holds its lock: the import
	// of a dependency that another job imported while this one waited for
	// the lock ends there, without reading the record again. The flows
	// set it for the dependencies they sync; it is never a job's argument.
	Unbound bool `json:"-"`
}

// DependencyImporter imports a record of another model synchronously, for
// the import flow's dependencies. A backend implements it over its models'
// importers.
type DependencyImporter interface {
	ImportDependency(ctx context.Context, model, remoteID string, opts ImportOptions) error
}

// ImportFlow is the standard import of one record: read it remotely, skip it
// when its content did not change since the last sync, import its
// dependencies, map it, create or update it locally, bind it. Each model's
// import is an ImportFlow with its own mapper and hooks.
//
// It is a Handler of KindImport jobs whose RecordID is the remote ID and
// whose args are ImportOptions.
type ImportFlow struct {
	// Model is the model's name in bindings and jobs.
	Model  string
	Remote Adapter // where the record is read
	Local  Adapter // where it is written
	Binder Binder
	Mapper Mapper
	// Languages are passed to the mapper.
	Languages []string
	// MaxText caps each text value the mapper makes, in bytes: a longer
	// one fails the job as a MappingError before anything is written (see
	// CheckText). Zero means MaxTextBytes; negative means no cap.
	MaxText int

	// Dependencies lists the records to import first; nil means none.
	Dependencies func(ctx context.Context, rec Record) ([]Dependency, error)
	// DependencyImporter imports them; required when Dependencies is set.
	DependencyImporter DependencyImporter
	// MustSkip, when it returns a reason, ends the import as done without
	// writing (a record of another shop, a draft).
	MustSkip func(ctx context.Context, rec Record) (reason string, err error)
	// AfterImport runs after the record is written and bound. When it
	// fails, the sync is not recorded as done, so the retry writes the
	// record again and runs the hook again: it must bear being run twice.
	AfterImport func(ctx context.Context, rec Record, localID string, created bool) error

	// TwoWay says that the model is also exported. The flow then reads the
	// local record back after writing it, so that the export knows the
	// write for its own and does not send it back, and it creates under a
	// lock per model that keeps its creates apart from the export's, so
	// that a record is never created by both at once (the imports' creates
	// run at once with a SharedLocker). A backend sets it when a model has
	// both mappers.
	TwoWay bool
	// OnMissing says what to do when the local record of a binding was
	// deleted; zero means RecreateMissing.
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
func (f *ImportFlow) Work(ctx context.Context, job Job) error {
	var opts ImportOptions
	if err := job.UnmarshalArgs(&opts); err != nil {
		return Permanent(err)
	}
	return f.Tally.ended(KindImport, f.Model, f.Import(ctx, job.RecordID, opts))
}

// Import implements Importer.
func (f *ImportFlow) Import(ctx context.Context, remoteID string, opts ImportOptions) error {
	job := "import " + f.Model + " " + remoteID
	ctx, unlock, err := lockFor(ctx, lockerOr(f.Locker), remoteKey(f.Model, remoteID), job)
	if err != nil {
		return err
	}
	defer unlock()

	if opts.Unbound {
		b, bound, err := lookup(f.Binder.ByRemote(ctx, f.Model, remoteID))
		if err != nil {
			return fmt.Errorf("import %s %s: %w", f.Model, remoteID, err)
		}
		if bound && settled(b, Import) {
			return NothingToDo("%s %s was imported by another job meanwhile", f.Model, remoteID)
		}
	}
	ctx = withJobReads(ctx)
	rec, err := ReadOnce(ctx, f.Model, f.Remote, remoteID)
	if errors.Is(err, ErrNotFound) {
		return NothingToDo("%s %s no longer exists remotely", f.Model, remoteID)
	}
	if err != nil {
		return fmt.Errorf("import %s %s: read: %w", f.Model, remoteID, err)
	}
	b, bound, err := lookup(f.Binder.ByRemote(ctx, f.Model, remoteID))
	if err != nil {
		return fmt.Errorf("import %s %s: %w", f.Model, remoteID, err)
	}
	if bound && b.Writing == Export {
		return waitForWrite(b, job)
	}
	remoteHash, err := HashFields(rec.Fields)
	if err != nil {
		return Permanent(fmt.Errorf("import %s %s: %w", f.Model, remoteID, err))
	}
	// A write of this direction left under way is done again, whatever the
	// hashes say: they predate it.
	check := bound && !opts.Force && b.Writing == ""
	if check && remoteHash == b.RemoteHash {
		return NothingToDo("%s %s is unchanged since its last sync", f.Model, remoteID)
	}
	if f.MustSkip != nil {
		reason, err := f.MustSkip(ctx, rec)
		if err != nil {
			return fmt.Errorf("import %s %s: %w", f.Model, remoteID, err)
		}
		if reason != "" {
			return NothingToDo("%s %s skipped: %s", f.Model, remoteID, reason)
		}
	}
	if err := f.importDependencies(ctx, rec); err != nil {
		return err
	}
	values, err := f.mapRecord(ctx, rec, !bound)
	if err != nil {
		return err
	}
	importHash, err := HashFields(values)
	if err != nil {
		return Permanent(fmt.Errorf("import %s %s: %w", f.Model, remoteID, err))
	}

	next := b
	next.Model, next.RemoteID = f.Model, remoteID
	next.RemoteVersion, next.RemoteHash = rec.UpdatedAt, remoteHash
	next.RemoteState = importedState(rec, b.RemoteState)
	if check && importHash == b.ImportHash {
		// The remote record changed in fields this mapping does not read.
		next.SyncedAt = now(f.Now)
		if err := f.Binder.Bind(ctx, next); err != nil {
			return bindFailure(fmt.Errorf("import %s %s: %w", f.Model, remoteID, err))
		}
		return NothingToDo("%s %s: the local record already has these values", f.Model, remoteID)
	}

	// A pair bound but never synced in full was created by an attempt
	// whose hook failed: for the hook, the record is still new.
	created := bound && b.SyncedAt.IsZero()
	if !bound {
		if next, created, err = f.create(ctx, rec, values); err != nil {
			return err
		}
	} else {
		if b.Writing != Import {
			b.Writing = Import
			if err := f.Binder.Bind(ctx, b); err != nil {
				return bindFailure(fmt.Errorf("import %s %s: %w", f.Model, remoteID, err))
			}
		}
		if err := f.Local.Update(ctx, b.LocalID, values); err != nil {
			if !errors.Is(err, ErrNotFound) {
				err = fmt.Errorf("import %s %s: update local %s: %w", f.Model, remoteID, b.LocalID, err)
				return refused(ctx, f.Binder, b, err)
			}
			if next, err = f.recreate(ctx, rec, b); err != nil {
				return err
			}
			created = true
		}
	}
	next.RemoteVersion, next.RemoteHash = rec.UpdatedAt, remoteHash
	next.RemoteState = importedState(rec, b.RemoteState)
	next.ImportHash, next.ExportHash = importHash, ""
	next.LocalVersion, next.LocalHash = time.Time{}, ""
	if f.TwoWay {
		if next.LocalVersion, next.LocalHash, err = readBack(ctx, f.Local, next.LocalID); err != nil {
			return fmt.Errorf("import %s %s: read back local %s: %w", f.Model, remoteID, next.LocalID, err)
		}
	}
	if f.AfterImport != nil {
		if err := f.AfterImport(ctx, rec, next.LocalID, created); err != nil {
			return fmt.Errorf("import %s %s: after import: %w", f.Model, remoteID, err)
		}
	}
	next.Writing, next.SyncedAt = "", now(f.Now)
	if err := f.Binder.Bind(ctx, next); err != nil {
		return bindFailure(fmt.Errorf("import %s %s: bind to local %s: %w", f.Model, remoteID, next.LocalID, err))
	}
	f.Tally.written(KindImport, f.Model, created)
	return nil
}

// importedState is the remote state of a pair after the import of rec: a
// record archived remotely is RemoteArchived, so that the local record the
// import archives is no deletion for the export side to apply (it would
// delete the remote record an import just read); one active again is live.
func importedState(rec Record, was RemoteState) RemoteState {
	switch {
	case rec.Archived:
		return RemoteArchived
	case was == RemoteArchived:
		return RemoteLive
	}
	return was
}

func (f *ImportFlow) mapRecord(ctx context.Context, rec Record, create bool) (map[string]any, error) {
	mc := &MapContext{Model: f.Model, Record: rec, Create: create, Replace: !create && replaces(f.Local), Binder: f.Binder, Languages: f.Languages}
	return mapValues(ctx, f.Mapper, mc, f.MaxText, "import "+f.Model+" "+rec.ID)
}

// create makes the local record of an unbound remote one and binds it at
// once, marked as written by this import, before anything else can fail, so
// that the record is not lost. An earlier attempt that made the record and
// lost the answer or the binding is found by its reference instead of made
// twice.
func (f *ImportFlow) create(ctx context.Context, rec Record, values map[string]any) (Binding, bool, error) {
	ctx, unlock, err := lockCreate(ctx, f.Locker, f.TwoWay, KindImport, f.Model, "create "+f.Model+" for remote "+rec.ID, func(ctx context.Context) (bool, error) {
		_, bound, err := lookup(f.Binder.ByRemote(ctx, f.Model, rec.ID))
		return bound, err
	})
	if err != nil {
		return Binding{}, false, err
	}
	defer unlock()
	id, created, err := f.findOrCreate(ctx, rec.ID, values)
	if err != nil {
		return Binding{}, false, err
	}
	// The remote state goes with the first bind: should the import stop
	// before its last, an archived record is no deletion for the export
	// poller to apply.
	b := Binding{Model: f.Model, RemoteID: rec.ID, LocalID: id, Writing: Import, RemoteState: importedState(rec, "")}
	if err := f.Binder.Bind(ctx, b); err != nil {
		return Binding{}, false, bindFailure(fmt.Errorf("import %s %s: bind to local %s: %w", f.Model, rec.ID, id, err))
	}
	return b, created, nil
}

// findOrCreate creates the local record under the remote record's
// reference, unless an earlier attempt did.
func (f *ImportFlow) findOrCreate(ctx context.Context, remoteID string, values map[string]any) (string, bool, error) {
	ref := Ref(f.Model, remoteID, 0)
	id, err := f.findEarlier(ctx, remoteID, ref, values)
	switch {
	case err == nil:
		f.logger().Info("found the record of an earlier create", "model", f.Model, "remote_id", remoteID, "local_id", id)
		if err := f.Local.Update(ctx, id, values); err != nil {
			return "", false, fmt.Errorf("import %s %s: update local %s: %w", f.Model, remoteID, id, err)
		}
		return id, false, nil
	case !errors.Is(err, ErrNotFound):
		return "", false, fmt.Errorf("import %s %s: find by ref: %w", f.Model, remoteID, err)
	}
	id, err = f.Local.Create(ctx, ref, values)
	if err != nil {
		return "", false, fmt.Errorf("import %s %s: create: %w", f.Model, remoteID, err)
	}
	return id, true, nil
}

// findEarlier finds the local record that an earlier create under ref
// made (or, for a KeyFinder, that holds the key of values), or ErrNotFound.
// A record bound to another remote record is not this one's, whatever its
// key says: taking it would write over that record, then fail to bind.
func (f *ImportFlow) findEarlier(ctx context.Context, remoteID, ref string, values map[string]any) (string, error) {
	var ids []string
	switch finder := f.Local.(type) {
	case KeyFinder:
		found, err := finder.FindCandidates(ctx, ref, values)
		if err != nil {
			return "", err
		}
		ids = found
	case Finder:
		id, err := finder.FindByRef(ctx, ref)
		if err != nil {
			return "", err
		}
		ids = []string{id}
	}
	for _, id := range ids {
		b, bound, err := lookup(f.Binder.ByLocal(ctx, f.Model, id))
		if err != nil {
			return "", err
		}
		if !bound || b.RemoteID == remoteID {
			return id, nil
		}
		f.logger().Info("a record found by the reference is bound to another remote record: not taken", "model", f.Model, "remote_id", remoteID, "local_id", id, "bound_to", b.RemoteID)
	}
	return "", fmt.Errorf("%s: no unbound record for %q: %w", f.Model, ref, ErrNotFound)
}

// recreate creates again the local record of b, deleted locally, as the
// model's missing-record policy allows, and moves the binding to it, under
// the create lock of a model synced both ways.
func (f *ImportFlow) recreate(ctx context.Context, rec Record, b Binding) (Binding, error) {
	if f.OnMissing == FailMissing {
		return Binding{}, Permanent(fmt.Errorf("import %s %s: local record %s was deleted, and the model's policy is to fail: %w", f.Model, rec.ID, b.LocalID, ErrNotFound))
	}
	values, err := f.mapRecord(ctx, rec, true)
	if err != nil {
		return Binding{}, err
	}
	ctx, unlock, err := lockCreate(ctx, f.Locker, f.TwoWay, KindImport, f.Model, "create "+f.Model+" again for remote "+rec.ID, nil)
	if err != nil {
		return Binding{}, err
	}
	defer unlock()
	id, _, err := f.findOrCreate(ctx, rec.ID, values)
	if err != nil {
		return Binding{}, err
	}
	old := b
	old.Writing = Import
	next := Binding{Model: f.Model, RemoteID: rec.ID, LocalID: id, Generation: b.Generation, Writing: Import, RemoteState: importedState(rec, b.RemoteState)}
	if err := f.Binder.Rebind(ctx, old, next); err != nil {
		return Binding{}, bindFailure(fmt.Errorf("import %s %s: rebind from local %s to %s: %w", f.Model, rec.ID, b.LocalID, id, err))
	}
	f.logger().Info("created again a local record deleted locally", "model", f.Model, "remote_id", rec.ID, "old_local_id", b.LocalID, "local_id", id)
	return next, nil
}

func (f *ImportFlow) importDependencies(ctx context.Context, rec Record) error {
	if f.Dependencies == nil {
		return nil
	}
	deps, err := f.Dependencies(ctx, rec)
	if err == nil {
		err = syncDependencies(ctx, deps, Import, f.Binder.ByRemote, func(ctx context.Context, model, id string, always bool) error {
			return f.DependencyImporter.ImportDependency(ctx, model, id, ImportOptions{Unbound: !always})
		})
	}
	if err != nil {
		return fmt.Errorf("import %s %s: %w", f.Model, rec.ID, err)
	}
	return nil
}

func (f *ImportFlow) logger() *slog.Logger {
	if f.Logger != nil {
		return f.Logger
	}
	return slog.Default()
}
