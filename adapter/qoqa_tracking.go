package adapter

import (
	"context"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"time"

	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/qoqa"
)

// QoQaTracking is the tracking numbers of QoQa's orders as the engine's
// flows see them, so that a shipment's export is the standard export flow:
// its create and its update both send the order's add_tracking action,
// which QoQa ignores for a number the order already has.
//
// Its values are "order_id" (the QoQa order), "number" and "carrier". Its
// record ID joins the order's ID and the reference of the create
// (12:shipment/5), since an order has many shipments and each shipment is
// one binding. QoQa has no search of tracking numbers and no
// call that removes one: Search finds nothing and Delete fails for good.
type QoQaTracking struct {
	orders *qoqa.OrderService
}

var _ connector.Adapter = (*QoQaTracking)(nil)

// NewQoQaTracking returns the tracking-number adapter of a QoQa client.
func NewQoQaTracking(c *qoqa.Client) *QoQaTracking {
	return &QoQaTracking{orders: c.Orders}
}

// Search implements connector.Adapter: QoQa cannot search tracking numbers,
// so it finds none.
func (a *QoQaTracking) Search(ctx context.Context, from, to time.Time) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {}
}

// Read implements connector.Adapter: the order's tracking numbers.
func (a *QoQaTracking) Read(ctx context.Context, id string) (connector.Record, error) {
	order, err := a.orderOf(id)
	if err != nil {
		return connector.Record{}, err
	}
	o, err := a.orders.Get(ctx, order)
	if err != nil {
		return connector.Record{}, qoqaDecision(err)
	}
	trackings := make([]any, len(o.Trackings))
	for i, t := range o.Trackings {
		trackings[i] = map[string]any{"number": t.Number, "carrier": t.Carrier}
	}
	return connector.Record{ID: id, UpdatedAt: o.UpdatedAt.Time, Fields: map[string]any{"order_id": int64(order), "trackings": trackings}}, nil
}

// Create implements connector.Adapter: it sends the number to the order.
// The action is idempotent (a number the order has changes nothing), so
// ref only names the record.
func (a *QoQaTracking) Create(ctx context.Context, ref string, values map[string]any) (string, error) {
	order, err := a.send(ctx, values)
	if err != nil {
		return "", err
	}
	return order.String() + ":" + ref, nil
}

// Update implements connector.Adapter: it sends the number, changed or
// not, to the order values name.
func (a *QoQaTracking) Update(ctx context.Context, id string, values map[string]any) error {
	if _, err := a.orderOf(id); err != nil {
		return err
	}
	_, err := a.send(ctx, values)
	return err
}

// Delete implements connector.Adapter: QoQa has no call that removes a
// tracking number, so it fails for good.
func (a *QoQaTracking) Delete(ctx context.Context, id string) error {
	return connector.Permanent(fmt.Errorf("qoqa order tracking %s: QoQa has no call that removes a tracking number", id))
}

func (a *QoQaTracking) send(ctx context.Context, values map[string]any) (qoqa.ID, error) {
	n, err := connector.Int(values["order_id"])
	if err != nil || n <= 0 {
		return 0, connector.Permanent(fmt.Errorf("qoqa order tracking: order_id %v is not an order ID", values["order_id"]))
	}
	number, _ := values["number"].(string)
	carrier, _ := values["carrier"].(string)
	if err := a.orders.AddTracking(ctx, qoqa.ID(n), number, carrier, nil); err != nil {
		return 0, qoqaDecision(err)
	}
	return qoqa.ID(n), nil
}

// orderOf reads the order's ID from a record ID made by Create.
func (a *QoQaTracking) orderOf(id string) (qoqa.ID, error) {
	order, _, _ := strings.Cut(id, ":")
	n, err := strconv.ParseInt(order, 10, 64)
	if err != nil || n <= 0 || !strings.Contains(id, ":") {
		return 0, connector.Permanent(fmt.Errorf("qoqa order tracking: %q is not an order's tracking ID", id))
	}
	return qoqa.ID(n), nil
}
