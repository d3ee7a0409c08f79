package connector

import (
	"context"
	"fmt"
)

// ExportPoller finds the local records of a model that changed since its
// watermark (OpenERP's write_date) and queues their exports, then finds bound
// records that were deleted or archived and queues their deletion. Hosts that
// learn of changes another way call QueueExport instead.
type ExportPoller struct {
	// ChangeSearch finds the changes; its Kind is set to KindExport and
	// its Adapter is the local one.
	ChangeSearch
	Binder Binder
	// PageSize is how many bindings one existence check covers; zero means
	// 500.
	PageSize int
}

// NewExportPoller returns the export poller of a local model.
func NewExportPoller(model string, local Adapter, b Binder, q Enqueuer, w WatermarkStore) *ExportPoller {
	return &ExportPoller{ChangeSearch: ChangeSearch{Kind: KindExport, Model: model, Adapter: local, Queue: q, Watermarks: w}, Binder: b}
}

// Run polls once: changes first, then deletions. It returns how many export
// and delete jobs it queued.
func (p *ExportPoller) Run(ctx context.Context) (exports, deletes int, err error) {
	search := p.ChangeSearch
	search.Kind = KindExport
	if exports, err = search.Run(ctx); err != nil {
		return exports, 0, err
	}
	deletes, err = p.queueDeletions(ctx)
	return exports, deletes, err
}

// QueueExport queues the export of one local record now.
func (p *ExportPoller) QueueExport(ctx context.Context, localID string, opts ExportOptions) (EnqueueResult, error) {
	job, err := NewJob(KindExport, p.Model, localID, opts)
	if err != nil {
		return EnqueueResult{}, err
	}
	job.Priority = p.Priority
	return p.Queue.Enqueue(ctx, job)
}

// queueDeletions walks the model's bindings page by page and queues a delete
// job for each local record that is gone, or archived while its remote
// record has not been retired yet.
func (p *ExportPoller) queueDeletions(ctx context.Context) (int, error) {
	checker, ok := p.Adapter.(ActiveChecker)
	if !ok {
		return 0, nil
	}
	size := p.PageSize
	if size <= 0 {
		size = 500
	}
	n, after := 0, ""
	for {
		page, err := p.Binder.List(ctx, p.Model, after, size)
		if err != nil {
			return n, fmt.Errorf("export poll %s: list bindings: %w", p.Model, err)
		}
		if len(page) == 0 {
			return n, nil
		}
		ids := make([]string, len(page))
		for i, b := range page {
			ids[i] = b.LocalID
		}
		active, err := checker.Active(ctx, ids)
		if err != nil {
			return n, fmt.Errorf("export poll %s: check records: %w", p.Model, err)
		}
		for _, b := range page {
			isActive, exists := active[b.LocalID]
			if isActive || (exists && b.RemoteState != RemoteLive) {
				continue // alive, or archived and already retired
			}
			if _, err := p.Queue.Enqueue(ctx, Job{Kind: KindDelete, Model: p.Model, RecordID: b.LocalID, Priority: p.Priority}); err != nil {
				return n, fmt.Errorf("export poll %s: queue deletion of %s: %w", p.Model, b.LocalID, err)
			}
			n++
		}
		after = ids[len(ids)-1]
	}
}
