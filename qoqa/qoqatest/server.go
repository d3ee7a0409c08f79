// Package qoqatest is a fake QoQa server that implements the contract of
// shared/QOQA_API.md over real HTTP: the OAuth 1.0a PIN flow with real
// HMAC-SHA1 signature checks and replay protection, every resource with its
// validation rules, searches by updated_at, idempotent creates and the order
// tracking action; seeded from Go values or JSON, with call counters and
// fault injection on demand.
package qoqatest

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/qoqasync/qoqasync/internal/fakeserver"
	"github.com/qoqasync/qoqasync/qoqa"
)

// Options set up a Server; zero values mean the defaults in brackets.
type Options struct {
	ConsumerKey    string // ["consumer-key"]
	ConsumerSecret string // ["consumer-secret"]
	// AccountEmail is the account the authorization page shows as logged in.
	AccountEmail string // ["erp@example.ch"]
	// NewlineAuthorizeURL spells the request token answer's key
	// "\nauthorize_url", as some QoQa servers do.
	NewlineAuthorizeURL bool
	// NonceWindow is how far a timestamp may be from now, and how long a
	// nonce is remembered [5 min].
	NonceWindow time.Duration
	// Now is the server's clock: it dates created_at and updated_at, and
	// every answer's Date header [time.Now].
	Now func() time.Time
	// Listener is where the server listens; nil means a new one on a free
	// port of 127.0.0.1. A sandbox gives one on an address of its choice.
	Listener net.Listener
}

// Server is a running fake QoQa server.
type Server struct {
	// URL is the site's base URL.
	URL  string
	opts Options
	http *httptest.Server

	mu            sync.Mutex
	requestTokens map[string]*requestToken
	accessTokens  map[string]*accessToken
	nonces        map[string]time.Time
	records       map[string]map[int64]*stored
	nextID        map[string]int64
	idempotency   map[string]idempotent
	calls         map[string]int

	faults     fakeserver.Faults
	failStatus int // the status of FailStatus; zero takes turns among the 5xx
	statusTurn int // the 5xx whose turn it is
	retryAfter int // the Retry-After of RateLimit, in seconds
	// maintenanceRetryAfter is the Retry-After of a maintenance in
	// seconds; zero sends none.
	maintenanceRetryAfter int
}

type stored struct {
	fields    map[string]any
	createdAt time.Time
	updatedAt time.Time
}

type idempotent struct {
	id int64
	at time.Time
}

// endpoints lists each resource's methods, as the contract's table does:
// "search" is GET on the collection, "action" PUT of an order action.
var endpoints = map[string][]string{
	"shop":      {"list", "get"},
	"product":   {"create", "update", "delete", "get", "search"},
	"variation": {"create", "update", "delete", "get", "search"},
	"deal":      {"get", "search"},
	"offer":     {"create", "update", "delete", "get", "search"},
	"voucher":   {"create", "update", "delete", "get", "search"},
	"user":      {"get", "search"},
	"customer":  {"get", "search"},
	"address":   {"get", "search"},
	"order":     {"get", "search", "action"},
}

// New starts a fake server; Close stops it.
func New(opts Options) *Server {
	if opts.ConsumerKey == "" {
		opts.ConsumerKey = "consumer-key"
	}
	if opts.ConsumerSecret == "" {
		opts.ConsumerSecret = "consumer-secret"
	}
	if opts.AccountEmail == "" {
		opts.AccountEmail = "erp@example.ch"
	}
	if opts.NonceWindow <= 0 {
		opts.NonceWindow = 5 * time.Minute
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{
		opts: opts, requestTokens: map[string]*requestToken{}, accessTokens: map[string]*accessToken{},
		nonces: map[string]time.Time{}, records: map[string]map[int64]*stored{}, nextID: map[string]int64{},
		idempotency: map[string]idempotent{}, calls: map[string]int{},
	}
	for e := range endpoints {
		s.records[e] = map[int64]*stored{}
	}
	s.http = serve(opts.Listener, http.HandlerFunc(s.serveHTTP))
	s.URL = s.http.URL
	return s
}

// serve starts handler on ln, or on a free local port when ln is nil.
func serve(ln net.Listener, handler http.Handler) *httptest.Server {
	if ln == nil {
		return httptest.NewServer(handler)
	}
	srv := httptest.NewUnstartedServer(handler)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	return srv
}

// Close stops the server.
func (s *Server) Close() { s.http.Close() }

// Consumer is the consumer key and secret the server knows.
func (s *Server) Consumer() qoqa.Credentials {
	return qoqa.Credentials{Key: s.opts.ConsumerKey, Secret: s.opts.ConsumerSecret}
}

// IssueToken makes an access token without the PIN flow, for tests of the
// API calls.
func (s *Server) IssueToken() qoqa.Token {
	t := qoqa.Token{Token: randomHex(16), Secret: randomHex(16)}
	s.mu.Lock()
	s.accessTokens[t.Token] = &accessToken{secret: t.Secret}
	s.mu.Unlock()
	return t
}

// Config is a client configuration with a fresh access token.
func (s *Server) Config() qoqa.Config {
	return qoqa.Config{BaseURL: s.URL, Consumer: s.Consumer(), Token: s.IssueToken()}
}

// PIN returns the PIN the authorization page shows for a request token, as
// the user would read it.
func (s *Server) PIN(requestToken string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rt, ok := s.requestTokens[requestToken]
	if !ok {
		return "", false
	}
	return rt.pin, true
}

// RevokeToken revokes an access token: its calls get 403.
func (s *Server) RevokeToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.accessTokens[token]; ok {
		t.revoked = true
	}
}

