// Package openerptest is a fake OpenERP 7 server for tests and demos: real
// HTTP and real XML-RPC on /xmlrpc/ (OpenERP 7: string fault codes) and
// /xmlrpc/2/ (Odoo 8+: integer fault codes, search_read), in-memory models
// with OpenERP's habits (False for empty values, many2one pairs, write_date,
// x2many commands, domains, the lang context, active_test), call counters
// and fault injection on demand.
package openerptest

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
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
	Database string // ["test"]
	User     string // ["admin"]
	Password string // ["admin"]
	// Models replaces DefaultModels.
	Models map[string]map[string]Field
	// Now is the server's clock [time.Now].
	Now func() time.Time
}

// Server is a running fake OpenERP server.
type Server struct {
	// URL is the base URL to give the client.
	URL  string
	opts Options
	http *httptest.Server
	uid  int64

	mu     sync.Mutex
	models map[string]*model
	calls  map[string]int

	faults       fakeserver.Faults
	retryAfter   time.Duration // the Retry-After of a throttled answer
	concurrency  float64       // the share of ORM calls that fail with a concurrency fault
	concurrentMu sync.Mutex
}

// New starts a fake server; Close stops it.
func New(opts Options) *Server {
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
	s := &Server{opts: opts, uid: 1, models: map[string]*model{}, calls: map[string]int{}}
	for name, flds := range opts.Models {
		s.models[name] = newModel(name, flds)
	}
	s.http = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.URL = s.http.URL
	return s
}

// Close stops the server.
func (s *Server) Close() { s.http.Close() }

// Config is a client configuration for this server on path (openerp.PathV7
// or openerp.PathV8).
func (s *Server) Config(path string) openerp.Config {
	return openerp.Config{URL: s.URL, Database: s.opts.Database, User: s.opts.User, Password: s.opts.Password, Path: path}
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
)

// Latency delays every answer by d.
func (s *Server) Latency(d time.Duration) { s.faults.SetLatency(d) }

// ConcurrencyFaults makes a share (0 to 1) of ORM calls fail with OpenERP's
// "could not serialize access due to concurrent update", before doing
// anything.
func (s *Server) ConcurrencyFaults(rate float64) {
	s.concurrentMu.Lock()
	s.concurrency = rate
	s.concurrentMu.Unlock()
}

// Fail503 answers the next n calls with 503 Service Unavailable.
func (s *Server) Fail503(n int) { s.faults.Arm(fault503, n) }

// DropConnections closes the connection of the next n calls without an
// answer, before doing anything.
func (s *Server) DropConnections(n int) { s.faults.Arm(faultDrop, n) }

// CommitThenDrop does the next n calls, then closes their connection
// without an answer: the caller cannot know that the work was done.
func (s *Server) CommitThenDrop(n int) { s.faults.Arm(faultCommitThenDrop, n) }

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

// concurrencyFault draws whether this call fails with a concurrency fault.
func (s *Server) concurrencyFault() bool {
	s.concurrentMu.Lock()
	defer s.concurrentMu.Unlock()
	return s.concurrency > 0 && rand.Float64() < s.concurrency
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	var v7 bool
	var endpoint string
	switch r.URL.Path {
	case "/xmlrpc/common", "/xmlrpc/object":
		v7, endpoint = true, strings.TrimPrefix(r.URL.Path, "/xmlrpc/")
	case "/xmlrpc/2/common", "/xmlrpc/2/object":
		endpoint = strings.TrimPrefix(r.URL.Path, "/xmlrpc/2/")
	default:
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		http.Error(w, "XML-RPC takes POST", http.StatusMethodNotAllowed)
		return
	}
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
		s.writeFault(w, v7, faultf(kindOther, "ExpatError: %v", err))
		return
	}
	var result any
	var fault *rpcFault
	if endpoint == "common" {
		result, fault = s.common(method, params)
	} else if method == "execute_kw" && s.concurrencyFault() {
		fault = faultf(kindConcurrency, "could not serialize access due to concurrent update")
	} else {
		result, fault = s.object(v7, method, params)
	}
	if s.faults.Take(faultCommitThenDrop) {
		fakeserver.HangUp(w)
		return
	}
	if fault != nil {
		s.writeFault(w, v7, fault)
		return
	}
	out, err := wire.EncodeResponse(result)
	if err != nil {
		s.writeFault(w, v7, faultf(kindOther, "cannot marshal %T: %v", result, err))
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Write(out)
}

