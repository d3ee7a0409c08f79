package qoqav1

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"time"

	"github.com/qoqasync/qoqasync/adapter"
	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/openerp"
)

// The OpenERP fields of a product's brand and highlights: OpenERP 7 has
// none, so a database that wants them sent adds them (an administrator's x_
// fields, or renamed to a module's own in the backend's Fields). Each is
// read when the template has it, and left out when it has not.
const (
	brandField      = "x_brand"
	highlightsField = "x_highlights"
)

// productExport is the export of product templates (product.template) as
// QoQa products: the category's name, the attributes of the template's
// attribute set (translated ones in each translation), and the name, sale
// description, brand and highlights in every language. No media are sent.
//
// OpenERP 7.0 keeps active on variants only (Odoo 8 adds it to templates):
// the template's is read when its model has it, and a template without one
// is active.
func productExport(e *env) (backend.Components, error) {
	f := fieldNames(e, "product")
	active := f("active")
	local := newProductRecords(e, "product", active, f(brandField), f(highlightsField))
	local.optionalWrites = []string{active}
	mapping := connector.Mapping{Model: "product", Rules: []connector.Rule{
		connector.Field(f("categ_id"), "category", many2oneName),
		connector.Compute("is_active", func(ctx context.Context, mc *connector.MapContext) (any, error) {
			if v, ok := mc.Record.Fields[active]; ok {
				return v, nil
			}
			return true, nil
		}),
		connector.Compute("attributes", attributes()),
		connector.Compute("translations", translations(map[string]string{
			"name": f("name"), "description": f("description_sale"), "brand": f(brandField), "highlights": f(highlightsField),
		})),
	}}
	return backend.Components{
		Local:        local,
		ExportMapper: authoredOnly{model: "product", local: local, unbound: withVariant(e), Mapper: mapping},
		KeepRemote:   keepHistory,
		// A template created again on QoQa (new QoQa ID) exports its
		// variants again, so that their variations point at it.
		ExportDependents: variantsOf(e),
	}, nil
}

// variationExport is the export of product variants (product.product) as
// QoQa variations of their template's product, which is exported first: the
// SKU from default_code, the EAN, the attributes of the variant's attribute
// set, and the name in every language.
func variationExport(e *env) (backend.Components, error) {
	f := fieldNames(e, "variation")
	template := f("product_tmpl_id")
	local := newProductRecords(e, "variation")
	mapping := connector.Mapping{Model: "variation", Rules: []connector.Rule{
		connector.Field(f("product_tmpl_id"), "product_id", connector.BoundRemote("product")),
		connector.Field(f("default_code"), "sku"),
		connector.Field(f("ean13"), "ean"),
		connector.Field(f("active"), "is_active"),
		connector.Compute("attributes", attributes()),
		connector.Compute("translations", translations(map[string]string{"name": f("name")})),
	}}
	return backend.Components{
		Local:        local,
		ExportMapper: authoredOnly{model: "variation", local: local, unbound: ofAuthoredTemplate(template), Mapper: mapping},
		KeepRemote:   keepHistory,
		ExportDependencies: func(ctx context.Context, rec connector.Record) ([]connector.Dependency, error) {
			v := rec.Fields[template]
			if v == nil {
				return nil, connector.Permanent(fmt.Errorf("variation %s: field %s: a variant without a template", rec.ID, template))
			}
			id, err := connector.ID(v)
			if err != nil {
				return nil, connector.Permanent(fmt.Errorf("variation %s: field %s: %w", rec.ID, template, err))
			}
			return []connector.Dependency{{Model: "product", ID: id}}, nil
		},
		// A variant created again on QoQa (new QoQa ID) exports the offers
		// on it again, so that their positions point at it.
		ExportDependents: offersOn(e),
	}, nil
}

