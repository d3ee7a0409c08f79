package qoqatest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dghubble/oauth1"
	"github.com/stretchr/testify/require"
)

// The fuzzers of the fake's OAuth 1.0a checker run it in-process (verify),
// with no listener: New's server is not started.
func newChecker() *Server {
	return &Server{
		opts:   Options{ConsumerKey: "ck", ConsumerSecret: "cs", NonceWindow: 5 * time.Minute},
		nonces: map[string]time.Time{},
	}
}

const fuzzTokenSecret = "ts&secret"

func tokenSecret(token string) (string, bool) { return fuzzTokenSecret, token == "tok" }

// capture is a transport that keeps the request the oauth1 client signed
// and answers nothing more.
type capture struct{ req *http.Request }

func (c *capture) RoundTrip(r *http.Request) (*http.Response, error) {
	c.req = r
	return &http.Response{StatusCode: http.StatusNoContent, Body: io.NopCloser(strings.NewReader("")), Request: r}, nil
}

// signedByClient is the request the client's signer (dghubble/oauth1, as
// qoqa.Client uses it) makes of method, target and body.
func signedByClient(t *testing.T, method, target, contentType, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, target, strings.NewReader(body))
	if err != nil {
		return nil
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	c := &capture{}
	hc := oauth1.NewConfig("ck", "cs").Client(context.WithValue(context.Background(), oauth1.HTTPClient, &http.Client{Transport: c}), oauth1.NewToken("tok", fuzzTokenSecret))
	resp, err := hc.Do(req)
	if err != nil {
		return nil // the signer refused (a body it cannot read as a form)
	}
	resp.Body.Close()
	return c.req
}

// The checker accepts every request the client's signer signs, whatever
// its method, path, query and form body, and accepts it once: the same
// request again is a replay.
func FuzzOAuthAcceptsWhatTheClientSigns(f *testing.F) {
	f.Add("GET", "/api/v1/order/", "from=2026-01-01T00:00:00+0100&to=x&a=1&b=2", "", "")
	f.Add("POST", "/oauth1.0a/access_token", "", "application/x-www-form-urlencoded; charset=utf-8", "oauth_verifier=12345678&x=%E2%82%AC+y")
	f.Add("PUT", "/api/v1/product/12", "q=%20%2B%7E*", "application/json", `{"product":{"sku":"x"}}`)
	f.Add("DELETE", "/api/v1/offer/%C3%A9t%C3%A9", "=&&k", "", "")
	f.Fuzz(func(t *testing.T, method, path, query, contentType, body string) {
		if !strings.HasPrefix(path, "/") || method == "" || strings.ContainsAny(method, " \t\r\n") {
			return
		}
		u, err := url.Parse("http://qoqa.test" + path + "?" + query)
		if err != nil || u.Path == "" || u.Host != "qoqa.test" {
			return
		}
		for k, vs := range u.Query() {
			if strings.HasPrefix(k, "oauth_") || len(vs) > 1 {
				// Protocol parameters belong in the header only (RFC 5849
				// 3.5); and the client's signer signs only the first value
				// of a repeated name, where the RFC (and the checker) sign
				// them all.
				return
			}
		}
		if ct := strings.ToLower(contentType); strings.Contains(ct, "form-urlencoded") && ct != "application/x-www-form-urlencoded" {
			return // the client's signer reads a form only under this exact type
		}
		req := signedByClient(t, method, u.String(), contentType, body)
		if req == nil {
			return
		}
		s := newChecker()
		got, err := io.ReadAll(req.Body)
		require.NoError(t, err)
		if form, ok := formOf(req, got); ok && (hasOAuthName(form) || repeats(form)) {
			return
		}
		_, ok := s.verify(req, got, tokenSecret)
		require.True(t, ok, "the checker refuses what the client signed: %s %s, %s, body %q", req.Method, req.URL, req.Header.Get("Authorization"), got)
		_, ok = s.verify(req, got, tokenSecret)
		require.False(t, ok, "the checker accepts a replay")
	})
}

