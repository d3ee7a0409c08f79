package qoqav1

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/qoqa"
)

// The converters and rules the import mappers share: QoQa's cents, its
// datetimes with an offset, its IDs that come as numbers or strings.

// amount turns QoQa's cents into an OpenERP amount in the currency unit
// (2950 is 29.5). Cents are integers by the contract; a fraction of a cent
// (a computed price) is rounded half away from zero first, as OpenERP's
// float_round does, so that the amount has the currency's two decimals.
func amount(ctx context.Context, mc *connector.MapContext, v any) (any, error) {
	c, err := cents(v)
	if err != nil {
		return nil, err
	}
	return float64(c) / 100, nil
}

// cents reads an amount of cents, rounded half away from zero to a whole
// cent (math.Round rounds half away from zero).
func cents(v any) (int64, error) {
	if n, err := connector.Int(v); err == nil {
		return n, nil
	}
	f, err := connector.Float(v)
	if err != nil {
		return 0, fmt.Errorf("want an amount of cents: %w", err)
	}
	r := math.Round(f)
	if math.IsNaN(r) || math.Abs(r) > 1<<53 {
		return 0, fmt.Errorf("%v cents is out of range", f)
	}
	return int64(r), nil
}

// parseQoQaTime reads a QoQa datetime (2013-10-11T17:34:41+0200, or RFC 3339)
// into UTC.
var parseQoQaTime = connector.ParseTime(qoqa.TimeLayout, time.RFC3339)

// utcDateTime writes a QoQa datetime as an OpenERP datetime, in UTC.
func utcDateTime(ctx context.Context, mc *connector.MapContext, v any) (any, error) {
	t, err := parseQoQaTime(ctx, mc, v)
	if err != nil {
		return nil, err
	}
	return t.(time.Time).Format(connector.UTCDateTime), nil
}

// utcDate writes a QoQa datetime as an OpenERP date: the day it falls on in
// UTC, as OpenERP stores every time. A bare date is taken as it is.
func utcDate(ctx context.Context, mc *connector.MapContext, v any) (any, error) {
	if s, ok := v.(string); ok {
		if d, err := time.Parse(qoqa.DateLayout, s); err == nil {
			return d.Format(connector.DateOnly), nil
		}
	}
	t, err := parseQoQaTime(ctx, mc, v)
	if err != nil {
		return nil, err
	}
	return t.(time.Time).Format(connector.DateOnly), nil
}

// createOnlyPrefix starts the key of a mapped value that only a create
// writes (see createOnly).
const createOnlyPrefix = "qoqav1:create:"

// createOnly is the key under which an import mapping puts the value of the
// OpenERP field field that a create writes and an update leaves as it is:
// the update of a bound record, and that of a record found again by its
// natural key before a create (a variant made by hand keeps its template, a
// voucher authored in OpenERP its name). The local adapters of the models
// that use it write it through valuesFor.
func createOnly(field string) string { return createOnlyPrefix + field }

// valuesFor returns the values a create (create true) or an update writes
// of values: a create writes the values of createOnly keys to their
// fields, an update leaves them out.
func valuesFor(values map[string]any, create bool) map[string]any {
	out := make(map[string]any, len(values))
	for k, v := range values {
		field, ok := strings.CutPrefix(k, createOnlyPrefix)
		switch {
		case !ok:
			out[k] = v
		case create:
			out[field] = v
		}
	}
	return out
}

// constant sets the target field to v.
func constant(to string, v any) connector.Rule {
	return connector.Compute(to, func(context.Context, *connector.MapContext) (any, error) { return v, nil })
}

// isActive sets the target field (OpenERP's active) from QoQa's is_active.
// A record that says nothing of it is active: OpenERP's False would
// archive it.
func isActive(to string) connector.Rule {
	return connector.Compute(to, func(ctx context.Context, mc *connector.MapContext) (any, error) {
		switch v := mc.Record.Fields["is_active"].(type) {
		case nil:
			return true, nil
		case bool:
			return v, nil
		default:
			return nil, mc.Err("is_active", fmt.Errorf("want a boolean, got %T", v))
		}
	})
}

// text reads a string field; no value and an empty or blank string are "".
func text(rec connector.Record, field string) string {
	s, _ := rec.Fields[field].(string)
	return strings.TrimSpace(s)
}

