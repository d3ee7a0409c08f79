package qoqa_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/qoqa"
	"github.com/qoqasync/qoqasync/qoqa/qoqatest"
)

// clock is the fake server's clock, moved by the test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

func newClient(t *testing.T, s *qoqatest.Server) *qoqa.Client {
	c, err := qoqa.New(s.Config())
	require.NoError(t, err)
	return c
}

func at(s string) qoqa.Time {
	t, err := time.Parse(qoqa.TimeLayout, s)
	if err != nil {
		panic(err)
	}
	return qoqa.NewTime(t)
}

func TestResourcesRoundTrip(t *testing.T) {
	t.Parallel()
	clk := &clock{t: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)}
	s := newServer(t, qoqatest.Options{Now: clk.Now})
	c := newClient(t, s)
	ctx := context.Background()

	shopID := s.Seed("shop", qoqa.Shop{Name: "QoQa", Domain: "qoqa.ch", Currency: "CHF", LanguageIDs: []int{1, 2}})[0]
	shops, err := c.Shops.List(ctx)
	require.NoError(t, err)
	assert.Equal(t, []qoqa.ID{shopID}, shops)
	shop, err := c.Shops.Get(ctx, shopID)
	require.NoError(t, err)
	assert.Equal(t, "qoqa.ch", shop.Domain)

	product := &qoqa.Product{Category: "home", IsActive: true, Attributes: qoqa.Attributes{"color": "red", "sizes": []any{"S", "M"}},
		Translations: []qoqa.Translation{{LanguageID: qoqa.LangFR, Name: "Lampe", Brand: "Lux"}, {LanguageID: qoqa.LangDE, Name: "Leuchte", Attributes: map[string]any{"material": "Holz"}}}}
	pid, err := c.Products.Create(ctx, product, "product/1")
	require.NoError(t, err)
	vid, err := c.Variations.Create(ctx, &qoqa.Variation{ProductID: pid, SKU: "LAMP-1", EAN: "7612345678900", IsActive: true}, "variation/1")
	require.NoError(t, err)
	gotP, err := c.Products.Get(ctx, pid)
	require.NoError(t, err)
	assert.Equal(t, product.Translations, gotP.Translations)
	assert.Equal(t, product.Attributes, gotP.Attributes)
	assert.Equal(t, []qoqa.ID{vid}, gotP.VariationIDs, "variation_ids arrive as strings and decode")
	assert.Equal(t, clk.t, gotP.UpdatedAt.Time)

	clk.Set(clk.t.Add(time.Hour))
	gotP.Category = "garden"
	require.NoError(t, c.Products.Update(ctx, pid, gotP))
	gotP, err = c.Products.Get(ctx, pid)
	require.NoError(t, err)
	assert.Equal(t, "garden", gotP.Category)
	assert.Equal(t, clk.t, gotP.UpdatedAt.Time)
	assert.Equal(t, clk.t.Add(-time.Hour), gotP.CreatedAt.Time)

	offer := &qoqa.Offer{ShopID: shopID, StartAt: at("2026-03-02T00:00:00+0100"), StopAt: at("2026-03-03T00:00:00+0100"), IsActive: true, Currency: "CHF",
		Translations: []qoqa.Translation{{LanguageID: 1, Title: "Lampe du jour", Content: "<p>Belle</p>"}},
		Positions:    []qoqa.Position{{VariationID: vid, UnitPrice: 2950, RegularPrice: 4900, LotSize: 1, MaxSellable: 100}}}
	oid, err := c.Offers.Create(ctx, offer, "offer/1")
	require.NoError(t, err)
	gotO, err := c.Offers.Get(ctx, oid)
	require.NoError(t, err)
	assert.Equal(t, offer.Positions, gotO.Positions)
	assert.Equal(t, time.Date(2026, 3, 1, 23, 0, 0, 0, time.UTC), gotO.StartAt.Time, "datetimes are kept in UTC")

	voucher := &qoqa.Voucher{Code: "GIFT-50", Amount: 5000, RemainingAmount: 5000, Currency: "CHF", IsActive: true}
	voucherID, err := c.Vouchers.Create(ctx, voucher, "voucher/1")
	require.NoError(t, err)
	gotV, err := c.Vouchers.Get(ctx, voucherID)
	require.NoError(t, err)
	assert.Equal(t, qoqa.Cents(5000), gotV.Amount)
	require.NoError(t, c.Vouchers.Delete(ctx, voucherID))
	_, err = c.Vouchers.Get(ctx, voucherID)
	assert.ErrorIs(t, err, qoqa.ErrNotFound)

	dealID := s.Seed("deal", qoqa.Deal{ShopID: shopID, IsActive: true, Translations: []qoqa.Translation{{LanguageID: 1, Title: "Deal"}}})[0]
	userID := s.Seed("user", map[string]any{"email": "ada@example.ch", "pseudo": "ada", "language_id": 2, "customer_id": nil, "is_active": true})[0]
	customerID := s.Seed("customer", qoqa.Customer{UserID: userID, Firstname: "Ada", Lastname: "L", LanguageID: 2})[0]
	addressID := s.Seed("address", qoqa.Address{CustomerID: customerID, Kind: qoqa.AddressShipping, Street: "Rue 1", Zip: "1000", City: "Lausanne", Country: "CH", IsActive: true})[0]
	orderID := s.Seed("order", qoqa.Order{ShopID: shopID, DealID: dealID, OfferID: oid, UserID: userID, CustomerID: customerID,
		BillingAddressID: addressID, ShippingAddressID: addressID, Status: qoqa.OrderPaid, Currency: "CHF", Total: 3850,
		Items:    []qoqa.Item{{ID: 7, Type: qoqa.ItemProduct, VariationID: vid, OfferID: oid, Quantity: 1, UnitPrice: 2950}, {ID: 8, Type: qoqa.ItemShipping, Quantity: 1, UnitPrice: 900}},
		Payments: []qoqa.Payment{{ID: 1, Method: "visa", Amount: 3850, Status: "paid", Transaction: "tx-1"}}})[0]

	deal, err := c.Deals.Get(ctx, dealID)
	require.NoError(t, err)
	assert.Equal(t, shopID, deal.ShopID)
	user, err := c.Users.Get(ctx, userID)
	require.NoError(t, err)
	assert.Zero(t, user.CustomerID, "a null customer_id is no customer")
	customer, err := c.Customers.Get(ctx, customerID)
	require.NoError(t, err)
	assert.Equal(t, []qoqa.ID{addressID}, customer.AddressIDs)
	address, err := c.Addresses.Get(ctx, addressID)
	require.NoError(t, err)
	assert.Equal(t, "CH", address.Country)
	order, err := c.Orders.Get(ctx, orderID)
	require.NoError(t, err)
	assert.Len(t, order.Items, 2)
	assert.Equal(t, qoqa.Cents(3850), order.Total)

	require.NoError(t, c.Orders.AddTracking(ctx, orderID, "99.00.123456.12345678", "swisspost", []qoqa.TrackingItem{{ItemID: 7, Quantity: 1}}))
	require.NoError(t, c.Orders.AddTracking(ctx, orderID, "99.00.123456.12345678", "swisspost", nil), "a known number changes nothing")
	order, err = c.Orders.Get(ctx, orderID)
	require.NoError(t, err)
	assert.Equal(t, []qoqa.Tracking{{Number: "99.00.123456.12345678", Carrier: "swisspost"}}, order.Trackings)
}

