package qoqa

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// ReadService reads one resource: a record, or the IDs changed in a time
// window.
type ReadService[T any] struct {
	c        *Client
	endpoint string
}

// Get reads one record.
func (s *ReadService[T]) Get(ctx context.Context, id ID) (*T, error) {
	out := new(T)
	if err := s.c.do(ctx, request{method: http.MethodGet, path: s.endpoint + "/" + id.String()}, out); err != nil {
		return nil, err
	}
	return out, nil
}

// Service reads and writes one resource.
type Service[T any] struct{ ReadService[T] }

// NewService returns the service of endpoint with records of type T. The
// Client's fields cover every resource with its own type; this serves a
// caller that handles records its own way, such as map[string]any, which
// carries every field QoQa sends, known to this package or not (the
// engine's adapter does so). The contract, not T, says which methods the
// endpoint allows.
func NewService[T any](c *Client, endpoint string) *Service[T] {
	return &Service[T]{ReadService[T]{c, endpoint}}
}

// Create creates a record and returns its ID. key names the create (the
// record's reference on the other side, stable across retries): it goes out
// as the Idempotency-Key, so that a create retried after a lost answer
// returns the first create's ID. An empty key is ErrNoIdempotencyKey.
//
// A record that lacks a field the contract requires on create (a voucher's
// code and amount, an offer's shop, dates and positions, a variation's
// product and SKU, a product's name in one language at least) is refused
// before it is sent with an ErrValidation naming the field: a zero counts
// as missing.
func (s *Service[T]) Create(ctx context.Context, v *T, key string) (ID, error) {
	r := request{method: http.MethodPost, path: s.endpoint + "/"}
	if key == "" {
		return 0, fmt.Errorf("qoqa: %s: %w", r.where(), ErrNoIdempotencyKey)
	}
	record, err := json.Marshal(v)
	if err != nil {
		return 0, fmt.Errorf("qoqa: %s: encode: %w", r.where(), err)
	}
	if err := checkRequired(r.where(), s.endpoint, record); err != nil {
		return 0, err
	}
	r.body = map[string]any{s.endpoint: json.RawMessage(record)}
	r.header = http.Header{"Idempotency-Key": {idempotencyKey(key)}}
	var out struct {
		ID ID `json:"id"`
	}
	if err := s.c.do(ctx, r, &out); err != nil {
		return 0, err
	}
	if out.ID == 0 {
		return 0, fmt.Errorf("qoqa: %s: the answer has no ID", r.where())
	}
	return out.ID, nil
}

// ErrNoIdempotencyKey is returned by a create given no key. The key is what
// makes a create retried after a lost answer return the first create's ID:
// a random one would change with each retry and create twice, so the caller
// names the create, by what it is on the other side.
var ErrNoIdempotencyKey = errors.New("qoqa: a create needs an Idempotency-Key that stays the same across retries")

// Update replaces a record with v. QoQa's PUT replaces the whole record,
// so v is the full record, best as Get returned it and then changed: a
// field left zero is sent as zero or left out, and QoQa then holds no
// value for it. What the type has no field for travels in Extra (a
// typed record) or in the map itself, and is kept.
func (s *Service[T]) Update(ctx context.Context, id ID, v *T) error {
	return s.c.do(ctx, request{method: http.MethodPut, path: s.endpoint + "/" + id.String(), body: map[string]any{s.endpoint: v}}, nil)
}

// Delete deletes a record; one that does not exist is ErrNotFound.
func (s *Service[T]) Delete(ctx context.Context, id ID) error {
	return s.c.do(ctx, request{method: http.MethodDelete, path: s.endpoint + "/" + id.String()}, nil)
}

// ShopService reads shops.
type ShopService struct{ ReadService[Shop] }

// List returns the IDs of every shop.
func (s *ShopService) List(ctx context.Context) ([]ID, error) {
	var out []struct {
		ID ID `json:"id"`
	}
	if err := s.c.do(ctx, request{method: http.MethodGet, path: "shop/"}, &out); err != nil {
		return nil, err
	}
	ids := make([]ID, len(out))
	for i, o := range out {
		ids[i] = o.ID
	}
	return ids, nil
}

// OrderService reads orders and sends their tracking numbers.
type OrderService struct{ ReadService[Order] }

// AddTracking adds a shipment's tracking number to an order; items may say
// which items (and how many) the shipment holds. Adding a number the order
// has already changes nothing.
func (s *OrderService) AddTracking(ctx context.Context, id ID, number, carrier string, items []TrackingItem) error {
	params := map[string]any{"number": number, "carrier": carrier}
	if len(items) > 0 {
		params["items"] = items
	}
	return s.c.do(ctx, request{method: http.MethodPut, path: "order/" + id.String(),
		body: map[string]any{"action": "add_tracking", "params": params}}, nil)
}
