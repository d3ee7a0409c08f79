// Package openerptest is a fake OpenERP server for tests and demos that
// follows OpenERP 7.0's own source: real HTTP and real XML-RPC, the
// common service (version, login, authenticate) and the object service
// (execute and execute_kw, with Python's rules for arguments, so a keyword
// a method does not take is a TypeError), in-memory models with OpenERP's
// habits (False for empty values, many2one pairs, __last_update, x2many
// commands, domains with SQL's NULL and child_of, the lang context with
// its fallback to the source, active_test, checked selections, foreign
// keys' ondelete, read leaving missing records and unknown fields out,
// unlink of a missing record succeeding), its faults spelled as 7.0
// spells them, call counters and fault injection on demand.
//
// By default it is an OpenERP 7.0 and serves only /xmlrpc/ (string fault
// codes). With Options.Version 8 it is an Odoo 8: /xmlrpc/2/ too (integer
// fault codes), search_read, fields_get's attributes, and create_date,
// write_date and __last_update as fields.
package openerptest

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

	"github.com/qoqasync/qoqasync/internal/fakeserver"
	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/openerp/internal/wire"
)

// Options set up a Server; zero values mean the defaults in brackets.
type Options struct {
	// Version is the major version the server plays: 7 (OpenERP 7.0) or 8
	// (Odoo 8.0) [7].
	Version  int
	Database string // ["test"]
	User     string // ["admin"]
	Password string // ["admin"]
	// Models replaces DefaultModels.
	Models map[string]map[string]Field
	// Now is the server's clock, which dates write_date and the Date
	// header of every answer [time.Now].
	Now func() time.Time
	// Listener is where the server listens; nil means a new one on a free
	// port of 127.0.0.1. A sandbox gives one on an address of its choice.
	Listener net.Listener
}

// Server is a running fake OpenERP server.
type Server struct {
	// URL is the base URL to give the client.
	URL  string
	opts Options
	http *httptest.Server

	mu       sync.Mutex
	uid      int64
	password string
	models   map[string]*model
	calls    map[string]int
	requests map[string]int

	faults       fakeserver.Faults
	retryAfter   time.Duration // the Retry-After of a throttled answer
	concurrentMu sync.Mutex
	// rewrite, when set, changes the answers of object calls (see
	// RewriteAnswers); under concurrentMu.
	rewrite func(model, method string, answer []byte) []byte
}

