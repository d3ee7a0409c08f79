package connector

import (
	"context"
	"errors"
	"fmt"
)

// Mapper turns a record of one system into the values of the other. The
// import flow maps QoQa records to OpenERP values and the export flow the
// other way.
type Mapper interface {
	Map(ctx context.Context, mc *MapContext) (map[string]any, error)
}

// MapContext is what a mapping reads: the source record and the facts about
// the sync at hand.
type MapContext struct {
	// Model names the source model in errors.
	Model  string
	Record Record
	// Create is true when the values will create a record, false for an
	// update: rules made with OnCreate run only then, or with Replace.
	Create bool
	// Replace is true when the values update a record by replacing it
	// whole (see FullUpdater): a field left out would be erased, so rules
	// made with OnCreate run too.
	Replace bool
	// Binder resolves relations (see Bound and BoundRemote).
	Binder Binder
	// Languages are the backend's languages, OpenERP codes (fr_FR, de_DE).
	Languages []string
	// Parent is the context of the record that holds this one, for the
	// children of a record (order lines, offer positions).
	Parent *MapContext
}

// Err wraps err as the MappingError of field.
func (mc *MapContext) Err(field string, err error) error {
	var me *MappingError
	if errors.As(err, &me) {
		return err
	}
	return &MappingError{Model: mc.Model, RecordID: mc.Record.ID, Field: field, Err: err}
}

// MappingError names the model, the record and the field that did not map,
// so that an operator can fix the data and re-run the job.
type MappingError struct {
	Model    string
	RecordID string
	Field    string
	Err      error
}

func (e *MappingError) Error() string {
	return fmt.Sprintf("map %s %s, field %s: %v", e.Model, e.RecordID, e.Field, e.Err)
}

func (e *MappingError) Unwrap() error { return e.Err }

// Converter turns a source value into a target value. It receives nil for an
// absent value only when the rule asks (see Field).
type Converter func(ctx context.Context, mc *MapContext, v any) (any, error)

// Rule is one step of a Mapping.
type Rule interface {
	apply(ctx context.Context, mc *MapContext, out map[string]any) error
}

type ruleFunc func(ctx context.Context, mc *MapContext, out map[string]any) error

func (f ruleFunc) apply(ctx context.Context, mc *MapContext, out map[string]any) error {
	return f(ctx, mc, out)
}

// Mapping is a declarative Mapper: its rules run in order, each adding target
// values, then Finish sees the whole result.
//
//	connector.Mapping{
//		Model: "product",
//		Rules: []connector.Rule{
//			connector.Field("sku", "default_code"),
//			connector.Field("unit_price", "list_price", connector.CentsToAmount),
//			connector.OnCreate(connector.Field("id", "x_qoqa_id")),
//			connector.Compute("name", productName),
//		},
//	}
type Mapping struct {
	Model string
	Rules []Rule
	// Finish runs after every rule, to check or adjust the values.
	Finish func(ctx context.Context, mc *MapContext, out map[string]any) error
}

// Map implements Mapper.
func (m Mapping) Map(ctx context.Context, mc *MapContext) (map[string]any, error) {
	if mc.Model == "" {
		mc.Model = m.Model
	}
	out := map[string]any{}
	if err := applyAll(ctx, mc, out, m.Rules); err != nil {
		return nil, err
	}
	if m.Finish != nil {
		if err := m.Finish(ctx, mc, out); err != nil {
			return nil, mc.Err("(finish)", err)
		}
	}
	return out, nil
}

// Field copies the source field from to the target field to, through the
// converters in order. An absent or null source value becomes nil without
// calling the converters: "no value" stays "no value" (each adapter writes it
// as its system does, OpenERP's False for example).
func Field(from, to string, convs ...Converter) Rule {
	return ruleFunc(func(ctx context.Context, mc *MapContext, out map[string]any) error {
		v := mc.Record.Fields[from]
		if v == nil {
			out[to] = nil
			return nil
		}
		for _, c := range convs {
			var err error
			if v, err = c(ctx, mc, v); err != nil {
				return mc.Err(from, err)
			}
		}
		out[to] = v
		return nil
	})
}

// Compute sets the target field to what fn returns; field names the rule in
// errors.
func Compute(to string, fn func(ctx context.Context, mc *MapContext) (any, error)) Rule {
	return ruleFunc(func(ctx context.Context, mc *MapContext, out map[string]any) error {
		v, err := fn(ctx, mc)
		if err != nil {
			return mc.Err(to, err)
		}
		out[to] = v
		return nil
	})
}

// OnCreate applies rules only when the values create a record: fields that
// must not be overwritten later (a reference, an initial state). They also
// run when the values replace a record whole (MapContext.Replace), since a
// field left out of those would be erased.
func OnCreate(rules ...Rule) Rule {
	return ruleFunc(func(ctx context.Context, mc *MapContext, out map[string]any) error {
		if !mc.Create && !mc.Replace {
			return nil
		}
		return applyAll(ctx, mc, out, rules)
	})
}

func applyAll(ctx context.Context, mc *MapContext, out map[string]any, rules []Rule) error {
	for _, r := range rules {
		if err := r.apply(ctx, mc, out); err != nil {
			return err
		}
	}
	return nil
}

// Children maps each element of the list in the source field from (order
// lines, offer positions, translations) with child, and sets the target field
// to to the mapped list, or to what wrap makes of it (OpenERP x2many
// commands). An element is a map of fields; its "id", if any, is its
// record ID in errors.
func Children(from, to string, child Mapper, wrap func(items []map[string]any) any) Rule {
	return ruleFunc(func(ctx context.Context, mc *MapContext, out map[string]any) error {
		raw := mc.Record.Fields[from]
		if raw == nil {
			return nil
		}
		list, ok := raw.([]any)
		if !ok {
			if typed, ok2 := raw.([]map[string]any); ok2 {
				list = make([]any, len(typed))
				for i, t := range typed {
					list[i] = t
				}
			} else {
				return mc.Err(from, fmt.Errorf("want a list, got %T", raw))
			}
		}
		items := make([]map[string]any, 0, len(list))
		for i, el := range list {
			fields, ok := el.(map[string]any)
			if !ok {
				return mc.Err(fmt.Sprintf("%s[%d]", from, i), fmt.Errorf("want an object, got %T", el))
			}
			cmc := *mc
			cmc.Parent, cmc.Model = mc, mc.Model+"."+from
			cmc.Record = Record{ID: fmt.Sprint(fields["id"]), Fields: fields}
			if fields["id"] == nil {
				cmc.Record.ID = fmt.Sprintf("%s[%d]", mc.Record.ID, i)
			}
			v, err := child.Map(ctx, &cmc)
			if err != nil {
				return err
			}
			items = append(items, v)
		}
		if wrap != nil {
			out[to] = wrap(items)
		} else {
			out[to] = items
		}
		return nil
	})
}
