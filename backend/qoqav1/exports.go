package qoqav1

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/qoqasync/qoqasync/adapter"
	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/qoqa"
)

// exportComponents returns, by model, the components of the exports: what
// is authored in OpenERP reaches QoQa.
func exportComponents(e *env) (map[string]backend.Components, error) {
	builders := map[string]func(*env) (backend.Components, error){
		"product":   productExport,
		"variation": variationExport,
		"offer":     offerExport,
		"voucher":   voucherExport,
		"shipment":  shipmentExport,
	}
	out := make(map[string]backend.Components, len(builders))
	for model, build := range builders {
		c, err := build(e)
		if err != nil {
			return nil, fmt.Errorf("qoqav1: export of %s: %w", model, err)
		}
		out[model] = c
	}
	return out, nil
}

// DefaultExportIntervals are how often the export poll of each exported model
// asks OpenERP for changes, when the backend's settings leave it zero (see
// ApplyExportDefaults): offers and shipments are bound to a date or a
// customer waiting for a parcel, products and vouchers can wait a little.
// Each call returns a new map, for a host to adjust.
func DefaultExportIntervals() map[string]time.Duration {
	return map[string]time.Duration{
		"product":   5 * time.Minute,
		"variation": 5 * time.Minute,
		"offer":     time.Minute,
		"voucher":   5 * time.Minute,
		"shipment":  2 * time.Minute,
	}
}

// ApplyExportDefaults sets DefaultExportIntervals in b's settings of each
// exported model whose ExportInterval is zero, keeping every other setting:
// a host calls it before backend.Build to poll every export without naming
// each model, then turns off a model's poll by setting its interval to
// zero again afterwards.
func ApplyExportDefaults(b *backend.Backend) {
	if b.Models == nil {
		b.Models = map[string]backend.ModelSettings{}
	}
	for model, d := range DefaultExportIntervals() {
		s := b.Models[model]
		if s.ExportInterval == 0 {
			s.ExportInterval = d
		}
		b.Models[model] = s
	}
}

// fieldNames returns the function that names the database's OpenERP fields
// of model, from their default names: every rule of a mapper reads the
// fields through it, so that the backend's renames reach them.
func fieldNames(e *env, model string) func(name string) string {
	s := e.settings(model)
	return s.Field
}

// authoredOnly keeps a record that an import created from being exported:
// products, variations and offers of QoQa's history exist in OpenERP only so
// that past orders land complete, and are never sent back. The import wrote
// its reference in the record (see connector.Ref), which RefOf reads; a
// record authored in OpenERP has none.
//
// The engine skips such a record while it is not bound; this skips it for
// good, edited or not. The skip is the mapper's NothingToDo, which ends the
// job as done with its reason before anything is sent.
type authoredOnly struct {
	model string
	local connector.Finder
	connector.Mapper
}

// Map implements connector.Mapper.
func (m authoredOnly) Map(ctx context.Context, mc *connector.MapContext) (map[string]any, error) {
	if model, remoteID, _, ok := connector.ParseRef(m.local.RefOf(mc.Record)); ok && model == m.model {
		return nil, connector.NothingToDo("%s %s came from QoQa (%s %s) and is never exported back", m.model, mc.Record.ID, model, remoteID)
	}
	return m.Mapper.Map(ctx, mc)
}

// boundRemoteOrNone turns the ID of a local record of model into its remote
// ID, or into no value when the record is not bound: a relation QoQa may
// lack (a voucher's partner who is no QoQa customer).
func boundRemoteOrNone(model string) connector.Converter {
	bound := connector.BoundRemote(model)
	return func(ctx context.Context, mc *connector.MapContext, v any) (any, error) {
		id, err := bound(ctx, mc, v)
		if errors.Is(err, connector.ErrNotBound) {
			return nil, nil
		}
		return id, err
	}
}

// formatQoQaTime writes a time as QoQa's datetime (qoqa.TimeLayout), in UTC.
var formatQoQaTime = connector.FormatTime(qoqa.TimeLayout, nil)

