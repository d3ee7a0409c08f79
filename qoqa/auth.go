package qoqa

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/dghubble/oauth1"

	"github.com/qoqasync/qoqasync/connector"
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

// Start asks for a request token (with oauth_callback=oob) and returns where
// the user gets the PIN.
func (f *PINFlow) Start(ctx context.Context) (Authorization, error) {
	cfg, exchange, err := f.oauthConfig(ctx)
	if err != nil {
		return Authorization{}, err
	}
	token, secret, err := cfg.RequestToken()
	if err := exchange.check("request token", err); err != nil {
		return Authorization{}, err
	}
	form, err := url.ParseQuery(string(bytes.TrimSpace(exchange.body)))
	if err != nil {
		return Authorization{}, fmt.Errorf("qoqa: request token: answer does not parse: %w", err)
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
		return Authorization{}, errors.New("qoqa: request token: the answer has no authorize_url")
	}
	cfg.Endpoint.AuthorizeURL = strings.TrimSpace(authorize)
	u, err := cfg.AuthorizationURL(token)
	if err != nil {
		return Authorization{}, fmt.Errorf("qoqa: authorize_url does not parse: %w", err)
	}
	return Authorization{URL: u.String(), RequestToken: Token{Token: token, Secret: secret}}, nil
}

// Finish trades the PIN the user was shown for the access token. A request
// token serves once: a wrong PIN means starting again.
func (f *PINFlow) Finish(ctx context.Context, a Authorization, pin string) (Token, error) {
	pin = strings.TrimSpace(pin)
	if pin == "" {
		return Token{}, errors.New("qoqa: the PIN is empty")
	}
	cfg, exchange, err := f.oauthConfig(ctx)
	if err != nil {
		return Token{}, err
	}
	token, secret, err := cfg.AccessToken(a.RequestToken.Token, a.RequestToken.Secret, pin)
	if err := exchange.check("access token", err); err != nil {
		return Token{}, err
	}
	return Token{Token: token, Secret: secret}, nil
}

// oauthConfig builds the oauth1 configuration of one step. oauth1's token
// calls take no context and follow redirects: the HTTP client given to it
// carries the step's context, its timeout, refuses redirects, and records
// the answer, whose authorize_url oauth1 does not return.
func (f *PINFlow) oauthConfig(ctx context.Context) (*oauth1.Config, *exchange, error) {
	base, err := baseURL(f.BaseURL)
	if err != nil {
		return nil, nil, err
	}
	if f.Consumer.Key == "" || f.Consumer.Secret == "" {
		return nil, nil, errors.New("qoqa: the consumer key and secret are required")
	}
	timeout := f.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ex := &exchange{ctx: ctx, next: baseHTTPClient(f.HTTPClient).Transport}
	cfg := oauth1.NewConfig(f.Consumer.Key, f.Consumer.Secret)
	cfg.CallbackURL = "oob"
	cfg.Endpoint = oauth1.Endpoint{
		RequestTokenURL: base + "/oauth1.0a/request_token",
		AccessTokenURL:  base + "/oauth1.0a/access_token",
	}
	cfg.HTTPClient = &http.Client{Transport: ex, Timeout: timeout, CheckRedirect: noRedirect}
	return cfg, ex, nil
}

// exchange is the transport of one token step: it gives the request the
// step's context and keeps the answer.
type exchange struct {
	ctx    context.Context
	next   http.RoundTripper
	status int
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
	e.status, e.body = resp.StatusCode, body
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// check turns a failed step into the package's errors, without quoting
// oauth1's message (which may hold the answer's body).
func (e *exchange) check(step string, err error) error {
	if err == nil {
		return nil
	}
	switch {
	case e.status == 0:
		if e.ctx.Err() != nil {
			return fmt.Errorf("qoqa: %s: %w", step, e.ctx.Err())
		}
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return connector.Retryable(fmt.Errorf("qoqa: %s: %w: %w", step, ErrUnavailable, err))
	case e.status >= 300 && e.status < 500:
		return connector.Permanent(fmt.Errorf("qoqa: %s refused (HTTP %d): %w", step, e.status, ErrAuth))
	case e.status >= 500:
		return connector.Retryable(fmt.Errorf("qoqa: %s: HTTP %d: %w", step, e.status, ErrUnavailable))
	}
	return connector.Permanent(fmt.Errorf("qoqa: %s: the answer lacks the token: %w", step, ErrAuth))
}
