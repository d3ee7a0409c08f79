package adapter

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"time"

	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/qoqa"
)

// QoQa is one QoQa resource as the engine's flows see it: records as JSON
// objects (map[string]any, so that every field QoQa holds crosses, known to
// package qoqa or not), IDs as strings, updated_at as the change time.
// Creates carry the flow's reference as their Idempotency-Key, so that a
// create retried after a lost answer gets the first one's ID.
//
// It is where the engine and the client meet, so it turns the client's
// errors, which only report what happened, into the engine's decisions: a
// maintenance is retried after its delay without counting the attempt, a
// 429 after its Retry-After, a 5xx, an error list in a 2xx or a call with
// no answer with the queue's backoff; a missing record (QoQa's error code
// 2, and nothing else: a 404 without it says nothing about the record)
// wraps connector.ErrNotFound; a cancelled context is left as it is;
// anything else, a misrouted call included, fails the job at once.
type QoQa struct {
	client *qoqa.Client
	svc    *qoqa.Service[map[string]any]
	name   string
	// listed is true for a resource that has no search but a list of
	// every ID (the shops): Search lists them all.
	listed bool
}

var (
	_ connector.Adapter     = (*QoQa)(nil)
	_ connector.Archiver    = (*QoQa)(nil)
	_ connector.Clock       = (*QoQa)(nil)
	_ connector.Windower    = (*QoQa)(nil)
	_ connector.FullUpdater = (*QoQa)(nil)
)

// NewQoQa returns the adapter of a QoQa endpoint (product, order, ...).
func NewQoQa(c *qoqa.Client, endpoint string) *QoQa {
	return &QoQa{client: c, svc: qoqa.NewService[map[string]any](c, endpoint), name: endpoint, listed: endpoint == "shop"}
}

// Search implements connector.Adapter. The range is cut by Windows; a
// caller that wants a watermark per window calls Search once per window.
//
// The shops have no search, only a list of every ID, and no updated_at:
// their Search yields every shop whatever the range, and the flows tell a
// changed shop by its content.
func (a *QoQa) Search(ctx context.Context, from, to time.Time) iter.Seq2[string, error] {
	if a.listed {
		return a.list(ctx)
	}
	return func(yield func(string, error) bool) {
		for id, err := range a.svc.Search(ctx, from, to) {
			if err != nil {
				yield("", qoqaDecision(err))
				return
			}
			if !yield(id.String(), nil) {
				return
			}
		}
	}
}

// list yields the ID of every record of a listed resource.
func (a *QoQa) list(ctx context.Context) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		ids, err := a.client.Shops.List(ctx)
		if err != nil {
			yield("", qoqaDecision(err))
			return
		}
		for _, id := range ids {
			if !yield(id.String(), nil) {
				return
			}
		}
	}
}

// Windows cuts [from, to) as QoQa's searches need, with qoqa.Windows: the
// engine asks the adapter, so that the one cut of a range stays in qoqa.
// A listed resource (the shops) is listed once, whatever the range.
func (a *QoQa) Windows(from, to time.Time) iter.Seq2[time.Time, time.Time] {
	if a.listed {
		return func(yield func(time.Time, time.Time) bool) {
			if from.Before(to) {
				yield(from, to)
			}
		}
	}
	return qoqa.Windows(from, to)
}

// Now returns QoQa's own clock (qoqa.Client.ServerTime), by which QoQa
// dates updated_at: the engine takes a search's end and its watermark from
// here, so that a skew between this host and QoQa loses no change.
func (a *QoQa) Now(ctx context.Context) (time.Time, error) {
	t, err := a.client.ServerTime(ctx)
	return t, qoqaDecision(err)
}

// Read implements connector.Adapter.
func (a *QoQa) Read(ctx context.Context, id string) (connector.Record, error) {
	n, err := a.id(id)
	if err != nil {
		return connector.Record{}, err
	}
	rec, err := a.svc.Get(ctx, n)
	if err != nil {
		return connector.Record{}, qoqaDecision(err)
	}
	out := connector.Record{ID: id, Fields: *rec}
	if s, ok := (*rec)["updated_at"].(string); ok {
		if t, err := qoqa.ParseTime(s); err == nil {
			out.UpdatedAt = t
		}
	}
	// The version is not content: the flows hash Fields to tell a change,
	// and every write moves updated_at.
	delete(out.Fields, "updated_at")
	out.Archived = out.Fields["is_active"] == false
	return out, nil
}

// Create implements connector.Adapter.
func (a *QoQa) Create(ctx context.Context, ref string, values map[string]any) (string, error) {
	id, err := a.svc.Create(ctx, &values, ref)
	if err != nil {
		return "", qoqaDecision(err)
	}
	return id.String(), nil
}

// UpdateReplaces implements connector.FullUpdater: QoQa's PUT replaces the
// record, so the flows send the full mapped record on every update.
func (a *QoQa) UpdateReplaces() bool { return true }

// Update implements connector.Adapter: QoQa's PUT replaces the record, so
// values are the full record.
func (a *QoQa) Update(ctx context.Context, id string, values map[string]any) error {
	n, err := a.id(id)
	if err != nil {
		return err
	}
	return qoqaDecision(a.svc.Update(ctx, n, &values))
}

// Delete implements connector.Adapter.
func (a *QoQa) Delete(ctx context.Context, id string) error {
	n, err := a.id(id)
	if err != nil {
		return err
	}
	return qoqaDecision(a.svc.Delete(ctx, n))
}

// Archive implements connector.Archiver: QoQa has no archive call, so the
// record is read and written back whole with is_active false.
func (a *QoQa) Archive(ctx context.Context, id string) error {
	rec, err := a.Read(ctx, id)
	if err != nil {
		return err
	}
	rec.Fields["is_active"] = false
	return a.Update(ctx, id, rec.Fields)
}

func (a *QoQa) id(id string) (qoqa.ID, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return 0, connector.Permanent(fmt.Errorf("qoqa %s: %q is not a record ID", a.name, id))
	}
	return qoqa.ID(n), nil
}

// qoqaDecision turns what the QoQa client reports into what the engine
// does with the job:
//   - a temporary failure (*qoqa.Error's Temporary: a maintenance, a 429, a
//     5xx, an error list in a 2xx, no answer) is retried, after the delay
//     QoQa asked for, and without counting the attempt when it says so (a
//     maintenance);
//   - a missing record (qoqa.ErrNotFound: QoQa's code 2) wraps
//     connector.ErrNotFound, which the flows read (a delete counts it as
//     done), and fails the job; a 404 without code 2 (a wrong endpoint or
//     base URL, a proxy's page) is no such record: a delete it answers is
//     not done, and the job fails as below;
//   - a cancelled context is left as it is: the job did not fail, it was
//     stopped;
//   - anything else (authentication, validation, an answer that breaks the
//     contract) fails the job at once: no retry can mend it.
func qoqaDecision(err error) error {
	var e *qoqa.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &e) && e.Temporary():
		var opts []connector.RetryOption
		if e.RetryAfter > 0 {
			opts = append(opts, connector.After(e.RetryAfter))
		}
		if e.NotCounted() {
			opts = append(opts, connector.NotCounted())
		}
		return connector.Retryable(err, opts...)
	case errors.Is(err, qoqa.ErrNotFound):
		return connector.Permanent(fmt.Errorf("%w: %w", err, connector.ErrNotFound))
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	return connector.Permanent(err)
}