// personName is the name a partner takes from QoQa's firstname and
// lastname, else its company.
func personName(rec connector.Record) string {
	if name := strings.TrimSpace(text(rec, "firstname") + " " + text(rec, "lastname")); name != "" {
		return name
	}
	return text(rec, "company")
}

// refID reads the ID of a related QoQa record: "" when there is none (no
// value, null, or 0, which QoQa's lists also send for none). QoQa's IDs are
// positive integers, sent as numbers or numeric strings: anything else
// ("abc", -1, 1.5, a list) is an error, which the caller reports on the
// field, rather than an ID that a dependency's import would fail to read
// without naming where it came from.
func refID(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	n, err := connector.Int(v)
	if err != nil {
		return "", fmt.Errorf("not a QoQa ID: %w", err)
	}
	switch {
	case n == 0:
		return "", nil
	case n < 0:
		return "", fmt.Errorf("not a QoQa ID: %d is negative", n)
	}
	return strconv.FormatInt(n, 10), nil
}

// dep names a field of a record that points at a record of model.
type dep struct{ field, model string }

// dependencies lists the records that the fields deps of a record of model
// point at, for ImportFlow.Dependencies. A relation that holds no ID fails
// the job at once, naming the field: retrying reads the same record.
func dependencies(model string, deps ...dep) func(ctx context.Context, rec connector.Record) ([]connector.Dependency, error) {
	return func(ctx context.Context, rec connector.Record) ([]connector.Dependency, error) {
		var out []connector.Dependency
		for _, d := range deps {
			id, err := refID(rec.Fields[d.field])
			if err != nil {
				return nil, connector.Permanent(&connector.MappingError{Model: model, RecordID: rec.ID, Field: d.field, Err: err})
			}
			if id != "" {
				out = appendDependency(out, d.model, id)
			}
		}
		return out, nil
	}
}

// appendDependency adds the record of model and id to deps, once.
func appendDependency(deps []connector.Dependency, model, id string) []connector.Dependency {
	for _, d := range deps {
		if d.Model == model && d.ID == id {
			return deps
		}
	}
	return append(deps, connector.Dependency{Model: model, ID: id})
}

// boundTo turns the ID of a QoQa record of model into the ID of its
// OpenERP record, or no value when the relation holds none.
func boundTo(model string) connector.Converter {
	bound := connector.Bound(model)
	return func(ctx context.Context, mc *connector.MapContext, v any) (any, error) {
		id, err := refID(v)
		if err != nil || id == "" {
			return nil, err
		}
		return bound(ctx, mc, id)
	}
}

// errNoValue is the cause of a mapping error for a value a record must have.
var errNoValue = errors.New("no value")

// eachItem calls fn for each object of the list in the record's field
// (order items, offer positions); field names a field of the item in
// errors, as items[2].quantity.
func eachItem(mc *connector.MapContext, list string, fn func(field func(string) string, item map[string]any) error) error {
	raw := mc.Record.Fields[list]
	if raw == nil {
		return nil
	}
	items, ok := raw.([]any)
	if !ok {
		return mc.Err(list, fmt.Errorf("want a list, got %T", raw))
	}
	for i, el := range items {
		item, ok := el.(map[string]any)
		if !ok {
			return mc.Err(fmt.Sprintf("%s[%d]", list, i), fmt.Errorf("want an object, got %T", el))
		}
		field := func(name string) string { return fmt.Sprintf("%s[%d].%s", list, i, name) }
		if err := fn(field, item); err != nil {
			return err
		}
	}
	return nil
}

// listDependencies adds to deps the records that the fields ds of each item
// of the record's list point at.
func listDependencies(rec connector.Record, model, list string, deps []connector.Dependency, ds ...dep) ([]connector.Dependency, error) {
	mc := &connector.MapContext{Model: model, Record: rec}
	err := eachItem(mc, list, func(field func(string) string, item map[string]any) error {
		for _, d := range ds {
			id, err := refID(item[d.field])
			if err != nil {
				return mc.Err(field(d.field), err)
			}
			if id != "" {
				deps = appendDependency(deps, d.model, id)
			}
		}
		return nil
	})
	if err != nil {
		return nil, connector.Permanent(err)
	}
	return deps, nil
}
