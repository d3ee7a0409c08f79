package openerptest

import (
	"fmt"
	"slices"
	"strings"
)

// The services of OpenERP 7.0's /xmlrpc/common and /xmlrpc/object, as
// openerp/service/web_services.py and openerp/osv/osv.py serve them:
// common's version, login and authenticate; object's execute and
// execute_kw, which call a model's method with Python's rules for
// arguments.

// common serves /xmlrpc/common.
func (s *Server) common(method string, params []any) (any, *rpcFault) {
	s.count("", method)
	switch method {
	case "version":
		if len(params) != 0 {
			return nil, raise("TypeError", "exp_version() takes exactly 1 argument (%d given)", len(params)+1)
		}
		major := int64(s.opts.Version)
		v := fmt.Sprintf("%d.0", major)
		return map[string]any{"server_version": v, "server_version_info": []any{major, int64(0), int64(0), "final", int64(0)}, "server_serie": v, "protocol_version": int64(1)}, nil
	case "login":
		if len(params) != 3 {
			return nil, raise("TypeError", "exp_login() takes exactly 4 arguments (%d given)", len(params)+1)
		}
		return s.login(params[0], params[1], params[2])
	case "authenticate":
		if len(params) != 4 {
			return nil, raise("TypeError", "exp_authenticate() takes exactly 5 arguments (%d given)", len(params)+1)
		}
		return s.login(params[0], params[1], params[2])
	}
	return nil, raise("AttributeError", "'common' object has no attribute 'exp_%s'", method)
}