// formOf is the parameters of a form body, as RFC 5849 3.4.1.3.1 signs them.
func formOf(r *http.Request, body []byte) (url.Values, bool) {
	if !strings.HasPrefix(strings.ToLower(r.Header.Get("Content-Type")), "application/x-www-form-urlencoded") {
		return nil, false
	}
	form, err := url.ParseQuery(string(body))
	return form, err == nil
}

func repeats(v url.Values) bool {
	for _, vs := range v {
		if len(vs) > 1 {
			return true
		}
	}
	return false
}

func hasOAuthName(v url.Values) bool {
	for k := range v {
		if strings.HasPrefix(k, "oauth_") {
			return true
		}
	}
	return false
}

// rfcEncode is RFC 5849 3.6: the unreserved characters stay, every other
// byte is %XX in upper case. The reference signer below uses it.
func rfcEncode(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
		} else {
			b.WriteString("%" + strings.ToUpper(strconv.FormatInt(int64(c)|0x100, 16)[1:]))
		}
	}
	return b.String()
}

// signRef signs a GET of target with the protocol parameters params as RFC
// 5849 3.4 says, written from the RFC apart from the checker: it lets the
// fuzzer choose what a real signer never sends (a timestamp far away, a
// version other than 1.0, a name sent twice or percent-encoded), and sign
// it correctly, so that only the checker's rules can refuse it. params are
// decoded names and values; header is how each name appears in the
// header (encoded or not).
func signRef(target *url.URL, params [][2]string, headerNames []string) string {
	var pairs []string
	for k, vs := range target.Query() {
		for _, v := range vs {
			pairs = append(pairs, rfcEncode(k)+"="+rfcEncode(v))
		}
	}
	for _, p := range params {
		pairs = append(pairs, rfcEncode(p[0])+"="+rfcEncode(p[1]))
	}
	slices.Sort(pairs)
	base := "GET&" + rfcEncode("http://"+target.Host+target.EscapedPath()) + "&" + rfcEncode(strings.Join(pairs, "&"))
	mac := hmac.New(sha1.New, []byte(rfcEncode("cs")+"&"+rfcEncode(fuzzTokenSecret)))
	mac.Write([]byte(base))
	var h bytes.Buffer
	h.WriteString("OAuth ")
	for i, p := range params {
		h.WriteString(headerNames[i] + `="` + rfcEncode(p[1]) + `", `)
	}
	h.WriteString(`oauth_signature="` + rfcEncode(base64.StdEncoding.EncodeToString(mac.Sum(nil))) + `"`)
	return h.String()
}

