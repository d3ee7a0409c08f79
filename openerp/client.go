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
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/qoqasync/qoqasync/openerp/internal/wire"
)

// API paths: OpenERP 7.0 serves XML-RPC only under /xmlrpc/ (string fault
// codes); Odoo 8 and later also under /xmlrpc/2/ (integer fault codes).
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
	// errors, logs, or the String and GoString of the Config and the
	// Client (so not in %v, %+v, %#v or %s either).
	Password string
	// Path forces the API paths: PathV7 (OpenERP 7's, which Odoo keeps
	// too; no search_read) or PathV8 (Odoo 8+, with search_read). Empty,
	// the client asks the server's version() on /xmlrpc/common before its
	// first call and picks PathV8 from major version 8 on, PathV7 below.
	Path string
	// HTTPClient sends the requests; nil means one with the timeouts below
	// and TLS verification on. A client given here keeps its own settings,
	// except that redirects are never followed.
	HTTPClient *http.Client
	// Timeout bounds one call, answer included; zero means 60 s.
	Timeout time.Duration
	// MaxResponseBytes caps an answer; zero means 64 MiB.
	MaxResponseBytes int64
	// ReadBatchSize is how many IDs one read call carries: Read splits a
	// longer list, so that one answer stays small enough to build, send
	// and decode within the timeout. Zero means 500.
	ReadBatchSize int
}

// Client calls one OpenERP database over XML-RPC. It is safe for concurrent
// use: calls share a connection pool and the login, and an answer that does
// not decode spoils only its own call.
type Client struct {
	cfg  Config
	http *http.Client
	base string // the URL without its trailing slash

	versionMu sync.Mutex
	major     int // the server's major version, once asked

	apiMu sync.Mutex
	api   *api // the endpoints, once picked

	loginMu sync.Mutex
	uid     int64
}

