package qoqa

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/dghubble/oauth1"
)

// Config says where the API is and who calls it.
type Config struct {
	// BaseURL is the site: https://www.qoqa.ch. The API lives under
	// /api/v1/, the OAuth endpoints under /oauth1.0a/.
	BaseURL  string
	Consumer Credentials
	// Token is the access token of the PIN flow.
	Token Token
	// HTTPClient's Transport carries the requests; nil means one with
	// sensible timeouts. Redirects are never followed whatever it says.
	HTTPClient *http.Client
	// Timeout bounds one call, answer included; zero means 60 s.
	Timeout time.Duration
	// MaxResponseBytes caps an answer; zero means 32 MiB.
	MaxResponseBytes int64
}

// Client calls the QoQa API v1, one service per resource. It is safe for
// concurrent use.
type Client struct {
	base    string
	http    *http.Client
	maxBody int64

	Shops      *ShopService
	Products   *Service[Product]
	Variations *Service[Variation]
	Deals      *ReadService[Deal]
	Offers     *Service[Offer]
	Vouchers   *Service[Voucher]
	Users      *ReadService[User]
	Customers  *ReadService[Customer]
	Addresses  *ReadService[Address]
	Orders     *OrderService
}

// ErrResponseTooLarge is returned for an answer over MaxResponseBytes.
var ErrResponseTooLarge = errors.New("qoqa: response too large")

// New returns a client that signs every call with the consumer and the
// access token.
func New(cfg Config) (*Client, error) {
	base, err := baseURL(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("qoqa: %w", err)
	}
	if cfg.Consumer.Key == "" || cfg.Consumer.Secret == "" {
		return nil, errors.New("qoqa: the consumer key and secret are required")
	}
	if cfg.Token.Token == "" || cfg.Token.Secret == "" {
		return nil, errors.New("qoqa: an access token is required (run the PIN flow first)")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 60 * time.Second
	}
	if cfg.MaxResponseBytes <= 0 {
		cfg.MaxResponseBytes = 32 << 20
	}
	oc := oauth1.NewConfig(cfg.Consumer.Key, cfg.Consumer.Secret)
	// oauth1 takes the transport to wrap from the context it is built with.
	signed := oc.Client(context.WithValue(context.Background(), oauth1.HTTPClient, baseHTTPClient(cfg.HTTPClient)), oauth1.NewToken(cfg.Token.Token, cfg.Token.Secret))
	signed.Timeout = cfg.Timeout
	signed.CheckRedirect = noRedirect
	c := &Client{base: base, http: signed, maxBody: cfg.MaxResponseBytes}
	c.Shops = &ShopService{ReadService[Shop]{c, "shop"}}
	c.Products = &Service[Product]{ReadService[Product]{c, "product"}}
	c.Variations = &Service[Variation]{ReadService[Variation]{c, "variation"}}
	c.Deals = &ReadService[Deal]{c, "deal"}
	c.Offers = &Service[Offer]{ReadService[Offer]{c, "offer"}}
	c.Vouchers = &Service[Voucher]{ReadService[Voucher]{c, "voucher"}}
	c.Users = &ReadService[User]{c, "user"}
	c.Customers = &ReadService[Customer]{c, "customer"}
	c.Addresses = &ReadService[Address]{c, "address"}
	c.Orders = &OrderService{ReadService[Order]{c, "order"}}
	return c, nil
}

func baseURL(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("the base URL must be http(s)://host, got %q", s)
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return strings.TrimRight(u.String(), "/"), nil
}

// baseHTTPClient is the client whose transport carries the requests.
func baseHTTPClient(hc *http.Client) *http.Client {
	if hc != nil && hc.Transport != nil {
		return hc
	}
	return &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
		MaxIdleConnsPerHost:   32,
		IdleConnTimeout:       90 * time.Second,
	}}
}

// noRedirect keeps a 3xx as the answer: QoQa redirects a badly signed call
// to its login page, which is an authentication error, not a page to fetch.
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// envelope is every answer's shape.
type envelope struct {
	Data   json.RawMessage `json:"data"`
	Errors []ErrorItem     `json:"errors"`
}

// request is one API call.
type request struct {
	method string
	// path is under /api/v1/: "order/12".
	path   string
	query  url.Values
	body   any
	header http.Header
}

// urlPath is the request's path from the site's root, as errors name it.
func (r request) urlPath() string { return "/api/v1/" + r.path }

