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

// authoredOnly keeps a record of QoQa's history from being exported:
// products, variations and offers that an import brought in exist in
// OpenERP only so that past orders land complete, and are never sent back,
// edited or not (QoQa's update replaces the whole record: it would erase
// what OpenERP does not sync, such as the translations of other
// languages). Such a record is told by what is always there:
//
//   - its binding, once it is bound: a pair that imports wrote and no export
//     ever did (importedOnly), which the imports of these models keep so
//     (see historyImport);
//   - the reference its import wrote, where the model keeps one (an
//     offer's qoqa_id, a template's x_ field): connector.Finder's RefOf,
//     which the engine also reads before it would create the record on
//     QoQa;
//   - for a record not bound, what the model says of it (unbound): a
//     template with no variant, which no person makes but an import whose
//     create answer was lost leaves behind; a variant of a template of the
//     history.
//
// The skip is the mapper's NothingToDo, which ends the job as done with its
// reason before anything is sent.
type authoredOnly struct {
	model string
	local connector.Finder
	// unbound, when set, returns a reason not to export a record that is
	// not bound (nor created on QoQa yet).
	unbound func(ctx context.Context, mc *connector.MapContext) (string, error)
	connector.Mapper
}

// Map implements connector.Mapper.
func (m authoredOnly) Map(ctx context.Context, mc *connector.MapContext) (map[string]any, error) {
	if model, remoteID, _, ok := connector.ParseRef(m.local.RefOf(mc.Record)); ok && model == m.model {
		return nil, connector.NothingToDo("%s %s came from QoQa (%s %s) and is never exported back", m.model, mc.Record.ID, model, remoteID)
	}
	b, err := mc.Binder.ByLocal(ctx, m.model, mc.Record.ID)
	switch {
	case err == nil && importedOnly(b):
		return nil, connector.NothingToDo("%s %s came from QoQa's history (%s %s, imported and never exported) and is never exported back", m.model, mc.Record.ID, m.model, b.RemoteID)
	case errors.Is(err, connector.ErrNotBound) && m.unbound != nil:
		reason, err := m.unbound(ctx, mc)
		if err != nil {
			return nil, err
		}
		if reason != "" {
			return nil, connector.NothingToDo("%s %s %s", m.model, mc.Record.ID, reason)
		}
	case err != nil && !errors.Is(err, connector.ErrNotBound):
		return nil, err
	}
	return m.Mapper.Map(ctx, mc)
}

// importedOnly reports whether the pair b was written by imports only: its
// OpenERP record was created (or found again) by the import of a QoQa
// record, and no export has written the QoQa record since. The flows keep
// the hash of what each direction last wrote, and an export's empties the
// import's (and the other way round): ImportHash set and ExportHash empty is
// a pair whose last write was an import's, and of the models of the
// history, whose imports never write a pair an export wrote (see
// historyImport), a pair no export ever wrote. A pair whose first write is
// under way has neither: it is the import's when the import marked it
// (Writing), as its create binds it before anything else can fail.
func importedOnly(b connector.Binding) bool {
	return b.ExportHash == "" && (b.ImportHash != "" || b.Writing == connector.Import)
}

// keepHistory is the KeepRemote of the models of QoQa's history (products,
// variations, offers): archiving or deleting in OpenERP a record that only
// imports wrote (importedOnly) leaves its QoQa record alone, whatever the
// model's deletion policy, since OpenERP never owned it.
func keepHistory(b connector.Binding) string {
	if importedOnly(b) {
		return "it belongs to QoQa's history (imported, never exported)"
	}
	return ""
}

// historyImport is the import mapper of a model authored in OpenERP
// (products, variations, offers), which an import brings in only as QoQa's
// history: it leaves alone a record that an export wrote (one authored in
// OpenERP, bound), which QoQa's copy follows, so that a forced import or a
// search of the model never turns an authored record into history that
// authoredOnly no longer exports.
type historyImport struct {
	model string
	connector.Mapper
}

// Map implements connector.Mapper.
func (m historyImport) Map(ctx context.Context, mc *connector.MapContext) (map[string]any, error) {
	if !mc.Create {
		b, err := mc.Binder.ByRemote(ctx, m.model, mc.Record.ID)
		switch {
		case err == nil && b.ExportHash != "":
			return nil, connector.NothingToDo("%s %s is authored in OpenERP (%s %s), which its QoQa record follows: the import does not write over it", m.model, mc.Record.ID, m.model, b.LocalID)
		case err != nil && !errors.Is(err, connector.ErrNotBound):
			return nil, err
		}
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