func TestMethodsTheContractRefuses(t *testing.T) {
	t.Parallel()
	s := newServer(t, qoqatest.Options{})
	c := newClient(t, s)
	// The typed client offers no create on users; a service of maps can try.
	_, err := qoqa.NewService[map[string]any](c, "user").Create(context.Background(), &map[string]any{"email": "x"}, "user/1")
	var apiErr *qoqa.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusMethodNotAllowed, apiErr.StatusCode)
	assert.False(t, apiErr.Temporary())
}

func TestIdempotentCreate(t *testing.T) {
	t.Parallel()
	s := newServer(t, qoqatest.Options{})
	c := newClient(t, s)
	ctx := context.Background()
	v := &qoqa.Voucher{Code: "A", Amount: 100}
	s.CommitThenDrop(1)
	_, err := c.Vouchers.Create(ctx, v, "voucher/42")
	require.Error(t, err, "the answer was lost")
	assert.True(t, temporary(err))
	id, err := c.Vouchers.Create(ctx, v, "voucher/42")
	require.NoError(t, err)
	assert.Equal(t, 1, s.Count("voucher"), "the retried create made a second voucher")
	again, err := c.Vouchers.Create(ctx, v, "voucher/42")
	require.NoError(t, err)
	assert.Equal(t, id, again)
	_, err = c.Vouchers.Create(ctx, v, strings.Repeat("k", 300))
	require.NoError(t, err, "a long key is hashed to fit 255 bytes")
	assert.Equal(t, 2, s.Count("voucher"))
}

