package qoqav1

import (
	"context"
	"fmt"
	"time"

	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/connector"
)

// voucherExport is the export of gift vouchers (qoqa.voucher) authored in
// OpenERP: amounts in cents, the partner as its QoQa customer when it is
// one, the validity dates as QoQa's datetimes.
func voucherExport(e *env) (backend.Components, error) {
	f := fieldNames(e, "voucher")
	return backend.Components{ExportMapper: connector.Mapping{Model: "voucher", Rules: []connector.Rule{
		connector.Field(f("code"), "code"),
		connector.Field(f("partner_id"), "customer_id", boundRemoteOrNone("customer")),
		connector.Field(f("amount"), "amount", connector.AmountToCents),
		connector.Field(f("remaining_amount"), "remaining_amount", connector.AmountToCents),
		connector.Field(f("currency"), "currency"),
		connector.Field(f("date_start"), "start_at", connector.ParseTime(connector.DateOnly), qoqaTime),
		connector.Field(f("date_expire"), "stop_at", connector.ParseTime(connector.DateOnly), lastSecondOfDay, qoqaTime),
		connector.Field(f("description"), "description"),
		connector.Field(f("active"), "is_active"),
	}}}, nil
}

// lastSecondOfDay turns a day into its last second, UTC: a voucher expires
// at the end of its date_expire, and one valid for a single day still stops
// after it starts. The day stays the same, so that an import that keeps the
// date of stop_at reads back the date exported.
func lastSecondOfDay(ctx context.Context, mc *connector.MapContext, v any) (any, error) {
	t, ok := v.(time.Time)
	if !ok {
		return nil, fmt.Errorf("want a date, got %T", v)
	}
	return t.Add(24*time.Hour - time.Second), nil
}