// withVariant is the product's authoredOnly.unbound: a template is created
// on QoQa only once it has an active variant. People never make a template
// without one (OpenERP 7.0's product form makes a product.product, Odoo 8+
// gives every template a variant), and QoQa sells none of a product
// without a variation; but the import of QoQa's history makes the template
// first and its variants after, and a template whose create answer was
// lost stands without a variant, unbound, and, with no reference field
// (OpenERP 7.0's templates have none to spare), told from an authored one
// by nothing else: it must not be sent to QoQa as a product of its own. A
// template of an authored variant is exported first by that variant's
// export (its dependency). It costs one search, for an unbound template
// only.
func withVariant(e *env) func(ctx context.Context, mc *connector.MapContext) (string, error) {
	model, template := e.localModel("variation"), e.field("variation", "product_tmpl_id")
	return func(ctx context.Context, mc *connector.MapContext) (string, error) {
		id, err := strconv.ParseInt(mc.Record.ID, 10, 64)
		if err != nil {
			return "", connector.Permanent(fmt.Errorf("product %q is not an OpenERP ID", mc.Record.ID))
		}
		ids, err := e.sys.OpenERP.Search(ctx, model, openerp.Where(template, "=", id), openerp.SearchOptions{Limit: 1})
		if err != nil {
			return "", adapter.OpenERPDecision(fmt.Errorf("the variants of template %d: %w", id, err))
		}
		if len(ids) == 0 {
			return "has no active variant: QoQa gets a product with its first variation, whose export sends it first", nil
		}
		return "", nil
	}
}

// ofAuthoredTemplate is the variation's authoredOnly.unbound: a variant
// whose template came from QoQa's history belongs to it (a variant its
// import made, whose create answer was lost, or one added to a product
// OpenERP never authored), and is not sent to QoQa as a new variation of
// QoQa's product.
func ofAuthoredTemplate(field string) func(ctx context.Context, mc *connector.MapContext) (string, error) {
	return func(ctx context.Context, mc *connector.MapContext) (string, error) {
		v := mc.Record.Fields[field]
		if v == nil {
			return "", nil // the export's dependency on the template says
		}
		id, err := connector.ID(v)
		if err != nil {
			return "", connector.Permanent(fmt.Errorf("variation %s: field %s: %w", mc.Record.ID, field, err))
		}
		b, err := mc.Binder.ByLocal(ctx, "product", id)
		switch {
		case errors.Is(err, connector.ErrNotBound):
			return "", nil
		case err != nil:
			return "", err
		case importedOnly(b):
			return fmt.Sprintf("is a variant of template %s, which came from QoQa's history (product %s), and is never exported", id, b.RemoteID), nil
		}
		return "", nil
	}
}

// productRecords is the OpenERP adapter of a product model (templates or
// variants) whose records hold what QoQa receives of their attributes, so
// that the content hash by which the flows tell a change sees it:
//
//   - the attributes of the record's set (setAttributesKey), beside the x_
//     fields of every attribute that the catalogue reads (MoreFields): an
//     attribute added to the set, or one whose kind or translate flag
//     changed, changes the record;
//   - the names of the options of its multiselect attributes, where the
//     model stores their IDs (see attributeSets.withOptionNames).
//
// Its Search finds, beside the records written in the window, those whose
// set changed then (see attributeSets.changed), so that the export poll
// queues them: a set's change moves no product's write_date.
//
// The flows of both directions read the model through it (an import's
// read-back hashes what an export's read does).
type productRecords struct {
	*adapter.OpenERP
	sets     *attributeSets
	setField string
	// optionalWrites are fields an import writes only when the model has
	// them: a template's active, which OpenERP 7.0 lacks (and would
	// ignore, with a warning in its log at each write).
	optionalWrites []string
}

// Create implements connector.Adapter, for the imports of QoQa's history:
// the createOnly values are written, and the optional fields only when
// the model has them.
func (a *productRecords) Create(ctx context.Context, ref string, values map[string]any) (string, error) {
	vals, err := a.writable(ctx, valuesFor(values, true))
	if err != nil {
		return "", err
	}
	return a.OpenERP.Create(ctx, ref, vals)
}

// Update implements connector.Adapter, as Create does, without the
// createOnly values.
func (a *productRecords) Update(ctx context.Context, id string, values map[string]any) error {
	vals, err := a.writable(ctx, valuesFor(values, false))
	if err != nil {
		return err
	}
	return a.OpenERP.Update(ctx, id, vals)
}

// writable leaves out of values the optional fields the model lacks.
func (a *productRecords) writable(ctx context.Context, values map[string]any) (map[string]any, error) {
	for _, name := range a.optionalWrites {
		if _, ok := values[name]; !ok {
			continue
		}
		has, err := a.sets.hasField(ctx, name)
		if err != nil {
			return nil, adapter.OpenERPDecision(fmt.Errorf("%s: %w", a.Model, err))
		}
		if !has {
			delete(values, name)
		}
	}
	return values, nil
}

