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
// one, the validity dates as QoQa's datetimes. An update sends what QoQa
// holds of what OpenERP cannot say (see voucherMapper).
func voucherExport(e *env) (backend.Components, error) {
	return backend.Components{ExportMapper: voucherMapper{f: fieldNames(e, "voucher"), remote: e.remote("voucher")}}, nil
}

// voucherMapper maps a qoqa.voucher to QoQa's voucher. QoQa's update
// replaces the whole record, so an update first reads the record QoQa
// holds, once, for what OpenERP cannot say:
//
//   - the balance: customers spend a voucher on QoQa, so once it is there
//     its balance is QoQa's; OpenERP's (as last imported) would give back
//     what was spent since. A create, or the create again of a voucher
//     deleted on QoQa, sends OpenERP's. A balance corrected in OpenERP
//     therefore does not reach QoQa.
//   - the validity: QoQa's are datetimes, OpenERP's dates (the day in
//     UTC). A date that still falls on the day of QoQa's datetime sends
//     that datetime back as it is, so that an edit of another field moves
//     no validity (a voucher valid from midnight in Zürich starts at 23:00
//     UTC the day before); a date changed in OpenERP sends its day: from
//     its start, to the end of the day it expires.
type voucherMapper struct {
	f      func(name string) string
	remote connector.Adapter
}

// Map implements connector.Mapper.
func (m voucherMapper) Map(ctx context.Context, mc *connector.MapContext) (map[string]any, error) {
	held, err := m.held(ctx, mc)
	if err != nil {
		return nil, err
	}
	f := m.f
	return connector.Mapping{Model: "voucher", Rules: []connector.Rule{
		connector.Field(f("code"), "code"),
		connector.Field(f("partner_id"), "customer_id", boundRemoteOrNone("customer")),
		connector.Field(f("amount"), "amount", connector.AmountToCents),
		connector.Compute("remaining_amount", func(ctx context.Context, mc *connector.MapContext) (any, error) {
			if held != nil {
				return held.Fields["remaining_amount"], nil
			}
			v := mc.Record.Fields[f("remaining_amount")]
			if v == nil {
				return nil, nil
			}
			return connector.AmountToCents(ctx, mc, v)
		}),
		connector.Field(f("currency"), "currency"),
		connector.Field(f("date_start"), "start_at", heldOnTheDay(held, "start_at", connector.ParseTime(connector.DateOnly), formatQoQaTime)),
		connector.Field(f("date_expire"), "stop_at", heldOnTheDay(held, "stop_at", connector.ParseTime(connector.DateOnly), lastSecondOfDay, formatQoQaTime)),
		connector.Field(f("description"), "description"),
		connector.Field(f("active"), "is_active"),
	}}.Map(ctx, mc)
}

// held reads the voucher QoQa holds for an update; nil for a create, and
// for a voucher deleted on QoQa (the flow creates it again).
func (m voucherMapper) held(ctx context.Context, mc *connector.MapContext) (*connector.Record, error) {
	if mc.Create {
		return nil, nil
	}
	b, err := mc.Binder.ByLocal(ctx, mc.Model, mc.Record.ID)
	if err != nil {
		return nil, err
	}
	rec, err := m.remote.Read(ctx, b.RemoteID)
	switch {
	case err == nil:
		return &rec, nil
	case errors.Is(err, connector.ErrNotFound):
		return nil, nil
	}
	return nil, fmt.Errorf("the voucher QoQa holds, %s: %w", b.RemoteID, err)
}

// heldOnTheDay is the Converter of an OpenERP date to QoQa's datetime of
// field: the one QoQa holds (held) when it falls on that day in UTC, else
// the date through build.
func heldOnTheDay(held *connector.Record, field string, build ...connector.Converter) connector.Converter {
	return func(ctx context.Context, mc *connector.MapContext, v any) (any, error) {
		if held != nil {
			if q := held.Fields[field]; q != nil {
				t, err := parseQoQaTime(ctx, mc, q)
				if err == nil && t.(time.Time).UTC().Format(connector.DateOnly) == v {
					return q, nil
				}
			}
		}
		for _, c := range build {
			var err error
			if v, err = c(ctx, mc, v); err != nil {
				return nil, err
			}
		}
		return v, nil
	}
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