func TestValidationErrorsNameTheField(t *testing.T) {
	t.Parallel()
	s := newServer(t, qoqatest.Options{})
	c := newClient(t, s)
	ctx := context.Background()
	shop := s.Seed("shop", qoqa.Shop{Name: "QoQa"})[0]
	pid, err := c.Products.Create(ctx, &qoqa.Product{Translations: []qoqa.Translation{{LanguageID: 1, Name: "P"}}}, "product/1")
	require.NoError(t, err)
	vid, err := c.Variations.Create(ctx, &qoqa.Variation{ProductID: pid, SKU: "S"}, "variation/1")
	require.NoError(t, err)

	for name, tc := range map[string]struct {
		create func(key string) error
		field  string
	}{
		"unknown product": {func(key string) error {
			_, err := c.Variations.Create(ctx, &qoqa.Variation{ProductID: 999, SKU: "X"}, key)
			return err
		}, "product_id"},
		"sku used": {func(key string) error {
			_, err := c.Variations.Create(ctx, &qoqa.Variation{ProductID: pid, SKU: "S"}, key)
			return err
		}, "sku"},
		"negative amount": {func(key string) error {
			_, err := c.Vouchers.Create(ctx, &qoqa.Voucher{Code: "C", Amount: -1}, key)
			return err
		}, "amount"},
		"stop before start": {func(key string) error {
			_, err := c.Offers.Create(ctx, &qoqa.Offer{ShopID: shop, StartAt: at("2026-03-02T00:00:00+0000"), StopAt: at("2026-03-01T00:00:00+0000"),
				Positions: []qoqa.Position{{VariationID: vid, UnitPrice: 100}}}, key)
			return err
		}, "stop_at"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := tc.create(name)
			require.ErrorIs(t, err, qoqa.ErrValidation)
			assert.False(t, temporary(err))
			assert.Contains(t, err.Error(), "[code 4] "+tc.field)
			var apiErr *qoqa.Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, http.StatusUnprocessableEntity, apiErr.StatusCode)
		})
	}
}

func TestErrorRules(t *testing.T) {
	t.Parallel()
	s := newServer(t, qoqatest.Options{})
	c := newClient(t, s)
	ctx := context.Background()
	id := s.Seed("deal", qoqa.Deal{ShopID: 1})[0]

	_, err := c.Deals.Get(ctx, 404)
	require.ErrorIs(t, err, qoqa.ErrNotFound)
	assert.False(t, temporary(err))

	s.Maintenance(1)
	_, err = c.Deals.Get(ctx, id)
	require.ErrorIs(t, err, qoqa.ErrMaintenance)
	var apiErr *qoqa.Error
	require.ErrorAs(t, err, &apiErr)
	assert.True(t, apiErr.Temporary())
	assert.Equal(t, 180*time.Second, apiErr.RetryAfter)
	assert.True(t, apiErr.NotCounted(), "maintenance is no failed attempt")

	s.RateLimit(1, 42)
	_, err = c.Deals.Get(ctx, id)
	require.ErrorIs(t, err, qoqa.ErrRateLimited)
	require.ErrorAs(t, err, &apiErr)
	assert.True(t, apiErr.Temporary())
	assert.Equal(t, 42*time.Second, apiErr.RetryAfter)
	assert.False(t, apiErr.NotCounted())

	for _, status := range []int{500, 502, 503, 504} {
		s.FailStatus(1, status)
		_, err = c.Deals.Get(ctx, id)
		require.ErrorIs(t, err, qoqa.ErrUnavailable, "%d", status)
		assert.True(t, temporary(err))
	}

	s.DropConnections(3) // Go's transport retries an idempotent GET once on a reused connection
	_, err = c.Deals.Get(ctx, id)
	require.ErrorIs(t, err, qoqa.ErrUnavailable, "a reset is retried")
	assert.True(t, temporary(err))
	s.DropConnections(0)

	s.ErrorsIn200(1)
	_, err = c.Deals.Get(ctx, id)
	require.Error(t, err, "a 200 carrying errors is an error")
	assert.Contains(t, err.Error(), "[code 9] the request could not be processed: try later")
	assert.ErrorIs(t, err, qoqa.ErrUnavailable, "QoQa's front answered, the work behind it failed")
	assert.True(t, temporary(err), "an error list in a 2xx, code neither 2 nor 4, is retried as a 5xx")

	s.NotJSON(1)
	_, err = c.Deals.Get(ctx, id)
	require.ErrorContains(t, err, "Welcome to QoQa", "a 2xx that is not JSON quotes its start")
	assert.False(t, temporary(err))

	_, err = c.Deals.Get(ctx, id)
	require.NoError(t, err, "the client works after every fault")
}

