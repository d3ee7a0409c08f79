package qoqav1

import (
	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/connector"
)

// voucherImport maps a QoQa gift voucher to a qoqa.voucher: amounts from
// cents, dates as the UTC day, and the partner of its customer through the
// customer's binding (its import comes first).
func voucherImport(e *env) backend.Components {
	f := func(name string) string { return e.field("voucher", name) }
	return backend.Components{
		ImportMapper: connector.Mapping{Model: "voucher", Rules: []connector.Rule{
			connector.Field("code", f("name")),
			connector.Field("code", f("code")),
			connector.Field("customer_id", f("partner_id"), boundTo("customer")),
			connector.Field("amount", f("amount"), amount),
			connector.Field("remaining_amount", f("remaining_amount"), amount),
			connector.Field("currency", f("currency")),
			connector.Field("start_at", f("date_start"), utcDate),
			connector.Field("stop_at", f("date_expire"), utcDate),
			connector.Field("description", f("description")),
			isActive(f("active")),
		}},
		ImportDependencies: dependencies("voucher", dep{"customer_id", "customer"}),
	}
}