// where is the request's method and path, as errors name them.
func (r request) where() string { return r.method + " " + r.urlPath() }

// fail is the *Error of an answer to r.
func (r request) fail(status int) *Error {
	return &Error{Method: r.method, Path: r.urlPath(), StatusCode: status}
}

// send performs a call and returns the open response; the caller closes its
// body. Transport failures come back classified.
func (c *Client) send(ctx context.Context, r request) (*http.Response, error) {
	u := c.base + r.urlPath()
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	var body io.Reader
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return nil, fmt.Errorf("qoqa: %s: encode: %w", r.where(), err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u, body)
	if err != nil {
		return nil, fmt.Errorf("qoqa: %s: %w", r.where(), err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, vs := range r.header {
		req.Header[k] = vs
	}
	// Go's transport sends an idempotent request again, unchanged, when a
	// reused connection drops before the answer; QoQa then refuses the
	// repeated nonce as if the signature were bad. Counting the connections
	// tells that refusal from a real one.
	var conns atomic.Int32
	req = req.WithContext(httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { conns.Add(1) },
	}))
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, transportError(ctx, r.method, r.urlPath(), err)
	}
	if conns.Load() > 1 && (resp.StatusCode >= 300 && resp.StatusCode < 400 || resp.StatusCode == http.StatusUnauthorized) {
		resp.Body.Close()
		e := r.fail(resp.StatusCode)
		e.Err, e.kind = errReplayRefused, ErrUnavailable
		return nil, e
	}
	return resp, nil
}

// errReplayRefused is why a refusal after a dropped connection is retried.
var errReplayRefused = errors.New("the connection dropped, and the repeated request's nonce was refused")

// do performs a call and decodes the answer's data into out (nil: ignore).
func (c *Client) do(ctx context.Context, r request, out any) error {
	_, err := c.call(ctx, r, out)
	return err
}

// call is do that also returns the answer's header.
func (c *Client) call(ctx context.Context, r request, out any) (http.Header, error) {
	resp, err := c.send(ctx, r)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBody+1))
	if err != nil {
		return nil, transportError(ctx, r.method, r.urlPath(), err)
	}
	if int64(len(data)) > c.maxBody {
		return nil, fmt.Errorf("qoqa: %s: %w (over %d bytes)", r.where(), ErrResponseTooLarge, c.maxBody)
	}
	env, err := readEnvelope(r, resp, data)
	if err != nil {
		return nil, err
	}
	if err := checkUTF8(r, data); err != nil {
		return nil, err
	}
	if out != nil && len(env.Data) > 0 {
		if err := json.Unmarshal(env.Data, out); err != nil {
			return nil, fmt.Errorf("qoqa: %s: decode: %w", r.where(), err)
		}
	}
	return resp.Header, nil
}

// readEnvelope applies the contract's error rules to an answer: a 3xx, an
// error status, an "errors" list under any status (200 included), or a body
// that is not JSON.
func readEnvelope(r request, resp *http.Response, data []byte) (envelope, error) {
	e := r.fail(resp.StatusCode)
	e.RetryAfter = parseRetryAfter(resp.Header)
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		return envelope{}, classify(e)
	}
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil {
		if resp.StatusCode < 300 {
			e.Body = string(data[:min(len(data), 200)])
			return envelope{}, e
		}
		return envelope{}, classify(e)
	}
	if len(env.Errors) > 0 || resp.StatusCode >= 400 {
		e.Errors = env.Errors
		return envelope{}, classify(e)
	}
	return env, nil
}

func parseRetryAfter(h http.Header) time.Duration {
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}

// transportError reads an exchange that got no whole answer: the caller's
// cancellation is returned as it is; a timeout, a reset or a refused
// connection is an *Error of kind ErrUnavailable.
func transportError(ctx context.Context, method, path string, err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err // the URL is known; the cause is what helps
	}
	if ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("qoqa: %s %s: %w", method, path, err)
	}
	return &Error{Method: method, Path: path, Err: err, kind: ErrUnavailable}
}

// idempotencyKey makes a key QoQa accepts (up to 255 bytes) from what the
// caller names the create by: a longer name is hashed.
func idempotencyKey(name string) string {
	if len(name) <= 255 {
		return name
	}
	sum := sha256.Sum256([]byte(name))
	return hex.EncodeToString(sum[:])
}
