package qoqa_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/qoqa"
	"github.com/qoqasync/qoqasync/qoqa/qoqatest"
)

func newServer(t *testing.T, opts qoqatest.Options) *qoqatest.Server {
	s := qoqatest.New(opts)
	t.Cleanup(s.Close)
	return s
}

// readPIN opens the authorization page as the user would and reads the PIN.
func readPIN(t *testing.T, authURL string) string {
	resp, err := http.Get(authURL)
	require.NoError(t, err)
	defer resp.Body.Close()
	page, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", page)
	_, rest, ok := strings.Cut(string(page), `<code id="pin">`)
	require.True(t, ok, "no PIN on the page: %s", page)
	pin, _, _ := strings.Cut(rest, "</code>")
	return pin
}

func TestPINFlowEndToEnd(t *testing.T) {
	t.Parallel()
	for _, quirk := range []bool{false, true} {
		t.Run(map[bool]string{false: "authorize_url", true: "newline authorize_url"}[quirk], func(t *testing.T) {
			s := newServer(t, qoqatest.Options{NewlineAuthorizeURL: quirk})
			ctx := context.Background()
			flow := &qoqa.PINFlow{BaseURL: s.URL, Consumer: s.Consumer()}
			auth, err := flow.Start(ctx)
			require.NoError(t, err)
			u, err := url.Parse(auth.URL)
			require.NoError(t, err)
			assert.Equal(t, "/oauth1.0a/authorize", u.Path)
			assert.Equal(t, auth.RequestToken.Token, u.Query().Get("oauth_token"))

			pin := readPIN(t, auth.URL)
			want, _ := s.PIN(auth.RequestToken.Token)
			assert.Equal(t, want, pin)
			token, err := flow.Finish(ctx, auth, pin)
			require.NoError(t, err)

			c, err := qoqa.New(qoqa.Config{BaseURL: s.URL, Consumer: s.Consumer(), Token: token})
			require.NoError(t, err)
			_, err = c.Shops.List(ctx)
			require.NoError(t, err, "the access token works")

			_, err = flow.Finish(ctx, auth, pin)
			assert.ErrorIs(t, err, qoqa.ErrAuth, "a PIN serves once")
		})
	}
}

func TestPINFlowRefusals(t *testing.T) {
	t.Parallel()
	s := newServer(t, qoqatest.Options{})
	ctx := context.Background()
	flow := &qoqa.PINFlow{BaseURL: s.URL, Consumer: s.Consumer()}

	auth, err := flow.Start(ctx)
	require.NoError(t, err)
	readPIN(t, auth.URL)
	_, err = flow.Finish(ctx, auth, "00000000x")
	require.ErrorIs(t, err, qoqa.ErrAuth, "a wrong PIN")
	pin, _ := s.PIN(auth.RequestToken.Token)
	_, err = flow.Finish(ctx, auth, pin)
	require.ErrorIs(t, err, qoqa.ErrAuth, "a request token serves once, even after a wrong PIN")

	auth, err = flow.Start(ctx)
	require.NoError(t, err)
	pin, _ = s.PIN(auth.RequestToken.Token)
	_, err = flow.Finish(ctx, auth, pin)
	require.ErrorIs(t, err, qoqa.ErrAuth, "a PIN of a page the user never opened")

	bad := &qoqa.PINFlow{BaseURL: s.URL, Consumer: qoqa.Credentials{Key: s.Consumer().Key, Secret: "wrong-secret"}}
	_, err = bad.Start(ctx)
	require.ErrorIs(t, err, qoqa.ErrAuth, "a request signed with a wrong secret")
	assert.NotContains(t, err.Error(), "wrong-secret")
	assert.False(t, temporary(err))
}

