package binding

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/qoqasync/qoqasync/connector"
)

// Memory keeps bindings and watermarks in memory: for tests and throw-away
// runs. Its zero value is ready; it is safe for concurrent use.
type Memory struct {
	mu       sync.RWMutex
	byRemote map[key]*connector.Binding
	byLocal  map[key]*connector.Binding
	marks    map[string]time.Time
}

type key struct{ model, id string }

var (
	_ connector.Binder         = (*Memory)(nil)
	_ connector.WatermarkStore = (*Memory)(nil)
	_ Store                    = (*Memory)(nil)
)

// NewMemory returns an empty store.
func NewMemory() *Memory { return &Memory{} }

// ByRemote implements connector.Binder.
func (m *Memory) ByRemote(ctx context.Context, model, remoteID string) (connector.Binding, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if b := m.byRemote[key{model, remoteID}]; b != nil {
		return *b, nil
	}
	return connector.Binding{}, fmt.Errorf("%s remote %s: %w", model, remoteID, connector.ErrNotBound)
}

// ByLocal implements connector.Binder.
func (m *Memory) ByLocal(ctx context.Context, model, localID string) (connector.Binding, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if b := m.byLocal[key{model, localID}]; b != nil {
		return *b, nil
	}
	return connector.Binding{}, fmt.Errorf("%s local %s: %w", model, localID, connector.ErrNotBound)
}

// Bind implements connector.Binder.
func (m *Memory) Bind(ctx context.Context, b connector.Binding) error {
	if err := Validate(b); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.byRemote == nil {
		m.byRemote, m.byLocal = map[key]*connector.Binding{}, map[key]*connector.Binding{}
	}
	rk, lk := key{b.Model, b.RemoteID}, key{b.Model, b.LocalID}
	if old := m.byRemote[rk]; old != nil && old.LocalID != b.LocalID {
		return Conflict(b, *old)
	}
	if old := m.byLocal[lk]; old != nil && old.RemoteID != b.RemoteID {
		return Conflict(b, *old)
	}
	nb := b
	m.byRemote[rk], m.byLocal[lk] = &nb, &nb
	return nil
}

// Rebind implements connector.Binder.
func (m *Memory) Rebind(ctx context.Context, old, b connector.Binding) error {
	if err := ValidateRebind(old, b); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	cur := m.byLocal[key{old.Model, old.LocalID}]
	if cur == nil || cur.RemoteID != old.RemoteID {
		return fmt.Errorf("rebind %s remote %s to local %s: the binding of remote %s to local %s is gone: %w",
			b.Model, b.RemoteID, b.LocalID, old.RemoteID, old.LocalID, connector.ErrBindingConflict)
	}
	rk, lk := key{b.Model, b.RemoteID}, key{b.Model, b.LocalID}
	if other := m.byRemote[rk]; other != nil && other != cur {
		return Conflict(b, *other)
	}
	if other := m.byLocal[lk]; other != nil && other != cur {
		return Conflict(b, *other)
	}
	delete(m.byRemote, key{old.Model, old.RemoteID})
	delete(m.byLocal, key{old.Model, old.LocalID})
	nb := b
	m.byRemote[rk], m.byLocal[lk] = &nb, &nb
	return nil
}

// Unbind implements connector.Binder.
func (m *Memory) Unbind(ctx context.Context, model, localID string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if b := m.byLocal[key{model, localID}]; b != nil {
		delete(m.byRemote, key{model, b.RemoteID})
		delete(m.byLocal, key{model, localID})
	}
	return nil
}

// List implements connector.Binder.
func (m *Memory) List(ctx context.Context, model, afterLocalID string, limit int) ([]connector.Binding, error) {
	m.mu.RLock()
	var out []connector.Binding
	for k, b := range m.byLocal {
		if k.model == model && k.id > afterLocalID {
			out = append(out, *b)
		}
	}
	m.mu.RUnlock()
	slices.SortFunc(out, func(a, b connector.Binding) int { return strings.Compare(a.LocalID, b.LocalID) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// Watermark implements connector.WatermarkStore.
func (m *Memory) Watermark(ctx context.Context, name string) (time.Time, bool, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	t, ok := m.marks[name]
	return t, ok, nil
}

// SetWatermark implements connector.WatermarkStore.
func (m *Memory) SetWatermark(ctx context.Context, name string, t time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.marks == nil {
		m.marks = map[string]time.Time{}
	}
	m.marks[name] = t.UTC()
	return nil
}

// Validate reports a binding that no store may keep.
func Validate(b connector.Binding) error {
	if b.Model == "" || b.RemoteID == "" || b.LocalID == "" {
		return fmt.Errorf("binding: model, remote ID and local ID are required, got %q, %q, %q", b.Model, b.RemoteID, b.LocalID)
	}
	return nil
}

// ValidateRebind reports a rebind that no store may do: every store refuses
// the same ones.
func ValidateRebind(old, b connector.Binding) error {
	if err := Validate(b); err != nil {
		return err
	}
	if old.Model != b.Model || old.RemoteID == "" || old.LocalID == "" {
		return fmt.Errorf("binding: rebind %s remote %s to local %s: the old binding must be a binding of the same model, got %q remote %q local %q",
			b.Model, b.RemoteID, b.LocalID, old.Model, old.RemoteID, old.LocalID)
	}
	return nil
}

// Conflict is the error of binding b where old holds one of its sides: every
// store words it the same, and wraps connector.ErrBindingConflict, which the
// flows retry.
func Conflict(b, old connector.Binding) error {
	return fmt.Errorf("bind %s remote %s to local %s: already bound remote %s to local %s: %w",
		b.Model, b.RemoteID, b.LocalID, old.RemoteID, old.LocalID, connector.ErrBindingConflict)
}

// Close implements Store; the bindings stay readable.
func (m *Memory) Close() error { return nil }
