package backend

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"

	"github.com/qoqasync/qoqasync/connector"
)

// Components are what syncs one model: the adapters of both systems, the
// mappers of both directions and the hooks of the flows. A component left
// nil in a version is taken from the version it builds on.
type Components struct {
	// Remote is the QoQa side, Local the OpenERP side.
	Remote connector.Adapter
	Local  connector.Adapter
	// ImportMapper maps QoQa records to OpenERP values; nil means the model
	// is not imported.
	ImportMapper connector.Mapper
	// ExportMapper maps OpenERP records to QoQa values; nil means the model
	// is not exported.
	ExportMapper connector.Mapper

	ImportDependencies func(ctx context.Context, rec connector.Record) ([]connector.Dependency, error)
	ExportDependencies func(ctx context.Context, rec connector.Record) ([]connector.Dependency, error)
	// ExportDependents lists the local records to export again when the
	// record is created again on QoQa (see connector.ExportFlow.Dependents).
	ExportDependents func(ctx context.Context, rec connector.Record) ([]connector.Dependency, error)
	// KeepRemote names the pairs whose QoQa record a deletion or archiving
	// in OpenERP must leave alone whatever the model's DeletePolicy (see
	// connector.Keeper); nil applies the policy to every pair.
	KeepRemote  connector.Keeper
	MustSkip    func(ctx context.Context, rec connector.Record) (string, error)
	AfterImport func(ctx context.Context, rec connector.Record, localID string, created bool) error
	AfterExport func(ctx context.Context, rec connector.Record, remoteID string, created bool) error
}

// Registry holds the components of each model per API version. A version
// builds on another and registers only what changes, so that supporting a
// new QoQa API version costs the components that differ.
type Registry struct {
	mu       sync.RWMutex
	base     map[string]string // version -> the version it builds on ("" for none)
	versions map[string]map[string]Components
}

// ErrUnknownVersion and ErrUnknownModel are returned by Lookup.
var (
	ErrUnknownVersion = errors.New("unknown API version")
	ErrUnknownModel   = errors.New("model has no components")
)

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{base: map[string]string{}, versions: map[string]map[string]Components{}}
}

// AddVersion declares version, building on base ("" for a first version).
func (r *Registry) AddVersion(version, base string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.base[version]; ok {
		return fmt.Errorf("backend: version %s already declared", version)
	}
	if _, ok := r.base[base]; base != "" && !ok {
		return fmt.Errorf("backend: version %s builds on %s: %w", version, base, ErrUnknownVersion)
	}
	r.base[version] = base
	r.versions[version] = map[string]Components{}
	return nil
}

// Register sets the components of model in version; a second call for the
// same model and version replaces the first.
func (r *Registry) Register(version, model string, c Components) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	models, ok := r.versions[version]
	if !ok {
		return fmt.Errorf("backend: register %s in %s: %w", model, version, ErrUnknownVersion)
	}
	models[model] = c
	return nil
}

// Lookup returns the components of model in version: each component from
// the newest version along the chain that sets it.
func (r *Registry) Lookup(version, model string) (Components, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if _, ok := r.base[version]; !ok {
		return Components{}, fmt.Errorf("backend: %s: %w", version, ErrUnknownVersion)
	}
	var chain []Components
	for v := version; v != ""; v = r.base[v] {
		if c, ok := r.versions[v][model]; ok {
			chain = append(chain, c)
		}
	}
	if len(chain) == 0 {
		return Components{}, fmt.Errorf("backend: %s in %s: %w", model, version, ErrUnknownModel)
	}
	var out Components
	ov := reflect.ValueOf(&out).Elem()
	for _, c := range slices.Backward(chain) { // oldest first, newer ones override
		cv := reflect.ValueOf(c)
		for i := range cv.NumField() {
			if f := cv.Field(i); !f.IsZero() {
				ov.Field(i).Set(f)
			}
		}
	}
	return out, nil
}

// Models lists the models that have components in version or a version it
// builds on, sorted.
func (r *Registry) Models(version string) []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	seen := map[string]bool{}
	for v := version; v != ""; v = r.base[v] {
		for m := range r.versions[v] {
			seen[m] = true
		}
	}
	out := make([]string, 0, len(seen))
	for m := range seen {
		out = append(out, m)
	}
	slices.Sort(out)
	return out
}
