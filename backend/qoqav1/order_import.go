package qoqav1

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"

	"github.com/qoqasync/qoqasync/adapter"
	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/qoqa"
)

// An order is imported once: its create writes the whole sale.order, lines
// included, and a later change on QoQa (paid, shipped, a tracking number)
// writes nothing, but for a cancellation, which cancels the OpenERP order.
// A cancelled order that was never imported is skipped (see
// cancelledOrders), and imports nothing it points at. Every record the
// order points at is imported first when it is not bound yet: its user,
// customer and addresses, its shop, deal and offer, the variations of its
// items (and so their products), and the vouchers it used.

// DefaultLineProducts are the default_code of the OpenERP products that the
// order lines of the items that sell nothing of the catalogue use, by item
// type (Options.LineProducts overrides them).
var DefaultLineProducts = map[string]string{
	qoqa.ItemShipping: "QOQA-SHIPPING",
	qoqa.ItemVoucher:  "QOQA-VOUCHER",
	qoqa.ItemDiscount: "QOQA-DISCOUNT",
	qoqa.ItemService:  "QOQA-SERVICE",
}

// negativeItems are the item types whose lines take an amount off.
var negativeItems = map[string]bool{qoqa.ItemVoucher: true, qoqa.ItemDiscount: true}

// lineProducts returns the default_code of the product of each item type's
// lines, DefaultLineProducts overridden by the options.
func (e *env) lineProducts() map[string]string {
	out := maps.Clone(DefaultLineProducts)
	maps.Copy(out, e.opts.LineProducts)
	return out
}

// orderCancel is the key under which an order's mapping asks orderSale to
// cancel the OpenERP order.
const orderCancel = "qoqav1:cancel"

// orderImport maps a QoQa order to a sale.order with its lines.
func orderImport(e *env) backend.Components {
	f := func(name string) string { return e.field("order", name) }
	local := e.local("order")
	products := &codeProducts{oc: e.sys.OpenERP, model: e.localModel("variation"), field: e.field("variation", "default_code"), codes: e.lineProducts()}
	return backend.Components{
		Local: orderSale{local},
		ImportMapper: cancelledOrders{local: local, Mapper: connector.Mapping{Model: "order", Rules: []connector.Rule{
			connector.OnCreate(
				connector.Compute(f("partner_id"), orderPartner),
				connector.Field("billing_address_id", f("partner_invoice_id"), boundTo("address")),
				connector.Field("shipping_address_id", f("partner_shipping_id"), boundTo("address")),
				connector.Field("shop_id", f("shop_id"), boundTo("shop")),
				connector.Field("deal_id", f("deal_id"), boundTo("deal")),
				connector.Field("offer_id", f("offer_id"), boundTo("offer")),
				connector.Field("created_at", f("date_order"), utcDate),
				connector.Compute(f("client_order_ref"), func(ctx context.Context, mc *connector.MapContext) (any, error) { return mc.Record.ID, nil }),
				connector.Compute(f("order_line"), products.lines),
			),
		}, Finish: func(ctx context.Context, mc *connector.MapContext, out map[string]any) error {
			if mc.Create {
				// An order without its own addresses bills and ships to
				// its customer.
				for _, field := range []string{f("partner_invoice_id"), f("partner_shipping_id")} {
					if out[field] == nil {
						out[field] = out[f("partner_id")]
					}
				}
			}
			return nil
		}}},
		ImportDependencies: func(ctx context.Context, rec connector.Record) ([]connector.Dependency, error) {
			if text(rec, "status") == qoqa.OrderCancelled {
				// Cancelled: nothing is created, so nothing it points at
				// is needed (see cancelledOrders).
				return nil, nil
			}
			deps, err := dependencies("order",
				dep{"user_id", "user"}, dep{"customer_id", "customer"},
				dep{"billing_address_id", "address"}, dep{"shipping_address_id", "address"},
				dep{"shop_id", "shop"}, dep{"deal_id", "deal"}, dep{"offer_id", "offer"},
			)(ctx, rec)
			if err != nil {
				return nil, err
			}
			return listDependencies(rec, "order", "items", deps,
				dep{"variation_id", "variation"}, dep{"offer_id", "offer"}, dep{"voucher_id", "voucher"})
		},
	}
}

// cancelledOrders is the import mapping of the orders, but for a cancelled
// one, which asks the OpenERP order to be cancelled (orderCancel) and
// writes nothing else. Whether the order was imported is the binding's to
// say, not a field of the order that people edit: a bound order is
// cancelled; one that is not was never imported, and is skipped, unless its
// reference finds it (its binding was lost), and then it is cancelled.
type cancelledOrders struct {
	local connector.Finder
	connector.Mapper
}

// Map implements connector.Mapper.
func (m cancelledOrders) Map(ctx context.Context, mc *connector.MapContext) (map[string]any, error) {
	if text(mc.Record, "status") != qoqa.OrderCancelled {
		return m.Mapper.Map(ctx, mc)
	}
	if mc.Create { // not bound
		_, err := m.local.FindByRef(ctx, connector.Ref("order", mc.Record.ID, 0))
		if errors.Is(err, connector.ErrNotFound) {
			return nil, connector.NothingToDo("order %s was cancelled before it was ever imported", mc.Record.ID)
		}
		if err != nil {
			return nil, err
		}
	}
	return map[string]any{orderCancel: true}, nil
}

