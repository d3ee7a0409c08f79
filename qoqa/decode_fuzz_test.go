package qoqa_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/qoqa"
)

// resourceSeeds are records as QoQa sends them, one per resource, and the
// values at the edges of what the types read: the fuzzers start from them.
var resourceSeeds = []string{
	`{"id":1,"name":"QoQa","domain":"qoqa.ch","currency":"CHF","language_ids":[1,2]}`,
	`{"id":"12","category":"wine","is_active":true,"attributes":{"color":"red","vintage":2011,"tags":["a","b"]},
	  "translations":[{"language_id":1,"name":"Vin","brand":"X","highlights":"h","description":"d","attributes":{"taste":"dry"},"seo":"kept"}],
	  "variation_ids":[1,"2",null],"created_at":"2013-10-11T17:34:41+0200","updated_at":"2013-10-11T17:34:41Z","media":[1]}`,
	`{"id":3,"product_id":12,"sku":"SKU-1","ean":"7610000000000","is_active":false,"attributes":{"size":"L"},"translations":[]}`,
	`{"id":4,"shop_id":1,"is_active":true,"translations":[{"language_id":2,"title":"T","content":"C"}]}`,
	`{"id":5,"deal_id":4,"shop_id":1,"start_at":"2013-10-11T00:00:00+0200","stop_at":"2013-10-12T00:00:00+0200","currency":"CHF",
	  "positions":[{"variation_id":3,"unit_price":2950,"regular_price":3900,"lot_size":1,"max_sellable":10,"stock":"kept"}]}`,
	`{"id":6,"code":"GIFT","customer_id":7,"amount":5000,"remaining_amount":0,"currency":"CHF","start_at":null,"stop_at":"","description":"d","is_active":true}`,
	`{"id":7,"email":"a@example.com","pseudo":"a","language_id":4,"customer_id":"","is_active":true}`,
	`{"id":8,"user_id":7,"firstname":"A","lastname":"B","company":"C","language_id":1,"address_ids":["9"," 10 "]}`,
	`{"id":9,"customer_id":8,"kind":"billing","street":"Rue 1","zip":"1000","city":"Lausanne","country":"CH","is_active":true}`,
	`{"id":10,"shop_id":1,"deal_id":4,"offer_id":5,"user_id":7,"customer_id":8,"billing_address_id":9,"shipping_address_id":9,
	  "status":"paid","currency":"CHF","total":2950,"items":[{"id":1,"type":"product","variation_id":3,"offer_id":5,"quantity":1,"unit_price":2950}],
	  "payments":[{"id":1,"method":"card","amount":2950,"status":"paid"}],"trackings":[{"number":"99","carrier":"post"}]}`,
	`{"id":"\u0031\u0032","created_at":"2013-10-11T17:34:41.123+02:00"}`,
	`{"id":9223372036854775808,"total":1e300,"amount":-0}`,
	`null`, `[]`, `{"translations":null,"positions":[null],"items":[{}]}`,
}

// roundTrip decodes data as a T and, when it decodes, checks that the
// record goes back to QoQa and reads again as the same record: what a sync
// reads it must be able to write (an update sends the whole record back).
func roundTrip[T any](t *testing.T, data []byte) {
	t.Helper()
	var v T
	if json.Unmarshal(data, &v) != nil {
		return
	}
	once, err := json.Marshal(v)
	require.NoError(t, err, "a decoded %T must encode", v)
	var w T
	require.NoError(t, json.Unmarshal(once, &w), "what a %T encodes must decode again: %s", v, once)
	twice, err := json.Marshal(w)
	require.NoError(t, err)
	require.JSONEq(t, string(once), string(twice), "a %T changes on its way back and forth", v)
}

// Every resource decodes whatever QoQa may answer without a panic, and a
// record that decodes encodes to a record that decodes to itself.
func FuzzResourceJSON(f *testing.F) {
	for _, s := range resourceSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		roundTrip[qoqa.Shop](t, data)
		roundTrip[qoqa.Product](t, data)
		roundTrip[qoqa.Variation](t, data)
		roundTrip[qoqa.Deal](t, data)
		roundTrip[qoqa.Offer](t, data)
		roundTrip[qoqa.Position](t, data)
		roundTrip[qoqa.Voucher](t, data)
		roundTrip[qoqa.User](t, data)
		roundTrip[qoqa.Customer](t, data)
		roundTrip[qoqa.Address](t, data)
		roundTrip[qoqa.Order](t, data)
		roundTrip[qoqa.Item](t, data)
		roundTrip[qoqa.Payment](t, data)
		roundTrip[qoqa.Translation](t, data)
		roundTrip[map[string]any](t, data)
	})
}

