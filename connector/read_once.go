package connector

import (
	"context"
	"sync"
)

// A job reads each remote record once: the import of an order imports its
// offer, whose variations import their product, whose look-up before
// creating (the template of a hand-made variant) reads the product and its
// variations again. Within one job the record read first is current enough:
// a change made meanwhile moves the record's version, and the next search
// queues it again.

// jobReads are the records a job read, by model and ID.
type jobReads struct {
	mu   sync.Mutex
	recs map[string]map[string]Record
}

type jobReadsKey struct{}

// withJobReads gives ctx a store of the job's reads, unless it has one: the
// outermost sync of a job makes it, the dependencies it syncs share it.
func withJobReads(ctx context.Context) context.Context {
	if _, ok := ctx.Value(jobReadsKey{}).(*jobReads); ok {
		return ctx
	}
	return context.WithValue(ctx, jobReadsKey{}, &jobReads{recs: map[string]map[string]Record{}})
}

// ReadOnce reads the record id of model through a, the model's remote
// adapter, or returns the record that a read of it gave earlier in the same
// job (in an import flow's sync or in one of its dependencies' syncs).
// Outside a job it is a.Read. It is meant for the remote side of imports,
// which nothing of the job writes; a record read back after a write must be
// read with a.Read. The record is shared: its reader must not change it.
func ReadOnce(ctx context.Context, model string, a Adapter, id string) (Record, error) {
	reads, ok := ctx.Value(jobReadsKey{}).(*jobReads)
	if !ok {
		return a.Read(ctx, id)
	}
	reads.mu.Lock()
	rec, seen := reads.recs[model][id]
	reads.mu.Unlock()
	if seen {
		return rec, nil
	}
	rec, err := a.Read(ctx, id)
	if err != nil {
		return Record{}, err
	}
	reads.mu.Lock()
	if reads.recs[model] == nil {
		reads.recs[model] = map[string]Record{}
	}
	reads.recs[model][id] = rec
	reads.mu.Unlock()
	return rec, nil
}
