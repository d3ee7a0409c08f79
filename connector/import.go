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

// ImportOptions adjust one import.
type ImportOptions struct {
	// Force imports the record even when its binding says it is up to date.
	Force bool `json:"force,omitempty"`
}

// Dependency is a record that must be imported (or exported) before the one
// at hand, because the latter points at it.
type Dependency struct {
	Model string
	ID    string
	// Always syncs it even when it is already bound (a customer whose
	// addresses an order needs up to date).
	Always bool
}

// DependencyImporter imports a record of another model synchronously, for
// the import flow's dependencies. A backend implements it over its models'
// importers.
type DependencyImporter interface {
	ImportDependency(ctx context.Context, model, remoteID string, opts ImportOptions) error
}

// ImportFlow is the standard import of one record: read it remotely, skip it
// when up to date, import its dependencies, map it, create or update it
// locally, bind it. Each model's import is an ImportFlow with its own
// mapper and hooks.
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

	// Dependencies lists the records to import first; nil means none.
	Dependencies func(ctx context.Context, rec Record) ([]Dependency, error)
	// DependencyImporter imports them; required when Dependencies is set.
	DependencyImporter DependencyImporter
	// MustSkip, when it returns a reason, ends the import as done without
	// writing (a record of another shop, a draft).
	MustSkip func(ctx context.Context, rec Record) (reason string, err error)
	// AfterImport runs after the record is written and bound.
	AfterImport func(ctx context.Context, rec Record, localID string, created bool) error

	// Locker keeps two imports of a record from running at once; nil means
	// one shared by this flow.
	Locker Locker
	// Now is the clock; nil means time.Now.
	Now    func() time.Time
	Logger *slog.Logger

	ownLock KeyLock
}

// Work implements Handler.
func (f *ImportFlow) Work(ctx context.Context, job Job) error {
	var opts ImportOptions
	if err := job.UnmarshalArgs(&opts); err != nil {
		return Permanent(err)
	}
	return f.Import(ctx, job.RecordID, opts)
}

// Import implements Importer.
func (f *ImportFlow) Import(ctx context.Context, remoteID string, opts ImportOptions) error {
	unlock, err := lockRecord(f.Locker, &f.ownLock, "import", f.Model, remoteID)
	if err != nil {
		return err
	}
	defer unlock()

	rec, err := f.Remote.Read(ctx, remoteID)
	if errors.Is(err, ErrNotFound) {
		return NothingToDo("%s %s no longer exists remotely", f.Model, remoteID)
	}
	if err != nil {
		return fmt.Errorf("import %s %s: read: %w", f.Model, remoteID, err)
	}
	binding, bound, err := lookup(f.Binder.ByRemote(ctx, f.Model, remoteID))
	if err != nil {
		return fmt.Errorf("import %s %s: %w", f.Model, remoteID, err)
	}
	if bound && !opts.Force && !rec.UpdatedAt.IsZero() && !binding.SyncedAt.Before(rec.UpdatedAt) {
		return NothingToDo("%s %s is up to date (synced %s, changed %s)", f.Model, remoteID,
			binding.SyncedAt.UTC().Format(time.RFC3339), rec.UpdatedAt.UTC().Format(time.RFC3339))
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

	values, err := f.Mapper.Map(&MapContext{Ctx: ctx, Model: f.Model, Record: rec, Create: !bound, Binder: f.Binder, Languages: f.Languages})
	if err != nil {
		return mappingFailure(err)
	}

	localID, created := binding.LocalID, false
	if !bound {
		localID, created, err = f.create(ctx, remoteID, values)
		if err != nil {
			return err
		}
	} else if err := f.Local.Update(ctx, localID, values); err != nil {
		return fmt.Errorf("import %s %s: update local %s: %w", f.Model, remoteID, localID, err)
	}
	if err := f.Binder.Bind(ctx, Binding{Model: f.Model, RemoteID: remoteID, LocalID: localID, SyncedAt: now(f.Now), ExportHash: binding.ExportHash}); err != nil {
		return bindFailure(fmt.Errorf("import %s %s: bind to local %s: %w", f.Model, remoteID, localID, err))
	}
	if f.AfterImport != nil {
		if err := f.AfterImport(ctx, rec, localID, created); err != nil {
			return fmt.Errorf("import %s %s: after import: %w", f.Model, remoteID, err)
		}
	}
	return nil
}

// create makes the local record, unless an earlier attempt made it and lost
// the answer or the binding: then it finds that one and updates it.
func (f *ImportFlow) create(ctx context.Context, remoteID string, values map[string]any) (string, bool, error) {
	ref := Ref(f.Model, remoteID)
	if finder, ok := f.Local.(Finder); ok {
		id, err := finder.FindByRef(ctx, ref)
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
	}
	id, err := f.Local.Create(ctx, ref, values)
	if err != nil {
		return "", false, fmt.Errorf("import %s %s: create: %w", f.Model, remoteID, err)
	}
	return id, true, nil
}

func (f *ImportFlow) importDependencies(ctx context.Context, rec Record) error {
	if f.Dependencies == nil {
		return nil
	}
	deps, err := f.Dependencies(ctx, rec)
	if err == nil {
		err = syncDependencies(ctx, deps, f.Binder.ByRemote, func(ctx context.Context, model, id string) error {
			return f.DependencyImporter.ImportDependency(ctx, model, id, ImportOptions{})
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

// Ref is the reference under which a flow creates the record of model and
// id on the other side: stable across retries, so that a retried create
// finds the first one's result (see Adapter.Create).
func Ref(model, id string) string { return model + "/" + id }

// lookup turns ErrNotBound into a flag.
func lookup(b Binding, err error) (Binding, bool, error) {
	if errors.Is(err, ErrNotBound) {
		return Binding{}, false, nil
	}
	if err != nil {
		return Binding{}, false, err
	}
	return b, true, nil
}

// mappingFailure fails the job for good on bad data (retrying maps it the
// same way) unless the cause is a passing one.
func mappingFailure(err error) error {
	if IsRetryable(err) || IsPermanent(err) {
		return err
	}
	return Permanent(err)
}

// bindFailure retries a job whose binding lost a race: the retry reads the
// winner's binding.
func bindFailure(err error) error {
	if errors.Is(err, ErrBindingConflict) {
		return Retryable(err)
	}
	return err
}

// syncDependencies syncs, one after the other, the dependencies that are not
// bound yet (or that ask to be synced always); byID is the binder's look-up
// on the dependency's side.
func syncDependencies(ctx context.Context, deps []Dependency,
	byID func(ctx context.Context, model, id string) (Binding, error),
	sync func(ctx context.Context, model, id string) error) error {
	for _, d := range deps {
		if !d.Always {
			_, bound, err := lookup(byID(ctx, d.Model, d.ID))
			if err != nil {
				return fmt.Errorf("dependency %s %s: %w", d.Model, d.ID, err)
			}
			if bound {
				continue
			}
		}
		err := sync(ctx, d.Model, d.ID)
		var nothing *NothingToDoError
		if err != nil && !errors.As(err, &nothing) {
			return fmt.Errorf("dependency %s %s: %w", d.Model, d.ID, err)
		}
	}
	return nil
}

// now reads clock, or time.Now when nil, in UTC.
func now(clock func() time.Time) time.Time {
	if clock != nil {
		return clock().UTC()
	}
	return time.Now().UTC()
}
