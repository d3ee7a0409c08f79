package qoqatest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qoqasync/qoqasync/internal/fakeserver"
	"github.com/qoqasync/qoqasync/qoqa"
)

// bufferedWriter holds an answer so that commit-then-drop can throw it away.
type bufferedWriter struct {
	header http.Header
	status int
	body   []byte
}

func (b *bufferedWriter) Header() http.Header    { return b.header }
func (b *bufferedWriter) WriteHeader(status int) { b.status = status }
func (b *bufferedWriter) Write(p []byte) (int, error) {
	b.body = append(b.body, p...)
	return len(p), nil
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, path string, body []byte) {
	endpoint, idPart, _ := strings.Cut(path, "/")
	s.count(endpoint, r.Method)
	if !s.faults.Delay(r.Context()) {
		return
	}
	s.mu.Lock()
	status, retryAfter, maintenanceAfter := s.failStatus, s.retryAfter, s.maintenanceRetryAfter
	s.mu.Unlock()
	switch {
	case s.faults.Take(faultDrop):
		fakeserver.HangUp(w)
		return
	case s.faults.Take(faultStatus):
		if status == 0 {
			status = s.nextStatus()
		}
		writeError(w, status, 0, "server", http.StatusText(status), nil)
		return
	case s.faults.Take(faultRateLimit):
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
		writeError(w, http.StatusTooManyRequests, 0, "throttle", "too many requests", nil)
		return
	case s.faults.Take(faultMaintenance):
		if maintenanceAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(maintenanceAfter))
		}
		writeError(w, http.StatusServiceUnavailable, 17, "maintenance", "QoQa is in maintenance", nil)
		return
	case s.faults.Take(faultErrorsIn200):
		writeError(w, http.StatusOK, 9, "internal", "the request could not be processed", "try later")
		return
	case s.faults.Take(faultNotJSON):
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html><body>Welcome to QoQa</body></html>")
		return
	}

	// Authenticate: a bad or missing signature is sent to the login page, a
	// revoked token gets 403.
	var token *accessToken
	_, ok := s.verify(r, body, func(t string) (string, bool) {
		s.mu.Lock()
		defer s.mu.Unlock()
		token = s.accessTokens[t]
		if token == nil {
			return "", false
		}
		return token.secret, true
	})
	if !ok {
		s.redirectToLogin(w)
		return
	}
	s.mu.Lock()
	revoked := token.revoked
	s.mu.Unlock()
	if revoked {
		writeError(w, http.StatusForbidden, 3, "auth", "the access token was revoked", nil)
		return
	}

	if s.faults.Take(faultCommitThenDrop) || isWrite(r.Method) && s.faults.Take(faultCommitThenDropWrite) {
		s.route(&bufferedWriter{header: http.Header{}}, r, endpoint, idPart, body)
		fakeserver.HangUp(w)
		return
	}
	s.route(w, r, endpoint, idPart, body)
}

// isWrite reports whether a call of method creates or changes a record.
func isWrite(method string) bool { return method == http.MethodPost || method == http.MethodPut }

// nextStatus is the 5xx whose turn it is, when faults drawn by rate name
// none: each of those the contract lists in turn.
func (s *Server) nextStatus() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	statuses := []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout}
	s.statusTurn++
	return statuses[s.statusTurn%len(statuses)]
}