// newProductRecords returns the adapter of the connector's product model,
// reading optional fields when the OpenERP model has them (see
// newAttributeSets).
func newProductRecords(e *env, model string, optional ...string) *productRecords {
	local := e.local(model)
	sets := newAttributeSets(e, model, optional...)
	local.MoreFields = sets.moreFields
	return &productRecords{OpenERP: local, sets: sets, setField: e.field(model, "attribute_set_id")}
}

// Read implements connector.Adapter.
func (a *productRecords) Read(ctx context.Context, id string) (connector.Record, error) {
	recs, err := a.withAttributes(ctx, func() ([]connector.Record, error) {
		rec, err := a.OpenERP.Read(ctx, id)
		return []connector.Record{rec}, err
	})
	if err != nil {
		return connector.Record{}, err
	}
	return recs[0], nil
}

// ReadMany reads records as adapter.OpenERP.ReadMany does, with their
// attributes: the option names of the whole batch in one more read per
// language.
func (a *productRecords) ReadMany(ctx context.Context, ids []string) ([]connector.Record, error) {
	return a.withAttributes(ctx, func() ([]connector.Record, error) { return a.OpenERP.ReadMany(ctx, ids) })
}

// withAttributes reads records with read and adds what QoQa receives of
// their attributes. A record read before the catalogue knew an attribute of
// its set (the catalogue reads them again then) is read again, once.
func (a *productRecords) withAttributes(ctx context.Context, read func() ([]connector.Record, error)) ([]connector.Record, error) {
	recs, err := read()
	if err != nil {
		return nil, err
	}
	attrs, err := a.attributesOf(ctx, recs)
	if errors.Is(err, errReadBeforeItsAttributes) {
		if recs, err = read(); err != nil {
			return nil, err
		}
		attrs, err = a.attributesOf(ctx, recs)
	}
	if err != nil {
		return nil, err
	}
	for i, rec := range recs {
		rec.Fields[setAttributesKey] = attrs[i]
	}
	if err := a.sets.withOptionNames(ctx, recs, attrs); err != nil {
		return nil, fmt.Errorf("%s: %w", a.Model, err)
	}
	return recs, nil
}

// attributesOf returns the attributes of the set of each of recs.
func (a *productRecords) attributesOf(ctx context.Context, recs []connector.Record) ([][]attribute, error) {
	out := make([][]attribute, len(recs))
	for i, rec := range recs {
		attrs, err := a.sets.of(ctx, rec, a.setField)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", a.Model, rec.ID, err)
		}
		out[i] = attrs
	}
	return out, nil
}

// Search implements connector.Adapter: the records written in [from, to),
// then those not written then whose attribute set changed then, page by
// page (by ID, as adapter.OpenERP.Search pages). The catalogue of
// attributes is read again before the next read of a record when a set
// changed.
func (a *productRecords) Search(ctx context.Context, from, to time.Time) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		for id, err := range a.OpenERP.Search(ctx, from, to) {
			if !yield(id, err) || err != nil {
				return
			}
		}
		sets, err := a.sets.changed(ctx, from, to)
		if err != nil {
			yield("", adapter.OpenERPDecision(fmt.Errorf("%s: %w", a.Model, err)))
			return
		}
		if len(sets) == 0 {
			return
		}
		a.sets.invalidate()
		// Those written in the window were found above.
		domain := openerp.And(openerp.Where(a.setField, "in", anyIDs(sets)),
			openerp.Or(openerp.Where("write_date", "<", from.UTC()), openerp.Where("write_date", ">=", to.UTC())))
		size := a.PageSize
		if size <= 0 {
			size = 1000
		}
		var last int64
		for {
			ids, err := a.Client.Search(ctx, a.Model, openerp.And(domain, openerp.Where("id", ">", last)), openerp.SearchOptions{
				Limit: size, Order: "id asc", Context: a.Context.WithActiveTest(false),
			})
			if err != nil {
				yield("", adapter.OpenERPDecision(fmt.Errorf("%s of the attribute sets %v: %w", a.Model, sets, err)))
				return
			}
			for _, id := range ids {
				if !yield(strconv.FormatInt(id, 10), nil) {
					return
				}
				last = max(last, id)
			}
			if len(ids) < size {
				return
			}
		}
	}
}
