package qoqav1

import (
	"context"
	"fmt"

	"github.com/qoqasync/qoqasync/adapter"
	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/openerp"
)

// Orders of the history point at deals, offers, products and variations
// that exist only on QoQa (they were sold before OpenERP authored them, or
// by hand): the order imports them first, so that it lands complete.
//
// Those records are never exported back, edited in OpenERP or not (see
// authoredOnly): their bindings say that imports wrote them and no export
// did; where the model keeps a reference (an offer's qoqa_id), the create
// carries it; a template that an import made but could not bind (its create
// answer lost) has no variant, and is not created on QoQa; and a variant of
// a template of the history belongs to it. An import also remembers what it
// wrote (the flow's TwoWay read-back), so that an export finds nothing
// changed. A template is read without its list of variants (the
// catalogue's omit), so that the variants an import adds do not make it
// look changed; and a record archived on QoQa lands archived, which the
// engine records as no deletion to apply.
//
// Offers, products and variations are authored in OpenERP: their imports
// write only what the history needs, write their children (an offer's
// positions) and a variant's template on create only, and leave alone a
// record an export wrote (historyImport). A variant that OpenERP holds under
// a QoQa SKU is found by it, and its template through it (templateFinder).

// dealImport maps a QoQa deal to a qoqa.deal: its title, in each language.
func dealImport(e *env) backend.Components {
	return backend.Components{
		ImportMapper: connector.Mapping{Model: "deal", Rules: []connector.Rule{
			connector.Field("translations", e.field("deal", "name"), adapter.QoQaTranslated("title")),
		}},
	}
}

// offerImport maps a QoQa offer to a qoqa.offer with its positions.
func offerImport(e *env) backend.Components {
	f := func(name string) string { return e.field("offer", name) }
	return backend.Components{
		ImportMapper: historyImport{model: "offer", Mapper: connector.Mapping{Model: "offer", Rules: []connector.Rule{
			connector.Field("translations", f("name"), adapter.QoQaTranslated("title")),
			connector.Field("translations", f("description"), adapter.QoQaTranslated("content")),
			connector.Field("shop_id", f("shop_id"), boundTo("shop")),
			connector.Field("deal_id", f("deal_id"), boundTo("deal")),
			connector.Field("start_at", f("date_begin"), utcDateTime),
			connector.Field("stop_at", f("date_end"), utcDateTime),
			isActive(f("active")),
			connector.Field("currency", f("currency")),
			connector.OnCreate(connector.Compute(f("position_ids"), offerPositions)),
		}}},
		ImportDependencies: func(ctx context.Context, rec connector.Record) ([]connector.Dependency, error) {
			deps, err := dependencies("offer", dep{"shop_id", "shop"}, dep{"deal_id", "deal"})(ctx, rec)
			if err != nil {
				return nil, err
			}
			return listDependencies(rec, "offer", "positions", deps, dep{"variation_id", "variation"})
		},
	}
}

// offerPositions maps an offer's positions to the commands that replace
// its qoqa.offer.position records: (5,) first, so that the update of a
// create whose answer was lost writes them once.
func offerPositions(ctx context.Context, mc *connector.MapContext) (any, error) {
	cmds := []any{[]any{int64(5)}}
	err := eachItem(mc, "positions", func(field func(string) string, item map[string]any) error {
		product, err := boundTo("variation")(ctx, mc, item["variation_id"])
		if err == nil && product == nil {
			err = fmt.Errorf("%w: a position sells a variation", errNoValue)
		}
		if err != nil {
			return mc.Err(field("variation_id"), err)
		}
		vals := openerp.Values{"product_id": product}
		for _, price := range []string{"unit_price", "regular_price"} {
			if item[price] == nil {
				continue
			}
			if vals[price], err = amount(ctx, mc, item[price]); err != nil {
				return mc.Err(field(price), err)
			}
		}
		for _, n := range []string{"lot_size", "max_sellable"} {
			if item[n] == nil {
				continue
			}
			if vals[n], err = connector.Int(item[n]); err != nil {
				return mc.Err(field(n), err)
			}
		}
		cmds = append(cmds, openerp.CmdCreate(vals))
		return nil
	})
	return cmds, err
}

// productImport maps a QoQa product to a product template: its name and
// description in each language. The name is required.
func productImport(e *env) backend.Components {
	f := func(name string) string { return e.field("product", name) }
	return backend.Components{
		ImportMapper: historyImport{model: "product", Mapper: connector.Mapping{Model: "product", Rules: []connector.Rule{
			connector.Field("translations", f("name"), adapter.QoQaTranslated("name")),
			connector.Field("translations", f("description_sale"), adapter.QoQaTranslated("description")),
			isActive(f("active")),
		}, Finish: func(ctx context.Context, mc *connector.MapContext, out map[string]any) error {
			if out[f("name")] == nil {
				return mc.Err("translations", fmt.Errorf("%w: a product needs a name in one of %v", errNoValue, mc.Languages))
			}
			return nil
		}}},
	}
}

// variationImport maps a QoQa variation to a variant of its product's
// template, found again by its SKU (see the catalogue's natural keys). Its
// template is written by the create only: a variant found by its SKU (made
// by hand, or bound once and its binding lost) is never moved to another
// template, which would leave its own without it.
func variationImport(e *env) backend.Components {
	f := func(name string) string { return e.field("variation", name) }
	return backend.Components{
		ImportMapper: historyImport{model: "variation", Mapper: connector.Mapping{Model: "variation", Rules: []connector.Rule{
			connector.Field("product_id", createOnly(f("product_tmpl_id")), boundTo("product")),
			connector.Field("sku", f("default_code")),
			connector.Field("ean", f("ean13"), validEAN),
			isActive(f("active")),
		}}},
		ImportDependencies: dependencies("variation", dep{"product_id", "product"}),
	}
}

// validEAN keeps an EAN-13 whose check digit is right and drops any other:
// OpenERP refuses a product with a wrong one, and a code QoQa holds wrong
// must not keep a past order from landing.
func validEAN(ctx context.Context, mc *connector.MapContext, v any) (any, error) {
	s, _ := v.(string)
	if len(s) != 13 {
		return nil, nil
	}
	sum := 0
	for i, r := range s {
		if r < '0' || r > '9' {
			return nil, nil
		}
		d := int(r - '0')
		if i < 12 && i%2 == 1 {
			d *= 3
		}
		if i < 12 {
			sum += d
		}
	}
	if (10-sum%10)%10 != int(s[12]-'0') {
		return nil, nil
	}
	return s, nil
}
