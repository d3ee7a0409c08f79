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
//
//   - a natural key as the reference field (a variant's default_code, a
//     shop's name) is searched for the value the record holds, which the
//     mapping writes: nothing else is written;
//   - any other reference field is written by the create and searched
//     exactly; a natural key of the model, if it has one, then adopts a
//     record made by hand, whose reference field is empty (an OpenERP
//     voucher of the code, a shop of the name when the backend gives shops
//     an x_ field);
//   - the connector module's own qoqa_id keeps the bare QoQa ID, which a
//     person reads as the QoQa number and nobody types; a field of a
//     standard model keeps the whole reference, order/12, since people
//     type in them (an order's Source Document, a partner's Reference), and
//     "12" would find the record of whoever typed it.
//
// A template is found through its variations' SKUs (templateFinder).
func (e *env) keepRefs(model string, a *adapter.OpenERP) {
	if remoteField, ok := e.naturalKey(model); ok {
		a.FindRef = naturalKeyFinder(model, e.remote(model), a.RefField, remoteField)
		a.RefField = ""
		return
	}
	for local, remote := range catalogue[model].naturalKeys { // one per model
		a.FindRef = naturalKeyFinder(model, e.remote(model), e.field(model, local), remote)
	}
	if catalogue[model].byVariants {
		a.FindRef = e.templateFinder(model)
	}
	if a.RefField != "" && e.bareRefs(model) {
		a.RefModel = model
	}
}

