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
	index   valueIndex // the records by their text values, for search
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

// newModel is a model with the fields flds. On OpenERP 7.0 the log-access
// columns (create_date, write_date and their uids) are SQL columns that
// BaseModel adds to the table, not fields: read leaves them out, fields_get
// lists none, but domains and orders take them (MAGIC_COLUMNS). Odoo 8's
// _add_magic_fields makes them fields, with __last_update.
func newModel(name string, flds map[string]Field, version int) *model {
	f := maps.Clone(flds)
	if version >= 8 {
		for _, name := range []string{"create_date", "write_date", lastUpdate} {
			if _, ok := f[name]; !ok {
				f[name] = Field{Type: "datetime"}
			}
		}
	}
	return &model{name: name, fields: f, records: map[int64]*record{}}
}

// lastUpdate is OpenERP's CONCURRENCY_CHECK_FIELD: read answers it on
// every model as COALESCE(write_date, create_date, now).
const lastUpdate = "__last_update"

// logColumn reports the log-access columns every table has.
func logColumn(name string) bool {
	switch name {
	case "create_date", "write_date", "create_uid", "write_uid":
		return true
	}
	return false
}

// classic reports a field that 7.0's _read_flat reads from the table
// (_classic_write): all but the x2many ones.
func classic(fl Field) bool { return fl.Type != "one2many" && fl.Type != "many2many" }

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
		return s.read(m, a["ids"], a["fields"], context)
	case "search_read":
		ids, f := s.search(m, a["domain"], context, a["offset"], a["limit"], a["order"])
		if f != nil {
			return nil, f
		}
		return s.read(m, idsAny(ids), a["fields"], context)
	case "create":
		vals, ok := a["vals"].(map[string]any)
		if !ok {
			return nil, raise("AttributeError", "'%s' object has no attribute 'keys'", pyType(a["vals"]))
		}
		return s.create(m, vals)
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
		if f := s.unlink(m, ids); f != nil {
			return nil, f
		}
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

// now is the server's clock as PostgreSQL's now() at time zone 'UTC'
// prints a timestamp: to the microsecond, without trailing zeros.
func (s *Server) now() string {
	return s.opts.Now().UTC().Truncate(time.Microsecond).Format("2006-01-02 15:04:05.999999")
}

// toSecond is a stored timestamp as 7.0's read sends create_date and
// write_date: date_trunc('second', ...).
func toSecond(ts string) string {
	if len(ts) > len("2006-01-02 15:04:05") {
		return ts[:len("2006-01-02 15:04:05")]
	}
	return ts
}

