package backend

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"

	"github.com/qoqasync/qoqasync/connector"
)

// Plan is a dry run of the backend b: it runs every import search, then
// every job they queue, then every export poll and its jobs, as a run of
// the host does, through the same flows, with every model's adapters and
// the store wrapped so that nothing is written to QoQa, to OpenERP nor to
// env's Binder and Watermarks (see connector.Planner and
// connector.Overlay). It returns what the run would do. The jobs pending
// in env's Queue, when it lists them (a connector.Queue: a stopped
// process's, kept by a durable queue), run first, as the run's queue runs
// them when it starts; nothing is taken from the queue. env's Mux, Locker
// and Tally are not used: the plan has its own.
func Plan(ctx context.Context, b *Backend, reg *Registry, env Env) (*connector.Plan, error) {
	planner := connector.NewPlanner()
	flows, err := planFlows(b, reg, env, planner, connector.NewOverlay(env.Binder, env.Watermarks))
	if err != nil {
		return nil, err
	}
	if q, ok := env.Queue.(interface {
		List(ctx context.Context, f connector.ListFilter) ([]connector.Job, error)
	}); ok {
		pending, err := q.List(ctx, connector.ListFilter{State: connector.StatePending})
		if err != nil {
			return nil, fmt.Errorf("plan: the queue's pending jobs: %w", err)
		}
		for _, j := range pending {
			j.ID = 0
			if _, err := planner.Enqueue(ctx, j); err != nil {
				return nil, fmt.Errorf("plan: %s: %w", j, err)
			}
		}
	}
	for _, model := range slices.Sorted(maps.Keys(flows.Searches)) {
		if _, err := flows.Searches[model].Run(ctx); err != nil {
			return nil, fmt.Errorf("plan: import search %s: %w", model, err)
		}
	}
	if err := planner.Run(ctx, flows.Mux); err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	for _, model := range slices.Sorted(maps.Keys(flows.Pollers)) {
		if _, _, err := flows.Pollers[model].Run(ctx); err != nil {
			return nil, fmt.Errorf("plan: export poll %s: %w", model, err)
		}
	}
	if err := planner.Run(ctx, flows.Mux); err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	return planner.Plan(), nil
}

// planFlows builds the flows of b over a copy of reg whose adapters the
// planner wraps, on store, queueing on the planner.
func planFlows(b *Backend, reg *Registry, env Env, planner *connector.Planner, store *connector.Overlay) (*Flows, error) {
	wrapped := NewRegistry()
	if err := wrapped.AddVersion(b.Version, ""); err != nil {
		return nil, err
	}
	for _, model := range reg.Models(b.Version) {
		c, err := reg.Lookup(b.Version, model)
		if err != nil {
			return nil, err
		}
		c.Remote = planner.Wrap(model, connector.SideRemote, c.Remote)
		c.Local = planner.Wrap(model, connector.SideLocal, c.Local)
		if err := wrapped.Register(b.Version, model, c); err != nil {
			return nil, err
		}
	}
	logger := env.Logger
	if logger == nil {
		logger = slog.Default()
	}
	return Build(b, wrapped, Env{Queue: planner, Binder: store, Watermarks: store, Logger: logger})
}