// orderPartner is the order's partner: its customer's, else its user's
// (they are the same partner; an order of the history may lack one, or
// name a former customer of the user, which its successor replaced: see
// takePartner).
func orderPartner(ctx context.Context, mc *connector.MapContext) (any, error) {
	for _, rel := range []dep{{"customer_id", "customer"}, {"user_id", "user"}} {
		v, err := boundTo(rel.model)(ctx, mc, mc.Record.Fields[rel.field])
		if rel.model == "customer" && errors.Is(err, connector.ErrNotBound) && mc.Record.Fields["user_id"] != nil {
			continue
		}
		if err != nil {
			return nil, mc.Err(rel.field, err)
		}
		if v != nil {
			return v, nil
		}
	}
	return nil, mc.Err("customer_id", fmt.Errorf("%w: an order has a customer or a user", errNoValue))
}

// codeProducts finds the products of the order lines that sell nothing of
// the catalogue (shipping, vouchers...) by their default_code, asking each
// once per process.
type codeProducts struct {
	oc           *openerp.Client
	model, field string
	codes        map[string]string // item type -> default_code

	ids lookups
}

// product returns the product of the lines of item type typ.
func (p *codeProducts) product(ctx context.Context, typ string) (int64, error) {
	code, ok := p.codes[typ]
	if !ok {
		return 0, fmt.Errorf("unknown item type %q (product, shipping, discount, voucher or service)", typ)
	}
	return p.ids.get(ctx, code, func(ctx context.Context) (int64, error) {
		// Archived too: such a product is often hidden from the sales menus.
		ids, err := p.oc.Search(ctx, p.model, openerp.Where(p.field, "=", code), openerp.SearchOptions{Limit: 1, Context: openerp.Context{"active_test": false}})
		if err != nil {
			return 0, adapter.OpenERPDecision(err)
		}
		if len(ids) == 0 {
			return 0, fmt.Errorf("no product has the default_code %q that the lines of %s items use: create it, or name another in qoqav1.Options.LineProducts", code, typ)
		}
		return ids[0], nil
	})
}

// lines maps the order's items to the commands that create its lines: (5,)
// first, so that the update of a create whose answer was lost writes them
// once. A product item sells its variation's product, the OpenERP product
// bound to it (the original one when OpenERP exported the variation); the
// other items sell their configured product, vouchers and discounts at a
// negative price.
func (p *codeProducts) lines(ctx context.Context, mc *connector.MapContext) (any, error) {
	cmds := []any{[]any{int64(5)}}
	err := eachItem(mc, "items", func(field func(string) string, item map[string]any) error {
		typ, _ := item["type"].(string)
		qty, err := connector.Int(item["quantity"])
		if err == nil && qty < 0 {
			err = fmt.Errorf("negative quantity %d", qty)
		}
		if err != nil {
			return mc.Err(field("quantity"), err)
		}
		var price int64
		if item["unit_price"] != nil {
			if price, err = cents(item["unit_price"]); err != nil {
				return mc.Err(field("unit_price"), err)
			}
		}
		var product any
		switch typ {
		case qoqa.ItemProduct:
			product, err = boundTo("variation")(ctx, mc, item["variation_id"])
			if err == nil && product == nil {
				err = fmt.Errorf("%w: a product item sells a variation", errNoValue)
			}
			if err != nil {
				return mc.Err(field("variation_id"), err)
			}
		default:
			if product, err = p.product(ctx, typ); err != nil {
				return mc.Err(field("type"), err)
			}
		}
		if negativeItems[typ] && price > 0 {
			price = -price
		}
		name, _ := item["name"].(string)
		if name == "" {
			name = typ
		}
		cmds = append(cmds, openerp.CmdCreate(openerp.Values{
			"product_id": product, "name": name, "product_uom_qty": float64(qty), "price_unit": float64(price) / 100,
		}))
		return nil
	})
	return cmds, err
}

// orderSale is the OpenERP side of the orders. A cancellation is no value
// to write: OpenERP cancels an order through its action_cancel method, which
// the workflow follows, so the mapping asks for it (orderCancel) and this
// calls it. An update with nothing else to write sends nothing: an order
// is imported once.
type orderSale struct{ *adapter.OpenERP }

// Create implements connector.Adapter.
func (o orderSale) Create(ctx context.Context, ref string, values map[string]any) (string, error) {
	vals, cancel := withoutCancel(values)
	id, err := o.OpenERP.Create(ctx, ref, vals)
	if err != nil || !cancel {
		return id, err
	}
	return id, o.cancel(ctx, id)
}

// Update implements connector.Adapter.
func (o orderSale) Update(ctx context.Context, id string, values map[string]any) error {
	vals, cancel := withoutCancel(values)
	if len(vals) > 0 {
		if err := o.OpenERP.Update(ctx, id, vals); err != nil {
			return err
		}
	}
	if cancel {
		return o.cancel(ctx, id)
	}
	return nil
}

// cancel cancels the order id; cancelling a cancelled order changes nothing.
func (o orderSale) cancel(ctx context.Context, id string) error {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return connector.Permanent(fmt.Errorf("qoqav1: %s: %q is not a record ID", o.Model, id))
	}
	if _, err := o.Client.ExecuteKW(ctx, o.Model, "action_cancel", []any{[]int64{n}}, nil); err != nil {
		return fmt.Errorf("cancel %s %d: %w", o.Model, n, adapter.OpenERPDecision(err))
	}
	return nil
}

// withoutCancel splits the cancellation from the values to write.
func withoutCancel(values map[string]any) (map[string]any, bool) {
	cancel, _ := values[orderCancel].(bool)
	vals := make(map[string]any, len(values))
	for k, v := range values {
		if k != orderCancel {
			vals[k] = v
		}
	}
	return vals, cancel
}
