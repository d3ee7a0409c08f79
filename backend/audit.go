package backend

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/qoqasync/qoqasync/connector"
)

// AuditOptions bound an audit. The zero value audits everything since the
// backend's Since, in pages of 200 bindings.
type AuditOptions struct {
	// From and To bound the audit: the bindings whose pair was synced (or
	// whose records were dated) in [From, To), and the records each side's
	// search finds changed in it. Zero From means the backend's Since;
	// zero To means now.
	From, To time.Time
	// BatchSize is how many bindings a page holds, and one existence check
	// of the local records covers; zero means 200.
	BatchSize int
}

// Audit compares, model by model, the bindings of env's Binder with both
// systems, and reports what is out of sync: bound records missing on one
// side, records of the searched models that no binding holds and that a
// sync would write, and bound pairs whose values differ, field by field.
//
// It decides as a run does, with the same code: each pair is synced,
// forced, by the plan's flows (see Plan), which read both sides, map, and
// record the writes they would make instead of making them. Nothing is
// written to either system nor to the store. Each finding carries the job
// that repairs it (AuditReport.Repair queues them).
func Audit(ctx context.Context, b *Backend, reg *Registry, env Env, opts AuditOptions) (*connector.AuditReport, error) {
	if opts.From.IsZero() {
		opts.From = b.Since
	}
	if opts.To.IsZero() {
		opts.To = time.Now().UTC().Truncate(time.Second).Add(time.Second)
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 200
	}
	planner := connector.NewPlanner()
	flows, err := planFlows(b, reg, env, planner, connector.NewOverlay(env.Binder, env.Watermarks))
	if err != nil {
		return nil, err
	}
	report := &connector.AuditReport{From: opts.From, To: opts.To}
	for _, model := range reg.Models(b.Version) {
		c, err := reg.Lookup(b.Version, model)
		if err != nil {
			return nil, err
		}
		if c.ImportMapper == nil && c.ExportMapper == nil {
			continue
		}
		a := &modelAudit{model: model, c: c, env: env, opts: opts, flows: flows, planner: planner,
			sum: connector.AuditSummary{Model: model, Found: map[connector.FindingKind]int{}}}
		if err := a.run(ctx); err != nil {
			return nil, fmt.Errorf("audit %s: %w", model, err)
		}
		report.Models = append(report.Models, a.sum)
		report.Findings = append(report.Findings, a.findings...)
	}
	return report, nil
}

// modelAudit is the audit of one model.
type modelAudit struct {
	model    string
	c        Components
	env      Env
	opts     AuditOptions
	flows    *Flows
	planner  *connector.Planner
	sum      connector.AuditSummary
	findings []connector.Finding
}

func (a *modelAudit) run(ctx context.Context) error {
	if err := a.bindings(ctx); err != nil {
		return err
	}
	if a.flows.Searches[a.model] != nil {
		if err := a.unbound(ctx, connector.UnboundRemote, a.c.Remote, connector.KindImport, a.env.Binder.ByRemote); err != nil {
			return err
		}
	}
	if a.flows.Pollers[a.model] != nil {
		if err := a.unbound(ctx, connector.UnboundLocal, a.c.Local, connector.KindExport, a.env.Binder.ByLocal); err != nil {
			return err
		}
	}
	return nil
}

func (a *modelAudit) add(f connector.Finding) {
	f.Model = a.model
	a.sum.Found[f.Kind]++
	a.findings = append(a.findings, f)
}

func (a *modelAudit) job(kind connector.Kind, id string, force bool) *connector.Job {
	var args any
	switch kind {
	case connector.KindImport:
		args = connector.ImportOptions{Force: force}
	case connector.KindExport:
		args = connector.ExportOptions{Force: force}
	}
	j, _ := connector.NewJob(kind, a.model, id, args) // the options always encode
	return &j
}

// inRange reports whether the pair was synced, or either record dated, in
// the audit's range; a pair never synced in full is always audited.
func (a *modelAudit) inRange(b connector.Binding) bool {
	if b.SyncedAt.IsZero() {
		return true
	}
	for _, t := range []time.Time{b.SyncedAt, b.RemoteVersion, b.LocalVersion} {
		if !t.Before(a.opts.From) && t.Before(a.opts.To) {
			return true
		}
	}
	return false
}

// bindings walks the model's bindings page by page and checks each pair.
func (a *modelAudit) bindings(ctx context.Context) error {
	after := ""
	for {
		page, err := a.env.Binder.List(ctx, a.model, after, a.opts.BatchSize)
		if err != nil {
			return fmt.Errorf("list bindings: %w", err)
		}
		if len(page) == 0 {
			return nil
		}
		after = page[len(page)-1].LocalID
		var pairs []connector.Binding
		var ids []string
		for _, b := range page {
			if a.inRange(b) {
				pairs = append(pairs, b)
				ids = append(ids, b.LocalID)
			}
		}
		active, err := a.active(ctx, ids)
		if err != nil {
			return err
		}
		for _, b := range pairs {
			a.sum.Bindings++
			isActive, exists := active[b.LocalID]
			if err := a.pair(ctx, b, exists, isActive); err != nil {
				return err
			}
		}
	}
}

