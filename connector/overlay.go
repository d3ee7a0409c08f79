package connector

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Overlay is a Binder and a WatermarkStore that reads through to a host's
// store and keeps its own writes in memory: a plan runs the real flows on
// it, so that they see the bindings and watermarks a real run would have
// made, while the host's store is left as it was.
//
// It is safe for concurrent use. Its zero value is not usable: see
// NewOverlay.
type Overlay struct {
	base  Binder
	marks WatermarkStore

	mu sync.Mutex
	// A nil binding is a tombstone: removed in the overlay, whatever the
	// base holds.
	byRemote map[overlayKey]*Binding
	byLocal  map[overlayKey]*Binding
	written  map[string]time.Time
}

type overlayKey struct{ model, id string }

var (
	_ Binder         = (*Overlay)(nil)
	_ WatermarkStore = (*Overlay)(nil)
)

// NewOverlay returns an overlay over the bindings of b and the watermarks
// of w.
func NewOverlay(b Binder, w WatermarkStore) *Overlay {
	return &Overlay{base: b, marks: w, byRemote: map[overlayKey]*Binding{}, byLocal: map[overlayKey]*Binding{}, written: map[string]time.Time{}}
}

// ByRemote implements Binder.
func (o *Overlay) ByRemote(ctx context.Context, model, remoteID string) (Binding, error) {
	o.mu.Lock()
	b, ok := o.byRemote[overlayKey{model, remoteID}]
	o.mu.Unlock()
	if !ok {
		return o.fromBase(o.base.ByRemote(ctx, model, remoteID))
	}
	if b == nil {
		return Binding{}, fmt.Errorf("%s remote %s: %w", model, remoteID, ErrNotBound)
	}
	return *b, nil
}

// ByLocal implements Binder.
func (o *Overlay) ByLocal(ctx context.Context, model, localID string) (Binding, error) {
	o.mu.Lock()
	b, ok := o.byLocal[overlayKey{model, localID}]
	o.mu.Unlock()
	if !ok {
		return o.fromBase(o.base.ByLocal(ctx, model, localID))
	}
	if b == nil {
		return Binding{}, fmt.Errorf("%s local %s: %w", model, localID, ErrNotBound)
	}
	return *b, nil
}

// fromBase hides a base binding that the overlay moved under another key
// (rebound to another record on one side).
func (o *Overlay) fromBase(b Binding, err error) (Binding, error) {
	if err != nil {
		return b, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	r, rok := o.byRemote[overlayKey{b.Model, b.RemoteID}]
	l, lok := o.byLocal[overlayKey{b.Model, b.LocalID}]
	if (rok && (r == nil || r.LocalID != b.LocalID)) || (lok && (l == nil || l.RemoteID != b.RemoteID)) {
		return Binding{}, fmt.Errorf("%s remote %s: %w", b.Model, b.RemoteID, ErrNotBound)
	}
	return b, nil
}

// Bind implements Binder, with the conflicts of a real store.
func (o *Overlay) Bind(ctx context.Context, b Binding) error {
	if err := o.conflict(ctx, b); err != nil {
		return err
	}
	o.put(b)
	return nil
}

func (o *Overlay) conflict(ctx context.Context, b Binding) error {
	old, bound, err := lookup(o.ByRemote(ctx, b.Model, b.RemoteID))
	if err != nil {
		return err
	}
	if bound && old.LocalID != b.LocalID {
		return fmt.Errorf("%s remote %s is bound to local %s: %w", b.Model, b.RemoteID, old.LocalID, ErrBindingConflict)
	}
	old, bound, err = lookup(o.ByLocal(ctx, b.Model, b.LocalID))
	if err != nil {
		return err
	}
	if bound && old.RemoteID != b.RemoteID {
		return fmt.Errorf("%s local %s is bound to remote %s: %w", b.Model, b.LocalID, old.RemoteID, ErrBindingConflict)
	}
	return nil
}

func (o *Overlay) put(b Binding) {
	o.mu.Lock()
	defer o.mu.Unlock()
	nb := b
	o.byRemote[overlayKey{b.Model, b.RemoteID}] = &nb
	o.byLocal[overlayKey{b.Model, b.LocalID}] = &nb
}

func (o *Overlay) remove(b Binding) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.byRemote[overlayKey{b.Model, b.RemoteID}] = nil
	o.byLocal[overlayKey{b.Model, b.LocalID}] = nil
}

// Rebind implements Binder.
func (o *Overlay) Rebind(ctx context.Context, old, b Binding) error {
	cur, bound, err := lookup(o.ByLocal(ctx, old.Model, old.LocalID))
	if err != nil {
		return err
	}
	if !bound || cur.RemoteID != old.RemoteID {
		return fmt.Errorf("%s local %s is no longer bound to remote %s: %w", old.Model, old.LocalID, old.RemoteID, ErrBindingConflict)
	}
	o.remove(cur)
	if err := o.conflict(ctx, b); err != nil {
		o.put(cur)
		return err
	}
	o.put(b)
	return nil
}

// Unbind implements Binder.
func (o *Overlay) Unbind(ctx context.Context, model, localID string) error {
	b, bound, err := lookup(o.ByLocal(ctx, model, localID))
	if err != nil || !bound {
		return err
	}
	o.remove(b)
	return nil
}

// List implements Binder: the base's bindings as the overlay changed them,
// and the overlay's own, in LocalID order.
func (o *Overlay) List(ctx context.Context, model, afterLocalID string, limit int) ([]Binding, error) {
	var out []Binding
	after := afterLocalID
	for limit <= 0 || len(out) < limit {
		page, err := o.base.List(ctx, model, after, max(limit, 100))
		if err != nil {
			return nil, err
		}
		o.mu.Lock()
		for _, b := range page {
			if _, changed := o.byLocal[overlayKey{model, b.LocalID}]; !changed {
				out = append(out, b)
			}
		}
		o.mu.Unlock()
		if len(page) == 0 || len(page) < max(limit, 100) {
			break
		}
		after = page[len(page)-1].LocalID
	}
	o.mu.Lock()
	for k, b := range o.byLocal {
		if b != nil && k.model == model && k.id > afterLocalID {
			out = append(out, *b)
		}
	}
	o.mu.Unlock()
	slices.SortFunc(out, func(a, b Binding) int { return strings.Compare(a.LocalID, b.LocalID) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// Watermark implements WatermarkStore.
func (o *Overlay) Watermark(ctx context.Context, name string) (time.Time, bool, error) {
	o.mu.Lock()
	t, ok := o.written[name]
	o.mu.Unlock()
	if ok {
		return t, true, nil
	}
	return o.marks.Watermark(ctx, name)
}

// SetWatermark implements WatermarkStore, in memory only.
func (o *Overlay) SetWatermark(ctx context.Context, name string, t time.Time) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.written[name] = t
	return nil
}
