package qoqa

import (
	"context"
	"fmt"
	"iter"
	"strconv"
	"time"

	"github.com/qoqasync/qoqasync/connector"
)

// Adapter is one QoQa resource as the connector's flows see it: records as
// JSON objects (map[string]any), IDs as strings, updated_at as the change
// time. Creates carry the flow's reference as their Idempotency-Key, so a
// create retried after a lost answer gets the first one's ID.
type Adapter struct {
	svc Service[map[string]any]
}

var (
	_ connector.Adapter  = (*Adapter)(nil)
	_ connector.Archiver = (*Adapter)(nil)
)

// NewAdapter returns the adapter of endpoint (product, order, ...).
func NewAdapter(c *Client, endpoint string) *Adapter {
	return &Adapter{svc: Service[map[string]any]{ReadService[map[string]any]{c, endpoint}}}
}

// Search implements connector.Adapter.
func (a *Adapter) Search(ctx context.Context, from, to time.Time) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		for id, err := range a.svc.Search(ctx, from, to) {
			if !yield(id.String(), err) || err != nil {
				return
			}
		}
	}
}

// Read implements connector.Adapter.
func (a *Adapter) Read(ctx context.Context, id string) (connector.Record, error) {
	n, err := a.id(id)
	if err != nil {
		return connector.Record{}, err
	}
	rec, err := a.svc.Get(ctx, n)
	if err != nil {
		return connector.Record{}, err
	}
	out := connector.Record{ID: id, Fields: *rec}
	if s, ok := (*rec)["updated_at"].(string); ok {
		if t, err := time.Parse(TimeLayout, s); err == nil {
			out.UpdatedAt = t.UTC()
		}
	}
	return out, nil
}

// Create implements connector.Adapter.
func (a *Adapter) Create(ctx context.Context, ref string, values map[string]any) (string, error) {
	id, err := a.svc.Create(ctx, &values, ref)
	if err != nil {
		return "", err
	}
	return id.String(), nil
}

// Update implements connector.Adapter: values are the full record.
func (a *Adapter) Update(ctx context.Context, id string, values map[string]any) error {
	n, err := a.id(id)
	if err != nil {
		return err
	}
	return a.svc.Update(ctx, n, &values)
}

// Delete implements connector.Adapter.
func (a *Adapter) Delete(ctx context.Context, id string) error {
	n, err := a.id(id)
	if err != nil {
		return err
	}
	return a.svc.Delete(ctx, n)
}

// Archive implements connector.Archiver: QoQa has no archive call, so the
// record is read and written back with is_active false.
func (a *Adapter) Archive(ctx context.Context, id string) error {
	rec, err := a.Read(ctx, id)
	if err != nil {
		return err
	}
	rec.Fields["is_active"] = false
	return a.Update(ctx, id, rec.Fields)
}

func (a *Adapter) id(id string) (ID, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return 0, connector.Permanent(fmt.Errorf("qoqa: %s: %q is not a record ID", a.svc.endpoint, id))
	}
	return ID(n), nil
}
