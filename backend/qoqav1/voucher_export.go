package qoqav1

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/connector"
)

// voucherExport is the export of gift vouchers (qoqa.voucher) authored in
// OpenERP: amounts in cents, the partner as its QoQa customer when it is
// one, the validity dates as QoQa's datetimes. The balance is OpenERP's when
// the voucher is created, and QoQa's from then on (see qoqaBalance).
func voucherExport(e *env) (backend.Components, error) {
	f := fieldNames(e, "voucher")
	return backend.Components{ExportMapper: connector.Mapping{Model: "voucher", Rules: []connector.Rule{
		connector.Field(f("code"), "code"),
		connector.Field(f("partner_id"), "customer_id", boundRemoteOrNone("customer")),
		connector.Field(f("amount"), "amount", connector.AmountToCents),
		connector.Compute("remaining_amount", qoqaBalance(e.remote("voucher"), f("remaining_amount"))),
		connector.Field(f("currency"), "currency"),
		connector.Field(f("date_start"), "start_at", connector.ParseTime(connector.DateOnly), formatQoQaTime),
		connector.Field(f("date_expire"), "stop_at", connector.ParseTime(connector.DateOnly), lastSecondOfDay, formatQoQaTime),
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

// qoqaBalance is the Compute of a voucher's remaining_amount. Customers
// spend a voucher on QoQa, so once it is there its balance is QoQa's: an
// update, which replaces the whole record, sends the balance QoQa holds,
// read just before, where OpenERP's (as last imported) would give back what
// was spent since. A create, or the create again of a voucher deleted on
// QoQa, sends OpenERP's balance (field), in cents. A balance corrected in
// OpenERP therefore does not reach QoQa.
func qoqaBalance(remote connector.Adapter, field string) func(ctx context.Context, mc *connector.MapContext) (any, error) {
	return func(ctx context.Context, mc *connector.MapContext) (any, error) {
		if !mc.Create {
			b, err := mc.Binder.ByLocal(ctx, mc.Model, mc.Record.ID)
			if err != nil {
				return nil, err
			}
			rec, err := remote.Read(ctx, b.RemoteID)
			switch {
			case err == nil:
				return rec.Fields["remaining_amount"], nil
			case !errors.Is(err, connector.ErrNotFound):
				return nil, fmt.Errorf("the balance of QoQa's voucher %s: %w", b.RemoteID, err)
			}
			// Deleted on QoQa: the flow creates it again, with OpenERP's.
		}
		v := mc.Record.Fields[field]
		if v == nil {
			return nil, nil
		}
		return connector.AmountToCents(ctx, mc, v)
	}
}
