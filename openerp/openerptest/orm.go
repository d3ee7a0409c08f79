package openerptest

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

type model struct {
	name    string
	fields  map[string]Field
	records map[int64]*record
	nextID  int64
}

// record holds stored values: base-language values in vals, and per
// language the translations of translatable fields. many2one values are
// int64 IDs (0 for none), many2many lists of IDs; one2many are not stored
// but read through their inverse field.
type record struct {
	id    int64
	vals  map[string]any
	trans map[string]map[string]any
}

// description is the model's _description, or its name.
func (m *model) description() string {
	if d, ok := descriptions[m.name]; ok {
		return d
	}
	return m.name
}

// table is the model's PostgreSQL table.
func (m *model) table() string { return strings.ReplaceAll(m.name, ".", "_") }

func newModel(name string, flds map[string]Field) *model {
	f := maps.Clone(flds)
	f["create_date"] = Field{Type: "datetime"}
	f["write_date"] = Field{Type: "datetime"}
	return &model{name: name, fields: f, records: map[int64]*record{}}
}

// baseLang is the language whose translations are the stored values.
const baseLang = "en_US"

func contextOf(v any) map[string]any {
	c, _ := v.(map[string]any)
	return c
}

func langOf(context map[string]any) string {
	l, _ := context["lang"].(string)
	return l
}

// truthy is Python's truth of a decoded value.
func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case int64:
		return x != 0
	case float64:
		return x != 0
	case string:
		return x != ""
	case []any:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	}
	return true
}

// dispatch runs a model's method on the arguments bound to its signature.
func (s *Server) dispatch(m *model, method string, a map[string]any) (any, *rpcFault) {
	context := contextOf(a["context"])
	lang := langOf(context)
	switch method {
	case "search":
		ids, f := s.search(m, a["args"], context, a["offset"], a["limit"], a["order"])
		if f != nil {
			return nil, f
		}
		if truthy(a["count"]) {
			return int64(len(ids)), nil
		}
		return idsAny(ids), nil
	case "search_count":
		ids, f := s.search(m, a["args"], context, nil, nil, nil)
		return int64(len(ids)), f
	case "read":
		return s.read(m, a["ids"], a["fields"], lang)
	case "search_read":
		ids, f := s.search(m, a["domain"], context, a["offset"], a["limit"], a["order"])
		if f != nil {
			return nil, f
		}
		return s.read(m, idsAny(ids), a["fields"], lang)
	case "create":
		vals, ok := a["vals"].(map[string]any)
		if !ok {
			return nil, raise("AttributeError", "'%s' object has no attribute 'keys'", pyType(a["vals"]))
		}
		return s.create(m, vals, lang)
	case "write":
		ids, f := toIDs(a["ids"])
		if f != nil {
			return nil, f
		}
		vals, ok := a["vals"].(map[string]any)
		if !ok {
			return nil, raise("AttributeError", "'%s' object has no attribute 'keys'", pyType(a["vals"]))
		}
		return true, s.write(m, ids, vals, lang)
	case "unlink":
		ids, f := toIDs(a["ids"])
		if f != nil {
			return nil, f
		}
		s.unlink(m, ids)
		return true, nil
	case "name_get":
		ids, f := toIDs(a["ids"])
		if f != nil {
			return nil, f
		}
		out := []any{}
		for _, id := range ids {
			if r, ok := m.records[id]; ok {
				name, _ := r.vals["name"].(string)
				out = append(out, []any{id, name})
			}
		}
		return out, nil
	case "fields_get":
		return s.fieldsGet(m, a["allfields"], a["attributes"]), nil
	case "action_cancel":
		return s.actionCancel(m, a["ids"])
	}
	return nil, raise("AttributeError", "'%s' object has no attribute '%s'", m.name, method)
}