func (s *Server) route(w http.ResponseWriter, r *http.Request, endpoint, idPart string, body []byte) {
	methods, ok := endpoints[endpoint]
	if !ok {
		writeError(w, http.StatusNotFound, 1, "routing", "no endpoint "+endpoint, nil)
		return
	}
	op := ""
	switch {
	case idPart == "" && r.Method == http.MethodGet && endpoint == "shop":
		op = "list"
	case idPart == "" && r.Method == http.MethodGet:
		op = "search"
	case idPart == "" && r.Method == http.MethodPost:
		op = "create"
	case idPart != "" && r.Method == http.MethodGet:
		op = "get"
	case idPart != "" && r.Method == http.MethodPut && endpoint == "order":
		op = "action"
	case idPart != "" && r.Method == http.MethodPut:
		op = "update"
	case idPart != "" && r.Method == http.MethodDelete:
		op = "delete"
	}
	if !slices.Contains(methods, op) {
		writeError(w, http.StatusMethodNotAllowed, 5, "routing", fmt.Sprintf("%s is not allowed on %s", r.Method, endpoint), nil)
		return
	}
	var id int64
	if idPart != "" {
		var err error
		if id, err = strconv.ParseInt(idPart, 10, 64); err != nil {
			writeError(w, http.StatusNotFound, 2, "not_found", "no "+endpoint+" "+idPart, nil)
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch op {
	case "list":
		var ids []any
		for id := range s.records["shop"] {
			ids = append(ids, id)
		}
		sortIDs(ids)
		writeJSON(w, http.StatusOK, map[string]any{"data": idObjects(ids, false)})
	case "search":
		s.search(w, r, endpoint)
	case "get":
		rec, ok := s.records[endpoint][id]
		if !ok {
			writeError(w, http.StatusNotFound, 2, "not_found", fmt.Sprintf("%s %d does not exist", endpoint, id), nil)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"data": s.render(endpoint, id, rec)})
	case "create":
		s.create(w, r, endpoint, body)
	case "update":
		s.update(w, endpoint, id, body)
	case "delete":
		if _, ok := s.records[endpoint][id]; !ok {
			writeError(w, http.StatusNotFound, 2, "not_found", fmt.Sprintf("%s %d does not exist", endpoint, id), nil)
			return
		}
		delete(s.records[endpoint], id)
		writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"id": id}})
	case "action":
		s.orderAction(w, id, body)
	}
}

func idObjects(ids []any, someAsStrings bool) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		if someAsStrings && i%2 == 1 {
			id = fmt.Sprint(id) // the contract's quirk: some IDs come as strings
		}
		out[i] = map[string]any{"id": id}
	}
	return out
}

func sortIDs(ids []any) {
	slices.SortFunc(ids, func(a, b any) int {
		x, _ := strconv.ParseInt(fmt.Sprint(a), 10, 64)
		y, _ := strconv.ParseInt(fmt.Sprint(b), 10, 64)
		return int(x - y)
	})
}

func (s *Server) search(w http.ResponseWriter, r *http.Request, endpoint string) {
	q := r.URL.Query()
	var from, to time.Time
	for _, p := range []struct {
		name string
		t    *time.Time
	}{{"timestamp_from", &from}, {"timestamp_to", &to}} {
		if v := q.Get(p.name); v != "" {
			t, err := time.Parse(qoqa.SearchTimeLayout, v)
			if err != nil {
				refuse(w, p.name, "must be YYYY-MM-DD HH:MM:SS")
				return
			}
			*p.t = t
		}
	}
	var ids []any
	for id, rec := range s.records[endpoint] {
		if (from.IsZero() || !rec.updatedAt.Before(from)) && (to.IsZero() || rec.updatedAt.Before(to)) {
			ids = append(ids, id)
		}
	}
	sortIDs(ids)
	writeJSON(w, http.StatusOK, map[string]any{"data": idObjects(ids, true)})
}

// refuse answers a request that breaks a rule as the contract says: 422,
// code 4, a message naming the field.
func refuse(w http.ResponseWriter, field, why string) {
	writeError(w, http.StatusUnprocessableEntity, 4, "validation", field+": "+why, field)
}

// payload reads {"<endpoint>": {...}}. Numbers stay json.Number, so that
// validate can tell an integer from a float.
func payload(w http.ResponseWriter, endpoint string, body []byte) (map[string]any, bool) {
	var env map[string]json.RawMessage
	var rec map[string]any
	if json.Unmarshal(body, &env) != nil || decodeNumbers(env[endpoint], &rec) != nil || rec == nil {
		refuse(w, endpoint, fmt.Sprintf("the body must be the JSON object {%q: {...}}", endpoint))
		return nil, false
	}
	return rec, true
}

func decodeNumbers(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(v)
}