// create creates a record as 7.0's create does: in the source column
// whatever the context's lang (create writes no translation), every
// boolean it is not given False (active True, its default), selection
// values checked before the INSERT, a missing required field refused by
// its NOT NULL.
func (s *Server) create(m *model, vals map[string]any) (int64, *rpcFault) {
	if f := checkSelections(m, vals); f != nil {
		return 0, f
	}
	for name, fl := range m.fields {
		if fl.Required && isEmpty(vals[name]) {
			return 0, integrityError(m, name)
		}
	}
	m.nextID++
	id := m.nextID
	r := &record{id: id, vals: map[string]any{}, trans: map[string]map[string]any{}}
	for name, fl := range m.fields {
		if fl.Type == "boolean" {
			r.vals[name] = name == "active"
		}
	}
	for name, fl := range m.fields {
		if fl.Default != nil {
			r.vals[name] = fl.Default
		}
	}
	now := s.now()
	r.vals["create_date"], r.vals["write_date"] = now, now
	r.vals["create_uid"], r.vals["write_uid"] = s.uid, s.uid
	m.records[id] = r
	if f := s.assign(m, id, r, vals, ""); f != nil {
		delete(m.records, id)
		m.nextID--
		return 0, f
	}
	m.index.reindex(r)
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

// write writes vals to the records ids. Selection values are checked
// first; then a missing record is OpenERP 7.0's AccessError "has already
// been deleted" (Odoo 8's MissingError): the UPDATE touched fewer rows
// than asked.
func (s *Server) write(m *model, ids []int64, vals map[string]any, lang string) *rpcFault {
	if f := checkSelections(m, vals); f != nil {
		return f
	}
	for _, id := range ids {
		if _, ok := m.records[id]; !ok {
			return s.deleted(m)
		}
	}
	for _, id := range ids {
		r := m.records[id]
		f := s.assign(m, id, r, vals, lang)
		m.index.reindex(r) // what assign wrote before a fault stays, as the fake keeps it
		if f != nil {
			return f
		}
		r.vals["write_date"], r.vals["write_uid"] = s.now(), s.uid
	}
	return nil
}

// checkSelections is 7.0's _check_selection_field_value, which create and
// write call for every selection field given a true value: one not among
// the selection's keys is a ValidateError naming the table and the field.
func checkSelections(m *model, vals map[string]any) *rpcFault {
	for name, v := range vals {
		fl, ok := m.fields[name]
		if !ok || fl.Type != "selection" || fl.Selection == nil || !truthy(v) {
			continue
		}
		if key, ok := v.(string); ok && slices.Contains(fl.Selection, key) {
			continue
		}
		return warn("ValidateError", "The value \"%v\" for the field \"%s.%s\" is not in the selection", v, m.table(), name)
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
// violation: an except_osv that names the table of the violated
// constraint (m), not the field.
func integrityError(m *model, _ string) *rpcFault {
	return warn("Integrity Error", "The operation cannot be completed, probably due to the following:\n"+
		"- deletion: you may be trying to delete a record while other records still reference it\n"+
		"- creation/update: a mandatory field is not correctly set\n\n"+
		"[object with reference: %s - %s]", m.description(), m.name)
}

// unlink deletes the records ids as 7.0's unlink does, with one DELETE
// whose foreign keys act as PostgreSQL's do: the records whose many2one
// points at a deleted record and is ondelete cascade go too (and theirs,
// in turn); a restrict, or a set null (the default) on a required field,
// refuses the whole unlink with an Integrity Error; a set null empties the
// many2one; many2many links to a deleted record go. A record that does not
// exist is no error ("no need to warn about deleting an already deleted
// record").
func (s *Server) unlink(m *model, ids []int64) *rpcFault {
	doomed := map[string]map[int64]bool{}
	var doom func(m *model, ids []int64)
	doom = func(m *model, ids []int64) {
		for _, id := range ids {
			if _, ok := m.records[id]; !ok || doomed[m.name][id] {
				continue
			}
			if doomed[m.name] == nil {
				doomed[m.name] = map[int64]bool{}
			}
			doomed[m.name][id] = true
			for _, ref := range s.references(m.name) {
				if ref.field.OnDelete != "cascade" {
					continue
				}
				var children []int64
				for cid, cr := range ref.model.records {
					if cr.vals[ref.name] == id {
						children = append(children, cid)
					}
				}
				slices.Sort(children)
				doom(ref.model, children)
			}
		}
	}
	doom(m, ids)
	type nulling struct {
		r    *record
		name string
	}
	var nulls []nulling
	for target, gone := range doomed {
		for _, ref := range s.references(target) {
			if ref.field.OnDelete == "cascade" {
				continue
			}
			for cid, cr := range ref.model.records {
				rid, _ := cr.vals[ref.name].(int64)
				if !gone[rid] || doomed[ref.model.name][cid] {
					continue
				}
				if ref.field.OnDelete == "restrict" || ref.field.Required {
					return integrityError(ref.model, ref.name)
				}
				nulls = append(nulls, nulling{cr, ref.name})
			}
		}
	}
	for _, n := range nulls {
		n.r.vals[n.name] = int64(0)
	}
	for name, gone := range doomed {
		for id := range gone {
			delete(s.models[name].records, id)
			s.models[name].index.unindex(id)
		}
		for _, rm := range s.models {
			for fname, fl := range rm.fields {
				if fl.Type != "many2many" || fl.Relation != name {
					continue
				}
				for _, r := range rm.records {
					if ids, ok := r.vals[fname].([]int64); ok {
						r.vals[fname] = slices.DeleteFunc(slices.Clone(ids), func(id int64) bool { return gone[id] })
					}
				}
			}
		}
	}
	return nil
}

// reference is a many2one field of a model.
type reference struct {
	model *model
	name  string
	field Field
}

// references are the many2one fields of every model that point at the
// model target.
func (s *Server) references(target string) []reference {
	var out []reference
	for _, m := range s.models {
		for name, fl := range m.fields {
			if fl.Type == "many2one" && fl.Relation == target {
				out = append(out, reference{m, name, fl})
			}
		}
	}
	return out
}

// assign checks and stores vals in r, as create and write do. With a lang
// other than en_US (write only), a translatable field's value is that
// language's translation, as 7.0's write sets it: the source column is
// left as it is, unless it is empty, when it takes the value too ("if not
// src_trans: ... self.write(cr, user, ids, {f: vals[f]})").
func (s *Server) assign(m *model, id int64, r *record, vals map[string]any, lang string) *rpcFault {
	for name, v := range vals {
		if name == "id" || logColumn(name) || name == lastUpdate {
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
			if f := s.o2mCommands(id, fl, v, lang); f != nil {
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
			if !truthy(r.vals[name]) {
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

// o2mCommands applies x2many commands to a one2many field of record id,
// as 7.0's one2many.set does: (3, id) and (5,) delete the children when
// their many2one is ondelete cascade, else empty it ((5,) and (6, 0, ids)
// by a write, which a required many2one refuses).
func (s *Server) o2mCommands(id int64, fl Field, v any, lang string) *rpcFault {
	child := s.models[fl.Relation]
	cascade := child.fields[fl.Inverse].OnDelete == "cascade"
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
			if _, f := s.create(child, vals); f != nil {
				return f
			}
		case 1:
			if f := s.write(child, []int64{target}, asValues(vals), lang); f != nil {
				return f
			}
		case 2:
			if f := s.unlink(child, []int64{target}); f != nil {
				return f
			}
		case 3:
			if cascade {
				if f := s.unlink(child, []int64{target}); f != nil {
					return f
				}
			} else if r, ok := child.records[target]; ok {
				r.vals[fl.Inverse] = int64(0)
			}
		case 4:
			r, ok := child.records[target]
			if !ok {
				return s.deleted(child)
			}
			r.vals[fl.Inverse] = id
		case 5:
			linked := s.children(fl, id, false)
			if cascade {
				if f := s.unlink(child, linked); f != nil {
					return f
				}
				continue
			}
			if f := s.write(child, linked, map[string]any{fl.Inverse: false}, lang); f != nil {
				return f // a required many2one refuses False
			}
		case 6:
			keep, _ := toIDs(vals)
			if f := s.write(child, keep, map[string]any{fl.Inverse: id}, lang); f != nil {
				return f
			}
			others := slices.DeleteFunc(s.children(fl, id, false), func(cid int64) bool { return slices.Contains(keep, cid) })
			if f := s.write(child, others, map[string]any{fl.Inverse: false}, lang); f != nil {
				return f
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
			nid, f := s.create(rel, asValues(vals))
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
				if f := s.unlink(rel, []int64{target}); f != nil {
					return nil, f
				}
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

// read reads the records ids as 7.0's read and _read_flat do. A field
// the model lacks is left out without a fault (check_field_access_rights
// lets it through, _read_flat reads only _columns); __last_update reads on
// every model. A record that does not exist is left out (7.0 raises
// nothing, to spare clients whose search and read are not one
// transaction) — unless no field asked is read from the table (only
// x2many or unknown ones), when 7.0 reads no row and answers {'id': id}
// for every ID asked. One ID, not in a list, reads as one record or
// False.
func (s *Server) read(m *model, idsArg, fieldsArg any, context map[string]any) (any, *rpcFault) {
	ids, f := toIDs(idsArg)
	if f != nil {
		return nil, f
	}
	var only []string
	fromTable := true
	if list, ok := fieldsArg.([]any); ok && len(list) > 0 {
		fromTable = false
		for _, e := range list {
			name, _ := e.(string)
			fl, ok := m.fields[name]
			switch {
			case name == lastUpdate || ok && classic(fl):
				fromTable = true
			case !ok:
				continue // not in _columns: ignored
			}
			only = append(only, name)
		}
		if only == nil {
			only = []string{}
		}
	}
	out := make([]any, 0, len(ids))
	for _, id := range ids {
		r, ok := m.records[id]
		if !ok {
			if fromTable {
				continue
			}
			r = &record{id: id}
		}
		vals := s.render(m, r, only, context)
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

// render reads a record as OpenERP sends it: the fields only names (every
// field when nil), in the context's language, x2many lists as a search
// with the context's active_test finds them.
func (s *Server) render(m *model, r *record, only []string, context map[string]any) map[string]any {
	lang := langOf(context)
	activeTest := true
	if at, ok := context["active_test"].(bool); ok {
		activeTest = at
	}
	names := only
	if names == nil {
		names = slices.Collect(maps.Keys(m.fields))
	}
	out := make(map[string]any, len(names)+1)
	for _, name := range names {
		switch name {
		case "id":
			continue
		case lastUpdate:
			out[name] = s.lastUpdate(r)
			continue
		}
		fl := m.fields[name]
		var v any
		switch {
		case name == "create_date" || name == "write_date":
			if ts, ok := r.vals[name].(string); ok {
				v = toSecond(ts)
			}
		case fl.Translate && lang != "":
			v = translated(r, name, lang)
		default:
			v = r.vals[name]
		}
		out[name] = s.wireValue(fl, v, r.id, activeTest)
	}
	return out
}

// lastUpdate is __last_update: on 7.0 the SQL COALESCE(write_date,
// create_date, now) as PostgreSQL prints a timestamp (to the microsecond:
// no date_trunc as for write_date); on Odoo 8 a field computed from
// write_date, to the second.
func (s *Server) lastUpdate(r *record) string {
	ts, _ := r.vals["write_date"].(string)
	if ts == "" {
		ts, _ = r.vals["create_date"].(string)
	}
	if ts == "" {
		ts = s.now()
	}
	if s.opts.Version >= 8 {
		return toSecond(ts)
	}
	return ts
}

// translated is a translatable field's value in lang, as 7.0's _read_flat
// reads it: the translation, or the source value when there is none or it
// is empty (res_trans.get(id, False) or r[f]).
func translated(r *record, name, lang string) any {
	if t := r.trans[lang][name]; truthy(t) {
		return t
	}
	return r.vals[name]
}

// children are the IDs of the records whose many2one fl.Inverse points at
// id, as 7.0's one2many.get searches them: without the archived ones when
// activeTest holds.
func (s *Server) children(fl Field, id int64, activeTest bool) []int64 {
	child := s.models[fl.Relation]
	_, hasActive := child.fields["active"]
	var ids []int64
	for cid, r := range child.records {
		if r.vals[fl.Inverse] == id && !(activeTest && hasActive && r.vals["active"] != true) {
			ids = append(ids, cid)
		}
	}
	slices.Sort(ids)
	return ids
}

// wireValue is a stored value as OpenERP sends it: False for every empty
// value but numbers, [id, name] for a many2one, ID lists for x2many (the
// archived records left out when activeTest holds: 7.0's one2many.get
// searches, and many2many.get applies _where_calc, both with the
// context's active_test).
func (s *Server) wireValue(fl Field, v any, id int64, activeTest bool) any {
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
		return idsAny(s.children(fl, id, activeTest))
	case "many2many":
		ids, _ := v.([]int64)
		rel := s.models[fl.Relation]
		_, hasActive := rel.fields["active"]
		if activeTest && hasActive {
			ids = slices.DeleteFunc(slices.Clone(ids), func(rid int64) bool {
				r, ok := rel.records[rid]
				return ok && r.vals["active"] != true
			})
		}
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
		if fl.Selection != nil {
			sel := make([]any, len(fl.Selection))
			for i, key := range fl.Selection {
				sel[i] = []any{key, key}
			}
			desc["selection"] = sel
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
	records := m.records
	if found, ok := m.candidates(expr); ok {
		records = make(map[int64]*record, len(found))
		for id := range found {
			if r, ok := m.records[id]; ok {
				records[id] = r
			}
		}
	}
	var ids []int64
	for id, r := range records {
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
		if _, ok := m.fields[fs[0]]; !ok && fs[0] != "id" && !logColumn(fs[0]) {
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
