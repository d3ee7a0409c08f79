// Package qoqav1 holds the default components of every model the sync
// covers, for QoQa API v1 and OpenERP 7.0 (or Odoo 8+): the adapters of both
// systems, the mappers of both directions, the dependencies and hooks, each
// registered under Version in a backend.Registry. A host registers them,
// builds its backend's flows with backend.Build, and runs them:
//
//	reg := backend.NewRegistry()
//	err := qoqav1.Register(reg, shop, qoqav1.Systems{QoQa: qc, OpenERP: oc})
//	flows, err := backend.Build(shop, reg, env)
//
// A later QoQa API version declares its own version on top of this one in
// the same registry and registers only the components that differ.
//
// The OpenERP model and field names are the defaults of the connector's
// documentation (product.template, qoqa.offer, res.partner, ...); a
// database that renames them says so in the backend's ModelSettings
// (LocalModel, Fields, RefField).
//
// Exports (what is authored in OpenERP reaches QoQa) are in the files
// *_export.go; imports (what happens on QoQa lands in OpenERP) in
// *_import.go. The catalogue of models and their names is models.go.
//
// # Exports
//
// Each exported model is polled by write_date at its ExportInterval
// (ApplyExportDefaults sets DefaultExportIntervals), and a host that knows
// a record changed queues it at once with the model's ExportPoller
// (Flows.Pollers[model].QueueExport). The export flow creates the QoQa
// record of an unbound one and updates a bound one under its QoQa ID; it
// sends nothing for a record whose content did not change, and an
// archived or deleted record follows the model's deletion policy
// (backend.DefaultDeletePolicies: templates, variants and offers are
// deleted on QoQa and created again when reactivated; vouchers are left
// alone).
//
//   - product: a template (product.template) as a QoQa product: its
//     category's name, the attributes of its attribute set and only those,
//     typed by their kind (a translated one goes in each translation's
//     attributes), and its name, sale description, brand and highlights in
//     every language of the backend. OpenERP 7 has no brand nor highlights:
//     they are read from x_brand and x_highlights when the template has
//     them (renamed in the settings' Fields like any field). The
//     attributes and their sets are read once a minute, and at once when a
//     product names a set or an attribute not read yet. A product's set and
//     its attributes' kinds are part of what tells it changed, and the poll
//     queues the products of a set written since (or of a set holding an
//     attribute written since): an attribute added to a set reaches its
//     products on QoQa. A multiselect attribute that the database stores
//     as base_custom_attributes does (a many2many to attribute.option) is
//     sent as its options' names, in each language for a translated one.
//     No media are sent.
//   - variation: a variant (product.product) as a QoQa variation of its
//     template's product, which is exported first: default_code as its
//     SKU, its EAN, its set's attributes, its name in every language.
//   - offer: a qoqa.offer with its positions (read with it, so that a
//     changed price is a changed offer): title and content in every
//     language, shop and deal by their bindings (both come from QoQa's
//     imports), dates as QoQa's datetimes, prices in cents. The variants
//     QoQa does not have yet, and their templates, are exported first.
//   - voucher: a qoqa.voucher in cents, its partner as its QoQa customer
//     through the customer binding (none when the partner is no customer),
//     valid from the start of date_start to the end of date_expire.
//   - shipment: the carrier_tracking_ref of a shipment (stock.picking.out on
//     OpenERP 7.0, stock.picking on Odoo 8+, by the server's version) of an
//     order that came from QoQa, sent once to that order's add_tracking
//     action, and again when it changes; a shipment of another order sends
//     nothing. Its carrier goes with the number, read when the number is
//     sent: QoQa keeps a number's carrier as first sent, so a carrier
//     changed alone sends nothing.
//
// The models the exports read without syncing them are named in the
// settings like the others: "attribute_set" (attribute.set),
// "attribute" (attribute.attribute), "attribute_option" (the name field of
// attribute.option, read through the relation of the attribute's field)
// and "offer_position" (qoqa.offer.position).
//
// Products, variations and offers that an import brought in (QoQa's
// history, told by their bindings, which only imports wrote, or by the
// reference an import wrote in the model's RefField) are never exported
// back, edited or not; nor is a variant added to a template of the history.
// Archiving or deleting one in OpenERP leaves its QoQa record alone, whatever
// the deletion policy (keepHistory).
// A template is created on QoQa with its first variant, never alone. A record QoQa refuses fails its job with QoQa's message,
// which names the field, after the model and the OpenERP ID; the other
// jobs go on.
//
// # Imports
//
// A host that imports gives the models it searches an interval
// (UseDefaultImportIntervals gives the defaults: orders often, people less
// often) and the backend a Since, where the first searches start; it runs
// CheckImports before the flows, since OpenERP 7 ignores a field it lacks
// without a word; and it names the products of the order lines that sell
// nothing of the catalogue (shipping, vouchers) in Options, unless the
// database uses DefaultLineProducts. Every import writes the QoQa
// reference of what it creates in the create itself (ModelSettings.RefField
// says where), so that a retry finds it instead of making a second one: the
// qoqa_id of the connector's models (the bare QoQa ID), a field of a
// standard model that only the connector fills (the whole reference, as an
// order's origin holds order/12), or a natural key that the mapping writes
// (a variant's SKU, a shop's name). A natural key also adopts a record made
// by hand (an OpenERP voucher of the code, a variant of the SKU and its
// template), but never one bound to another QoQa record. A cancelled order
// is cancelled in OpenERP when it is bound, and skipped when it was never
// imported.
package qoqav1