// qoqaDateTime reads an OpenERP datetime (UTC) and writes it as QoQa's.
var qoqaDateTime = []connector.Converter{connector.ParseTime(connector.UTCDateTime), formatQoQaTime}

// many2oneName reads the display name of an OpenERP many2one ([id, name]).
func many2oneName(ctx context.Context, mc *connector.MapContext, v any) (any, error) {
	pair, ok := v.([]any)
	if !ok || len(pair) < 2 {
		return nil, fmt.Errorf("want a many2one [id, name], got %v", v)
	}
	name, ok := pair[1].(string)
	if !ok {
		return nil, fmt.Errorf("want a many2one [id, name], got %v", v)
	}
	return name, nil
}

// everything is the context of a search that finds archived records too.
var everything = openerp.Context{"active_test": false}

// pointingAt searches the records of the OpenERP model local whose
// many2one field points at rec, archived ones included.
func pointingAt(ctx context.Context, client *openerp.Client, local, field string, rec connector.Record) ([]int64, error) {
	id, err := strconv.ParseInt(rec.ID, 10, 64)
	if err != nil {
		return nil, connector.Permanent(fmt.Errorf("%s: %q is not an OpenERP ID", local, rec.ID))
	}
	ids, err := client.Search(ctx, local, openerp.Where(field, "=", id), openerp.SearchOptions{Order: "id asc", Context: everything})
	if err != nil {
		return nil, adapter.OpenERPDecision(fmt.Errorf("the %s whose %s is %d: %w", local, field, id, err))
	}
	return ids, nil
}

// dependents are the records ids of the connector's model, as dependencies
// of the flow.
func dependents(model string, ids []int64) []connector.Dependency {
	deps := make([]connector.Dependency, len(ids))
	for i, n := range ids {
		deps[i] = connector.Dependency{Model: model, ID: strconv.FormatInt(n, 10)}
	}
	return deps
}

// variantsOf is the product's ExportDependents (see
// connector.ExportFlow.Dependents), which the flow asks only when it
// created the template again on QoQa: the template's variants, archived
// ones included (their export applies the deletion policy to a variation
// still live), in one search.
func variantsOf(e *env) func(ctx context.Context, rec connector.Record) ([]connector.Dependency, error) {
	model, template := e.localModel("variation"), e.field("variation", "product_tmpl_id")
	return func(ctx context.Context, rec connector.Record) ([]connector.Dependency, error) {
		ids, err := pointingAt(ctx, e.sys.OpenERP, model, template, rec)
		if err != nil {
			return nil, err
		}
		return dependents("variation", ids), nil
	}
}

// offersOn is the variation's ExportDependents, which the flow asks only
// when it created the variation again on QoQa: the offers with a position
// on the variant (qoqa.offer.position's product_id), each once, archived
// ones included, in one search and one read of the positions.
func offersOn(e *env) func(ctx context.Context, rec connector.Record) ([]connector.Dependency, error) {
	model := e.localModel("offer_position")
	variant, offer := e.field("offer_position", "product_id"), e.field("offer_position", "offer_id")
	return func(ctx context.Context, rec connector.Record) ([]connector.Dependency, error) {
		ids, err := pointingAt(ctx, e.sys.OpenERP, model, variant, rec)
		if err != nil || len(ids) == 0 {
			return nil, err
		}
		rows, err := e.sys.OpenERP.Read(ctx, model, ids, []string{offer}, nil)
		if err != nil {
			return nil, adapter.OpenERPDecision(fmt.Errorf("the offers of the %s on variant %s: %w", model, rec.ID, err))
		}
		var offers []int64
		for _, r := range rows {
			if id, _, ok := r.Many2One(offer); ok && !slices.Contains(offers, id) {
				offers = append(offers, id)
			}
		}
		slices.Sort(offers)
		return dependents("offer", offers), nil
	}
}
