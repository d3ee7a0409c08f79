package openerp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/qoqasync/qoqasync/openerp/internal/wire"
)

// API paths: OpenERP 7 serves XML-RPC under /xmlrpc/, Odoo 8 and later
// also under /xmlrpc/2/.
const (
	PathV7 = "/xmlrpc/"
	PathV8 = "/xmlrpc/2/"
)

// Config says where and as whom the client calls.
type Config struct {
	// URL is the server's base URL: https://erp.example.ch.
	URL      string
	Database string
	User     string
	// Password is sent with every call and appears nowhere else: not in
	// errors, logs, or the client's String.
	Password string
	// Path is PathV7 (the default) or PathV8.
	Path string
	// HTTPClient sends the requests; nil means one with the timeouts below
	// and TLS verification on. A client given here keeps its own settings,
	// except that redirects are never followed.
	HTTPClient *http.Client
	// Timeout bounds one call, answer included; zero means 60 s.
	Timeout time.Duration
	// MaxResponseBytes caps an answer; zero means 64 MiB.
	MaxResponseBytes int64
}

// Client calls one OpenERP database over XML-RPC. It is safe for concurrent
// use: calls share a connection pool and the login, and an answer that does
// not decode spoils only its own call.
type Client struct {
	cfg    Config
	http   *http.Client
	common string // URL of the common endpoint
	object string // URL of the object endpoint

	loginMu sync.Mutex
	uid     int64
}

// New returns a client; it calls nothing until the first call.
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("openerp: URL %q must be http(s)://host[:port]", redactURL(cfg.URL))
	}
	if cfg.Database == "" || cfg.User == "" {
		return nil, errors.New("openerp: database and user are required")
	}
	if cfg.Path == "" {
		cfg.Path = PathV7
	}
	if cfg.Path != PathV7 && cfg.Path != PathV8 {
		return nil, fmt.Errorf("openerp: path %q is neither %s nor %s", cfg.Path, PathV7, PathV8)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 60 * time.Second
	}
	if cfg.MaxResponseBytes <= 0 {
		cfg.MaxResponseBytes = 64 << 20
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: cfg.Timeout,
			MaxIdleConnsPerHost:   32,
			IdleConnTimeout:       90 * time.Second,
		}}
	}
	own := *hc
	own.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	base := strings.TrimRight(u.String(), "/")
	return &Client{
		cfg:    cfg,
		http:   &own,
		common: base + cfg.Path + "common",
		object: base + cfg.Path + "object",
	}, nil
}

// String names the client without its password.
func (c *Client) String() string {
	return fmt.Sprintf("openerp.Client{%s db=%s user=%s}", redactURL(c.cfg.URL), c.cfg.Database, c.cfg.User)
}

// IsV7 reports whether the client speaks OpenERP 7's API (no search_read).
func (c *Client) IsV7() bool { return c.cfg.Path == PathV7 }

// Version returns the server's version() answer.
func (c *Client) Version(ctx context.Context) (map[string]any, error) {
	v, err := c.call(ctx, c.common, "", "version")
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("openerp: version: want a struct, got %T", v)
	}
	return m, nil
}

// Login returns the user's uid, calling login once and keeping the answer.
func (c *Client) Login(ctx context.Context) (int64, error) {
	c.loginMu.Lock()
	defer c.loginMu.Unlock()
	if c.uid != 0 {
		return c.uid, nil
	}
	v, err := c.call(ctx, c.common, "", "login", c.cfg.Database, c.cfg.User, c.cfg.Password)
	if err != nil {
		return 0, err
	}
	if b, ok := v.(bool); ok && !b {
		return 0, &Fault{Code: "AccessDenied", Kind: FaultAccess, Method: "login",
			Message: fmt.Sprintf("user %q refused on database %q", c.cfg.User, c.cfg.Database)}
	}
	uid, err := toInt(v)
	if err != nil {
		return 0, fmt.Errorf("openerp: login: %w", err)
	}
	c.uid = uid
	return uid, nil
}

// ExecuteKW calls method on model with positional args and keyword args:
// the one entry point of every ORM call.
func (c *Client) ExecuteKW(ctx context.Context, model, method string, args []any, kwargs map[string]any) (any, error) {
	uid, err := c.Login(ctx)
	if err != nil {
		return nil, err
	}
	if args == nil {
		args = []any{}
	}
	if kwargs == nil {
		kwargs = map[string]any{}
	}
	sargs, err := sanitize(args)
	if err != nil {
		return nil, fmt.Errorf("openerp: %s %s: %w", model, method, err.(*ValueError).in("args"))
	}
	skwargs, err := sanitize(kwargs)
	if err != nil {
		return nil, fmt.Errorf("openerp: %s %s: %w", model, method, err.(*ValueError).in("kwargs"))
	}
	return c.call(ctx, c.object, model, "execute_kw", c.cfg.Database, uid, c.cfg.Password, model, method, sargs, skwargs)
}

// call sends one XML-RPC request. model names the call in errors; the
// params, which may hold the password, are never quoted.
func (c *Client) call(ctx context.Context, endpoint, model, method string, params ...any) (any, error) {
	v, _, err := c.exchange(ctx, endpoint, model, method, params...)
	return v, err
}

// exchange is call that also returns the answer's headers.
func (c *Client) exchange(ctx context.Context, endpoint, model, method string, params ...any) (any, http.Header, error) {
	name := method
	if method == "execute_kw" && len(params) > 4 {
		name = fmt.Sprint(params[4])
	}
	body, err := wire.EncodeCall(method, params...)
	if err != nil {
		return nil, nil, fmt.Errorf("openerp: %s %s: encode: %w", model, name, err)
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, nil, fmt.Errorf("openerp: %s %s: %w", model, name, err)
	}
	req.Header.Set("Content-Type", "text/xml")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, nil, c.transportError(ctx, model, name, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.cfg.MaxResponseBytes+1))
	if err != nil {
		return nil, nil, c.transportError(ctx, model, name, err)
	}
	if int64(len(data)) > c.cfg.MaxResponseBytes {
		return nil, nil, fmt.Errorf("openerp: %s %s: %w (over %d bytes)", model, name, ErrResponseTooLarge, c.cfg.MaxResponseBytes)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, nil, &HTTPError{Model: model, Method: name, StatusCode: resp.StatusCode, Status: resp.Status, Header: resp.Header}
	}
	v, fault, err := wire.DecodeResponse(data)
	if err != nil {
		return nil, nil, fmt.Errorf("openerp: %s %s: %w: %w", model, name, ErrBadResponse, err)
	}
	if fault != nil {
		return nil, nil, newFault(fault.Code, fault.String, model, name)
	}
	return v, resp.Header, nil
}

// transportError reads a failed exchange: the caller's cancellation is
// returned as is, any other failure is a NetworkError.
func (c *Client) transportError(ctx context.Context, model, method string, err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err // the URL is known and long; the cause is what helps
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		return fmt.Errorf("openerp: %s %s: %w", model, method, err)
	}
	return &NetworkError{Model: model, Method: method, Err: err}
}

// redactURL drops the user information of a URL.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User = nil
	return u.String()
}