// api is the endpoints a client calls, and what they serve.
type api struct {
	common, object string
	searchRead     bool
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
	if cfg.Path != "" && cfg.Path != PathV7 && cfg.Path != PathV8 {
		return nil, fmt.Errorf("openerp: path %q is neither %s nor %s", cfg.Path, PathV7, PathV8)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 60 * time.Second
	}
	if cfg.MaxResponseBytes <= 0 {
		cfg.MaxResponseBytes = 64 << 20
	}
	if cfg.ReadBatchSize <= 0 {
		cfg.ReadBatchSize = 500
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
	return &Client{cfg: cfg, http: &own, base: strings.TrimRight(u.String(), "/")}, nil
}

// String names the client without its password.
func (c *Client) String() string {
	return fmt.Sprintf("openerp.Client{%s db=%s user=%s}", redactURL(c.cfg.URL), c.cfg.Database, c.cfg.User)
}

// GoString keeps the password out of %#v too, which would otherwise print
// the Config the client holds.
func (c *Client) GoString() string { return c.String() }

// String prints the configuration without its password, which shows as
// [redacted] when set, for %v, %+v and %s alike.
func (cfg Config) String() string {
	password := ""
	if cfg.Password != "" {
		password = "[redacted]"
	}
	return fmt.Sprintf("openerp.Config{URL: %q, Database: %q, User: %q, Password: %s, Path: %q, HTTPClient: %p, Timeout: %s, MaxResponseBytes: %d, ReadBatchSize: %d}",
		redactURL(cfg.URL), cfg.Database, cfg.User, password, cfg.Path, cfg.HTTPClient, cfg.Timeout, cfg.MaxResponseBytes, cfg.ReadBatchSize)
}

// GoString keeps the password out of %#v too.
func (cfg Config) GoString() string { return cfg.String() }

// Version returns the server's version() answer. It asks the forced
// Path's common endpoint, else /xmlrpc/common, which every version serves.
func (c *Client) Version(ctx context.Context) (map[string]any, error) {
	v, _, err := c.version(ctx)
	return v, err
}

// version asks version() and returns the answer with its headers.
func (c *Client) version(ctx context.Context) (map[string]any, http.Header, error) {
	path := c.cfg.Path
	if path == "" {
		path = PathV7
	}
	v, header, err := c.exchange(ctx, c.base+path+"common", "", "version")
	if err != nil {
		return nil, nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, nil, fmt.Errorf("openerp: version: want a struct, got %T: %w", v, ErrBadResponse)
	}
	return m, header, nil
}

// ServerTime returns the server's own clock: the Date header of its answer
// to version(), one cheap call, in UTC and to the second. OpenERP dates
// write_date by this clock, so a sync that dates its searches by it
// follows OpenERP's time whatever the skew between the hosts. An answer
// without a Date header is ErrNoDate.
func (c *Client) ServerTime(ctx context.Context) (time.Time, error) {
	_, header, err := c.version(ctx)
	if err != nil {
		return time.Time{}, err
	}
	date := header.Get("Date")
	if date == "" {
		return time.Time{}, fmt.Errorf("openerp: server time: %w", ErrNoDate)
	}
	t, err := http.ParseTime(date)
	if err != nil {
		return time.Time{}, fmt.Errorf("openerp: server time: Date %q: %w: %w", date, ErrBadResponse, err)
	}
	return t.UTC(), nil
}

// MajorVersion returns the server's major version (7 for OpenERP 7.0, 8
// for Odoo 8.0, 11 for Odoo saas~11.3), asking version() once and keeping
// the answer.
func (c *Client) MajorVersion(ctx context.Context) (int, error) {
	c.versionMu.Lock()
	defer c.versionMu.Unlock()
	if c.major != 0 {
		return c.major, nil
	}
	v, err := c.Version(ctx)
	if err != nil {
		return 0, err
	}
	major, err := majorVersion(v)
	if err != nil {
		return 0, err
	}
	c.major = major
	return major, nil
}

// majorVersion reads server_version_info[0], an integer, or a string such
// as "saas~11" on Odoo's SaaS versions; else the digits that start
// server_version.
func majorVersion(v map[string]any) (int, error) {
	var first any
	if info, ok := v["server_version_info"].([]any); ok && len(info) > 0 {
		first = info[0]
	} else {
		first = v["server_version"]
	}
	switch x := first.(type) {
	case int64:
		if x > 0 {
			return int(x), nil
		}
	case string:
		_, digits, _ := strings.Cut(x, "~")
		if digits == "" {
			digits = x
		}
		end := strings.IndexFunc(digits, func(r rune) bool { return r < '0' || r > '9' })
		if end < 0 {
			end = len(digits)
		}
		if n, err := strconv.Atoi(digits[:end]); err == nil && n > 0 {
			return n, nil
		}
	}
	return 0, fmt.Errorf("openerp: version: cannot read the major version from %v: %w", first, ErrBadResponse)
}

// endpoints picks the API paths once: the forced Path, else from the
// server's major version.
func (c *Client) endpoints(ctx context.Context) (*api, error) {
	c.apiMu.Lock()
	defer c.apiMu.Unlock()
	if c.api != nil {
		return c.api, nil
	}
	path := c.cfg.Path
	if path == "" {
		major, err := c.MajorVersion(ctx)
		if err != nil {
			return nil, err
		}
		path = PathV7
		if major >= 8 {
			path = PathV8
		}
	}
	c.api = &api{common: c.base + path + "common", object: c.base + path + "object", searchRead: path == PathV8}
	return c.api, nil
}

// Login returns the user's uid, calling login once and keeping the answer.
func (c *Client) Login(ctx context.Context) (int64, error) {
	c.loginMu.Lock()
	defer c.loginMu.Unlock()
	if c.uid != 0 {
		return c.uid, nil
	}
	api, err := c.endpoints(ctx)
	if err != nil {
		return 0, err
	}
	v, err := c.call(ctx, api.common, "", "login", c.cfg.Database, c.cfg.User, c.cfg.Password)
	if err != nil {
		return 0, err
	}
	if b, ok := v.(bool); ok && !b {
		return 0, &Fault{Code: "AccessDenied", Kind: FaultAccess, Method: "login",
			Message: fmt.Sprintf("user %q refused on database %q", c.cfg.User, c.cfg.Database)}
	}
	uid, err := toInt(v)
	if err != nil {
		return 0, fmt.Errorf("openerp: login: %w: %w", ErrBadResponse, err)
	}
	c.uid = uid
	return uid, nil
}

// relogin drops the uid that the server refused and logs in again; when
// another call has done so already, it returns that login's uid.
func (c *Client) relogin(ctx context.Context, refused int64) (int64, error) {
	c.loginMu.Lock()
	if c.uid == refused {
		c.uid = 0
	}
	c.loginMu.Unlock()
	return c.Login(ctx)
}

// ExecuteKW calls method on model with positional args and keyword args:
// the one entry point of every ORM call. When the server refuses the
// credentials (the password changed, or the database was restored and
// the user's uid with it), it logs in again once and sends the call
// again; a second refusal is returned.
func (c *Client) ExecuteKW(ctx context.Context, model, method string, args []any, kwargs map[string]any) (any, error) {
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
	api, err := c.endpoints(ctx)
	if err != nil {
		return nil, err
	}
	uid, err := c.Login(ctx)
	if err != nil {
		return nil, err
	}
	v, err := c.call(ctx, api.object, model, "execute_kw", c.cfg.Database, uid, c.cfg.Password, model, method, sargs, skwargs)
	var f *Fault
	if !errors.As(err, &f) || !f.authentication() {
		return v, err
	}
	if uid, err = c.relogin(ctx, uid); err != nil {
		return nil, err
	}
	return c.call(ctx, api.object, model, "execute_kw", c.cfg.Database, uid, c.cfg.Password, model, method, sargs, skwargs)
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