// Calls is how many requests reached endpoint with method (GET, POST...);
// OAuth endpoints count as "oauth1.0a/request_token" and the like.
func (s *Server) Calls(endpoint, method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[endpoint+" "+method]
}

func (s *Server) count(endpoint, method string) {
	s.mu.Lock()
	s.calls[endpoint+" "+method]++
	s.mu.Unlock()
}

// Count is the number of records of an endpoint.
func (s *Server) Count(endpoint string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.records[endpoint])
}

// Seed stores records as they are, without the validation rules (history
// may break today's rules), dated now, and returns their IDs. A record is a
// resource struct (qoqa.Order...) or a map; a zero ID takes the next one.
// A field of a map whose value is a json.RawMessage is served byte for
// byte, as a broken QoQa would send it: bytes that are not UTF-8 included.
func (s *Server) Seed(endpoint string, records ...any) []qoqa.ID {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]qoqa.ID, len(records))
	for i, r := range records {
		fields, err := toFields(r)
		if err != nil {
			panic(fmt.Sprintf("qoqatest: seed %s: %v", endpoint, err))
		}
		if m, ok := r.(map[string]any); ok {
			for k, v := range m {
				if raw, ok := v.(json.RawMessage); ok {
					fields[k] = raw // JSON decoding would replace bad bytes
				}
			}
		}
		ids[i] = qoqa.ID(s.put(endpoint, fields))
	}
	return ids
}

// SeedJSON seeds from a JSON object of endpoint to a list of records. A
// field whose JSON holds bytes that are not UTF-8 is kept as it is, and
// served byte for byte (see Seed): a test can play a QoQa that sends them.
func (s *Server) SeedJSON(r io.Reader) (map[string][]qoqa.ID, error) {
	var data map[string][]map[string]json.RawMessage
	if err := json.NewDecoder(r).Decode(&data); err != nil {
		return nil, fmt.Errorf("qoqatest: seed: %w", err)
	}
	out := map[string][]qoqa.ID{}
	for endpoint, recs := range data {
		if _, ok := endpoints[endpoint]; !ok {
			return out, fmt.Errorf("qoqatest: seed: no endpoint %s", endpoint)
		}
		for _, raw := range recs {
			rec := make(map[string]any, len(raw))
			for k, v := range raw {
				if !utf8.Valid(v) {
					rec[k] = v
					continue
				}
				var val any
				if err := json.Unmarshal(v, &val); err != nil {
					return out, fmt.Errorf("qoqatest: seed %s: %s: %w", endpoint, k, err)
				}
				rec[k] = val
			}
			out[endpoint] = append(out[endpoint], s.Seed(endpoint, rec)...)
		}
	}
	return out, nil
}

// SeedFile seeds from a JSON file (see SeedJSON).
func (s *Server) SeedFile(path string) (map[string][]qoqa.ID, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return s.SeedJSON(f)
}

// Touch changes a record as a QoQa user would: fields are merged in and
// updated_at moves to now.
func (s *Server) Touch(endpoint string, id qoqa.ID, fields map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.records[endpoint][int64(id)]; ok {
		for k, v := range fields {
			r.fields[k] = v
		}
		r.updatedAt = s.now()
	}
}

