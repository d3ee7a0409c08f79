// Package backend pairs one QoQa shop with one OpenERP database at an API
// version, holds each model's settings (intervals, deletion policy, model and
// field names) and a registry of the components that sync each model, and
// builds from them the flows a host runs. Plan (a dry run of those flows)
// and Audit (bindings compared with both sides) build their own from the
// same registry, so that a host can run them on its own schedule.
package backend

import (
	"fmt"
	"maps"
	"time"

	"github.com/qoqasync/qoqasync/connector"
)

// Backend is one shop and one database kept in sync.
type Backend struct {
	// Name identifies the pair in bindings, logs and metrics.
	Name string
	// Version selects the components of the registry (see Registry).
	Version string
	// Languages are the OpenERP languages synced (fr_FR, de_DE, ...): every
	// translatable field is read and written in each.
	Languages []string
	// Since is where the first change search of every model starts (the
	// runner's -since), unless the model sets its own; required for a
	// model that has an interval, since a search from the beginning of
	// time would walk decades of empty windows.
	Since time.Time
	// Models holds the settings of each model by its connector name
	// (product, order, ...). A model without an entry gets the defaults.
	Models map[string]ModelSettings
}

// ModelSettings are a model's knobs. Zero values mean the defaults.
type ModelSettings struct {
	// ImportInterval is how often the import search asks QoQa for
	// changes; zero means no scheduled import.
	ImportInterval time.Duration
	// ExportInterval is how often the export poller searches OpenERP for
	// changes; zero means no scheduled export.
	ExportInterval time.Duration
	// Since is where the model's first import search and export poll
	// start; zero means the Backend's Since.
	Since time.Time
	// Overlap is how far back each search reaches before the end of the
	// last one; zero means connector.DefaultOverlap.
	Overlap time.Duration
	// DeletePolicy says what deleting the OpenERP record does to the QoQa
	// one; empty means DefaultDeletePolicy.
	DeletePolicy connector.DeletePolicy
	// OnMissing says what a sync does when the record of a binding was
	// deleted on the other side: create it again (the default) or fail.
	OnMissing connector.MissingPolicy
	// LocalModel renames the OpenERP model (product.template, ...) for a
	// database that uses another.
	LocalModel string
	// Fields renames OpenERP fields: the default name to the database's.
	Fields map[string]string
	// RefField names the OpenERP field (a char) that keeps the QoQa
	// reference of a record an import created: written in the create
	// itself and searched before creating, so that a create whose answer
	// or binding was lost is found again instead of made twice. Empty
	// keeps the components' default for the model.
	RefField string
}

// DefaultDeletePolicies is what a local deletion does per model when the
// settings say nothing: products and offers are deleted on QoQa, vouchers are
// not, and every other model is left alone.
var DefaultDeletePolicies = map[string]connector.DeletePolicy{
	"product":   connector.DeleteRemote,
	"variation": connector.DeleteRemote,
	"offer":     connector.DeleteRemote,
	"voucher":   connector.IgnoreDelete,
}

// Settings returns the settings of model with the defaults filled in.
func (b *Backend) Settings(model string) ModelSettings {
	s := b.Models[model]
	if s.Since.IsZero() {
		s.Since = b.Since
	}
	if s.DeletePolicy == "" {
		s.DeletePolicy = DefaultDeletePolicies[model]
		if s.DeletePolicy == "" {
			s.DeletePolicy = connector.IgnoreDelete
		}
	}
	s.Fields = maps.Clone(s.Fields)
	return s
}

// Field returns the database's name for an OpenERP field of the default
// backend.
func (s ModelSettings) Field(name string) string {
	if n, ok := s.Fields[name]; ok {
		return n
	}
	return name
}

// LocalModelOr returns the configured OpenERP model, or def.
func (s ModelSettings) LocalModelOr(def string) string {
	if s.LocalModel != "" {
		return s.LocalModel
	}
	return def
}

// Validate reports settings that cannot work.
func (b *Backend) Validate() error {
	if b.Name == "" {
		return fmt.Errorf("backend: no name")
	}
	if b.Version == "" {
		return fmt.Errorf("backend %s: no version", b.Name)
	}
	for m, s := range b.Models {
		if s.ImportInterval < 0 || s.ExportInterval < 0 || s.Overlap < 0 {
			return fmt.Errorf("backend %s: model %s: negative interval or overlap", b.Name, m)
		}
		if (s.ImportInterval > 0 || s.ExportInterval > 0) && s.Since.IsZero() && b.Since.IsZero() {
			return fmt.Errorf("backend %s: model %s: %w: set the backend's or the model's Since", b.Name, m, connector.ErrNoStartDate)
		}
		switch s.OnMissing {
		case "", connector.RecreateMissing, connector.FailMissing:
		default:
			return fmt.Errorf("backend %s: model %s: unknown missing-record policy %q", b.Name, m, s.OnMissing)
		}
		switch s.DeletePolicy {
		case "", connector.DeleteRemote, connector.ArchiveRemote, connector.IgnoreDelete:
		default:
			return fmt.Errorf("backend %s: model %s: unknown deletion policy %q", b.Name, m, s.DeletePolicy)
		}
	}
	return nil
}
