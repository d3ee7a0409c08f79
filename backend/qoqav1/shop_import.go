package qoqav1

import (
	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/connector"
)

// The shops (sale.shop) come first: orders, offers and deals point at them,
// and the exports of offers find their shop through the binding an import
// made. QoQa lists its shops rather than searching them (adapter.QoQa
// knows), and a shop is found again by its name: an OpenERP shop of the
// same name, made by hand before the first sync, is the one bound.
func shopImport(e *env) backend.Components {
	return backend.Components{
		ImportMapper: connector.Mapping{Model: "shop", Rules: []connector.Rule{
			connector.Field("name", e.field("shop", "name")),
		}},
	}
}
