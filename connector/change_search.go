package connector

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// DefaultOverlap is how far before the end of the last search the next one
// begins. OpenERP dates a write by the start of its transaction, so a
// transaction that commits after a search ran holds changes dated before the
// search's end: the overlap must outlast the longest transaction, or those
// changes are never searched again.
const DefaultOverlap = 5 * time.Minute

// ErrNoStartDate is returned by a change search that has no watermark yet
// and no StartDate: searching from the beginning of time would walk decades
// of empty windows, so the first run must be told where to start.
var ErrNoStartDate = errors.New("no start date for the first search")

// ChangeSearch queues one job of Kind per record that Adapter reports
// changed since the watermark: with KindImport it is a model's import search
// (QoQa changes), with KindExport the change half of its ExportPoller.
//
// It searches up to the system's own time (the Adapter's Clock), never the
// host's, and, when the Adapter is a Windower, window by window. After each
// window is fully queued, the watermark moves to the window's end minus
// Overlap: a search or an enqueue that fails leaves it after the last
// complete window, and the next run resumes there.
type ChangeSearch struct {
	Kind       Kind
	Model      string
	Adapter    Adapter
	Queue      Enqueuer
	Watermarks WatermarkStore
	// Overlap is subtracted from a window's end when the watermark moves;
	// zero means DefaultOverlap.
	Overlap time.Duration
	// StartDate is where the first run searches from, when there is no
	// watermark yet; required then (see ErrNoStartDate).
	StartDate time.Time
	// Priority of the queued jobs; zero means normal.
	Priority int
	// Now is the clock of an Adapter that is not a Clock; nil means
	// time.Now.
	Now func() time.Time
}

// NewImportSearch returns the import search of a remote model.
func NewImportSearch(model string, remote Adapter, q Enqueuer, w WatermarkStore) *ChangeSearch {
	return &ChangeSearch{Kind: KindImport, Model: model, Adapter: remote, Queue: q, Watermarks: w}
}

// WatermarkName is the watermark of the change search of kind on model.
func WatermarkName(kind Kind, model string) string { return string(kind) + " " + model }

// Run searches and queues once. It returns how many jobs it queued
// (duplicates of pending ones included).
func (s *ChangeSearch) Run(ctx context.Context) (int, error) {
	name := WatermarkName(s.Kind, s.Model)
	from, ok, err := s.Watermarks.Watermark(ctx, name)
	if err != nil {
		return 0, fmt.Errorf("%s search %s: read watermark: %w", s.Kind, s.Model, err)
	}
	if !ok {
		if s.StartDate.IsZero() {
			return 0, fmt.Errorf("%s search %s: %w", s.Kind, s.Model, ErrNoStartDate)
		}
		from = s.StartDate.UTC()
	}
	now, err := s.systemNow(ctx)
	if err != nil {
		return 0, fmt.Errorf("%s search %s: read the system's clock: %w", s.Kind, s.Model, err)
	}
	// The systems date their records to the second: the search reaches to
	// the end of the current second, so that what was written in it is
	// found now rather than by the next run.
	to := now.Truncate(time.Second).Add(time.Second)
	overlap := s.Overlap
	if overlap <= 0 {
		overlap = DefaultOverlap
	}
	windows := func(yield func(time.Time, time.Time) bool) { yield(from, to) }
	if w, ok := s.Adapter.(Windower); ok {
		windows = w.Windows(from, to)
	}
	n, mark := 0, from
	for wFrom, wTo := range windows {
		queued, err := s.queue(ctx, wFrom, wTo)
		n += queued
		if err != nil {
			return n, fmt.Errorf("%s search %s: %w", s.Kind, s.Model, err)
		}
		if next := wTo.Add(-overlap); next.After(mark) {
			if err := s.Watermarks.SetWatermark(ctx, name, next); err != nil {
				return n, fmt.Errorf("%s search %s: store watermark: %w", s.Kind, s.Model, err)
			}
			mark = next
		}
	}
	if err := ctx.Err(); err != nil {
		return n, fmt.Errorf("%s search %s: stopped: %w", s.Kind, s.Model, err)
	}
	return n, nil
}

// systemNow is the searched system's time, or the host's for an adapter
// that cannot tell.
func (s *ChangeSearch) systemNow(ctx context.Context) (time.Time, error) {
	if c, ok := s.Adapter.(Clock); ok {
		t, err := c.Now(ctx)
		return t.UTC(), err
	}
	return now(s.Now), nil
}

// queue queues one job per record changed in [from, to).
func (s *ChangeSearch) queue(ctx context.Context, from, to time.Time) (int, error) {
	n := 0
	for id, err := range s.Adapter.Search(ctx, from, to) {
		if err != nil {
			return n, fmt.Errorf("search %s to %s: %w", from.Format(time.RFC3339), to.Format(time.RFC3339), err)
		}
		if _, err := s.Queue.Enqueue(ctx, Job{Kind: s.Kind, Model: s.Model, RecordID: id, Priority: s.Priority}); err != nil {
			return n, fmt.Errorf("queue %s %s %s: %w", s.Kind, s.Model, id, err)
		}
		n++
	}
	return n, nil
}
