package adapter_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/adapter"
	"github.com/qoqasync/qoqasync/binding"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/connector/connectortest"
	"github.com/qoqasync/qoqasync/qoqa"
	"github.com/qoqasync/qoqasync/qoqa/qoqatest"
)

// qoqaClock is the fake QoQa server's clock, moved by the test.
type qoqaClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *qoqaClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *qoqaClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// qoqaFake starts a fake QoQa server and a client of it.
func qoqaFake(t *testing.T, opts qoqatest.Options) (*qoqatest.Server, *qoqa.Client) {
	t.Helper()
	s := qoqatest.New(opts)
	t.Cleanup(s.Close)
	c, err := qoqa.New(s.Config())
	require.NoError(t, err)
	return s, c
}

func TestQoQa(t *testing.T) {
	t.Parallel()
	clk := &qoqaClock{t: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)}
	s, c := qoqaFake(t, qoqatest.Options{Now: clk.Now})
	a := adapter.NewQoQa(c, "voucher")
	ctx := context.Background()

	id, err := a.Create(ctx, "voucher/1", map[string]any{"code": "A", "amount": 100, "is_active": true})
	require.NoError(t, err)
	rec, err := a.Read(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, clk.Now(), rec.UpdatedAt)
	assert.Equal(t, "A", rec.Fields["code"])
	assert.NotContains(t, rec.Fields, "updated_at", "the version is no content: the flows hash Fields")
	assert.True(t, a.UpdateReplaces(), "QoQa's PUT replaces the record: the flows must send it whole")

	clk.Set(clk.Now().Add(time.Hour))
	rec.Fields["amount"] = 200
	require.NoError(t, a.Update(ctx, id, rec.Fields))
	var ids []string
	for got, err := range a.Search(ctx, clk.Now(), clk.Now().Add(time.Minute)) {
		require.NoError(t, err)
		ids = append(ids, got)
	}
	assert.Equal(t, []string{id}, ids)

	require.NoError(t, a.Archive(ctx, id))
	got, _ := s.Record("voucher", 1)
	assert.Equal(t, false, got["is_active"])
	assert.Equal(t, float64(200), got["amount"], "archiving keeps the rest of the record")

	require.NoError(t, a.Delete(ctx, id))
	assert.ErrorIs(t, a.Delete(ctx, id), connector.ErrNotFound, "deleting a missing record reads as not found, which the delete flow counts as done")
	_, err = a.Read(ctx, "x")
	assert.True(t, connector.IsPermanent(err))
}

// The adapter cuts a range as the client does: one cut, in qoqa.
func TestQoQaWindows(t *testing.T) {
	t.Parallel()
	_, c := qoqaFake(t, qoqatest.Options{})
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	to := from.Add(20 * 24 * time.Hour)
	var got, want [][2]time.Time
	for a, b := range adapter.NewQoQa(c, "order").Windows(from, to) {
		got = append(got, [2]time.Time{a, b})
	}
	for a, b := range qoqa.Windows(from, to) {
		want = append(want, [2]time.Time{a, b})
	}
	assert.Len(t, got, 3)
	assert.Equal(t, want, got)
}

// Every failure the client reports becomes the engine's decision here.
func TestQoQaErrorDecisions(t *testing.T) {
	t.Parallel()
	type decision struct {
		retryable, permanent, notFound bool
		after                          time.Duration
		notCounted                     bool
	}
	for name, tc := range map[string]struct {
		arm  func(s *qoqatest.Server, token string)
		id   string
		want decision
	}{
		"maintenance waits 180 s and does not count": {func(s *qoqatest.Server, _ string) { s.Maintenance(1) }, "1", decision{retryable: true, after: 180 * time.Second, notCounted: true}},
		"429 waits its Retry-After":                  {func(s *qoqatest.Server, _ string) { s.RateLimit(1, 42) }, "1", decision{retryable: true, after: 42 * time.Second}},
		"500":                                        {func(s *qoqatest.Server, _ string) { s.FailStatus(1, 500) }, "1", decision{retryable: true}},
		"502":                                        {func(s *qoqatest.Server, _ string) { s.FailStatus(1, 502) }, "1", decision{retryable: true}},
		"503":                                        {func(s *qoqatest.Server, _ string) { s.FailStatus(1, 503) }, "1", decision{retryable: true}},
		"504":                                        {func(s *qoqatest.Server, _ string) { s.FailStatus(1, 504) }, "1", decision{retryable: true}},
		"errors in a 200":                            {func(s *qoqatest.Server, _ string) { s.ErrorsIn200(1) }, "1", decision{retryable: true}},
		// Go's transport retries an idempotent GET once on a reused connection.
		"a reset":               {func(s *qoqatest.Server, _ string) { s.DropConnections(2) }, "1", decision{retryable: true}},
		"not found":             {func(s *qoqatest.Server, _ string) {}, "404", decision{permanent: true, notFound: true}},
		"a 2xx that is no JSON": {func(s *qoqatest.Server, _ string) { s.NotJSON(1) }, "1", decision{permanent: true}},
		"a revoked token":       {func(s *qoqatest.Server, token string) { s.RevokeToken(token) }, "1", decision{permanent: true}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := qoqatest.New(qoqatest.Options{})
			t.Cleanup(s.Close)
			cfg := s.Config()
			c, err := qoqa.New(cfg)
			require.NoError(t, err)
			s.Seed("deal", qoqa.Deal{ShopID: 1})
			tc.arm(s, cfg.Token.Token)
			_, err = adapter.NewQoQa(c, "deal").Read(context.Background(), tc.id)
			require.Error(t, err)
			var r *connector.RetryableError
			got := decision{permanent: connector.IsPermanent(err), notFound: errors.Is(err, connector.ErrNotFound)}
			if errors.As(err, &r) {
				got.retryable, got.after, got.notCounted = true, r.After, r.NotCounted
			}
			assert.Equal(t, tc.want, got, "%v", err)
		})
	}
}

