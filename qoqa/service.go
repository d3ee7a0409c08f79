package qoqa

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"time"

	"github.com/qoqasync/qoqasync/connector"
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

// Search yields the IDs of the records whose updated_at is in [from, to),
// ascending. QoQa answers a search without paging, so the range is searched
// in windows of at most seven days, and each answer is decoded as it
// arrives: no list of IDs is gathered in memory.
func (s *ReadService[T]) Search(ctx context.Context, from, to time.Time) iter.Seq2[ID, error] {
	return func(yield func(ID, error) bool) {
		if from.IsZero() {
			// From the year 1, that would be some 100,000 searches.
			yield(0, connector.Permanent(fmt.Errorf("qoqa: search of %s needs a start time", s.endpoint)))
			return
		}
		for wFrom, wTo := range connector.Windows(from.UTC(), to.UTC(), connector.MaxWindow) {
			q := url.Values{}
			q.Set("timestamp_from", wFrom.Format("2006-01-02 15:04:05"))
			q.Set("timestamp_to", wTo.Format("2006-01-02 15:04:05"))
			if !s.c.streamIDs(ctx, request{method: http.MethodGet, path: s.endpoint + "/", query: q}, yield) {
				return
			}
		}
	}
}

// Service reads and writes one resource.
type Service[T any] struct{ ReadService[T] }

// Create creates a record and returns its ID. key names the create (the
// record's reference on the other side, stable across retries): it goes out
// as the Idempotency-Key, so that a create retried after a lost answer
// returns the first create's ID. An empty key gets a random one.
func (s *Service[T]) Create(ctx context.Context, v *T, key string) (ID, error) {
	var out struct {
		ID ID `json:"id"`
	}
	err := s.c.do(ctx, request{
		method: http.MethodPost, path: s.endpoint + "/",
		body:   map[string]any{s.endpoint: v},
		header: http.Header{"Idempotency-Key": {idempotencyKey(key)}},
	}, &out)
	if err != nil {
		return 0, err
	}
	if out.ID == 0 {
		return 0, connector.Permanent(fmt.Errorf("qoqa: POST /api/v1/%s/: the answer has no ID", s.endpoint))
	}
	return out.ID, nil
}

// Update replaces a record with v, the full record.
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

var errNotJSON = errors.New("the answer is not the JSON the contract describes")

// streamIDs runs one search and yields its IDs as the answer is decoded. It
// returns false when the iteration must stop (an error was yielded, or the
// caller stopped).
func (c *Client) streamIDs(ctx context.Context, r request, yield func(ID, error) bool) bool {
	resp, err := c.send(ctx, r)
	if err != nil {
		yield(0, err)
		return false
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		data, _ := io.ReadAll(io.LimitReader(resp.Body, c.maxBody))
		_, err := readEnvelope(r, resp, data)
		if err == nil {
			err = connector.Permanent(fmt.Errorf("qoqa: %s %s: unexpected status %d", r.method, r.path, resp.StatusCode))
		}
		yield(0, err)
		return false
	}
	limited := &io.LimitedReader{R: resp.Body, N: c.maxBody + 1}
	dec := json.NewDecoder(limited)
	fail := func(err error) bool {
		var syntax *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case connector.IsRetryable(err) || connector.IsPermanent(err):
		case limited.N <= 0:
			err = connector.Permanent(fmt.Errorf("qoqa: %s %s: %w", r.method, r.path, ErrResponseTooLarge))
		case errors.As(err, &syntax), errors.As(err, &typ), errors.Is(err, errNotJSON):
			err = connector.Permanent(fmt.Errorf("qoqa: %s %s: decode: %w", r.method, r.path, err))
		default: // the connection broke while the answer came
			err = transportError(ctx, r, err)
		}
		yield(0, err)
		return false
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return fail(errNotJSON)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fail(err)
		}
		switch tok {
		case "data":
			if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
				return fail(errNotJSON)
			}
			for dec.More() {
				var item struct {
					ID ID `json:"id"`
				}
				if err := dec.Decode(&item); err != nil {
					return fail(err)
				}
				if !yield(item.ID, nil) {
					return false
				}
			}
			if _, err := dec.Token(); err != nil {
				return fail(err)
			}
		case "errors":
			var items []ErrorItem
			if err := dec.Decode(&items); err != nil {
				return fail(err)
			}
			if len(items) > 0 {
				return fail(classify(&Error{Method: r.method, Path: "/api/v1/" + r.path, StatusCode: resp.StatusCode, Errors: items}))
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return fail(err)
			}
		}
	}
	return true
}
