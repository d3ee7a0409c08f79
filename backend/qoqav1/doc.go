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
// says where), so that a retry finds it instead of making a second one.
package qoqav1
