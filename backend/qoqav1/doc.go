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
package qoqav1
