package connector

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Exporter exports one local record to the remote system.
type Exporter interface {
	Export(ctx context.Context, localID string, opts ExportOptions) error
}

// ExportOptions adjust one export.
type ExportOptions struct {
	// Force exports even when the record did not change since its last sync.
	Force bool `json:"force,omitempty"`
	// Fields lists the local fields that changed, for a partial update;
	// empty means all.
	Fields []string `json:"fields,omitempty"`
}

// DependencyExporter exports a record of another model synchronously, for the
// export flow's dependencies (an offer needs its product variants).
type DependencyExporter interface {
	ExportDependency(ctx context.Context, model, localID string, opts ExportOptions) error
}

// ExportFlow is the standard export of one record: read it locally, export
// its unbound dependencies, map it, create it remotely (storing the new ID at
// once) or update it, and record the sync.
//
// It skips a record that did not change since its last sync: that is also
// what keeps a record an import just wrote from being exported back.
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
	// DependencyExporter exports them; required when Dependencies is set.
	DependencyExporter DependencyExporter
	// AfterExport runs after the record is written and its binding stored.
	AfterExport func(ctx context.Context, rec Record, remoteID string, created bool) error

	Locker Locker
	Now    func() time.Time

	ownLock KeyLock
}

// Work implements Handler.
func (f *ExportFlow) Work(ctx context.Context, job Job) error {
	var opts ExportOptions
	if err := job.UnmarshalArgs(&opts); err != nil {
		return Permanent(err)
	}
	return f.Export(ctx, job.RecordID, opts)
}

// Export implements Exporter.
func (f *ExportFlow) Export(ctx context.Context, localID string, opts ExportOptions) error {
	unlock, err := lockRecord(f.Locker, &f.ownLock, "export", f.Model, localID)
	if err != nil {
		return err
	}
	defer unlock()

	rec, err := f.Local.Read(ctx, localID)
	if errors.Is(err, ErrNotFound) {
		return NothingToDo("%s %s no longer exists locally", f.Model, localID)
	}
	if err != nil {
		return fmt.Errorf("export %s %s: read: %w", f.Model, localID, err)
	}
	binding, bound, err := lookup(f.Binder.ByLocal(ctx, f.Model, localID))
	if err != nil {
		return fmt.Errorf("export %s %s: %w", f.Model, localID, err)
	}
	if bound && !opts.Force && !rec.UpdatedAt.IsZero() && !rec.UpdatedAt.After(binding.SyncedAt) {
		return NothingToDo("%s %s unchanged since its last sync at %s", f.Model, localID, binding.SyncedAt.UTC().Format(time.RFC3339))
	}
	if err := f.exportDependencies(ctx, rec); err != nil {
		return err
	}
	mc := &MapContext{Ctx: ctx, Model: f.Model, Record: rec, Create: !bound, Binder: f.Binder, Languages: f.Languages}
	if bound && len(opts.Fields) > 0 {
		mc.Changed = opts.Fields
	}
	values, err := f.Mapper.Map(mc)
	if err != nil {
		return mappingFailure(err)
	}
	hash, err := valuesHash(values)
	if err != nil {
		return Permanent(fmt.Errorf("export %s %s: %w", f.Model, localID, err))
	}
	if bound && !opts.Force && hash == binding.ExportHash {
		return NothingToDo("%s %s: the remote record already has these values", f.Model, localID)
	}

	remoteID, created := binding.RemoteID, false
	if !bound {
		remoteID, err = f.Remote.Create(ctx, Ref(f.Model, localID), values)
		if err != nil {
			return fmt.Errorf("export %s %s: create: %w", f.Model, localID, err)
		}
		created = true
	} else if err := f.Remote.Update(ctx, remoteID, values); err != nil {
		return fmt.Errorf("export %s %s: update remote %s: %w", f.Model, localID, remoteID, err)
	}
	if err := f.Binder.Bind(ctx, Binding{Model: f.Model, RemoteID: remoteID, LocalID: localID, SyncedAt: now(f.Now), ExportHash: hash}); err != nil {
		return bindFailure(fmt.Errorf("export %s %s: bind to remote %s: %w", f.Model, localID, remoteID, err))
	}
	if f.AfterExport != nil {
		if err := f.AfterExport(ctx, rec, remoteID, created); err != nil {
			return fmt.Errorf("export %s %s: after export: %w", f.Model, localID, err)
		}
	}
	return nil
}

func (f *ExportFlow) exportDependencies(ctx context.Context, rec Record) error {
	if f.Dependencies == nil {
		return nil
	}
	deps, err := f.Dependencies(ctx, rec)
	if err == nil {
		err = syncDependencies(ctx, deps, f.Binder.ByLocal, func(ctx context.Context, model, id string) error {
			return f.DependencyExporter.ExportDependency(ctx, model, id, ExportOptions{})
		})
	}
	if err != nil {
		return fmt.Errorf("export %s %s: %w", f.Model, rec.ID, err)
	}
	return nil
}

// valuesHash identifies a payload: JSON sorts map keys, so equal values hash
// alike.
func valuesHash(values map[string]any) (string, error) {
	b, err := json.Marshal(values)
	if err != nil {
		return "", fmt.Errorf("values cannot be encoded: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16]), nil
}
