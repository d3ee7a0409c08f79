package qoqatest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dghubble/oauth1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/qoqa"
	"github.com/qoqasync/qoqasync/qoqa/qoqatest"
)

// transportFunc adapts a function to http.RoundTripper.
type transportFunc func(*http.Request) (*http.Response, error)

func (f transportFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// signedClient is an HTTP client of the fake signed with a fresh access
// token by dghubble/oauth1; after signs the request just before it leaves
// (to change what the signature covered, or not). Redirects are not
// followed.
func signedClient(s *qoqatest.Server, after func(*http.Request)) *http.Client {
	cfg := s.Config()
	base := &http.Client{Transport: transportFunc(func(r *http.Request) (*http.Response, error) {
		if after != nil {
			r = r.Clone(r.Context())
			after(r)
		}
		return http.DefaultTransport.RoundTrip(r)
	})}
	c := oauth1.NewConfig(cfg.Consumer.Key, cfg.Consumer.Secret).Client(context.WithValue(context.Background(), oauth1.HTTPClient, base), oauth1.NewToken(cfg.Token.Token, cfg.Token.Secret))
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

// send makes a signed call and returns the status and the answer's first
// error, if any.
func send(t *testing.T, c *http.Client, method, u, contentType, body string) (int, qoqa.ErrorItem) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var env struct{ Errors []qoqa.ErrorItem }
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	_ = json.Unmarshal(data, &env)
	if len(env.Errors) == 0 {
		return resp.StatusCode, qoqa.ErrorItem{}
	}
	return resp.StatusCode, env.Errors[0]
}

// The fake refuses what the contract refuses, with the contract's status and
// code, naming the field.
func TestFakeRefusesWhatTheContractRefuses(t *testing.T) {
	t.Parallel()
	s := qoqatest.New(qoqatest.Options{})
	t.Cleanup(s.Close)
	shop := s.Seed("shop", qoqa.Shop{Name: "QoQa"})[0]
	product := s.Seed("product", map[string]any{"translations": []any{map[string]any{"language_id": 1, "name": "Lampe"}}})[0]
	variation := s.Seed("variation", map[string]any{"product_id": product, "sku": "L-1"})[0]
	voucher := s.Seed("voucher", map[string]any{"code": "V", "amount": 100})[0]
	offer := func(change string) string {
		rec := `{"shop_id": ` + shop.String() + `, "start_at": "2026-03-02T00:00:00+0000", "stop_at": "2026-03-03T00:00:00+0000",
			"translations": [{"language_id": 1, "title": "Lampe"}],
			"positions": [{"variation_id": ` + variation.String() + `, "unit_price": 2950, "regular_price": 4900}]}`
		if change != "" {
			old, new, _ := strings.Cut(change, " => ")
			require.Contains(t, rec, old)
			rec = strings.Replace(rec, old, new, 1)
		}
		return `{"offer": ` + rec + `}`
	}
	for name, tc := range map[string]struct {
		method, path, body string
		status             int
		field              string // the message starts with it
	}{
		"a valid offer":                  {"POST", "offer/", offer(""), http.StatusCreated, ""},
		"a float amount":                 {"POST", "voucher/", `{"voucher": {"code": "A", "amount": 29.5}}`, 422, "amount"},
		"an amount with a fraction part": {"POST", "voucher/", `{"voucher": {"code": "A", "amount": 2950.0}}`, 422, "amount"},
		"an amount as a string":          {"POST", "voucher/", `{"voucher": {"code": "A", "amount": "2950"}}`, 422, "amount"},
		"a float remaining amount":       {"PUT", "voucher/" + voucher.String(), `{"voucher": {"code": "V", "amount": 100, "remaining_amount": 0.5}}`, 422, "remaining_amount"},
		"a float unit price":             {"POST", "offer/", offer(`"unit_price": 2950 => "unit_price": 29.5`), 422, "positions[0].unit_price"},
		"a float regular price":          {"POST", "offer/", offer(`"regular_price": 4900 => "regular_price": 49e2`), 422, "positions[0].regular_price"},
		"an unknown shop":                {"POST", "offer/", offer(`"shop_id": ` + shop.String() + ` => "shop_id": 999`), 422, "shop_id"},
		"an unknown language":            {"POST", "offer/", offer(`"language_id": 1 => "language_id": 9`), 422, "translations[0].language_id"},
		"an unknown product language": {"POST", "product/", `{"product": {"translations": [{"language_id": 1, "name": "A"}, {"language_id": 0, "name": "B"}]}}`,
			422, "translations[1].language_id"},
		"a stop at the start":     {"POST", "offer/", offer(`"stop_at": "2026-03-03T00:00:00+0000" => "stop_at": "2026-03-02T00:00:00+0000"`), 422, "stop_at"},
		"a stop before the start": {"POST", "offer/", offer(`"stop_at": "2026-03-03T00:00:00+0000" => "stop_at": "2026-03-01T00:00:00+0000"`), 422, "stop_at"},
		"a voucher that stops before it starts": {"POST", "voucher/", `{"voucher": {"code": "A", "amount": 100, "start_at": "2026-03-02T00:00:00+0000", "stop_at": "2026-03-01T00:00:00+0000"}}`,
			422, "stop_at"},
		"a body that is not JSON":      {"POST", "voucher/", `code=A`, 422, "voucher"},
		"a body without the envelope":  {"POST", "voucher/", `{"code": "A", "amount": 100}`, 422, "voucher"},
		"a search from no time":        {"GET", "voucher/?timestamp_from=yesterday", "", 422, "timestamp_from"},
		"a search to no time":          {"GET", "voucher/?timestamp_to=2026-13-01%2000:00:00", "", 422, "timestamp_to"},
		"a record that does not exist": {"GET", "voucher/999", "", 404, ""},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			status, item := send(t, signedClient(s, nil), tc.method, s.URL+"/api/v1/"+tc.path, "application/json", tc.body)
			require.Equal(t, tc.status, status, "%v", item)
			switch {
			case status == 422:
				assert.Equal(t, 4, item.Code, "a refused record is code 4")
				assert.True(t, strings.HasPrefix(item.Message, tc.field+": "), "the message %q names %s", item.Message, tc.field)
			case status == 404:
				assert.Equal(t, 2, item.Code, "a missing record is code 2")
			}
		})
	}

	status, item := send(t, signedClient(s, func(r *http.Request) { r.Header.Set("Idempotency-Key", strings.Repeat("k", 256)) }),
		"POST", s.URL+"/api/v1/voucher/", "application/json", `{"voucher": {"code": "K", "amount": 100}}`)
	assert.Equal(t, 422, status)
	assert.Equal(t, 4, item.Code)
	assert.True(t, strings.HasPrefix(item.Message, "Idempotency-Key: "), item.Message)
}