// plainNumbers turns the json.Numbers of a validated record into float64,
// as every other record of the fake holds them.
func plainNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		f, _ := x.Float64()
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = plainNumbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = plainNumbers(e)
		}
	}
	return v
}

func (s *Server) create(w http.ResponseWriter, r *http.Request, endpoint string, body []byte) {
	rec, ok := payload(w, endpoint, body)
	if !ok {
		return
	}
	key := r.Header.Get("Idempotency-Key")
	if len(key) > 255 {
		refuse(w, "Idempotency-Key", "is longer than 255 bytes")
		return
	}
	now := s.now()
	for k, e := range s.idempotency {
		if now.Sub(e.at) > 24*time.Hour {
			delete(s.idempotency, k)
		}
	}
	if e, ok := s.idempotency[endpoint+" "+key]; ok && key != "" {
		writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"id": e.id}})
		return
	}
	if field, msg := s.validate(endpoint, 0, rec); field != "" {
		refuse(w, field, msg)
		return
	}
	plainNumbers(rec)
	delete(rec, "id")
	id := s.put(endpoint, rec)
	if key != "" {
		s.idempotency[endpoint+" "+key] = idempotent{id: id, at: now}
	}
	writeJSON(w, http.StatusCreated, map[string]any{"data": map[string]any{"id": id}})
}

func (s *Server) update(w http.ResponseWriter, endpoint string, id int64, body []byte) {
	old, ok := s.records[endpoint][id]
	if !ok {
		writeError(w, http.StatusNotFound, 2, "not_found", fmt.Sprintf("%s %d does not exist", endpoint, id), nil)
		return
	}
	rec, ok := payload(w, endpoint, body)
	if !ok {
		return
	}
	if field, msg := s.validate(endpoint, id, rec); field != "" {
		refuse(w, field, msg)
		return
	}
	plainNumbers(rec)
	old.fields = clean(rec)
	old.updatedAt = s.now()
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"id": id}})
}

func (s *Server) orderAction(w http.ResponseWriter, id int64, body []byte) {
	order, ok := s.records["order"][id]
	if !ok {
		writeError(w, http.StatusNotFound, 2, "not_found", fmt.Sprintf("order %d does not exist", id), nil)
		return
	}
	var act struct {
		Action string `json:"action"`
		Params struct {
			Number  string `json:"number"`
			Carrier string `json:"carrier"`
			Items   []struct {
				ItemID   qoqa.ID `json:"item_id"`
				Quantity int     `json:"quantity"`
			} `json:"items"`
		} `json:"params"`
	}
	if err := json.Unmarshal(body, &act); err != nil {
		refuse(w, "action", "the body is not an action")
		return
	}
	if act.Action != "add_tracking" {
		refuse(w, "action", "unknown action "+act.Action)
		return
	}
	if strings.TrimSpace(act.Params.Number) == "" {
		refuse(w, "number", "is required")
		return
	}
	trackings, _ := order.fields["trackings"].([]any)
	for _, t := range trackings {
		if m, ok := t.(map[string]any); ok && m["number"] == act.Params.Number {
			writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"id": id}}) // known number: nothing changes
			return
		}
	}
	order.fields["trackings"] = append(trackings, map[string]any{"number": act.Params.Number, "carrier": act.Params.Carrier})
	order.updatedAt = s.now()
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"id": id}})
}

// languages are QoQa's language_id values.
var languages = map[int64]bool{qoqa.LangFR: true, qoqa.LangDE: true, qoqa.LangIT: true, qoqa.LangEN: true}