func TestTimeoutAndCancel(t *testing.T) {
	t.Parallel()
	s := newServer(t, qoqatest.Options{})
	cfg := s.Config()
	cfg.Timeout = 50 * time.Millisecond
	c, err := qoqa.New(cfg)
	require.NoError(t, err)
	id := s.Seed("deal", qoqa.Deal{ShopID: 1})[0]
	s.Latency(300 * time.Millisecond)
	_, err = c.Deals.Get(context.Background(), id)
	require.ErrorIs(t, err, qoqa.ErrUnavailable)
	assert.True(t, temporary(err), "a timeout is retried")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = c.Deals.Get(ctx, id)
	require.ErrorIs(t, err, context.Canceled)
	assert.False(t, temporary(err))
}

func TestOversizedAnswer(t *testing.T) {
	t.Parallel()
	s := newServer(t, qoqatest.Options{})
	cfg := s.Config()
	cfg.MaxResponseBytes = 512
	c, err := qoqa.New(cfg)
	require.NoError(t, err)
	id := s.Seed("deal", map[string]any{"shop_id": 1, "translations": []any{map[string]any{"language_id": 1, "content": strings.Repeat("x", 2000)}}})[0]
	_, err = c.Deals.Get(context.Background(), id)
	require.ErrorIs(t, err, qoqa.ErrResponseTooLarge)
	for range 200 {
		s.Seed("deal", qoqa.Deal{ShopID: 1})
	}
	var last error
	for _, err := range c.Deals.Search(context.Background(), time.Now().Add(-time.Hour), time.Now().Add(time.Hour)) {
		last = err
	}
	require.ErrorIs(t, last, qoqa.ErrResponseTooLarge)
	for _, err := range c.Deals.Search(context.Background(), time.Time{}, time.Now()) {
		last = err
	}
	require.ErrorContains(t, last, "needs a start time")
}

func TestSearchSplitsIntoWeeksAndStreams(t *testing.T) {
	t.Parallel()
	clk := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	s := newServer(t, qoqatest.Options{Now: clk.Now})
	c := newClient(t, s)
	var want []qoqa.ID
	for day := range 30 {
		clk.Set(time.Date(2026, 1, 1+day, 12, 0, 0, 0, time.UTC))
		want = append(want, s.Seed("order", qoqa.Order{ShopID: 1, Status: qoqa.OrderPaid})...)
	}
	var got []qoqa.ID
	from, to := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)
	for id, err := range c.Orders.Search(context.Background(), from, to) {
		require.NoError(t, err)
		got = append(got, id)
	}
	assert.Equal(t, want, got, "every order once, ascending, string IDs included")
	assert.Equal(t, 5, s.Calls("order", http.MethodGet), "30 days are five windows of at most 7 days")

	// A caller that stops early stops the search.
	calls := s.Calls("order", http.MethodGet)
	for range c.Orders.Search(context.Background(), from, to) {
		break
	}
	assert.Equal(t, calls+1, s.Calls("order", http.MethodGet))

	s.FailStatus(1, 503)
	var errs []error
	for _, err := range c.Orders.Search(context.Background(), from, to) {
		errs = append(errs, err)
	}
	require.Len(t, errs, 1)
	assert.True(t, temporary(errs[0]))
}

