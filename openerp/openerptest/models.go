package openerptest

// Field describes a field of a fake model, as fields_get reports it.
type Field struct {
	// Type is an OpenERP field type: char, text, integer, float, boolean,
	// date, datetime, selection, many2one, one2many, many2many.
	Type string
	// Relation is the related model of a relational field.
	Relation string
	// Inverse is the many2one field of Relation that a one2many reads.
	Inverse string
	// Translate makes the field hold one value per language.
	Translate bool
	// Required refuses a create without a value.
	Required bool
	// Selection lists the keys a selection field takes: create and write
	// refuse another (7.0's _check_selection_field_value). Nil leaves the
	// field unchecked, as a selection computed by a function whose values
	// the fake does not know.
	Selection []string
	// OnDelete is a many2one's ON DELETE: "cascade", "restrict", or ""
	// for 7.0's default, "set null".
	OnDelete string
	// Default is the value a create without one stores, as a field's
	// _defaults entry gives it.
	Default any
}

// descriptions are the models' _description, which OpenERP's messages
// name as the "Document type".
var descriptions = map[string]string{
	"product.category": "Product Category", "product.template": "Product Template", "product.product": "Product",
	"attribute.set": "Attribute Set", "attribute.attribute": "Attribute", "sale.shop": "Sales Shop",
	"qoqa.deal": "QoQa Deal", "qoqa.offer": "QoQa Offer", "qoqa.offer.position": "QoQa Offer Position",
	"qoqa.voucher": "QoQa Voucher", "res.partner": "Partner", "res.country": "Country",
	"sale.order": "Sales Order", "sale.order.line": "Sales Order Line", "delivery.carrier": "Carrier",
	"stock.picking.out": "Delivery Orders", "stock.picking": "Picking List", "ir.model.data": "ir.model.data",
}

func f(typ string) Field                         { return Field{Type: typ} }
func tr(typ string) Field                        { return Field{Type: typ, Translate: true} }
func m2o(rel string) Field                       { return Field{Type: "many2one", Relation: rel} }
func o2m(rel, inverse string) Field              { return Field{Type: "one2many", Relation: rel, Inverse: inverse} }
func m2m(rel string) Field                       { return Field{Type: "many2many", Relation: rel} }
func required(fl Field) Field                    { fl.Required = true; return fl }
func cascade(fl Field) Field                     { fl.OnDelete = "cascade"; return fl }
func sel(keys ...string) Field                   { return Field{Type: "selection", Selection: keys} }
func fields(m map[string]Field) map[string]Field { return m }

// DefaultModels are the models of the default backend (shared/OPENERP.md),
// with the fields the connector reads and writes, declared as 7.0 declares
// them where it matters to a client: the keys of a selection, a many2one's
// ondelete (7.0's default is set null; product.product's product_tmpl_id
// and sale.order.line's order_id cascade). The qoqa.* models are the
// connector's own module: its offer positions cascade with their offer,
// as order lines do. Every model also has id and the log-access columns
// (create_date, write_date), which 7.0 reads only through __last_update
// and Odoo 8 as fields.
func DefaultModels() map[string]map[string]Field {
	return map[string]map[string]Field{
		"product.category": fields(map[string]Field{"name": required(f("char"))}),
		"product.template": fields(map[string]Field{
			"name": required(tr("char")), "description": tr("text"), "description_sale": tr("text"),
			"categ_id": m2o("product.category"), "list_price": f("float"), "active": f("boolean"),
			"attribute_set_id": m2o("attribute.set"), "product_variant_ids": o2m("product.product", "product_tmpl_id"),
		}),
		"product.product": fields(map[string]Field{
			"name": tr("char"), "product_tmpl_id": cascade(m2o("product.template")), "default_code": f("char"), "ean13": f("char"),
			"active": f("boolean"), "attribute_set_id": m2o("attribute.set"),
		}),
		"attribute.set": fields(map[string]Field{"name": required(f("char")), "attribute_ids": m2m("attribute.attribute")}),
		"attribute.attribute": fields(map[string]Field{
			"name": required(f("char")), "field_description": tr("char"), "attribute_type": required(sel("char", "text", "select", "multiselect", "boolean", "integer", "date", "datetime", "binary", "float")), "translate": f("boolean"),
		}),
		"sale.shop": fields(map[string]Field{"name": required(f("char"))}),
		"qoqa.deal": fields(map[string]Field{"name": tr("char"), "qoqa_id": f("char")}),
		"qoqa.offer": fields(map[string]Field{
			"name": tr("char"), "description": tr("text"), "shop_id": m2o("sale.shop"), "deal_id": m2o("qoqa.deal"),
			"date_begin": f("datetime"), "date_end": f("datetime"), "active": f("boolean"), "currency": f("char"),
			"position_ids": o2m("qoqa.offer.position", "offer_id"), "qoqa_id": f("char"),
		}),
		"qoqa.offer.position": fields(map[string]Field{
			"offer_id": required(cascade(m2o("qoqa.offer"))), "product_id": m2o("product.product"), "unit_price": f("float"),
			"regular_price": f("float"), "lot_size": f("integer"), "max_sellable": f("integer"),
		}),
		"qoqa.voucher": fields(map[string]Field{
			"name": f("char"), "code": required(f("char")), "partner_id": m2o("res.partner"), "amount": f("float"),
			"remaining_amount": f("float"), "currency": f("char"), "date_start": f("date"), "date_expire": f("date"),
			"description": f("text"), "active": f("boolean"), "qoqa_id": f("char"),
		}),
		"res.partner": fields(map[string]Field{
			"name": required(f("char")), "email": f("char"), "lang": f("char"), "customer": f("boolean"), "is_company": f("boolean"),
			"ref": f("char"), "parent_id": m2o("res.partner"), "child_ids": o2m("res.partner", "parent_id"),
			"type": sel("default", "invoice", "delivery", "contact", "other"), "street": f("char"), "street2": f("char"), "zip": f("char"), "city": f("char"),
			"country_id": m2o("res.country"), "phone": f("char"), "active": f("boolean"),
		}),
		"res.country": fields(map[string]Field{"name": f("char"), "code": f("char")}),
		"sale.order": fields(map[string]Field{
			"name": f("char"), "partner_id": required(m2o("res.partner")), "partner_invoice_id": m2o("res.partner"),
			"partner_shipping_id": m2o("res.partner"), "shop_id": m2o("sale.shop"), "date_order": f("date"),
			"client_order_ref": f("char"), "origin": f("char"), "offer_id": m2o("qoqa.offer"), "deal_id": m2o("qoqa.deal"),
			"order_line": o2m("sale.order.line", "order_id"), "state": Field{Type: "selection", Default: "draft"},
		}),
		"sale.order.line": fields(map[string]Field{
			"order_id": required(cascade(m2o("sale.order"))), "product_id": m2o("product.product"), "name": f("text"),
			"product_uom_qty": f("float"), "price_unit": f("float"),
		}),
		"delivery.carrier":  fields(map[string]Field{"name": f("char")}),
		"stock.picking.out": fields(map[string]Field{"sale_id": m2o("sale.order"), "carrier_tracking_ref": f("char"), "carrier_id": m2o("delivery.carrier"), "state": f("selection")}),
		"stock.picking":     fields(map[string]Field{"sale_id": m2o("sale.order"), "carrier_tracking_ref": f("char"), "carrier_id": m2o("delivery.carrier"), "state": f("selection")}),
		"ir.model.data": fields(map[string]Field{
			"module": required(f("char")), "name": required(f("char")), "model": required(f("char")), "res_id": f("integer"),
		}),
	}
}