// bareRefs reports whether model's reference field is the connector
// module's own qoqa_id, which only the connector fills.
func (e *env) bareRefs(model string) bool {
	return catalogue[model].refField == "qoqa_id" && e.refField(model) == e.field(model, "qoqa_id") && !e.sharesLocalModel(model)
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

// naturalKeyFinder is the adapter.OpenERP.FindRef of a natural key: the
// records whose field localField holds the key. The key is the value a
// create would write there (values); asked without them (FindByRef), it is
// the QoQa record's remoteField, which costs a read on QoQa.
func naturalKeyFinder(model string, remote connector.Adapter, localField, remoteField string) func(ctx context.Context, ref string, values map[string]any) (openerp.Domain, error) {
	return func(ctx context.Context, ref string, values map[string]any) (openerp.Domain, error) {
		m, id, gen, ok := connector.ParseRef(ref)
		if !ok || m != model || gen != 0 {
			return nil, fmt.Errorf("%q is no reference of a %s: %w", ref, model, connector.ErrNotFound)
		}
		var key string
		if values != nil {
			s, _ := values[localField].(string)
			key = strings.TrimSpace(s)
		} else {
			rec, err := remote.Read(ctx, id)
			if err != nil {
				return nil, fmt.Errorf("read %s %s for its %s: %w", model, id, remoteField, err)
			}
			key = text(rec, remoteField)
		}
		if key == "" {
			return nil, fmt.Errorf("%s %s has no %s: %w", model, id, remoteField, connector.ErrNotFound)
		}
		return openerp.Where(localField, "=", key), nil
	}
}

// templateFinder is the adapter.OpenERP.FindRef of the product templates:
// those whose variants hold the SKU of one of the QoQa product's
// variations. A variant made by hand (or bound once and its binding lost)
// is found by its SKU; its template must be found too, or the import of its
// product makes a copy of the template and the variation's moves the
// variant onto it. It reads the product and its variations on QoQa, and
// runs only before a template is created.
func (e *env) templateFinder(model string) func(ctx context.Context, ref string, values map[string]any) (openerp.Domain, error) {
	products, variations := e.remote(model), e.remote("variation")
	variants, code, template := e.localModel("variation"), e.field("variation", "default_code"), e.field("variation", "product_tmpl_id")
	return func(ctx context.Context, ref string, values map[string]any) (openerp.Domain, error) {
		m, id, gen, ok := connector.ParseRef(ref)
		if !ok || m != model || gen != 0 {
			return nil, fmt.Errorf("%q is no reference of a %s: %w", ref, model, connector.ErrNotFound)
		}
		rec, err := connector.ReadOnce(ctx, model, products, id) // the product's import read it
		if err != nil {
			return nil, fmt.Errorf("read %s %s for its variations: %w", model, id, err)
		}
		list, _ := rec.Fields["variation_ids"].([]any)
		var skus []any
		for _, v := range list {
			vid, err := refID(v)
			if err != nil || vid == "" {
				continue
			}
			// The variation whose import imports this product read it, and
			// the other variations' imports in this job will read it.
			variation, err := connector.ReadOnce(ctx, "variation", variations, vid)
			if errors.Is(err, connector.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("read variation %s of %s %s for its sku: %w", vid, model, id, err)
			}
			if sku := text(variation, "sku"); sku != "" {
				skus = append(skus, sku)
			}
		}
		if len(skus) == 0 {
			return e.orphanTemplates(ctx, model, id, values)
		}
		oc := e.sys.OpenERP
		found, err := oc.Search(ctx, variants, openerp.Where(code, "in", skus), openerp.SearchOptions{Order: "id asc", Context: everything})
		if err != nil {
			return nil, adapter.OpenERPDecision(fmt.Errorf("the variants of the skus of %s %s: %w", model, id, err))
		}
		if len(found) == 0 {
			return e.orphanTemplates(ctx, model, id, values)
		}
		rows, err := oc.Read(ctx, variants, found, []string{template}, nil)
		if err != nil {
			return nil, adapter.OpenERPDecision(fmt.Errorf("the templates of the variants of %s %s: %w", model, id, err))
		}
		var templates []any
		for _, r := range rows {
			if t, _, ok := r.Many2One(template); ok && !slices.Contains(templates, any(t)) {
				templates = append(templates, t)
			}
		}
		return openerp.Where("id", "in", templates), nil
	}
}

// orphanTemplates finds the templates that an earlier attempt of model's
// import made and left without a variant: the process was killed, or the
// create's answer lost, before any variation was made, so that no SKU leads
// to them. They bear the name values gives and have no variant; the import
// passes over one bound to another product.
func (e *env) orphanTemplates(ctx context.Context, model, id string, values map[string]any) (openerp.Domain, error) {
	nameField, variantsField := e.field(model, "name"), e.field(model, "product_variant_ids")
	// A translated name is in the database's language as the create wrote
	// it (connector.Translations.BaseValue), or as a later write of that
	// language's translation made it: any of the texts will do.
	var names []any
	switch v := values[nameField].(type) {
	case string:
		names = append(names, v)
	case connector.Translations:
		for _, lang := range slices.Sorted(maps.Keys(v)) {
			if text, ok := v[lang].(string); ok && text != "" {
				names = append(names, text)
			}
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no variant holds a sku of %s %s, and it has no name: %w", model, id, connector.ErrNotFound)
	}
	oc, local := e.sys.OpenERP, e.localModel(model)
	found, err := oc.Search(ctx, local, openerp.Where(nameField, "in", names), openerp.SearchOptions{Order: "id asc", Context: everything})
	if err != nil {
		return nil, adapter.OpenERPDecision(fmt.Errorf("the templates named as %s %s: %w", model, id, err))
	}
	var orphans []any
	if len(found) > 0 {
		rows, err := oc.Read(ctx, local, found, []string{variantsField}, everything)
		if err != nil {
			return nil, adapter.OpenERPDecision(fmt.Errorf("the variants of the templates named as %s %s: %w", model, id, err))
		}
		for _, r := range rows {
			if len(r.IDs(variantsField)) == 0 {
				orphans = append(orphans, r.ID())
			}
		}
	}
	if len(orphans) == 0 {
		return nil, fmt.Errorf("no variant holds a sku of %s %s, nor is a template of its name without variants: %w", model, id, connector.ErrNotFound)
	}
	return openerp.Where("id", "in", orphans), nil
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
// answer is lost is made again by the retry (a template is found again
// through its variants' SKUs, which it has not yet; the first one stays in
// OpenERP without a variant, and is never sent to QoQa).
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
		if _, ok := fields[name]; ok || slices.Contains(importOptional[model], f) || name == ref {
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
