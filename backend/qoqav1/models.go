package qoqav1

// model is what this package knows of one model: its QoQa endpoint, its
// default OpenERP model, and how its OpenERP records are read.
type model struct {
	// endpoint is the QoQa resource (shared/QOQA_API.md).
	endpoint string
	// local is the default OpenERP model (shared/OPENERP.md).
	local string
	// refField is the default OpenERP field that keeps the QoQa
	// reference of a record an import created, written in the create
	// itself and searched before creating; "" for none (the backend's
	// ModelSettings.RefField sets one).
	refField string
	// naturalKeys are the OpenERP fields, by their default names, that
	// hold a value of the QoQa record (the field of it they hold). As the
	// reference field, one is searched for that value instead of holding
	// the reference (a variant's default_code is its QoQa SKU); beside
	// another reference field, it adopts a record made by hand (see
	// keepRefs).
	naturalKeys map[string]string
	// byVariants says that a record is found by the SKUs of its QoQa
	// variations, which its variants hold (a template, see
	// templateFinder).
	byVariants bool
	// fields are the OpenERP fields read, by their default names: every
	// field a mapper of either direction reads. nil reads every field.
	fields []string
	// translatable are the fields read and written once per language.
	translatable []string
	// omit are fields left out of a read of every field: a one2many that
	// its children's own syncs change (a template's variants), so that an
	// import of a child does not make the parent look changed and exported
	// back.
	omit []string
}

// catalogue holds every model of the default backend, by the connector's
// name for it (the name of its bindings and jobs).
var catalogue = map[string]model{
	"shop":      {endpoint: "shop", local: "sale.shop", refField: "name", naturalKeys: map[string]string{"name": "name"}, fields: []string{"name"}},
	"deal":      {endpoint: "deal", local: "qoqa.deal", refField: "qoqa_id", fields: []string{"name"}, translatable: []string{"name"}},
	"product":   {endpoint: "product", local: "product.template", byVariants: true, fields: []string{"categ_id", "attribute_set_id"}, translatable: []string{"name", "description", "description_sale"}, omit: []string{"product_variant_ids"}}, // and active when the model has it: see productExport
	"variation": {endpoint: "variation", local: "product.product", refField: "default_code", naturalKeys: map[string]string{"default_code": "sku"}, fields: []string{"product_tmpl_id", "default_code", "ean13", "active", "attribute_set_id"}, translatable: []string{"name"}},
	"offer":     {endpoint: "offer", local: "qoqa.offer", refField: "qoqa_id", fields: []string{"shop_id", "deal_id", "date_begin", "date_end", "active", "currency", "position_ids"}, translatable: []string{"name", "description"}},
	"voucher":   {endpoint: "voucher", local: "qoqa.voucher", refField: "qoqa_id", naturalKeys: map[string]string{"code": "code"}, fields: []string{"code", "partner_id", "amount", "remaining_amount", "currency", "date_start", "date_expire", "description", "active"}},
	"user":      {endpoint: "user", local: "res.partner", refField: "ref"},
	"customer":  {endpoint: "customer", local: "res.partner", refField: "ref"},
	"address":   {endpoint: "address", local: "res.partner", refField: "ref"},
	"order":     {endpoint: "order", local: "sale.order", refField: "origin"},
	"shipment":  {endpoint: "order", local: "stock.picking.out", fields: []string{"sale_id", "carrier_tracking_ref"}}, // stock.picking on Odoo 8+: see shipments; carrier_id is read when a number is sent: see shipmentCarrier

	// Read by the exports, never synced on their own.
	"offer_position": {local: "qoqa.offer.position", fields: []string{"product_id", "unit_price", "regular_price", "lot_size", "max_sellable"}},
	"attribute_set":  {local: "attribute.set", fields: []string{"attribute_ids"}},
	"attribute":      {local: "attribute.attribute", fields: []string{"name", "attribute_type", "translate"}},
	// The options of select and multiselect attributes, read through the
	// relation their fields name: only the name field is the settings'.
	"attribute_option": {local: "attribute.option", fields: []string{"name"}},
}