func TestQoQaValidationAndCancelDecisions(t *testing.T) {
	t.Parallel()
	_, c := qoqaFake(t, qoqatest.Options{})
	a := adapter.NewQoQa(c, "variation")
	_, err := a.Create(context.Background(), "variation/1", map[string]any{"product_id": 999, "sku": "X"})
	require.ErrorIs(t, err, qoqa.ErrValidation)
	assert.True(t, connector.IsPermanent(err), "a refused record fails the job at once")

	_, err = adapter.NewQoQa(c, "voucher").Create(context.Background(), "", map[string]any{"code": "A", "amount": 100})
	require.ErrorIs(t, err, qoqa.ErrNoIdempotencyKey)
	assert.True(t, connector.IsPermanent(err), "a create without a reference is a bug no retry mends")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = a.Read(ctx, "1")
	require.ErrorIs(t, err, context.Canceled)
	assert.False(t, connector.IsPermanent(err), "a stopped job did not fail")
	assert.False(t, connector.IsRetryable(err))

	_, err = adapter.NewQoQa(c, "user").Create(context.Background(), "user/1", map[string]any{"email": "x"})
	require.Error(t, err, "the contract has no create of users")
	assert.True(t, connector.IsPermanent(err))
	assert.Contains(t, err.Error(), "405")
}

// An export to QoQa whose create reaches QoQa but whose answer is lost
// creates one record on the retry, by its Idempotency-Key.
func TestExportToQoQaLostAnswerCreatesOne(t *testing.T) {
	t.Parallel()
	s, c := qoqaFake(t, qoqatest.Options{})
	local := connectortest.New("qoqa.voucher")
	localID := local.Put(connector.Record{Fields: map[string]any{"code": "GIFT", "amount": 50.0}})
	flow := &connector.ExportFlow{
		Model: "voucher", Local: local, Remote: adapter.NewQoQa(c, "voucher"), Binder: binding.NewMemory(),
		Mapper: connector.Mapping{Rules: []connector.Rule{
			connector.Field("code", "code"),
			connector.Field("amount", "amount", connector.AmountToCents),
		}},
	}
	ctx := context.Background()
	s.CommitThenDrop(1)
	err := flow.Export(ctx, localID, connector.ExportOptions{})
	require.True(t, connector.IsRetryable(err), "%v", err)
	require.NoError(t, flow.Export(ctx, localID, connector.ExportOptions{}))
	assert.Equal(t, 1, s.Count("voucher"))
	rec, _ := s.Record("voucher", 1)
	assert.Equal(t, float64(5000), rec["amount"])
	assert.Equal(t, 2, s.Calls("voucher", http.MethodPost))
}

// The engine's watermarks follow QoQa's clock, which the adapter reads.
func TestQoQaNow(t *testing.T) {
	t.Parallel()
	qoqaNow := time.Now().UTC().Add(-90 * time.Minute).Truncate(time.Second) // QoQa's clock runs behind this host's
	s, c := qoqaFake(t, qoqatest.Options{Now: func() time.Time { return qoqaNow }})
	a := adapter.NewQoQa(c, "order")
	got, err := a.Now(context.Background())
	require.NoError(t, err)
	assert.Equal(t, qoqaNow, got)

	s.Maintenance(1)
	_, err = a.Now(context.Background())
	var r *connector.RetryableError
	require.ErrorAs(t, err, &r, "a failure reads as any call's")
	assert.True(t, r.NotCounted)
}

// A record whose answer is not UTF-8 fails its job at once: retrying reads
// the same bytes. The error names the model, the record and the field.
func TestQoQaAnswerNotUTF8IsPermanent(t *testing.T) {
	t.Parallel()
	s, c := qoqaFake(t, qoqatest.Options{})
	ids, err := s.SeedJSON(strings.NewReader(`{"voucher": [{"id": 4, "code": "GIFT", "description": "Cadeau ` + "\xe9" + `"}]}`))
	require.NoError(t, err)
	a := adapter.NewQoQa(c, "voucher")
	_, err = a.Read(context.Background(), ids["voucher"][0].String())
	require.ErrorIs(t, err, qoqa.ErrInvalidUTF8)
	assert.True(t, connector.IsPermanent(err), "permanent: %v", err)
	assert.False(t, connector.IsRetryable(err))
	assert.Contains(t, err.Error(), "voucher 4, field description")
}
