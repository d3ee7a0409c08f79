package qoqatest

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"html"
	"io"
	"math/big"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The fake's own OAuth 1.0a verifier (RFC 5849, HMAC-SHA1), written apart
// from the client's signer so that a bug in one is caught by the other.

type requestToken struct {
	secret     string
	pin        string
	authorized bool
	used       bool
}

type accessToken struct {
	secret  string
	revoked bool
}

// percentEncode is RFC 3986 encoding: everything but ALPHA DIGIT - . _ ~.
func percentEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// parseAuthHeader reads `OAuth k="v", ...`. Names and values are
// percent-encoded (RFC 5849 3.5.1), so both are decoded: oauth%5Fnonce is
// oauth_nonce. A parameter sent twice is refused (RFC 5849 3.1).
func parseAuthHeader(h string) (map[string]string, bool) {
	rest, ok := strings.CutPrefix(h, "OAuth ")
	if !ok {
		return nil, false
	}
	out := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return nil, false
		}
		uk, err := url.PathUnescape(k)
		if err != nil {
			return nil, false
		}
		uv, err := url.PathUnescape(strings.Trim(v, `"`))
		if err != nil {
			return nil, false
		}
		if _, dup := out[uk]; dup {
			return nil, false
		}
		out[uk] = uv
	}
	return out, true
}

// signedParam is one name=value pair of the signature base string.
func signedParam(k, v string) [2]string { return [2]string{percentEncode(k), percentEncode(v)} }

// timely reports whether ts, an oauth_timestamp, is a count of seconds
// (digits only, as RFC 5849 3.3 and oauthlib want it) within window of
// now, in the past or in the future.
func timely(ts string, now time.Time, window time.Duration) bool {
	if ts == "" || strings.Trim(ts, "0123456789") != "" {
		return false
	}
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	// Compare seconds, not time.Durations: a Duration saturates, and
	// the distance to a timestamp near the ends of int64 would read as
	// a small one.
	secs := int64(window / time.Second)
	return n >= now.Unix()-secs && n <= now.Unix()+secs
}

// verify checks a request's signature, timestamp and nonce; tokenSecret is
// the secret of the token it names ("" for the request-token call). It
// returns the oauth parameters.
func (s *Server) verify(r *http.Request, body []byte, tokenSecret func(token string) (string, bool)) (map[string]string, bool) {
	oauth, ok := parseAuthHeader(r.Header.Get("Authorization"))
	if !ok || oauth["oauth_signature_method"] != "HMAC-SHA1" || oauth["oauth_consumer_key"] != s.opts.ConsumerKey {
		return nil, false
	}
	// RFC 5849 3.2: a version, when sent, is 1.0.
	if v, ok := oauth["oauth_version"]; ok && v != "1.0" {
		return nil, false
	}
	if !timely(oauth["oauth_timestamp"], time.Now(), s.opts.NonceWindow) {
		return nil, false
	}
	secret, ok := tokenSecret(oauth["oauth_token"])
	if !ok {
		return nil, false
	}
	// Parameters: the query, a form body, and the oauth ones but the
	// signature and the realm.
	var pairs [][2]string
	// RFC 5849 3.5: the protocol parameters come by one way only, here
	// the header; one in the query or the form too is refused, as oauthlib
	// refuses it.
	for k, vs := range r.URL.Query() {
		if strings.HasPrefix(k, "oauth_") {
			return nil, false
		}
		for _, v := range vs {
			pairs = append(pairs, signedParam(k, v))
		}
	}
	// RFC 5849 3.4.1.3.1: a single-part form body is signed, whatever
	// parameters (a charset) its content type carries.
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err == nil && mt == "application/x-www-form-urlencoded" {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, false
		}
		for k, vs := range form {
			if strings.HasPrefix(k, "oauth_") {
				return nil, false
			}
			for _, v := range vs {
				pairs = append(pairs, signedParam(k, v))
			}
		}
	}
	for k, v := range oauth {
		if k != "oauth_signature" && k != "realm" {
			pairs = append(pairs, signedParam(k, v))
		}
	}
	slices.SortFunc(pairs, func(a, b [2]string) int {
		if c := strings.Compare(a[0], b[0]); c != 0 {
			return c
		}
		return strings.Compare(a[1], b[1])
	})
	params := make([]string, len(pairs))
	for i, p := range pairs {
		params[i] = p[0] + "=" + p[1]
	}
	host := strings.ToLower(r.Host)
	if h, port, ok := strings.Cut(host, ":"); ok && (port == "80" || port == "443") {
		host = h
	}
	base := strings.ToUpper(r.Method) + "&" + percentEncode("http://"+host+r.URL.EscapedPath()) + "&" + percentEncode(strings.Join(params, "&"))
	mac := hmac.New(sha1.New, []byte(percentEncode(s.opts.ConsumerSecret)+"&"+percentEncode(secret)))
	mac.Write([]byte(base))
	got, err := base64.StdEncoding.DecodeString(oauth["oauth_signature"])
	if err != nil || !hmac.Equal(got, mac.Sum(nil)) {
		return nil, false
	}
	// A nonce serves once within the window: a replayed request is refused.
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	for n, at := range s.nonces {
		if now.Sub(at) > 2*s.opts.NonceWindow {
			delete(s.nonces, n)
		}
	}
	nonce := oauth["oauth_nonce"] + "/" + oauth["oauth_timestamp"]
	if oauth["oauth_nonce"] == "" {
		return nil, false
	}
	if _, seen := s.nonces[nonce]; seen {
		return nil, false
	}
	s.nonces[nonce] = now
	return oauth, true
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func randomPIN() string {
	n, _ := rand.Int(rand.Reader, big.NewInt(100_000_000))
	return fmt.Sprintf("%08d", n.Int64())
}

