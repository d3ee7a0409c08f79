package qoqav1

import (
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"slices"

	"github.com/qoqasync/qoqasync/adapter"
	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/qoqa"
)

// Version is the registry version of these components.
const Version = "qoqa-v1"

// Systems are the clients of the two systems a backend syncs; the
// components' adapters call them.
type Systems struct {
	QoQa    *qoqa.Client
	OpenERP *openerp.Client
}

// Register declares Version in reg and registers the default components of
// every model for the backend b, whose settings (languages, model and field
// names) they follow. The components hold b's clients: a registry serves
// one backend.
func Register(reg *backend.Registry, b *backend.Backend, sys Systems) error {
	return RegisterWith(reg, b, sys, Options{})
}

// Options adjust the default components beyond what the backend's model
// settings say. The zero value is the defaults.
type Options struct {
	// LineProducts maps an order item type (shipping, voucher, discount,
	// service) to the default_code of the OpenERP product its order lines
	// use: those items sell nothing of the catalogue. A type it leaves out
	// uses DefaultLineProducts.
	LineProducts map[string]string
	// Logger receives the warnings of CheckImports; nil means
	// slog.Default.
	Logger *slog.Logger
}

// RegisterWith is Register with options.
func RegisterWith(reg *backend.Registry, b *backend.Backend, sys Systems, opts Options) error {
	if sys.QoQa == nil || sys.OpenERP == nil {
		return errors.New("qoqav1: both clients are required")
	}
	e := newEnv(b, sys)
	e.opts = opts
	exports, err := exportComponents(e)
	if err != nil {
		return err
	}
	imports, err := importComponents(e)
	if err != nil {
		return err
	}
	if err := reg.AddVersion(Version, ""); err != nil {
		return fmt.Errorf("qoqav1: %w", err)
	}
	var models []string
	for m := range exports {
		models = append(models, m)
	}
	for m := range imports {
		if _, ok := exports[m]; !ok {
			models = append(models, m)
		}
	}
	slices.Sort(models)
	for _, m := range models {
		c, err := merge(exports[m], imports[m])
		if err != nil {
			return fmt.Errorf("qoqav1: model %s: %w", m, err)
		}
		if c.Remote == nil {
			c.Remote = e.remote(m)
		}
		if c.Local == nil {
			c.Local = e.local(m)
		}
		if err := reg.Register(Version, m, c); err != nil {
			return err
		}
	}
	return nil
}

// merge joins the export and the import halves of a model's components; a
// component both set is a mistake of this package.
func merge(exp, imp backend.Components) (backend.Components, error) {
	out := exp
	ov, iv := reflect.ValueOf(&out).Elem(), reflect.ValueOf(imp)
	for i := range iv.NumField() {
		f := iv.Field(i)
		if f.IsZero() {
			continue
		}
		if !ov.Field(i).IsZero() {
			return backend.Components{}, fmt.Errorf("both the export and the import set %s", iv.Type().Field(i).Name)
		}
		ov.Field(i).Set(f)
	}
	return out, nil
}

// env is what the components of one backend are built from.
type env struct {
	b    *backend.Backend
	sys  Systems
	opts Options

	locals  map[string]*adapter.OpenERP
	remotes map[string]*adapter.QoQa
}

func newEnv(b *backend.Backend, sys Systems) *env {
	return &env{b: b, sys: sys, locals: map[string]*adapter.OpenERP{}, remotes: map[string]*adapter.QoQa{}}
}

// settings are the backend's settings of model, defaults filled in.
func (e *env) settings(model string) backend.ModelSettings { return e.b.Settings(model) }

// field is the database's name of an OpenERP field of model.
func (e *env) field(model, name string) string { return e.settings(model).Field(name) }

// localModel is the database's name of the OpenERP model of model.
func (e *env) localModel(model string) string {
	return e.settings(model).LocalModelOr(catalogue[model].local)
}

// local is the OpenERP adapter of model, one per model, so that the flows of
// both directions read and write through the same one.
func (e *env) local(model string) *adapter.OpenERP {
	if a, ok := e.locals[model]; ok {
		return a
	}
	m := catalogue[model]
	a := &adapter.OpenERP{
		Client: e.sys.OpenERP, Model: e.localModel(model),
		Languages: e.b.Languages,
	}
	for _, f := range m.fields {
		a.Fields = append(a.Fields, e.field(model, f))
	}
	for _, f := range m.translatable {
		a.Translatable = append(a.Translatable, e.field(model, f))
	}
	for _, f := range m.omit {
		a.Omit = append(a.Omit, e.field(model, f))
	}
	a.RefField = e.refField(model)
	if a.RefField != "" && m.fields != nil && !slices.Contains(a.Fields, a.RefField) {
		a.Fields = append(a.Fields, a.RefField)
	}
	e.keepRefs(model, a)
	e.locals[model] = a
	return a
}

// remote is the QoQa adapter of model.
func (e *env) remote(model string) *adapter.QoQa {
	if a, ok := e.remotes[model]; ok {
		return a
	}
	a := adapter.NewQoQa(e.sys.QoQa, catalogue[model].endpoint)
	e.remotes[model] = a
	return a
}
