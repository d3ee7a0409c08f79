package qoqav1

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"

	"github.com/qoqasync/qoqasync/adapter"
	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/openerp"
)

// An import writes the QoQa reference of what it creates in the create
// itself, so that a retry after a lost answer or a lost binding finds the
// record instead of making a second one (connector.Finder). This file says
// where each model keeps it, and checks at start that the field exists:
// OpenERP 7 ignores a field that a create names and the model lacks, with
// no more than a line in its server log.

// refField is the database's name of the OpenERP field that keeps the QoQa
// reference of model's records, or the natural key that stands for it; ""
// for none.
func (e *env) refField(model string) string {
	f := catalogue[model].refField
	if s := e.settings(model); s.RefField != "" {
		f = s.RefField
	}
	if f == "" {
		return ""
	}
	return e.field(model, f)
}

// naturalKey returns the QoQa field whose value model's reference field
// holds, when that field is one of the model's natural keys.
func (e *env) naturalKey(model string) (string, bool) {
	ref := e.refField(model)
	for local, remote := range catalogue[model].naturalKeys {
		if ref != "" && e.field(model, local) == ref {
			return remote, true
		}
	}
	return "", false
}

// keepRefs sets how a, the OpenERP adapter of model, keeps the references
// of the records an import creates:
//   - a natural key (a variant's default_code) is searched for the value
//     the QoQa record holds, which the mapping writes: nothing else is;
//   - a field only this model's records fill (the qoqa_id of the
//     connector's models, an order's client_order_ref) keeps the bare QoQa
//     ID, which a person reads as the QoQa number;
//   - a field that several models share (users and addresses are both
//     partners, with one ref) keeps the whole reference, user/12.
func (e *env) keepRefs(model string, a *adapter.OpenERP) {
	if remoteField, ok := e.naturalKey(model); ok {
		a.FindRef = naturalKeyFinder(model, e.remote(model), a.RefField, remoteField)
		a.RefField = ""
		return
	}
	if a.RefField != "" && !e.sharesLocalModel(model) {
		a.RefModel = model
	}
}

// sharesLocalModel reports whether another model of the catalogue is kept in
// model's OpenERP model.
func (e *env) sharesLocalModel(model string) bool {
	for other := range catalogue {
		if other != model && e.localModel(other) == e.localModel(model) {
			return true
		}
	}
	return false
}

// naturalKeyFinder is the adapter.OpenERP.FindRef of a natural key: it reads
// the QoQa record of a reference and searches the OpenERP records whose
// field localField holds its value of remoteField. It costs a read on QoQa,
// and runs only before a create.
func naturalKeyFinder(model string, remote connector.Adapter, localField, remoteField string) func(ctx context.Context, ref string) (openerp.Domain, error) {
	return func(ctx context.Context, ref string) (openerp.Domain, error) {
		m, id, gen, ok := connector.ParseRef(ref)
		if !ok || m != model || gen != 0 {
			return nil, fmt.Errorf("%q is no reference of a %s: %w", ref, model, connector.ErrNotFound)
		}
		rec, err := remote.Read(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("read %s %s for its %s: %w", model, id, remoteField, err)
		}
		key := text(rec, remoteField)
		if key == "" {
			return nil, fmt.Errorf("%s %s has no %s: %w", model, id, remoteField, connector.ErrNotFound)
		}
		return openerp.Where(localField, "=", key), nil
	}
}

// CheckImports checks, before the flows of b run, that the OpenERP
// database holds every model and field the imports write, the reference
// fields included, and the products of the order lines (Options.LineProducts).
// OpenERP 7 silently ignores a field that a create names and the model
// lacks: without this check a misnamed reference field would let every
// retried create make a second record. It asks fields_get once per OpenERP
// model and returns every problem at once, each saying how to fix it.
//
// A model whose records keep no reference (product templates, unless the
// backend sets a RefField) is reported on opts.Logger: a create of it whose
// answer is lost is made again by the retry.
func CheckImports(ctx context.Context, b *backend.Backend, oc *openerp.Client, opts Options) error {
	e := newEnv(b, Systems{OpenERP: oc})
	e.opts = opts
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	byModel := map[string][]string{}
	var models []string
	for model := range importWrites {
		local := e.localModel(model)
		if _, ok := byModel[local]; !ok {
			models = append(models, local)
		}
		byModel[local] = append(byModel[local], model)
	}
	slices.Sort(models)
	var problems []error
	for _, local := range models {
		fields, err := oc.FieldsGet(ctx, local, []string{"type"}, nil)
		if err != nil {
			if errors.Is(err, openerp.ErrBadCall) {
				problems = append(problems, fmt.Errorf("qoqav1: backend %s: OpenERP has no model %s (for %s): install the module that provides it, or set ModelSettings.LocalModel", b.Name, local, strings.Join(byModel[local], ", ")))
				continue
			}
			return fmt.Errorf("qoqav1: backend %s: fields of %s: %w", b.Name, local, err)
		}
		slices.Sort(byModel[local])
		for _, model := range byModel[local] {
			problems = append(problems, e.checkFields(local, model, fields)...)
			if e.refField(model) == "" && model != "customer" {
				logger.Warn("qoqav1: the model keeps no QoQa reference: an import whose create answer is lost creates the record twice; add a char field x_qoqa_ref and name it in ModelSettings.RefField",
					"backend", b.Name, "model", model, "openerp_model", local)
			}
		}
	}
	products := e.lineProducts()
	for _, typ := range slices.Sorted(maps.Keys(products)) {
		code := products[typ]
		ids, err := oc.Search(ctx, e.localModel("variation"), openerp.Where(e.field("variation", "default_code"), "=", code), openerp.SearchOptions{Limit: 1, Context: openerp.Context{"active_test": false}})
		if err != nil {
			return fmt.Errorf("qoqav1: backend %s: the product of %s lines: %w", b.Name, typ, err)
		}
		if len(ids) == 0 {
			problems = append(problems, fmt.Errorf("qoqav1: backend %s: no product has the default_code %q that the order lines of type %s use: create it, or name another in Options.LineProducts", b.Name, code, typ))
		}
	}
	return errors.Join(problems...)
}

// checkFields lists the fields that model's import writes to local and
// that fields, its fields_get, lacks.
func (e *env) checkFields(local, model string, fields map[string]map[string]any) []error {
	var problems []error
	ref := e.refField(model)
	for _, f := range importWrites[model] {
		name := e.field(model, f)
		if _, ok := fields[name]; ok || name == ref {
			continue
		}
		problems = append(problems, fmt.Errorf("qoqav1: backend %s: %s has no field %s, which the import of %s writes: install the module that adds it, or map the name in ModelSettings.Fields", e.b.Name, local, name, model))
	}
	if ref == "" || model == "customer" {
		return problems
	}
	if _, ok := fields[ref]; !ok {
		how := "add it (Settings > Technical > Database Structure > Fields: model " + local + ", name " + ref + ", type char, indexed)"
		if !strings.HasPrefix(ref, "x_") {
			how = "name an existing char field, or an x_ field you add, in ModelSettings.RefField"
		}
		problems = append(problems, fmt.Errorf("qoqav1: backend %s: %s has no field %s, where the import of %s keeps the QoQa reference of what it creates (OpenERP would ignore it, and a retried create would make a second record): %s", e.b.Name, local, ref, model, how))
	}
	return problems
}