// redirectToLogin is QoQa's answer to a request it cannot authenticate.
func (s *Server) redirectToLogin(w http.ResponseWriter) {
	w.Header().Set("Location", s.URL+"/login")
	w.WriteHeader(http.StatusFound)
}

func (s *Server) serveRequestToken(w http.ResponseWriter, r *http.Request, body []byte) {
	s.count("oauth1.0a/request_token", r.Method)
	oauth, ok := s.verify(r, body, func(token string) (string, bool) { return "", token == "" })
	if !ok || r.Method != http.MethodPost {
		s.redirectToLogin(w)
		return
	}
	if oauth["oauth_callback"] != "oob" {
		http.Error(w, "oauth_callback must be oob", http.StatusBadRequest)
		return
	}
	token, secret, pin := randomHex(16), randomHex(16), randomPIN()
	s.mu.Lock()
	s.requestTokens[token] = &requestToken{secret: secret, pin: pin}
	s.mu.Unlock()
	key := "authorize_url"
	if s.opts.NewlineAuthorizeURL {
		key = "\nauthorize_url"
	}
	w.Header().Set("Content-Type", "application/x-www-form-urlencoded")
	io.WriteString(w, "oauth_token="+url.QueryEscape(token)+"&oauth_token_secret="+url.QueryEscape(secret)+
		"&oauth_callback_confirmed=true&"+key+"="+url.QueryEscape(s.URL+"/oauth1.0a/authorize"))
}

// serveAuthorize is the page where the user, logged in with the account
// meant for the ERP, accepts and is shown the PIN.
func (s *Server) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	s.count("oauth1.0a/authorize", r.Method)
	token := r.URL.Query().Get("oauth_token")
	s.mu.Lock()
	rt, ok := s.requestTokens[token]
	if ok && !rt.used {
		rt.authorized = true
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if !ok || rt.used {
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, "<html><body><p>This authorization request is unknown or was already used.</p></body></html>")
		return
	}
	fmt.Fprintf(w, `<html><body><h1>QoQa</h1><p>You are logged in as %s. The application asks for access to your account.</p>
<p>Access granted. Enter this PIN in the application: <code id="pin">%s</code></p></body></html>`, html.EscapeString(s.opts.AccountEmail), rt.pin)
}

func (s *Server) serveAccessToken(w http.ResponseWriter, r *http.Request, body []byte) {
	s.count("oauth1.0a/access_token", r.Method)
	var rt *requestToken
	oauth, ok := s.verify(r, body, func(token string) (string, bool) {
		s.mu.Lock()
		defer s.mu.Unlock()
		rt = s.requestTokens[token]
		if rt == nil {
			return "", false
		}
		return rt.secret, true
	})
	if !ok || r.Method != http.MethodPost {
		s.redirectToLogin(w) // a bad signature, as on every endpoint
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	valid := !rt.used && rt.authorized && hmac.Equal([]byte(oauth["oauth_verifier"]), []byte(rt.pin))
	rt.used = true // a request token and its PIN serve once, right or wrong
	if !valid {
		http.Error(w, "invalid or used request token or PIN", http.StatusUnauthorized)
		return
	}
	token, secret := randomHex(16), randomHex(16)
	s.accessTokens[token] = &accessToken{secret: secret}
	w.Header().Set("Content-Type", "application/x-www-form-urlencoded")
	io.WriteString(w, "oauth_token="+url.QueryEscape(token)+"&oauth_token_secret="+url.QueryEscape(secret))
}
