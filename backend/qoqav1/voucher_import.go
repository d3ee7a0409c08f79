package qoqav1

import (
	"context"

	"github.com/qoqasync/qoqasync/adapter"
	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/connector"
)

// voucherImport maps a QoQa gift voucher to a qoqa.voucher: amounts from
// cents, dates as the UTC day, and the partner of its customer through the
// customer's binding (its import comes first). QoQa has no name for a
// voucher: a voucher it creates is named by its code, and one found again
// by its code (authored in OpenERP, its export's answer lost) keeps its
// own.
func voucherImport(e *env) backend.Components {
	f := func(name string) string { return e.field("voucher", name) }
	return backend.Components{
		Local: voucherRecords{e.local("voucher")},
		ImportMapper: connector.Mapping{Model: "voucher", Rules: []connector.Rule{
			connector.Field("code", createOnly(f("name"))),
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

// voucherRecords is the OpenERP side of the vouchers, both directions: it
// writes the import's createOnly values on a create only.
type voucherRecords struct{ *adapter.OpenERP }

// Create implements connector.Adapter.
func (v voucherRecords) Create(ctx context.Context, ref string, values map[string]any) (string, error) {
	return v.OpenERP.Create(ctx, ref, valuesFor(values, true))
}

// Update implements connector.Adapter.
func (v voucherRecords) Update(ctx context.Context, id string, values map[string]any) error {
	return v.OpenERP.Update(ctx, id, valuesFor(values, false))
}
