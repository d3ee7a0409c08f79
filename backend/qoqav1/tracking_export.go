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
		connector.Field(f("carrier_id"), "carrier", many2oneName),
	}}
	return backend.Components{Local: shipments(e), Remote: adapter.NewQoQaTracking(e.sys.QoQa), ExportMapper: mapping}, nil
}

// shipmentModelV8 is the shipments' model from Odoo 8 on, where OpenERP
// 7.0's stock.picking.out (the catalogue's default) is gone.
const shipmentModelV8 = "stock.picking"

// shipments is the OpenERP adapter of the shipments: the model the backend
// names, or else stock.picking.out on OpenERP 7.0 and stock.picking from
// Odoo 8 on (7.0's stock.picking.out is gone there), picked by the server's
// major version at the first call.
func shipments(e *env) connector.Adapter {
	v7 := e.local("shipment")
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