// validate applies the contract's rules to a record whose numbers are
// json.Number; it returns the field at fault and why, or "".
func (s *Server) validate(endpoint string, id int64, rec map[string]any) (string, string) {
	times := map[string]time.Time{}
	for _, f := range []string{"created_at", "updated_at", "start_at", "stop_at"} {
		if v, ok := rec[f].(string); ok && v != "" {
			t, err := time.Parse(qoqa.TimeLayout, v)
			if err != nil {
				return f, "is not a datetime like 2013-10-11T17:34:41+0200"
			}
			times[f] = t
		}
	}
	if start, ok := times["start_at"]; ok {
		if stop, ok := times["stop_at"]; ok && !stop.After(start) {
			return "stop_at", "must be after start_at"
		}
	}
	if list, ok := rec["translations"].([]any); ok {
		for i, t := range list {
			m, _ := t.(map[string]any)
			if lang, ok := numeric(m["language_id"]); !ok || !languages[lang] {
				return fmt.Sprintf("translations[%d].language_id", i), fmt.Sprintf("unknown language_id %v (1 fr, 2 de, 3 it, 4 en)", m["language_id"])
			}
		}
	}
	switch endpoint {
	case "product":
		list, _ := rec["translations"].([]any)
		for _, t := range list {
			if m, ok := t.(map[string]any); ok && m["name"] != nil && m["name"] != "" {
				return "", ""
			}
		}
		return "translations", "a name in at least one language is required"
	case "variation":
		pid, ok := numeric(rec["product_id"])
		if !ok {
			return "product_id", "is required"
		}
		if _, exists := s.records["product"][pid]; !exists {
			return "product_id", fmt.Sprintf("unknown product_id %d", pid)
		}
		sku, _ := rec["sku"].(string)
		if sku == "" {
			return "sku", "is required"
		}
		for oid, other := range s.records["variation"] {
			if oid != id && other.fields["sku"] == sku {
				return "sku", fmt.Sprintf("%q is already used by variation %d", sku, oid)
			}
		}
	case "offer":
		shop, ok := numeric(rec["shop_id"])
		if !ok {
			return "shop_id", "is required"
		}
		if _, exists := s.records["shop"][shop]; !exists {
			return "shop_id", fmt.Sprintf("unknown shop_id %d", shop)
		}
		if _, ok := times["start_at"]; !ok {
			return "start_at", "is required"
		}
		if _, ok := times["stop_at"]; !ok {
			return "stop_at", "is required"
		}
		positions, _ := rec["positions"].([]any)
		if len(positions) == 0 {
			return "positions", "at least one position is required"
		}
		for i, p := range positions {
			m, _ := p.(map[string]any)
			vid, ok := numeric(m["variation_id"])
			if _, exists := s.records["variation"][vid]; !ok || !exists {
				return fmt.Sprintf("positions[%d].variation_id", i), fmt.Sprintf("unknown variation %v", m["variation_id"])
			}
			for _, f := range []string{"unit_price", "regular_price"} {
				if why := cents(m, f); why != "" {
					return fmt.Sprintf("positions[%d].%s", i, f), why
				}
			}
		}
	case "voucher":
		if code, _ := rec["code"].(string); code == "" {
			return "code", "is required"
		}
		if rec["amount"] == nil {
			return "amount", "is required"
		}
		for _, f := range []string{"amount", "remaining_amount"} {
			if why := cents(rec, f); why != "" {
				return f, why
			}
		}
	}
	return "", ""
}

// cents checks that rec's field, when it has a value, is money as the
// contract has it: a JSON integer of cents, not negative. It returns why
// not, or "".
func cents(rec map[string]any, field string) string {
	v, ok := rec[field]
	if !ok || v == nil {
		return ""
	}
	n, ok := v.(json.Number)
	if !ok {
		return fmt.Sprintf("must be an integer of cents, got %v", v)
	}
	c, err := strconv.ParseInt(n.String(), 10, 64)
	if err != nil {
		return fmt.Sprintf("must be an integer of cents (2950 for 29.50), got %s", n)
	}
	if c < 0 {
		return "must not be negative"
	}
	return ""
}

// numeric reads a JSON number or numeric string as an integer.
func numeric(v any) (int64, bool) {
	switch x := v.(type) {
	case json.Number:
		n, err := strconv.ParseInt(x.String(), 10, 64)
		return n, err == nil
	case float64:
		return int64(x), x == float64(int64(x))
	case string:
		n, err := strconv.ParseInt(x, 10, 64)
		return n, err == nil
	}
	return 0, false
}