// Record returns a record as the API would send it, and whether it exists.
func (s *Server) Record(endpoint string, id qoqa.ID) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.records[endpoint][int64(id)]
	if !ok {
		return nil, false
	}
	return s.render(endpoint, int64(id), r), true
}

func toFields(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	return m, json.Unmarshal(b, &m)
}

func (s *Server) now() time.Time { return s.opts.Now().UTC().Truncate(time.Second) }

// put stores fields under their id, or the next one; the caller holds mu.
func (s *Server) put(endpoint string, fields map[string]any) int64 {
	id := int64(0)
	if v, ok := fields["id"]; ok {
		n, _ := strconv.ParseInt(fmt.Sprint(v), 10, 64)
		id = n
	}
	if id == 0 {
		s.nextID[endpoint]++
		id = s.nextID[endpoint]
	} else if id > s.nextID[endpoint] {
		s.nextID[endpoint] = id
	}
	now := s.now()
	s.records[endpoint][id] = &stored{fields: clean(fields), createdAt: now, updatedAt: now}
	return id
}

// clean drops what the server computes.
func clean(fields map[string]any) map[string]any {
	out := make(map[string]any, len(fields))
	for k, v := range fields {
		switch k {
		case "id", "created_at", "updated_at", "variation_ids", "address_ids":
			continue
		}
		out[k] = v
	}
	return out
}

// render is a record as the API sends it: its fields, its id, its dates
// and the lists the server computes.
func (s *Server) render(endpoint string, id int64, r *stored) map[string]any {
	out := make(map[string]any, len(r.fields)+4)
	for k, v := range r.fields {
		out[k] = v
	}
	out["id"] = id
	out["created_at"] = r.createdAt.Format(qoqa.TimeLayout)
	out["updated_at"] = r.updatedAt.Format(qoqa.TimeLayout)
	switch endpoint {
	case "product":
		out["variation_ids"] = s.children("variation", "product_id", id)
	case "customer":
		out["address_ids"] = s.children("address", "customer_id", id)
	}
	return out
}

// children lists, as strings (the contract's quirk), the IDs of the records
// of endpoint whose field points at id.
func (s *Server) children(endpoint, field string, id int64) []any {
	out := []any{}
	want := strconv.FormatInt(id, 10)
	for cid, r := range s.records[endpoint] {
		var match bool
		switch v := r.fields[field].(type) {
		case float64: // the usual cases, without fmt's cost on every record
			match = v == float64(id) && id < 1<<53 // where the float is exact, as fmt prints it
		case int64:
			match = v == id
		case string:
			match = v == want
		default:
			match = fmt.Sprint(v) == want
		}
		if match {
			out = append(out, strconv.FormatInt(cid, 10))
		}
	}
	sortIDs(out)
	return out
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	// The server's clock is Options.Now, as a real server's is its own.
	w.Header().Set("Date", s.now().Format(http.TimeFormat))
	body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil {
		return
	}
	switch r.URL.Path {
	case "/oauth1.0a/request_token":
		s.serveRequestToken(w, r, body)
		return
	case "/oauth1.0a/authorize":
		s.serveAuthorize(w, r)
		return
	case "/oauth1.0a/access_token":
		s.serveAccessToken(w, r, body)
		return
	case "/login":
		s.count("login", r.Method)
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html><body><form>Log in to QoQa</form></body></html>")
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/api/v1/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	s.serveAPI(w, r, rest, body)
}

// writeJSON sends v with the extra top-level keys QoQa adds.
func writeJSON(w http.ResponseWriter, status int, v map[string]any) {
	v["locale"], v["uid"] = "fr", 0
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status, code int, typ, message string, extras any) {
	writeJSON(w, status, map[string]any{"errors": []any{map[string]any{"type": typ, "code": code, "message": message, "extras": extras}}})
}

// Endpoints lists the endpoints the server serves, sorted: with IDs and
// Record, a test dumps the whole shop.
func (s *Server) Endpoints() []string {
	names := make([]string, 0, len(endpoints))
	for e := range endpoints {
		names = append(names, e)
	}
	sort.Strings(names)
	return names
}

// IDs lists the IDs of an endpoint's records, ascending.
func (s *Server) IDs(endpoint string) []qoqa.ID {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]qoqa.ID, 0, len(s.records[endpoint]))
	for id := range s.records[endpoint] {
		ids = append(ids, qoqa.ID(id))
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}