// active tells, for the local records ids, which exist and which are
// active: in one call when the adapter can.
func (a *modelAudit) active(ctx context.Context, ids []string) (map[string]bool, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if c, ok := a.c.Local.(connector.ActiveChecker); ok {
		out, err := c.Active(ctx, ids)
		if err != nil {
			return nil, fmt.Errorf("check local records: %w", err)
		}
		return out, nil
	}
	out := map[string]bool{}
	for _, id := range ids {
		rec, err := a.c.Local.Read(ctx, id)
		switch {
		case errors.Is(err, connector.ErrNotFound):
		case err != nil:
			return nil, fmt.Errorf("read local %s: %w", id, err)
		default:
			out[id] = !rec.Archived
		}
	}
	return out, nil
}

// pair checks one bound pair: both records there, and the values a sync
// would write equal to what the target holds.
func (a *modelAudit) pair(ctx context.Context, b connector.Binding, exists, active bool) error {
	exported := a.c.ExportMapper != nil
	if !exists {
		f := connector.Finding{Kind: connector.MissingLocal, RemoteID: b.RemoteID, LocalID: b.LocalID}
		if exported {
			f.Repair = a.job(connector.KindDelete, b.LocalID, false)
		} else {
			f.Repair = a.job(connector.KindImport, b.RemoteID, true)
		}
		a.add(f)
		return nil
	}
	if exported && (!active || b.RemoteState != connector.RemoteLive) {
		return nil // archived, or retired: the deletion policy's
	}
	rec, err := a.c.Remote.Read(ctx, b.RemoteID)
	if errors.Is(err, connector.ErrNotFound) {
		f := connector.Finding{Kind: connector.MissingRemote, RemoteID: b.RemoteID, LocalID: b.LocalID}
		if exported {
			f.Repair = a.job(connector.KindExport, b.LocalID, true)
		} else {
			f.Reason = "the remote record is gone; an import has nothing to read"
		}
		a.add(f)
		return nil
	}
	if err != nil {
		return fmt.Errorf("read remote %s: %w", b.RemoteID, err)
	}
	// The import is asked first when the remote record changed (or the
	// model is not exported); when it would write nothing (a record
	// authored locally, whose remote copy the import never writes over),
	// the export is asked whether the remote record holds what it would
	// send.
	var jobs []*connector.Job
	if a.c.ImportMapper != nil {
		h, err := connector.HashFields(rec.Fields)
		if err != nil {
			return err
		}
		if !exported || h != b.RemoteHash {
			jobs = append(jobs, a.job(connector.KindImport, b.RemoteID, true))
		}
	}
	if exported {
		jobs = append(jobs, a.job(connector.KindExport, b.LocalID, true))
	}
	for _, job := range jobs {
		entries, err := a.planner.Try(ctx, a.flows.Mux, *job)
		if err != nil {
			return err
		}
		f := connector.Finding{Kind: connector.Drifted, RemoteID: b.RemoteID, LocalID: b.LocalID, Repair: job}
		drifted := false
		for _, e := range entries {
			switch {
			case e.Action == connector.PlanSkip:
			case e.Action == connector.PlanFail:
				drifted, f.Reason = true, "the sync would fail: "+e.Reason
			case e.Action != connector.PlanUpdate || len(e.Changes) > 0:
				drifted = true
				f.Changes = append(f.Changes, e.Changes...)
			}
		}
		if drifted {
			a.add(f)
			return nil
		}
	}
	return nil
}

// unbound searches one side for the records changed in the range that no
// binding holds, and reports those a sync (of kind) would write.
func (a *modelAudit) unbound(ctx context.Context, kind connector.FindingKind, side connector.Adapter, jobKind connector.Kind,
	byID func(ctx context.Context, model, id string) (connector.Binding, error)) error {
	windows := func(yield func(time.Time, time.Time) bool) { yield(a.opts.From, a.opts.To) }
	var w iter.Seq2[time.Time, time.Time] = windows
	if wr, ok := side.(connector.Windower); ok {
		w = wr.Windows(a.opts.From, a.opts.To)
	}
	for from, to := range w {
		for id, err := range side.Search(ctx, from, to) {
			if err != nil {
				return fmt.Errorf("search: %w", err)
			}
			if kind == connector.UnboundRemote {
				a.sum.Remote++
			} else {
				a.sum.Local++
			}
			_, err := byID(ctx, a.model, id)
			if err == nil {
				continue
			}
			if !errors.Is(err, connector.ErrNotBound) {
				return err
			}
			job := a.job(jobKind, id, false)
			entries, err := a.planner.Try(ctx, a.flows.Mux, *job)
			if err != nil {
				return err
			}
			f := connector.Finding{Kind: kind, Repair: job}
			if kind == connector.UnboundRemote {
				f.RemoteID = id
			} else {
				f.LocalID = id
			}
			writes := false
			for _, e := range entries {
				switch e.Action {
				case connector.PlanSkip:
				case connector.PlanFail:
					writes, f.Reason = true, "the sync would fail: "+e.Reason
				default:
					writes = true
				}
			}
			if writes {
				a.add(f)
			}
		}
	}
	return nil
}