// New starts a fake server; Close stops it.
func New(opts Options) *Server {
	if opts.Version == 0 {
		opts.Version = 7
	}
	if opts.Version != 7 && opts.Version != 8 {
		panic(fmt.Sprintf("openerptest: version %d is neither 7 nor 8", opts.Version))
	}
	if opts.Database == "" {
		opts.Database = "test"
	}
	if opts.User == "" {
		opts.User = "admin"
	}
	if opts.Password == "" {
		opts.Password = "admin"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Models == nil {
		opts.Models = DefaultModels()
	}
	s := &Server{opts: opts, uid: 1, password: opts.Password, models: map[string]*model{}, calls: map[string]int{}, requests: map[string]int{}}
	for name, flds := range opts.Models {
		s.models[name] = newModel(name, flds, opts.Version)
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

// Config is a client configuration for this server: its URL and
// credentials, and no Path, so that the client picks the paths from the
// server's version.
func (s *Server) Config() openerp.Config {
	return openerp.Config{URL: s.URL, Database: s.opts.Database, User: s.opts.User, Password: s.opts.Password}
}

// SetPassword changes the user's password, as an administrator would:
// calls with the old one are refused from now on.
func (s *Server) SetPassword(password string) {
	s.mu.Lock()
	s.password = password
	s.mu.Unlock()
}

// SetUserID gives the user another uid, as restoring the database from
// another server's backup can: calls with the old uid are refused, and a
// new login answers the new one.
func (s *Server) SetUserID(uid int64) {
	s.mu.Lock()
	s.uid = uid
	s.mu.Unlock()
}

// Requests is how many requests reached path ("/xmlrpc/object",
// "/xmlrpc/2/common"), served or not.
func (s *Server) Requests(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[path]
}

// Calls is how many times method was called on model; common calls
// (version, login) count under the model "".
func (s *Server) Calls(model, method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[model+"."+method]
}

// The kinds of fault armed with fakeserver.Faults.
const (
	fault503            = "503"
	faultDrop           = "drop"
	faultCommitThenDrop = "commit then drop"
	faultGarbage        = "garbage"
	faultThrottle       = "429"
	faultConcurrency    = "concurrency"
	// faultCommitThenDropWrite is commit-then-drop drawn by rate: only the
	// ORM's create and write, the calls whose lost answer may double a
	// record.
	faultCommitThenDropWrite = "commit then drop a write"
)

// FaultRates are the shares (0 to 1) of calls that fail each way, drawn
// from a source seeded with Seed so that a run can be repeated: a test
// that syncs much data under faults of every kind at once sets them with
// SetFaultRates.
type FaultRates struct {
	Seed uint64
	// Status answers 503 Service Unavailable, as a proxy in front of a
	// busy or restarting OpenERP does.
	Status float64
	// Drop closes the connection without an answer, before doing anything.
	Drop float64
	// Throttle answers 429 Too Many Requests with a Retry-After of
	// RetryAfter.
	Throttle float64
	// Concurrency fails an ORM call with OpenERP 7.0's "could not
	// serialize access due to concurrent update", before doing anything.
	Concurrency float64
	// CommitThenDrop does an ORM create or write, then closes the
	// connection without an answer.
	CommitThenDrop float64
	// RetryAfter is the wait a throttled answer asks for, in whole
	// seconds [1 s].
	RetryAfter time.Duration
}

// SetFaultRates makes shares of the calls fail as r says, on top of the
// faults armed by count; a zero FaultRates stops them.
func (s *Server) SetFaultRates(r FaultRates) {
	if r.RetryAfter <= 0 {
		r.RetryAfter = time.Second
	}
	s.concurrentMu.Lock()
	s.retryAfter = r.RetryAfter
	s.concurrentMu.Unlock()
	s.faults.Seed(r.Seed)
	for kind, rate := range map[string]float64{
		fault503: r.Status, faultDrop: r.Drop, faultThrottle: r.Throttle,
		faultConcurrency: r.Concurrency, faultCommitThenDropWrite: r.CommitThenDrop,
	} {
		s.faults.SetRate(kind, rate)
	}
}

// InjectedFaults is how many calls failed each way so far, by count or by
// rate: "503", "drop", "429", "concurrency", "garbage", "commit then drop",
// "commit then drop <model>.<method>" and "commit then drop a write" (by
// rate).
func (s *Server) InjectedFaults() map[string]int { return s.faults.Injected() }

// Latency delays every answer by d.
func (s *Server) Latency(d time.Duration) { s.faults.SetLatency(d) }

// ConcurrencyFaults makes a share (0 to 1) of ORM calls fail with OpenERP's
// "could not serialize access due to concurrent update", before doing
// anything.
func (s *Server) ConcurrencyFaults(rate float64) { s.faults.SetRate(faultConcurrency, rate) }

// Fail503 answers the next n calls with 503 Service Unavailable.
func (s *Server) Fail503(n int) { s.faults.Arm(fault503, n) }

// DropConnections closes the connection of the next n calls without an
// answer, before doing anything.
func (s *Server) DropConnections(n int) { s.faults.Arm(faultDrop, n) }

// CommitThenDrop does the next n calls, then closes their connection
// without an answer: the caller cannot know that the work was done.
func (s *Server) CommitThenDrop(n int) { s.faults.Arm(faultCommitThenDrop, n) }

// CommitThenDropOn does what CommitThenDrop does to the next n calls of
// method on model only, so that a test loses exactly the answer it means
// to (the create of one record among the many calls of a sync).
func (s *Server) CommitThenDropOn(model, method string, n int) {
	s.faults.Arm(commitThenDropOn(model, method), n)
}

func commitThenDropOn(model, method string) string {
	return faultCommitThenDrop + " " + model + "." + method
}

// objectCall is the model and method an object call (execute, execute_kw)
// names, or "" for another call.
func objectCall(method string, params []any) (string, string) {
	if (method != "execute" && method != "execute_kw") || len(params) < 5 {
		return "", ""
	}
	model, _ := params[3].(string)
	name, _ := params[4].(string)
	return model, name
}

// RewriteAnswers passes the answer of every object call (model and method
// named, as execute_kw names them) through fn before it is sent, for a
// test of answers no OpenERP database would make: bytes that are not UTF-8,
// which PostgreSQL refuses to store, can still come from a broken proxy or
// module. nil stops rewriting.
func (s *Server) RewriteAnswers(fn func(model, method string, answer []byte) []byte) {
	s.concurrentMu.Lock()
	s.rewrite = fn
	s.concurrentMu.Unlock()
}

// Throttle answers the next n calls with 429 Too Many Requests and a
// Retry-After of retryAfter (whole seconds), as a rate-limiting proxy in
// front of OpenERP would.
func (s *Server) Throttle(n int, retryAfter time.Duration) {
	s.concurrentMu.Lock()
	s.retryAfter = retryAfter
	s.concurrentMu.Unlock()
	s.faults.Arm(faultThrottle, n)
}

// Garbage answers the next n calls with a 200 that is not XML-RPC.
func (s *Server) Garbage(n int) { s.faults.Arm(faultGarbage, n) }

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests[r.URL.Path]++
	s.mu.Unlock()
	var legacy bool
	var service string
	switch r.URL.Path {
	case "/xmlrpc/common", "/xmlrpc/object":
		legacy, service = true, strings.TrimPrefix(r.URL.Path, "/xmlrpc/")
	case "/xmlrpc/2/common", "/xmlrpc/2/object":
		if s.opts.Version < 8 {
			http.NotFound(w, r) // OpenERP 7.0 has no /xmlrpc/2/
			return
		}
		service = strings.TrimPrefix(r.URL.Path, "/xmlrpc/2/")
	default:
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		http.Error(w, "XML-RPC takes POST", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Date", s.opts.Now().UTC().Format(http.TimeFormat)) // the server's clock
	if !s.faults.Delay(r.Context()) {
		return
	}
	switch {
	case s.faults.Take(fault503):
		http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
		return
	case s.faults.Take(faultThrottle):
		s.concurrentMu.Lock()
		secs := int(s.retryAfter / time.Second)
		s.concurrentMu.Unlock()
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		http.Error(w, "Too Many Requests", http.StatusTooManyRequests)
		return
	case s.faults.Take(faultDrop):
		fakeserver.HangUp(w)
		return
	case s.faults.Take(faultGarbage):
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html><body>Internal proxy page</body></html>")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if err != nil {
		return
	}
	method, params, err := wire.DecodeCall(body)
	if err != nil {
		s.writeFault(w, legacy, raise("ExpatError", "%v", err))
		return
	}
	var result any
	var fault *rpcFault
	if service == "common" {
		result, fault = s.common(method, params)
	} else {
		result, fault = s.object(method, params)
	}
	if s.faults.Take(faultCommitThenDrop) {
		fakeserver.HangUp(w)
		return
	}
	if model, name := objectCall(method, params); service == "object" && model != "" &&
		(s.faults.Take(commitThenDropOn(model, name)) || (name == "create" || name == "write") && s.faults.Take(faultCommitThenDropWrite)) {
		fakeserver.HangUp(w)
		return
	}
	if fault != nil {
		s.writeFault(w, legacy, fault)
		return
	}
	out, err := wire.EncodeResponse(result)
	if err != nil {
		s.writeFault(w, legacy, raise("TypeError", "cannot marshal %T objects", result))
		return
	}
	if model, name := objectCall(method, params); service == "object" && model != "" {
		s.concurrentMu.Lock()
		rewrite := s.rewrite
		s.concurrentMu.Unlock()
		if rewrite != nil {
			out = rewrite(model, name, out)
		}
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Write(out)
}

func (s *Server) count(model, method string) {
	s.mu.Lock()
	s.calls[model+"."+method]++
	s.mu.Unlock()
}

// writeFault answers a fault as OpenERP does: with 200 OK.
func (s *Server) writeFault(w http.ResponseWriter, legacy bool, f *rpcFault) {
	code, faultString := f.spell(legacy)
	out, err := wire.EncodeFault(wire.Fault{Code: code, String: faultString})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Write(out)
}

// Seed creates records in model as the ORM would (x2many commands
// included) and returns their IDs. It panics on a record the model refuses:
// seeds are test data.
func (s *Server) Seed(modelName string, records ...map[string]any) []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.models[modelName]
	if !ok {
		panic(fmt.Sprintf("openerptest: no model %s", modelName))
	}
	ids := make([]int64, len(records))
	for i, r := range records {
		id, fault := s.create(m, r)
		if fault != nil {
			panic(fmt.Sprintf("openerptest: seed %s: %v", modelName, fault))
		}
		ids[i] = id
	}
	return ids
}

// Translate writes a record's translatable fields in each language, as a
// write with the lang context would: seed data in several languages. It
// panics on a write the model refuses.
func (s *Server) Translate(modelName string, id int64, byLang map[string]map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.models[modelName]
	if !ok {
		panic(fmt.Sprintf("openerptest: no model %s", modelName))
	}
	for lang, vals := range byLang {
		if fault := s.write(m, []int64{id}, vals, lang); fault != nil {
			panic(fmt.Sprintf("openerptest: translate %s %d in %s: %v", modelName, id, lang, fault))
		}
	}
}

// SeedJSON seeds from a JSON object of model name to a list of records, in
// the order the models appear in ... any order: relations must point at IDs
// the file seeds in an earlier model or that exist already.
func (s *Server) SeedJSON(r io.Reader) (map[string][]int64, error) {
	var data map[string][]map[string]any
	dec := json.NewDecoder(r)
	dec.UseNumber()
	if err := dec.Decode(&data); err != nil {
		return nil, fmt.Errorf("openerptest: seed: %w", err)
	}
	out := map[string][]int64{}
	s.mu.Lock()
	defer s.mu.Unlock()
	for name, recs := range data {
		m, ok := s.models[name]
		if !ok {
			return out, fmt.Errorf("openerptest: seed: no model %s", name)
		}
		for _, rec := range recs {
			id, fault := s.create(m, jsonValues(rec).(map[string]any))
			if fault != nil {
				return out, fmt.Errorf("openerptest: seed %s: %v", name, fault)
			}
			out[name] = append(out[name], id)
		}
	}
	return out, nil
}

// SeedFile seeds from a JSON file (see SeedJSON).
func (s *Server) SeedFile(path string) (map[string][]int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return s.SeedJSON(f)
}

// jsonValues turns json.Numbers into int64 or float64, as XML-RPC would.
func jsonValues(v any) any {
	switch x := v.(type) {
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		f, _ := x.Float64()
		return f
	case []any:
		for i := range x {
			x[i] = jsonValues(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = jsonValues(x[k])
		}
	}
	return v
}

// AddField adds a field to a model, as a module (or base_custom_attributes
// for an x_* attribute) would.
func (s *Server) AddField(modelName, field string, fl Field) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m, ok := s.models[modelName]; ok {
		m.fields[field] = fl
	}
}

// Get returns a record as read in lang ("" for the base language) with
// every field, and whether it exists (archived ones included; its x2many
// lists leave archived records out, as a read does).
func (s *Server) Get(modelName string, id int64, lang string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.models[modelName]
	if !ok {
		return nil, false
	}
	r, ok := m.records[id]
	if !ok {
		return nil, false
	}
	return s.render(m, r, nil, map[string]any{"lang": lang}), true
}

// Count is the number of records of model, archived ones included.
func (s *Server) Count(modelName string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m, ok := s.models[modelName]; ok {
		return len(m.records)
	}
	return 0
}

// Models lists the names of the models the server knows, sorted: with IDs,
// Fields and Get, a test dumps the whole database.
func (s *Server) Models() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.models))
	for name := range s.models {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// IDs lists the IDs of model's records, archived ones included, ascending.
func (s *Server) IDs(modelName string) []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.models[modelName]
	if !ok {
		return nil
	}
	ids := make([]int64, 0, len(m.records))
	for id := range m.records {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// Fields returns a copy of model's fields (nil for an unknown model): a
// dump tells the references (many2one, one2many, many2many) by their type.
func (s *Server) Fields(modelName string) map[string]Field {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.models[modelName]
	if !ok {
		return nil
	}
	out := make(map[string]Field, len(m.fields))
	for k, v := range m.fields {
		out[k] = v
	}
	return out
}
