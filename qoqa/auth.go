package qoqa

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/dghubble/oauth1"
)

// Credentials are the consumer key and secret QoQa hands out. The secret
// never shows in String or %v.
type Credentials struct {
	Key    string
	Secret string
}

func (c Credentials) String() string {
	return fmt.Sprintf("qoqa.Credentials{Key: %q, Secret: [redacted]}", c.Key)
}

// GoString keeps the secret out of %#v too.
func (c Credentials) GoString() string { return c.String() }

// Token is an OAuth token and its secret: the access token of every call,
// or the request token of the PIN flow. The secret never shows in String
// or %v.
type Token struct {
	Token  string `json:"token"`
	Secret string `json:"secret"`
}

func (t Token) String() string {
	return fmt.Sprintf("qoqa.Token{Token: %q, Secret: [redacted]}", t.Token)
}

// GoString keeps the secret out of %#v too.
func (t Token) GoString() string { return t.String() }

// PINFlow is QoQa's out-of-band OAuth 1.0a flow: Start gets a request token
// and the URL where the user logs in with the account meant for the ERP and
// is shown a PIN; Finish trades the PIN for the access token. A program can
// run the steps apart (a CLI prints the URL, reads the PIN from a prompt).
type PINFlow struct {
	// BaseURL is the site: https://www.qoqa.ch.
	BaseURL  string
	Consumer Credentials
	// HTTPClient's Transport carries the requests; nil means a default.
	HTTPClient *http.Client
	// Timeout bounds each step; zero means 30 s.
	Timeout time.Duration
}

// Authorization is a started PIN flow: send the user to URL.
type Authorization struct {
	// URL is the authorization page, the request token in its query.
	URL          string
	RequestToken Token
}

// String keeps the request token's secret out of logs.
func (a Authorization) String() string {
	return fmt.Sprintf("qoqa.Authorization{URL: %q, RequestToken: %v}", a.URL, a.RequestToken)
}

// The PIN flow's endpoints, as errors name them.
const (
	requestTokenPath = "/oauth1.0a/request_token"
	accessTokenPath  = "/oauth1.0a/access_token"
)

// Start asks for a request token (with oauth_callback=oob) and returns where
// the user gets the PIN. A failure QoQa answered, or a call that got no
// answer, is an *Error naming /oauth1.0a/request_token, as every error of
// Start does.
func (f *PINFlow) Start(ctx context.Context) (Authorization, error) {
	cfg, ex, err := f.oauthConfig(ctx, requestTokenPath)
	if err != nil {
		return Authorization{}, err
	}
	token, secret, err := cfg.RequestToken()
	if err := ex.check(err); err != nil {
		return Authorization{}, err
	}
	// The answer holds the request token's secret: errors never quote it.
	form, err := url.ParseQuery(string(bytes.TrimSpace(ex.body)))
	if err != nil {
		return Authorization{}, ex.broken("the answer is not a form")
	}
	authorize := form.Get("authorize_url")
	if authorize == "" {
		authorize = form.Get("\nauthorize_url") // some servers put a newline before the key
	}
	if authorize == "" {
		for k, v := range form {
			if strings.TrimSpace(k) == "authorize_url" && len(v) > 0 {
				authorize = v[0]
			}
		}
	}
	if authorize == "" {
		return Authorization{}, ex.broken("the answer has no authorize_url")
	}
	cfg.Endpoint.AuthorizeURL = strings.TrimSpace(authorize)
	u, err := cfg.AuthorizationURL(token)
	if err != nil {
		return Authorization{}, ex.broken("the answer's authorize_url does not parse")
	}
	return Authorization{URL: u.String(), RequestToken: Token{Token: token, Secret: secret}}, nil
}

// Finish trades the PIN the user was shown for the access token. A request
// token serves once: a wrong PIN means starting again. A failure QoQa
// answered, or a call that got no answer, is an *Error naming
// /oauth1.0a/access_token, as every error of Finish does.
func (f *PINFlow) Finish(ctx context.Context, a Authorization, pin string) (Token, error) {
	pin = strings.TrimSpace(pin)
	if pin == "" {
		return Token{}, fmt.Errorf("qoqa: POST %s: the PIN is empty", accessTokenPath)
	}
	cfg, ex, err := f.oauthConfig(ctx, accessTokenPath)
	if err != nil {
		return Token{}, err
	}
	token, secret, err := cfg.AccessToken(a.RequestToken.Token, a.RequestToken.Secret, pin)
	if err := ex.check(err); err != nil {
		return Token{}, err
	}
	return Token{Token: token, Secret: secret}, nil
}

// oauthConfig builds the oauth1 configuration of the step at path. oauth1's
// token calls take no context and follow redirects: the HTTP client given
// to it carries the step's context, its timeout, refuses redirects, and
// records the answer, whose authorize_url oauth1 does not return.
func (f *PINFlow) oauthConfig(ctx context.Context, path string) (*oauth1.Config, *exchange, error) {
	base, err := baseURL(f.BaseURL)
	if err != nil {
		return nil, nil, fmt.Errorf("qoqa: POST %s: %w", path, err)
	}
	if f.Consumer.Key == "" || f.Consumer.Secret == "" {
		return nil, nil, fmt.Errorf("qoqa: POST %s: the consumer key and secret are required", path)
	}
	timeout := f.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ex := &exchange{ctx: ctx, path: path, next: baseHTTPClient(f.HTTPClient).Transport}
	cfg := oauth1.NewConfig(f.Consumer.Key, f.Consumer.Secret)
	cfg.CallbackURL = "oob"
	cfg.Endpoint = oauth1.Endpoint{
		RequestTokenURL: base + requestTokenPath,
		AccessTokenURL:  base + accessTokenPath,
	}
	cfg.HTTPClient = &http.Client{Transport: ex, Timeout: timeout, CheckRedirect: noRedirect}
	return cfg, ex, nil
}

// exchange is the transport of one token step: it gives the request the
// step's context and keeps the answer.
type exchange struct {
	ctx    context.Context
	path   string
	next   http.RoundTripper
	status int
	header http.Header
	body   []byte
}

func (e *exchange) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := e.next.RoundTrip(req.WithContext(e.ctx))
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	e.status, e.header, e.body = resp.StatusCode, resp.Header, body
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// check turns a failed step into an *Error, without quoting oauth1's
// message or the answer (a 2xx answer may hold a token's secret). It reads
// QoQa's errors list under any status, a 2xx included, by the contract's
// rules, as the API calls do: a maintenance (code 17), a 429, a 5xx or an
// errors list in a 2xx with another code than 2 or 4 may pass if the step
// is tried again. Any other refusal is ErrAuth: the step must start again.
func (e *exchange) check(err error) error {
	if err == nil {
		return nil
	}
	if e.status == 0 {
		return transportError(e.ctx, http.MethodPost, e.path, err)
	}
	var env envelope
	listed := json.Unmarshal(e.body, &env) == nil && len(env.Errors) > 0
	if e.status < 300 && !listed {
		return e.broken("the answer lacks oauth_token, oauth_token_secret or oauth_callback_confirmed")
	}
	ae := &Error{Method: http.MethodPost, Path: e.path, StatusCode: e.status, Errors: env.Errors, RetryAfter: parseRetryAfter(e.header)}
	if classify(ae); !ae.Temporary() {
		ae.kind = ErrAuth
	}
	return ae
}

// broken is the *Error of a 2xx answer that the step cannot use.
func (e *exchange) broken(why string) error {
	return &Error{Method: http.MethodPost, Path: e.path, StatusCode: e.status, Err: errors.New(why)}
}