// login answers the user's uid, or False when refused. An unknown
// database is psycopg2's fault, as the registry fails to connect.
func (s *Server) login(db, user, password any) (any, *rpcFault) {
	if f := s.checkDatabase(db); f != nil {
		return nil, f
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if user == s.opts.User && password == s.password {
		return s.uid, nil
	}
	return false, nil
}

func (s *Server) checkDatabase(db any) *rpcFault {
	if db != s.opts.Database {
		return raise("OperationalError", "FATAL:  database \"%v\" does not exist\n", db)
	}
	return nil
}

// object serves /xmlrpc/object: execute(db, uid, password, model, method,
// *args) and execute_kw(db, uid, password, model, method, args,
// kwargs=None).
func (s *Server) object(method string, params []any) (any, *rpcFault) {
	if len(params) < 3 {
		return nil, raise("ValueError", "need more than %d values to unpack", len(params))
	}
	if method != "execute" && method != "execute_kw" {
		return nil, raise("NameError", "Method not available %s", method)
	}
	if f := s.checkDatabase(params[0]); f != nil {
		return nil, f
	}
	s.mu.Lock()
	uid, password := s.uid, s.password
	s.mu.Unlock()
	if id, _ := params[1].(int64); id != uid || params[2] != password {
		return nil, accessDenied()
	}
	rest := params[3:]
	var args []any
	kwargs := map[string]any{}
	switch method {
	case "execute":
		if len(rest) < 2 {
			return nil, raise("TypeError", "execute() takes at least 5 arguments (%d given)", len(rest)+3)
		}
		args = rest[2:]
	case "execute_kw":
		if len(rest) < 3 || len(rest) > 4 {
			return nil, raise("TypeError", "execute_kw() takes at least 6 arguments (%d given)", len(rest)+3)
		}
		list, ok := rest[2].([]any)
		if !ok {
			return nil, raise("TypeError", "execute() argument after * must be a sequence, not %s", pyType(rest[2]))
		}
		args = list
		if len(rest) == 4 && rest[3] != nil {
			kw, ok := rest[3].(map[string]any)
			if !ok {
				return nil, raise("TypeError", "execute() argument after ** must be a mapping, not %s", pyType(rest[3]))
			}
			kwargs = kw
		}
	}
	modelName, _ := rest[0].(string)
	name, _ := rest[1].(string)
	if strings.HasPrefix(name, "_") {
		return nil, warn("Access Denied", "Private methods (such as %s) cannot be called remotely.", name)
	}
	s.count(modelName, name)
	if s.faults.Take(faultConcurrency) {
		return nil, raise("TransactionRollbackError", "could not serialize access due to concurrent update\n")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.models[modelName]
	if !ok {
		return nil, warn("Object Error", "Object %s doesn't exist", modelName)
	}
	sig, ok := s.signature(name)
	if !ok {
		return nil, raise("AttributeError", "'%s' object has no attribute '%s'", modelName, name)
	}
	bound, f := sig.bind(args, kwargs)
	if f != nil {
		return nil, f
	}
	return s.dispatch(m, name, bound)
}

// signature is a model method's parameters after (self, cr, uid), as
// Python binds a call to them.
type signature struct {
	name   string
	params []string
	// required is how many leading params have no default.
	required int
}

// The methods the fake serves, with OpenERP 7.0's signatures
// (openerp/osv/orm.py).
var signatures7 = []signature{
	{"search", []string{"args", "offset", "limit", "order", "context", "count"}, 1},
	{"search_count", []string{"args", "context"}, 1},
	{"read", []string{"ids", "fields", "context", "load"}, 1},
	{"create", []string{"vals", "context"}, 1},
	{"write", []string{"ids", "vals", "context"}, 2},
	{"unlink", []string{"ids", "context"}, 1},
	{"name_get", []string{"ids", "context"}, 1},
	{"fields_get", []string{"allfields", "context", "write_access"}, 0},
	// sale.order's, which the sale module adds; other models lack it.
	{"action_cancel", []string{"ids", "context"}, 1},
}

// Odoo 8 adds search_read and fields_get's attributes.
var signatures8 = []signature{
	{"search_read", []string{"domain", "fields", "offset", "limit", "order", "context"}, 0},
	{"fields_get", []string{"allfields", "context", "write_access", "attributes"}, 0},
}

func (s *Server) signature(method string) (signature, bool) {
	if s.opts.Version >= 8 {
		if i := slices.IndexFunc(signatures8, func(sig signature) bool { return sig.name == method }); i >= 0 {
			return signatures8[i], true
		}
	}
	i := slices.IndexFunc(signatures7, func(sig signature) bool { return sig.name == method })
	if i < 0 {
		return signature{}, false
	}
	return signatures7[i], true
}

// bind binds positional and keyword arguments as Python does, with its
// TypeErrors. Python counts self, cr and uid among the arguments.
func (sig signature) bind(args []any, kwargs map[string]any) (map[string]any, *rpcFault) {
	const implicit = 3
	if len(args) > len(sig.params) {
		return nil, raise("TypeError", "%s() takes at most %d arguments (%d given)", sig.name, len(sig.params)+implicit, len(args)+implicit)
	}
	bound := make(map[string]any, len(sig.params))
	for i, a := range args {
		bound[sig.params[i]] = a
	}
	for k, v := range kwargs {
		if !slices.Contains(sig.params, k) {
			return nil, raise("TypeError", "%s() got an unexpected keyword argument '%s'", sig.name, k)
		}
		if _, dup := bound[k]; dup {
			return nil, raise("TypeError", "%s() got multiple values for keyword argument '%s'", sig.name, k)
		}
		bound[k] = v
	}
	for _, p := range sig.params[:sig.required] {
		if _, ok := bound[p]; !ok {
			return nil, raise("TypeError", "%s() takes at least %d arguments (%d given)", sig.name, sig.required+implicit, len(bound)+implicit)
		}
	}
	return bound, nil
}

// pyType names a decoded value's Python type, for TypeErrors.
func pyType(v any) string {
	switch v.(type) {
	case int64:
		return "int"
	case float64:
		return "float"
	case string:
		return "str"
	case bool:
		return "bool"
	case nil:
		return "NoneType"
	case map[string]any:
		return "dict"
	case []any:
		return "list"
	}
	return fmt.Sprintf("%T", v)
}
