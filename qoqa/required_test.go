package qoqa_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/qoqa"
	"github.com/qoqasync/qoqasync/qoqa/qoqatest"
)

// A create that lacks a field the contract requires fails before it is
// sent, naming the field: QoQa would otherwise store a zero (a voucher
// worth nothing).
func TestCreateRefusesAMissingRequiredField(t *testing.T) {
	t.Parallel()
	s := newServer(t, qoqatest.Options{})
	c := newClient(t, s)
	ctx := context.Background()
	start, stop := at("2026-03-02T00:00:00+0000"), at("2026-03-03T00:00:00+0000")
	positions := []qoqa.Position{{VariationID: 1, UnitPrice: 100}}
	maps := func(endpoint string) func(map[string]any) error {
		return func(m map[string]any) error {
			_, err := qoqa.NewService[map[string]any](c, endpoint).Create(ctx, &m, "k")
			return err
		}
	}
	for name, tc := range map[string]struct {
		endpoint, field string
		create          func() error
	}{
		"voucher without amount": {"voucher", "amount", func() error { _, err := c.Vouchers.Create(ctx, &qoqa.Voucher{Code: "GIFT"}, "k"); return err }},
		"voucher without code":   {"voucher", "code", func() error { _, err := c.Vouchers.Create(ctx, &qoqa.Voucher{Amount: 5000}, "k"); return err }},
		"voucher as a map without amount": {"voucher", "amount", func() error {
			return maps("voucher")(map[string]any{"code": "GIFT", "amount": nil})
		}},
		"product without a name": {"product", "translations", func() error {
			_, err := c.Products.Create(ctx, &qoqa.Product{Translations: []qoqa.Translation{{LanguageID: 1, Brand: "Lux"}}}, "k")
			return err
		}},
		"product as a map without translations": {"product", "translations", func() error { return maps("product")(map[string]any{"category": "home"}) }},
		"variation without product": {"variation", "product_id", func() error {
			_, err := c.Variations.Create(ctx, &qoqa.Variation{SKU: "S"}, "k")
			return err
		}},
		"variation without sku": {"variation", "sku", func() error {
			_, err := c.Variations.Create(ctx, &qoqa.Variation{ProductID: 1}, "k")
			return err
		}},
		"offer without shop": {"offer", "shop_id", func() error {
			_, err := c.Offers.Create(ctx, &qoqa.Offer{StartAt: start, StopAt: stop, Positions: positions}, "k")
			return err
		}},
		"offer without start": {"offer", "start_at", func() error {
			_, err := c.Offers.Create(ctx, &qoqa.Offer{ShopID: 1, StopAt: stop, Positions: positions}, "k")
			return err
		}},
		"offer without stop": {"offer", "stop_at", func() error {
			_, err := c.Offers.Create(ctx, &qoqa.Offer{ShopID: 1, StartAt: start, Positions: positions}, "k")
			return err
		}},
		"offer without positions": {"offer", "positions", func() error {
			_, err := c.Offers.Create(ctx, &qoqa.Offer{ShopID: 1, StartAt: start, StopAt: stop}, "k")
			return err
		}},
	} {
		t.Run(name, func(t *testing.T) {
			err := tc.create()
			require.ErrorIs(t, err, qoqa.ErrValidation)
			assert.Contains(t, err.Error(), "qoqa: POST /api/v1/"+tc.endpoint+"/: "+tc.field+": ")
		})
	}
	for _, endpoint := range []string{"voucher", "product", "variation", "offer"} {
		assert.Zero(t, s.Calls(endpoint, http.MethodPost), "no %s create was sent", endpoint)
	}
}

// The Idempotency-Key is what makes a retried create return the first
// create's ID: a random one, new on each retry, would create twice.
func TestCreateNeedsAnIdempotencyKey(t *testing.T) {
	t.Parallel()
	s := newServer(t, qoqatest.Options{})
	c := newClient(t, s)
	_, err := c.Vouchers.Create(context.Background(), &qoqa.Voucher{Code: "GIFT", Amount: 5000}, "")
	require.ErrorIs(t, err, qoqa.ErrNoIdempotencyKey)
	assert.Contains(t, err.Error(), "qoqa: POST /api/v1/voucher/: ")
	assert.Zero(t, s.Calls("voucher", http.MethodPost))
}