// A correctly signed request passes the checker only when RFC 5849's rules
// hold: a timestamp within the window of now (far in the future too), a
// nonce, the version 1.0 when one is sent, and each protocol parameter
// once (a name is percent-encoded in the header, so oauth%5Fnonce is
// oauth_nonce).
func FuzzOAuthRules(f *testing.F) {
	now := time.Now().Unix()
	f.Add(strconv.FormatInt(now, 10), "n1", "1.0", "", "", "a=1")
	f.Add(strconv.FormatInt(now, 10), "n2", "", "oauth%5Fnonce", "n3", "")
	f.Add(strconv.FormatInt(now, 10), "n4", "2.0", "", "", "")
	f.Add(strconv.FormatInt(now, 10), "n5", "1.0", "oauth_nonce", "n6", "")
	f.Add(strconv.FormatInt(now, 10), "n7", "1.0", "x%20y", "z", "oauth_token=tok")
	f.Add("9223372036854775807", "n8", "1.0", "", "", "")
	f.Add("-9223372036854775808", "n9", "1.0", "", "", "")
	f.Add(strconv.FormatInt(now+3600, 10), "n10", "1.0", "", "", "")
	f.Add("+"+strconv.FormatInt(now, 10), "n11", "1.0", "", "", "")
	f.Add(strconv.FormatInt(now, 10), "n12", "1.0", "x%20y", "z", "")
	f.Add(strconv.FormatInt(now, 10), "n13", "1.0", "oauth%5Fnonce", "m", "")
	f.Add(strconv.FormatInt(now, 10), "n14", "1.0", "", "", "oauth_nonce=n15")
	f.Fuzz(func(t *testing.T, timestamp, nonce, version, extraName, extraValue, query string) {
		target, err := url.Parse("http://qoqa.test/api/v1/order/?" + query)
		if err != nil {
			return
		}
		params := [][2]string{
			{"oauth_consumer_key", "ck"}, {"oauth_token", "tok"}, {"oauth_signature_method", "HMAC-SHA1"},
			{"oauth_timestamp", timestamp}, {"oauth_nonce", nonce},
		}
		names := []string{"oauth_consumer_key", "oauth_token", "oauth_signature_method", "oauth_timestamp", "oauth_nonce"}
		if version != "" {
			params = append(params, [2]string{"oauth_version", version})
			names = append(names, "oauth_version")
		}
		if extraName != "" {
			if strings.ContainsAny(extraName, `=", `) || strings.ContainsFunc(extraName, func(r rune) bool { return r < 0x21 || r > 0x7e }) {
				return // not a token the header grammar allows
			}
			decoded, err := url.PathUnescape(extraName)
			if err != nil || decoded == "realm" || decoded == "oauth_signature" {
				return
			}
			params = append(params, [2]string{decoded, extraValue})
			names = append(names, extraName)
		}
		req, err := http.NewRequest(http.MethodGet, target.String(), nil)
		if err != nil {
			return
		}
		req.Header.Set("Authorization", signRef(target, params, names))
		s := newChecker()
		_, ok := s.verify(req, nil, tokenSecret)
		if !ok {
			require.False(t, valid(timestamp, s.opts.NonceWindow, nonce, version, params, target.Query()),
				"the checker refuses a request RFC 5849 allows: %s %s", req.URL, req.Header.Get("Authorization"))
			return
		}
		ts, err := strconv.ParseInt(timestamp, 10, 64)
		require.NoError(t, err, "accepted a timestamp %q that is no number", timestamp)
		require.LessOrEqual(t, ts, time.Now().Add(s.opts.NonceWindow+time.Second).Unix(), "accepted a timestamp in the future: %q", timestamp)
		require.GreaterOrEqual(t, ts, time.Now().Add(-s.opts.NonceWindow-time.Second).Unix(), "accepted an old timestamp: %q", timestamp)
		require.NotEmpty(t, nonce, "accepted a request without a nonce")
		require.Contains(t, []string{"", "1.0"}, version, "accepted oauth_version %q", version)
		seen := map[string]bool{}
		for k := range target.Query() {
			require.False(t, strings.HasPrefix(k, "oauth_"), "accepted the protocol parameter %s in the query", k)
		}
		for _, p := range params {
			require.False(t, seen[p[0]], "accepted %s twice: %s", p[0], req.Header.Get("Authorization"))
			seen[p[0]] = true
		}
		_, ok = s.verify(req, nil, tokenSecret)
		require.False(t, ok, "the checker accepts a replay")
	})
}

// valid is whether RFC 5849 allows a request signed correctly with these
// protocol parameters and this query, a second ago or a second ahead of the
// window's edges left aside.
func valid(timestamp string, window time.Duration, nonce, version string, params [][2]string, query url.Values) bool {
	if timestamp == "" || strings.Trim(timestamp, "0123456789") != "" {
		return false
	}
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return false
	}
	if d := time.Since(time.Unix(ts, 0)); d > window-time.Second || d < -window+time.Second {
		return false
	}
	seen := map[string]bool{}
	for _, p := range params {
		if seen[p[0]] {
			return false
		}
		seen[p[0]] = true
	}
	for k := range query {
		if strings.HasPrefix(k, "oauth_") {
			return false
		}
	}
	return nonce != "" && (version == "" || version == "1.0")
}
