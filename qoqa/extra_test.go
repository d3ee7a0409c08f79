package qoqa_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/qoqa"
	"github.com/qoqasync/qoqasync/qoqa/qoqatest"
)

// readWrite reads a record with a typed service and writes it back as read.
func readWrite[T any](svc *qoqa.Service[T]) func(context.Context, qoqa.ID) error {
	return func(ctx context.Context, id qoqa.ID) error {
		v, err := svc.Get(ctx, id)
		if err != nil {
			return err
		}
		return svc.Update(ctx, id, v)
	}
}

// QoQa's PUT replaces the whole record: a typed record read and written
// back keeps every key QoQa holds, those its Go type has no field for
// included, nested ones too.
func TestTypedUpdateKeepsWhatTheTypeLacks(t *testing.T) {
	t.Parallel()
	s := newServer(t, qoqatest.Options{})
	c := newClient(t, s)
	shop := s.Seed("shop", qoqa.Shop{Name: "QoQa"})[0]
	product := s.Seed("product", map[string]any{"category": "home", "is_active": true, "supplier_ref": "SUP-1", "seo": map[string]any{"slug": "lampe"},
		"translations": []any{map[string]any{"language_id": 1, "name": "Lampe", "subtitle": "la belle"}}})[0]
	variation := s.Seed("variation", map[string]any{"product_id": product, "sku": "L-1", "is_active": true, "weight_g": 1200})[0]
	for name, tc := range map[string]struct {
		endpoint  string
		id        qoqa.ID
		record    map[string]any
		readWrite func(context.Context, qoqa.ID) error
	}{
		"product":   {"product", product, nil, readWrite(c.Products)},
		"variation": {"variation", variation, nil, readWrite(c.Variations)},
		"offer": {"offer", 0, map[string]any{"shop_id": shop, "start_at": "2026-03-02T00:00:00+0000", "stop_at": "2026-03-03T00:00:00+0000",
			"is_active": true, "channel": "app", "translations": []any{map[string]any{"language_id": 2, "title": "Lampe", "teaser": "hell"}},
			"positions": []any{map[string]any{"variation_id": variation, "unit_price": 2950, "vat_code": "N"}}}, readWrite(c.Offers)},
		"voucher": {"voucher", 0, map[string]any{"code": "GIFT", "amount": 5000, "remaining_amount": 5000, "is_active": true, "campaign": "xmas"}, readWrite(c.Vouchers)},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			id := tc.id
			if id == 0 {
				id = s.Seed(tc.endpoint, tc.record)[0]
			}
			before, _ := s.Record(tc.endpoint, id)
			require.NoError(t, tc.readWrite(context.Background(), id))
			after, _ := s.Record(tc.endpoint, id)
			delete(before, "updated_at")
			delete(after, "updated_at")
			assert.Equal(t, before, after)
		})
	}
}

func TestTypedChangeKeepsWhatTheTypeLacks(t *testing.T) {
	t.Parallel()
	s := newServer(t, qoqatest.Options{})
	c := newClient(t, s)
	ctx := context.Background()
	id := s.Seed("product", map[string]any{"category": "home", "supplier_ref": "SUP-1",
		"translations": []any{map[string]any{"language_id": 1, "name": "Lampe", "subtitle": "la belle"}}})[0]
	p, err := c.Products.Get(ctx, id)
	require.NoError(t, err)
	assert.JSONEq(t, `"SUP-1"`, string(p.Extra["supplier_ref"]), "what the type lacks is readable")
	p.Category = "garden"
	p.Translations[0].Name = "Lampe de jardin"
	p.Extra["category"] = json.RawMessage(`"ignored: the field wins"`)
	require.NoError(t, c.Products.Update(ctx, id, p))
	rec, _ := s.Record("product", id)
	assert.Equal(t, "garden", rec["category"])
	assert.Equal(t, "SUP-1", rec["supplier_ref"])
	assert.Equal(t, []any{map[string]any{"language_id": float64(1), "name": "Lampe de jardin", "subtitle": "la belle"}}, rec["translations"])
}