func (s *Server) count(model, method string) {
	s.mu.Lock()
	s.calls[model+"."+method]++
	s.mu.Unlock()
}

func (s *Server) common(method string, params []any) (any, *rpcFault) {
	s.count("", method)
	switch method {
	case "version":
		return map[string]any{"server_version": "7.0", "server_version_info": []any{int64(7), int64(0), int64(0), "final", int64(0)}, "protocol_version": int64(1)}, nil
	case "login":
		if len(params) != 3 {
			return nil, faultf(kindOther, "TypeError: login() takes exactly 3 arguments (%d given)", len(params))
		}
		if params[0] == s.opts.Database && params[1] == s.opts.User && params[2] == s.opts.Password {
			return s.uid, nil
		}
		return false, nil
	}
	return nil, faultf(kindOther, "NameError: method %q is not supported", method)
}

func (s *Server) object(v7 bool, method string, params []any) (any, *rpcFault) {
	if method != "execute_kw" {
		return nil, faultf(kindOther, "NameError: method %q is not supported", method)
	}
	if len(params) < 6 {
		return nil, faultf(kindOther, "TypeError: execute_kw() takes at least 6 arguments (%d given)", len(params))
	}
	uid, _ := params[1].(int64)
	if params[0] != s.opts.Database || uid != s.uid || params[2] != s.opts.Password {
		return nil, &rpcFault{kind: kindAccessDenied, text: "AccessDenied"}
	}
	modelName, _ := params[3].(string)
	method, _ = params[4].(string)
	args, _ := params[5].([]any)
	kwargs := map[string]any{}
	if len(params) > 6 {
		if kw, ok := params[6].(map[string]any); ok {
			kwargs = kw
		}
	}
	s.count(modelName, method)
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.models[modelName]
	if !ok {
		return nil, faultf(kindOther, "KeyError: %q", modelName)
	}
	return s.dispatch(v7, m, method, args, kwargs)
}

// rpcFault is a fault before it is spelled for OpenERP 7 or Odoo.
type rpcFault struct {
	kind faultKind
	text string
}

type faultKind int

const (
	kindOther faultKind = iota
	kindWarning
	kindMissing
	kindAccessDenied
	kindAccessError
	kindConcurrency
)

func faultf(kind faultKind, format string, args ...any) *rpcFault {
	return &rpcFault{kind: kind, text: fmt.Sprintf(format, args...)}
}

// writeFault spells a fault as OpenERP 7 does (a string faultCode: the
// warning, "AccessDenied", or the exception's text, with the traceback in
// faultString) or as Odoo 8+ does (integer codes).
func (s *Server) writeFault(w http.ResponseWriter, v7 bool, f *rpcFault) {
	traceback := "Traceback (most recent call last):\n  File \"openerp/service/web_services.py\", line 1, in dispatch\n" + f.text
	var code any
	if v7 {
		switch f.kind {
		case kindWarning:
			code = "warning -- Error\n\n" + f.text
		case kindAccessDenied:
			code = "AccessDenied"
		default:
			code = f.text
		}
	} else {
		code = map[faultKind]int64{kindOther: 1, kindConcurrency: 1, kindWarning: 2, kindMissing: 2, kindAccessDenied: 3, kindAccessError: 4}[f.kind]
	}
	out, err := wire.EncodeFault(wire.Fault{Code: code, String: traceback})
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
		id, fault := s.create(m, r, "")
		if fault != nil {
			panic(fmt.Sprintf("openerptest: seed %s: %s", modelName, fault.text))
		}
		ids[i] = id
	}
	return ids
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
			id, fault := s.create(m, jsonValues(rec).(map[string]any), "")
			if fault != nil {
				return out, fmt.Errorf("openerptest: seed %s: %s", name, fault.text)
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

// Get returns a record as read in lang ("" for the base language), and
// whether it exists (archived ones included).
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
	return s.render(m, r, nil, lang), true
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
