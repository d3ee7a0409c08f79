package qoqav1

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
	"github.com/qoqasync/qoqasync/qoqa"
	"github.com/qoqasync/qoqasync/qoqa/qoqatest"
)

// anyBound is a Binder in which every record is bound, to the OpenERP
// record 7: what a mapping needs to map every relation.
type anyBound struct{ connector.Binder }

func (anyBound) ByRemote(ctx context.Context, model, id string) (connector.Binding, error) {
	return connector.Binding{Model: model, RemoteID: id, LocalID: "7"}, nil
}

// ByLocal finds the local record 7 bound to the remote record being mapped
// (a customer's partner is its own).
func (anyBound) ByLocal(ctx context.Context, model, id string) (connector.Binding, error) {
	return connector.Binding{Model: model, RemoteID: "1", LocalID: id}, nil
}

// importWrites, which CheckImports looks for in the database, names every
// field an import mapping writes: a field it forgot would go unchecked.
func TestImportWritesListsWhatTheMappingsWrite(t *testing.T) {
	t.Parallel()
	qs := qoqatest.New(qoqatest.Options{})
	t.Cleanup(qs.Close)
	es := openerptest.New(openerptest.Options{})
	t.Cleanup(es.Close)
	qc, err := qoqa.New(qs.Config())
	require.NoError(t, err)
	oc, err := openerp.New(es.Config())
	require.NoError(t, err)
	es.Seed("res.country", map[string]any{"code": "CH"})
	for _, code := range DefaultLineProducts {
		es.Seed("product.product", map[string]any{"default_code": code})
	}
	e := newEnv(&backend.Backend{Name: "t", Languages: []string{"fr_FR"}}, Systems{QoQa: qc, OpenERP: oc})
	components, err := importComponents(e)
	require.NoError(t, err)

	tr := []any{map[string]any{"language_id": 1.0, "name": "n", "title": "t", "content": "c", "description": "d"}}
	samples := map[string]map[string]any{
		"shop":     {"name": "QoQa"},
		"user":     {"email": "a@b.ch", "pseudo": "a", "language_id": 1.0, "customer_id": nil, "is_active": true},
		"customer": {"user_id": 1.0, "firstname": "A", "lastname": "B", "language_id": 1.0},
		"address": {"customer_id": 1.0, "kind": "billing", "firstname": "A", "street": "s", "street2": "s", "zip": "1", "city": "c",
			"country": "CH", "phone": "1", "is_active": true},
		"deal":      {"translations": tr},
		"offer":     {"translations": tr, "shop_id": 1.0, "deal_id": 1.0, "start_at": "2026-01-01T00:00:00+0100", "stop_at": "2026-01-02T00:00:00+0100", "is_active": true, "currency": "CHF", "positions": []any{map[string]any{"variation_id": 1.0, "unit_price": 100.0}}},
		"product":   {"translations": tr, "is_active": true},
		"variation": {"product_id": 1.0, "sku": "S", "ean": "4006381333931", "is_active": true},
		"voucher": {"code": "C", "customer_id": 1.0, "amount": 100.0, "remaining_amount": 100.0, "currency": "CHF", "start_at": "2026-01-01T00:00:00+0100",
			"stop_at": "2026-01-02T00:00:00+0100", "description": "d", "is_active": true},
		"order": {"shop_id": 1.0, "deal_id": 1.0, "offer_id": 1.0, "user_id": 1.0, "customer_id": 1.0, "billing_address_id": 1.0, "shipping_address_id": 1.0,
			"status": "paid", "created_at": "2026-01-01T00:00:00+0100", "items": []any{
				map[string]any{"type": "product", "variation_id": 1.0, "quantity": 1.0, "unit_price": 100.0},
				map[string]any{"type": "shipping", "quantity": 1.0, "unit_price": 100.0},
			}},
	}
	for model, c := range components {
		t.Run(model, func(t *testing.T) {
			sample, ok := samples[model]
			require.True(t, ok, "a sample record of %s", model)
			out, err := c.ImportMapper.Map(context.Background(), &connector.MapContext{
				Record: connector.Record{ID: "1", Fields: sample}, Create: true, Binder: anyBound{}, Languages: []string{"fr_FR"},
			})
			require.NoError(t, err)
			for field := range out {
				field = strings.TrimPrefix(field, createOnlyPrefix) // written by a create
				if !strings.HasPrefix(field, "qoqav1:") {
					assert.True(t, slices.Contains(importWrites[model], field), "importWrites[%q] lacks %s", model, field)
				}
			}
		})
	}
}