func TestWrongSecretAndRevokedToken(t *testing.T) {
	t.Parallel()
	s := newServer(t, qoqatest.Options{})
	ctx := context.Background()
	cfg := s.Config()
	good, err := qoqa.New(cfg)
	require.NoError(t, err)
	_, err = good.Shops.List(ctx)
	require.NoError(t, err)

	cfg.Token.Secret = "not-the-secret"
	bad, err := qoqa.New(cfg)
	require.NoError(t, err)
	_, err = bad.Shops.List(ctx)
	require.ErrorIs(t, err, qoqa.ErrAuth, "a 302 to the login page is an authentication error")
	var apiErr *qoqa.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusFound, apiErr.StatusCode)
	assert.NotContains(t, err.Error(), "not-the-secret")
	assert.Zero(t, s.Calls("login", http.MethodGet), "the redirect must not be followed")

	s.RevokeToken(s.Config().Token.Token) // another token: no effect on good
	_, err = good.Shops.List(ctx)
	require.NoError(t, err)
	cfg = s.Config()
	revoked, err := qoqa.New(cfg)
	require.NoError(t, err)
	s.RevokeToken(cfg.Token.Token)
	_, err = revoked.Shops.List(ctx)
	require.ErrorIs(t, err, qoqa.ErrAuth)
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusForbidden, apiErr.StatusCode)
	assert.False(t, temporary(err))
}

// recorder keeps the last request sent, body included, to replay it.
type recorder struct {
	next http.RoundTripper
	req  *http.Request
	body []byte
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.req = req.Clone(req.Context())
	if req.Body != nil {
		r.body, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(strings.NewReader(string(r.body)))
	}
	return r.next.RoundTrip(req)
}

func TestReplayedNonceIsRefused(t *testing.T) {
	t.Parallel()
	s := newServer(t, qoqatest.Options{})
	rec := &recorder{next: http.DefaultTransport}
	cfg := s.Config()
	cfg.HTTPClient = &http.Client{Transport: rec}
	c, err := qoqa.New(cfg)
	require.NoError(t, err)
	_, err = c.Shops.List(context.Background())
	require.NoError(t, err)

	replay, err := http.NewRequest(rec.req.Method, rec.req.URL.String(), nil)
	require.NoError(t, err)
	replay.Header = rec.req.Header.Clone()
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(replay)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusFound, resp.StatusCode, "the same signed request twice must be refused")
	assert.Equal(t, s.URL+"/login", resp.Header.Get("Location"))
}

func TestSecretsNeverPrinted(t *testing.T) {
	t.Parallel()
	creds := qoqa.Credentials{Key: "key", Secret: "consumer-s3cret"}
	tok := qoqa.Token{Token: "tok", Secret: "token-s3cret"}
	auth := qoqa.Authorization{URL: "https://x", RequestToken: tok}
	for _, s := range []string{fmtAll(creds), fmtAll(tok), fmtAll(auth)} {
		assert.NotContains(t, s, "s3cret")
	}
}

func TestFileTokenStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "token.json")
	store := qoqa.FileTokenStore{Path: path}
	_, err := store.Load(ctx)
	require.ErrorIs(t, err, qoqa.ErrNoToken)

	tok := qoqa.Token{Token: "abc", Secret: "s3cret"}
	require.NoError(t, store.Save(ctx, tok))
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	got, err := store.Load(ctx)
	require.NoError(t, err)
	assert.Equal(t, tok, got)

	require.NoError(t, store.Save(ctx, qoqa.Token{Token: "def", Secret: "s3cret2"}), "a second save replaces the first")
	got, err = store.Load(ctx)
	require.NoError(t, err)
	assert.Equal(t, "def", got.Token)
	entries, _ := os.ReadDir(filepath.Dir(path))
	assert.Len(t, entries, 1, "no temporary file is left behind")

	require.NoError(t, os.Chmod(path, 0o644))
	_, err = store.Load(ctx)
	require.ErrorContains(t, err, "others may read it")
	assert.NotContains(t, err.Error(), "s3cret")

	require.NoError(t, os.WriteFile(path, []byte("{not json s3cret"), 0o600))
	_, err = store.Load(ctx)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "s3cret")

	mem := &qoqa.MemoryTokenStore{}
	_, err = mem.Load(ctx)
	require.ErrorIs(t, err, qoqa.ErrNoToken)
	require.NoError(t, mem.Save(ctx, tok))
	got, err = mem.Load(ctx)
	require.NoError(t, err)
	assert.Equal(t, tok, got)
}