func idsAny(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// toIDs reads the ids argument: one ID or a list (None or False is none).
func toIDs(v any) ([]int64, *rpcFault) {
	switch x := v.(type) {
	case int64:
		return []int64{x}, nil
	case nil:
		return nil, nil
	case bool:
		if !x {
			return nil, nil
		}
	case []any:
		out := make([]int64, len(x))
		for i, e := range x {
			id, ok := e.(int64)
			if !ok {
				return nil, raise("ProgrammingError", "can't adapt type '%s'", pyType(e))
			}
			out[i] = id
		}
		return out, nil
	}
	return nil, raise("ProgrammingError", "can't adapt type '%s'", pyType(v))
}

func (s *Server) now() string { return s.opts.Now().UTC().Format("2006-01-02 15:04:05") }

func (s *Server) create(m *model, vals map[string]any, lang string) (int64, *rpcFault) {
	for name, fl := range m.fields {
		if fl.Required && isEmpty(vals[name]) {
			return 0, integrityError(m, name)
		}
	}
	m.nextID++
	id := m.nextID
	r := &record{id: id, vals: map[string]any{}, trans: map[string]map[string]any{}}
	if _, ok := m.fields["active"]; ok {
		r.vals["active"] = true
	}
	for name, fl := range m.fields {
		if fl.Default != nil {
			r.vals[name] = fl.Default
		}
	}
	now := s.now()
	r.vals["create_date"], r.vals["write_date"] = now, now
	m.records[id] = r
	if f := s.assign(m, id, r, vals, lang); f != nil {
		delete(m.records, id)
		m.nextID--
		return 0, f
	}
	if m.name == "attribute.attribute" {
		s.addAttributeField(r)
	}
	return id, nil
}

// addAttributeField does what base_custom_attributes does: an attribute
// x_foo adds the field x_foo to the products.
func (s *Server) addAttributeField(r *record) {
	name, _ := r.vals["name"].(string)
	typ, _ := r.vals["attribute_type"].(string)
	translate, _ := r.vals["translate"].(bool)
	if !strings.HasPrefix(name, "x_") {
		return
	}
	fl := Field{Type: typ, Translate: translate}
	switch typ {
	case "select":
		fl.Type = "selection"
	case "multiselect":
		fl.Type = "char" // stored as a comma-separated list
	}
	for _, mn := range []string{"product.template", "product.product"} {
		if pm, ok := s.models[mn]; ok {
			pm.fields[name] = fl
		}
	}
}

// write writes vals to the records ids. A missing one is OpenERP 7.0's
// AccessError "has already been deleted" (Odoo 8's MissingError): the
// UPDATE touched fewer rows than asked.
func (s *Server) write(m *model, ids []int64, vals map[string]any, lang string) *rpcFault {
	for _, id := range ids {
		if _, ok := m.records[id]; !ok {
			return s.deleted(m)
		}
	}
	for _, id := range ids {
		r := m.records[id]
		if f := s.assign(m, id, r, vals, lang); f != nil {
			return f
		}
		r.vals["write_date"] = s.now()
	}
	return nil
}

// deleted is the fault of a write to a record that no longer exists.
func (s *Server) deleted(m *model) *rpcFault {
	title := "AccessError"
	if s.opts.Version >= 8 {
		title = "MissingError"
	}
	return warn(title, "One of the records you are trying to modify has already been deleted (Document type: %s).", m.description())
}

// integrityError is OpenERP 7.0's answer to a NOT NULL or foreign key
// violation: an except_osv that names the table, not the field.
func integrityError(m *model, _ string) *rpcFault {
	return warn("Integrity Error", "The operation cannot be completed, probably due to the following:\n"+
		"- deletion: you may be trying to delete a record while other records still reference it\n"+
		"- creation/update: a mandatory field is not correctly set\n\n"+
		"[object with reference: %s - %s]", m.description(), m.name)
}

// unlink deletes the records ids; one that does not exist is no error, as
// in OpenERP ("no need to warn about deleting an already deleted record").
func (s *Server) unlink(m *model, ids []int64) {
	for _, id := range ids {
		if _, ok := m.records[id]; !ok {
			continue
		}
		delete(m.records, id)
		// one2many children go with their parent, as ondelete=cascade.
		for _, fl := range m.fields {
			if fl.Type != "one2many" {
				continue
			}
			child := s.models[fl.Relation]
			for cid, cr := range child.records {
				if cr.vals[fl.Inverse] == id {
					delete(child.records, cid)
				}
			}
		}
	}
}

// assign checks and stores vals in r, as create and write do.
func (s *Server) assign(m *model, id int64, r *record, vals map[string]any, lang string) *rpcFault {
	for name, v := range vals {
		if name == "id" || name == "create_date" || name == "write_date" {
			continue
		}
		fl, ok := m.fields[name]
		if !ok {
			continue // OpenERP 7 ignores it, with a warning in the server's log
		}
		if fl.Required && isEmpty(v) {
			return integrityError(m, name)
		}
		switch fl.Type {
		case "one2many":
			if f := s.o2mCommands(m, id, fl, v); f != nil {
				return f
			}
			continue
		case "many2many":
			ids, f := s.m2mCommands(fl, r.vals[name], v)
			if f != nil {
				return f
			}
			r.vals[name] = ids
			continue
		}
		stored, f := s.convert(m, name, fl, v)
		if f != nil {
			return f
		}
		if fl.Translate && lang != "" && lang != baseLang {
			if r.trans[lang] == nil {
				r.trans[lang] = map[string]any{}
			}
			r.trans[lang][name] = stored
			if _, has := r.vals[name]; !has {
				r.vals[name] = stored
			}
			continue
		}
		r.vals[name] = stored
	}
	return nil
}

// convert checks one value against its field's type, as PostgreSQL would
// refuse it. None (<nil/>) and False store no value.
func (s *Server) convert(m *model, name string, fl Field, v any) (any, *rpcFault) {
	bad := func() (any, *rpcFault) {
		return nil, raise("DataError", "invalid input syntax for type %s: %q\nLINE 1: UPDATE %q SET %q=...", pgType(fl.Type), fmt.Sprint(v), m.table(), name)
	}
	if b, ok := v.(bool); v == nil || ok && !b && fl.Type != "boolean" {
		if fl.Type == "many2one" {
			return int64(0), nil
		}
		return nil, nil
	}
	switch fl.Type {
	case "char", "text", "selection":
		if _, ok := v.(string); !ok {
			return bad()
		}
	case "integer":
		if _, ok := v.(int64); !ok {
			return bad()
		}
	case "float":
		switch x := v.(type) {
		case int64:
			return float64(x), nil
		case float64:
		default:
			return bad()
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return bad()
		}
	case "date", "datetime":
		str, ok := v.(string)
		layout := "2006-01-02"
		if fl.Type == "datetime" {
			layout = "2006-01-02 15:04:05"
		}
		if !ok {
			return bad()
		}
		if _, err := time.Parse(layout, str); err != nil {
			return bad()
		}
	case "many2one":
		rid, ok := v.(int64)
		if !ok {
			return bad()
		}
		if _, exists := s.models[fl.Relation].records[rid]; !exists {
			return nil, integrityError(m, name)
		}
		return rid, nil
	}
	return v, nil
}

// pgType is the PostgreSQL type of a field's column.
func pgType(typ string) string {
	switch typ {
	case "integer", "many2one":
		return "integer"
	case "float":
		return "double precision"
	case "boolean":
		return "boolean"
	case "date":
		return "date"
	case "datetime":
		return "timestamp"
	}
	return "character varying"
}

// o2mCommands applies x2many commands to a one2many field of record id.
func (s *Server) o2mCommands(m *model, id int64, fl Field, v any) *rpcFault {
	child := s.models[fl.Relation]
	if v == nil || v == false {
		return nil
	}
	cmds, ok := v.([]any)
	if !ok {
		return raise("TypeError", "'%s' object is not iterable", pyType(v))
	}
	for _, c := range cmds {
		op, target, vals, f := command(c)
		if f != nil {
			return f
		}
		switch op {
		case 0:
			vals := maps.Clone(asValues(vals))
			vals[fl.Inverse] = id
			if _, f := s.create(child, vals, ""); f != nil {
				return f
			}
		case 1:
			if f := s.write(child, []int64{target}, asValues(vals), ""); f != nil {
				return f
			}
		case 2:
			s.unlink(child, []int64{target})
		case 3:
			if r, ok := child.records[target]; ok {
				r.vals[fl.Inverse] = int64(0)
			}
		case 4:
			r, ok := child.records[target]
			if !ok {
				return s.deleted(child)
			}
			r.vals[fl.Inverse] = id
		case 5, 6:
			if op == 5 && child.fields[fl.Inverse].Required {
				// The inverse is NOT NULL, which OpenERP's models declare
				// ondelete cascade: fields.one2many.set deletes the rows.
				var ids []int64
				for cid, r := range child.records {
					if r.vals[fl.Inverse] == id {
						ids = append(ids, cid)
					}
				}
				s.unlink(child, ids)
				continue
			}
			keep := map[int64]bool{}
			if op == 6 {
				ids, _ := toIDs(vals)
				for _, k := range ids {
					keep[k] = true
				}
			}
			for cid, r := range child.records {
				if r.vals[fl.Inverse] == id && !keep[cid] {
					r.vals[fl.Inverse] = int64(0)
				}
				if keep[cid] {
					r.vals[fl.Inverse] = id
				}
			}
		default:
			return raise("KeyError", "%d", op)
		}
	}
	return nil
}

// command reads one x2many command (op, id, arg): (5,) stands alone, and
// (2, id), (3, id), (4, id) may leave arg out.
func command(c any) (op, target int64, arg any, f *rpcFault) {
	cmd, ok := c.([]any)
	if !ok || len(cmd) == 0 {
		return 0, 0, nil, raise("TypeError", "'%s' object has no attribute '__getitem__'", pyType(c))
	}
	op, _ = cmd[0].(int64)
	if need := map[int64]int{0: 3, 1: 3, 2: 2, 3: 2, 4: 2, 5: 1, 6: 3}[op]; len(cmd) < need {
		return 0, 0, nil, raise("IndexError", "tuple index out of range")
	}
	if len(cmd) > 1 {
		target, _ = cmd[1].(int64)
	}
	if len(cmd) > 2 {
		arg = cmd[2]
	}
	return op, target, arg, nil
}

// asValues reads a command's values; none is an empty dict.
func asValues(v any) map[string]any {
	m, _ := v.(map[string]any)
	if m == nil {
		m = map[string]any{}
	}
	return m
}

// m2mCommands applies x2many commands to a many2many's list of IDs.
func (s *Server) m2mCommands(fl Field, current, v any) ([]int64, *rpcFault) {
	ids, _ := current.([]int64)
	ids = slices.Clone(ids)
	if v == nil || v == false {
		return ids, nil
	}
	cmds, ok := v.([]any)
	if !ok {
		return nil, raise("TypeError", "'%s' object is not iterable", pyType(v))
	}
	rel := s.models[fl.Relation]
	for _, c := range cmds {
		op, target, vals, f := command(c)
		if f != nil {
			return nil, f
		}
		switch op {
		case 0:
			nid, f := s.create(rel, asValues(vals), "")
			if f != nil {
				return nil, f
			}
			ids = append(ids, nid)
		case 1:
			if f := s.write(rel, []int64{target}, asValues(vals), ""); f != nil {
				return nil, f
			}
		case 2, 3:
			ids = slices.DeleteFunc(ids, func(x int64) bool { return x == target })
			if op == 2 {
				s.unlink(rel, []int64{target})
			}
		case 4:
			if _, ok := rel.records[target]; !ok {
				return nil, integrityError(rel, "id")
			}
			if !slices.Contains(ids, target) {
				ids = append(ids, target)
			}
		case 5:
			ids = nil
		case 6:
			list, f := toIDs(vals)
			if f != nil {
				return nil, f
			}
			ids = list
		default:
			return nil, raise("KeyError", "%d", op)
		}
	}
	return ids, nil
}

// read reads the records ids, leaving out those that do not exist (7.0
// raises nothing for them, to spare clients whose search and read are not
// one transaction). One ID, not in a list, reads as one record or False.
func (s *Server) read(m *model, idsArg, fieldsArg any, lang string) (any, *rpcFault) {
	ids, f := toIDs(idsArg)
	if f != nil {
		return nil, f
	}
	var only []string
	if list, ok := fieldsArg.([]any); ok {
		for _, e := range list {
			name, _ := e.(string)
			if _, ok := m.fields[name]; !ok && name != "id" {
				return nil, raise("ValueError", "Invalid field %q on model %q", name, m.name)
			}
			only = append(only, name)
		}
	}
	out := make([]any, 0, len(ids))
	for _, id := range ids {
		r, ok := m.records[id]
		if !ok {
			continue
		}
		vals := s.render(m, r, only, lang)
		vals["id"] = id
		out = append(out, vals)
	}
	if _, single := idsArg.(int64); single {
		if len(out) == 0 {
			return false, nil
		}
		return out[0], nil
	}
	return out, nil
}

// render reads a record as OpenERP sends it.
func (s *Server) render(m *model, r *record, only []string, lang string) map[string]any {
	id := r.id
	names := only
	if len(names) == 0 {
		names = slices.Collect(maps.Keys(m.fields))
	}
	out := make(map[string]any, len(names)+1)
	for _, name := range names {
		if name == "id" {
			continue
		}
		fl := m.fields[name]
		v := r.vals[name]
		if fl.Translate && lang != "" {
			if t, ok := r.trans[lang][name]; ok {
				v = t
			}
		}
		out[name] = s.wireValue(fl, v, id)
	}
	return out
}

// wireValue is a stored value as OpenERP sends it: False for every empty
// value but numbers, [id, name] for a many2one, ID lists for x2many.
func (s *Server) wireValue(fl Field, v any, id int64) any {
	switch fl.Type {
	case "integer":
		if v == nil {
			return int64(0)
		}
	case "float":
		if v == nil {
			return 0.0
		}
	case "boolean":
		if v == nil {
			return false
		}
	case "many2one":
		rid, _ := v.(int64)
		rel := s.models[fl.Relation]
		r, ok := rel.records[rid]
		if rid == 0 || !ok {
			return false
		}
		name, _ := r.vals["name"].(string)
		return []any{rid, name}
	case "one2many":
		var ids []int64
		for cid, r := range s.models[fl.Relation].records {
			if r.vals[fl.Inverse] == id {
				ids = append(ids, cid)
			}
		}
		slices.Sort(ids)
		return idsAny(ids)
	case "many2many":
		ids, _ := v.([]int64)
		return idsAny(ids)
	}
	if v == nil {
		return false
	}
	return v
}

// fieldsGet describes the fields allfields names (every field when it is
// empty), with only the attributes named when Odoo 8's attributes is given.
func (s *Server) fieldsGet(m *model, allfields, attrs any) map[string]any {
	names := map[string]bool{}
	if list, ok := allfields.([]any); ok {
		for _, a := range list {
			if name, ok := a.(string); ok {
				names[name] = true
			}
		}
	}
	want := map[string]bool{}
	if list, ok := attrs.([]any); ok {
		for _, a := range list {
			if name, ok := a.(string); ok {
				want[name] = true
			}
		}
	}
	out := map[string]any{}
	for name, fl := range m.fields {
		if len(names) > 0 && !names[name] {
			continue
		}
		desc := map[string]any{"type": fl.Type, "string": name, "translate": fl.Translate, "required": fl.Required, "readonly": false}
		if fl.Relation != "" {
			desc["relation"] = fl.Relation
		}
		if len(want) > 0 {
			for k := range desc {
				if !want[k] {
					delete(desc, k)
				}
			}
		}
		out[name] = desc
	}
	return out
}

func (s *Server) search(m *model, domainArg any, context map[string]any, offsetArg, limitArg, orderArg any) ([]int64, *rpcFault) {
	domain, _ := domainArg.([]any)
	expr, rest, f := parseDomain(domain)
	if f != nil {
		return nil, f
	}
	if len(rest) > 0 {
		return nil, raise("ValueError", "malformed domain %v", domain)
	}
	if expr, f = s.resolveChildOf(m, expr); f != nil {
		return nil, f
	}
	activeTest := true
	if at, ok := context["active_test"].(bool); ok {
		activeTest = at
	}
	_, hasActive := m.fields["active"]
	filterActive := hasActive && activeTest && !mentions(domain, "active")
	var ids []int64
	for id, r := range m.records {
		if filterActive && r.vals["active"] != true {
			continue
		}
		ok, f := s.match(m, id, r, expr, langOf(context))
		if f != nil {
			return nil, f
		}
		if ok {
			ids = append(ids, id)
		}
	}
	order, _ := orderArg.(string)
	if f := s.sort(m, ids, order); f != nil {
		return nil, f
	}
	offset, _ := offsetArg.(int64)
	limit, _ := limitArg.(int64)
	if offset > 0 {
		ids = ids[min(int(offset), len(ids)):]
	}
	if limit > 0 && int(limit) < len(ids) {
		ids = ids[:limit]
	}
	return ids, nil
}

func (s *Server) sort(m *model, ids []int64, order string) *rpcFault {
	type key struct {
		field string
		desc  bool
	}
	var keys []key
	for _, part := range strings.Split(order, ",") {
		fs := strings.Fields(part)
		if len(fs) == 0 {
			continue
		}
		if _, ok := m.fields[fs[0]]; !ok && fs[0] != "id" {
			return raise("ValueError", "Sorting field %s not found on model %s", fs[0], m.name)
		}
		keys = append(keys, key{fs[0], len(fs) > 1 && strings.EqualFold(fs[1], "desc")})
	}
	keys = append(keys, key{field: "id"})
	slices.SortStableFunc(ids, func(a, b int64) int {
		for _, k := range keys {
			var c int
			if k.field == "id" {
				c = cmp.Compare(a, b)
			} else {
				c = compare(m.records[a].vals[k.field], m.records[b].vals[k.field])
			}
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
	return nil
}

func isEmpty(v any) bool {
	b, isBool := v.(bool)
	s, isStr := v.(string)
	return v == nil || (isBool && !b) || (isStr && s == "")
}

// actionCancel is sale.order's action_cancel of OpenERP 7.0's sale module:
// the orders are cancelled through the method, not a write of state, which
// would skip the workflow. A cancelled order stays cancelled.
func (s *Server) actionCancel(m *model, idsArg any) (any, *rpcFault) {
	if m.name != "sale.order" {
		return nil, raise("AttributeError", "'%s' object has no attribute 'action_cancel'", m.name)
	}
	ids, f := toIDs(idsArg)
	if f != nil {
		return nil, f
	}
	return true, s.write(m, ids, map[string]any{"state": "cancel"}, "")
}