// A form body is part of the signature base string whatever parameters
// its content type carries.
func TestFormBodyIsSignedWhateverItsCharset(t *testing.T) {
	t.Parallel()
	s := qoqatest.New(qoqatest.Options{})
	t.Cleanup(s.Close)
	const form = "application/x-www-form-urlencoded"
	for name, tc := range map[string]struct {
		contentType, body string
		signed            bool
	}{
		"plain":                        {form, "", true},
		"charset UTF-8":                {form + "; charset=UTF-8", "", true},
		"charset utf-8, spaced":        {form + " ;  charset=utf-8", "", true},
		"upper case media type":        {"Application/X-WWW-Form-URLEncoded; charset=UTF-8", "", true},
		"a body changed after signing": {form + "; charset=UTF-8", "code=B", false},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := signedClient(s, func(r *http.Request) {
				r.Header.Set("Content-Type", tc.contentType)
				if tc.body != "" {
					r.Body, r.ContentLength = io.NopCloser(strings.NewReader(tc.body)), int64(len(tc.body))
				}
			})
			// Signed as a form (the signer includes the body), sent with the
			// content type of the case.
			status, _ := send(t, c, "POST", s.URL+"/api/v1/voucher/?"+url.Values{"q": {"a b"}}.Encode(), form, "code=A&amount=1")
			if tc.signed {
				assert.Equal(t, 422, status, "the signature holds; only the body, not JSON, is refused")
			} else {
				assert.Equal(t, http.StatusFound, status, "the signature must cover the body")
			}
		})
	}
}

// A bad signature is sent to the login page on every endpoint, the access
// token's included; 401 is for a used request token or a wrong PIN.
func TestAccessTokenWithABadSignatureGoesToLogin(t *testing.T) {
	t.Parallel()
	s := qoqatest.New(qoqatest.Options{})
	t.Cleanup(s.Close)
	flow := &qoqa.PINFlow{BaseURL: s.URL, Consumer: s.Consumer()}
	auth, err := flow.Start(context.Background())
	require.NoError(t, err)
	pin, _ := s.PIN(auth.RequestToken.Token)
	auth.RequestToken.Secret = "not-the-secret"
	_, err = flow.Finish(context.Background(), auth, pin)
	var apiErr *qoqa.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusFound, apiErr.StatusCode)
}
