package connector

import (
	"errors"
	"slices"
	"strings"
	"sync"
)

// Tally counts what the flows did to records, by kind and model: a host's
// summary of a run (created, updated, skipped, deleted), beside the failed
// jobs its queue keeps. A nil *Tally counts nothing. It is safe for
// concurrent use.
type Tally struct {
	mu     sync.Mutex
	counts map[TallyKey]TallyCounts
}

// TallyKey names what a count is about.
type TallyKey struct {
	Kind  Kind
	Model string
}

// TallyCounts are the outcomes of the syncs of one kind and model.
type TallyCounts struct {
	// Created and Updated count the records written, Deleted the remote
	// records a deletion policy changed (deleted, archived), Skipped the
	// syncs that had nothing to do.
	Created, Updated, Deleted, Skipped int
}

// Counts returns the counts so far, by kind and model.
func (t *Tally) Counts() map[TallyKey]TallyCounts {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make(map[TallyKey]TallyCounts, len(t.counts))
	for k, c := range t.counts {
		out[k] = c
	}
	return out
}

// Keys returns the keys counted so far, sorted by kind and model.
func (t *Tally) Keys() []TallyKey {
	counts := t.Counts()
	keys := make([]TallyKey, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b TallyKey) int {
		if c := strings.Compare(string(a.Kind), string(b.Kind)); c != 0 {
			return c
		}
		return strings.Compare(a.Model, b.Model)
	})
	return keys
}

func (t *Tally) add(kind Kind, model string, f func(*TallyCounts)) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.counts == nil {
		t.counts = map[TallyKey]TallyCounts{}
	}
	k := TallyKey{Kind: kind, Model: model}
	c := t.counts[k]
	f(&c)
	t.counts[k] = c
}

// written counts a record created or updated.
func (t *Tally) written(kind Kind, model string, created bool) {
	t.add(kind, model, func(c *TallyCounts) {
		if created {
			c.Created++
		} else {
			c.Updated++
		}
	})
}

// ended counts a job's end: a sync with nothing to do is skipped (the
// writes were counted where they happened).
func (t *Tally) ended(kind Kind, model string, err error) error {
	var nothing *NothingToDoError
	if errors.As(err, &nothing) {
		t.add(kind, model, func(c *TallyCounts) { c.Skipped++ })
	}
	return err
}