// QoQa's datetimes: a string that parses is a time that QoQa's layout
// writes and ParseTime reads back to the same instant.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{
		"2013-10-11T17:34:41+0200", "2013-10-11T17:34:41Z", "2013-10-11T17:34:41.5+02:00",
		"0001-01-01T00:00:00Z", "10000-01-01T00:00:00Z", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := qoqa.ParseTime(s)
		if err != nil {
			return
		}
		require.Equal(t, time.UTC, v.Location())
		written := v.Format(qoqa.TimeLayout)
		back, err := qoqa.ParseTime(written)
		require.NoError(t, err, "%q parses, but QoQa's layout writes it as %q, which does not", s, written)
		require.True(t, back.Equal(v.Truncate(time.Second)), "%q: %s != %s", s, back, v)
	})
}

// answer is a transport that answers every call with one status and body,
// so that a fuzzer drives the client's reading of answers without a
// network.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		r.Body.Close()
	}
	return &http.Response{
		StatusCode: a.status, Status: http.StatusText(a.status), Header: a.header.Clone(),
		Body: io.NopCloser(strings.NewReader(string(a.body))), Request: r,
	}, nil
}

// The client reads any answer to any call without a panic: an error status
// is always an error that keeps the status, and a too large answer is
// ErrResponseTooLarge.
func FuzzClientAnswer(f *testing.F) {
	for _, s := range resourceSeeds {
		f.Add(uint16(200), "", []byte(`{"data":`+s+`}`))
	}
	f.Add(uint16(200), "", []byte(`{"data":[{"id":1},{"id":"2"}],"errors":[]}`))
	f.Add(uint16(200), "", []byte(`{"data":null,"errors":[{"type":"x","code":17,"message":"maintenance","extras":{"a":1}}]}`))
	f.Add(uint16(422), "", []byte(`{"errors":[{"code":4,"message":"stop_at: must be after start_at","extras":"stop_at"}]}`))
	f.Add(uint16(404), "", []byte(`{"errors":[{"code":2}]}`))
	f.Add(uint16(429), "120", []byte(`{}`))
	f.Add(uint16(503), "Wed, 21 Oct 2015 07:28:00 GMT", []byte(`<html>down</html>`))
	f.Add(uint16(302), "", []byte(``))
	f.Add(uint16(200), "-1", []byte(`{"data":`+strings.Repeat("[", 100)+`}`))
	f.Add(uint16(200), "", []byte(strings.Repeat("x", 300)))
	f.Fuzz(func(t *testing.T, status uint16, retryAfter string, body []byte) {
		code := 100 + int(status)%500
		if code < 200 {
			code += 100 // 1xx are interim answers, never the last one
		}
		h := http.Header{"Retry-After": {retryAfter}, "Date": {"Mon, 07 Dec 2026 12:00:00 GMT"}}
		c, err := qoqa.New(qoqa.Config{
			BaseURL: "https://qoqa.test", Consumer: qoqa.Credentials{Key: "k", Secret: "s"},
			Token:            qoqa.Token{Token: "t", Secret: "ts"},
			HTTPClient:       &http.Client{Transport: answer{code, h, body}},
			MaxResponseBytes: 4096,
		})
		require.NoError(t, err)
		ctx := context.Background()
		check := func(err error) {
			t.Helper()
			if len(body) > 4096 && code < 300 && err != nil {
				return // cut by the cap: too large, or not JSON at the cut
			}
			if code >= 300 {
				require.Error(t, err, "a %d answer must fail", code)
				var e *qoqa.Error
				require.ErrorAs(t, err, &e, "a %d answer", code)
				require.Equal(t, code, e.StatusCode)
				require.GreaterOrEqual(t, e.RetryAfter, time.Duration(0))
				_ = e.Error()
				_ = e.Temporary()
			}
		}
		_, err = c.Products.Get(ctx, 1)
		check(err)
		_, err = c.Variations.Get(ctx, 1)
		check(err)
		_, err = c.Deals.Get(ctx, 1)
		check(err)
		_, err = c.Offers.Get(ctx, 1)
		check(err)
		_, err = c.Vouchers.Get(ctx, 1)
		check(err)
		_, err = c.Users.Get(ctx, 1)
		check(err)
		_, err = c.Customers.Get(ctx, 1)
		check(err)
		_, err = c.Addresses.Get(ctx, 1)
		check(err)
		_, err = c.Orders.Get(ctx, 1)
		check(err)
		_, err = c.Shops.Get(ctx, 1)
		check(err)
		_, err = c.Shops.List(ctx)
		check(err)
		_, err = qoqa.NewService[map[string]any](c, "order").Get(ctx, 1)
		check(err)
		_, err = c.ServerTime(ctx)
		check(err)
		from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		for _, err := range c.Orders.Search(ctx, from, from.Add(time.Hour)) {
			if err != nil {
				check(err)
				if errors.Is(err, qoqa.ErrResponseTooLarge) {
					require.Greater(t, len(body), 4096)
				}
				break
			}
		}
	})
}
