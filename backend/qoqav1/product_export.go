package qoqav1

import (
	"context"
	"fmt"

	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/connector"
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
	local := e.local("product")
	active := f("active")
	sets := newAttributeSets(e, "product", active, f(brandField), f(highlightsField))
	local.MoreFields = sets.moreFields
	mapping := connector.Mapping{Model: "product", Rules: []connector.Rule{
		connector.Field(f("categ_id"), "category", many2oneName),
		connector.Compute("is_active", func(ctx context.Context, mc *connector.MapContext) (any, error) {
			if v, ok := mc.Record.Fields[active]; ok {
				return v, nil
			}
			return true, nil
		}),
		connector.Compute("attributes", sets.attributes(f("attribute_set_id"))),
		connector.Compute("translations", sets.translations(f("attribute_set_id"), map[string]string{
			"name": f("name"), "description": f("description_sale"), "brand": f(brandField), "highlights": f(highlightsField),
		})),
	}}
	return backend.Components{
		ExportMapper: authoredOnly{model: "product", local: local, Mapper: mapping},
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
	local := e.local("variation")
	sets := newAttributeSets(e, "variation")
	local.MoreFields = sets.moreFields
	mapping := connector.Mapping{Model: "variation", Rules: []connector.Rule{
		connector.Field(f("product_tmpl_id"), "product_id", connector.BoundRemote("product")),
		connector.Field(f("default_code"), "sku"),
		connector.Field(f("ean13"), "ean"),
		connector.Field(f("active"), "is_active"),
		connector.Compute("attributes", sets.attributes(f("attribute_set_id"))),
		connector.Compute("translations", sets.translations(f("attribute_set_id"), map[string]string{"name": f("name")})),
	}}
	template := f("product_tmpl_id")
	return backend.Components{
		ExportMapper: authoredOnly{model: "variation", local: local, Mapper: mapping},
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
