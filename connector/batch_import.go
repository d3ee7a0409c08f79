package connector

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"
)

// MaxWindow is the longest window one search may cover: QoQa answers a
// search without paging, so a longer range is split.
const MaxWindow = 7 * 24 * time.Hour

// DefaultOverlap is how far before the last search's start the next search
// begins, so that a record written while the search ran is not missed.
const DefaultOverlap = 10 * time.Second

// Windows splits [from, to) into consecutive windows of at most size.
func Windows(from, to time.Time, size time.Duration) iter.Seq2[time.Time, time.Time] {
	return func(yield func(time.Time, time.Time) bool) {
		for start := from; start.Before(to); {
			end := start.Add(size)
			if end.After(to) {
				end = to
			}
			if !yield(start, end) {
				return
			}
			start = end
		}
	}
}

// ChangeSearch queues one job of Kind per record that Adapter reports
// changed since the watermark: with KindImport it is a model's batch import
// (remote changes), with KindExport the change half of its ExportPoller.
//
// The watermark moves, to the search's start minus Overlap, only after the
// whole window has been queued: a search or an enqueue that fails leaves it
// where it was, and the next run searches the same window again (merging
// what is already queued).
type ChangeSearch struct {
	Kind       Kind
	Model      string
	Adapter    Adapter
	Queue      Queue
	Watermarks WatermarkStore
	// Overlap is subtracted from the search's start when the watermark
	// moves; zero means DefaultOverlap.
	Overlap time.Duration
	// StartDate is where the first run searches from, when there is no
	// watermark yet; zero means the Unix epoch (everything).
	StartDate time.Time
	// Window caps one search's range; zero searches the whole range at
	// once. NewBatchImport sets MaxWindow, since QoQa answers a search
	// without paging.
	Window time.Duration
	// Priority of the queued jobs; zero means normal.
	Priority int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// NewBatchImport returns the batch import of a remote model.
func NewBatchImport(model string, remote Adapter, q Queue, w WatermarkStore) *ChangeSearch {
	return &ChangeSearch{Kind: KindImport, Model: model, Adapter: remote, Queue: q, Watermarks: w, Window: MaxWindow}
}

// WatermarkName is the watermark of the change search of kind on model.
func WatermarkName(kind Kind, model string) string { return string(kind) + " " + model }

// Run searches and queues once. It returns how many jobs it queued (merged
// ones included).
func (s *ChangeSearch) Run(ctx context.Context) (int, error) {
	start := now(s.Now)
	name := WatermarkName(s.Kind, s.Model)
	from, err := s.Watermarks.Watermark(ctx, name)
	if err != nil {
		return 0, fmt.Errorf("%s search %s: read watermark: %w", s.Kind, s.Model, err)
	}
	if from.IsZero() {
		from = s.StartDate
		if from.IsZero() {
			from = time.Unix(0, 0).UTC()
		}
	}
	n, err := s.queue(ctx, from, start)
	if err != nil {
		return n, fmt.Errorf("%s search %s: %w", s.Kind, s.Model, err)
	}
	overlap := s.Overlap
	if overlap <= 0 {
		overlap = DefaultOverlap
	}
	if err := s.Watermarks.SetWatermark(ctx, name, start.Add(-overlap)); err != nil {
		return n, fmt.Errorf("%s search %s: store watermark: %w", s.Kind, s.Model, err)
	}
	return n, nil
}

// Work implements Handler, for hosts that run searches as KindBatch jobs.
func (s *ChangeSearch) Work(ctx context.Context, job Job) error {
	_, err := s.Run(ctx)
	return err
}

// queue queues one job per record changed in [from, to), window by window.
func (s *ChangeSearch) queue(ctx context.Context, from, to time.Time) (int, error) {
	windows := Windows(from, to, s.Window)
	if s.Window <= 0 {
		windows = func(yield func(time.Time, time.Time) bool) { yield(from, to) }
	}
	n := 0
	for wFrom, wTo := range windows {
		for id, err := range s.Adapter.Search(ctx, wFrom, wTo) {
			if err != nil {
				return n, fmt.Errorf("search %s to %s: %w", wFrom.Format(time.RFC3339), wTo.Format(time.RFC3339), err)
			}
			if _, err := s.Queue.Enqueue(ctx, Job{Kind: s.Kind, Model: s.Model, RecordID: id, Priority: s.Priority}); err != nil {
				return n, fmt.Errorf("queue %s %s %s: %w", s.Kind, s.Model, id, err)
			}
			n++
		}
	}
	if err := ctx.Err(); err != nil {
		return n, errors.Join(errors.New("search stopped"), err)
	}
	return n, nil
}
