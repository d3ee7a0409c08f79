package qoqav1

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"
	"time"

	"github.com/qoqasync/qoqasync/adapter"
	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/openerp"
)

// shipmentExport is the export of shipments' tracking numbers: a shipment
// of an order that came from QoQa (one bound as an imported order) sends
// its carrier_tracking_ref to that order's add_tracking action once, and
// again when the number changes; a shipment without a number, or of an
// order made in OpenERP, sends nothing. The shipments are OpenERP 7.0's
// stock.picking.out and Odoo 8's stock.picking (see shipments).
//
// The carrier goes with the number, but is no part of the shipment's
// content: QoQa keeps a number's carrier as it was first sent ("sending a
// number the order already has changes nothing"), so a shipment whose
// carrier alone changed has nothing to send, and sends nothing. The export
// reads the carrier only when it sends a number (see shipmentCarrier).
func shipmentExport(e *env) (backend.Components, error) {
	f := fieldNames(e, "shipment")
	number, sale := f("carrier_tracking_ref"), f("sale_id")
	toOrder := connector.BoundRemote("order")
	mapping := connector.Mapping{Model: "shipment", Rules: []connector.Rule{
		// A shipment that has nothing to send ends its job as done, with
		// the reason, before anything is sent or bound: its next change
		// queues it again.
		connector.Compute("number", func(ctx context.Context, mc *connector.MapContext) (any, error) {
			n, _ := mc.Record.Fields[number].(string)
			if n == "" {
				return nil, connector.NothingToDo("shipment %s has no tracking number yet", mc.Record.ID)
			}
			return n, nil
		}),
		connector.Compute("order_id", func(ctx context.Context, mc *connector.MapContext) (any, error) {
			so := mc.Record.Fields[sale]
			if so == nil {
				return nil, connector.NothingToDo("shipment %s ships no sale order", mc.Record.ID)
			}
			id, err := toOrder(ctx, mc, so)
			if errors.Is(err, connector.ErrNotBound) {
				return nil, connector.NothingToDo("shipment %s ships sale order %v, which did not come from QoQa", mc.Record.ID, firstOf(so))
			}
			return id, err
		}),
		connector.Compute("carrier", shipmentCarrier(e, f("carrier_id"))),
	}}
	return backend.Components{Local: shipments(e, e.local("shipment")), Remote: adapter.NewQoQaTracking(e.sys.QoQa), ExportMapper: mapping}, nil
}

// shipmentCarrier is the Compute of the carrier sent with a number: the
// name of the shipment's carrier (field), read when the number is sent. The
// shipment's records leave the carrier out (see the catalogue), so that a
// change of carrier alone is no change of what QoQa holds; this read costs
// one call per number sent, where a carrier read with the record would
// resend a number QoQa has each time its carrier changes.
func shipmentCarrier(e *env, field string) func(ctx context.Context, mc *connector.MapContext) (any, error) {
	carriers := shipments(e, &adapter.OpenERP{Client: e.sys.OpenERP, Model: e.localModel("shipment"), Fields: []string{field}})
	return func(ctx context.Context, mc *connector.MapContext) (any, error) {
		rec, err := carriers.Read(ctx, mc.Record.ID)
		if err != nil {
			return nil, fmt.Errorf("the carrier of shipment %s: %w", mc.Record.ID, err)
		}
		v := rec.Fields[field]
		if v == nil {
			return nil, nil
		}
		return many2oneName(ctx, mc, v)
	}
}

// shipmentModelV8 is the shipments' model from Odoo 8 on, where OpenERP
// 7.0's stock.picking.out (the catalogue's default) is gone.
const shipmentModelV8 = "stock.picking"

// shipments is the OpenERP adapter of the shipments that reads as v7 does:
// v7 itself when the backend names the shipments' model, or else on
// OpenERP 7.0 (the catalogue's stock.picking.out), and its copy on
// stock.picking from Odoo 8 on (7.0's stock.picking.out is gone there),
// picked by the server's major version at the first call.
func shipments(e *env, v7 *adapter.OpenERP) connector.Adapter {
	if e.settings("shipment").LocalModel != "" {
		return v7
	}
	return &versionedModel{client: e.sys.OpenERP, byVersion: func(major int) *adapter.OpenERP {
		if major < 8 {
			return v7
		}
		return &adapter.OpenERP{Client: v7.Client, Model: shipmentModelV8, Fields: v7.Fields, RefField: v7.RefField,
			Context: v7.Context, Languages: v7.Languages, Translatable: v7.Translatable, MoreFields: v7.MoreFields, PageSize: v7.PageSize}
	}}
}

// versionedModel is an OpenERP adapter whose model depends on the server's
// version, which is known only once the server answers: it asks the
// client's MajorVersion (asked once per client) at its first call, and
// delegates to the adapter of that version from then on.
type versionedModel struct {
	client    *openerp.Client
	byVersion func(major int) *adapter.OpenERP

	mu     sync.Mutex
	picked *adapter.OpenERP
}

var (
	_ connector.Adapter       = (*versionedModel)(nil)
	_ connector.ActiveChecker = (*versionedModel)(nil)
	_ connector.Clock         = (*versionedModel)(nil)
)

func (m *versionedModel) pick(ctx context.Context) (*adapter.OpenERP, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.picked != nil {
		return m.picked, nil
	}
	major, err := m.client.MajorVersion(ctx)
	if err != nil {
		return nil, adapter.OpenERPDecision(fmt.Errorf("the server's version, which names the shipments' model: %w", err))
	}
	m.picked = m.byVersion(major)
	return m.picked, nil
}

// Search implements connector.Adapter.
func (m *versionedModel) Search(ctx context.Context, from, to time.Time) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		a, err := m.pick(ctx)
		if err != nil {
			yield("", err)
			return
		}
		for id, err := range a.Search(ctx, from, to) {
			if !yield(id, err) {
				return
			}
		}
	}
}

// Read implements connector.Adapter.
func (m *versionedModel) Read(ctx context.Context, id string) (connector.Record, error) {
	a, err := m.pick(ctx)
	if err != nil {
		return connector.Record{}, err
	}
	return a.Read(ctx, id)
}

// Create implements connector.Adapter.
func (m *versionedModel) Create(ctx context.Context, ref string, values map[string]any) (string, error) {
	a, err := m.pick(ctx)
	if err != nil {
		return "", err
	}
	return a.Create(ctx, ref, values)
}

// Update implements connector.Adapter.
func (m *versionedModel) Update(ctx context.Context, id string, values map[string]any) error {
	a, err := m.pick(ctx)
	if err != nil {
		return err
	}
	return a.Update(ctx, id, values)
}

// Delete implements connector.Adapter.
func (m *versionedModel) Delete(ctx context.Context, id string) error {
	a, err := m.pick(ctx)
	if err != nil {
		return err
	}
	return a.Delete(ctx, id)
}

// Active implements connector.ActiveChecker.
func (m *versionedModel) Active(ctx context.Context, ids []string) (map[string]bool, error) {
	a, err := m.pick(ctx)
	if err != nil {
		return nil, err
	}
	return a.Active(ctx, ids)
}

// Now implements connector.Clock.
func (m *versionedModel) Now(ctx context.Context) (time.Time, error) {
	a, err := m.pick(ctx)
	if err != nil {
		return time.Time{}, err
	}
	return a.Now(ctx)
}