// Every failure of a PIN-flow step is an *Error whose status errors.As
// reads, and every error of a step names that step's path.
func TestPINFlowErrors(t *testing.T) {
	t.Parallel()
	s := newServer(t, qoqatest.Options{})
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	stub := func(status int, body string) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/x-www-form-urlencoded")
			w.WriteHeader(status)
			io.WriteString(w, body)
		}))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	started := func(t *testing.T) qoqa.Authorization {
		auth, err := (&qoqa.PINFlow{BaseURL: s.URL, Consumer: s.Consumer()}).Start(context.Background())
		require.NoError(t, err)
		readPIN(t, auth.URL)
		return auth
	}
	const startPath, finishPath = "POST /oauth1.0a/request_token", "POST /oauth1.0a/access_token"
	for name, tc := range map[string]struct {
		base     string
		consumer qoqa.Credentials
		finish   string // the PIN to finish with; empty: only start
		path     string
		status   int
		kind     error
	}{
		"start, a wrong consumer secret": {s.URL, qoqa.Credentials{Key: "consumer-key", Secret: "wrong"}, "", startPath, http.StatusFound, qoqa.ErrAuth},
		"start, no server":               {closed.URL, s.Consumer(), "", startPath, 0, qoqa.ErrUnavailable},
		"start, a 503":                   {stub(http.StatusServiceUnavailable, "busy"), s.Consumer(), "", startPath, http.StatusServiceUnavailable, qoqa.ErrUnavailable},
		"start, a 400":                   {stub(http.StatusBadRequest, "no"), s.Consumer(), "", startPath, http.StatusBadRequest, qoqa.ErrAuth},
		"start, a 200 without the token": {stub(http.StatusOK, "oauth_token_secret=x"), s.Consumer(), "", startPath, http.StatusOK, nil},
		"start, a 200 without authorize_url": {stub(http.StatusOK, "oauth_token=a&oauth_token_secret=b&oauth_callback_confirmed=true"), s.Consumer(), "",
			startPath, http.StatusOK, nil},
		"finish, a wrong PIN": {s.URL, s.Consumer(), "000000000", finishPath, http.StatusUnauthorized, qoqa.ErrAuth},
		// QoQa's errors list is read under any status, as for the API calls;
		// one that no retry mends asks for a new flow.
		"start, code 4 in a 200": {stub(http.StatusOK, `{"errors": [{"type": "x", "code": 4, "message": "bad"}]}`), s.Consumer(), "", startPath, http.StatusOK, qoqa.ErrAuth},
		"start, code 2 in a 200": {stub(http.StatusOK, `{"errors": [{"type": "x", "code": 2, "message": "gone"}]}`), s.Consumer(), "", startPath, http.StatusOK, qoqa.ErrAuth},
		"start, code 17 in a 503": {stub(http.StatusServiceUnavailable, `{"errors": [{"type": "x", "code": 17, "message": "later"}]}`), s.Consumer(), "",
			startPath, http.StatusServiceUnavailable, qoqa.ErrMaintenance},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			flow := &qoqa.PINFlow{BaseURL: tc.base, Consumer: tc.consumer}
			var err error
			if tc.finish == "" {
				_, err = flow.Start(context.Background())
			} else {
				_, err = flow.Finish(context.Background(), started(t), tc.finish)
			}
			var apiErr *qoqa.Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.status, apiErr.StatusCode)
			assert.Contains(t, err.Error(), "qoqa: "+tc.path+": ")
			if tc.kind != nil {
				assert.ErrorIs(t, err, tc.kind)
			}
			assert.Equal(t, tc.kind == qoqa.ErrUnavailable || tc.kind == qoqa.ErrMaintenance, apiErr.Temporary())
			assert.NotContains(t, err.Error(), "wrong")
			assert.NotContains(t, err.Error(), s.Consumer().Secret)
		})
	}

	_, err := (&qoqa.PINFlow{BaseURL: s.URL, Consumer: s.Consumer()}).Finish(context.Background(), qoqa.Authorization{}, " ")
	require.ErrorContains(t, err, "qoqa: "+finishPath+": the PIN is empty")
	_, err = (&qoqa.PINFlow{BaseURL: "ftp://x", Consumer: s.Consumer()}).Start(context.Background())
	require.ErrorContains(t, err, "qoqa: "+startPath+": ")
}