func TestIDsAndTimesDecode(t *testing.T) {
	t.Parallel()
	var v struct {
		A, B, C qoqa.ID
		T       qoqa.Time
	}
	require.NoError(t, json.Unmarshal([]byte(`{"A": 12, "B": "13", "C": null, "T": "2013-10-11T17:34:41+0200"}`), &v))
	assert.Equal(t, qoqa.ID(12), v.A)
	assert.Equal(t, qoqa.ID(13), v.B)
	assert.Zero(t, v.C)
	assert.Equal(t, time.Date(2013, 10, 11, 15, 34, 41, 0, time.UTC), v.T.Time)
	b, err := json.Marshal(v.T)
	require.NoError(t, err)
	assert.Equal(t, `"2013-10-11T15:34:41+0000"`, string(b))
	assert.Error(t, json.Unmarshal([]byte(`{"A": "x"}`), &v))
	assert.Error(t, json.Unmarshal([]byte(`{"T": "11.10.2013"}`), &v))
}

func TestConcurrentCalls(t *testing.T) {
	t.Parallel()
	s := newServer(t, qoqatest.Options{})
	c := newClient(t, s)
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for i := range 32 {
		wg.Go(func() {
			id, err := c.Vouchers.Create(context.Background(), &qoqa.Voucher{Code: fmt.Sprint("V", i), Amount: 100}, fmt.Sprint("k", i))
			if err == nil {
				_, err = c.Vouchers.Get(context.Background(), id)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, 32, s.Count("voucher"))
}

// Go's transport repeats a GET, signature and all, when a reused connection
// drops before the answer; QoQa refuses the repeated nonce with a redirect.
// That refusal is no authentication failure: it is retried.
func TestReplayedRequestAfterADropIsRetryable(t *testing.T) {
	t.Parallel()
	s := newServer(t, qoqatest.Options{})
	c := newClient(t, s)
	ctx := context.Background()
	id := s.Seed("deal", qoqa.Deal{ShopID: 1})[0]
	_, err := c.Deals.Get(ctx, id) // opens the connection the next call reuses
	require.NoError(t, err)
	s.CommitThenDrop(1)
	_, err = c.Deals.Get(ctx, id)
	require.Error(t, err)
	assert.NotErrorIs(t, err, qoqa.ErrAuth)
	assert.ErrorIs(t, err, qoqa.ErrUnavailable)
	assert.True(t, temporary(err))
	_, err = c.Deals.Get(ctx, id)
	require.NoError(t, err)
}

// stubClient is a client of a server that answers every call with handler,
// for answers the fake gives only on purpose.
func stubClient(t *testing.T, handler http.HandlerFunc) *qoqa.Client {
	t.Helper()
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	c, err := qoqa.New(qoqa.Config{BaseURL: srv.URL, Consumer: qoqa.Credentials{Key: "k", Secret: "s"}, Token: qoqa.Token{Token: "t", Secret: "s"}})
	require.NoError(t, err)
	return c
}

// The contract: an error list inside a 2xx is a fault of QoQa's back end,
// retried as a 5xx, unless its code is 2 (not found) or 4 (validation).
func TestErrorsInA2xx(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		status, code int
		want         error
		retryable    bool
	}{
		"200, code 9":  {200, 9, qoqa.ErrUnavailable, true},
		"200, code 3":  {200, 3, qoqa.ErrUnavailable, true},
		"201, code 1":  {201, 1, qoqa.ErrUnavailable, true},
		"200, code 17": {200, 17, qoqa.ErrMaintenance, true},
		"200, code 2":  {200, 2, qoqa.ErrNotFound, false},
		"200, code 4":  {200, 4, qoqa.ErrValidation, false},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := stubClient(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.status)
				fmt.Fprintf(w, `{"errors": [{"type": "x", "code": %d, "message": "failed"}]}`, tc.code)
			})
			_, err := c.Deals.Get(context.Background(), 1)
			require.ErrorIs(t, err, tc.want)
			assert.Equal(t, tc.retryable, temporary(err))
		})
	}
}

// temporary is what a caller deciding on a retry asks of an error.
func temporary(err error) bool {
	var e *qoqa.Error
	return errors.As(err, &e) && e.Temporary()
}
