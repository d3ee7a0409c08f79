package backend

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/qoqasync/qoqasync/connector"
)

// Env is what the flows of a backend run on: the host's queue and binding
// store.
type Env struct {
	// Queue receives the jobs the searches and pollers queue; the flows
	// need nothing else of it.
	Queue      connector.Enqueuer
	Binder     connector.Binder
	Watermarks connector.WatermarkStore
	// Locker keeps the syncs of one record pair apart across flows (and
	// processes, with a shared lock); nil means one in-process lock shared
	// by the backend's flows.
	Locker connector.Locker
	// Mux receives the flows' handlers: the Handler the host built its
	// queue with. Nil means a new one, in Flows.Mux.
	Mux *connector.Mux
	// Tally, when set, counts what every flow does, for a host's summary
	// of a run.
	Tally  *connector.Tally
	Logger *slog.Logger
}

// Flows are a backend's flows, built from its registry: one import, export
// and delete flow per model that has the components, an import search and
// an export poller per model that has an interval. A host routes its queue to
// Flows.Mux and schedules Flows.Schedule on a Scheduler.
type Flows struct {
	Backend *Backend
	// Mux routes the backend's jobs to its flows: the queue's Handler.
	Mux     *connector.Mux
	Imports map[string]*connector.ImportFlow
	Exports map[string]*connector.ExportFlow
	Deletes map[string]*connector.DeleteFlow
	// Searches and Pollers are the periodic change searches (imports) and
	// export polls, by model.
	Searches map[string]*connector.ChangeSearch
	Pollers  map[string]*connector.ExportPoller
}

// Build makes the flows of every model of the backend's version in reg.
func Build(b *Backend, reg *Registry, env Env) (*Flows, error) {
	if err := b.Validate(); err != nil {
		return nil, err
	}
	if env.Queue == nil || env.Binder == nil || env.Watermarks == nil {
		return nil, fmt.Errorf("backend %s: the environment needs a queue, a binder and a watermark store", b.Name)
	}
	if env.Locker == nil {
		env.Locker = &connector.KeyLock{}
	}
	if env.Mux == nil {
		env.Mux = connector.NewMux()
	}
	s := &Flows{
		Backend: b, Mux: env.Mux,
		Imports: map[string]*connector.ImportFlow{}, Exports: map[string]*connector.ExportFlow{},
		Deletes:  map[string]*connector.DeleteFlow{},
		Searches: map[string]*connector.ChangeSearch{}, Pollers: map[string]*connector.ExportPoller{},
	}
	for _, model := range reg.Models(b.Version) {
		c, err := reg.Lookup(b.Version, model)
		if err != nil {
			return nil, err
		}
		settings := b.Settings(model)
		// A model synced both ways reads back what it writes and creates
		// under a lock the other direction takes too.
		twoWay := c.ImportMapper != nil && c.ExportMapper != nil
		if c.ImportMapper != nil {
			if c.Remote == nil || c.Local == nil {
				return nil, fmt.Errorf("backend %s: model %s imports but lacks an adapter", b.Name, model)
			}
			f := &connector.ImportFlow{
				Model: model, Remote: c.Remote, Local: c.Local, Binder: env.Binder, Mapper: c.ImportMapper,
				Languages: b.Languages, Dependencies: c.ImportDependencies, DependencyImporter: s,
				MustSkip: c.MustSkip, AfterImport: c.AfterImport, TwoWay: twoWay, OnMissing: settings.OnMissing,
				Locker: env.Locker, Tally: env.Tally, Logger: env.Logger,
			}
			s.Imports[model] = f
			s.Mux.Handle(connector.KindImport, model, f)
			if settings.ImportInterval > 0 {
				search := connector.NewImportSearch(model, c.Remote, env.Queue, env.Watermarks)
				search.StartDate, search.Overlap = settings.Since, settings.Overlap
				s.Searches[model] = search
			}
		}
		if c.ExportMapper != nil {
			if c.Remote == nil || c.Local == nil {
				return nil, fmt.Errorf("backend %s: model %s exports but lacks an adapter", b.Name, model)
			}
			f := &connector.ExportFlow{
				Model: model, Local: c.Local, Remote: c.Remote, Binder: env.Binder, Mapper: c.ExportMapper,
				Languages: b.Languages, Dependencies: c.ExportDependencies, Dependents: c.ExportDependents, DependencyExporter: s,
				AfterExport: c.AfterExport, DeletePolicy: settings.DeletePolicy, Keep: c.KeepRemote, TwoWay: twoWay, OnMissing: settings.OnMissing,
				Locker: env.Locker, Tally: env.Tally, Logger: env.Logger,
			}
			s.Exports[model] = f
			s.Mux.Handle(connector.KindExport, model, f)
			d := &connector.DeleteFlow{Model: model, Local: c.Local, Remote: c.Remote, Binder: env.Binder, Policy: settings.DeletePolicy, Keep: c.KeepRemote, Locker: env.Locker, Tally: env.Tally}
			s.Deletes[model] = d
			s.Mux.Handle(connector.KindDelete, model, d)
			if settings.ExportInterval > 0 {
				poller := connector.NewExportPoller(model, c.Local, env.Binder, env.Queue, env.Watermarks)
				poller.StartDate, poller.Overlap = settings.Since, settings.Overlap
				s.Pollers[model] = poller
			}
		}
	}
	return s, nil
}

// ImportDependency implements connector.DependencyImporter over the
// backend's import flows.
func (s *Flows) ImportDependency(ctx context.Context, model, remoteID string, opts connector.ImportOptions) error {
	f, ok := s.Imports[model]
	if !ok {
		return connector.Permanent(fmt.Errorf("backend %s: %s is a dependency but has no import", s.Backend.Name, model))
	}
	return f.Import(ctx, remoteID, opts)
}

// ExportDependency implements connector.DependencyExporter over the
// backend's export flows.
func (s *Flows) ExportDependency(ctx context.Context, model, localID string, opts connector.ExportOptions) error {
	f, ok := s.Exports[model]
	if !ok {
		return connector.Permanent(fmt.Errorf("backend %s: %s is a dependency but has no export", s.Backend.Name, model))
	}
	return f.Export(ctx, localID, opts)
}

// Schedule adds the import searches and export polls to sched, each at its
// model's interval, named "import <model>" and "export <model>": to the
// in-process connector.Scheduler, or to a River queue, whose elected leader
// alone queues them when several processes share the work.
func (s *Flows) Schedule(sched connector.TaskScheduler) error {
	for model, search := range s.Searches {
		err := sched.Add("import "+model, s.Backend.Settings(model).ImportInterval, func(ctx context.Context) error {
			_, err := search.Run(ctx)
			return err
		})
		if err != nil {
			return err
		}
	}
	for model, poller := range s.Pollers {
		err := sched.Add("export "+model, s.Backend.Settings(model).ExportInterval, func(ctx context.Context) error {
			_, _, err := poller.Run(ctx)
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}
